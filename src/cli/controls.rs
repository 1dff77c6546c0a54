//! `medcurate controls import FILE | list | scores | retire DATASET/ID`: control items, for
//! maintainers only. Claims mix controls into physicians' queues at the rate the setting
//! `review.control_rate` gives (1 in N claims).

use crate::cli::identity::act_as;
use crate::cli::{problems, table};
use crate::domain::controls::{ControlScore, verdicts_of};
use crate::domain::people::Role;
use crate::import::rows::{all_problems, read_readable};
use crate::store::{ControlRow, Store};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ControlsCommand {
    /// Mark items as controls, with the verdict each criterion should get. FILE holds one
    /// line per item: {"dataset": "CMExam", "item": "q17", "expected": {"answer_correctness":
    /// "fail"}}. Each item must be one no one has claimed yet.
    Import {
        file: PathBuf,
        /// The maintainer marking them [default: from the config file or OS account]
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Every control, its expected verdicts and how its reviewers did
    List(ReportArgs),
    /// Each physician's accuracy on controls
    Scores(ReportArgs),
    /// Stop giving a control to anyone (its reviews still count)
    Retire {
        /// The control, as DATASET/ID
        item: String,
        /// The maintainer retiring it [default: from the config file or OS account]
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

/// What `controls list` and `controls scores` take.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this dataset's controls
    #[arg(long)]
    dataset: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    json: bool,
    /// The maintainer asking [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    as_id: Option<String>,
}

pub fn run(db: &Path, cmd: ControlsCommand) -> Result<()> {
    match cmd {
        ControlsCommand::Import { file, as_id } => import(db, &file, as_id.as_deref()),
        ControlsCommand::List(ReportArgs {
            dataset,
            json,
            as_id,
        }) => {
            let store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            let rows = store.controls(&me.id, dataset.as_deref())?;
            if json {
                let v: Vec<_> = rows.iter().map(row_json).collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({ "controls": v }))?
                );
            } else if rows.is_empty() {
                println!(
                    "no controls yet; mark some with `medcurate controls import FILE` (see --help)"
                );
            } else {
                print!("{}", crate::cli::printable(&list_table(&rows)));
                println!("\n{}", rate_words(store.control_rate()?));
            }
            Ok(())
        }
        ControlsCommand::Scores(ReportArgs {
            dataset,
            json,
            as_id,
        }) => {
            let store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            let scores = store.control_scores(&me.id, dataset.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&scores_json(&scores))?);
            } else if scores.is_empty() {
                println!("no physician has reviewed a control yet");
            } else {
                print!("{}", crate::cli::printable(&scores_table(&scores)));
            }
            Ok(())
        }
        ControlsCommand::Retire { item, as_id } => {
            let Some((dataset, id)) = item.split_once('/') else {
                bail!("give the control as DATASET/ID, e.g. CMExam/q17 (got {item:?})");
            };
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            store.retire_control(&me.id, dataset, id)?;
            println!("{item} is retired: no claim gives it any more; its reviews still count");
            Ok(())
        }
    }
}

fn import(db: &Path, file: &Path, as_id: Option<&str>) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let me = act_as(&store, as_id, Role::Maintainer)?;
    let read = read_readable(file, crate::domain::controls::parse_line)?;
    let shown = file.display().to_string();
    // The lines that read are checked against the store too, so the file is fixed in one go.
    // Nothing is written unless every line reads and every item can be marked.
    let checked = store.mark_controls(&me.id, &read.rows, !read.problems.is_empty())?;
    let done = match checked {
        Ok(done) if read.problems.is_empty() => done,
        Ok(_) => {
            let all = all_problems(&shown, read.unit, &read.problems, &[]);
            problems::print(&all);
            bail!("{} problem(s); no item was marked", all.len());
        }
        Err(refused) => {
            let all = all_problems(&shown, read.unit, &read.problems, &refused);
            problems::print(&all);
            bail!("{} problem(s); no item was marked", all.len());
        }
    };
    if read.rows.is_empty() {
        bail!("{shown} holds no control lines; see `medcurate controls import --help`");
    }
    let mut line = format!("{} control(s) marked by {}", done.marked, me.id);
    if done.unchanged > 0 {
        line.push_str(&format!(
            "; {} already controls with these verdicts (nothing written)",
            done.unchanged
        ));
    }
    println!("{line}");
    let rate = store.control_rate()?;
    println!("{}", rate_words(rate));
    if rate == 0 {
        println!("set a rate with `medcurate settings review.control_rate 20`");
    }
    Ok(())
}

/// "answer_correctness fail, clinical_validity pass".
fn expected_words(bits: i64) -> String {
    verdicts_of(bits)
        .iter()
        .map(|(c, pass)| format!("{} {}", c.id(), if *pass { "pass" } else { "fail" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The counts padded as a table, each line ending with its expected verdicts (text, left as
/// it is rather than aligned right as numbers are).
fn list_table(rows: &[ControlRow]) -> String {
    let head = ["Control", "Reviews", "All right", "Open", "Retired"].map(String::from);
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("{}/{}", r.dataset, r.item),
                r.reviews.to_string(),
                r.all_right.to_string(),
                r.open.to_string(),
                r.retired_at
                    .as_deref()
                    .map_or("-".into(), |t| t.get(..10).unwrap_or(t).to_string()),
            ]
        })
        .collect();
    let expected = std::iter::once("Expected".to_string())
        .chain(rows.iter().map(|r| expected_words(r.expected_bits)));
    table::padded(&head, &body)
        .lines()
        .zip(expected)
        .map(|(line, e)| format!("{line}  {e}\n"))
        .collect()
}

/// How often claims give a control, in words.
fn rate_words(rate: u32) -> String {
    match rate {
        0 => "claims give no controls (review.control_rate = 0)".into(),
        1 => "every claim gives a control while one is left (review.control_rate = 1)".into(),
        n => format!("claims give a control 1 in {n} times (review.control_rate = {n})"),
    }
}

fn row_json(r: &ControlRow) -> serde_json::Value {
    let expected: serde_json::Map<String, serde_json::Value> = verdicts_of(r.expected_bits)
        .into_iter()
        .map(|(c, pass)| {
            (
                c.id().to_string(),
                json!(if pass { "pass" } else { "fail" }),
            )
        })
        .collect();
    json!({
        "dataset": r.dataset,
        "item": r.item,
        "expected": expected,
        "reviews": r.reviews,
        "reviews_all_right": r.all_right,
        "open_claims": r.open,
        "marked_by": r.marked_by,
        "marked_at": r.marked_at,
        "retired_at": r.retired_at,
    })
}

/// Each physician's accuracy, for `controls scores`, `agreement` and `workload`.
pub fn scores_table(scores: &BTreeMap<String, ControlScore>) -> String {
    let head = ["Reviewer", "Controls", "Criteria right", "Outcomes right"].map(String::from);
    let pct = |a: Option<f64>| a.map_or("-".into(), |a| format!("{:.0}%", a * 100.0));
    let body: Vec<Vec<String>> = scores
        .values()
        .map(|s| {
            vec![
                s.reviewer.clone(),
                s.reviews.to_string(),
                format!(
                    "{}/{} ({})",
                    s.criteria_right,
                    s.criteria,
                    pct(s.criteria_accuracy())
                ),
                format!(
                    "{}/{} ({})",
                    s.outcomes_right,
                    s.reviews,
                    pct(s.outcome_accuracy())
                ),
            ]
        })
        .collect();
    table::padded(&head, &body)
}

pub fn scores_json(scores: &BTreeMap<String, ControlScore>) -> serde_json::Value {
    let rows: Vec<_> = scores
        .values()
        .map(|s| {
            json!({
                "reviewer": s.reviewer,
                "controls": s.reviews,
                "criteria": s.criteria,
                "criteria_right": s.criteria_right,
                "criteria_accuracy": s.criteria_accuracy(),
                "outcomes_right": s.outcomes_right,
                "outcome_accuracy": s.outcome_accuracy(),
            })
        })
        .collect();
    json!({ "reviewers": rows })
}
