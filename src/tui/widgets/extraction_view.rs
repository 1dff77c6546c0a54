//! An extraction item as a reviewer checks it: the text with its spans highlighted by type,
//! then its entities, relations, events or normalized terms.
//!
//! A physician checks offsets such as `[3, 10)` by counting characters, so the text is drawn
//! so that every code point can be counted and every span's ends can be seen:
//! - Each entity's boundary shows: an entity right next to another of the same type (CMeEE's
//!   `急性感染性喉炎` at [4, 11) and [11, 18), or `胸闷` then `气促`) is drawn in the type's
//!   second, darker shade (with white letters), so the two never read as one. Where spans
//!   overlap, the shortest one's colour shows, underlined.
//! - A code point that draws nothing (U+FEFF at the start of a text, a zero-width space, a
//!   joiner, a bidi or other format control, a combining mark, a control character) or that
//!   has no agreed glyph (private use) is drawn as a dim mark with its code, `⟨FEFF⟩`: one
//!   mark for one code point, so counting marks and characters gives the offsets. The mark is
//!   six columns wide where the character took none (or one), so what follows it on the row
//!   moves right and the text wraps differently from the raw text; columns are not a ruler
//!   here, characters are. The mark's brackets are narrow in every terminal (not of ambiguous
//!   width) and the wrapping keeps a mark whole on one row.
//! - Types are named (`dis 疾病 disease`) from `domain::entity_types`; an unknown code shows
//!   as it is.

use crate::domain::entity_types::{entity_type, type_label};
use crate::domain::item::{Extraction, ExtractionTask};
use crate::tui::text::{self, wrap_lines};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

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

/// The type's second shade, for an entity right after another of the same type: a darker
/// colour of the same hue (256-colour palette), which no type has as its first.
pub fn type_color_alt(kind: &str) -> Color {
    match type_color(kind) {
        Color::LightRed => Color::Indexed(124),
        Color::LightYellow => Color::Indexed(136),
        Color::LightGreen => Color::Indexed(28),
        Color::LightCyan => Color::Indexed(30),
        Color::LightBlue => Color::Indexed(25),
        Color::LightMagenta => Color::Indexed(90),
        Color::Cyan => Color::Indexed(23),
        Color::Yellow => Color::Indexed(94),
        Color::Green => Color::Indexed(22),
        Color::Magenta => Color::Indexed(53),
        Color::Blue => Color::Indexed(18),
        Color::Red => Color::Indexed(52),
        _ => Color::DarkGray,
    }
}

/// The highlight for a span of this type.
pub fn type_style(kind: &str) -> Style {
    Style::new().fg(Color::Black).bg(type_color(kind))
}

/// The highlight in the type's second shade.
pub fn type_style_alt(kind: &str) -> Style {
    Style::new().fg(Color::White).bg(type_color_alt(kind))
}

/// The mark drawn for a code point that shows nothing of its own, `⟨FEFF⟩`; None for one that
/// shows. One mark stands for one code point.
pub fn invisible_mark(c: char) -> Option<String> {
    let private = matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    // Format characters unicode-width gives a column (the soft hyphen, the Mongolian vowel
    // separator) draw nothing in most terminals; bidi controls would reorder the row.
    let format = matches!(
        c,
        '\u{AD}' | '\u{180E}' | '\u{061C}' | '\u{200E}'..='\u{200F}'
    ) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let shows = unicode_width::UnicodeWidthChar::width(c).is_some_and(|w| w > 0);
    (private || format || !shows || c.is_control()).then(|| format!("⟨{:04X}⟩", c as u32))
}

/// `s` as it is drawn: invisible code points as their marks (a line end as its mark, then the
/// line end).
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match invisible_mark(c) {
            Some(m) => {
                out.push_str(&m);
                if c == '\n' {
                    out.push('\n');
                }
            }
            None => out.push(c),
        }
    }
    out
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
    let all = |needle: &str, kind: &'static str, out: &mut Vec<Mark<'_>>| {
        for (start, end) in occurrences(&x.text, needle) {
            out.push(Mark { start, end, kind });
        }
    };
    for r in x.relations.iter().flatten() {
        for (start, end) in occurrences(&x.text, &r.subject) {
            out.push(Mark {
                start,
                end,
                kind: &r.subject_type,
            });
        }
        for (start, end) in occurrences(&x.text, &r.object) {
            out.push(Mark {
                start,
                end,
                kind: &r.object_type,
            });
        }
    }
    for ev in x.events.iter().flatten() {
        all(&ev.core_name, "event", &mut out);
        for a in &ev.anatomy_list {
            all(a, "bod", &mut out);
        }
    }
    out
}

/// The text split into runs of one style. Each char takes the style of the shortest mark over
/// it, underlined where marks overlap; a mark right after another of the same type takes the
/// type's other shade; an invisible code point is drawn as its mark (`visible`).
pub fn highlighted(x: &Extraction) -> Vec<(String, Style)> {
    let marks = marks(x);
    let mut runs: Vec<(String, Style)> = Vec::new();
    // The mark the last char was drawn for, and whether in the second shade.
    let mut last: Option<(usize, bool)> = None;
    for (i, c) in x.text.chars().enumerate() {
        let over: Vec<usize> = (0..marks.len())
            .filter(|&k| marks[k].start <= i && i < marks[k].end)
            .collect();
        let owner = over
            .iter()
            .copied()
            .min_by_key(|&k| marks[k].end - marks[k].start);
        let style = match owner {
            None => {
                last = None;
                Style::default()
            }
            Some(k) => {
                let alt = match last {
                    Some((p, alt)) if p == k => alt,
                    // A neighbour of the same type: the other shade, so the boundary shows.
                    Some((p, alt)) if marks[p].kind == marks[k].kind => !alt,
                    _ => false,
                };
                last = Some((k, alt));
                let kind = marks[k].kind;
                let style = if alt {
                    type_style_alt(kind)
                } else {
                    type_style(kind)
                };
                if over.len() > 1 {
                    style.add_modifier(Modifier::UNDERLINED)
                } else {
                    style
                }
            }
        };
        let (shown, style) = match invisible_mark(c) {
            Some(m) => {
                let style = match owner {
                    None => DIM,
                    Some(_) => style.add_modifier(Modifier::DIM | Modifier::ITALIC),
                };
                let end = if c == '\n' { "\n" } else { "" };
                (format!("{m}{end}"), style)
            }
            None => (c.to_string(), style),
        };
        match runs.last_mut() {
            Some((s, st)) if *st == style => s.push_str(&shown),
            _ => runs.push((shown, style)),
        }
    }
    runs
}

/// A type as the legend and the lists show it: " dis 疾病 disease ".
fn type_tag(kind: &str) -> Span<'static> {
    Span::styled(format!(" {} ", type_label(kind)), type_style(kind))
}

/// The type at the head of a list row, at most `max` columns where it can: " dis 疾病 disease ",
/// else " dis 疾病 ", else the code alone.
fn row_tag(kind: &str, max: usize) -> Span<'static> {
    let full = type_tag(kind);
    if text::width(&full.content) <= max {
        return full;
    }
    let short = match entity_type(kind) {
        Some(t) => format!(" {} {} ", t.code, t.zh),
        None => format!(" {kind} "),
    };
    if text::width(&short) <= max {
        return Span::styled(short, type_style(kind));
    }
    Span::styled(format!(" {kind} "), type_style(kind))
}

fn heading(out: &mut Vec<Line<'static>>, title: &str, width: usize) {
    super::item_view::heading(out, title, width);
}

pub(super) fn extraction(out: &mut Vec<Line<'static>>, x: &Extraction, width: usize) {
    heading(out, &format!("Text 原文 ({})", x.task.as_str()), width);
    let runs = highlighted(x);
    let segs: Vec<(&str, Style)> = runs.iter().map(|(s, st)| (s.as_str(), *st)).collect();
    out.extend(wrap_lines(Span::raw(""), &segs, width));
    if x.text.chars().any(|c| invisible_mark(c).is_some()) {
        out.extend(wrap_lines(
            Span::raw(""),
            &[(
                "⟨FEFF⟩ and the like: one character that does not show, by its code",
                DIM,
            )],
            width,
        ));
    }
    let mut legend: Vec<&str> = Vec::new();
    for m in marks(x) {
        if !legend.contains(&m.kind) {
            legend.push(m.kind);
        }
    }
    if !legend.is_empty() {
        let mut spans = vec![Span::styled("Types: ", DIM)];
        for k in legend {
            spans.push(type_tag(k));
            spans.push(Span::raw(" "));
        }
        out.extend(wrap_spans(spans, width));
    }
    match x.task {
        ExtractionTask::Ner => {
            let ents = x.entities.as_deref().unwrap_or_default();
            heading(out, &format!("Entities 实体 ({})", ents.len()), width);
            for e in ents {
                let rest = format!(" {}  [{}, {})", visible(&e.text), e.start, e.end);
                out.extend(wrap_lines(
                    row_tag(&e.entity_type, width / 2),
                    &[(&rest, Style::default())],
                    width,
                ));
            }
        }
        ExtractionTask::Relation => {
            let rels = x.relations.as_deref().unwrap_or_default();
            heading(out, &format!("Relations 关系 ({})", rels.len()), width);
            for (i, r) in rels.iter().enumerate() {
                let st = type_style(&r.subject_type);
                let ot = type_style(&r.object_type);
                let subject = format!("{} [{}]", visible(&r.subject), type_label(&r.subject_type));
                let pred = format!(" —{}→ ", r.predicate);
                let object = format!("{} [{}]", visible(&r.object), type_label(&r.object_type));
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
                        (&visible(&e.core_name), type_style("event")),
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
                &[(&visible(t), Style::default())],
                width,
            ));
        }
    }
}

fn join_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "—".into()
    } else {
        visible(&v.join("、"))
    }
}

fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let segs: Vec<(&str, Style)> = spans
        .iter()
        .map(|s| (s.content.as_ref(), s.style))
        .collect();
    wrap_lines(Span::raw(""), &segs, width)
}
