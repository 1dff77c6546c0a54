//! `medcurate judge report --judge FILE...`: judges rated against the experts' decisions on
//! rubric points (met is the positive class), in the layout of the paper's Table 5.

use crate::cli::problems;
use crate::domain::judge::Confusion;
use crate::import::judge_verdicts::read_judge_verdicts;
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Subcommand;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum JudgeCommand {
    /// Accuracy, precision, recall, F1 and Cohen's kappa of each judge against the experts
    Report {
        /// A judge's verdicts (one JSON line per response: dataset, item, model, points);
        /// repeat for several judges, one row each, named by the file
        #[arg(long = "judge", value_name = "FILE", required = true)]
        judges: Vec<PathBuf>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

struct Row {
    name: String,
    c: Confusion,
    covered: usize,
}

pub fn run(db: &Path, cmd: JudgeCommand) -> Result<()> {
    let JudgeCommand::Report { judges, json } = cmd;
    let store = Store::open_existing(db)?;
    let experts = store.adjudicated_disputes(None)?;
    if experts.is_empty() {
        bail!(
            "no dispute has been adjudicated yet; experts decide them with `medcurate adjudicate`"
        );
    }
    let by_key: BTreeMap<(&str, &str, &str), &Vec<Option<bool>>> = experts
        .iter()
        .map(|d| {
            (
                (d.dataset.as_str(), d.item_id.as_str(), d.model.as_str()),
                &d.decision.points,
            )
        })
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for file in &judges {
        let shown = file.display().to_string();
        let verdicts = match read_judge_verdicts(file)? {
            Ok(v) => v,
            Err(errs) => {
                problems.extend(errs.iter().map(|e| e.to_string()));
                continue;
            }
        };
        let mut c = Confusion::default();
        let mut seen: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for v in &verdicts {
            let key = (v.dataset.as_str(), v.item_id.as_str(), v.model.as_str());
            let Some(expert) = by_key.get(&key) else {
                problems.push(format!(
                    "{shown}:{}: {}/{} answered by {} is not an adjudicated dispute",
                    v.line, v.dataset, v.item_id, v.model
                ));
                continue;
            };
            if let Some(first) = seen.insert(key, v.line) {
                problems.push(format!(
                    "{shown}:{}: the same response as line {first}",
                    v.line
                ));
                continue;
            }
            if v.points.len() != expert.len() {
                problems.push(format!(
                    "{shown}:{}: field `points`: {} given, the rubric has {}",
                    v.line,
                    v.points.len(),
                    expert.len()
                ));
                continue;
            }
            for (j, e) in v.points.iter().zip(expert.iter()) {
                c.add(*j, e.unwrap_or(false));
            }
        }
        let name = file
            .file_stem()
            .map_or(shown.clone(), |s| s.to_string_lossy().into_owned());
        rows.push(Row {
            name,
            c,
            covered: seen.len(),
        });
    }
    if !problems.is_empty() {
        problems::print(&problems);
        bail!(
            "{} problem(s) in the judge file(s); no report",
            problems.len()
        );
    }
    let total = experts.len();
    if json {
        let v: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "judge": r.name, "accuracy": r.c.accuracy(), "precision": r.c.precision(),
                    "recall": r.c.recall(), "f1": r.c.f1(), "kappa": r.c.kappa(),
                    "points": r.c.total(), "disputes": r.covered, "adjudicated": total,
                    "confusion": {"tp": r.c.tp, "fp": r.c.fp, "fn": r.c.fn_, "tn": r.c.tn},
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
    let w = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "{:<w$}  {:>8}  {:>9}  {:>6}  {:>8}  {:>13}  {:>6}  {:>9}",
        "Judge",
        "Accuracy",
        "Precision",
        "Recall",
        "F1-Score",
        "Cohen's Kappa",
        "points",
        "disputes"
    );
    for r in &rows {
        println!(
            "{:<w$}  {:>8}  {:>9}  {:>6}  {:>8}  {:>13}  {:>6}  {:>9}",
            r.name,
            f(r.c.accuracy()),
            f(r.c.precision()),
            f(r.c.recall()),
            f(r.c.f1()),
            f(r.c.kappa()),
            r.c.total(),
            format!("{}/{total}", r.covered)
        );
    }
    println!(
        "Rubric points of adjudicated disputes, met as the positive class; \"-\" where a measure is undefined (e.g. kappa when one label only)."
    );
    Ok(())
}
