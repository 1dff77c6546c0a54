//! Review latency on a large workspace: `cargo bench --bench review`.
//!
//! Builds a database of `MEDCURATE_BENCH_ITEMS` items (default 350000; `medcurate::synth` files
//! imported with `medcurate::import::import` into three datasets, 60% mcq, 20% extraction ner,
//! 20% open_ended, since a dataset holds one kind), registers 300 annotators and writes realistic
//! progress: in each dataset the oldest 10% of items have two submitted reviews and are settled
//! (one pair in eight disagrees on departments and awaits a curator), the next 20% have one
//! submitted review waiting for a partner, and 99 annotators each hold a claim in force.
//! One annotator, the worst case for "never the same reviewer twice", has 5,000 submitted reviews
//! waiting for a partner, all at the head of the queue. The progress is written in one
//! transaction with the rows the store itself writes (`reviews`, `items.active_reviews`,
//! `items.state`, `events`), which takes seconds where 140,000 claims and submissions through the
//! API would take minutes; the setup checks that `active_reviews` then agrees with the reviews.
//! Every annotator has one to three of the 64 sub-specialties and every item one to three of them
//! as its departments (`common::routing`).
//!
//! Then it measures, through the store API in a fresh process, in each routing mode (strict,
//! prefer, none, set on all three datasets):
//! - `claim_next` by the annotator with 5,000 reviews waiting, each claim given back at once,
//!   without and with a `dataset` filter (first, before others' claims pair those reviews up);
//! - `claim_next` by 200 annotators in turn, 2,000 claims, each followed by `submit_review`
//!   (four in five, a complete passing review) or `release_review` (one in five) so the queue
//!   moves; then the same with a `dataset` filter, the three datasets in turn;
//! - `review_queue(reviewer)` for an ordinary annotator and for the heaviest one (prefer and
//!   strict: strict counts a physician's items from the per-department queues);
//! - with 500 fresh items marked as control items and one claim in 20 giving one, the 2,000
//!   rotating claims again.
//!
//! Times are wall-clock; two more columns give the calling thread's CPU time, which other
//! processes on a shared machine do not inflate (a wall time well above its CPU time is waiting:
//! for the disk, e.g. a WAL checkpoint's fsync inside a commit, or for a core). The setup is
//! synced to disk before measuring. The target is a claim p99 under 5 ms. Like the import
//! benchmark, setup and measurement each run in their own child process (this executable re-run
//! with a mode argument).
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::reviews::passing;
use common::{FILES, REVIEWERS, Samples, Scratch, percentiles, reviewer, timed};
use medcurate::domain::item::ItemBody;
use medcurate::domain::review::ReviewContent;
use medcurate::domain::routing::Routing;
use medcurate::store::{ReviewStatus, Store, SubmitOutcome};
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Annotators `0..ROTATING` take turns in the measured claims.
const ROTATING: usize = 200;
/// Annotators `ROTATING..HEAVY_INDEX` each hold one claim in force (not measured).
const HEAVY_INDEX: usize = REVIEWERS - 1;
/// Reviews the heaviest annotator has waiting for a partner.
const HEAVY_WAITING: usize = 5_000;
/// Per mille of each dataset's items: settled pairs, then single reviews waiting.
const PAIRED_PER_MILLE: usize = 100;
const SINGLE_PER_MILLE: usize = 200;

const CLAIMS: usize = 2_000;
const HEAVY_CLAIMS: usize = 200;
const QUEUE_CALLS: usize = 20;
/// Control items marked for the last rows.
const CONTROLS: usize = 500;
const TARGET_P99_MS: f64 = 5.0;

fn main() {
    common::run(child_setup, |paths| child_measure(&paths[0]), parent);
}

fn child_setup(dir: &Path, db: &Path, n: usize) -> Value {
    let mut timings = serde_json::Map::new();

    let (bytes, store) = common::build_workspace(dir, db, n, &mut timings);
    drop(store);

    let counts = timed(&mut timings, "progress", || write_progress(db));
    let routed = timed(&mut timings, "routing", || {
        common::routing::write_routing(db)
    });

    timed(&mut timings, "check", || {
        let conn = Connection::open(db).unwrap();
        let wrong: i64 = conn
            .query_row(
                "SELECT count(*) FROM items i WHERE i.active_reviews != (
                    SELECT count(*) FROM reviews r WHERE r.item_id = i.id
                      AND r.revision_no = i.revision_no
                      AND (r.status = 'claimed' OR r.status = 'submitted'))",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            wrong, 0,
            "items whose active_reviews disagrees with their reviews"
        );
        drop(conn);
        // Write the setup out now rather than while latency is being measured.
        common::settle_to_disk(db);
    });

    json!({
        "items": n,
        "bytes": bytes,
        "db_bytes": fs::metadata(db).unwrap().len(),
        "seconds": timings,
        "counts": counts,
        "routing": routed,
    })
}

/// Writes the progress described at the top, in one transaction, as the store would have.
fn write_progress(db: &Path) -> Value {
    let mut conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let mut rng = SplitMix64::new(42);
    let (mut pairs, mut disagreeing, mut singles, mut heavy, mut claims) = (0, 0, 0, 0, 0);
    {
        // A review submitted `age` seconds before now, as `submit_review` leaves it.
        let now = SystemTime::now();
        let at = |age: u64| medcurate::store::clock::iso(now - Duration::from_secs(age));
        let review = |item: i64, who: &str, status: &str, content: &str, times: [&str; 4]| {
            let [claimed, lease, updated, submitted] = times;
            let passed = (status == "submitted").then_some(1);
            let nul = |s: &str| (!s.is_empty()).then(|| s.to_string());
            tx.prepare_cached(
                "INSERT INTO reviews (item_id, revision_no, reviewer, status, content, passed,
                                      claimed_at, lease_expires_at, updated_at, submitted_at)
                 VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .unwrap()
            .execute(params![
                item,
                who,
                status,
                content,
                passed,
                claimed,
                nul(lease),
                updated,
                nul(submitted)
            ])
            .unwrap();
            tx.last_insert_rowid()
        };
        let event = |at: &str, who: &str, action: &str, item: i64, detail: Value| {
            tx.prepare_cached(
                "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            )
            .unwrap()
            .execute(params![at, who, action, item, detail.to_string()])
            .unwrap();
        };
        let set_item = |item: i64, active: i64, state: &str| {
            tx.prepare_cached("UPDATE items SET active_reviews = ?2, state = ?3 WHERE id = ?1")
                .unwrap()
                .execute(params![item, active, state])
                .unwrap();
        };
        let submitted = |item: i64, who: &str, content: &str, age: u64| {
            let (claimed, done) = (at(age + 600), at(age));
            let id = review(
                item,
                who,
                "submitted",
                content,
                [&claimed, "", &done, &done],
            );
            event(
                &claimed,
                who,
                "review_claimed",
                item,
                json!({ "review_id": id }),
            );
            let detail = json!({ "review_id": id, "passed": true });
            event(&done, who, "review_submitted", item, detail);
        };
        let settled = |item: i64, state: &str, age: u64| {
            set_item(item, 2, state);
            let reasons = if state == "accepted" {
                json!([])
            } else {
                json!(["departments_disagree"])
            };
            let detail = json!({ "state": state, "reasons": reasons });
            event(&at(age), "medcurate", "item_settled", item, detail);
        };

        let mut waiting: Vec<i64> = Vec::new();
        for (_, dataset, _, _) in FILES {
            let ids: Vec<i64> = tx
                .prepare(
                    "SELECT i.id FROM items i JOIN datasets d ON d.id = i.dataset_id
                     WHERE d.name = ?1 ORDER BY i.id",
                )
                .unwrap()
                .query_map([dataset], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let body: String = tx
                .query_row(
                    "SELECT body FROM revisions WHERE item_id = ?1 AND revision_no = 1",
                    [ids[0]],
                    |r| r.get(0),
                )
                .unwrap();
            let body: ItemBody = serde_json::from_str(&body).unwrap();
            let agree = serde_json::to_string(&passing(&body, &[])).unwrap();
            let other = serde_json::to_string(&passing(&body, &["cardiology"])).unwrap();
            let n_pairs = ids.len() * PAIRED_PER_MILLE / 1000;
            let n_singles = ids.len() * SINGLE_PER_MILLE / 1000;
            let mut age = 30 * 86_400;
            for &item in &ids[..n_pairs] {
                let a = rng.below(HEAVY_INDEX);
                let b = (a + 1 + rng.below(HEAVY_INDEX - 1)) % HEAVY_INDEX;
                let disagree = rng.below(8) == 0;
                submitted(item, &reviewer(a), &agree, age);
                submitted(
                    item,
                    &reviewer(b),
                    if disagree { &other } else { &agree },
                    age - 1,
                );
                settled(
                    item,
                    if disagree {
                        "needs_curation"
                    } else {
                        "accepted"
                    },
                    age - 1,
                );
                pairs += 1;
                disagreeing += usize::from(disagree);
                age -= 5;
            }
            for &item in &ids[n_pairs..n_pairs + n_singles] {
                // The heaviest annotator's reviews come first: the whole head of the queue.
                let who = if heavy < HEAVY_WAITING {
                    heavy += 1;
                    HEAVY_INDEX
                } else {
                    rng.below(HEAVY_INDEX)
                };
                submitted(item, &reviewer(who), &agree, age);
                set_item(item, 1, "in_review");
                waiting.push(item);
                singles += 1;
                age -= 5;
            }
        }
        // Annotators ROTATING..HEAVY_INDEX hold a claim in force on an item waiting for them,
        // spread over the queue (never one of their own).
        let lease = medcurate::store::clock::iso(now + Duration::from_secs(12 * 3600));
        let first = HEAVY_WAITING.min(waiting.len());
        let step = (waiting.len() - first) / (HEAVY_INDEX - ROTATING + 1);
        for (k, who) in (ROTATING..HEAVY_INDEX).enumerate() {
            let who = reviewer(who);
            let mut pos = first + k * step;
            let item = loop {
                let item = waiting[pos];
                let mine: bool = tx
                    .query_row(
                        "SELECT count(*) > 0 FROM reviews WHERE item_id = ?1 AND reviewer = ?2",
                        params![item, who],
                        |r| r.get(0),
                    )
                    .unwrap();
                if !mine {
                    break item;
                }
                pos += 1;
            };
            let claimed = at(3600);
            let id = review(
                item,
                &who,
                "claimed",
                "{}",
                [&claimed, &lease, &claimed, ""],
            );
            event(
                &claimed,
                &who,
                "review_claimed",
                item,
                json!({ "review_id": id }),
            );
            set_item(item, 2, "in_review");
            claims += 1;
        }
    }
    tx.commit().unwrap();
    json!({
        "settled_pairs": pairs,
        "pairs_disagreeing": disagreeing,
        "single_reviews_waiting": singles,
        "heaviest_annotator_waiting": heavy,
        "claims_in_force": claims,
    })
}

/// Claims by annotators in turn, each followed by a submission or (one in five) a release.
fn rotating_claims(store: &mut Store, datasets: &[Option<&str>]) -> [Samples; 3] {
    let (mut claim, mut submit, mut release) = Default::default();
    for i in 0..CLAIMS {
        let who = reviewer(i % ROTATING);
        let dataset = datasets[i % datasets.len()];
        let a = Samples::time(&mut claim, || store.claim_next(&who, dataset))
            .unwrap()
            .unwrap_or_else(|| panic!("nothing left for {who} in {dataset:?}"));
        assert_eq!(
            a.status,
            ReviewStatus::Claimed,
            "a fresh claim, not a resumed one"
        );
        assert_eq!(a.content, ReviewContent::default());
        if i % 5 == 4 {
            Samples::time(&mut release, || store.release_review(&who, a.review_id)).unwrap();
        } else {
            let review = passing(&a.item.body, &[]);
            let out = Samples::time(&mut submit, || {
                store.submit_review(&who, a.review_id, &review)
            })
            .unwrap();
            assert_ne!(out, SubmitOutcome::NeedsCuration);
        }
        // The worker's idle moment, untimed: the reviewer is reading.
        store.checkpoint().unwrap();
    }
    [claim, submit, release]
}

/// Claims by the annotator with thousands of reviews waiting, each given back at once.
fn heavy_claims(store: &mut Store, dataset: Option<&str>) -> Samples {
    let who = reviewer(HEAVY_INDEX);
    let mut claim = Samples::default();
    for _ in 0..HEAVY_CLAIMS {
        let a = claim
            .time(|| store.claim_next(&who, dataset))
            .unwrap()
            .unwrap();
        assert_eq!(a.status, ReviewStatus::Claimed);
        store.release_review(&who, a.review_id).unwrap();
        store.checkpoint().unwrap();
    }
    claim
}

fn child_measure(db: &Path) -> Value {
    let mut store = Store::open(db).unwrap();
    // As the review screen's worker does: checkpoints happen between calls, not in commits.
    store.defer_checkpoints().unwrap();
    let mut rows = BTreeMap::new();

    // Row names: a letter to keep the table in order, then what was timed and the routing.
    let mut key = ('a'..='z').map(|c| format!("{c} "));
    let mut row = |rows: &mut BTreeMap<String, Value>, name: String, v: Value| {
        rows.insert(format!("{}{name}", key.next().unwrap()), v);
    };
    let route = |store: &mut Store, mode: Routing| {
        for (_, dataset, _, _) in FILES {
            store.set_routing(dataset, mode, "bench").unwrap();
        }
    };
    // The heaviest annotator first: the others' claims would pair up the reviews they have
    // waiting at the head of the queue.
    for mode in Routing::ALL {
        route(&mut store, mode);
        let v = percentiles(&heavy_claims(&mut store, None));
        row(&mut rows, format!("claim_next 5k waiting, {mode}"), v);
        let v = percentiles(&heavy_claims(&mut store, Some(FILES[0].1)));
        row(
            &mut rows,
            format!("claim_next 5k waiting filter, {mode}"),
            v,
        );
    }
    let filtered: Vec<Option<&str>> = FILES.iter().map(|f| Some(f.1)).collect();
    for mode in Routing::ALL {
        route(&mut store, mode);
        let [claim, submit, release] = rotating_claims(&mut store, &[None]);
        row(
            &mut rows,
            format!("claim_next, {mode}"),
            percentiles(&claim),
        );
        row(
            &mut rows,
            format!("submit_review, {mode}"),
            percentiles(&submit),
        );
        row(
            &mut rows,
            format!("release_review, {mode}"),
            percentiles(&release),
        );
        let [claim, _, _] = rotating_claims(&mut store, &filtered);
        row(
            &mut rows,
            format!("claim_next filter, {mode}"),
            percentiles(&claim),
        );
    }

    let queue = |store: &Store, who: &str| {
        let mut out = Samples::default();
        for _ in 0..QUEUE_CALLS {
            let q = out.time(|| store.review_queue(who)).unwrap();
            assert_eq!(q.len(), FILES.len());
        }
        out
    };
    for mode in [Routing::Prefer, Routing::Strict] {
        route(&mut store, mode);
        let v = percentiles(&queue(&store, &reviewer(7)));
        row(&mut rows, format!("review_queue, {mode}"), v);
        let v = percentiles(&queue(&store, &reviewer(HEAVY_INDEX)));
        row(&mut rows, format!("review_queue 5k waiting, {mode}"), v);
    }
    // Control items mixed into the claims: CONTROLS fresh items marked, one claim in 20
    // gives one, every routing mode.
    mark_controls(&mut store, db);
    store
        .set_setting(medcurate::domain::controls::RATE_SETTING, "20", "bench")
        .unwrap();
    for mode in Routing::ALL {
        route(&mut store, mode);
        let [claim, _, _] = rotating_claims(&mut store, &[None]);
        row(
            &mut rows,
            format!("claim_next {CONTROLS} controls 1 in 20, {mode}"),
            percentiles(&claim),
        );
    }
    json!({ "rows": rows, "loadavg": common::loadavg() })
}

/// Marks the CONTROLS newest items no one has claimed as controls, by a maintainer added for it.
fn mark_controls(store: &mut Store, db: &Path) {
    use medcurate::domain::controls::ControlLine;
    use medcurate::domain::people::{Person, Role};
    use medcurate::domain::review::Criterion;
    let maintainer = Person {
        id: "bench-maintainer".into(),
        name: "Bench maintainer".into(),
        roles: vec![Role::Maintainer],
        os_user: None,
    };
    store.add_person(&maintainer, "bench").unwrap();
    let conn = Connection::open(db).unwrap();
    let fresh: Vec<(String, String)> = conn
        .prepare(
            "SELECT d.name, i.ext_id FROM items i JOIN datasets d ON d.id = i.dataset_id
             WHERE i.state = 'in_review' AND i.active_reviews = 0
               AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id)
             ORDER BY i.id DESC LIMIT ?1",
        )
        .unwrap()
        .query_map([CONTROLS as i64], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    drop(conn);
    let lines: Vec<(usize, ControlLine)> = fresh
        .into_iter()
        .enumerate()
        .map(|(n, (dataset, item))| {
            let expected = [
                (Criterion::NaturalPlausible, true),
                (Criterion::ClinicalValidity, n % 4 != 0),
            ];
            (
                n + 1,
                ControlLine {
                    dataset,
                    item,
                    expected: expected.into_iter().collect(),
                },
            )
        })
        .collect();
    let done = store
        .mark_controls("bench-maintainer", &lines, false)
        .unwrap()
        .unwrap();
    assert_eq!(done.marked, CONTROLS);
}

fn parent() {
    let n = common::bench_items();
    assert!(
        n * 6 / 10 * SINGLE_PER_MILLE / 1000 > HEAVY_WAITING + REVIEWERS,
        "MEDCURATE_BENCH_ITEMS={n} is too few for {HEAVY_WAITING} reviews waiting; use at least 50000"
    );
    let scratch = Scratch::new("review.sqlite");
    eprintln!("building a workspace of {n} items with review progress");
    let s = scratch.setup(n);
    common::eprint_setup(
        &s,
        &[
            ("import", "import"),
            ("300 people", "people"),
            ("progress", "progress"),
            ("specialties, departments", "routing"),
            ("check and sync", "check"),
        ],
    );
    eprintln!("  progress: {}", s["counts"]);
    eprintln!("  routing: {}", s["routing"]);
    eprintln!("measuring");
    let m = common::run_child("measure", &[&scratch.db]);

    println!();
    println!(
        "review latency on {n} items, {REVIEWERS} annotators with 64 specialties, departments on \
         every item, each routing mode (ms; {CLAIMS} rotating claims per claim_next row, \
         {HEAVY_CLAIMS} in the 5k waiting rows, {QUEUE_CALLS} review_queue calls)"
    );
    let worst_claim_p99 = common::print_percentile_table(&m["rows"], "claim_next");
    common::print_clock_note(&m, "");
    println!(
        "claim p99 target {TARGET_P99_MS} ms: {} (worst p99 {worst_claim_p99:.3} ms)",
        common::met(worst_claim_p99, TARGET_P99_MS)
    );
}
