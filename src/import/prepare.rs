//! The first stage of an import: read records, convert, validate, serialise and hash.
//!
//! It runs on its own thread, ahead of the thread that writes to SQLite, so parsing and
//! hashing overlap with the inserts.

use super::adapters::RowContext;
use super::records::{Records, Unit};
use super::{Format, native};
use crate::domain::field_error::FieldError;
use crate::domain::hash::content_hash;
use crate::domain::item::{Difficulty, ItemKind};
use crate::domain::routing::mask_of;
use crate::domain::validate::{RawItem, build_item};
use anyhow::{Context, Result};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

/// An item ready to store.
pub struct PreparedItem {
    pub id: String,
    pub kind: ItemKind,
    pub body_json: String,
    pub content_hash: String,
    pub difficulty: Option<Difficulty>,
    /// Its suggested departments as routing's bits (`items.route_mask`), worked out here, off
    /// the writing thread.
    pub route_mask: i64,
}

/// One record's result, with where it came from.
pub struct PreparedRow {
    pub file_index: usize,
    /// Its line, or its element number in a JSON array.
    pub line: usize,
    pub unit: Unit,
    /// The record as read, kept for the rejects file.
    pub bytes: Vec<u8>,
    pub item: Result<PreparedItem, Vec<FieldError>>,
    /// The field that should hold its gold answer, if the record has none.
    pub lacks_gold: Option<&'static str>,
    /// Bytes of all files read up to and including this line.
    pub done_bytes: u64,
}

pub enum Message {
    Row(PreparedRow),
    /// A file ended; everything of it has been sent.
    FileDone,
    /// Reading failed (not the content's fault): the import stops.
    Failed(anyhow::Error),
}

/// Reads every file in order and sends each line's result; stops early if the receiver
/// has gone away.
pub fn run(files: &[PathBuf], format: Format, dataset: &str, tx: &SyncSender<Message>) {
    let mut done_before = 0;
    for (file_index, path) in files.iter().enumerate() {
        match read_file(file_index, path, format, dataset, done_before, tx) {
            Ok(Some(bytes)) => done_before += bytes,
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(Message::Failed(e));
                return;
            }
        }
        if tx.send(Message::FileDone).is_err() {
            return;
        }
    }
}

/// Returns the file's size in bytes, or `None` if the receiver stopped listening.
fn read_file(
    file_index: usize,
    path: &Path,
    format: Format,
    dataset: &str,
    done_before: u64,
    tx: &SyncSender<Message>,
) -> Result<Option<u64>> {
    let shown = path.display();
    let file = crate::files::user::open(path).with_context(|| format!("opening {shown}"))?;
    let mut records = Records::new(path, BufReader::with_capacity(256 * 1024, file))
        .with_context(|| format!("reading {shown}"))?;
    let unit = records.unit();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file_stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    while let Some(record) = records
        .next_record()
        .with_context(|| format!("reading {shown}"))?
    {
        let ctx = RowContext {
            file_stem: &file_stem,
            file_name: &file_name,
            line: record.number,
        };
        let (item, lacks_gold) = match record.text() {
            Ok(text) => prepare(text, &ctx, format, dataset),
            Err(e) => (Err(vec![e]), None),
        };
        let row = PreparedRow {
            file_index,
            line: record.number,
            unit,
            bytes: record.bytes,
            item,
            lacks_gold,
            done_bytes: done_before + records.bytes_read(),
        };
        if tx.send(Message::Row(row)).is_err() {
            return Ok(None);
        }
    }
    Ok(Some(records.bytes_read()))
}

/// Parses, validates, serialises and hashes one record; names its gold field if it has
/// no gold.
fn prepare(
    text: &str,
    ctx: &RowContext,
    format: Format,
    dataset: &str,
) -> (Result<PreparedItem, Vec<FieldError>>, Option<&'static str>) {
    let source = match format {
        Format::Native => None,
        Format::Public(s) => Some(s),
    };
    let (raw, lacks_gold) = match source {
        None => match native::parse(text) {
            Ok(raw) => {
                let lacks = native::lacks_gold(&raw);
                (Ok(raw), lacks)
            }
            Err(e) => (Err(e), None),
        },
        Some(s) => s.convert_with_gold(text, ctx),
    };
    (raw.and_then(|raw| build(raw, source, dataset)), lacks_gold)
}

fn build(
    raw: RawItem,
    source: Option<super::adapters::Source>,
    dataset: &str,
) -> Result<PreparedItem, Vec<FieldError>> {
    let item = build_item(raw, dataset).map_err(|mut errs| {
        if let Some(s) = source {
            for e in &mut errs {
                e.field = s.source_field(&e.field);
            }
        }
        errs
    })?;
    let body_json = item.body.canonical_json();
    Ok(PreparedItem {
        route_mask: mask_of(item.body.suggested_departments.iter().map(String::as_str)),
        content_hash: content_hash(&body_json),
        kind: item.body.kind(),
        difficulty: item.body.difficulty,
        id: item.id,
        body_json,
    })
}
