//! `medcurate workload [--days N] [--json]`: each physician's pace and open work.

use crate::cli::identity::act_as_any;
use crate::cli::table;
use crate::domain::controls::ControlScore;
use crate::domain::people::Role;
use crate::domain::workload::{ReviewerLoad, duration_words};
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Args;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct WorkloadArgs {
    /// The window of the pace, the median time and the items given back, in days
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// The curator or maintainer asking [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

pub fn run(db: &Path, args: WorkloadArgs) -> Result<()> {
    if args.days == 0 {
        bail!("--days must be at least 1");
    }
    let store = Store::open_existing(db)?;
    let me = act_as_any(
        &store,
        args.as_id.as_deref(),
        &[Role::Curator, Role::Maintainer],
    )?;
    let loads = store.workload(&me.id, SystemTime::now(), args.days)?;
    // Accuracy on controls is a maintainer's to see: a curator who also reviews would learn
    // from it which of their reviews were of controls.
    let scores = if me.roles.contains(&Role::Maintainer) {
        Some(store.control_scores(&me.id, None)?)
    } else {
        None
    };
    if args.json {
        let mut v = to_json(&loads);
        if let (Some(scores), Some(rows)) = (&scores, v["reviewers"].as_array_mut()) {
            for row in rows {
                let id = row["reviewer"].as_str().unwrap_or_default().to_string();
                let s = scores.get(&id).cloned().unwrap_or_default();
                row["controls"] = serde_json::json!({
                    "reviewed": s.reviews,
                    "criteria_accuracy": s.criteria_accuracy(),
                    "outcome_accuracy": s.outcome_accuracy(),
                });
            }
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!(
            "{}",
            crate::cli::printable(&table(&loads, args.days, scores.as_ref()))
        );
    }
    Ok(())
}

pub fn to_json(loads: &[ReviewerLoad]) -> serde_json::Value {
    let rows: Vec<_> = loads
        .iter()
        .map(|l| {
            serde_json::json!({
                "reviewer": l.id,
                "name": l.name,
                "days": l.days,
                "submitted": l.submitted,
                "submitted_in_window": l.submitted_recent,
                "per_day": l.per_day(),
                "median_seconds_claim_to_submit": l.median_secs,
                "open_claims": l.open_claims,
                "oldest_open_claim_seconds": l.oldest_open_secs,
                "given_back": l.skipped,
                "lapsed": l.lapsed,
            })
        })
        .collect();
    serde_json::json!({ "reviewers": rows })
}

/// A table padded by display width, so Chinese names line up.
pub fn table(
    loads: &[ReviewerLoad],
    days: u32,
    controls: Option<&BTreeMap<String, ControlScore>>,
) -> String {
    let mut head = vec![
        "Reviewer".to_string(),
        format!("Per day ({days} d)"),
        "Submitted".into(),
        "Median claim→submit".into(),
        "Open".into(),
        "Oldest open".into(),
        "Given back".into(),
        "Lapsed".into(),
    ];
    if controls.is_some() {
        head.push("Controls right".into());
    }
    let rows: Vec<Vec<String>> = loads
        .iter()
        .map(|l| {
            let who = if l.name.is_empty() || l.name == l.id {
                l.id.clone()
            } else {
                format!("{} ({})", l.name, l.id)
            };
            let mut row = vec![
                who,
                format!("{:.1}", l.per_day()),
                l.submitted.to_string(),
                l.median_secs.map_or("—".into(), duration_words),
                l.open_claims.to_string(),
                l.oldest_open_secs.map_or("—".into(), duration_words),
                l.skipped.to_string(),
                l.lapsed.to_string(),
            ];
            if let Some(scores) = controls {
                row.push(
                    scores
                        .get(&l.id)
                        .map_or("-".into(), |s| match s.criteria_accuracy() {
                            Some(a) => format!("{:.0}% of {}", a * 100.0, s.reviews),
                            None => "-".into(),
                        }),
                );
            }
            row
        })
        .collect();
    let mut out = table::padded(&head, &rows);
    if loads.is_empty() {
        out.push_str("No annotators yet: `medcurate people add ID --role annotator` adds one.\n");
    }
    out
}
