//! Plain text tables for the terminal: columns padded by display width so Chinese names line
//! up, the first column to the left and the others to the right (they hold numbers).

use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// `head` and `rows` as lines, two spaces between columns, no trailing spaces.
pub fn padded(head: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.width())
                .chain([head[i].width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if i == 0 {
                let _ = write!(line, "{cell}{pad}");
            } else {
                let _ = write!(line, "  {pad}{cell}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_names_line_up_and_numbers_align_right() {
        let head = vec!["Who".to_string(), "N".to_string()];
        let rows = vec![
            vec!["王医生".to_string(), "3".to_string()],
            vec!["dr-li".to_string(), "12".to_string()],
        ];
        assert_eq!(
            super::padded(&head, &rows),
            "Who      N\n王医生   3\ndr-li   12\n"
        );
    }
}
