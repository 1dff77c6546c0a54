//! Display-width text handling: wrapping and truncation that count CJK characters as two
//! columns and never cut a character in half.
//!
//! Widths come from `unicode-width`. Wrapping works on chars (code points) so span offsets
//! from extraction items map straight onto it; a zero-width char (a combining mark) stays with
//! the char before it because it adds no width.

mod elide;
mod wrap;

pub use elide::{elide_middle, elide_parts, title};
pub use wrap::{cursor_in, wrap, wrap_lines, wrap_plain, wrap_ranges, wrap_styled};

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `s` with its first letter in upper case.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Columns `c` takes on a terminal: 2 for wide (CJK) chars, 0 for control and combining chars.
pub fn char_width(c: char) -> usize {
    if c == '\t' {
        return 1;
    }
    c.width().unwrap_or(0)
}

/// Columns `s` takes on one line.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to at most `max` columns, ending in "…" when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` padded with spaces (or truncated) to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = out.width();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Spans on one row cut to `width` columns, the one that overflows cut on a char boundary
/// (ending in "…") and the rest dropped.
pub fn fit(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = self::width(&s.content);
        if used + w <= width {
            used += w;
            out.push(s);
        } else {
            out.push(Span::styled(truncate(&s.content, width - used), s.style));
            break;
        }
    }
    Line::from(out)
}

/// What to say when a typed `what` ("reason", "note") is longer than `max` characters.
pub fn too_long(what: &str, text: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| format!("The {what} is {n} characters; keep it under {max}"))
}

/// "2026-03-01T08:15:02Z" as "2026-03-01 08:15".
pub fn short_time(at: &str) -> String {
    at.replace('T', " ").chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_and_pad_count_columns() {
        assert_eq!(truncate("消化内科 Gastroenterology", 9), "消化内科…");
        assert_eq!(truncate("消化内科", 8), "消化内科");
        assert_eq!(truncate("消化内科", 4), "消…");
        assert_eq!(width(&pad("消化", 7)), 7);
        assert_eq!(width(&pad("消化内科", 5)), 5);
    }
}
