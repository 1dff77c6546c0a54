//! `medcurate judge report --judge FILE...`: judges rated against the experts' decisions on
//! rubric points (met is the positive class), in the layout of the paper's Table 5.

use crate::domain::judge::Confusion;
use crate::import::MAX_SHOWN_ERRORS;
use crate::import::judge_verdicts::stream_judge_verdicts;
use crate::import::records::unit_of;
use crate::store::Store;
use anyhow::{Context, Result, bail};
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

/// A response as a judge file names it: dataset, item, model.
type Response<'a> = (&'a str, &'a str, &'a str);

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
    // (dataset, item, model) -> which expert decision, and its points.
    let by_key: BTreeMap<Response, (usize, &Vec<Option<bool>>)> = experts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                (d.dataset.as_str(), d.item_id.as_str(), d.model.as_str()),
                (i, &d.decision.points),
            )
        })
        .collect();
    let mut rows = Vec::new();
    // The first problems, for display, and a count of all: a judge file of a million lines
    // is read in flat memory whatever is wrong with it.
    let mut problems = Vec::new();
    let mut problem_count = 0usize;
    let mut problem = |p: &dyn Fn() -> String| {
        if problems.len() < MAX_SHOWN_ERRORS {
            problems.push(p());
        }
        problem_count += 1;
    };
    for file in &judges {
        let shown = file.display().to_string();
        let mut c = Confusion::default();
        // Per expert decision, the line that answered it (0: none yet): as many entries as
        // adjudications, whatever the file's length.
        let mut seen = vec![0usize; experts.len()];
        let unit = unit_of(file).with_context(|| format!("reading {shown}"))?;
        for next in stream_judge_verdicts(file)? {
            let v = match next? {
                Ok(v) => v,
                Err(errs) => {
                    for e in errs {
                        problem(&|| e.to_string());
                    }
                    continue;
                }
            };
            let at = unit.place(&shown, v.line);
            let key = (v.dataset.as_str(), v.item_id.as_str(), v.model.as_str());
            let Some(&(i, expert)) = by_key.get(&key) else {
                problem(&|| {
                    format!(
                        "{at}: {}/{} answered by {} is not an adjudicated dispute",
                        v.dataset, v.item_id, v.model
                    )
                });
                if let Err(e) = &v.points {
                    problem(&|| e.to_string());
                }
                continue;
            };
            let first = seen[i];
            if first > 0 {
                problem(&|| format!("{at}: the same response as {}", unit.name(first)));
                continue;
            }
            seen[i] = v.line;
            let points = match &v.points {
                Ok(p) => p,
                Err(e) => {
                    problem(&|| e.to_string());
                    continue;
                }
            };
            if points.len() != expert.len() {
                problem(&|| {
                    format!(
                        "{at}: field `points`: {} given, the rubric has {}",
                        points.len(),
                        expert.len()
                    )
                });
                continue;
            }
            for (j, e) in points.iter().zip(expert.iter()) {
                c.add(*j, e.unwrap_or(false));
            }
        }
        let name = file
            .file_stem()
            .map_or(shown.clone(), |s| s.to_string_lossy().into_owned());
        rows.push(Row {
            name,
            c,
            covered: seen.iter().filter(|l| **l > 0).count(),
        });
    }
    if problem_count > 0 {
        for p in &problems {
            eprintln!("error: {p}");
        }
        if problem_count > problems.len() {
            eprintln!("... and {} more", problem_count - problems.len());
        }
        bail!("{problem_count} problem(s) in the judge file(s); no report");
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
