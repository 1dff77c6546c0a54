//! A line diff drawn for reading: removed lines in red after "-", added lines in green after
//! "+", unchanged lines dim; long lines wrap under their marker. Unchanged lines far from any
//! change fold into one "⋯" line.

use crate::domain::diff::{DiffLine, LineChange, diff_lines};
use crate::tui::text::wrap_lines;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

pub const REMOVED: Style = Style::new().fg(Color::Red);
pub const ADDED: Style = Style::new().fg(Color::Green);
const SAME: Style = Style::new().fg(Color::DarkGray);

/// The diff of `new` against `old` at `width` columns, keeping `context` unchanged lines
/// around each change (all of them with `None`).
pub fn lines(old: &str, new: &str, context: Option<usize>, width: usize) -> Vec<Line<'static>> {
    render(&diff_lines(old, new), context, width)
}

/// Draws diff lines already computed.
pub fn render(diff: &[DiffLine], context: Option<usize>, width: usize) -> Vec<Line<'static>> {
    let keep = kept(diff, context);
    let mut out = Vec::new();
    let mut folded = false;
    for (d, keep) in diff.iter().zip(keep) {
        if !keep {
            if !folded {
                out.push(Line::from(Span::styled("  ⋯", SAME)));
                folded = true;
            }
            continue;
        }
        folded = false;
        let (mark, style) = match d.change {
            LineChange::Same => ("  ", SAME),
            LineChange::Removed => ("- ", REMOVED),
            LineChange::Added => ("+ ", ADDED),
        };
        out.extend(wrap_lines(
            Span::styled(mark, style),
            &[(&d.text, style)],
            width,
        ));
    }
    out
}

/// Which lines to show: every change and up to `context` unchanged lines either side.
fn kept(diff: &[DiffLine], context: Option<usize>) -> Vec<bool> {
    let Some(n) = context else {
        return vec![true; diff.len()];
    };
    let changed: Vec<usize> = diff
        .iter()
        .enumerate()
        .filter(|(_, d)| d.change != LineChange::Same)
        .map(|(i, _)| i)
        .collect();
    (0..diff.len())
        .map(|i| changed.iter().any(|&c| c.abs_diff(i) <= n))
        .collect()
}

/// (removed, added) line counts.
pub fn counts(diff: &[DiffLine]) -> (usize, usize) {
    let n = |c| diff.iter().filter(|d| d.change == c).count();
    (n(LineChange::Removed), n(LineChange::Added))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::text::width;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn changes_are_marked_and_far_lines_fold() {
        let old = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3,\n  \"stem\": \"高血压首选药物\"\n}";
        let new = old.replace("高血压首选药物", "高血压的首选药物是");
        let all = lines(old, &new, None, 80);
        assert_eq!(all.len(), 7);
        let short = lines(old, &new, Some(1), 80);
        let texts: Vec<String> = short.iter().map(text).collect();
        assert_eq!(texts[0], "  ⋯");
        assert!(texts.contains(&"-   \"stem\": \"高血压首选药物\"".to_string()));
        assert!(texts.contains(&"+   \"stem\": \"高血压的首选药物是\"".to_string()));
        let removed = short.iter().find(|l| text(l).starts_with('-')).unwrap();
        assert_eq!(removed.spans[1].style, REMOVED);
        assert_eq!(counts(&diff_lines(old, &new)), (1, 1));
    }

    #[test]
    fn long_chinese_lines_wrap_within_the_width() {
        let old = "\"stem\": \"患者男性，65岁，反复胸痛3年，加重伴呼吸困难2小时\"";
        let new = "\"stem\": \"患者女性，65岁，反复胸痛3年，加重伴呼吸困难2小时\"";
        for l in lines(old, new, None, 21) {
            assert!(width(&text(&l)) <= 21, "{:?}", text(&l));
        }
    }
}
