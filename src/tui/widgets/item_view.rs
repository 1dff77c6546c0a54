//! The item as a reviewer reads it, by kind, as pre-wrapped lines for a given width.
//!
//! `item_lines` is pure: the screen draws a window of its lines, and the app uses the same
//! count to keep scrolling inside the item.

use super::extraction_view::extraction;
use crate::domain::departments;
use crate::domain::item::{Content, Item, Mcq, OpenEnded, points_text};
use crate::tui::text::{wrap_lines, wrap_plain};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

pub use super::extraction_view::{highlighted, type_color, type_style};

/// The style of a correct option's marker and label.
pub const ANSWER_STYLE: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

/// All lines of the item view at `width` columns.
pub fn item_lines(item: &Item, width: usize) -> Vec<Line<'static>> {
    let width = width.max(4);
    let mut out = Vec::new();
    match &item.body.content {
        Content::Mcq(m) => mcq(&mut out, m, width),
        Content::OpenEnded(o) => open_ended(&mut out, o, width),
        Content::Extraction(x) => extraction(&mut out, x, width),
    }
    metadata(&mut out, item, width);
    out
}

pub(super) fn heading(out: &mut Vec<Line<'static>>, title: &str, width: usize) {
    if !out.is_empty() {
        out.push(Line::default());
    }
    out.extend(wrap_plain(title, HEADING, width));
}

fn mcq(out: &mut Vec<Line<'static>>, m: &Mcq, width: usize) {
    heading(out, "Question 题干", width);
    out.extend(wrap_plain(&m.stem, Style::default(), width));
    heading(out, "Options 选项", width);
    for o in &m.options {
        let correct = m.answer.contains(&o.label);
        let (lead, style) = if correct {
            (format!("✓ {}. ", o.label), ANSWER_STYLE)
        } else {
            (format!("  {}. ", o.label), Style::default())
        };
        out.extend(wrap_lines(
            Span::styled(lead, style),
            &[(&o.text, style)],
            width,
        ));
    }
    out.extend(wrap_plain(
        &format!("Answer 答案: {}", m.answer.join("")),
        ANSWER_STYLE,
        width,
    ));
    if let Some(e) = &m.explanation {
        heading(out, "Explanation 解析", width);
        out.extend(wrap_plain(e, Style::default(), width));
    }
}

fn open_ended(out: &mut Vec<Line<'static>>, o: &OpenEnded, width: usize) {
    heading(out, "Prompt 问题", width);
    out.extend(wrap_plain(&o.prompt, Style::default(), width));
    let total: f64 = o.rubric.iter().filter_map(|r| r.points).sum();
    let title = if total > 0.0 {
        format!("Rubric 评分标准 ({})", points_text(total))
    } else {
        "Rubric 评分标准".to_string()
    };
    heading(out, &title, width);
    for (i, r) in o.rubric.iter().enumerate() {
        let lead = match r.points {
            Some(p) => format!("{}. [{}] ", i + 1, fmt_points(p)),
            None => format!("{}. ", i + 1),
        };
        out.extend(wrap_lines(
            Span::raw(lead),
            &[(&r.text, Style::default())],
            width,
        ));
    }
    heading(out, "Reference answer 参考答案", width);
    match &o.reference_answer {
        Some(a) => out.extend(wrap_plain(a, Style::default(), width)),
        None => out.extend(wrap_plain("(none: answer correctness is N/A)", DIM, width)),
    }
}

fn fmt_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

fn metadata(out: &mut Vec<Line<'static>>, item: &Item, width: usize) {
    heading(out, "About this item", width);
    let b = &item.body;
    if !b.suggested_departments.is_empty() {
        let tax = departments::taxonomy();
        let names: Vec<String> = b
            .suggested_departments
            .iter()
            .map(|id| match tax.get(id) {
                Some(d) => format!("{} {}", d.name_en, d.name_zh),
                None => id.clone(),
            })
            .collect();
        let line = format!("Suggested departments: {}", names.join(", "));
        out.extend(wrap_plain(&line, DIM, width));
    }
    if let Some(d) = b.difficulty {
        out.extend(wrap_plain(
            &format!("Difficulty: {}", d.as_str()),
            DIM,
            width,
        ));
    }
    if !b.attributes.is_empty() {
        let attrs: Vec<String> = b
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect();
        out.extend(wrap_plain(
            &format!("Attributes: {}", attrs.join(", ")),
            DIM,
            width,
        ));
    }
    if !b.provenance.is_empty() {
        let prov: Vec<String> = b
            .provenance
            .iter()
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect();
        out.extend(wrap_plain(
            &format!("Provenance: {}", prov.join(", ")),
            DIM,
            width,
        ));
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
