//! `medcurate status [--json]`

use crate::domain::item::Difficulty;
use crate::domain::workflow::ItemState;
use crate::store::{DatasetStatus, Store};
use anyhow::Result;
use clap::Args;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, args: StatusArgs) -> Result<()> {
    let store = Store::open_existing(db)?;
    let status = store.status()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&status))?);
    } else {
        print!("{}", table(&status));
    }
    Ok(())
}

pub fn to_json(status: &[DatasetStatus]) -> serde_json::Value {
    let datasets: Vec<_> = status
        .iter()
        .map(|d| {
            let mut states = serde_json::Map::new();
            for s in ItemState::ALL {
                states.insert(s.as_str().into(), d.count(s).into());
            }
            let mut difficulty = serde_json::Map::new();
            for x in Difficulty::ALL {
                difficulty.insert(
                    x.as_str().into(),
                    d.by_difficulty.get(&Some(x)).copied().unwrap_or(0).into(),
                );
            }
            difficulty.insert(
                "unrated".into(),
                d.by_difficulty.get(&None).copied().unwrap_or(0).into(),
            );
            serde_json::json!({
                "dataset": d.dataset,
                "kind": d.kind.as_str(),
                "total": d.total(),
                "states": states,
                "difficulty": difficulty,
            })
        })
        .collect();
    serde_json::json!({ "datasets": datasets })
}

/// A plain table, columns padded by display width so Chinese dataset names line up.
pub fn table(status: &[DatasetStatus]) -> String {
    if status.is_empty() {
        return "no items yet: import some with `medcurate import FILE --dataset NAME`\n".into();
    }
    let headers = [
        "dataset",
        "kind",
        "in review",
        "needs curation",
        "accepted",
        "discarded",
        "total",
    ];
    let mut rows: Vec<Vec<String>> = status
        .iter()
        .map(|d| {
            let mut r = vec![d.dataset.clone(), d.kind.as_str().to_string()];
            r.extend(ItemState::ALL.iter().map(|s| d.count(*s).to_string()));
            r.push(d.total().to_string());
            r
        })
        .collect();
    let mut total = vec!["all".to_string(), String::new()];
    total.extend(
        ItemState::ALL
            .iter()
            .map(|s| status.iter().map(|d| d.count(*s)).sum::<u64>().to_string()),
    );
    total.push(
        status
            .iter()
            .map(DatasetStatus::total)
            .sum::<u64>()
            .to_string(),
    );
    rows.push(total);
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].width())
                .chain([headers[c].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: &[&str], out: &mut String| {
        for (c, cell) in cells.iter().enumerate() {
            let pad = widths[c] - cell.width();
            if c < 2 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
            out.push_str(if c + 1 < cells.len() { "  " } else { "\n" });
        }
    };
    line(&headers, &mut out);
    for r in &rows {
        line(&r.iter().map(String::as_str).collect::<Vec<_>>(), &mut out);
    }
    out
}
