//! `medcurate reviews claim [--dataset NAME] [--json]`: the next item for an annotator, as
//! the review screen would give it (blind, at most two reviewers, never the same one twice),
//! for reviewers who work from a script; `reviews import` then submits the review onto the
//! claim.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use crate::store::{Assignment, Store};
use crate::tui::widgets::item_view::item_lines;
use anyhow::Result;
use clap::Args;
use serde_json::{Map, Value, json};
use std::path::Path;

/// Columns the item is wrapped to in the plain-text output.
const TEXT_WIDTH: usize = 100;

#[derive(Debug, Args)]
pub struct ClaimArgs {
    /// Only items of this dataset
    #[arg(long)]
    pub dataset: Option<String>,
    /// The annotator claiming [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
    /// Print one JSON object (or `null` when nothing is left to review)
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: &Path, args: ClaimArgs) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let me = act_as(&store, args.as_id.as_deref(), Role::Annotator)?;
    let claimed = store.claim_next(&me.id, args.dataset.as_deref())?;
    match (claimed, args.json) {
        (None, true) => println!("null"),
        (None, false) => match &args.dataset {
            Some(d) => println!("nothing to review for {} in {d}", me.id),
            None => println!("nothing to review for {}", me.id),
        },
        (Some(a), true) => println!("{}", serde_json::to_string(&as_json(&me.id, &a))?),
        (Some(a), false) => print!("{}", crate::cli::printable(&as_text(&me.id, &a))),
    }
    Ok(())
}

/// The claim as one JSON object: where the item is, what to judge, and the item itself.
fn as_json(reviewer: &str, a: &Assignment) -> Value {
    let criteria: Vec<&str> = applicable(&a.item.body).iter().map(|c| c.id()).collect();
    let draft = (a.content != ReviewContent::default()).then(|| review_line(a, &a.content));
    json!({
        "dataset": a.dataset,
        "item": a.item.id,
        "revision": a.revision_no,
        "kind": a.item.body.kind().as_str(),
        "reviewer": reviewer,
        "review_id": a.review_id,
        "lease_expires_at": a.lease_expires_at,
        "criteria": criteria,
        "body": a.item.body,
        "draft": draft,
    })
}

/// The claim as the review screen shows it, then how to submit the review.
fn as_text(reviewer: &str, a: &Assignment) -> String {
    let mut out = format!(
        "{}/{}, revision {} ({}): claimed for {reviewer}{}\n",
        a.dataset,
        a.item.id,
        a.revision_no,
        a.item.body.kind().as_str(),
        a.lease_expires_at
            .as_deref()
            .map_or(String::new(), |t| format!(" until {t}"))
    );
    let criteria: Vec<String> = applicable(&a.item.body)
        .iter()
        .map(|c| format!("{} ({} {})", c.id(), c.title(), c.title_zh()))
        .collect();
    out.push_str(&format!("criteria: {}\n\n", criteria.join(", ")));
    for line in item_lines(&a.item, TEXT_WIDTH) {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        out.push_str(text.trim_end());
        out.push('\n');
    }
    let mut passing = ReviewContent::default();
    for c in applicable(&a.item.body) {
        passing.verdicts.insert(c, Verdict::Pass);
    }
    out.push_str(&format!(
        "\nsubmit the review with `medcurate reviews import FILE`, FILE holding a line such as\n{}\n",
        review_line(a, &passing)
    ));
    out
}

/// A review in the line format `reviews import` reads (schemas/review.schema.json).
fn review_line(a: &Assignment, content: &ReviewContent) -> Value {
    let verdicts: Map<String, Value> = Criterion::ALL
        .iter()
        .filter_map(|c| {
            let v = match content.verdicts.get(c)? {
                Verdict::Pass => json!("pass"),
                Verdict::Fail { reason } => json!({ "fail": reason }),
            };
            Some((c.id().to_string(), v))
        })
        .collect();
    let mut line = json!({
        "dataset": a.dataset,
        "item": a.item.id,
        "verdicts": verdicts,
        "departments": content.departments,
    });
    if let Some(p) = &content.proposal {
        line["proposal"] = json!(p);
    }
    if let Some(c) = &content.comment {
        line["comment"] = json!(c);
    }
    line
}
