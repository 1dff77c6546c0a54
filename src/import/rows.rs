//! Reads a file of records that are not items (reviews, calibration results, model
//! responses, judge verdicts), as JSONL or a `.json` array: every record parsed, every
//! problem kept with its file, line (or record) and field, so a file is taken whole or
//! refused whole.

use super::RowError;
use super::records::{Records, Unit};
use crate::domain::field_error::FieldError;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Each record's number and value, or every problem in the file.
pub type Rows<T> = Result<Vec<(usize, T)>, Vec<RowError>>;

/// Reads and parses every record of `path` (JSONL, or a `.json` array).
pub fn read_rows<T>(
    path: &Path,
    parse: impl Fn(&str) -> Result<T, Vec<FieldError>>,
) -> Result<Rows<T>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for next in stream_rows(path, parse)? {
        match next? {
            Ok(row) => out.push(row),
            Err(errs) => errors.extend(errs),
        }
    }
    Ok(if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    })
}

/// Every record of a file that reads, and the problems of those that do not: the reader
/// checks what it can of the readable ones (the store's checks) before it reports, so a file
/// is fixed in one round.
pub struct Readable<T> {
    pub rows: Vec<T>,
    pub problems: Vec<RowError>,
    pub unit: Unit,
}

/// Reads every record of `path`, keeping the readable ones and the problems of the rest.
pub fn read_readable<T>(
    path: &Path,
    parse: impl Fn(&str) -> Result<T, Vec<FieldError>>,
) -> Result<Readable<(usize, T)>> {
    let stream = stream_rows(path, parse)?;
    let unit = stream.unit();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for next in stream {
        match next? {
            Ok(row) => rows.push(row),
            Err(errs) => problems.extend(errs),
        }
    }
    Ok(Readable {
        rows,
        problems,
        unit,
    })
}

/// Every problem of a file, in file order: those of records that do not read, and the
/// store's refusals of the ones that do (`(number, why)`), as `FILE:LINE: why`.
pub fn all_problems(
    file: &str,
    unit: Unit,
    unreadable: &[RowError],
    refused: &[(usize, String)],
) -> Vec<String> {
    let mut all: Vec<(usize, String)> = unreadable
        .iter()
        .map(|e| (e.line, e.to_string()))
        .chain(
            refused
                .iter()
                .map(|(n, why)| (*n, format!("{}: {why}", unit.place(file, *n)))),
        )
        .collect();
    all.sort_by_key(|(n, _)| *n);
    all.into_iter().map(|(_, p)| p).collect()
}

/// A file read one record at a time: each record's number and value, or its problems.
/// Memory stays flat whatever the file's size.
pub struct RowStream<P> {
    shown: String,
    records: Records<BufReader<File>>,
    parse: P,
}

/// Opens `path` to read and parse it record by record, as `read_rows` does but one row at
/// a time.
pub fn stream_rows<T, P>(path: &Path, parse: P) -> Result<RowStream<P>>
where
    P: Fn(&str) -> Result<T, Vec<FieldError>>,
{
    let shown = path.display().to_string();
    let file = crate::files::user::open(path).with_context(|| format!("opening {shown}"))?;
    let records =
        Records::new(path, BufReader::new(file)).with_context(|| format!("reading {shown}"))?;
    Ok(RowStream {
        records,
        shown,
        parse,
    })
}

impl<P> RowStream<P> {
    /// The file's name as problems show it.
    pub fn file(&self) -> &str {
        &self.shown
    }

    /// Whether records are numbered by line or by array element.
    pub fn unit(&self) -> Unit {
        self.records.unit()
    }
}

impl<T, P> Iterator for RowStream<P>
where
    P: Fn(&str) -> Result<T, Vec<FieldError>>,
{
    /// A failure to read the file (fatal), or the next record: its number and value, or
    /// every problem with it.
    type Item = Result<Result<(usize, T), Vec<RowError>>>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = match self.records.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => return None,
            Err(e) => {
                return Some(Err(
                    anyhow::Error::new(e).context(format!("reading {}", self.shown))
                ));
            }
        };
        let unit = self.records.unit();
        Some(Ok(
            match record.text().map_err(|e| vec![e]).and_then(&self.parse) {
                Ok(row) => Ok((record.number, row)),
                Err(errs) => Err(errs
                    .into_iter()
                    .map(|error| RowError {
                        file: self.shown.clone(),
                        line: record.number,
                        unit,
                        error,
                    })
                    .collect()),
            },
        ))
    }
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
