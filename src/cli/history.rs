//! `medcurate history DATASET/ID`: everything that happened to an item.

use crate::cli::identity::act_as_any;
use crate::domain::curation::editable_text;
use crate::domain::diff::{LineChange, diff_lines};
use crate::domain::history_text::event_sentence;
use crate::domain::people::Role;
use crate::domain::review::Verdict;
use crate::store::{ItemHistory, Store};
use anyhow::{Result, bail};
use clap::Args;
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The item, as DATASET/ID
    pub item: String,
    /// The curator or maintainer asking [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

pub fn run(db: &Path, args: HistoryArgs) -> Result<()> {
    let Some((dataset, id)) = args.item.split_once('/') else {
        bail!(
            "give the item as DATASET/ID, e.g. CMExam/cmexam:17 (got {:?})",
            args.item
        );
    };
    let store = Store::open_existing(db)?;
    let me = act_as_any(
        &store,
        args.as_id.as_deref(),
        &[Role::Curator, Role::Maintainer],
    )?;
    let Some(h) = store.item_history(&me.id, dataset, id)? else {
        bail!("there is no item {dataset}/{id}; `medcurate status` lists the datasets");
    };
    print!("{}", crate::cli::printable(&render(&h)));
    Ok(())
}

/// The history as text: revisions as diffs, then reviews, decisions and the event log.
pub fn render(h: &ItemHistory) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}/{}: {} at revision {}{}",
        h.dataset,
        h.item_id,
        h.state,
        h.revision_no,
        h.final_departments
            .as_ref()
            .map_or(String::new(), |d| format!(", departments {}", d.join(", ")))
    );
    let mut previous: Option<String> = None;
    for r in &h.revisions {
        let text = editable_text(&r.body);
        let _ = writeln!(
            s,
            "\n== revision {} ({}, {}; {})",
            r.revision_no, r.source, r.created_at, r.content_hash
        );
        match &previous {
            None => {
                for line in text.lines() {
                    let _ = writeln!(s, "  {line}");
                }
            }
            Some(old) => {
                for l in diff_lines(old, &text) {
                    let mark = match l.change {
                        LineChange::Same => continue,
                        LineChange::Removed => '-',
                        LineChange::Added => '+',
                    };
                    let _ = writeln!(s, "{mark} {}", l.text);
                }
            }
        }
        previous = Some(text);
    }
    let _ = writeln!(s, "\n== reviews");
    for r in &h.reviews {
        let _ = write!(
            s,
            "revision {}: {} {} (claimed {}",
            r.revision_no, r.reviewer, r.status, r.claimed_at
        );
        if let Some(at) = &r.submitted_at {
            let _ = write!(s, ", submitted {at}");
        }
        let _ = writeln!(s, ")");
        match &r.content {
            Some(c) => {
                for (crit, v) in &c.verdicts {
                    match v {
                        Verdict::Pass => {
                            let _ = writeln!(s, "    {}: pass", crit.id());
                        }
                        Verdict::Fail { reason } => {
                            let _ = writeln!(s, "    {}: FAIL ({reason})", crit.id());
                        }
                    }
                }
                let _ = writeln!(s, "    departments: {}", c.departments.join(", "));
                if let Some(cm) = &c.comment {
                    let _ = writeln!(s, "    comment: {cm}");
                }
                if c.proposal.is_some() {
                    let _ = writeln!(s, "    proposed a corrected text");
                }
            }
            None if r.status == "submitted" => {
                let _ = writeln!(s, "    (withheld while the pair is open)");
            }
            None => {}
        }
    }
    let _ = writeln!(s, "\n== decisions");
    if h.decisions.is_empty() {
        let _ = writeln!(s, "none");
    }
    for d in &h.decisions {
        let _ = write!(
            s,
            "revision {}: {} by {} at {}",
            d.revision_no, d.action, d.curator, d.at
        );
        if let Some(dep) = &d.departments {
            let _ = write!(s, "; departments {}", dep.join(", "));
        }
        if let Some(n) = d.new_revision {
            let _ = write!(s, "; new revision {n}");
        }
        if let Some(r) = &d.reason {
            let _ = write!(s, "; reason: {r}");
        }
        if let Some(n) = &d.note {
            let _ = write!(s, "; note for the reviewers: {n}");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "\n== what happened");
    let failed = |who: &str, rev: Option<i64>| h.failed_criteria(who, rev);
    for e in &h.events {
        let _ = writeln!(
            s,
            "{}  {}",
            e.at,
            event_sentence(
                &e.actor,
                &e.action,
                e.revision_no,
                e.detail.as_deref(),
                &failed
            )
        );
    }
    s
}
