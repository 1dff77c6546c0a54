//! The records of an input file, whichever way it holds them: one JSON value per line
//! (JSONL), or the elements of one JSON array in a `.json` file, as CBLUE ships CMeEE,
//! CHIP-CDN and CHIP-CDEE. A `.json` file that does not start with `[` is read as JSONL
//! (CBLUE's CMeIE files are JSONL named `.json`).

use super::array::{ArrayElements, Element};
use super::lines::Lines;
use crate::domain::field_error::FieldError;
use std::fmt;
use std::io::{self, BufRead};
use std::path::Path;

/// How a file's records are numbered in problems: by line, or by element of its array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Line,
    Record,
}

impl Unit {
    /// `FILE:17` for a line, `FILE: record 17` for an array element.
    pub fn place(self, file: &str, number: usize) -> String {
        match self {
            Unit::Line => format!("{file}:{number}"),
            Unit::Record => format!("{file}: record {number}"),
        }
    }

    /// `line 17` or `record 17`, for a message that points at another record.
    pub fn name(self, number: usize) -> String {
        format!("{self} {number}")
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unit::Line => "line",
            Unit::Record => "record",
        })
    }
}

/// One record: its 1-based line or element number, and its bytes.
pub struct Record {
    pub number: usize,
    pub bytes: Vec<u8>,
    /// Why the record cannot be read at all (a malformed array, a BOM, a CRLF line).
    problem: Option<FieldError>,
    unit: Unit,
}

impl Record {
    /// The record as text, or why it cannot be read.
    pub fn text(&self) -> Result<&str, FieldError> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        match self.unit {
            Unit::Line => super::lines::check_line(self.number, &self.bytes),
            Unit::Record => std::str::from_utf8(&self.bytes).map_err(|e| {
                FieldError::new(
                    "",
                    format!(
                        "is not valid UTF-8 (bad byte at byte {} of the record); save the file as UTF-8",
                        e.valid_up_to() + 1
                    ),
                )
            }),
        }
    }
}

enum Inner<R> {
    Lines(Lines<R>),
    Array(ArrayElements<R>),
}

pub struct Records<R> {
    inner: Inner<R>,
}

/// True when `path` names a `.json` file, whose records may be one JSON array.
fn may_be_array(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

impl<R: BufRead> Records<R> {
    /// Reads `reader`, the contents of `path`: a JSON array if `path` ends in `.json` and
    /// its first byte after whitespace (and a BOM, refused later) is `[`, else JSONL.
    pub fn new(path: &Path, mut reader: R) -> io::Result<Self> {
        let array = may_be_array(path) && starts_with_bracket(&mut reader)?;
        Ok(Records {
            inner: if array {
                Inner::Array(ArrayElements::new(reader))
            } else {
                Inner::Lines(Lines::new(reader))
            },
        })
    }

    pub fn unit(&self) -> Unit {
        match self.inner {
            Inner::Lines(_) => Unit::Line,
            Inner::Array(_) => Unit::Record,
        }
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        match &self.inner {
            Inner::Lines(l) => l.bytes_read(),
            Inner::Array(a) => a.bytes_read(),
        }
    }

    /// The next record that is not a blank line, or `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        let unit = self.unit();
        Ok(match &mut self.inner {
            Inner::Lines(l) => l.next_line()?.map(|line| Record {
                number: line.number,
                bytes: line.bytes,
                problem: None,
                unit,
            }),
            Inner::Array(a) => a.next_element()?.map(|e| match e {
                Element::Value(number, bytes) => Record {
                    number,
                    bytes,
                    problem: None,
                    unit,
                },
                Element::Broken(number, problem) => Record {
                    number,
                    bytes: Vec::new(),
                    problem: Some(problem),
                    unit,
                },
            }),
        })
    }
}

/// Whether the first byte after whitespace and a BOM is `[`, looking only at what the
/// reader has buffered (a file's first block), consuming nothing.
fn starts_with_bracket(reader: &mut impl BufRead) -> io::Result<bool> {
    let buf = reader.fill_buf()?;
    let buf = buf.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(buf);
    Ok(buf
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'['))
}

/// How the records of the file at `path` are numbered, for a command that reports problems
/// found after reading it.
pub fn unit_of(path: &Path) -> io::Result<Unit> {
    if !may_be_array(path) {
        return Ok(Unit::Line);
    }
    let file = crate::files::user::open(path)?;
    Ok(Records::new(path, io::BufReader::new(file))?.unit())
}
