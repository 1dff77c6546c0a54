//! `medcurate release freeze`: the draft sample's pinned items become the release's files,
//! kept in the store so an export writes the same bytes.

use super::sample::SampleReport;
use crate::domain::plan::Plan;
use crate::domain::release::{self, DatasetSummary, ReleaseFile, ReleaseInput};
use crate::store::Store;
use anyhow::{Context, Result, anyhow, bail};

/// A version as X.Y.Z (semantic versioning, optionally with a pre-release part).
pub fn check_version(v: &str) -> Result<()> {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        bail!("--version {v:?} is not X.Y.Z (e.g. 1.0.0)");
    }
    Ok(())
}

/// The draft sample's report (what it holds per dataset, its mix and its shortfalls), as
/// `release freeze` shows it before asking.
pub fn draft_report(store: &Store, name: &str) -> Result<SampleReport> {
    let Some(sample) = store.sample(name)? else {
        bail!(
            "there is no sample {name}; draw one with `medcurate sample --plan PLAN --seed N --name {name}`"
        );
    };
    serde_json::from_str(&sample.report).context("reading the sample's report")
}

/// The release's files for sample `name`, built from its pinned items. Refused if any
/// sampled item is no longer accepted at the revision it was sampled at.
pub fn build(store: &Store, name: &str, version: &str) -> Result<Vec<ReleaseFile>> {
    check_version(version)?;
    let Some(sample) = store.sample(name)? else {
        bail!(
            "there is no sample {name}; draw one with `medcurate sample --plan PLAN --seed N --name {name}`"
        );
    };
    if let Some((v, _, _)) = &sample.release {
        bail!(
            "{name} is already frozen as version {v}; `medcurate release export {name} --out DIR` writes it again"
        );
    }
    let report: SampleReport =
        serde_json::from_str(&sample.report).context("reading the sample's report")?;
    let plan: Plan = Plan::parse(&sample.plan, &sample.plan_name).map_err(|e| anyhow!(e))?;
    let (items, moved) = store.release_items(name)?;
    if !moved.is_empty() {
        let shown: Vec<&str> = moved.iter().take(10).map(String::as_str).collect();
        bail!(
            "{} sampled item(s) changed since the sample was drawn, e.g. {}; draw the sample again (`medcurate sample ... --name {name} --replace`)",
            moved.len(),
            shown.join("; ")
        );
    }
    let input = ReleaseInput {
        name: name.to_string(),
        version: version.to_string(),
        plan_name: plan.name.clone(),
        plan_ref: sample.plan_name.clone(),
        difficulty_target: plan.difficulty_target.map(|t| (t.hard, t.medium, t.easy)),
        seed: sample.seed,
        datasets: report
            .datasets
            .iter()
            .map(|d| DatasetSummary {
                dataset: d.dataset.clone(),
                kind: d.kind.clone(),
                target: d.target,
                achieved: d.achieved,
                shortfalls: d.shortfalls.clone(),
            })
            .collect(),
        items,
    };
    release::build(&input).map_err(|e| anyhow!(e))
}

/// Builds and stores the release; returns its files for writing out.
pub fn freeze(
    store: &mut Store,
    actor: &str,
    name: &str,
    version: &str,
) -> Result<Vec<ReleaseFile>> {
    let files = build(store, name, version)?;
    store.freeze_release(actor, name, version, &files)?;
    Ok(files)
}
