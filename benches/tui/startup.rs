//! (b) Start to first frame: `medcurate review` spawned in a pseudo-terminal on a large
//! workspace, timed until the emulated screen shows the first frame and the queue's rows.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use super::pty_session::Session;
use super::{REVIEWER, env_usize, pct};
use crate::common::{self, FILES, reviews::passing};
use medcurate::domain::people::Role;
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::store::Store;
use std::fs::{self, File};
use std::io::BufWriter;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

const START_TARGET_MS: f64 = 200.0;
/// Reviews dr-bench has submitted before the measured starts.
const SUBMITTED: usize = 300;

/// The cached database for `n` items, built when missing.
pub(super) fn database(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tui-bench");
    // The name says what is in it; bump the version when the setup changes.
    let schema = medcurate::store::SCHEMA_VERSION;
    let db = dir.join(format!("v1-schema{schema}-items-{n}.db"));
    if db.exists() {
        println!("  database: {} (cached)", db.display());
        return db;
    }
    fs::create_dir_all(&dir).unwrap();
    let building = dir.join(format!("building-{n}.db"));
    for ext in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{ext}", building.display()));
    }
    let t = Instant::now();
    let mut store = Store::open(&building).unwrap();
    for ((name, dataset, kind, seed), count) in FILES.iter().zip(common::split(n)) {
        let file = dir.join(name);
        let mut out = BufWriter::new(File::create(&file).unwrap());
        medcurate::synth::write_items_of_kind(&mut out, count, *seed, *kind).unwrap();
        out.into_inner().unwrap().sync_all().unwrap();
        common::import_file(&mut store, &file, dataset);
        fs::remove_file(file).unwrap();
    }
    let imported = t.elapsed();
    let t = Instant::now();
    for id in [REVIEWER, "dr-other"] {
        common::add_person(&mut store, id, id, Role::Annotator);
    }
    // Progress: dr-bench submitted SUBMITTED reviews across the datasets (dr-other paired a
    // third of them) and holds one draft.
    for i in 0..SUBMITTED {
        let ds = FILES[i % 3].1;
        let a = store.claim_next(REVIEWER, Some(ds)).unwrap().unwrap();
        let content = passing(&a.item.body, &["cardiology"]);
        store
            .submit_review(REVIEWER, a.review_id, &content)
            .unwrap();
        if i % 3 == 0 {
            let b = store.claim_next("dr-other", Some(ds)).unwrap().unwrap();
            store
                .submit_review(
                    "dr-other",
                    b.review_id,
                    &passing(&b.item.body, &["cardiology"]),
                )
                .unwrap();
        }
    }
    let a = store
        .claim_next(REVIEWER, Some("SynthMcq"))
        .unwrap()
        .unwrap();
    let mut draft = ReviewContent::default();
    draft
        .verdicts
        .insert(applicable(&a.item.body)[0], Verdict::Pass);
    store.save_draft(REVIEWER, a.review_id, &draft).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&building).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    fs::rename(&building, &db).unwrap();
    for ext in ["-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{ext}", building.display()));
    }
    println!(
        "  database: {} (built: import {:.1} s, reviews {:.1} s, {:.0} MB)",
        db.display(),
        imported.as_secs_f64(),
        t.elapsed().as_secs_f64(),
        fs::metadata(&db).unwrap().len() as f64 / 1e6
    );
    db
}

/// Milliseconds from spawn to (first frame, queue rows on screen) for one run.
pub(super) fn one_start(db: &Path, dir: &Path) -> (f64, f64) {
    let start = Instant::now();
    let mut s = Session::spawn(db, dir);
    let first = s.wait("the first frame", |t| t.contains("Datasets"));
    let queue = s.wait("the queue's rows", |t| {
        t.lines()
            .any(|l| l.contains("SynthMcq") && l.contains("mcq"))
    });
    s.quit();
    let ms = |at: Instant| (at - start).as_secs_f64() * 1e3;
    (ms(first), ms(queue))
}

/// Drops the database file's pages from the page cache (only this file's).
pub(super) fn evict(db: &Path) {
    let f = File::open(db).unwrap();
    // SAFETY: a valid descriptor; the advice only drops clean cached pages.
    let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(rc, 0, "posix_fadvise");
}

pub fn startup() {
    let n = env_usize("MEDCURATE_BENCH_ITEMS", 350_000);
    let runs = env_usize("MEDCURATE_BENCH_RUNS", 10);
    println!("(b) start to first frame: medcurate review in a 120x40 pty, {n} items");
    let db = database(n);
    let dir = tempfile::tempdir().unwrap();
    one_start(&db, dir.path()); // warm-up: the page cache, the binary
    let mut firsts = Vec::new();
    let mut queues = Vec::new();
    for _ in 0..runs {
        let (f, q) = one_start(&db, dir.path());
        firsts.push(f);
        queues.push(q);
    }
    // The first start of the day: the database file out of the page cache.
    let mut colds = Vec::new();
    for _ in 0..3 {
        evict(&db);
        colds.push(one_start(&db, dir.path()).1);
    }
    // What the worker's first job costs by itself, in process, warm.
    let store = Store::open_existing(&db).unwrap();
    let mut query = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let rows = store.review_queue(REVIEWER).unwrap();
        query.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(rows.len(), 3);
    }
    drop(store);
    let mut query_cold = Vec::new();
    for _ in 0..3 {
        evict(&db);
        let store = Store::open_existing(&db).unwrap();
        let t = Instant::now();
        store.review_queue(REVIEWER).unwrap();
        query_cold.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let show = |name: &str, v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        println!(
            "  {name:<28} p50 {:>7.1} ms   max {:>7.1} ms   ({} runs)",
            pct(v, 0.5),
            v.last().unwrap(),
            v.len()
        );
    };
    show("first frame", &mut firsts);
    show("queue rows on screen", &mut queues);
    show("  the same, database not cached", &mut colds);
    show("  Store::review_queue alone", &mut query);
    show("  the same, not cached", &mut query_cold);
    let p50 = pct(&queues, 0.5);
    println!(
        "  target queue < {START_TARGET_MS:.0} ms: {}",
        common::met(p50.max(*queues.last().unwrap()), START_TARGET_MS)
    );
}
