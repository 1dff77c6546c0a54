//! `medcurate leaderboard RELEASE`: every model scored on a release (`evaluate --record`),
//! its latest kept result, best Average first.

use crate::domain::evaluate::render;
use crate::domain::evaluate::table::{Cell, Row, Table};
use crate::release::verify::parse_digest;
use crate::store::{Store, StoredResult};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct LeaderboardArgs {
    /// The release: its directory, or its root digest (sha256:...)
    pub release: String,
    /// Print JSON (every kept result, not only the latest per model)
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print a Markdown table (best in bold, second underlined)
    #[arg(long)]
    pub markdown: bool,
}

fn digest_of(arg: &str) -> Result<String> {
    if arg.starts_with("sha256:") {
        return parse_digest(arg);
    }
    let v = crate::release::verify::verify(&PathBuf::from(arg))
        .with_context(|| format!("{arg} is neither a release directory nor a root digest"))?;
    Ok(v.digest)
}

fn score(v: &Value) -> Option<f64> {
    v.as_f64()
}

pub fn run(db: &Path, args: LeaderboardArgs) -> Result<()> {
    let store = Store::open_existing(db)?;
    let digest = digest_of(&args.release)?;
    let all = store.results(&digest)?;
    if all.is_empty() {
        bail!(
            "no model has been scored on the release {digest}; score one with `medcurate evaluate DIR --answers FILE --record`"
        );
    }
    if args.json {
        let v: Vec<Value> = all
            .iter()
            .map(|r| {
                json!({
                    "model": r.result.model,
                    "answers_sha256": r.result.answers_sha256.split(',').collect::<Vec<_>>(),
                    "scores": serde_json::from_str::<Value>(&r.result.scores).unwrap_or(Value::Null),
                    "recorded_by": r.recorded_by,
                    "recorded_at": r.recorded_at,
                })
            })
            .collect();
        let out = json!({
            "release": all[0].result.release,
            "version": all[0].result.version,
            "root_digest": digest,
            "results": v,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let t = latest_table(&all);
    println!(
        "{} {}, root digest {}: {} model(s), {} result(s) kept",
        all[0].result.release,
        all[0].result.version,
        digest,
        t.rows.len(),
        all.len()
    );
    if args.markdown {
        println!();
        print!("{}", render::markdown(&t));
    } else {
        print!("{}", render::terminal(&t));
    }
    Ok(())
}

/// The latest result of each model as a table, best Average first (missing last).
fn latest_table(all: &[StoredResult]) -> Table {
    let mut latest: BTreeMap<&str, Value> = BTreeMap::new();
    for r in all {
        latest.insert(
            &r.result.model,
            serde_json::from_str(&r.result.scores).unwrap_or(Value::Null),
        );
    }
    let mut columns: Vec<String> = Vec::new();
    let mut by = String::new();
    for v in latest.values() {
        by = v["by"].as_str().unwrap_or("").to_string();
        for c in v["columns"].as_array().into_iter().flatten() {
            if let Some(c) = c.as_str()
                && !columns.iter().any(|x| x == c)
            {
                columns.push(c.to_string());
            }
        }
    }
    let mut rows: Vec<Row> = latest
        .iter()
        .map(|(model, v)| {
            let cols: Vec<&str> = v["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let cells = columns
                .iter()
                .map(|c| Cell {
                    score: cols
                        .iter()
                        .position(|x| x == c)
                        .and_then(|i| score(&v["scores"][i])),
                    items: 0,
                    datasets: 0,
                    missing: Vec::new(),
                    provisional: 0,
                })
                .collect();
            Row {
                model: model.to_string(),
                average: score(&v["average"]),
                cells,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.average
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.average.unwrap_or(f64::NEG_INFINITY))
            .then(a.model.cmp(&b.model))
    });
    Table { by, columns, rows }
}
