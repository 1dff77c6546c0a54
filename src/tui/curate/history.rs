//! An item's whole history as one scrollable text: every revision with its diff against the
//! one before, every review, every decision and every logged event, each with who and when.
//! Events read as the same sentences `medcurate history` prints.

use crate::domain::curation::editable_text;
use crate::domain::history_text::event_sentence;
use crate::domain::review::Verdict;
use crate::store::{HistoryReview, ItemHistory};
use crate::tui::text::{short_time, wrap_lines, wrap_plain};
use crate::tui::widgets::department_picker::label;
use crate::tui::widgets::{criteria, diff_view};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::collections::BTreeMap;

pub struct HistoryView {
    pub history: ItemHistory,
    pub scroll: usize,
}

const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const SUB: Style = Style::new().add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

/// Reviewers' ids, or "Reviewer 1", "Reviewer 2"… in the order they first reviewed the item.
struct Names {
    aliases: BTreeMap<String, String>,
}

impl Names {
    fn new(h: &ItemHistory, anonymous: bool) -> Names {
        let mut aliases = BTreeMap::new();
        if anonymous {
            for r in &h.reviews {
                let n = aliases.len() + 1;
                aliases
                    .entry(r.reviewer.clone())
                    .or_insert_with(|| format!("Reviewer {n}"));
            }
        }
        Names { aliases }
    }

    fn of<'a>(&'a self, id: &'a str) -> &'a str {
        self.aliases.get(id).map_or(id, String::as_str)
    }

    /// An event's detail with the reviewer it names (a lapsed claim's) shown as their alias.
    fn in_detail(&self, detail: &str) -> String {
        let Ok(mut v) = serde_json::from_str::<serde_json::Value>(detail) else {
            return detail.to_string();
        };
        if let Some(r) = v.get_mut("reviewer")
            && let Some(alias) = r.as_str().and_then(|id| self.aliases.get(id))
        {
            *r = serde_json::Value::String(alias.clone());
        }
        v.to_string()
    }
}

pub fn history_lines(h: &ItemHistory, anonymous: bool, width: usize) -> Vec<Line<'static>> {
    let width = width.max(10);
    let names = Names::new(h, anonymous);
    let mut out = Vec::new();
    let finals = h.final_departments.as_ref().map_or("—".to_string(), |d| {
        d.iter().map(|id| label(id)).collect::<Vec<_>>().join(", ")
    });
    out.extend(wrap_plain(
        &format!(
            "{}/{} is {}, at revision {}. Final departments: {finals}",
            h.dataset, h.item_id, h.state, h.revision_no
        ),
        SUB,
        width,
    ));

    section(
        &mut out,
        &format!("Revisions ({})", h.revisions.len()),
        width,
    );
    let mut before: Option<String> = None;
    for r in &h.revisions {
        let hash: String = r.content_hash.chars().take(12).collect();
        out.extend(wrap_plain(
            &format!(
                "Revision {} · {} · {} · {hash}",
                r.revision_no,
                r.source,
                short_time(&r.created_at)
            ),
            SUB,
            width,
        ));
        let now = editable_text(&r.body);
        match &before {
            None => out.extend(wrap_plain(&now, DIM, width)),
            Some(b) => out.extend(diff_view::lines(b, &now, Some(2), width)),
        }
        before = Some(now);
    }

    section(&mut out, &format!("Reviews ({})", h.reviews.len()), width);
    for r in &h.reviews {
        review(&mut out, r, names.of(&r.reviewer), width);
    }

    section(
        &mut out,
        &format!("Decisions ({})", h.decisions.len()),
        width,
    );
    if h.decisions.is_empty() {
        out.push(Line::from(Span::styled("none yet", DIM)));
    }
    for d in &h.decisions {
        let mut what = format!(
            "{} · {} chose {} on revision {}",
            short_time(&d.at),
            names.of(&d.curator),
            d.action,
            d.revision_no
        );
        if let Some(ds) = &d.departments {
            let ds: Vec<String> = ds.iter().map(|id| label(id)).collect();
            what.push_str(&format!(" · departments: {}", ds.join(", ")));
        }
        if let Some(n) = d.new_revision {
            what.push_str(&format!(" · new revision {n}"));
        }
        if let Some(reason) = &d.reason {
            what.push_str(&format!(" · reason: {reason}"));
        }
        if let Some(note) = &d.note {
            what.push_str(&format!(" · note for the reviewers: {note}"));
        }
        out.extend(wrap_plain(&what, Style::default(), width));
    }

    section(&mut out, &format!("Events ({})", h.events.len()), width);
    for e in &h.events {
        let lead = Span::styled(format!("{} ", short_time(&e.at)), DIM);
        // The lookup is by the real id; the sentence names the actor as shown.
        let failed = |_: &str, rev: Option<i64>| h.failed_criteria(&e.actor, rev);
        let detail = e.detail.as_deref().map(|d| names.in_detail(d));
        let sentence = event_sentence(
            names.of(&e.actor),
            &e.action,
            e.revision_no,
            detail.as_deref(),
            &failed,
        );
        out.extend(wrap_lines(lead, &[(&sentence, Style::default())], width));
    }
    out
}

fn section(out: &mut Vec<Line<'static>>, title: &str, width: usize) {
    out.push(Line::default());
    out.extend(wrap_plain(&format!("── {title}"), HEADING, width));
}

fn review(out: &mut Vec<Line<'static>>, r: &HistoryReview, who: &str, width: usize) {
    let when = match &r.submitted_at {
        Some(at) => format!("submitted {}", short_time(at)),
        None => format!("claimed {}", short_time(&r.claimed_at)),
    };
    out.extend(wrap_plain(
        &format!("Revision {} · {who} · {} · {when}", r.revision_no, r.status),
        SUB,
        width,
    ));
    let Some(c) = &r.content else {
        if r.status == "submitted" {
            out.extend(wrap_plain(
                "  (hidden while the revision is in review)",
                DIM,
                width,
            ));
        }
        return;
    };
    for (crit, v) in &c.verdicts {
        let (tag, style, reason) = match v {
            Verdict::Pass => ("pass ", criteria::PASS_STYLE, String::new()),
            Verdict::Fail { reason } => ("FAIL ", criteria::FAIL_STYLE, format!(" — {reason}")),
        };
        out.extend(wrap_lines(
            Span::raw("  "),
            &[
                (tag, style),
                (
                    &format!("{} {}", crit.title(), crit.title_zh()),
                    Style::default(),
                ),
                (&reason, Style::default()),
            ],
            width,
        ));
    }
    let depts: Vec<String> = c.departments.iter().map(|id| label(id)).collect();
    out.extend(wrap_lines(
        Span::raw("  "),
        &[
            ("Departments: ", DIM),
            (&depts.join(", "), Style::default()),
        ],
        width,
    ));
    if let Some(comment) = &c.comment {
        out.extend(wrap_lines(
            Span::raw("  "),
            &[("Comment: ", DIM), (comment, Style::default())],
            width,
        ));
    }
    if let Some(p) = &c.proposal {
        out.extend(wrap_plain(
            &format!("  Proposed a correction ({} lines)", p.lines().count()),
            DIM,
            width,
        ));
    }
}
