//! What the benchmarks share: the workspace they start from (synthetic items imported into
//! three datasets, 300 annotators), two submitted reviews of every item (`reviews`), running
//! this executable again as a child process, and timing calls by wall clock and by the
//! thread's CPU time.

// Each benchmark uses only part of what is here.
#![allow(dead_code)]

pub mod reviews;

use medcurate::domain::item::ItemKind;
use medcurate::domain::people::{Person, Role};
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::Store;
use serde_json::{Value, json};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Items in the workspace unless `MEDCURATE_BENCH_ITEMS` says otherwise.
pub const DEFAULT_ITEMS: usize = 350_000;
/// The first argument that makes this executable a child rather than the parent.
pub const CHILD: &str = "__medcurate_bench_child";

/// The three files and datasets: (file name, dataset, kind, seed), as in the import benchmark.
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
fn split(n: usize) -> [usize; 3] {
    let mcq = n * 6 / 10;
    let ner = n * 2 / 10;
    [mcq, ner, n - mcq - ner]
}

/// `MEDCURATE_BENCH_ITEMS`, or `DEFAULT_ITEMS`.
pub fn bench_items() -> usize {
    match std::env::var("MEDCURATE_BENCH_ITEMS") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MEDCURATE_BENCH_ITEMS={v:?} is not a number")),
        Err(_) => DEFAULT_ITEMS,
    }
}

/// If this process is a child, its mode and the arguments after it.
pub fn child_mode() -> Option<(String, Vec<String>)> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD) {
        return None;
    }
    let mode = args.get(2).expect("child mode").clone();
    Some((mode, args[3..].to_vec()))
}

/// Runs this executable as a child in `mode` and reads its one-line JSON result.
pub fn run_child(mode: &str, args: &[&str]) -> Value {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .arg(CHILD)
        .arg(mode)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "child {mode} failed: {}", out.status);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout.lines().last().expect("a result line");
    serde_json::from_str(line).unwrap()
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
    let t = Instant::now();
    fs::create_dir_all(dir).unwrap();
    let mut bytes = 0;
    for ((name, _, kind, seed), count) in FILES.iter().zip(split(n)) {
        let mut out = BufWriter::new(File::create(dir.join(name)).unwrap());
        bytes += medcurate::synth::write_items_of_kind(&mut out, count, *seed, *kind).unwrap();
        out.flush().unwrap();
    }
    timings.insert("generate".into(), json!(secs(t)));

    let t = Instant::now();
    let mut store = Store::open(db).unwrap();
    for (name, dataset, _, _) in FILES {
        let file = dir.join(name);
        import_file(&mut store, &file, dataset);
        fs::remove_file(file).unwrap();
    }
    timings.insert("import".into(), json!(secs(t)));

    let t = Instant::now();
    add_annotators(&mut store);
    timings.insert("people".into(), json!(secs(t)));
    (bytes, store)
}

/// Imports a native-format `file` whole into `dataset` with `medcurate::import::import`, as
/// `medcurate import` does; panics on any refusal.
pub fn import_file(store: &mut Store, file: &Path, dataset: &str) {
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

pub fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// Milliseconds since `t`.
pub fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// CPU time this thread has used: unlike wall-clock time, not inflated when other processes
/// take the machine's cores.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall-clock and CPU milliseconds of each call timed.
#[derive(Default)]
pub struct Samples {
    pub wall: Vec<f64>,
    pub cpu: Vec<f64>,
}

impl Samples {
    pub fn time<T>(&mut self, call: impl FnOnce() -> T) -> T {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let out = call();
        self.cpu.push((thread_cpu() - cpu).as_secs_f64() * 1000.0);
        self.wall.push(ms(wall));
        out
    }
}

/// Nearest-rank percentile `q` of sorted `v`.
pub fn rank(v: &[f64], q: f64) -> f64 {
    v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// min, median and max of the wall-clock and CPU times, and what the call returned.
pub fn spread(s: &Samples, result: String) -> Value {
    let (wall, cpu) = (sorted(&s.wall), sorted(&s.cpu));
    json!({
        "n": wall.len(),
        "min": wall[0],
        "median": rank(&wall, 0.5),
        "max": wall[wall.len() - 1],
        "cpu_min": cpu[0],
        "cpu_median": rank(&cpu, 0.5),
        "cpu_max": cpu[cpu.len() - 1],
        "result": result,
    })
}

/// p50, p95, p99, max, mean and first of the wall-clock times; p50 and p99 of the CPU times.
pub fn percentiles(s: &Samples) -> Value {
    let (wall, cpu) = (sorted(&s.wall), sorted(&s.cpu));
    json!({
        "n": wall.len(),
        "p50": rank(&wall, 0.50),
        "p95": rank(&wall, 0.95),
        "p99": rank(&wall, 0.99),
        "max": wall[wall.len() - 1],
        "mean": wall.iter().sum::<f64>() / wall.len() as f64,
        "first": s.wall[0],
        "cpu_p50": rank(&cpu, 0.50),
        "cpu_p99": rank(&cpu, 0.99),
    })
}
