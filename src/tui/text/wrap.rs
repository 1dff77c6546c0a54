//! Wrapping to a width: break opportunities for CJK and Latin text, styles kept, and char
//! ranges of edited text so a cursor maps onto a row and a column.

use super::{char_width, width};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Whether a line may break between `a` and `b`: after whitespace, and on either side of a
/// wide (CJK) char or CJK punctuation; never inside a run of Latin letters and digits.
fn can_break_between(a: char, b: char) -> bool {
    if a.is_whitespace() {
        return true;
    }
    if b.is_whitespace() {
        return false;
    }
    if is_opening_punct(a) {
        // Keep "（" and "《" with the text after them.
        return false;
    }
    if is_closing_punct(b) {
        // Keep "，" and "。" with the text before them when the line allows it.
        return false;
    }
    char_width(a) >= 2 || char_width(b) >= 2 || a == '-' || a == '/'
}

/// Punctuation that should not start a line (a soft rule: broken when nothing else fits).
fn is_closing_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '》'
            | '」'
            | '』'
            | '”'
            | '’'
            | '】'
    )
}

/// Punctuation that should not end a line.
fn is_opening_punct(c: char) -> bool {
    matches!(c, '（' | '《' | '「' | '『' | '“' | '‘' | '【')
}

/// Breaks a run of `(char, style)` with no newlines into rows of at most `width` columns.
/// Prefers break opportunities; falls back to breaking between any two chars. Spaces at a
/// break are dropped.
fn wrap_run(chars: &[(char, Style)], width: usize) -> Vec<Vec<(char, Style)>> {
    let mut rows = Vec::new();
    let mut start = 0;
    let n = chars.len();
    while start < n {
        let mut used = 0;
        let mut end = start;
        // The last index where a new row could begin, if any, after `start`.
        let mut last_break: Option<usize> = None;
        while end < n {
            let w = char_width(chars[end].0);
            if used + w > width && end > start {
                break;
            }
            if end > start && can_break_between(chars[end - 1].0, chars[end].0) {
                last_break = Some(end);
            }
            used += w;
            end += 1;
        }
        let cut = if end >= n {
            n
        } else if chars[end].0.is_whitespace() || can_break_between(chars[end - 1].0, chars[end].0)
        {
            end
        } else {
            match last_break {
                Some(b) if b > start => b,
                _ => end,
            }
        };
        let mut row: Vec<(char, Style)> = chars[start..cut].to_vec();
        while row.last().is_some_and(|(c, _)| *c == ' ') && cut < n {
            row.pop();
        }
        rows.push(row);
        start = cut;
        while start < n && chars[start].0 == ' ' {
            start += 1;
        }
    }
    rows
}

/// Wraps styled text to `width` columns. `\n` starts a new line; `\r` is dropped; a tab
/// becomes a space. Each returned row is at most `width` columns wide (for `width >= 2`; a
/// wide char on a one-column line is shown as "?" so the line still fits).
pub fn wrap_styled(segments: &[(&str, Style)], width: usize) -> Vec<Vec<(String, Style)>> {
    if width == 0 {
        return Vec::new();
    }
    let mut paragraphs: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    for (text, style) in segments {
        for c in text.chars() {
            match c {
                '\n' => paragraphs.push(Vec::new()),
                '\r' => {}
                '\t' => push_char(&mut paragraphs, ' ', *style),
                c if c.is_control() => {}
                c if char_width(c) > width => push_char(&mut paragraphs, '?', *style),
                c => push_char(&mut paragraphs, c, *style),
            }
        }
    }
    let mut out = Vec::new();
    for p in paragraphs {
        if p.is_empty() {
            out.push(Vec::new());
            continue;
        }
        for row in wrap_run(&p, width) {
            out.push(merge_runs(&row));
        }
    }
    out
}

fn push_char(paragraphs: &mut [Vec<(char, Style)>], c: char, style: Style) {
    if let Some(last) = paragraphs.last_mut() {
        last.push((c, style));
    }
}

/// Joins neighbouring chars of the same style into one string.
fn merge_runs(row: &[(char, Style)]) -> Vec<(String, Style)> {
    let mut out: Vec<(String, Style)> = Vec::new();
    for (c, style) in row {
        match out.last_mut() {
            Some((s, st)) if st == style => s.push(*c),
            _ => out.push((c.to_string(), *style)),
        }
    }
    out
}

/// Rows of an edited text `width` columns wide, as char ranges `start..end` that together
/// cover every char in order (nothing is dropped, so a cursor's char index maps onto a row
/// and a column). Breaks as `wrap` does where it can: after a space, beside a CJK char;
/// else between any two chars. A char wider than the row gets a row of its own.
pub fn wrap_ranges(chars: &[char], width: usize) -> Vec<(usize, usize)> {
    let mut rows = Vec::new();
    let n = chars.len();
    let mut start = 0;
    while start < n {
        let mut used = 0;
        let mut end = start;
        while end < n {
            let w = char_width(chars[end]);
            if used + w > width && end > start {
                break;
            }
            used += w;
            end += 1;
        }
        if end < n {
            let fits_whole =
                chars[end].is_whitespace() || can_break_between(chars[end - 1], chars[end]);
            if !fits_whole
                && let Some(b) = (start + 1..end)
                    .rev()
                    .find(|&b| can_break_between(chars[b - 1], chars[b]))
            {
                end = b;
            }
        }
        rows.push((start, end));
        start = end;
    }
    if rows.is_empty() {
        rows.push((0, 0));
    }
    rows
}

/// Where char index `cursor` shows in `rows` (from `wrap_ranges` at `width` columns): its
/// row and column. At the end of a full row it is at the start of the row after (one more
/// than `rows` has).
pub fn cursor_in(
    chars: &[char],
    rows: &[(usize, usize)],
    cursor: usize,
    width: usize,
) -> (usize, usize) {
    let cols = |a: usize, b: usize| -> usize { chars[a..b].iter().map(|c| char_width(*c)).sum() };
    for (i, &(start, end)) in rows.iter().enumerate() {
        if cursor < end || (cursor == end && i + 1 == rows.len()) {
            let col = cols(start, cursor.min(end));
            if col >= width && cursor == end {
                return (i + 1, 0);
            }
            return (i, col);
        }
    }
    (0, 0)
}

/// Wraps plain text in one style to `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_styled(&[(text, Style::default())], width)
        .into_iter()
        .map(|row| row.into_iter().map(|(s, _)| s).collect())
        .collect()
}

/// Wraps styled text into ratatui lines with a hanging indent: the first row starts with
/// `first` and the rest with spaces of the same width, all within `width` columns.
pub fn wrap_lines(
    first: Span<'static>,
    segments: &[(&str, Style)],
    width: usize,
) -> Vec<Line<'static>> {
    let indent = width_of_span(&first);
    let body_width = width.saturating_sub(indent).max(2);
    let rows = wrap_styled(segments, body_width);
    let mut out = Vec::with_capacity(rows.len().max(1));
    if rows.is_empty() {
        out.push(Line::from(first));
        return out;
    }
    for (i, row) in rows.into_iter().enumerate() {
        let lead = if i == 0 {
            first.clone()
        } else {
            Span::raw(" ".repeat(indent))
        };
        let mut spans = vec![lead];
        spans.extend(row.into_iter().map(|(s, st)| Span::styled(s, st)));
        out.push(Line::from(spans));
    }
    out
}

fn width_of_span(s: &Span<'_>) -> usize {
    width(&s.content)
}

/// Wraps plain text in one style with no indent.
pub fn wrap_plain(text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    wrap_lines(Span::raw(""), &[(text, style)], width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    fn widths(rows: &[String]) -> Vec<usize> {
        rows.iter().map(|r| width(r)).collect()
    }

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(width("上消化道"), 8);
        assert_eq!(width("X线"), 3);
        assert_eq!(width("é"), 1);
        assert_eq!(char_width('\u{301}'), 0);
    }

    #[test]
    fn cjk_wraps_at_even_widths_without_splitting() {
        let rows = wrap("上消化道出血可单纯表现为呕血", 7);
        // 7 columns hold three CJK chars (6 columns); the seventh column stays empty.
        assert_eq!(rows[0], "上消化");
        assert!(widths(&rows).iter().all(|w| *w <= 7));
        assert_eq!(rows.concat(), "上消化道出血可单纯表现为呕血");
    }

    #[test]
    fn a_wide_char_at_the_edge_moves_to_the_next_row() {
        // "ab" + 2 CJK = 6 columns; at width 5 the second CJK char does not fit.
        let rows = wrap("ab上消化", 5);
        assert_eq!(rows, vec!["ab上", "消化"]);
    }

    #[test]
    fn latin_words_are_not_broken_when_a_space_allows() {
        let rows = wrap("early ERCP within 24 hours", 12);
        assert_eq!(rows, vec!["early ERCP", "within 24", "hours"]);
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken() {
        let rows = wrap("abcdefghij", 4);
        assert_eq!(rows, vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn mixed_text_breaks_between_latin_and_cjk() {
        let rows = wrap("进行早期ERCP检查", 10);
        assert!(widths(&rows).iter().all(|w| *w <= 10));
        assert_eq!(rows.concat(), "进行早期ERCP检查");
        // "ERCP" stays whole.
        assert!(rows.iter().any(|r| r.contains("ERCP")));
    }

    #[test]
    fn closing_punctuation_stays_with_the_text_before() {
        let rows = wrap("发热咳嗽，胸部", 8);
        assert_eq!(rows[0], "发热咳");
        assert_eq!(rows[1], "嗽，胸部");
    }

    #[test]
    fn opening_punctuation_stays_with_the_text_after() {
        let rows = wrap("的多少（C对）", 8);
        assert_eq!(rows[0], "的多少");
        assert_eq!(rows[1], "（C对）");
    }

    #[test]
    fn newlines_start_rows_and_blank_lines_survive() {
        let rows = wrap("高血压会头晕吗？\n\n男朋友", 40);
        assert_eq!(rows, vec!["高血压会头晕吗？", "", "男朋友"]);
    }

    #[test]
    fn combining_marks_stay_with_their_base() {
        let rows = wrap("e\u{301}e\u{301}e\u{301}", 2);
        assert_eq!(rows, vec!["e\u{301}e\u{301}", "e\u{301}"]);
    }

    #[test]
    fn empty_and_zero_width() {
        assert_eq!(wrap("", 10), vec![""]);
        assert!(wrap("abc", 0).is_empty());
        assert_eq!(wrap("上", 1), vec!["?"]);
    }

    #[test]
    fn styles_survive_wrapping() {
        let red = Style::default().fg(Color::Red);
        let rows = wrap_styled(&[("患儿", Style::default()), ("发热咳嗽", red)], 6);
        assert_eq!(
            rows[0],
            vec![
                ("患儿".to_string(), Style::default()),
                ("发".to_string(), red)
            ]
        );
        assert_eq!(rows[1], vec![("热咳嗽".to_string(), red)]);
    }

    #[test]
    fn hanging_indent_keeps_every_row_in_width() {
        let lines = wrap_lines(
            Span::raw("A. "),
            &[("在胃内停留时间在胃内停留时间", Style::default())],
            11,
        );
        for l in &lines {
            assert!(l.width() <= 11, "{l:?}");
        }
        assert!(lines[1].spans[0].content.starts_with("   "));
    }

    #[test]
    fn edited_text_wraps_without_losing_a_char_and_the_cursor_follows() {
        let s: Vec<char> = "这是一个很长的中文理由，答案应为C和D".chars().collect();
        let rows = wrap_ranges(&s, 10);
        // Every char once, in order; no row wider than 10 columns.
        assert_eq!(rows.first().unwrap().0, 0);
        assert_eq!(rows.last().unwrap().1, s.len());
        for w in rows.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
        for &(a, b) in &rows {
            let cols: usize = s[a..b].iter().map(|c| char_width(*c)).sum();
            assert!(cols <= 10, "{a}..{b}");
        }
        assert_eq!(rows[0], (0, 5));
        // The cursor at char 7 is on the second row, two chars (4 columns) in.
        assert_eq!(cursor_in(&s, &rows, 7, 10), (1, 4));
        assert_eq!(cursor_in(&s, &rows, 0, 10), (0, 0));
        // At the end of a full row the cursor starts the next one.
        let full: Vec<char> = "上消化道出".chars().collect();
        let rows = wrap_ranges(&full, 10);
        assert_eq!(rows, vec![(0, 5)]);
        assert_eq!(cursor_in(&full, &rows, 5, 10), (1, 0));
        assert_eq!(cursor_in(&full, &rows, 4, 10), (0, 8));
        // Latin words move whole to the next row; the space stays behind.
        let en: Vec<char> = "answer should be C".chars().collect();
        let rows = wrap_ranges(&en, 10);
        assert_eq!(rows, vec![(0, 7), (7, 17), (17, 18)]);
        assert_eq!(wrap_ranges(&[], 10), vec![(0, 0)]);
        assert_eq!(cursor_in(&[], &[(0, 0)], 0, 10), (0, 0));
    }
}
