//! What an import did: counts per dataset, and the problems found, capped for display.

use super::records::Unit;
use crate::domain::field_error::FieldError;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// How many problems are kept for display; the rest are counted.
pub const MAX_SHOWN_ERRORS: usize = 50;

/// One problem with one record (a line, or an element of a JSON array) of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    /// The line or element number.
    pub line: usize,
    pub unit: Unit,
    pub error: FieldError,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.unit.place(&self.file, self.line),
            self.error
        )
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
    /// Problems with a whole file (a test split without answers): they refuse the import
    /// even with --skip-invalid. Each is counted in `error_count` too.
    pub file_problems: Vec<String>,
    /// Whether any file was read as a JSON array (its records are counted, not lines).
    pub any_array: bool,
    /// Per file, the records imported without gold (an empty entity list ...).
    pub gold_less: Vec<GoldLess>,
    /// For each shown problem, whether its record lacks gold (see `retract_gold_less`).
    gold_flags: Vec<bool>,
}

/// Records of one file that have no gold answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldLess {
    pub file: String,
    /// The source field that is empty.
    pub field: &'static str,
    pub count: u64,
    /// The first few, as `line 4` or `record 4`.
    pub first: Vec<String>,
}

impl ImportReport {
    /// "line(s)", or "record(s)" when a file was a JSON array.
    pub fn records_word(&self) -> &'static str {
        if self.any_array {
            "record(s)"
        } else {
            "line(s)"
        }
    }

    pub(crate) fn record(
        &mut self,
        file: &str,
        unit: Unit,
        line: usize,
        errors: Vec<FieldError>,
        lacks_gold: bool,
    ) {
        self.refused_lines += 1;
        for error in errors {
            self.error_count += 1;
            if self.errors.len() < MAX_SHOWN_ERRORS {
                self.errors.push(RowError {
                    file: file.to_string(),
                    line,
                    unit,
                    error,
                });
                self.gold_flags.push(lacks_gold);
            }
        }
    }

    /// Takes back the problems of `file`'s records that lack gold (`errors` problems on
    /// `lines` records) and records instead that the whole file is refused: a file none
    /// of whose records has gold is one problem, not one per record.
    pub(crate) fn refuse_file(&mut self, file: &str, errors: u64, lines: u64, why: String) {
        let mut flags = std::mem::take(&mut self.gold_flags).into_iter();
        self.errors.retain(|e| {
            let gold_less = flags.next().unwrap_or(false);
            !(gold_less && e.file == file)
        });
        self.gold_flags = self.errors.iter().map(|_| false).collect();
        self.error_count = self.error_count - errors + 1;
        self.refused_lines -= lines;
        self.file_problems.push(why);
    }

    pub fn total(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |a, c| Counts {
            imported: a.imported + c.imported,
            skipped: a.skipped + c.skipped,
            revised: a.revised + c.revised,
        })
    }
}
