//! The workspace the benchmarks start from: synthetic items imported into three datasets and
//! 300 annotators.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use super::timing::timed;
use medcurate::domain::item::ItemKind;
use medcurate::domain::people::{Person, Role};
use medcurate::import::{Format, ImportOptions, ImportReport, import};
use medcurate::store::Store;
use serde_json::Value;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Items in the workspace unless `MEDCURATE_BENCH_ITEMS` says otherwise.
pub const DEFAULT_ITEMS: usize = 350_000;

/// The three files and datasets: (file name, dataset, kind, seed).
pub const FILES: [(&str, &str, ItemKind, u64); 3] = [
    ("mcq.jsonl", "SynthMcq", ItemKind::Mcq, 1),
    ("ner.jsonl", "SynthNer", ItemKind::Extraction, 2),
    ("open.jsonl", "SynthOpen", ItemKind::OpenEnded, 3),
];

/// Annotators registered in the workspace, `reviewer(0..REVIEWERS)`.
pub const REVIEWERS: usize = 300;

pub fn reviewer(i: usize) -> String {
    format!("dr{i:03}")
}

/// How many items of each file make `n` items in all: 60% / 20% / the rest.
pub fn split(n: usize) -> [usize; 3] {
    let mcq = n * 6 / 10;
    let ner = n * 2 / 10;
    [mcq, ner, n - mcq - ner]
}

/// The number in environment variable `name`, if set; panics if it is not a number.
pub fn env_count(name: &str) -> Option<usize> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
    )
}

/// `MEDCURATE_BENCH_ITEMS`, or `DEFAULT_ITEMS`.
pub fn bench_items() -> usize {
    env_count("MEDCURATE_BENCH_ITEMS").unwrap_or(DEFAULT_ITEMS)
}

/// Writes `n` `medcurate::synth` items to the `FILES` in `dir`, split as `split` says; returns
/// the bytes written.
pub fn generate(dir: &Path, n: usize) -> u64 {
    fs::create_dir_all(dir).unwrap();
    let mut bytes = 0;
    for ((name, _, kind, seed), count) in FILES.iter().zip(split(n)) {
        let mut out = BufWriter::new(File::create(dir.join(name)).unwrap());
        bytes += medcurate::synth::write_items_of_kind(&mut out, count, *seed, *kind).unwrap();
        out.flush().unwrap();
    }
    bytes
}

/// Builds the workspace in `db`: `n` `medcurate::synth` items written to files in `dir` and
/// imported with `medcurate::import::import` into the three datasets (a dataset holds one
/// kind), then `REVIEWERS` annotators. Records the seconds of each step in `timings` and
/// returns the bytes of item files generated and the store, open.
pub fn build_workspace(
    dir: &Path,
    db: &Path,
    n: usize,
    timings: &mut serde_json::Map<String, Value>,
) -> (u64, Store) {
    let bytes = timed(timings, "generate", || generate(dir, n));
    let mut store = timed(timings, "import", || {
        let mut store = Store::open(db).unwrap();
        for (name, dataset, _, _) in FILES {
            let file = dir.join(name);
            import_file(&mut store, &file, dataset);
            fs::remove_file(file).unwrap();
        }
        store
    });
    timed(timings, "people", || add_annotators(&mut store));
    (bytes, store)
}

/// Imports a native-format `file` whole into `dataset` with `medcurate::import::import`, as
/// `medcurate import` does; panics on any refusal.
pub fn import_file(store: &mut Store, file: &Path, dataset: &str) -> ImportReport {
    let opts = ImportOptions {
        files: vec![file.to_path_buf()],
        dataset: dataset.to_string(),
        format: Format::Native,
        revise: false,
        skip_invalid: false,
        rejects_dir: file.parent().unwrap().to_path_buf(),
        actor: "bench".to_string(),
    };
    let r = import(store, &opts, &mut |_, _| {}).unwrap();
    assert!(
        r.committed && r.error_count == 0,
        "{dataset}: {:?}",
        r.errors
    );
    r
}

/// Registers a person with one role.
pub fn add_person(store: &mut Store, id: &str, name: &str, role: Role) {
    let p = Person {
        id: id.to_string(),
        name: name.to_string(),
        roles: vec![role],
        os_user: None,
    };
    store.add_person(&p, "bench").unwrap();
}

/// Registers the `REVIEWERS` annotators, `reviewer(0..REVIEWERS)`.
pub fn add_annotators(store: &mut Store) {
    for i in 0..REVIEWERS {
        add_person(store, &reviewer(i), &format!("Dr {i}"), Role::Annotator);
    }
}

/// Checkpoints the WAL into the database file and syncs it to disk, so that measuring starts
/// from a settled file rather than while the setup is still being written out.
pub fn settle_to_disk(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
}
