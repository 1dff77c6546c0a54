//! What an import did: counts per dataset, and the problems found, capped for display.

use crate::domain::field_error::FieldError;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// How many problems are kept for display; the rest are counted.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// One problem with one line of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: usize,
    pub error: FieldError,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.error)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub imported: u64,
    pub skipped: u64,
    pub revised: u64,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    /// Per dataset: new items, unchanged items skipped, items given a new revision.
    pub counts: BTreeMap<String, Counts>,
    /// The first `MAX_SHOWN_ERRORS` problems.
    pub errors: Vec<RowError>,
    /// All problems found, shown or not.
    pub error_count: u64,
    /// Lines refused because of those problems.
    pub refused_lines: u64,
    /// Where refused lines were written (with --skip-invalid).
    pub rejects: Vec<PathBuf>,
    /// Whether anything was committed.
    pub committed: bool,
    pub lines_read: u64,
    pub bytes_read: u64,
}

impl ImportReport {
    pub(crate) fn record(&mut self, file: &str, line: usize, errors: Vec<FieldError>) {
        self.refused_lines += 1;
        for error in errors {
            self.error_count += 1;
            if self.errors.len() < MAX_SHOWN_ERRORS {
                self.errors.push(RowError {
                    file: file.to_string(),
                    line,
                    error,
                });
            }
        }
    }

    pub fn total(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| Counts {
            imported: a.imported + c.imported,
            skipped: a.skipped + c.skipped,
            revised: a.revised + c.revised,
        })
    }
}
