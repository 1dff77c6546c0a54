//! Sampling and freezing a release on a large workspace: `cargo bench --bench release`.
//!
//! Builds a database of `MEDCURATE_BENCH_ITEMS` items (default 350000) spread over the 22
//! datasets of the shipped MLB plan, each dataset of the plan's `item_type` and in proportion to
//! the plan's `original_n` (scaled up to the item count). Items are `medcurate::synth` lines of
//! the dataset's kind, given the attributes the plan's sampling keys need (`type`, `source`,
//! `risk_type`, a few values each) and imported with `medcurate::import::import`; 300 annotators,
//! a curator and a maintainer are registered.
//!
//! Then, written straight into the database in one transaction each (through the API they would
//! take many minutes):
//! - calibration: a result of each of the plan's five calibration models on every item, and the
//!   difficulty they give (`medcurate::domain::difficulty::rate`, as `import_calibration` rates),
//!   about 30% hard, 40% medium and 30% easy, varying by dataset: the `calibration` rows,
//!   `items.difficulty` with `difficulty_source` = 'calibration', a `difficulty_calibrated`
//!   event per item whose difficulty changed and one `calibration_import` event;
//! - two submitted reviews of every item (`common::reviews`, the rows `submit_review` writes),
//!   the reviewers agreeing on about 85% of items, which are accepted with their final
//!   departments (the plan's `department` key); the rest await a curator.
//!
//! The setup checks with SQL that the database is what the application would have written (the
//! reviews as in the curation benchmark; every item with five calibration results whose rating
//! is its difficulty; the events). Then it measures, through the public API in a fresh process,
//! `RUNS` times, each time drawing a new sample (a new name, the same seed):
//! - `medcurate::release::sample::draw` of the MLB plan (4,250 items, difficulty mix 3:5:2);
//! - `medcurate::release::freeze::freeze` as version 1.0.0, and `files::write_dir` of its files:
//!   the three together are the target, under 3 s;
//! - as parts of the freeze (not in the total): `Store::release_items` and `freeze::build`;
//! - the export, `Store::release_files` and `write_dir`, and `medcurate::release::verify::verify`
//!   of the exported directory;
//! - and once, `Store::sample_pool` of the 22 datasets alone (what the draw reads).
//!
//! Each sample must reach 4,250 items, the exported files must be the frozen ones byte for byte
//! and verify without a problem, and every run's data files must be byte-identical to the first
//! run's (the sample's name appears only in README.md and datapackage.json). Times are
//! wall-clock; the cpu columns give the calling thread's CPU time. As in the other benchmarks,
//! setup and measurement each run in their own child process.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

#[path = "release/calibration.rs"]
mod calibration;
mod common;

use calibration::{check_calibration, write_calibration};
use common::reviews::{self, Mix};
use common::{Samples, Scratch, secs, timed};
use medcurate::domain::item::ItemKind;
use medcurate::domain::people::Role;
use medcurate::domain::plan::Plan;
use medcurate::domain::release::ReleaseFile;
use medcurate::release::{files, freeze, sample, verify};
use medcurate::store::Store;
use medcurate::synth::SplitMix64;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Instant;

const PLAN: &str = "mlb";
const MAINTAINER: &str = "mnt01";
const CURATOR: &str = "cur01";
const SEED: u64 = 2025;
const VERSION: &str = "1.0.0";
const RUNS: usize = 5;
const TARGET_MS: f64 = 3000.0;

/// Values of the item attributes the plan samples by, with relative weights.
const ATTRIBUTES: &[(&str, &[(&str, usize)])] = &[
    (
        "type",
        &[
            ("factual", 5),
            ("counterfactual", 3),
            ("fabricated-reference", 2),
            ("instruction-conflict", 2),
        ],
    ),
    (
        "source",
        &[
            ("guideline", 4),
            ("textbook", 3),
            ("patient-forum", 2),
            ("exam", 1),
        ],
    ),
    (
        "risk_type",
        &[
            ("privacy", 3),
            ("informed-consent", 3),
            ("off-label-use", 2),
            ("fraud", 1),
            ("discrimination", 1),
        ],
    ),
];

/// About 85% of pairs agree and accept the item.
const MOSTLY_AGREE: Mix = Mix {
    one_disagrees: 60,
    two_disagree: 12,
    both_fail: 12,
    both_fail_and_disagree: 8,
    departments_differ: 50,
    proposals: 10,
};

fn main() {
    common::run(
        child_setup,
        |paths| child_measure(&paths[0], &paths[1]),
        parent,
    );
}

fn plan() -> Plan {
    Plan::shipped(PLAN).expect("the shipped MLB plan")
}

/// Items per plan dataset: `n` in proportion to `original_n`, by largest remainder.
fn sizes(plan: &Plan, n: usize) -> Vec<usize> {
    let weights: Vec<u64> = plan
        .datasets
        .iter()
        .map(|d| d.original_n.unwrap_or(d.sampled_n))
        .collect();
    let total: u64 = weights.iter().sum();
    let mut out: Vec<usize> = weights
        .iter()
        .map(|w| (*w as u128 * n as u128 / total as u128) as usize)
        .collect();
    let mut rest: Vec<(u128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (*w as u128 * n as u128 % total as u128, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = n - out.iter().sum::<usize>();
    for &(_, i) in rest.iter().take(short) {
        out[i] += 1;
    }
    out
}

fn weighted<'a>(rng: &mut SplitMix64, values: &[(&'a str, usize)]) -> &'a str {
    let total: usize = values.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(total);
    for (v, w) in values {
        if x < *w {
            return v;
        }
        x -= w;
    }
    unreachable!()
}

/// Writes dataset `k`'s `count` items to `file`: synth lines of the dataset's kind, with an
/// `attributes` object holding a value of each attribute key the dataset samples by.
fn write_dataset(file: &Path, k: usize, count: usize, kind: ItemKind, keys: &[String]) -> u64 {
    let mut raw = Vec::new();
    medcurate::synth::write_items_of_kind(&mut raw, count, 100 + k as u64, kind).unwrap();
    let attrs: Vec<&(&str, &[(&str, usize)])> = ATTRIBUTES
        .iter()
        .filter(|(key, _)| keys.iter().any(|k| k == key))
        .collect();
    if attrs.is_empty() {
        fs::write(file, &raw).unwrap();
        return raw.len() as u64;
    }
    let mut rng = SplitMix64::new(200 + k as u64);
    let mut out = Vec::with_capacity(raw.len() + count * 40);
    for line in raw.split_inclusive(|b| *b == b'\n') {
        assert_eq!(line[0], b'{');
        let values: serde_json::Map<String, Value> = attrs
            .iter()
            .map(|(key, values)| (key.to_string(), json!(weighted(&mut rng, values))))
            .collect();
        out.extend_from_slice(format!("{{\"attributes\":{},", Value::Object(values)).as_bytes());
        out.extend_from_slice(&line[1..]);
    }
    fs::write(file, &out).unwrap();
    out.len() as u64
}

fn child_setup(dir: &Path, db: &Path, n: usize) -> Value {
    let plan = plan();
    let mut timings = serde_json::Map::new();
    fs::create_dir_all(dir).unwrap();
    let mut store = Store::open(db).unwrap();
    let (mut generate, mut import, mut bytes) = (0.0, 0.0, 0);
    let mut per_dataset = serde_json::Map::new();
    for (k, (d, count)) in plan.datasets.iter().zip(sizes(&plan, n)).enumerate() {
        let t = Instant::now();
        let file = dir.join(format!("{}.jsonl", d.dataset));
        let kind = d.kind().expect("a plan kind");
        bytes += write_dataset(&file, k, count, kind, &d.sampling_keys);
        generate += secs(t);
        let t = Instant::now();
        common::import_file(&mut store, &file, &d.dataset);
        fs::remove_file(file).unwrap();
        import += secs(t);
        per_dataset.insert(d.dataset.clone(), json!(count));
    }
    timings.insert("generate".into(), json!(generate));
    timings.insert("import".into(), json!(import));
    timed(&mut timings, "people", || {
        common::add_annotators(&mut store);
        common::add_person(&mut store, CURATOR, "Curator", Role::Curator);
        common::add_person(&mut store, MAINTAINER, "Maintainer", Role::Maintainer);
    });
    drop(store);

    let calibration = timed(&mut timings, "calibration", || write_calibration(db, &plan));
    let counts = timed(&mut timings, "reviews", || {
        reviews::write_reviews(db, &MOSTLY_AGREE)
    });
    timed(&mut timings, "check", || {
        reviews::check(db, n);
        check_calibration(db, &plan, n);
    });
    timed(&mut timings, "sync", || common::settle_to_disk(db));

    json!({
        "items": n,
        "bytes": bytes,
        "db_bytes": fs::metadata(db).unwrap().len(),
        "seconds": timings,
        "datasets": per_dataset,
        "calibration": calibration,
        "counts": counts,
    })
}

fn data_files(files: &[ReleaseFile]) -> Vec<&ReleaseFile> {
    files
        .iter()
        .filter(|f| f.path.ends_with(".jsonl"))
        .collect()
}

fn child_measure(db: &Path, out: &Path) -> Value {
    let plan = plan();
    let mut store = Store::open_existing(db).unwrap();
    fs::create_dir_all(out).unwrap();

    let mut pool = Samples::default();
    let pooled: usize = pool.time(|| {
        plan.datasets
            .iter()
            .map(|d| {
                let keys: Vec<&str> = d.stratum_keys();
                store.sample_pool(&d.dataset, &keys).unwrap().unwrap().len()
            })
            .sum()
    });

    let [mut draw, mut freeze_s, mut write, mut total]: [Samples; 4] = Default::default();
    let [mut items_s, mut build_s, mut export, mut verify_s]: [Samples; 4] = Default::default();
    let mut first: Option<Vec<ReleaseFile>> = None;
    let mut report = None;
    let mut release_bytes = 0;
    for run in 0..RUNS {
        let name = format!("mlb-bench-{run}");
        let r = Samples::time(&mut draw, || {
            sample::draw(&mut store, MAINTAINER, &plan, PLAN, SEED, &name, false)
        })
        .unwrap();
        assert_eq!(r.achieved(), 4250, "{:?}", r.datasets);
        // Parts of the freeze, timed apart (not part of the total).
        let (items, moved) = Samples::time(&mut items_s, || store.release_items(&name)).unwrap();
        assert!(moved.is_empty() && items.len() == 4250);
        drop(items);
        Samples::time(&mut build_s, || freeze::build(&store, &name, VERSION)).unwrap();

        let files = Samples::time(&mut freeze_s, || {
            freeze::freeze(&mut store, MAINTAINER, &name, VERSION)
        })
        .unwrap();
        let dir = out.join(&name);
        Samples::time(&mut write, || files::write_dir(&dir, &files)).unwrap();
        let k = draw.wall.len() - 1;
        total.push_sum(&[&draw, &freeze_s, &write], k);
        release_bytes = files.iter().map(|f| f.bytes.len() as u64).sum();

        let exported = out.join(format!("{name}-export"));
        let stored = Samples::time(&mut export, || {
            let (version, stored) = store.release_files(&name)?.expect("the release");
            assert_eq!(version, VERSION);
            files::write_dir(&exported, &stored)?;
            anyhow::Ok(stored)
        })
        .unwrap();
        assert_eq!(stored, files, "the export writes exactly the frozen files");
        let v = Samples::time(&mut verify_s, || verify::verify(&exported)).unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        // Every file but datapackage.json, which lists the others.
        assert_eq!((v.items, v.files), (4250, files.len() - 1));

        match &first {
            None => first = Some(files),
            Some(f) => assert!(
                data_files(f) == data_files(&files),
                "run {run}: the data files differ from the first run's"
            ),
        }
        report = Some(r);
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&exported).unwrap();
    }
    let r = report.unwrap();
    let first = first.unwrap();
    let mut mix: BTreeMap<String, u64> = BTreeMap::new();
    for d in &r.datasets {
        for l in &d.difficulties {
            *mix.entry(l.difficulty.clone()).or_default() += l.achieved;
        }
    }
    let shortfalls: Vec<String> = r
        .datasets
        .iter()
        .flat_map(|d| {
            d.shortfalls
                .iter()
                .map(move |s| format!("{}: {s}", d.dataset))
        })
        .collect();
    let swaps: (u64, u64) = r
        .datasets
        .iter()
        .fold((0, 0), |(w, a), d| (w + d.swaps_within, a + d.swaps_across));
    let strata: usize = r.datasets.iter().map(|d| d.strata.len()).sum();

    let mut rows = BTreeMap::new();
    let mut row = |key: &str, s: &Samples, result: String| {
        rows.insert(key.to_string(), common::spread(s, result));
    };
    row(
        "01 sample::draw",
        &draw,
        format!("{} of {} items", r.achieved(), r.target()),
    );
    row(
        "02 freeze::freeze",
        &freeze_s,
        format!("{} files", first.len()),
    );
    row(
        "03 files::write_dir",
        &write,
        format!("{release_bytes} bytes"),
    );
    row("04 total: draw + freeze + write", &total, String::new());
    row(
        "05 part of 02: Store::release_items",
        &items_s,
        String::new(),
    );
    row(
        "06 part of 02: freeze::build",
        &build_s,
        "release_items + the files".into(),
    );
    row(
        "07 export: release_files + write_dir",
        &export,
        String::new(),
    );
    row("08 verify::verify", &verify_s, "no problems".into());
    row(
        "09 sample_pool, 22 datasets",
        &pool,
        format!("{pooled} accepted items"),
    );
    json!({
        "rows": rows,
        "mix": mix,
        "strata": strata,
        "swaps": [swaps.0, swaps.1],
        "shortfalls": shortfalls,
        "release_bytes": release_bytes,
        "data_files": data_files(&first).len(),
        "data_bytes": data_files(&first).iter().map(|f| f.bytes.len()).sum::<usize>(),
        "pool": pooled,
        "loadavg": common::loadavg(),
    })
}

fn parent() {
    let n = common::bench_items();
    let plan = plan();
    assert!(
        n >= 40_000,
        "MEDCURATE_BENCH_ITEMS={n}: use at least 40000, so every dataset can supply its quota"
    );
    let scratch = Scratch::new("release.sqlite");
    eprintln!(
        "building a workspace of {n} items over the {} datasets of the {} plan, calibrated and \
         reviewed",
        plan.datasets.len(),
        plan.name
    );
    let s = scratch.setup(n);
    common::eprint_setup(
        &s,
        &[
            ("import", "import"),
            ("people", "people"),
            ("calibration", "calibration"),
            ("reviews", "reviews"),
            ("check", "check"),
            ("sync", "sync"),
        ],
    );
    let c = &s["counts"];
    let settled = |k: &str| c[k].as_u64().unwrap_or(0);
    let cal = &s["calibration"];
    let rated = |k: &str| cal[k].as_u64().unwrap_or(0);
    eprintln!(
        "  {} items accepted ({:.1}%), {} awaiting a curator; difficulty {} hard, {} medium, \
         {} easy ({} changed by calibration)",
        settled("accepted"),
        100.0 * settled("accepted") as f64 / n as f64,
        settled("needs_curation"),
        rated("hard"),
        rated("medium"),
        rated("easy"),
        cal["changed"]
    );
    eprintln!("measuring");
    let out = scratch.path().join("out");
    let m = common::run_child("measure", &[&scratch.db, &out]);

    println!();
    println!(
        "sampling and freezing the {} release ({} items) from {n} items, {} accepted \
         (ms; {RUNS} runs, a new sample each, the same seed)",
        plan.name,
        plan.total(),
        m["pool"]
    );
    let mut worst = 0f64;
    let mut median = 0f64;
    common::print_spread_table(&m["rows"], 40, |name, f| {
        if name.contains("total") {
            (worst, median) = (f("max"), f("median"));
        }
    });
    let mix = &m["mix"];
    let got = |k: &str| mix[k].as_u64().unwrap_or(0);
    let all = (got("hard") + got("medium") + got("easy")).max(1) as f64;
    let target = plan.difficulty_target.unwrap();
    let sum = target.hard + target.medium + target.easy;
    println!(
        "difficulty mix achieved: {} hard, {} medium, {} easy = {:.1}:{:.1}:{:.1} (target \
         {}:{}:{}); {} strata, {} swaps within a stratum, {} across",
        got("hard"),
        got("medium"),
        got("easy"),
        got("hard") as f64 / all * sum,
        got("medium") as f64 / all * sum,
        got("easy") as f64 / all * sum,
        target.hard,
        target.medium,
        target.easy,
        m["strata"],
        m["swaps"][0],
        m["swaps"][1],
    );
    for s in m["shortfalls"].as_array().unwrap() {
        println!("shortfall: {}", s.as_str().unwrap());
    }
    println!(
        "release: {} bytes in all, {} data files of {} bytes; every run's data files \
         byte-identical to the first's; every export verified",
        m["release_bytes"], m["data_files"], m["data_bytes"]
    );
    common::print_clock_note(&m, "");
    println!(
        "{} against target: draw + freeze + write < {TARGET_MS:.0} ms (slowest of {RUNS} runs: \
         {worst:.1} ms, median {median:.1} ms)",
        common::pass_fail(worst, TARGET_MS)
    );
}
