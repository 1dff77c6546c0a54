//! Importing JSONL items: read, convert, validate, and write in one transaction.
//!
//! A file with any problem imports nothing (the transaction is rolled back) unless
//! `skip_invalid` is set; then the valid lines are imported and the refused ones are written,
//! each with its reasons, to a rejects file.

pub mod adapters;
mod lines;
pub mod native;
mod report;

pub use report::{Counts, ImportReport, MAX_SHOWN_ERRORS, RowError};

use crate::domain::field_error::FieldError;
use crate::domain::hash::sha256_hex;
use crate::domain::item::Item;
use crate::domain::validate::{RawItem, build_item};
use crate::store::{DatasetRef, ImportWriter, NewRevision, PutOutcome, Store};
use adapters::{RowContext, Source};
use anyhow::{Context, Result, bail};
use lines::Lines;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

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
        let meta = std::fs::metadata(f).with_context(|| format!("cannot read {}", f.display()))?;
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
        seen: HashMap::new(),
        done_bytes: 0,
        total_bytes,
    };
    for (file_index, path) in opts.files.iter().enumerate() {
        run.file(file_index, path, &mut report, progress)?;
    }
    report.bytes_read = run.done_bytes;
    if report.error_count > 0 && !opts.skip_invalid {
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

struct Run<'a, 'w> {
    opts: &'a ImportOptions,
    writer: &'a ImportWriter<'w>,
    dataset: Option<DatasetRef>,
    /// Ids seen in this import, with where they were first seen.
    seen: HashMap<String, (usize, usize)>,
    done_bytes: u64,
    total_bytes: u64,
}

impl Run<'_, '_> {
    fn file(
        &mut self,
        file_index: usize,
        path: &Path,
        report: &mut ImportReport,
        progress: &mut ProgressFn,
    ) -> Result<()> {
        let shown = path.display().to_string();
        let file = File::open(path).with_context(|| format!("opening {shown}"))?;
        let mut lines = Lines::new(BufReader::with_capacity(256 * 1024, file));
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file_stem = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut rejects: Option<(PathBuf, BufWriter<File>)> = None;
        let start_bytes = self.done_bytes;
        while let Some(line) = lines
            .next_line()
            .with_context(|| format!("reading {shown}"))?
        {
            report.lines_read += 1;
            let ctx = RowContext {
                file_stem: &file_stem,
                file_name: &file_name,
                line: line.number,
            };
            let outcome = match line.text {
                Err(e) => Err(vec![e]),
                Ok(text) => self.row(file_index, &text, &ctx, report)?,
            };
            if let Err(errors) = outcome {
                if self.opts.skip_invalid {
                    if rejects.is_none() {
                        let p = self
                            .opts
                            .rejects_dir
                            .join(format!("{file_name}.rejects.jsonl"));
                        let f = File::create(&p).with_context(|| {
                            format!("creating the rejects file {}", p.display())
                        })?;
                        rejects = Some((p, BufWriter::new(f)));
                    }
                    if let Some((p, w)) = rejects.as_mut() {
                        write_reject(w, &shown, line.number, &errors, &line.raw)
                            .with_context(|| format!("writing {}", p.display()))?;
                    }
                }
                report.record(&shown, line.number, errors);
            }
            self.done_bytes = start_bytes + lines.bytes_read();
            progress(self.done_bytes, self.total_bytes);
        }
        if let Some((p, mut w)) = rejects {
            w.flush()
                .with_context(|| format!("writing {}", p.display()))?;
            report.rejects.push(p);
        }
        Ok(())
    }

    /// Converts, validates and stores one line. The outer error is a failure to store
    /// (fatal); the inner one holds the reasons the line was refused.
    fn row(
        &mut self,
        file_index: usize,
        text: &str,
        ctx: &RowContext,
        report: &mut ImportReport,
    ) -> Result<Result<(), Vec<FieldError>>> {
        let item = match self.prepare(file_index, text, ctx) {
            Ok(item) => item,
            Err(errors) => return Ok(Err(errors)),
        };
        let kind = item.body.kind();
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
        let body = item.body.canonical_json();
        let hash = sha256_hex(body.as_bytes());
        let revision = NewRevision {
            ext_id: &item.id,
            body_json: &body,
            content_hash: &hash,
            difficulty: item.body.difficulty,
        };
        let outcome = self.writer.put_item(dataset, &revision, self.opts.revise)?;
        let counts = report.counts.entry(self.opts.dataset.clone()).or_default();
        match outcome {
            PutOutcome::Imported => counts.imported += 1,
            PutOutcome::Unchanged => counts.skipped += 1,
            PutOutcome::Revised { .. } => counts.revised += 1,
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

    /// Parses and validates one line, and checks its id is new to this import.
    fn prepare(
        &mut self,
        file_index: usize,
        text: &str,
        ctx: &RowContext,
    ) -> Result<Item, Vec<FieldError>> {
        let source = match self.opts.format {
            Format::Native => None,
            Format::Public(s) => Some(s),
        };
        let raw: RawItem = match source {
            None => native::parse(text)?,
            Some(s) => s.convert(text, ctx)?,
        };
        let item = build_item(raw, &self.opts.dataset).map_err(|mut errs| {
            if let Some(s) = source {
                for e in &mut errs {
                    e.field = s.source_field(&e.field);
                }
            }
            errs
        })?;
        if let Some(&(f, l)) = self.seen.get(&item.id) {
            let where_ = if f == file_index {
                format!("line {l}")
            } else {
                format!("line {l} of {}", self.opts.files[f].display())
            };
            return Err(vec![FieldError::new(
                "id",
                format!(
                    "{:?} is already used on {where_}; ids must be unique within a dataset",
                    item.id
                ),
            )]);
        }
        self.seen.insert(item.id.clone(), (file_index, ctx.line));
        Ok(item)
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
