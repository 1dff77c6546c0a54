//! Importing JSONL items: read, convert, validate, and write in one transaction.
//!
//! A file with any problem imports nothing (the transaction is rolled back) unless
//! `skip_invalid` is set; then the valid lines are imported and the refused ones are written,
//! each with its reasons, to a rejects file.

pub mod adapters;
mod array;
pub mod calibration;
pub mod judge_verdicts;
mod lines;
pub mod native;
mod prepare;
pub mod records;
mod report;
pub mod responses;
pub mod reviews;
pub mod rows;

pub use report::{Counts, GoldLess, ImportReport, MAX_SHOWN_ERRORS, RowError};

use crate::domain::field_error::FieldError;
use crate::files::user;
use crate::store::{DatasetRef, ImportWriter, NewRevision, PutOutcome, Store};
use adapters::Source;
use anyhow::{Context, Result, bail};
use prepare::{PreparedItem, PreparedRow};
use records::Unit;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::mpsc;

/// The input formats `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Native,
    Public(Source),
}

impl Format {
    pub const NAMES: [&'static str; 6] = [
        "native",
        "cmexam",
        "cmeee",
        "cmeie",
        "chip-cdn",
        "chip-cdee",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Public(Source::Cmexam) => "cmexam",
            Format::Public(Source::Cmeee) => "cmeee",
            Format::Public(Source::Cmeie) => "cmeie",
            Format::Public(Source::ChipCdn) => "chip-cdn",
            Format::Public(Source::ChipCdee) => "chip-cdee",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "native" => Format::Native,
            "cmexam" => Format::Public(Source::Cmexam),
            "cmeee" | "cmeee-v2" => Format::Public(Source::Cmeee),
            "cmeie" => Format::Public(Source::Cmeie),
            "chip-cdn" => Format::Public(Source::ChipCdn),
            "chip-cdee" => Format::Public(Source::ChipCdee),
            other => {
                return Err(format!(
                    "unknown format {other:?}; use one of {}",
                    Format::NAMES.join(", ")
                ));
            }
        })
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub files: Vec<PathBuf>,
    pub dataset: String,
    pub format: Format,
    /// Record a new revision when an id comes back with different content.
    pub revise: bool,
    /// Import the valid lines and write the refused ones to a rejects file.
    pub skip_invalid: bool,
    /// Where rejects files go.
    pub rejects_dir: PathBuf,
    /// Who is importing, for the event log.
    pub actor: String,
}

/// Progress: bytes done of bytes in all files.
pub type ProgressFn<'a> = dyn FnMut(u64, u64) + 'a;

/// Imports `opts.files` into `store`. Returns Err only for failures that are not the input's
/// fault (unreadable file, disk full); problems with the input are in the report.
pub fn import(
    store: &mut Store,
    opts: &ImportOptions,
    progress: &mut ProgressFn,
) -> Result<ImportReport> {
    if opts.dataset.trim().is_empty() {
        bail!("--dataset is empty; name the dataset the items belong to");
    }
    let mut total_bytes = 0;
    for f in &opts.files {
        let meta = user::metadata(f).with_context(|| format!("cannot read {}", f.display()))?;
        if meta.is_dir() {
            bail!(
                "{} is a directory; give the JSONL files inside it",
                f.display()
            );
        }
        total_bytes += meta.len();
    }
    let files_json = serde_json::to_string(
        &opts
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>(),
    )?;
    let mut report = ImportReport::default();
    let writer = store.begin_import(&opts.actor, opts.format.name(), &files_json)?;
    let mut run = Run {
        opts,
        writer: &writer,
        dataset: writer.dataset(&opts.dataset)?,
        rejects: None,
        gold: GoldTally::default(),
        units: vec![Unit::Line; opts.files.len()],
    };
    // Reading and validating run ahead of the writes, on a second thread: on PostgreSQL a
    // whole batch ahead, so the next is ready when the server has stored this one.
    let depth = writer
        .batch_size()
        .map_or(PIPELINE_DEPTH, |batch| batch.max(PIPELINE_DEPTH));
    let (tx, rx) = mpsc::sync_channel::<prepare::Message>(depth);
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || prepare::run(&opts.files, opts.format, &opts.dataset, &tx));
        // Dropping `rx` on an early return stops the reader at its next send.
        for message in rx {
            match message {
                prepare::Message::Row(row) => {
                    let done = row.done_bytes;
                    run.row(row, &mut report)?;
                    report.bytes_read = done;
                    progress(done, total_bytes);
                }
                prepare::Message::FileDone => {
                    run.close_rejects(&mut report)?;
                    run.close_gold(&mut report);
                }
                prepare::Message::Failed(e) => return Err(e),
            }
        }
        Ok(())
    })?;
    if report.error_count > 0 && (!opts.skip_invalid || !report.file_problems.is_empty()) {
        // Dropping the writer rolls the transaction back: nothing of this import remains.
        drop(writer);
        return Ok(report);
    }
    let summary = serde_json::json!({
        "dataset": opts.dataset,
        "format": opts.format.name(),
        "files": opts.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "imported": report.total().imported,
        "skipped": report.total().skipped,
        "revised": report.total().revised,
        "refused": report.refused_lines,
    });
    writer.finish(&summary.to_string())?;
    report.committed = true;
    Ok(report)
}

/// Lines prepared ahead of the writer: enough to keep both threads busy, few enough that
/// memory stays flat whatever the file size.
const PIPELINE_DEPTH: usize = 256;

struct Run<'a, 'w> {
    opts: &'a ImportOptions,
    writer: &'a ImportWriter<'w>,
    dataset: Option<DatasetRef>,
    /// The open rejects file of the current input file, if a line of it was refused.
    rejects: Option<(PathBuf, BufWriter<File>)>,
    /// The current input file's records without gold.
    gold: GoldTally,
    /// How each file's records are numbered, once its first record is read.
    units: Vec<Unit>,
}

/// How many records of the file being read have gold, and which lack it.
#[derive(Default)]
struct GoldTally {
    file_index: usize,
    unit: Unit,
    /// Records that read as records (not a broken line).
    readable: u64,
    lacking: u64,
    field: &'static str,
    /// Of those, the records that are items (and their first numbers).
    imported: u64,
    first: Vec<usize>,
    /// Problems, and records refused, among the records that lack gold.
    lacking_errors: u64,
    lacking_refused: u64,
}

/// How many gold-less records a report names before it counts the rest.
const GOLD_LESS_SHOWN: usize = 5;

impl Run<'_, '_> {
    /// Stores one prepared line, or records why it was refused.
    fn row(&mut self, row: PreparedRow, report: &mut ImportReport) -> Result<()> {
        report.lines_read += 1;
        let readable = match &row.item {
            Ok(_) => true,
            Err(errors) => row.lacks_gold.is_some() || errors.iter().any(|e| !e.field.is_empty()),
        };
        self.units[row.file_index] = row.unit;
        report.any_array |= row.unit == Unit::Record;
        let g = &mut self.gold;
        g.file_index = row.file_index;
        g.unit = row.unit;
        g.readable += u64::from(readable);
        // A record counts as one of a test split if gold is all it lacks.
        let lacks_gold = row.lacks_gold.filter(|field| match &row.item {
            Ok(_) => true,
            Err(errors) => errors.iter().all(|e| e.field.starts_with(field)),
        });
        if let Some(field) = lacks_gold {
            g.lacking += 1;
            g.field = field;
            if row.item.is_ok() {
                g.imported += 1;
                if g.first.len() < GOLD_LESS_SHOWN {
                    g.first.push(row.line);
                }
            }
        }
        let outcome = match row.item {
            Ok(item) => self.store(&item, row.file_index, row.unit, row.line, report)?,
            Err(errors) => Err(errors),
        };
        if let Err(errors) = outcome {
            let shown = self.opts.files[row.file_index].display().to_string();
            if self.opts.skip_invalid {
                self.reject(row.file_index, &shown, row.line, &errors, &row.bytes)?;
            }
            if lacks_gold.is_some() {
                self.gold.lacking_errors += errors.len() as u64;
                self.gold.lacking_refused += 1;
            }
            report.record(&shown, row.unit, row.line, errors, lacks_gold.is_some());
        }
        Ok(())
    }

    /// At the end of a file: refuses it whole if none of its records has gold (a test
    /// split), else notes the records that lack it.
    fn close_gold(&mut self, report: &mut ImportReport) {
        let g = std::mem::take(&mut self.gold);
        if g.lacking == 0 {
            return;
        }
        let shown = self.opts.files[g.file_index].display().to_string();
        // One record is judged on its own; a file of them without any gold is a test split.
        if g.lacking == g.readable && g.readable > 1 {
            let why = format!(
                "{shown}: none of its {} record(s) has gold (`{}` is empty or missing in every one); \
                 this looks like a test split without answers: import a split that has them \
                 (train or dev)",
                g.lacking, g.field
            );
            report.refuse_file(&shown, g.lacking_errors, g.lacking_refused, why);
            return;
        }
        if g.imported == 0 {
            return;
        }
        report.gold_less.push(GoldLess {
            file: shown,
            field: g.field,
            count: g.imported,
            first: g.first.iter().map(|n| g.unit.name(*n)).collect(),
        });
    }

    fn reject(
        &mut self,
        file_index: usize,
        shown: &str,
        line: usize,
        errors: &[FieldError],
        bytes: &[u8],
    ) -> Result<()> {
        if self.rejects.is_none() {
            let name = self.opts.files[file_index]
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let p = self.opts.rejects_dir.join(format!("{name}.rejects.jsonl"));
            let f = user::create(&p)
                .with_context(|| format!("creating the rejects file {}", p.display()))?;
            self.rejects = Some((p, BufWriter::new(f)));
        }
        if let Some((p, w)) = self.rejects.as_mut() {
            write_reject(w, shown, line, errors, bytes)
                .with_context(|| format!("writing {}", p.display()))?;
        }
        Ok(())
    }

    /// Flushes the rejects file of the file just finished, if there is one.
    fn close_rejects(&mut self, report: &mut ImportReport) -> Result<()> {
        if let Some((p, mut w)) = self.rejects.take() {
            w.flush()
                .with_context(|| format!("writing {}", p.display()))?;
            report.rejects.push(p);
        }
        Ok(())
    }

    /// Writes one valid item. The outer error is a failure to store (fatal); the inner one
    /// holds the reasons the line was refused.
    fn store(
        &mut self,
        item: &PreparedItem,
        file_index: usize,
        unit: Unit,
        line: usize,
        report: &mut ImportReport,
    ) -> Result<Result<(), Vec<FieldError>>> {
        let kind = item.kind;
        let dataset = match self.dataset {
            Some(d) if d.kind != kind => {
                return Ok(Err(vec![FieldError::new(
                    "kind",
                    format!(
                        "is {kind} but dataset {:?} holds {} items; import it into a dataset of {kind} items",
                        self.opts.dataset, d.kind
                    ),
                )]));
            }
            Some(d) => d,
            None => {
                let d = self.writer.create_dataset(&self.opts.dataset, kind)?;
                self.dataset = Some(d);
                d
            }
        };
        let revision = NewRevision {
            ext_id: &item.id,
            body_json: &item.body_json,
            content_hash: &item.content_hash,
            difficulty: item.difficulty,
            route_mask: item.route_mask,
            file_index,
            line,
        };
        let outcome = self.writer.put_item(dataset, &revision, self.opts.revise)?;
        let counts = report.counts.entry(self.opts.dataset.clone()).or_default();
        match outcome {
            PutOutcome::Imported => counts.imported += 1,
            PutOutcome::Unchanged => counts.skipped += 1,
            PutOutcome::Revised { .. } => counts.revised += 1,
            PutOutcome::Duplicate {
                file_index: f,
                line: l,
            } => {
                let where_ = if f == file_index {
                    unit.name(l)
                } else {
                    format!(
                        "{} of {}",
                        self.units[f].name(l),
                        self.opts.files[f].display()
                    )
                };
                return Ok(Err(vec![FieldError::new(
                    "id",
                    format!(
                        "{:?} is already used on {where_}; ids must be unique within a dataset",
                        item.id
                    ),
                )]));
            }
            PutOutcome::Control => {
                return Ok(Err(vec![FieldError::new(
                    "id",
                    format!(
                        "{:?} is a control item in dataset {:?}; a control keeps the revision its \
                         expected verdicts are for: give the changed item a new id",
                        item.id, self.opts.dataset
                    ),
                )]));
            }
            PutOutcome::Conflict { current_revision } => {
                return Ok(Err(vec![FieldError::new(
                    "id",
                    format!(
                        "{:?} is already in dataset {:?} (revision {current_revision}) with different content; \
                         pass --revise to record this as a new revision, or give the item a new id",
                        item.id, self.opts.dataset
                    ),
                )]));
            }
        }
        Ok(Ok(()))
    }
}

fn write_reject(
    w: &mut impl Write,
    file: &str,
    line: usize,
    errors: &[FieldError],
    raw: &[u8],
) -> std::io::Result<()> {
    let reasons: Vec<_> = errors
        .iter()
        .map(|e| serde_json::json!({"field": e.field, "message": e.message}))
        .collect();
    let rec = serde_json::json!({
        "file": file,
        "line": line,
        "errors": reasons,
        "raw": String::from_utf8_lossy(raw),
    });
    serde_json::to_writer(&mut *w, &rec)?;
    w.write_all(b"\n")
}
