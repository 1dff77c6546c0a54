//! Import throughput and peak memory: `cargo bench --bench import`.
//!
//! Compares `medcurate::import::import` (what `medcurate import` runs) with a bare baseline that
//! parses each line into a `serde_json::Value` and inserts `(id, body)` rows with rusqlite in one
//! transaction under the same PRAGMAs. The items come from `medcurate::synth`: three files (60%
//! mcq, 20% extraction ner, 20% open_ended) imported into three datasets, since a dataset holds
//! one kind.
//!
//! Each measurement runs in its own child process (this executable re-run with a mode argument)
//! so its peak RSS (`VmHWM`) is its own. Every mode runs 3 times and the median is reported; `ours`
//! also runs once on files half the size, to show whether peak memory grows with the input.
//!
//! `MEDCURATE_BENCH_ITEMS` sets the number of items (default 350000).
//!
//! A second case imports a pretty-printed JSON array of CMeEE records, as CBLUE ships them
//! (`--format cmeee` on a `.json` file), of `MEDCURATE_BENCH_ARRAY_MB` megabytes (default
//! 150), and once of half that size: its peak RSS must not grow with the file.
//! `MEDCURATE_BENCH_ONLY=array` runs only that case.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{FILES, split};
use medcurate::store::Store;
use serde_json::{Value, json};
use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: usize = 3;

fn main() {
    if let Some((mode, rest)) = common::child_mode() {
        let result = match mode.as_str() {
            "gen" => child_gen(Path::new(&rest[0]), rest[1].parse().expect("item count")),
            "ours" => child_ours(Path::new(&rest[0]), Path::new(&rest[1])),
            "baseline" => child_baseline(Path::new(&rest[0]), Path::new(&rest[1])),
            "gen-array" => child_gen_array(Path::new(&rest[0]), rest[1].parse().expect("MB")),
            "ours-array" => child_ours_array(Path::new(&rest[0]), Path::new(&rest[1])),
            other => panic!("unknown child mode {other:?}"),
        };
        println!("{result}");
        return;
    }
    // Anything else (cargo passes `--bench`) runs the whole benchmark.
    parent();
}

/// Peak resident set size of this process so far, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").expect("reading /proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

fn report(items: u64, bytes: u64, started: Instant) -> Value {
    json!({
        "items": items,
        "bytes": bytes,
        "seconds": started.elapsed().as_secs_f64(),
        "peak_rss_kib": peak_rss_kib(),
    })
}

fn files_in(dir: &Path) -> impl Iterator<Item = (PathBuf, &'static str)> + '_ {
    FILES
        .iter()
        .map(move |(name, dataset, _, _)| (dir.join(name), *dataset))
}

fn child_gen(dir: &Path, n: usize) -> Value {
    let started = Instant::now();
    let bytes = common::generate(dir, n);
    report(n as u64, bytes, started)
}

fn child_ours(dir: &Path, db: &Path) -> Value {
    let started = Instant::now();
    let mut store = Store::open(db).unwrap();
    let (mut items, mut bytes) = (0, 0);
    for (file, dataset) in files_in(dir) {
        let r = common::import_file(&mut store, &file, dataset);
        items += r.total().imported;
        bytes += r.bytes_read;
    }
    drop(store);
    report(items, bytes, started)
}

/// Sentences with their entities (text, type), for the array's records.
const SENTENCES: [(&str, &[(&str, &str)]); 6] = [
    (
        "患者反复咳嗽三周，胸部CT示右下肺炎。",
        &[("咳嗽", "sym"), ("胸部CT", "pro"), ("肺炎", "dis")],
    ),
    (
        "口服阿莫西林后皮疹消退。",
        &[("阿莫西林", "dru"), ("皮疹", "sym")],
    ),
    (
        "既往有2型糖尿病病史十年，口服二甲双胍控制血糖。",
        &[("2型糖尿病", "dis"), ("二甲双胍", "dru")],
    ),
    (
        "幽门螺杆菌感染是慢性胃炎的主要病因。",
        &[("幽门螺杆菌", "mic"), ("慢性胃炎", "dis")],
    ),
    (
        "行腹腔镜胆囊切除术，术后恢复良好。",
        &[("腹腔镜胆囊切除术", "pro")],
    ),
    ("今日门诊复查，无不适。", &[]),
];

/// Writes a pretty-printed JSON array of CMeEE records (two-space indent, as CBLUE's files
/// are) until it holds `mb` megabytes.
fn child_gen_array(path: &Path, mb: u64) -> Value {
    use std::io::Write;
    let started = Instant::now();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut w = std::io::BufWriter::new(File::create(path).unwrap());
    let (mut bytes, mut records, mut seed) = (0u64, 0u64, 7u64);
    w.write_all(b"[\n").unwrap();
    while bytes < mb * 1_000_000 {
        let (mut text, mut entities) = (String::new(), Vec::new());
        for _ in 0..4 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (sentence, ents) = SENTENCES[(seed >> 33) as usize % SENTENCES.len()];
            let base = text.chars().count();
            for (e, t) in ents {
                let at = sentence.find(e).unwrap();
                let start = base + sentence[..at].chars().count();
                let end_idx = start + e.chars().count() - 1;
                entities
                    .push(json!({"start_idx": start, "end_idx": end_idx, "type": t, "entity": e}));
            }
            text.push_str(sentence);
        }
        let element =
            serde_json::to_string_pretty(&json!({"text": text, "entities": entities})).unwrap();
        let mut out = String::with_capacity(element.len() + 64);
        if records > 0 {
            out.push_str(",\n");
        }
        for (i, line) in element.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str("  ");
            out.push_str(line);
        }
        w.write_all(out.as_bytes()).unwrap();
        bytes += out.len() as u64;
        records += 1;
    }
    w.write_all(b"\n]\n").unwrap();
    w.flush().unwrap();
    report(records, bytes + 4, started)
}

fn child_ours_array(file: &Path, db: &Path) -> Value {
    let started = Instant::now();
    let mut store = Store::open(db).unwrap();
    let opts = medcurate::import::ImportOptions {
        files: vec![file.to_path_buf()],
        dataset: "CMeEE".into(),
        format: "cmeee".parse().unwrap(),
        revise: false,
        skip_invalid: false,
        rejects_dir: file.parent().unwrap().to_path_buf(),
        actor: "bench".into(),
    };
    let r = medcurate::import::import(&mut store, &opts, &mut |_, _| {}).unwrap();
    assert!(
        r.committed && r.error_count == 0,
        "{:?} {:?}",
        r.errors,
        r.file_problems
    );
    drop(store);
    report(r.total().imported, r.bytes_read, started)
}

/// The pretty-printed array case: one run at full size, one at half.
fn array_case(scratch: &Path) {
    let mb: u64 = std::env::var("MEDCURATE_BENCH_ARRAY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut rows = Vec::new();
    for size in [mb, mb / 2] {
        let file = scratch.join(format!("array-{size}/CMeEE_dev.json"));
        let g = run_child("gen-array", &[&file, Path::new(&size.to_string())]);
        eprintln!(
            "pretty-printed CMeEE array: {} records, {:.1} MB",
            g.items,
            g.bytes as f64 / 1e6
        );
        let db = scratch.join(format!("array-{size}.sqlite"));
        let m = run_child("ours-array", &[&file, &db]);
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.clone().into_os_string();
            p.push(suffix);
            let _ = fs::remove_file(p);
        }
        let _ = fs::remove_file(&file);
        rows.push(m);
    }
    let (full, half) = (rows[0], rows[1]);
    println!();
    println!(
        "import of a pretty-printed JSON array ({} CMeEE records, {:.1} MB, --format cmeee): \
         {:.0} records/s, {:.1} MB/s, peak {:.1} MiB, {:.2} s; at half size ({:.1} MB) peak {:.1} MiB",
        full.items,
        full.bytes as f64 / 1e6,
        full.items_per_s(),
        full.mb_per_s(),
        full.peak_mib(),
        full.seconds,
        half.bytes as f64 / 1e6,
        half.peak_mib()
    );
}

fn child_baseline(dir: &Path, db: &Path) -> Value {
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch("CREATE TABLE items (id TEXT, body TEXT)")
        .unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let (mut items, mut bytes) = (0u64, 0u64);
    {
        let mut insert = tx
            .prepare("INSERT INTO items (id, body) VALUES (?1, ?2)")
            .unwrap();
        for (file, _) in files_in(dir) {
            let mut reader = BufReader::with_capacity(256 * 1024, File::open(file).unwrap());
            let mut line = String::new();
            loop {
                line.clear();
                let n = reader.read_line(&mut line).unwrap();
                if n == 0 {
                    break;
                }
                bytes += n as u64;
                let body = line.trim_end_matches('\n');
                let value: Value = serde_json::from_str(body).unwrap();
                let id = value["id"].as_str().expect("an id");
                insert.execute((id, body)).unwrap();
                items += 1;
            }
        }
    }
    tx.commit().unwrap();
    drop(conn);
    report(items, bytes, started)
}

#[derive(Debug, Clone, Copy)]
struct Measured {
    items: u64,
    bytes: u64,
    seconds: f64,
    peak_rss_kib: u64,
}

impl Measured {
    fn items_per_s(&self) -> f64 {
        self.items as f64 / self.seconds
    }
    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds
    }
    fn peak_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }
}

/// Runs this executable as a child in `mode` and reads its one-line JSON result.
fn run_child(mode: &str, args: &[&Path]) -> Measured {
    let v = common::run_child(mode, args);
    let num = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    Measured {
        items: num("items"),
        bytes: num("bytes"),
        seconds: v["seconds"].as_f64().unwrap(),
        peak_rss_kib: num("peak_rss_kib"),
    }
}

/// Runs `mode` over the files in `data` into a fresh database, then removes the database.
fn measure(mode: &str, data: &Path, scratch: &Path) -> Measured {
    let db = scratch.join(format!("{mode}.sqlite"));
    let m = run_child(mode, &[data, &db]);
    let db_size = fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = fs::remove_file(p);
    }
    eprintln!(
        "  {mode:<8} {:>7} items in {:>6.2} s, peak {:>6.1} MiB, database {:.0} MB",
        m.items,
        m.seconds,
        m.peak_mib(),
        db_size as f64 / 1e6
    );
    m
}

fn median(mut runs: Vec<Measured>) -> Measured {
    runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let mut m = runs[runs.len() / 2];
    // The median peak, independently of the median time.
    let mut peaks: Vec<u64> = runs.iter().map(|r| r.peak_rss_kib).collect();
    peaks.sort_unstable();
    m.peak_rss_kib = peaks[peaks.len() / 2];
    m
}

fn parent() {
    let n = common::bench_items();
    let tmp = tempfile::Builder::new()
        .prefix("medcurate-bench-")
        .tempdir()
        .unwrap();
    if std::env::var("MEDCURATE_BENCH_ONLY").as_deref() == Ok("array") {
        array_case(tmp.path());
        return;
    }
    let full = tmp.path().join("full");
    let half = tmp.path().join("half");
    let [mcq, ner, open] = split(n);
    eprintln!("generating {n} items ({mcq} mcq, {ner} ner, {open} open_ended) and half as many");
    let g = run_child("gen", &[&full, Path::new(&n.to_string())]);
    eprintln!(
        "  {:.1} MB in {:.1} s ({:.0} bytes per item)",
        g.bytes as f64 / 1e6,
        g.seconds,
        g.bytes as f64 / g.items.max(1) as f64
    );
    let gh = run_child("gen", &[&half, Path::new(&(n / 2).to_string())]);

    let (mut ours, mut base) = (Vec::new(), Vec::new());
    for run in 1..=RUNS {
        eprintln!("run {run} of {RUNS}");
        ours.push(measure("ours", &full, tmp.path()));
        base.push(measure("baseline", &full, tmp.path()));
    }
    eprintln!("half size");
    let ours_half = measure("ours", &half, tmp.path());

    let (o, b) = (median(ours), median(base));
    println!();
    println!(
        "import of {} items, {:.1} MB (median of {RUNS} runs, each in its own process)",
        g.items,
        g.bytes as f64 / 1e6
    );
    println!(
        "{:<10} {:>10} {:>8} {:>10} {:>9}",
        "", "items/s", "MB/s", "peak MiB", "seconds"
    );
    for (name, m) in [("ours", o), ("baseline", b)] {
        println!(
            "{name:<10} {:>10.0} {:>8.1} {:>10.1} {:>9.2}",
            m.items_per_s(),
            m.mb_per_s(),
            m.peak_mib(),
            m.seconds
        );
    }
    println!(
        "ours/baseline throughput: {:.2}x",
        o.items_per_s() / b.items_per_s()
    );
    println!(
        "ours at half size ({} items, {:.1} MB): peak {:.1} MiB vs {:.1} MiB at full size, {:.0} items/s",
        gh.items,
        gh.bytes as f64 / 1e6,
        ours_half.peak_mib(),
        o.peak_mib(),
        ours_half.items_per_s()
    );
    array_case(tmp.path());
}
