//! A score table as text: aligned for the terminal, Markdown as in the papers (the best of
//! each column in bold, the second underlined), CSV, and a bar chart of one column across
//! the models. Missing scores show as `-`.

use super::table::Table;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

fn num(s: Option<f64>) -> String {
    s.map_or("-".into(), |v| format!("{v:.2}"))
}

/// Each row's rank in a column of scores, as shown (two decimals): 1 for the best, 2 for
/// the second, 0 otherwise or when missing. Ties share a rank.
fn ranks(scores: &[Option<f64>]) -> Vec<u8> {
    let shown: Vec<Option<i64>> = scores
        .iter()
        .map(|s| s.map(|v| (v * 100.0).round() as i64))
        .collect();
    let mut distinct: Vec<i64> = shown.iter().flatten().copied().collect();
    distinct.sort_unstable_by(|a, b| b.cmp(a));
    distinct.dedup();
    shown
        .iter()
        .map(|s| match s {
            Some(v) if Some(v) == distinct.first() => 1,
            Some(v) if Some(v) == distinct.get(1) => 2,
            _ => 0,
        })
        .collect()
}

/// The columns' scores, Average first, one list per column.
fn columns(t: &Table) -> Vec<Vec<Option<f64>>> {
    let mut out = vec![t.rows.iter().map(|r| r.average).collect::<Vec<_>>()];
    for c in 0..t.columns.len() {
        out.push(t.rows.iter().map(|r| r.cells[c].score).collect());
    }
    out
}

pub fn markdown(t: &Table) -> String {
    let cols = columns(t);
    let rank: Vec<Vec<u8>> = cols.iter().map(|c| ranks(c)).collect();
    let mut s = String::new();
    let _ = write!(s, "| Model | Average |");
    for c in &t.columns {
        let _ = write!(s, " {} |", c.replace('|', "\\|"));
    }
    let _ = write!(s, "\n|---|---:|");
    for _ in &t.columns {
        s.push_str("---:|");
    }
    s.push('\n');
    for (r, row) in t.rows.iter().enumerate() {
        let _ = write!(s, "| {} |", row.model.replace('|', "\\|"));
        for (c, col) in cols.iter().enumerate() {
            let v = num(col[r]);
            let v = match rank[c][r] {
                1 => format!("**{v}**"),
                2 => format!("<u>{v}</u>"),
                _ => v,
            };
            let _ = write!(s, " {v} |");
        }
        s.push('\n');
    }
    s
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// CSV with a header row; every row also names the release's root digest.
pub fn csv(t: &Table, digest: &str) -> String {
    let cols = columns(t);
    let mut s = String::from("model,average");
    for c in &t.columns {
        s.push(',');
        s.push_str(&csv_field(c));
    }
    s.push_str(",root_digest\n");
    for (r, row) in t.rows.iter().enumerate() {
        s.push_str(&csv_field(&row.model));
        for col in &cols {
            s.push(',');
            if let Some(v) = col[r] {
                s.push_str(&format!("{v:.4}"));
            }
        }
        s.push(',');
        s.push_str(digest);
        s.push('\n');
    }
    s
}

/// Aligned columns, measured by display width (Chinese names are two columns a character).
pub fn terminal(t: &Table) -> String {
    let cols = columns(t);
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["model".to_string(), "Average".to_string()];
    head.extend(t.columns.iter().cloned());
    grid.push(head);
    for (r, row) in t.rows.iter().enumerate() {
        let mut line = vec![row.model.clone()];
        line.extend(cols.iter().map(|c| num(c[r])));
        grid.push(line);
    }
    let n = grid[0].len();
    let widths: Vec<usize> = (0..n)
        .map(|c| grid.iter().map(|l| l[c].width()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for line in &grid {
        let mut out = String::new();
        for (c, cell) in line.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.width());
            if c == 0 {
                out.push_str(cell);
                out.push_str(&pad);
            } else {
                out.push_str("  ");
                out.push_str(&pad);
                out.push_str(cell);
            }
        }
        s.push_str(out.trim_end());
        s.push('\n');
    }
    s
}

/// Eighths of a block, for the end of a bar.
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// A bar chart of `column` (`Average` or one of the table's columns) across the models: each
/// bar `width` cells for 100, drawn to an eighth of a cell, with the score after it. An
/// unknown column is refused with the names that exist.
pub fn bars(t: &Table, column: &str, width: usize) -> Result<String, String> {
    let scores: Vec<Option<f64>> = if column.eq_ignore_ascii_case("average") {
        t.rows.iter().map(|r| r.average).collect()
    } else {
        let Some(c) = t.columns.iter().position(|c| c == column) else {
            return Err(format!(
                "there is no column {column:?} to chart; use Average or one of: {}",
                t.columns.join(", ")
            ));
        };
        t.rows.iter().map(|r| r.cells[c].score).collect()
    };
    let name_w = t.rows.iter().map(|r| r.model.width()).max().unwrap_or(0);
    let mut s = String::new();
    let _ = writeln!(s, "{column} (0-100)");
    for (row, score) in t.rows.iter().zip(&scores) {
        let pad = " ".repeat(name_w - row.model.width());
        let bar = match score {
            Some(v) => {
                let eighths = (v.clamp(0.0, 100.0) / 100.0 * (width * 8) as f64).round() as usize;
                let mut b = "█".repeat(eighths / 8);
                if !eighths.is_multiple_of(8) {
                    b.push(EIGHTHS[eighths % 8]);
                }
                format!("{b} {v:.2}")
            }
            None => "-".into(),
        };
        let _ = writeln!(s, "{}{pad}  {bar}", row.model);
    }
    Ok(s)
}
