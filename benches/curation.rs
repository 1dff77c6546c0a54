//! Agreement statistics and the curation queue on a large workspace:
//! `cargo bench --bench curation`.
//!
//! Builds a database of `MEDCURATE_BENCH_ITEMS` items (default 350000; the same workspace as the
//! review benchmark: `medcurate::synth` files imported into three datasets, 60% mcq, 20%
//! extraction ner, 20% open_ended, and 300 annotators), plus one curator. Every item then has
//! two submitted reviews of its current revision: mostly from an annotator and one of their
//! usual partners (the next 14 annotators), one pair in five from any two annotators, the
//! items taken in a shuffled order across the datasets and submitted over 60 days. About three
//! pairs in four agree and accept the item; the rest go to curation for a mix of reasons: one
//! reviewer fails a criterion the other passes (sometimes two), both fail one, the departments
//! differ (one in fourteen pairs), a reviewer proposes a correction (one in fifty).
//!
//! The reviews are written in one transaction with exactly the rows and columns
//! `submit_review` writes (`reviews` with `content`, `passed`, `verdict_bits` and
//! `department_set`; `items.state`, `items.active_reviews`, `items.departments`; `curation`;
//! the `review_claimed`, `review_submitted` and `item_settled` events), the outcome and reasons
//! computed by `medcurate::domain::workflow::settle_pair` as the store does; 700,000 claims and
//! submissions through the API would take many minutes. The setup then checks with SQL that the
//! database is consistent: two submitted reviews per item, `verdict_bits` and `department_set`
//! as migration 5 derives them from the review JSON, one `curation` row per item awaiting a
//! curator with flags matching its reasons, one `item_settled` event per item.
//!
//! Then it measures, through the store API in a fresh process, each call `RUNS` times:
//! - `Store::agreement` over everything and over one dataset (two datasets of different size);
//! - `Store::curation_queue` as the curation screen opens it (the first 200 rows), without a
//!   filter, with a dataset, a reason (the rarest), a department, and all three filters;
//! - `Store::curation_case` for the first item of the queue;
//! - and with the database file dropped from the page cache first (as the first start of the
//!   day would find it): opening the store, then agreement, the queue, a case.
//!
//! Times are wall-clock; the cpu columns give the calling thread's CPU time, which other
//! processes on a shared machine do not inflate. Targets: agreement under 1 s, the queue open
//! under 200 ms. As in the other benchmarks, setup and measurement each run in their own child
//! process (this executable re-run with a mode argument).

mod common;

use common::{FILES, REVIEWERS, Samples, rank, reviewer, secs};
use medcurate::domain::departments::{NO_DEPARTMENT, taxonomy};
use medcurate::domain::item::ItemBody;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::{ReviewPairOutcome, settle_pair};
use medcurate::store::{CurationFilter, Store};
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, Transaction, params};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

const CURATOR: &str = "cur01";
/// Each annotator's usual partners: the next `TEAM` annotators.
const TEAM: usize = 14;
const SPAN_DAYS: u64 = 60;

/// Per mille of pairs whose verdicts differ: one criterion, two, both fail one, both fail one
/// and differ on another. The rest agree on every criterion (both pass).
const ONE_DISAGREES: usize = 110;
const TWO_DISAGREE: usize = 25;
const BOTH_FAIL: usize = 25;
const BOTH_FAIL_AND_DISAGREE: usize = 17;
/// Per mille of pairs whose department sets differ, and with a proposed correction.
const DEPARTMENTS_DIFFER: usize = 70;
const PROPOSALS: usize = 20;

/// Timed calls per warm row, and per row with the database not cached.
const RUNS: usize = 5;
const COLD_RUNS: usize = 3;
/// Rows the curation screen asks for.
const QUEUE_LIMIT: usize = 200;
/// The filters measured: a smaller dataset, the rarest reason, a department of middling use.
const FILTER_DATASET: &str = FILES[1].1;
const FILTER_REASON: &str = "correction_proposed";
const FILTER_DEPARTMENT: &str = "gynecology";
const AGREEMENT_TARGET_MS: f64 = 1000.0;
const QUEUE_TARGET_MS: f64 = 200.0;

fn main() {
    if let Some((mode, rest)) = common::child_mode() {
        let result = match mode.as_str() {
            "setup" => child_setup(
                Path::new(&rest[0]),
                Path::new(&rest[1]),
                rest[2].parse().expect("item count"),
            ),
            "measure" => child_measure(Path::new(&rest[0])),
            other => panic!("unknown child mode {other:?}"),
        };
        println!("{result}");
        return;
    }
    // Anything else (cargo passes `--bench`) runs the whole benchmark.
    parent();
}

fn child_setup(dir: &Path, db: &Path, n: usize) -> Value {
    let mut timings = serde_json::Map::new();
    let (bytes, mut store) = common::build_workspace(dir, db, n, &mut timings);
    let curator = Person {
        id: CURATOR.to_string(),
        name: "Curator".to_string(),
        roles: vec![Role::Curator],
        os_user: None,
    };
    store.add_person(&curator, "bench").unwrap();
    drop(store);

    let t = Instant::now();
    let counts = write_reviews(db);
    timings.insert("reviews".into(), json!(secs(t)));

    let t = Instant::now();
    check(db, n);
    timings.insert("check".into(), json!(secs(t)));
    let t = Instant::now();
    common::settle_to_disk(db);
    timings.insert("sync".into(), json!(secs(t)));

    json!({
        "items": n,
        "bytes": bytes,
        "db_bytes": fs::metadata(db).unwrap().len(),
        "seconds": timings,
        "counts": counts,
    })
}

/// `reviews.verdict_bits` as the store encodes it: bit k, criterion k judged; bit k + 8, passed.
fn verdict_bits(content: &ReviewContent) -> i64 {
    let mut bits = 0;
    for (k, c) in Criterion::ALL.iter().enumerate() {
        match content.verdicts.get(c) {
            Some(Verdict::Pass) => bits |= (1 << k) | (1 << (k + 8)),
            Some(Verdict::Fail { .. }) => bits |= 1 << k,
            None => {}
        }
    }
    bits
}

/// A department set as the store encodes it: sorted, unique, `,a,b,` (`,,` for none).
fn department_set<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    let set: BTreeSet<&str> = ids.map(String::as_str).collect();
    if set.is_empty() {
        return ",,".to_string();
    }
    set.iter().fold(",".to_string(), |s, d| s + d + ",")
}

const REASONS: [&str; 4] = [
    "The stem contradicts the lab values given.",
    "答案与指南推荐不符。",
    "Two options are both defensible.",
    "题干信息不足以得出结论。",
];

/// Departments a review chooses: one to three sub-specialties (the catalogue's first ones more
/// often), or no department for one review in ten.
fn pick_departments(rng: &mut SplitMix64, ids: &[&str]) -> Vec<String> {
    if rng.below(10) == 0 {
        return vec![NO_DEPARTMENT.to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let id = ids[rng.below(ids.len()).min(rng.below(ids.len()))];
        if !out.iter().any(|d| d == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// The other reviewer's departments when they differ: one changed, or one added.
fn differ(rng: &mut SplitMix64, ids: &[&str], mine: &[String]) -> Vec<String> {
    let mut out: Vec<String> = mine
        .iter()
        .filter(|d| *d != NO_DEPARTMENT)
        .cloned()
        .collect();
    let fresh = loop {
        let id = ids[rng.below(ids.len())];
        if !mine.iter().any(|d| d == id) {
            break id.to_string();
        }
    };
    if out.is_empty() || out.len() < 3 && rng.below(2) == 0 {
        out.push(fresh);
    } else {
        let last = out.len() - 1;
        out[last] = fresh;
    }
    out
}

fn fail(r: &mut ReviewContent, c: Criterion, rng: &mut SplitMix64) {
    let reason = REASONS[rng.below(REASONS.len())].to_string();
    r.verdicts.insert(c, Verdict::Fail { reason });
}

/// Two distinct criteria of `crit`.
fn two(rng: &mut SplitMix64, crit: &[Criterion]) -> (Criterion, Criterion) {
    let i = rng.below(crit.len());
    let j = (i + 1 + rng.below(crit.len() - 1)) % crit.len();
    (crit[i], crit[j])
}

/// Writes two submitted reviews of every item, as described at the top, in one transaction.
fn write_reviews(db: &Path) -> Value {
    let mut conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    // Only this connection's cache: the setup writes faster, the database is the same.
    conn.pragma_update(None, "cache_size", -262_144).unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();

    // What the outcome depends on is which criteria apply (kind, and for open-ended items
    // whether there is a reference answer): keep one body per such set, not every body.
    let mut items: Vec<(i64, i64, u8)> = Vec::new();
    let mut bodies: BTreeMap<u8, ItemBody> = BTreeMap::new();
    {
        let mut stmt = tx
            .prepare(
                "SELECT i.id, i.revision_no, v.body FROM items i
                 JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no
                 ORDER BY i.id",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let body: ItemBody = serde_json::from_str(r.get_ref(2).unwrap().as_str().unwrap())
                .expect("a stored item body");
            let mask = Criterion::ALL
                .iter()
                .enumerate()
                .filter(|(_, c)| c.applies_to(&body))
                .fold(0u8, |m, (k, _)| m | 1 << k);
            items.push((r.get(0).unwrap(), r.get(1).unwrap(), mask));
            bodies.entry(mask).or_insert(body);
        }
    }
    let mut rng = SplitMix64::new(7);
    // Reviewers work through the datasets side by side, not one file after another.
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    let departments: Vec<&str> = taxonomy()
        .sub_specialties()
        .map(|(_, d)| d.id.as_str())
        .collect();

    let now = SystemTime::now();
    let start = now - Duration::from_secs(SPAN_DAYS * 86_400);
    let latest = now - Duration::from_secs(60);
    let iso = medcurate::store::clock::iso;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (p, &(item, revision_no, mask)) in items.iter().enumerate() {
        let body = &bodies[&mask];
        let crit = applicable(body);
        let a_who = rng.below(REVIEWERS);
        let b_who = if rng.below(5) == 0 {
            (a_who + 1 + rng.below(REVIEWERS - 1)) % REVIEWERS
        } else {
            (a_who + 1 + rng.below(TEAM)) % REVIEWERS
        };
        pairs.insert((a_who.min(b_who), a_who.max(b_who)));

        let mut a = ReviewContent::default();
        for &c in &crit {
            a.verdicts.insert(c, Verdict::Pass);
        }
        a.departments = pick_departments(&mut rng, &departments);
        let mut b = a.clone();
        let band = rng.below(1000);
        if band < ONE_DISAGREES {
            let c = crit[rng.below(crit.len())];
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c, &mut rng);
        } else if band < ONE_DISAGREES + TWO_DISAGREE {
            let (c1, c2) = two(&mut rng, &crit);
            fail(&mut a, c1, &mut rng);
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c2, &mut rng);
        } else if band < ONE_DISAGREES + TWO_DISAGREE + BOTH_FAIL {
            let c = crit[rng.below(crit.len())];
            fail(&mut a, c, &mut rng);
            fail(&mut b, c, &mut rng);
        } else if band < ONE_DISAGREES + TWO_DISAGREE + BOTH_FAIL + BOTH_FAIL_AND_DISAGREE {
            let (c1, c2) = two(&mut rng, &crit);
            fail(&mut a, c1, &mut rng);
            fail(&mut b, c1, &mut rng);
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c2, &mut rng);
        }
        if rng.below(1000) < DEPARTMENTS_DIFFER {
            b.departments = differ(&mut rng, &departments, &a.departments);
        }
        if rng.below(1000) < PROPOSALS {
            let text: String = tx
                .prepare_cached(
                    "SELECT body FROM revisions WHERE item_id = ?1 AND revision_no = ?2",
                )
                .unwrap()
                .query_row(params![item, revision_no], |r| r.get(0))
                .unwrap();
            // A reviewer who would grade the item differently proposes it so.
            let mut proposed: Value = serde_json::from_str(&text).unwrap();
            let harder = proposed["difficulty"] != "hard";
            proposed["difficulty"] = json!(if harder { "hard" } else { "medium" });
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            who.proposal = Some(serde_json::to_string_pretty(&proposed).unwrap());
        }
        for r in [&mut a, &mut b] {
            if rng.below(25) == 0 {
                r.comment = Some("请核对参考文献。".to_string());
            }
            assert!(r.problems(body).is_empty(), "{:?}", r.problems(body));
        }

        // First submission spread evenly over the span, the partner's within two days after.
        let t1 = start
            + Duration::from_secs(p as u64 * SPAN_DAYS * 86_400 / items.len() as u64)
            + Duration::from_secs(rng.below(3600) as u64);
        let t2 = (t1 + Duration::from_secs(60 + rng.below(2 * 86_400) as u64)).min(latest);
        let t1 = t1.min(t2 - Duration::from_secs(1));
        for (who, content, done) in [(a_who, &a, t1), (b_who, &b, t2)] {
            let claimed = done - Duration::from_secs(120 + rng.below(1500) as u64);
            submitted(
                &tx,
                item,
                revision_no,
                &reviewer(who),
                content,
                body,
                &iso(claimed),
                &iso(done),
            );
        }
        let outcome = settle(&tx, item, revision_no, body, &a, &b, &iso(t2));
        *counts.entry(outcome).or_default() += 1;
    }
    tx.commit().unwrap();
    let mut out = json!(counts);
    out["reviewer_pairs"] = json!(pairs.len());
    out
}

/// A review claimed at `claimed` and submitted at `done`: the row and events `claim_next` and
/// `submit_review` leave.
#[allow(clippy::too_many_arguments)]
fn submitted(
    tx: &Transaction,
    item: i64,
    revision_no: i64,
    who: &str,
    content: &ReviewContent,
    body: &ItemBody,
    claimed: &str,
    done: &str,
) {
    tx.prepare_cached(
        "INSERT INTO reviews (item_id, revision_no, reviewer, status, content, passed,
                              claimed_at, lease_expires_at, updated_at, submitted_at,
                              verdict_bits, department_set)
         VALUES (?1, ?2, ?3, 'submitted', ?4, ?5, ?6, NULL, ?7, ?7, ?8, ?9)",
    )
    .unwrap()
    .execute(params![
        item,
        revision_no,
        who,
        serde_json::to_string(content).unwrap(),
        content.passes(body),
        claimed,
        done,
        verdict_bits(content),
        department_set(content.departments.iter())
    ])
    .unwrap();
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, ?2, 'review_claimed', ?3, ?4, json_object('review_id', ?5))",
    )
    .unwrap()
    .execute(params![claimed, who, item, revision_no, id])
    .unwrap();
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, ?2, 'review_submitted', ?3, ?4,
                 json_object('review_id', ?5, 'passed', json(?6)))",
    )
    .unwrap()
    .execute(params![
        done,
        who,
        item,
        revision_no,
        id,
        if content.passes(body) {
            "true"
        } else {
            "false"
        }
    ])
    .unwrap();
}

/// Settles the item on its two reviews as `submit_review` does on the second one; returns the
/// state.
#[allow(clippy::too_many_arguments)]
fn settle(
    tx: &Transaction,
    item: i64,
    revision_no: i64,
    body: &ItemBody,
    a: &ReviewContent,
    b: &ReviewContent,
    now: &str,
) -> String {
    let settled = settle_pair(body, a, b);
    let (state, departments, reasons) = match &settled {
        ReviewPairOutcome::Accepted => {
            let mut d = a.departments.clone();
            d.sort();
            d.dedup();
            let d = serde_json::to_string(&d).unwrap();
            ("accepted", Some(d), Vec::new())
        }
        ReviewPairOutcome::NeedsCuration(r) => (
            "needs_curation",
            None,
            r.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        ),
    };
    tx.prepare_cached(
        "UPDATE items SET active_reviews = 2, state = ?2, departments = ?3 WHERE id = ?1",
    )
    .unwrap()
    .execute(params![item, state, departments])
    .unwrap();
    let reasons_json = serde_json::to_string(&reasons).unwrap();
    if let ReviewPairOutcome::NeedsCuration(r) = &settled {
        let has = |id: &str| r.iter().any(|x| x.id() == id);
        tx.prepare_cached(
            "INSERT OR REPLACE INTO curation (item_id, dataset_id, revision_no, reasons,
                 criteria_disagree, both_failed, departments_disagree, correction_proposed,
                 department_set, since)
             SELECT id, dataset_id, revision_no, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM items WHERE id = ?1",
        )
        .unwrap()
        .execute(params![
            item,
            reasons_json,
            has("criteria_disagree"),
            has("both_failed"),
            has("departments_disagree"),
            has("correction_proposed"),
            department_set(a.departments.iter().chain(&b.departments)),
            now
        ])
        .unwrap();
    }
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, 'medcurate', 'item_settled', ?2, ?3,
                 json_object('state', ?4, 'reasons', json(?5)))",
    )
    .unwrap()
    .execute(params![now, item, revision_no, state, reasons_json])
    .unwrap();
    state.to_string()
}

/// Asserts that the database is what the application would have written.
fn check(db: &Path, n: usize) {
    let conn = Connection::open(db).unwrap();
    let count = |what: &str, sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let none = |what: &str, sql: &str| assert_eq!(count(what, sql), 0, "{what}");
    assert_eq!(count("items", "SELECT count(*) FROM items"), n as i64);
    none(
        "items without exactly two submitted reviews of their current revision",
        "SELECT count(*) FROM items i WHERE 2 != (SELECT count(*) FROM reviews r
           WHERE r.item_id = i.id AND r.revision_no = i.revision_no AND r.status = 'submitted')",
    );
    none(
        "items not settled, or whose active_reviews or solo_reviewer is off",
        "SELECT count(*) FROM items WHERE active_reviews != 2 OR solo_reviewer IS NOT NULL
           OR NOT (state = 'accepted' OR state = 'needs_curation')",
    );
    none(
        "accepted items without final departments, or items in curation with them",
        "SELECT count(*) FROM items WHERE (state = 'accepted') != (departments IS NOT NULL)",
    );
    assert_eq!(
        count("curation rows", "SELECT count(*) FROM curation"),
        count(
            "items awaiting curation",
            "SELECT count(*) FROM items WHERE state = 'needs_curation'"
        ),
        "one curation row per item awaiting a curator"
    );
    none(
        "curation rows of items not awaiting curation, or of another dataset or revision",
        "SELECT count(*) FROM curation c JOIN items i ON i.id = c.item_id
         WHERE i.state != 'needs_curation' OR i.dataset_id != c.dataset_id
            OR i.revision_no != c.revision_no",
    );
    // The flags, as migration 5 derives them from the reasons.
    none(
        "curation flags that disagree with the reasons",
        "SELECT count(*) FROM curation WHERE reasons = '[]'
            OR criteria_disagree != (reasons LIKE '%criteria_disagree%')
            OR both_failed != (reasons LIKE '%both_failed%')
            OR departments_disagree != (reasons LIKE '%departments_disagree%')
            OR correction_proposed != (reasons LIKE '%correction_proposed%')",
    );
    none(
        "items whose item_settled event is missing or names another state",
        "SELECT count(*) FROM items i WHERE 1 != (SELECT count(*) FROM events e
           WHERE e.item_id = i.id AND e.action = 'item_settled'
             AND e.detail ->> '$.state' = i.state)",
    );
    assert_eq!(
        count(
            "review events",
            "SELECT count(*) FROM events
             WHERE action = 'review_claimed' OR action = 'review_submitted'"
        ),
        4 * n as i64
    );
    // verdict_bits, department_set and passed as migration 5 derives them from the JSON: all
    // of them (a few seconds).
    none(
        "reviews whose verdict_bits, department_set or passed disagree with their content",
        "SELECT count(*) FROM reviews WHERE status = 'submitted' AND (verdict_bits !=
            (CASE json_extract(content, '$.verdicts.natural_plausible.verdict')
                WHEN 'pass' THEN 257 WHEN 'fail' THEN 1 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.clinical_validity.verdict')
                WHEN 'pass' THEN 514 WHEN 'fail' THEN 2 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.answer_correctness.verdict')
                WHEN 'pass' THEN 1028 WHEN 'fail' THEN 4 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.distractor_plausibility.verdict')
                WHEN 'pass' THEN 2056 WHEN 'fail' THEN 8 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.rubric_match.verdict')
                WHEN 'pass' THEN 4112 WHEN 'fail' THEN 16 ELSE 0 END)
          OR department_set != ',' || coalesce((SELECT group_concat(value, ',') FROM
                (SELECT value FROM json_each(reviews.content, '$.departments') ORDER BY value)), '')
                || ','
          OR passed != ((verdict_bits >> 8) = (verdict_bits & 31)))",
    );
    // A curation row's departments: every department either reviewer chose (a sample).
    none(
        "curation rows whose department_set is not the union of the two reviews'",
        "SELECT count(*) FROM curation c WHERE c.item_id % 7 = 0 AND c.department_set !=
            ',' || coalesce((SELECT group_concat(d, ',') FROM (SELECT DISTINCT j.value AS d
                FROM reviews r, json_each(r.content, '$.departments') j
                WHERE r.item_id = c.item_id AND r.revision_no = c.revision_no
                  AND r.status = 'submitted' ORDER BY d)), '') || ','",
    );
}

/// Drops the database file's pages from the page cache (only this file's).
fn evict(db: &Path) {
    for ext in ["", "-wal"] {
        let Ok(f) = File::open(format!("{}{ext}", db.display())) else {
            continue;
        };
        // SAFETY: a valid descriptor; the advice only drops clean cached pages.
        let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
        assert_eq!(rc, 0, "posix_fadvise");
    }
}

/// min, median and max of the wall-clock and CPU times, and what the call returned.
fn stats(s: &Samples, result: String) -> Value {
    let sorted = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
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

fn child_measure(db: &Path) -> Value {
    let mut rows = BTreeMap::new();
    let store = Store::open_existing(db).unwrap();

    let mut agreement = |key: &str, dataset: Option<&str>| {
        let mut s = Samples::default();
        let mut report = None;
        for _ in 0..RUNS {
            report = Some(s.time(|| store.agreement(dataset)).unwrap());
        }
        let r = report.unwrap();
        let pairs: usize = r.reviewer_pairs.values().map(BTreeMap::len).sum();
        let days: usize = r.per_day.values().map(BTreeMap::len).sum();
        let result = format!(
            "{} items, {pairs} reviewer pairs, {days} reviewer-days",
            r.overall.items
        );
        rows.insert(key.to_string(), stats(&s, result));
        r.overall.items
    };
    let all = agreement("01 agreement, all datasets", None);
    let mcq = agreement("02 agreement, dataset SynthMcq (60%)", Some(FILES[0].1));
    let ner = agreement("03 agreement, dataset SynthNer (20%)", Some(FILES[1].1));
    assert!(mcq > ner && mcq + ner < all);

    let filters = [
        ("04 curation_queue, no filter", CurationFilter::default()),
        (
            "05 curation_queue, dataset SynthNer",
            CurationFilter {
                dataset: Some(FILTER_DATASET.into()),
                ..Default::default()
            },
        ),
        (
            "06 curation_queue, reason correction_proposed",
            CurationFilter {
                reason: Some(FILTER_REASON.into()),
                ..Default::default()
            },
        ),
        (
            "07 curation_queue, department gynecology",
            CurationFilter {
                department: Some(FILTER_DEPARTMENT.into()),
                ..Default::default()
            },
        ),
        (
            "08 curation_queue, all three filters",
            CurationFilter {
                dataset: Some(FILTER_DATASET.into()),
                reason: Some(FILTER_REASON.into()),
                department: Some(FILTER_DEPARTMENT.into()),
            },
        ),
    ];
    let mut waiting = 0;
    for (key, filter) in &filters {
        let mut s = Samples::default();
        let mut queue = None;
        for _ in 0..RUNS {
            queue = Some(
                s.time(|| store.curation_queue(CURATOR, filter, QUEUE_LIMIT))
                    .unwrap(),
            );
        }
        let q = queue.unwrap();
        assert!(!q.rows.is_empty(), "{key}: an empty queue");
        if filter.dataset.is_none() && filter.department.is_none() {
            waiting = q.waiting;
        }
        let result = format!("{} rows, {} matching", q.rows.len(), q.matching);
        rows.insert(key.to_string(), stats(&s, result));
    }

    let first = store
        .curation_queue(CURATOR, &CurationFilter::default(), QUEUE_LIMIT)
        .unwrap()
        .rows
        .remove(0);
    let mut s = Samples::default();
    for _ in 0..RUNS {
        let case = s
            .time(|| store.curation_case(CURATOR, &first.dataset, &first.item_id))
            .unwrap()
            .expect("the first item of the queue is a case");
        assert_eq!(case.reviews.len(), 2);
    }
    let result = format!("{}/{}", first.dataset, first.item_id);
    rows.insert(
        "09 curation_case, first of the queue".into(),
        stats(&s, result),
    );
    drop(store);

    // The first start of the day: the database file not in the page cache.
    let (mut open, mut agree, mut queue, mut case) = Default::default();
    for _ in 0..COLD_RUNS {
        evict(db);
        let store = Samples::time(&mut open, || Store::open_existing(db)).unwrap();
        Samples::time(&mut agree, || store.agreement(None)).unwrap();
        drop(store);
        evict(db);
        let store = Store::open_existing(db).unwrap();
        Samples::time(&mut queue, || {
            store.curation_queue(CURATOR, &CurationFilter::default(), QUEUE_LIMIT)
        })
        .unwrap();
        Samples::time(&mut case, || {
            store.curation_case(CURATOR, &first.dataset, &first.item_id)
        })
        .unwrap();
    }
    let cold = "database not cached";
    rows.insert(
        format!("10 Store::open, {cold}"),
        stats(&open, String::new()),
    );
    rows.insert(
        format!("11 agreement, all, {cold}"),
        stats(&agree, String::new()),
    );
    rows.insert(
        format!("12 curation_queue, {cold}"),
        stats(&queue, String::new()),
    );
    rows.insert(
        "13 curation_case after 12".to_string(),
        stats(&case, String::new()),
    );
    json!({
        "rows": rows,
        "agreement_items": all,
        "waiting": waiting,
        "loadavg": fs::read_to_string("/proc/loadavg").unwrap_or_default(),
    })
}

fn parent() {
    let n = common::bench_items();
    assert!(n >= 1000, "MEDCURATE_BENCH_ITEMS={n}: use at least 1000");
    let tmp = tempfile::Builder::new()
        .prefix("medcurate-bench-")
        .tempdir()
        .unwrap();
    let db = tmp.path().join("curation.sqlite");
    let (dir, db_arg) = (tmp.path().join("data"), db.to_str().unwrap());
    eprintln!("building a workspace of {n} items, each with two submitted reviews");
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
         reviews {:.1} s, check {:.1} s, sync {:.1} s; database {:.0} MB",
        f("generate"),
        s["bytes"].as_f64().unwrap() / 1e6,
        f("import"),
        f("people"),
        f("reviews"),
        f("check"),
        f("sync"),
        s["db_bytes"].as_f64().unwrap() / 1e6,
    );
    let c = &s["counts"];
    let settled = |k: &str| c[k].as_u64().unwrap_or(0);
    eprintln!(
        "  reviews: {} items accepted, {} awaiting a curator ({:.1}%), {} reviewer pairs",
        settled("accepted"),
        settled("needs_curation"),
        100.0 * settled("needs_curation") as f64 / n as f64,
        c["reviewer_pairs"]
    );
    eprintln!("measuring");
    let m = common::run_child("measure", &[db_arg]);
    assert_eq!(m["agreement_items"].as_u64(), Some(n as u64));
    assert_eq!(m["waiting"].as_u64(), Some(settled("needs_curation")));

    println!();
    println!(
        "agreement and curation on {n} items, two reviews each, {REVIEWERS} annotators \
         (ms; {RUNS} calls per row, {COLD_RUNS} in rows 10-13)"
    );
    println!(
        "{:<46} {:>9} {:>9} {:>9} {:>8} {:>8}  result",
        "", "min", "median", "max", "cpu med", "cpu max"
    );
    let (mut agreement_worst, mut queue_worst) = (0f64, 0f64);
    for (name, v) in m["rows"].as_object().unwrap() {
        let f = |k: &str| v[k].as_f64().unwrap();
        println!(
            "{:<46} {:>9.1} {:>9.1} {:>9.1} {:>8.1} {:>8.1}  {}",
            &name[3..],
            f("min"),
            f("median"),
            f("max"),
            f("cpu_median"),
            f("cpu_max"),
            v["result"].as_str().unwrap()
        );
        let warm = !name.contains("not cached") && !name.contains("after 12");
        if warm && name.contains("agreement") {
            agreement_worst = agreement_worst.max(f("max"));
        }
        if warm && name.contains("curation_queue") {
            queue_worst = queue_worst.max(f("max"));
        }
    }
    println!(
        "wall-clock times except the cpu columns (this thread's CPU time); rows 1-9 with the \
         database in the page cache; load average after measuring: {}",
        m["loadavg"].as_str().unwrap_or("?").trim()
    );
    let verdict = |worst: f64, target: f64| if worst < target { "PASS" } else { "FAIL" };
    println!(
        "{} against target: agreement < {AGREEMENT_TARGET_MS:.0} ms (slowest of rows 1-3: \
         {agreement_worst:.1} ms)",
        verdict(agreement_worst, AGREEMENT_TARGET_MS)
    );
    println!(
        "{} against target: curation queue open < {QUEUE_TARGET_MS:.0} ms (slowest of rows \
         4-8: {queue_worst:.1} ms)",
        verdict(queue_worst, QUEUE_TARGET_MS)
    );
}
