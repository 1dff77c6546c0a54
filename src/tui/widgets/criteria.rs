//! The criteria checklist: the five criteria with their verdicts (N/A where one does not apply),
//! then the departments, proposal and comment, each line cut to the panel's width.

use super::department_picker::label;
use crate::domain::item::ItemBody;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::tui::text;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub const PASS_STYLE: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
pub const FAIL_STYLE: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const NA_STYLE: Style = Style::new().fg(Color::DarkGray);
const TODO_STYLE: Style = Style::new().fg(Color::Yellow);

/// How many lines `lines` returns: five criteria, departments, proposal and comment.
pub const HEIGHT: u16 = 7;

/// The checklist as lines at most `width` columns wide. `selected` is an index into
/// `Criterion::ALL`.
pub fn lines(
    content: &ReviewContent,
    body: &ItemBody,
    selected: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (i, c) in Criterion::ALL.into_iter().enumerate() {
        let here = i == selected;
        let cursor = if here { "▸" } else { " " };
        let (tag, tag_style, note) = if !c.applies_to(body) {
            ("N/A ", NA_STYLE, String::new())
        } else {
            match content.verdicts.get(&c) {
                Some(Verdict::Pass) => ("pass", PASS_STYLE, String::new()),
                Some(Verdict::Fail { reason }) if reason.trim().is_empty() => {
                    ("FAIL", FAIL_STYLE, " — reason needed".to_string())
                }
                Some(Verdict::Fail { reason }) => ("FAIL", FAIL_STYLE, format!(" — {reason}")),
                None => (" ?  ", TODO_STYLE, String::new()),
            }
        };
        let title_style = if !c.applies_to(body) {
            NA_STYLE
        } else if here {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut line = text::fit(
            vec![
                Span::raw(format!("{cursor}{} [", i + 1)),
                Span::styled(tag, tag_style),
                Span::raw("] "),
                Span::styled(format!("{} {}", c.title(), c.title_zh()), title_style),
                Span::styled(note.replace('\n', " "), Style::new().fg(Color::Red)),
            ],
            width,
        );
        if here {
            line = line.patch_style(Style::new().add_modifier(Modifier::REVERSED));
        }
        out.push(line);
    }
    let depts = if content.departments.is_empty() {
        "none — t to tag".to_string()
    } else {
        content
            .departments
            .iter()
            .map(|id| {
                let mark = if body.suggested_departments.contains(id) {
                    "*"
                } else {
                    ""
                };
                format!("{}{mark}", label(id))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(text::fit(
        vec![
            Span::styled("Depts: ", Style::new().fg(Color::Cyan)),
            Span::raw(depts),
        ],
        width,
    ));
    let proposal = match &content.proposal {
        Some(p) => format!("{} lines", p.lines().count()),
        None => "none (e)".to_string(),
    };
    let comment = match &content.comment {
        Some(c) => c.replace('\n', " "),
        None => "none (c)".to_string(),
    };
    out.push(text::fit(
        vec![
            Span::styled("Proposal: ", Style::new().fg(Color::Cyan)),
            Span::raw(proposal),
            Span::styled(" · Comment: ", Style::new().fg(Color::Cyan)),
            Span::raw(comment),
        ],
        width,
    ));
    out
}
