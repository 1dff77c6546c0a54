//! `medcurate items [--dataset NAME] [--state STATE] [--json]` and `items show DATASET/ID`:
//! find an item, its state and its reviewers' progress (never their verdicts).

use crate::cli::identity;
use crate::domain::people::Role;
use crate::domain::workflow::ItemState;
use crate::store::{ControlsSeen, ItemRow, Store};
use crate::tui::text::pad;
use crate::tui::widgets::item_view::item_lines;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Columns the item is wrapped to by `items show`.
const TEXT_WIDTH: usize = 100;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ItemsArgs {
    #[command(subcommand)]
    pub show: Option<ItemsCommand>,
    /// Only this dataset's items
    #[arg(long)]
    pub dataset: Option<String>,
    /// Only items in this state: in_review, needs_curation, accepted, discarded
    #[arg(long, value_parser = parse_state)]
    pub state: Option<ItemState>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Who is asking [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ItemsCommand {
    /// One item as a reviewer sees it
    Show {
        /// The item, as DATASET/ID
        item: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

fn parse_state(s: &str) -> Result<ItemState, String> {
    s.parse()
}

pub fn run(db: &Path, args: ItemsArgs) -> Result<()> {
    let store = Store::open_existing(db)?;
    if let Some(ItemsCommand::Show { item, json }) = args.show {
        return show(&store, &item, json);
    }
    // Controls show as controls to a maintainer only; to anyone else as items in review.
    let viewer = identity::viewer(&store, args.as_id.as_deref())?;
    let seen = match &viewer {
        Some(p) if p.roles.contains(&Role::Maintainer) => ControlsSeen::Shown,
        Some(p) => ControlsSeen::AsSeenBy(Some(p.id.as_str())),
        None => ControlsSeen::AsSeenBy(None),
    };
    let out = std::io::stdout().lock();
    let mut out = BufWriter::new(out);
    let width = store
        .datasets()?
        .iter()
        .map(|(n, _)| unicode_width::UnicodeWidthStr::width(n.as_str()))
        .max()
        .unwrap_or(7)
        .max(7);
    let mut count = 0u64;
    if args.json {
        write!(out, "[")?;
    } else {
        writeln!(
            out,
            "{}  {:<10}  {:<14}  {:>3}  {:<10}  {:<22}  id",
            pad("dataset", width),
            "kind",
            "state",
            "rev",
            "difficulty",
            "reviews"
        )?;
    }
    store.for_each_item(args.dataset.as_deref(), args.state, seen, |row| {
        if args.json {
            let sep = if count == 0 { "\n  " } else { ",\n  " };
            write!(out, "{sep}{}", serde_json::to_string(&row_json(&row))?)?;
        } else {
            writeln!(
                out,
                "{}  {:<10}  {:<14}  {:>3}  {:<10}  {:<22}  {}",
                pad(&row.dataset, width),
                row.kind.as_str(),
                row.state.as_str(),
                row.revision,
                row.difficulty.map_or("-", |d| d.as_str()),
                progress(&row),
                row.id
            )?;
        }
        count += 1;
        Ok(())
    })?;
    if args.json {
        writeln!(out, "{}]", if count == 0 { "" } else { "\n" })?;
    } else if count == 0 {
        writeln!(out, "no items match")?;
    }
    out.flush()?;
    Ok(())
}

/// Reviews of the current revision: how many are in, how many under way. Never what they say.
fn progress(row: &ItemRow) -> String {
    if row.control {
        return format!(
            "control: {} submitted, {} open",
            row.submitted, row.in_progress
        );
    }
    match (row.submitted, row.in_progress) {
        (0, 0) => "none yet".into(),
        (s, 0) => format!("{s} of 2 submitted"),
        (s, p) => format!("{s} of 2 submitted, {p} open"),
    }
}

fn row_json(row: &ItemRow) -> serde_json::Value {
    let mut v = json!({
        "dataset": row.dataset,
        "id": row.id,
        "kind": row.kind.as_str(),
        "state": row.state.as_str(),
        "revision": row.revision,
        "difficulty": row.difficulty.map(|d| d.as_str()),
        "reviews_submitted": row.submitted,
        "reviews_in_progress": row.in_progress,
    });
    if row.control {
        v["control"] = json!(true);
    }
    v
}

fn show(store: &Store, target: &str, json_out: bool) -> Result<()> {
    let Some((dataset, id)) = target.split_once('/') else {
        bail!("give the item as DATASET/ID, e.g. CMExam/cmexam:17 (got {target:?})");
    };
    let Some(stored) = store.item(dataset, id)? else {
        bail!(
            "there is no item {id:?} in {dataset}; `medcurate items --dataset {dataset}` lists its items"
        );
    };
    if json_out {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "dataset": dataset,
                "id": id,
                "state": stored.state.as_str(),
                "revision": stored.revision_no,
                "body": stored.item.body,
            }))?
        );
        return Ok(());
    }
    println!(
        "{dataset}/{id}, revision {} ({}), {}",
        stored.revision_no,
        stored.item.body.kind().as_str(),
        stored.state.as_str()
    );
    println!();
    for line in item_lines(&stored.item, TEXT_WIDTH) {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        println!("{}", crate::cli::printable(text.trim_end()));
    }
    Ok(())
}
