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

mod common;

use common::reviews::{self, Mix};
use common::{Samples, secs};
use medcurate::domain::difficulty::{Outcome, rate};
use medcurate::domain::item::{Difficulty, ItemKind};
use medcurate::domain::people::Role;
use medcurate::domain::plan::Plan;
use medcurate::domain::release::ReleaseFile;
use medcurate::release::{files, freeze, sample, verify};
use medcurate::store::Store;
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

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

/// How long before now the calibration results came in (before the reviews, which span the
/// last 60 days).
const CALIBRATED_DAYS_AGO: u64 = 75;

fn main() {
    if let Some((mode, rest)) = common::child_mode() {
        let result = match mode.as_str() {
            "setup" => child_setup(
                Path::new(&rest[0]),
                Path::new(&rest[1]),
                rest[2].parse().expect("item count"),
            ),
            "measure" => child_measure(Path::new(&rest[0]), Path::new(&rest[1])),
            other => panic!("unknown child mode {other:?}"),
        };
        println!("{result}");
        return;
    }
    // Anything else (cargo passes `--bench`) runs the whole benchmark.
    parent();
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
    let t = Instant::now();
    common::add_annotators(&mut store);
    common::add_person(&mut store, CURATOR, "Curator", Role::Curator);
    common::add_person(&mut store, MAINTAINER, "Maintainer", Role::Maintainer);
    timings.insert("people".into(), json!(secs(t)));
    drop(store);

    let t = Instant::now();
    let calibration = write_calibration(db, &plan);
    timings.insert("calibration".into(), json!(secs(t)));
    let t = Instant::now();
    let counts = reviews::write_reviews(db, &MOSTLY_AGREE);
    timings.insert("reviews".into(), json!(secs(t)));

    let t = Instant::now();
    reviews::check(db, n);
    check_calibration(db, &plan, n);
    timings.insert("check".into(), json!(secs(t)));
    let t = Instant::now();
    common::settle_to_disk(db);
    timings.insert("sync".into(), json!(secs(t)));

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

/// Per mille of dataset `k`'s items that are hard, medium and easy: about 30/40/30, varying.
fn difficulty_mix(k: usize) -> [usize; 3] {
    let hard = 240 + (k * 70) % 130;
    let easy = 220 + (k * 50) % 150;
    [hard, 1000 - hard - easy, easy]
}

/// One model's result on an item, right or wrong as asked, in the form `import_calibration`
/// stores it.
fn outcome(rng: &mut SplitMix64, kind: &str, answer: &[String], right: bool) -> Outcome {
    match kind {
        "mcq" => Outcome::Choice(if right {
            answer.to_vec()
        } else {
            // A wrong choice: a label that is not (all of) the answer.
            let wrong = ["A", "B", "C", "D", "E"]
                .iter()
                .find(|l| !answer.iter().any(|a| a == *l))
                .unwrap();
            vec![wrong.to_string()]
        }),
        // Correct means an F1 above the plan's 0.8.
        "extraction" => Outcome::F1(if right {
            rng.between(81, 100) as f64 / 100.0
        } else {
            rng.between(20, 80) as f64 / 100.0
        }),
        _ => unreachable!("open-ended results are scores"),
    }
}

fn outcome_json(o: &Outcome) -> String {
    match o {
        Outcome::Choice(c) => json!({ "choice": c }),
        Outcome::F1(f) => json!({ "f1": f }),
        Outcome::Score(s) => json!({ "score": s }),
    }
    .to_string()
}

/// The five calibration models' results on every item and the difficulty they give, as
/// `Store::import_calibration` writes them; returns the items per difficulty.
fn write_calibration(db: &Path, plan: &Plan) -> Value {
    let mut conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.pragma_update(None, "cache_size", -262_144).unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    type ItemRow = (i64, i64, String, Option<String>, String, Option<String>);
    let items: Vec<ItemRow> = tx
        .prepare(
            "SELECT i.id, i.revision_no, i.kind, i.difficulty, d.name, r.body ->> '$.answer'
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
             ORDER BY i.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let index: BTreeMap<&str, usize> = plan
        .datasets
        .iter()
        .enumerate()
        .map(|(k, d)| (d.dataset.as_str(), k))
        .collect();
    let models = &plan.calibration_models;
    let thresholds = plan.thresholds();
    let now = medcurate::store::clock::iso(
        SystemTime::now() - Duration::from_secs(CALIBRATED_DAYS_AGO * 86_400),
    );
    let mut rng = SplitMix64::new(11);
    let mut rated: BTreeMap<&str, u64> = BTreeMap::new();
    let mut changed = 0i64;
    for (id, revision_no, kind, old, dataset, answer) in &items {
        let [hard, medium, _] = difficulty_mix(index[dataset.as_str()]);
        let band = rng.below(1000);
        let want = if band < hard {
            Difficulty::Hard
        } else if band < hard + medium {
            Difficulty::Medium
        } else {
            Difficulty::Easy
        };
        let answer: Vec<String> = answer
            .as_deref()
            .map(|a| serde_json::from_str(a).unwrap())
            .unwrap_or_default();
        let outcomes: Vec<Outcome> = if kind == "open_ended" {
            // Scores in hundredths around a mean well inside the plan's band.
            let (base, spread) = match want {
                Difficulty::Easy => (85, 10),
                Difficulty::Medium => (65, 4),
                Difficulty::Hard => (40, 15),
            };
            (0..models.len())
                .map(|_| Outcome::Score(rng.between(base - spread, base + spread) as f64 / 100.0))
                .collect()
        } else {
            let right = match want {
                Difficulty::Easy => models.len(),
                Difficulty::Medium => models.len() - 1,
                Difficulty::Hard => rng.below(models.len() - 1),
            };
            let mut who: Vec<bool> = (0..models.len()).map(|m| m < right).collect();
            rng.shuffle(&mut who);
            who.iter()
                .map(|r| outcome(&mut rng, kind, &answer, *r))
                .collect()
        };
        let got = rate(&outcomes, Some(&answer), &thresholds).unwrap();
        assert_eq!(got, want, "{dataset} item {id}: {outcomes:?}");
        for (model, o) in models.iter().zip(&outcomes) {
            tx.prepare_cached(
                "INSERT INTO calibration (item_id, revision_no, model, outcome, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .unwrap()
            .execute(params![id, revision_no, model, outcome_json(o), now])
            .unwrap();
        }
        if old.as_deref() != Some(got.as_str()) {
            changed += 1;
            tx.prepare_cached(
                "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
                 VALUES (?1, ?2, 'difficulty_calibrated', ?3, ?4,
                         json_object('from', ?5, 'to', ?6, 'models', ?7))",
            )
            .unwrap()
            .execute(params![
                now,
                MAINTAINER,
                id,
                revision_no,
                old,
                got.as_str(),
                models.len() as i64
            ])
            .unwrap();
        }
        tx.prepare_cached(
            "UPDATE items SET difficulty = ?2, difficulty_source = 'calibration' WHERE id = ?1",
        )
        .unwrap()
        .execute(params![id, got.as_str()])
        .unwrap();
        *rated.entry(got.as_str()).or_default() += 1;
    }
    tx.execute(
        "INSERT INTO events (at, actor, action, detail)
         VALUES (?1, ?2, 'calibration_import',
                 json_object('results', ?3, 'items', ?4, 'changed', ?5, 'incomplete', 0))",
        params![
            now,
            MAINTAINER,
            (items.len() * models.len()) as i64,
            items.len() as i64,
            changed
        ],
    )
    .unwrap();
    tx.commit().unwrap();
    let mut out = json!(rated);
    out["changed"] = json!(changed);
    out
}

/// Asserts that every item has one result of each calibration model and that their rating, by
/// the plan's rules, is the item's difficulty, and that the events match.
fn check_calibration(db: &Path, plan: &Plan, n: usize) {
    let conn = Connection::open(db).unwrap();
    let count = |what: &str, sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let none = |what: &str, sql: &str| assert_eq!(count(what, sql), 0, "{what}");
    let models = plan.calibration_models.len() as i64;
    assert_eq!(
        count("calibration rows", "SELECT count(*) FROM calibration"),
        models * n as i64
    );
    let listed: Vec<String> = plan
        .calibration_models
        .iter()
        .map(|m| format!("'{}'", m.replace('\'', "''")))
        .collect();
    none(
        "items without one result of each model for their current revision",
        &format!(
            "SELECT count(*) FROM items i WHERE {models} != (SELECT count(DISTINCT c.model)
               FROM calibration c WHERE c.item_id = i.id AND c.revision_no = i.revision_no
                 AND c.model IN ({}))",
            listed.join(", ")
        ),
    );
    none(
        "items not rated by calibration",
        "SELECT count(*) FROM items WHERE difficulty IS NULL
            OR difficulty_source IS NOT 'calibration'",
    );
    let t = plan.thresholds();
    // The rating as `rate` does it: open-ended by the mean score, the others by how many
    // models were right (the mcq choice being the answer key, an F1 above the bound).
    none(
        "items whose difficulty is not what their calibration results give",
        &format!(
            "SELECT count(*) FROM items i JOIN revisions r
               ON r.item_id = i.id AND r.revision_no = i.revision_no
             WHERE i.difficulty != (SELECT CASE
                WHEN i.kind = 'open_ended' THEN
                    CASE WHEN avg(c.outcome ->> '$.score') > {easy} THEN 'easy'
                         WHEN avg(c.outcome ->> '$.score') >= {medium} THEN 'medium'
                         ELSE 'hard' END
                ELSE CASE sum(CASE WHEN i.kind = 'mcq' THEN c.outcome -> '$.choice' = r.body -> '$.answer'
                                   ELSE c.outcome ->> '$.f1' > {f1} END)
                         WHEN {models} THEN 'easy' WHEN {models} - 1 THEN 'medium' ELSE 'hard' END
                END
             FROM calibration c WHERE c.item_id = i.id AND c.revision_no = i.revision_no)",
            easy = t.open_ended_easy_above,
            medium = t.open_ended_medium_from,
            f1 = t.extraction_f1_correct_above,
        ),
    );
    none(
        "items whose difficulty_calibrated event is missing, extra, or names other values",
        "SELECT count(*) FROM items i JOIN revisions r
           ON r.item_id = i.id AND r.revision_no = i.revision_no
         WHERE (r.body ->> '$.difficulty' IS NOT i.difficulty) != (SELECT count(*) FROM events e
            WHERE e.item_id = i.id AND e.action = 'difficulty_calibrated'
              AND e.detail ->> '$.to' = i.difficulty
              AND e.detail ->> '$.from' IS r.body ->> '$.difficulty')",
    );
    assert_eq!(
        count(
            "difficulty_calibrated events",
            "SELECT count(*) FROM events WHERE action = 'difficulty_calibrated'"
        ),
        count(
            "calibration_import's changed",
            "SELECT detail ->> '$.changed' FROM events WHERE action = 'calibration_import'"
        )
    );
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
        let parts = [&draw, &freeze_s, &write];
        total.wall.push(parts.iter().map(|s| s.wall[k]).sum());
        total.cpu.push(parts.iter().map(|s| s.cpu[k]).sum());
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
        "loadavg": fs::read_to_string("/proc/loadavg").unwrap_or_default(),
    })
}

fn parent() {
    let n = common::bench_items();
    let plan = plan();
    assert!(
        n >= 30_000,
        "MEDCURATE_BENCH_ITEMS={n}: use at least 30000, so every dataset can supply its quota"
    );
    let tmp = tempfile::Builder::new()
        .prefix("medcurate-bench-")
        .tempdir()
        .unwrap();
    let db = tmp.path().join("release.sqlite");
    let (dir, db_arg) = (tmp.path().join("data"), db.to_str().unwrap());
    eprintln!(
        "building a workspace of {n} items over the {} datasets of the {} plan, calibrated and \
         reviewed",
        plan.datasets.len(),
        plan.name
    );
    let s = common::run_child("setup", &[dir.to_str().unwrap(), db_arg, &n.to_string()]);
    let t = &s["seconds"];
    let total: f64 = t
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_f64)
        .sum();
    let f = |k: &str| t[k].as_f64().unwrap();
    eprintln!(
        "  setup {total:.1} s: generate {:.1} s ({:.0} MB), import {:.1} s, people {:.1} s, \
         calibration {:.1} s, reviews {:.1} s, check {:.1} s, sync {:.1} s; database {:.0} MB",
        f("generate"),
        s["bytes"].as_f64().unwrap() / 1e6,
        f("import"),
        f("people"),
        f("calibration"),
        f("reviews"),
        f("check"),
        f("sync"),
        s["db_bytes"].as_f64().unwrap() / 1e6,
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
    let out = tmp.path().join("out");
    let m = common::run_child("measure", &[db_arg, out.to_str().unwrap()]);

    println!();
    println!(
        "sampling and freezing the {} release ({} items) from {n} items, {} accepted \
         (ms; {RUNS} runs, a new sample each, the same seed)",
        plan.name,
        plan.total(),
        m["pool"]
    );
    println!(
        "{:<40} {:>9} {:>9} {:>9} {:>8} {:>8}  result",
        "", "min", "median", "max", "cpu med", "cpu max"
    );
    let mut worst = 0f64;
    let mut median = 0f64;
    for (name, v) in m["rows"].as_object().unwrap() {
        let f = |k: &str| v[k].as_f64().unwrap();
        println!(
            "{:<40} {:>9.1} {:>9.1} {:>9.1} {:>8.1} {:>8.1}  {}",
            &name[3..],
            f("min"),
            f("median"),
            f("max"),
            f("cpu_median"),
            f("cpu_max"),
            v["result"].as_str().unwrap()
        );
        if name.contains("total") {
            (worst, median) = (f("max"), f("median"));
        }
    }
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
    println!(
        "wall-clock times except the cpu columns (this thread's CPU time); load average after \
         measuring: {}",
        m["loadavg"].as_str().unwrap_or("?").trim()
    );
    println!(
        "{} against target: draw + freeze + write < {TARGET_MS:.0} ms (slowest of {RUNS} runs: \
         {worst:.1} ms, median {median:.1} ms)",
        if worst < TARGET_MS { "PASS" } else { "FAIL" }
    );
}
