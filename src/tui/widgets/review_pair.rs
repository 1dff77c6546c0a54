//! Two reviews of one item side by side: per criterion, departments, comments, with every
//! difference marked, and each proposed correction as a diff against the item's text. The
//! curation case shows a pair to its curator; the review screen shows a physician their
//! settled review beside the other one.

use crate::domain::curation::{editable_text, parse_revision};
use crate::domain::item::Item;
use crate::domain::review::{ReviewContent, Verdict, applicable};
use crate::tui::text::{self, wrap_lines, wrap_plain};
use crate::tui::widgets::department_picker::label;
use crate::tui::widgets::{criteria, diff_view};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::collections::BTreeSet;

/// One review of the pair, as its column names it.
pub struct PairReview<'a> {
    /// The column's heading: "Reviewer 1 · 李医生 (dr-a)", "You".
    pub heading: String,
    /// Who proposed a correction, in its section's title.
    pub who: String,
    /// "submitted 2026-12-01 10:00".
    pub when: String,
    pub content: &'a ReviewContent,
}

const DIM: Style = Style::new().fg(Color::DarkGray);
const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
/// A proposed correction that is not a valid item.
pub const INVALID: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
/// A row where the two reviewers differ.
pub const DIFFER: Style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
const SEPARATOR: &str = " │ ";

/// The pair's lines at `width` columns.
pub fn lines(item: &Item, reviews: &[PairReview], width: usize) -> Vec<Line<'static>> {
    let width = width.max(10);
    let mut out = Vec::new();
    let reviews = &reviews[..reviews.len().min(2)];
    if reviews.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            "No submitted reviews of this revision.",
            DIM,
        )));
        return out;
    }
    let n = reviews.len();
    let col_w = if n == 2 {
        width.saturating_sub(SEPARATOR.len()) / 2
    } else {
        width
    };
    out.push(Line::default());
    out.extend(columns(
        reviews
            .iter()
            .map(|r| {
                let mut c = wrap_plain(&r.heading, HEADING, col_w);
                if !r.when.is_empty() {
                    c.extend(wrap_plain(&r.when, DIM, col_w));
                }
                c
            })
            .collect(),
        col_w,
    ));

    let body = &item.body;
    section(&mut out, "Criteria 评审标准", false, width);
    for c in applicable(body) {
        let verdicts: Vec<Option<&Verdict>> =
            reviews.iter().map(|r| r.content.verdicts.get(&c)).collect();
        let differ = n == 2 && verdicts[0].map(Verdict::passed) != verdicts[1].map(Verdict::passed);
        heading(
            &mut out,
            &format!("{} {}", c.title(), c.title_zh()),
            differ,
            width,
        );
        out.extend(columns(
            verdicts.iter().map(|v| verdict_lines(*v, col_w)).collect(),
            col_w,
        ));
    }

    let sets: Vec<BTreeSet<&String>> = reviews
        .iter()
        .map(|r| r.content.departments.iter().collect())
        .collect();
    let differ = n == 2 && sets[0] != sets[1];
    section(&mut out, "Departments 科室", differ, width);
    out.extend(columns(
        reviews
            .iter()
            .map(|r| {
                if r.content.departments.is_empty() {
                    return vec![Line::from(Span::styled("none", DIM))];
                }
                r.content
                    .departments
                    .iter()
                    .flat_map(|d| {
                        let other = sets.iter().filter(|s| s.contains(d)).count();
                        let style = if n == 2 && other < 2 {
                            DIFFER
                        } else {
                            Style::default()
                        };
                        wrap_plain(&label(d), style, col_w)
                    })
                    .collect()
            })
            .collect(),
        col_w,
    ));

    section(&mut out, "Comments 备注", false, width);
    out.extend(columns(
        reviews
            .iter()
            .map(|r| match &r.content.comment {
                Some(c) if !c.trim().is_empty() => wrap_plain(c, Style::default(), col_w),
                _ => vec![Line::from(Span::styled("—", DIM))],
            })
            .collect(),
        col_w,
    ));

    let current = editable_text(body);
    for r in reviews {
        let who = &r.who;
        match &r.content.proposal {
            None => {}
            Some(p) => {
                section(
                    &mut out,
                    &format!("Correction proposed by {who} (- now, + proposed)"),
                    true,
                    width,
                );
                // Checked as the revision editor's Ctrl-S checks it.
                if let Err(problems) = parse_revision(p, &item.dataset, &item.id, body.kind()) {
                    out.extend(wrap_plain(
                        "✗ Not a valid item, shown as text; a revision from it needs fixing:",
                        INVALID,
                        width,
                    ));
                    for problem in &problems {
                        out.extend(wrap_plain(&format!("  ✗ {problem}"), INVALID, width));
                    }
                }
                if crate::domain::diff::differs(&current, p) {
                    out.extend(diff_view::lines(&current, p, Some(2), width));
                } else {
                    out.extend(wrap_plain("(the same as the item now)", DIM, width));
                }
            }
        }
    }
    out
}

fn verdict_lines(v: Option<&Verdict>, width: usize) -> Vec<Line<'static>> {
    match v {
        Some(Verdict::Pass) => vec![Line::from(Span::styled("pass", criteria::PASS_STYLE))],
        Some(Verdict::Fail { reason }) => wrap_lines(
            Span::styled("FAIL ", criteria::FAIL_STYLE),
            &[(reason, Style::default())],
            width,
        ),
        None => vec![Line::from(Span::styled("no verdict", DIM))],
    }
}

/// A section heading across the pane, marked when the reviewers differ in it.
fn section(out: &mut Vec<Line<'static>>, title: &str, differ: bool, width: usize) {
    out.push(Line::default());
    let style = if differ { DIFFER } else { HEADING };
    let mark = if differ { "≠ " } else { "── " };
    out.extend(wrap_plain(&format!("{mark}{title}"), style, width));
}

/// One criterion's title, marked when the reviewers' verdicts differ.
fn heading(out: &mut Vec<Line<'static>>, title: &str, differ: bool, width: usize) {
    let (mark, style) = if differ {
        ("≠ ", DIFFER)
    } else {
        ("  ", Style::new().add_modifier(Modifier::BOLD))
    };
    out.extend(wrap_plain(&format!("{mark}{title}"), style, width));
}

/// Columns of lines, each `col_w` wide, side by side with a separator.
fn columns(cols: Vec<Vec<Line<'static>>>, col_w: usize) -> Vec<Line<'static>> {
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    let last = cols.len().saturating_sub(1);
    (0..rows)
        .map(|i| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            for (k, col) in cols.iter().enumerate() {
                if k > 0 {
                    spans.push(Span::styled(SEPARATOR, DIM));
                }
                let line = col.get(i).cloned().unwrap_or_default();
                let w: usize = line.spans.iter().map(|s| text::width(&s.content)).sum();
                spans.extend(line.spans);
                if k < last {
                    spans.push(Span::raw(" ".repeat(col_w.saturating_sub(w))));
                }
            }
            Line::from(spans)
        })
        .collect()
}
