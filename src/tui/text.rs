//! Display-width text handling: wrapping and truncation that count CJK characters as two
//! columns and never cut a character in half.
//!
//! Widths come from `unicode-width`. Wrapping works on chars (code points) so span offsets
//! from extraction items map straight onto it; a zero-width char (a combining mark) stays with
//! the char before it because it adds no width.

use ratatui::style::Style;
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

/// `s` cut to at most `max` columns by taking out its middle, so both ends show:
/// `chinese_medical_dialogue_IM_7specialty_sample:1956` at 22 columns is
/// `chinese_me…sample:1956`. Ids differ at their end, so the end gets the larger share, and
/// everything after the last `:` (the row number) whenever it fits. Chars are never cut;
/// a combining mark stays with its base.
pub fn elide_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max <= 1 {
        return "…".repeat(max);
    }
    let chars: Vec<char> = s.chars().collect();
    let budget = max - 1;
    let suffix = s.rfind(':').map_or(0, |i| width(&s[i..]));
    let mut tail_goal = budget.div_ceil(2);
    if suffix <= budget {
        tail_goal = tail_goal.max(suffix);
    }
    // The end, back from the last char, within `tail_goal` columns.
    let mut tail_start = chars.len();
    let mut tail_w = 0;
    while tail_start > 0 {
        let w = char_width(chars[tail_start - 1]);
        if tail_w + w > tail_goal {
            break;
        }
        tail_w += w;
        tail_start -= 1;
    }
    // A mark whose base went into the gap would join the "…".
    while tail_start < chars.len() && char_width(chars[tail_start]) == 0 {
        tail_start += 1;
    }
    // The start, in what is left; marks after the last base char come with it.
    let mut head = String::new();
    let mut head_w = 0;
    for &c in &chars[..tail_start] {
        let w = char_width(c);
        if head_w + w > budget - tail_w {
            break;
        }
        head.push(c);
        head_w += w;
    }
    // A wide char that did not fit at the start may leave room for one more at the end.
    let mut room = budget - tail_w - head_w;
    while tail_start > 0 && char_width(chars[tail_start - 1]) <= room {
        let w = char_width(chars[tail_start - 1]);
        if w == 0 || tail_start <= head.chars().count() {
            break;
        }
        room -= w;
        tail_start -= 1;
    }
    head.push('…');
    head.extend(&chars[tail_start..]);
    head
}

/// `s` made of parts joined by any of `seps` (" › ", " · "), cut to `max` columns by
/// eliding the widest part in its middle first (an item id, not the dataset or "rev 2"),
/// then the next widest; the separators stay. A part is not cut below 6 columns while
/// another can give; if that is not enough the whole is cut in the middle.
pub fn elide_parts(s: &str, seps: &[&str], max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    // Split into (part, separator after it).
    let mut parts: Vec<(String, &str)> = Vec::new();
    let mut rest = s;
    loop {
        let next = seps
            .iter()
            .filter_map(|sep| rest.find(sep).map(|i| (i, *sep)))
            .min_by_key(|(i, _)| *i);
        match next {
            Some((i, sep)) => {
                parts.push((rest[..i].to_string(), sep));
                rest = &rest[i + sep.len()..];
            }
            None => {
                parts.push((rest.to_string(), ""));
                break;
            }
        }
    }
    const KEEP: usize = 6;
    // The columns each part gets: the widest gives first, down to `KEEP`, then the next.
    let mut cols: Vec<usize> = parts.iter().map(|(p, _)| width(p)).collect();
    let seps_w: usize = parts.iter().map(|(_, sep)| width(sep)).sum();
    loop {
        let over = (cols.iter().sum::<usize>() + seps_w).saturating_sub(max);
        if over == 0 {
            break;
        }
        let Some(i) = (0..cols.len())
            .filter(|&i| cols[i] > KEEP)
            .max_by_key(|&i| (cols[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        cols[i] = cols[i].saturating_sub(over).max(KEEP);
    }
    let joined: String = parts
        .iter()
        .zip(&cols)
        .map(|((p, sep), &c)| format!("{}{sep}", elide_middle(p, c)))
        .collect();
    elide_middle(&joined, max)
}

/// A box title " CMExam · mcq · cmexam_val_sample:2 · rev 1 " of `parts` within `max`
/// columns, the widest part (the id) losing its middle first.
pub fn title(parts: &[&str], max: usize) -> String {
    let joined = parts.join(" · ");
    format!(
        " {} ",
        elide_parts(&joined, &[" · "], max.saturating_sub(2))
    )
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

/// "2026-03-01T08:15:02Z" as "2026-03-01 08:15".
pub fn short_time(at: &str) -> String {
    at.replace('T', " ").chars().take(16).collect()
}

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

    const LONG: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";

    #[test]
    fn elide_middle_keeps_both_ends_and_the_row_number() {
        assert_eq!(elide_middle(LONG, 22), "chinese_me…sample:1956");
        assert_eq!(width(&elide_middle(LONG, 22)), 22);
        assert_eq!(
            elide_middle("cmexam_val_sample:616", 30),
            "cmexam_val_sample:616"
        );
        // Too narrow for half: the row number still shows whole.
        assert_eq!(elide_middle(LONG, 8), "ch…:1956");
        assert_eq!(elide_middle(LONG, 1), "…");
        assert_eq!(elide_middle(LONG, 0), "");
        // Rows that differ only at the end stay different.
        let a = elide_middle("chinese_medical_dialogue_IM_7specialty_sample:338", 18);
        let b = elide_middle("chinese_medical_dialogue_IM_7specialty_sample:5091", 18);
        assert_ne!(a, b);
        assert!(a.ends_with(":338") && b.ends_with(":5091"), "{a} {b}");
    }

    #[test]
    fn elide_middle_counts_cjk_as_two_columns_and_never_cuts_a_char() {
        let s = "急性前壁ST段抬高型心肌梗死:12";
        for max in 0..=width(s) + 1 {
            let e = elide_middle(s, max);
            assert!(width(&e) <= max, "{max}: {e}");
            // Only whole chars of the original, and the "…".
            assert!(e.chars().all(|c| c == '…' || s.contains(c)), "{e}");
            if max >= 4 {
                assert!(e.ends_with(":12"), "{max}: {e}");
            }
        }
        // A wide char that does not fit leaves a column free.
        assert_eq!(elide_middle("上消化道出血", 6), "上…血");
        assert_eq!(elide_middle("上消化道出血", 7), "上消…血");
        // A combining mark keeps its base or goes with it.
        let marks = "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}";
        let e = elide_middle(marks, 4);
        assert!(!e.contains("…\u{301}"), "{e:?}");
        assert_eq!(width(&e), 4);
    }

    #[test]
    fn elide_parts_cuts_the_id_not_the_dataset_or_the_revision() {
        let place = format!("MADiagnosis › {LONG} · rev 1");
        let e = elide_parts(&place, &[" › ", " · "], 40);
        assert_eq!(width(&e), 40);
        assert!(e.starts_with("MADiagnosis › "), "{e}");
        assert!(e.ends_with(":1956 · rev 1"), "{e}");
        assert_eq!(elide_parts("CMExam › q1", &[" › "], 40), "CMExam › q1");
        // A title in a narrow pane: the id gives, the dataset stays.
        let id = "chinese_medical_dialogue_IM_7specialty_sample:338";
        let t = title(&["MADiagnosis", id, "rev 1"], 46);
        assert_eq!(width(&t), 46, "{t}");
        assert!(t.starts_with(" MADiagnosis · chinese_m"), "{t}");
        assert!(t.ends_with("sample:338 · rev 1 "), "{t}");
        // Nothing left to give: the whole is cut in the middle.
        let e = elide_parts(&place, &[" › ", " · "], 12);
        assert!(width(&e) <= 12, "{e}");
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

    #[test]
    fn truncate_and_pad_count_columns() {
        assert_eq!(truncate("消化内科 Gastroenterology", 9), "消化内科…");
        assert_eq!(truncate("消化内科", 8), "消化内科");
        assert_eq!(truncate("消化内科", 4), "消…");
        assert_eq!(width(&pad("消化", 7)), 7);
        assert_eq!(width(&pad("消化内科", 5)), 5);
    }
}
