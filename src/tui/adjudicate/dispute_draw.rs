//! Drawing one dispute: the question, reference answer, response and the judges' verdicts on
//! the left (or on top); the rubric with the expert's and the judges' marks, the score and the
//! reason on the right (or below). Pure: it reads the state and writes the frame.

use super::dispute::{DisputeState, fmt_score};
use crate::domain::item::{Content, OpenEnded};
use crate::store::DisputeAssignment;
use crate::tui::desk::Work;
use crate::tui::keymap::Context;
use crate::tui::text::{self, wrap_lines, wrap_plain};
use crate::tui::widgets::{input_box, scroll_view, text_box};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);
const MET: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const UNMET: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);

/// Columns from which the text and the rubric sit side by side.
pub const SIDE_BY_SIDE: u16 = 110;
const PANEL_WIDTH: u16 = 56;
/// Rows under the rubric for the score and the reason.
const FOOTER: u16 = 4;

pub struct Areas {
    pub text: Rect,
    pub panel: Rect,
}

pub fn areas(main: Rect) -> Areas {
    let [text, panel] = if main.width >= SIDE_BY_SIDE {
        Layout::horizontal([Constraint::Min(40), Constraint::Length(PANEL_WIDTH)]).areas(main)
    } else {
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(main)
    };
    Areas { text, panel }
}

/// The rows and columns the text is laid out in (inside the border).
pub fn text_viewport(main: Rect) -> Rect {
    scroll_view::viewport(areas(main).text)
}

/// Judge names as the screen shows them.
pub fn judge_name(i: usize) -> String {
    match i {
        0 => "Judge A".into(),
        1 => "Judge B".into(),
        n => format!("Judge {}", n + 1),
    }
}

fn heading(out: &mut Vec<Line<'static>>, title: &str, width: usize) {
    if !out.is_empty() {
        out.push(Line::default());
    }
    out.extend(wrap_plain(title, HEADING, width));
}

/// The text pane's lines at `width` columns: question, reference answer, the model's
/// response, and each judge's score, marks and rationale.
pub fn text_lines(a: &DisputeAssignment, width: usize) -> Vec<Line<'static>> {
    let width = width.max(4);
    let mut out = Vec::new();
    let open = match &a.item.body.content {
        Content::OpenEnded(o) => Some(o),
        _ => None,
    };
    heading(&mut out, "Question 问题", width);
    match open {
        Some(o) => out.extend(wrap_plain(&o.prompt, Style::default(), width)),
        None => out.extend(wrap_plain("(not an open-ended item)", DIM, width)),
    }
    if let Some(answer) = open.and_then(|o| o.reference_answer.as_deref()) {
        heading(&mut out, "Reference answer 参考答案", width);
        out.extend(wrap_plain(answer, Style::default(), width));
    }
    heading(&mut out, &format!("Response 模型回答 · {}", a.model), width);
    out.extend(wrap_plain(&a.response, Style::default(), width));
    heading(
        &mut out,
        &format!("Judges 评分模型 · gap {}", fmt_score(a.gap)),
        width,
    );
    for (i, j) in a.judges.iter().enumerate() {
        let marks = match &j.points {
            Some(p) => {
                let m: Vec<String> = p
                    .iter()
                    .enumerate()
                    .map(|(k, met)| format!("{}{}", k + 1, if *met { "✓" } else { "✗" }))
                    .collect();
                format!(" · points {}", m.join(" "))
            }
            None => String::new(),
        };
        let head = format!("{}: {}{marks}", judge_name(i), fmt_score(j.score));
        out.extend(wrap_plain(
            &head,
            Style::new().add_modifier(Modifier::BOLD),
            width,
        ));
        match &j.rationale {
            Some(r) => out.extend(wrap_lines(Span::raw("  "), &[(r, Style::default())], width)),
            None => out.extend(wrap_plain("  (no rationale given)", DIM, width)),
        }
    }
    out
}

/// Points met and points in all, weighted by point values (1 where none is given); `None`
/// while a point is unmarked.
pub fn rubric_total(o: &OpenEnded, marks: &[Option<bool>]) -> Option<(f64, f64)> {
    let mut met = 0.0;
    let mut total = 0.0;
    for (i, r) in o.rubric.iter().enumerate() {
        let w = r.points.unwrap_or(1.0);
        total += w;
        if (*marks.get(i)?)? {
            met += w;
        }
    }
    Some((met, total))
}

fn mark_span(mark: Option<bool>) -> Span<'static> {
    match mark {
        Some(true) => Span::styled("[met  ]", MET),
        Some(false) => Span::styled("[unmet]", UNMET),
        None => Span::raw("[     ]"),
    }
}

/// The rubric panel's lines, and for each point the range of lines it takes.
pub fn rubric_lines(s: &DisputeState, width: usize) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let width = width.max(12);
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let Some(o) = s.open_ended() else {
        return (wrap_plain("This item has no rubric.", DIM, width), ranges);
    };
    let judges_marked = s.assignment.judges.iter().any(|j| j.points.is_some());
    for (i, r) in o.rubric.iter().enumerate() {
        let start = out.len();
        let selected = i == s.point;
        let cursor = if selected { "▶" } else { " " };
        let pts = match r.points {
            Some(p) => format!(" ({})", fmt_score(p)),
            None => String::new(),
        };
        let mark = s.content.points.get(i).copied().flatten();
        let lead = format!("{cursor}{}{pts} ", i + 1);
        let text_style = if selected {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut rows = wrap_lines(Span::raw(lead.clone()), &[(&r.text, text_style)], width);
        // The marks get a row of their own under the text: the expert's, then each judge's.
        let mut marks = vec![Span::raw(" ".repeat(text::width(&lead))), mark_span(mark)];
        if judges_marked {
            for (k, j) in s.assignment.judges.iter().enumerate() {
                let (label, style) = match j.points.as_ref().and_then(|p| p.get(i)) {
                    Some(true) => ("met", MET),
                    Some(false) => ("unmet", UNMET),
                    None => ("—", DIM),
                };
                marks.push(Span::styled(format!("  {}: ", judge_letter(k)), DIM));
                marks.push(Span::styled(label, style));
            }
        }
        rows.push(text::fit(marks, width));
        out.append(&mut rows);
        ranges.push((start, out.len()));
    }
    (out, ranges)
}

fn judge_letter(i: usize) -> String {
    judge_name(i).trim_start_matches("Judge ").to_string()
}

/// The first rubric line to show so the selected point is in view.
fn rubric_top(ranges: &[(usize, usize)], selected: usize, height: usize) -> usize {
    let Some(&(start, end)) = ranges.get(selected) else {
        return 0;
    };
    if end <= height {
        0
    } else if end - start >= height {
        start
    } else {
        end - height
    }
}

/// The score and reason rows under the rubric.
fn footer_lines(s: &DisputeState, width: usize) -> Vec<Line<'static>> {
    let mut score = vec![Span::styled("Score ", HEADING)];
    match s.content.score {
        Some(v) => score.push(Span::styled(
            fmt_score(v),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        None => score.push(Span::styled("—", DIM)),
    }
    if let Some(p) = s.points_score() {
        score.push(Span::styled(
            format!(" · points give {}", fmt_score(p)),
            DIM,
        ));
    }
    let judges: Vec<String> = s
        .assignment
        .judges
        .iter()
        .map(|j| fmt_score(j.score))
        .collect();
    score.push(Span::styled(
        format!(" · judges {}", judges.join(" / ")),
        DIM,
    ));
    let mut out = vec![text::fit(score, width)];
    let reason = if s.content.reason.trim().is_empty() {
        vec![Line::from(vec![
            Span::styled("Reason ", HEADING),
            Span::styled("— (r to write one)", DIM),
        ])]
    } else {
        wrap_lines(
            Span::styled("Reason ", HEADING),
            &[(&s.content.reason, Style::default())],
            width,
        )
    };
    // The footer's rows: a rule, the score, then the reason.
    let room = FOOTER as usize - 2;
    let cut = reason.len() > room;
    out.extend(reason.into_iter().take(room));
    if cut && let Some(last) = out.last_mut() {
        // Shorten the last row so "…" says there is more.
        let textual: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
        *last = Line::from(text::truncate(&format!("{textual}…"), width));
    }
    out
}

pub fn draw(frame: &mut Frame, main: Rect, s: &DisputeState) {
    let a = areas(main);
    let ctx = s.context();
    let d = &s.assignment;
    let rev = format!("rev {}", d.revision_no);
    let parts = [d.dataset.as_str(), &d.item.id, &d.model, &rev];
    let title = text::title(&parts, a.text.width.saturating_sub(2) as usize);
    let lines = text_lines(d, scroll_view::viewport(a.text).width as usize);
    scroll_view::draw(
        frame,
        a.text,
        &title,
        &lines,
        s.scroll,
        ctx == Context::Dispute,
    );
    draw_panel(frame, a.panel, s, ctx == Context::Dispute);
    match ctx {
        Context::Score => {
            if let Some(input) = &s.score_input {
                let field = input_box(
                    frame,
                    main,
                    "Overall score, 0 to 1 (e.g. 0.75)",
                    "Enter keep (empty: no score) · Esc cancel",
                );
                input.draw(
                    frame,
                    field,
                    "> ",
                    Style::new().add_modifier(Modifier::BOLD),
                );
            }
        }
        Context::DecisionReason => {
            if let Some(edit) = &s.reason {
                text_box::draw(
                    frame,
                    main,
                    "Reason for the decision (short)",
                    "Enter keep · Esc discard changes",
                    &edit.input,
                    "> ",
                    Style::default(),
                );
            }
        }
        _ => {}
    }
}

fn draw_panel(frame: &mut Frame, area: Rect, s: &DisputeState, focused: bool) {
    let marked = s.content.points.iter().filter(|p| p.is_some()).count();
    let mut title = format!(" Rubric 评分标准 · {marked}/{} marked ", s.rubric_len());
    if s.submitted() {
        title.push_str("· submitted: changes count when you submit again ");
    }
    let border = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let w = area.width.saturating_sub(2) as usize;
    let block = Block::bordered()
        .border_style(border)
        .title(text::truncate(&title, w))
        .title_bottom(text::truncate(
            " m met · n unmet · = score · r reason · s submit ",
            w,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let footer_h = FOOTER.min(inner.height);
    let [list, footer] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(footer_h)]).areas(inner);
    let (lines, ranges) = rubric_lines(s, list.width as usize);
    let top = rubric_top(&ranges, s.point, list.height as usize);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(list.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(shown), list);
    let mut foot = vec![Line::from(Span::styled(
        "─".repeat(footer.width as usize),
        DIM,
    ))];
    foot.extend(footer_lines(s, footer.width as usize));
    frame.render_widget(Paragraph::new(foot), footer);
}
