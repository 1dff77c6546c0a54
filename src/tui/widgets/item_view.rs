//! The item as a reviewer reads it, by kind, as pre-wrapped lines for a given width.
//!
//! `item_lines` is pure: the screen draws a window of its lines, and the app uses the same
//! count to keep scrolling inside the item.

use crate::domain::departments;
use crate::domain::item::{Content, Extraction, ExtractionTask, Item, Mcq, OpenEnded};
use crate::tui::text::{wrap_lines, wrap_plain};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

/// The style of a correct option's marker and label.
pub const ANSWER_STYLE: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

/// The background colour for an entity (or relation argument) type; the same type always
/// gets the same colour.
pub fn type_color(kind: &str) -> Color {
    match kind {
        "dis" | "疾病" => Color::LightRed,
        "sym" | "症状" => Color::LightYellow,
        "dru" | "药物" => Color::LightGreen,
        "equ" => Color::LightCyan,
        "pro" | "检查" | "手术治疗" => Color::LightBlue,
        "bod" | "部位" => Color::LightMagenta,
        "ite" => Color::Cyan,
        "mic" | "病原体" => Color::Yellow,
        "dep" => Color::Green,
        other => {
            const PALETTE: [Color; 6] = [
                Color::Magenta,
                Color::Blue,
                Color::Red,
                Color::Green,
                Color::Cyan,
                Color::Yellow,
            ];
            let h = other
                .chars()
                .fold(0usize, |a, c| a.wrapping_mul(31).wrapping_add(c as usize));
            PALETTE[h % PALETTE.len()]
        }
    }
}

/// The highlight for a span of this type.
pub fn type_style(kind: &str) -> Style {
    Style::new().fg(Color::Black).bg(type_color(kind))
}

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

fn heading(out: &mut Vec<Line<'static>>, title: &str, width: usize) {
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
        format!("Rubric 评分标准 ({} points)", fmt_points(total))
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

/// A highlighted stretch of the text: `[start, end)` in chars, and its type.
struct Mark<'a> {
    start: usize,
    end: usize,
    kind: &'a str,
}

/// Every place `needle` occurs in `text`, as char offsets.
fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let n = needle.chars().count();
    text.match_indices(needle)
        .map(|(byte, _)| {
            let start = text[..byte].chars().count();
            (start, start + n)
        })
        .collect()
}

fn marks(x: &Extraction) -> Vec<Mark<'_>> {
    let mut out = Vec::new();
    for e in x.entities.iter().flatten() {
        out.push(Mark {
            start: e.start,
            end: e.end,
            kind: &e.entity_type,
        });
    }
    for r in x.relations.iter().flatten() {
        for (s, e) in occurrences(&x.text, &r.subject) {
            out.push(Mark {
                start: s,
                end: e,
                kind: &r.subject_type,
            });
        }
        for (s, e) in occurrences(&x.text, &r.object) {
            out.push(Mark {
                start: s,
                end: e,
                kind: &r.object_type,
            });
        }
    }
    for ev in x.events.iter().flatten() {
        for (s, e) in occurrences(&x.text, &ev.core_name) {
            out.push(Mark {
                start: s,
                end: e,
                kind: "event",
            });
        }
        for a in &ev.anatomy_list {
            for (s, e) in occurrences(&x.text, a) {
                out.push(Mark {
                    start: s,
                    end: e,
                    kind: "bod",
                });
            }
        }
    }
    out
}

/// The text split into runs of one style: each char takes the style of the shortest mark
/// over it, underlined where marks overlap.
pub fn highlighted(x: &Extraction) -> Vec<(String, Style)> {
    let marks = marks(x);
    let mut runs: Vec<(String, Style)> = Vec::new();
    for (i, c) in x.text.chars().enumerate() {
        let over: Vec<&Mark> = marks.iter().filter(|m| m.start <= i && i < m.end).collect();
        let style = match over.iter().min_by_key(|m| m.end - m.start) {
            None => Style::default(),
            Some(m) if over.len() > 1 => type_style(m.kind).add_modifier(Modifier::UNDERLINED),
            Some(m) => type_style(m.kind),
        };
        match runs.last_mut() {
            Some((s, st)) if *st == style => s.push(c),
            _ => runs.push((c.to_string(), style)),
        }
    }
    runs
}

fn extraction(out: &mut Vec<Line<'static>>, x: &Extraction, width: usize) {
    heading(out, &format!("Text 原文 ({})", x.task.as_str()), width);
    let runs = highlighted(x);
    let segs: Vec<(&str, Style)> = runs.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    out.extend(wrap_lines(Span::raw(""), &segs, width));
    let mut legend: Vec<&str> = Vec::new();
    for m in marks(x) {
        if !legend.contains(&m.kind) {
            legend.push(m.kind);
        }
    }
    if !legend.is_empty() {
        let mut spans = vec![Span::styled("Types: ", DIM)];
        for k in legend {
            spans.push(Span::styled(format!(" {k} "), type_style(k)));
            spans.push(Span::raw(" "));
        }
        out.extend(wrap_spans(spans, width));
    }
    match x.task {
        ExtractionTask::Ner => {
            let ents = x.entities.as_deref().unwrap_or_default();
            heading(out, &format!("Entities 实体 ({})", ents.len()), width);
            for e in ents {
                let lead = Span::styled(format!(" {} ", e.entity_type), type_style(&e.entity_type));
                let rest = format!(" {}  [{}, {})", e.text, e.start, e.end);
                out.extend(wrap_lines(lead, &[(&rest, Style::default())], width));
            }
        }
        ExtractionTask::Relation => {
            let rels = x.relations.as_deref().unwrap_or_default();
            heading(out, &format!("Relations 关系 ({})", rels.len()), width);
            for (i, r) in rels.iter().enumerate() {
                let st = type_style(&r.subject_type);
                let ot = type_style(&r.object_type);
                let subject = format!("{} [{}]", r.subject, r.subject_type);
                let pred = format!(" —{}→ ", r.predicate);
                let object = format!("{} [{}]", r.object, r.object_type);
                let combined = if r.combined == Some(true) {
                    " (combined)"
                } else {
                    ""
                };
                out.extend(wrap_lines(
                    Span::raw(format!("{}. ", i + 1)),
                    &[
                        (&subject, st),
                        (&pred, Style::default()),
                        (&object, ot),
                        (combined, DIM),
                    ],
                    width,
                ));
            }
        }
        ExtractionTask::Event => {
            let evs = x.events.as_deref().unwrap_or_default();
            heading(out, &format!("Events 事件 ({})", evs.len()), width);
            for (i, e) in evs.iter().enumerate() {
                let tendency = if e.tendency.is_empty() {
                    "发生"
                } else {
                    &e.tendency
                };
                let rest = format!(
                    " tendency 倾向: {tendency}; character 特征: {}; anatomy 部位: {}",
                    join_or_dash(&e.character),
                    join_or_dash(&e.anatomy_list)
                );
                out.extend(wrap_lines(
                    Span::raw(format!("{}. ", i + 1)),
                    &[
                        (&e.core_name, type_style("event")),
                        (&rest, Style::default()),
                    ],
                    width,
                ));
            }
        }
        ExtractionTask::Normalization => {}
    }
    if let Some(terms) = &x.normalized {
        heading(
            out,
            &format!("Normalized terms 标准术语 ({})", terms.len()),
            width,
        );
        for (i, t) in terms.iter().enumerate() {
            out.extend(wrap_lines(
                Span::raw(format!("{}. ", i + 1)),
                &[(t, Style::default())],
                width,
            ));
        }
    }
}

fn join_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        v.join("、")
    }
}

fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let segs: Vec<(&str, Style)> = spans
        .iter()
        .map(|s| (s.content.as_ref(), s.style))
        .collect();
    wrap_lines(Span::raw(""), &segs, width)
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
