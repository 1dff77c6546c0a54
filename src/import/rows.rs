//! Reads a JSONL file of records that are not items (reviews, calibration results, model
//! responses, judge verdicts): every line parsed, every problem kept with its file, line and
//! field, so a file is taken whole or refused whole.

use super::RowError;
use super::lines::Lines;
use crate::domain::field_error::FieldError;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Each line's number and record, or every problem in the file.
pub type Rows<T> = Result<Vec<(usize, T)>, Vec<RowError>>;

/// Reads and parses every line of `path`.
pub fn read_rows<T>(
    path: &Path,
    parse: impl Fn(&str) -> Result<T, Vec<FieldError>>,
) -> Result<Rows<T>> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {shown}"))?;
    let mut lines = Lines::new(BufReader::new(file));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    while let Some(line) = lines
        .next_line()
        .with_context(|| format!("reading {shown}"))?
    {
        match line.text().map_err(|e| vec![e]).and_then(&parse) {
            Ok(row) => out.push((line.number, row)),
            Err(errs) => errors.extend(errs.into_iter().map(|error| RowError {
                file: shown.clone(),
                line: line.number,
                error,
            })),
        }
    }
    Ok(if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    })
}

/// A JSON parse error as one whole-line problem, without serde's "at line 1 column N" (the
/// line is named already), ending with what the line should hold.
pub fn not_a(what: &str, e: &serde_json::Error, expected: &str) -> Vec<FieldError> {
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    vec![FieldError::new(
        "",
        format!("is not {what} ({msg}); {expected}"),
    )]
}

/// A record field given as a list of met / not met marks: true/false, 1/0 or
/// "met"/"not_met". `None` if any entry is none of those.
pub fn marks(values: &[serde_json::Value]) -> Option<Vec<bool>> {
    use serde_json::Value;
    values
        .iter()
        .map(|p| match p {
            Value::Bool(b) => Some(*b),
            Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
            Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
            Value::String(s) if s == "met" => Some(true),
            Value::String(s) if s == "not_met" => Some(false),
            _ => None,
        })
        .collect()
}
