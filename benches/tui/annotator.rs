//! (c) The annotator loop, from outside: `medcurate review --as dr-bench` in a 120x40
//! pseudo-terminal on the workspace of (b) (a copy of it, so every run starts from the same
//! database), submitting item after item in SynthMcq as a fast reviewer would: pass the
//! criteria still open, tag a department when the item suggests none, `s`, then `y` in the
//! confirm dialog. Each `y` is timed from just before it is written to the pty until the
//! emulated screen (vt100) shows the next item fully drawn: its id in the status bar and the
//! message "… Now reviewing …", which the frame writes after the item and the bar. Also
//! timed: `y` to the submit answered (the old item gone from the status bar). Target: p50
//! under 2 ms, p99 under 5 ms, whatever the size of the pool.
//!
//! Before the loop, the queue's counts after a cold start: the copy's pages dropped from the
//! page cache (`posix_fadvise DONTNEED`), then `medcurate review` started until the queue's
//! rows are on screen, and `Store::review_queue` alone on a cold file; three of each. Target:
//! under 50 ms.
//!
//! `MEDCURATE_BENCH_ITEMS` (default 350,000) sizes the pool as in (b); `MEDCURATE_BENCH_LOOP`
//! (default 300) submits are timed after 20 untimed ones.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use super::pty_session::Session;
use super::startup::{database, evict, one_start};
use super::{REVIEWER, env_usize, pct};
use crate::common;
use medcurate::store::Store;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LOOP_P50_MS: f64 = 2.0;
const LOOP_P99_MS: f64 = 5.0;
const COLD_COUNTS_MS: f64 = 50.0;
const WARMUP: usize = 20;
const DATASET: &str = "SynthMcq";

/// The item id in the status bar's place ("SynthMcq › synth-12 · rev 1"), if an item is open.
fn open_item(text: &str) -> Option<String> {
    let head = format!("{DATASET} › ");
    text.lines().find_map(|l| {
        let rest = &l[l.find(&head)? + head.len()..];
        let end = rest.find(" · ")?;
        Some(rest[..end].to_string())
    })
}

/// The checklist line of criterion `k` (1-5).
fn criterion_line(text: &str, k: usize) -> Option<&str> {
    let mark = format!("{k} [");
    text.lines().find(|l| l.contains(&mark))
}

/// Completes the open review (every applicable criterion passes; a department when none is
/// chosen) and opens the confirm dialog.
fn complete(s: &mut Session, id: &str) {
    let text = s.text();
    let mut keys = String::new();
    for k in 1..=5 {
        let line = criterion_line(&text, k).unwrap_or_else(|| panic!("criterion {k}:\n{text}"));
        let mark = &line[line.find(&format!("{k} [")).unwrap()..];
        if !mark.contains("[pass]") && !mark.contains("[N/A") {
            keys.push_str(&format!("{k}p"));
        }
    }
    if !keys.is_empty() {
        s.send(&keys);
        s.wait("every criterion passed", |t| {
            (1..=5).all(|k| {
                criterion_line(t, k).is_some_and(|l| l.contains("[pass]") || l.contains("[N/A"))
            })
        });
    }
    if s.text().contains("none — t to tag") {
        s.send("t");
        s.wait("the department picker", |t| t.contains("Tagged (0/3)"));
        s.send(" ");
        s.wait("a department tagged", |t| t.contains("Tagged (1/3)"));
        s.send("q");
        s.wait("the department on the review", |t| {
            !t.contains("none — t to tag") && !t.contains("Tagged (")
        });
    }
    s.send("s");
    let ask = format!("Submit your review of {id}?");
    s.wait("the confirm dialog", |t| t.contains(&ask));
}

/// A fresh copy of the cached database, written out to disk.
fn scratch_copy(db: &Path) -> PathBuf {
    let copy = db.with_file_name("annotator-loop.db");
    for ext in ["-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{ext}", copy.display()));
    }
    fs::copy(db, &copy).unwrap();
    File::open(&copy).unwrap().sync_all().unwrap();
    copy
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn annotator() {
    let n = env_usize("MEDCURATE_BENCH_ITEMS", 350_000);
    let submits = env_usize("MEDCURATE_BENCH_LOOP", 300);
    println!("(c) the annotator loop: medcurate review in a 120x40 pty, {n} items");
    let db = scratch_copy(&database(n));
    let dir = tempfile::tempdir().unwrap();

    // The queue's counts after a cold start.
    let mut cold_screen = Vec::new();
    for _ in 0..3 {
        evict(&db);
        cold_screen.push(one_start(&db, dir.path()).1);
    }
    let mut cold_query = Vec::new();
    for _ in 0..3 {
        evict(&db);
        let store = Store::open_existing(&db).unwrap();
        let t = Instant::now();
        let rows = store.review_queue(REVIEWER).unwrap();
        cold_query.push(ms(t.elapsed()));
        assert_eq!(rows.len(), 3);
    }

    // The loop.
    let mut s = Session::spawn(&db, dir.path());
    s.wait("the queue's rows", |t| {
        t.lines().any(|l| l.contains(DATASET) && l.contains("mcq"))
    });
    s.send("\r");
    s.wait("the first item", |t| {
        open_item(t).is_some() && t.contains("Depts: ")
    });
    let mut to_item = Vec::new();
    let mut to_answer = Vec::new();
    for i in 0..WARMUP + submits {
        let id = open_item(&s.text()).unwrap();
        complete(&mut s, &id);
        let t0 = Instant::now();
        s.send("y");
        let answered = s.wait("the submit answered", |t| {
            open_item(t).as_deref() != Some(id.as_str())
        });
        let drawn = s.wait("the next item drawn", |t| {
            open_item(t).is_some_and(|next| next != id) && t.contains("Now reviewing")
        });
        if i >= WARMUP {
            to_answer.push(ms(answered - t0));
            to_item.push(ms(drawn - t0));
        }
    }
    s.quit();
    let _ = fs::remove_file(&db);

    let show = |name: &str, v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        println!(
            "  {name:<40} p50 {:>7.2} ms   p90 {:>7.2}   p99 {:>7.2}   max {:>7.2}   ({} runs)",
            pct(v, 0.5),
            pct(v, 0.9),
            pct(v, 0.99),
            v.last().unwrap(),
            v.len()
        );
    };
    show("y to the next item drawn", &mut to_item);
    show("  y to the submit answered", &mut to_answer);
    show("queue rows on screen, not cached", &mut cold_screen);
    show("  Store::review_queue alone, not cached", &mut cold_query);
    println!(
        "  target loop p50 < {LOOP_P50_MS} ms: {}; p99 < {LOOP_P99_MS} ms: {}",
        common::met(pct(&to_item, 0.5), LOOP_P50_MS),
        common::met(pct(&to_item, 0.99), LOOP_P99_MS)
    );
    println!(
        "  target counts after a cold start < {COLD_COUNTS_MS:.0} ms: {}",
        common::met(*cold_screen.last().unwrap(), COLD_COUNTS_MS)
    );
    println!();
}
