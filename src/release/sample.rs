//! `medcurate sample`: per plan dataset, the accepted pool, the stratified draw and the
//! difficulty mix; kept in the store as a draft.

use crate::domain::plan::{Plan, PlanDataset};
use crate::domain::sampling::{self, Candidate, Quotas, difficulty_name, stratum_label};
use crate::store::{NewSampleItem, Store};
use anyhow::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumLine {
    pub stratum: String,
    pub pool: u64,
    pub quota: u64,
    pub achieved: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DifficultyLine {
    pub difficulty: String,
    pub pool: u64,
    pub target: Option<u64>,
    pub achieved: u64,
}

/// One plan dataset's sampling, target against achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetSample {
    pub dataset: String,
    pub kind: String,
    pub keys: Vec<String>,
    pub pool: u64,
    pub target: u64,
    pub achieved: u64,
    pub difficulties: Vec<DifficultyLine>,
    pub strata: Vec<StratumLine>,
    pub swaps_within: u64,
    pub swaps_across: u64,
    pub shortfalls: Vec<String>,
}

/// A whole sample's report, stored with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleReport {
    pub sample: String,
    pub plan: String,
    pub plan_source: String,
    pub seed: u64,
    pub datasets: Vec<DatasetSample>,
}

impl SampleReport {
    pub fn target(&self) -> u64 {
        self.datasets.iter().map(|d| d.target).sum()
    }

    pub fn achieved(&self) -> u64 {
        self.datasets.iter().map(|d| d.achieved).sum()
    }
}

/// The keys a dataset is stratified by, in the order labels are built.
pub(super) fn stratum_keys(d: &PlanDataset) -> Vec<String> {
    match &d.strata {
        Some(f) => f.keys.keys().cloned().collect(),
        None => d.stratum_keys().into_iter().map(str::to_string).collect(),
    }
}

/// Every cell of fixed strata, labelled as candidates are.
pub(super) fn cells(d: &PlanDataset) -> Vec<String> {
    let Some(f) = &d.strata else {
        return Vec::new();
    };
    let mut out: Vec<Vec<(&str, &str)>> = vec![Vec::new()];
    for (k, values) in &f.keys {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push((k.as_str(), v.as_str()));
                    p
                })
            })
            .collect();
    }
    out.into_iter()
        .map(|c| {
            let pairs: Vec<(&str, Option<&str>)> = c.iter().map(|(k, v)| (*k, Some(*v))).collect();
            stratum_label(&pairs)
        })
        .collect()
}

/// Draws the sample for every dataset of `plan` and keeps it as draft `name`.
pub fn draw(
    store: &mut Store,
    actor: &str,
    plan: &Plan,
    plan_source: &str,
    seed: u64,
    name: &str,
    replace: bool,
) -> Result<SampleReport> {
    let kinds: Vec<(String, String)> = store
        .datasets()?
        .into_iter()
        .map(|(name, kind)| (name, kind.as_str().to_string()))
        .collect();
    let mut datasets = Vec::new();
    let mut items = Vec::new();
    for d in &plan.datasets {
        let keys = stratum_keys(d);
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let quotas = match &d.strata {
            Some(f) => Quotas::Fixed {
                cells: cells(d),
                per_cell: f.per_cell,
            },
            None => Quotas::Proportional { total: d.sampled_n },
        };
        let kind_here = kinds.iter().find(|(n, _)| n == &d.dataset).map(|(_, k)| k);
        let pool = match kind_here {
            Some(k) if *k == d.item_type => store.sample_pool(&d.dataset, &key_refs)?,
            _ => None,
        };
        let Some(pool) = pool else {
            let why = match kind_here {
                None => "the workspace has no such dataset".to_string(),
                Some(k) => format!(
                    "the workspace's dataset holds {k} items, the plan expects {}",
                    d.item_type
                ),
            };
            let target = match &quotas {
                Quotas::Fixed { cells, per_cell } => per_cell * cells.len() as u64,
                Quotas::Proportional { total } => *total,
            };
            datasets.push(DatasetSample {
                dataset: d.dataset.clone(),
                kind: d.item_type.clone(),
                keys,
                pool: 0,
                target,
                achieved: 0,
                difficulties: Vec::new(),
                strata: Vec::new(),
                swaps_within: 0,
                swaps_across: 0,
                shortfalls: vec![format!("0 of {target} items: {why}")],
            });
            continue;
        };
        let candidates: Vec<Candidate> = pool
            .iter()
            .map(|row| {
                let pairs: Vec<(&str, Option<&str>)> = key_refs
                    .iter()
                    .zip(&row.keys)
                    .map(|(k, v)| (*k, v.as_deref()))
                    .collect();
                Candidate {
                    ext_id: row.ext_id.clone(),
                    stratum: stratum_label(&pairs),
                    difficulty: row.difficulty,
                }
            })
            .collect();
        let outcome = sampling::sample(
            &candidates,
            &quotas,
            plan.difficulty_target.as_ref(),
            seed,
            &d.dataset,
        );
        // Chosen ids are sorted; so is a sorted index of the pool.
        let mut by_id: Vec<usize> = (0..pool.len()).collect();
        by_id.sort_by(|a, b| pool[*a].ext_id.cmp(&pool[*b].ext_id));
        let mut k = 0;
        for id in &outcome.chosen {
            while pool[by_id[k]].ext_id != *id {
                k += 1;
            }
            let (row, c) = (&pool[by_id[k]], &candidates[by_id[k]]);
            items.push(NewSampleItem {
                rowid: row.rowid,
                revision_no: row.revision_no,
                difficulty: row.difficulty,
                departments: row.departments.clone(),
                stratum: c.stratum.clone(),
            });
        }
        datasets.push(DatasetSample {
            dataset: d.dataset.clone(),
            kind: d.item_type.clone(),
            keys,
            pool: pool.len() as u64,
            target: outcome.target,
            achieved: outcome.achieved(),
            difficulties: outcome
                .difficulties
                .iter()
                .map(|r| DifficultyLine {
                    difficulty: difficulty_name(r.difficulty).to_string(),
                    pool: r.pool,
                    target: r.target,
                    achieved: r.achieved,
                })
                .collect(),
            strata: outcome
                .strata
                .iter()
                .map(|s| StratumLine {
                    stratum: s.stratum.clone(),
                    pool: s.pool,
                    quota: s.quota,
                    achieved: s.achieved,
                })
                .collect(),
            swaps_within: outcome.swaps_within,
            swaps_across: outcome.swaps_across,
            shortfalls: outcome.shortfalls(),
        });
    }
    let report = SampleReport {
        sample: name.to_string(),
        plan: plan.name.clone(),
        plan_source: plan_source.to_string(),
        seed,
        datasets,
    };
    store.save_sample(
        actor,
        name,
        plan_source,
        &plan.canonical_json(),
        seed,
        &serde_json::to_string(&report)?,
        &items,
        replace,
    )?;
    Ok(report)
}
