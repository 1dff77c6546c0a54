//! The review queue's counts (`Store::review_queue_at`: per dataset, a reviewer's submitted
//! reviews, claims in progress, items available) stay exact while the data changes. They are
//! read from counts the schema keeps up to date; here they are checked against a brute-force
//! count over every item and review row, after every step of random workloads: claims (in a
//! dataset or any), submits (agreeing, disagreeing, changed), draft saves, skips, leases
//! running out (and expired by the next claim), lapsed claims completed, reviews imported,
//! curators accepting, discarding and revising (for fresh eyes or not), and revisions imported
//! that send items back to review. Now and then the brute force is itself checked against
//! what claims really give, on a copy of the database. Reviewers have specialties and one
//! dataset routes strictly: there "available" counts only the items routing lets them take.
//! Finally the migration that adds the counts computes the same from the data it finds.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::curation::Decision;
use medcurate::domain::item::ItemBody;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::domain::routing::Routing;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::{ExternalReview, QueueRow, Store, clock};
use medcurate::synth::SplitMix64;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const REVIEWERS: [&str; 5] = ["r0", "r1", "r2", "r3", "r4"];
const CURATOR: &str = "cur";
const DATASETS: [(&str, usize); 3] = [("Alpha", 9), ("Beta", 6), ("Gamma", 4)];
const HOUR: Duration = Duration::from_secs(3600);
/// Each reviewer's specialties; Beta routes strictly, Gamma ignores specialties.
const SPECIALTIES: [&[&str]; 5] = [
    &["cardiology"],
    &["nephrology"],
    &[],
    &["hematology", "cardiology"],
    &[],
];
const STRICT: &str = "Beta";
/// The suggested departments an item's revision may carry.
const DEPARTMENTS: [&[&str]; 5] = [
    &["cardiology"],
    &["nephrology", "hematology", "cardiology"],
    &["no-department"],
    &[],
    &["general-practice"],
];

fn item_line(id: &str, variant: usize) -> String {
    serde_json::json!({
        "id": id,
        "kind": "mcq",
        "stem": format!("维生素C缺乏可引起下列哪种疾病（{id}，第{variant}版）"),
        "options": [
            {"label": "A", "text": "坏血病"},
            {"label": "B", "text": "脚气病"},
            {"label": "C", "text": "夜盲症"}
        ],
        "answer": "A",
        "suggested_departments": DEPARTMENTS[(id.len() * 7 + id.bytes().map(usize::from).sum::<usize>() + variant) % DEPARTMENTS.len()],
    })
    .to_string()
}

fn import_lines(store: &mut Store, dir: &Path, dataset: &str, lines: &[String], revise: bool) {
    let file = dir.join(format!("{dataset}.jsonl"));
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: dataset.into(),
        format: Format::Native,
        revise,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "test".into(),
    };
    let r = import(store, &opts, &mut |_, _| {}).unwrap();
    assert!(r.committed, "{:?}", r.errors);
}

fn person(id: &str, role: Role) -> Person {
    Person {
        id: id.into(),
        name: format!("Dr {id}"),
        roles: vec![role],
        os_user: None,
    }
}

fn setup(dir: &Path) -> Store {
    let mut store = Store::open(&common::backend::db_at(dir, "t.db")).unwrap();
    for (id, spec) in REVIEWERS.iter().zip(SPECIALTIES) {
        let spec: Vec<String> = spec.iter().map(|s| s.to_string()).collect();
        store
            .add_person_with_specialties(&person(id, Role::Annotator), &spec, "test")
            .unwrap();
    }
    store
        .add_person(&person(CURATOR, Role::Curator), "test")
        .unwrap();
    for (name, n) in DATASETS {
        let lines: Vec<String> = (0..n)
            .map(|i| item_line(&format!("{name}-{i}"), 1))
            .collect();
        import_lines(&mut store, dir, name, &lines, false);
    }
    store.set_routing(STRICT, Routing::Strict, "test").unwrap();
    store.set_routing("Gamma", Routing::None, "test").unwrap();
    store
}

// --- the brute force -------------------------------------------------------------------

struct ItemRow {
    id: i64,
    dataset: String,
    state: String,
    revision_no: i64,
    active_reviews: i64,
    fresh_eyes: bool,
    /// Final departments, else the current revision's suggested ones.
    departments: Vec<String>,
}

struct ReviewRow {
    id: i64,
    item_id: i64,
    revision_no: i64,
    reviewer: String,
    status: String,
    lease_expires_at: Option<String>,
}

fn read_rows(db: &Path) -> (Vec<ItemRow>, Vec<ReviewRow>) {
    let conn = common::backend::raw(db);
    let items = conn
        .prepare(
            "SELECT i.id, d.name, i.state, i.revision_no, i.active_reviews, i.fresh_eyes,
                    i.departments, v.body
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no",
        )
        .unwrap()
        .query_map([], |r| {
            Ok(ItemRow {
                id: r.get(0)?,
                dataset: r.get(1)?,
                state: r.get(2)?,
                revision_no: r.get(3)?,
                active_reviews: r.get(4)?,
                fresh_eyes: r.get(5)?,
                departments: departments_of(r.get(6)?, &r.get::<_, String>(7)?),
            })
        })
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    let reviews = conn
        .prepare("SELECT id, item_id, revision_no, reviewer, status, lease_expires_at FROM reviews")
        .unwrap()
        .query_map([], |r| {
            Ok(ReviewRow {
                id: r.get(0)?,
                item_id: r.get(1)?,
                revision_no: r.get(2)?,
                reviewer: r.get(3)?,
                status: r.get(4)?,
                lease_expires_at: r.get(5)?,
            })
        })
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    (items, reviews)
}

/// An item's departments: its final ones, else its revision's suggested ones.
fn departments_of(departments: Option<String>, body: &str) -> Vec<String> {
    let ids = match departments {
        Some(d) => serde_json::from_str(&d).unwrap(),
        None => serde_json::from_str::<serde_json::Value>(body).unwrap()["suggested_departments"]
            .clone(),
    };
    serde_json::from_value(ids).unwrap_or_default()
}

/// (submitted, in progress, available) per dataset for `who` at `now`, from every row: what
/// a claim at `now` gives, after it has expired the leases that ran out by then.
fn brute_force(
    (items, reviews): &(Vec<ItemRow>, Vec<ReviewRow>),
    who: &str,
    now: SystemTime,
) -> BTreeMap<String, (u64, u64, u64)> {
    let now = clock::iso(now);
    let mut out: BTreeMap<String, (u64, u64, u64)> = DATASETS
        .iter()
        .map(|(d, _)| (d.to_string(), (0, 0, 0)))
        .collect();
    let lapsed = |r: &ReviewRow| {
        r.lease_expires_at
            .as_deref()
            .is_none_or(|l| l <= now.as_str())
    };
    for i in items {
        let of_item: Vec<&ReviewRow> = reviews.iter().filter(|r| r.item_id == i.id).collect();
        let current = || of_item.iter().filter(|r| r.revision_no == i.revision_no);
        // The premise of the claim rules: an item counts its reviews in force.
        let held = current()
            .filter(|r| r.status == "claimed" || r.status == "submitted")
            .count() as i64;
        assert_eq!(i.active_reviews, held, "item {} counts its reviews", i.id);
        let row = out.get_mut(&i.dataset).unwrap();
        for r in of_item.iter().filter(|r| r.reviewer == who) {
            match r.status.as_str() {
                "submitted" => row.0 += 1,
                "claimed" if !lapsed(r) => row.1 += 1,
                _ => {}
            }
        }
        let in_force = current()
            .filter(|r| r.status == "submitted" || (r.status == "claimed" && !lapsed(r)))
            .count();
        let theirs = current().any(|r| r.reviewer == who);
        let reviewed_before = of_item
            .iter()
            .any(|r| r.reviewer == who && r.revision_no < i.revision_no && r.status == "submitted");
        // In the strict dataset, an item with departments only for those it meets.
        let spec = SPECIALTIES[REVIEWERS.iter().position(|r| *r == who).unwrap()];
        let tagged: Vec<&String> = i
            .departments
            .iter()
            .filter(|d| *d != "no-department")
            .collect();
        let routed = i.dataset != STRICT
            || tagged.is_empty()
            || tagged.iter().any(|d| spec.contains(&d.as_str()));
        if i.state == "in_review"
            && in_force < 2
            && !theirs
            && !(i.fresh_eyes && reviewed_before)
            && routed
        {
            row.2 += 1;
        }
    }
    out
}

fn fast(store: &Store, who: &str, now: SystemTime) -> BTreeMap<String, (u64, u64, u64)> {
    store
        .review_queue_at(who, now)
        .unwrap()
        .into_iter()
        .map(
            |QueueRow {
                 dataset,
                 submitted,
                 in_progress,
                 available,
                 ..
             }| (dataset, (submitted, in_progress, available)),
        )
        .collect()
}

/// The open items per dataset and department bit (`route_open`), against a count over the
/// items: they differ in no row (rows counted down to zero may stay).
fn check_route_counts(db: &Path, step: &str) {
    let conn = common::backend::raw(db);
    // Each item's departments as bits: its final ones, else its revision's suggested ones
    // (an import stores its new items' bits itself).
    let bits: BTreeMap<String, i64> = conn
        .prepare("SELECT id, bit FROM department_bits")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    let masks: Vec<(i64, i64, Option<String>, String)> = conn
        .prepare(
            "SELECT i.id, i.route_mask, i.departments, v.body FROM items i
             JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    let wrong_masks: Vec<(i64, i64, i64)> = masks
        .into_iter()
        .filter_map(|(id, mask, departments, body)| {
            let should = departments_of(departments, &body)
                .iter()
                .filter_map(|d| bits.get(d))
                .fold(0i64, |m, b| m | (1i64 << b));
            (mask != should).then_some((id, mask, should))
        })
        .collect();
    assert!(
        wrong_masks.is_empty(),
        "(item, route_mask, should be) after {step}: {wrong_masks:?}"
    );
    let wrong: Vec<(i64, i64, i64, i64)> = conn
        .prepare(
            "WITH counted AS (
                SELECT i.dataset_id, b.bit, count(*) AS items FROM items i, route_bits b
                WHERE i.state = 'in_review' AND i.active_reviews < 2
                  AND CASE WHEN b.bit = 64 THEN (CASE WHEN i.route_mask <> 0 THEN 1 ELSE 0 END)
                      ELSE (i.route_mask >> b.bit) & 1 END = 1
                GROUP BY i.dataset_id, b.bit)
             SELECT c.dataset_id, c.bit, c.items, coalesce(o.items, 0) FROM counted c
             LEFT JOIN route_open o ON o.dataset_id = c.dataset_id AND o.bit = c.bit
             WHERE c.items <> coalesce(o.items, 0)
             UNION ALL
             SELECT o.dataset_id, o.bit, 0, o.items FROM route_open o
             WHERE o.items <> 0 AND NOT EXISTS (SELECT 1 FROM counted c
                 WHERE c.dataset_id = o.dataset_id AND c.bit = o.bit)",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    assert!(
        wrong.is_empty(),
        "(dataset, bit, counted, kept) after {step}: {wrong:?}"
    );
}

/// The per-department queue (`route_queue`) holds each open item with departments once per
/// department, with the item's columns as they are now: nothing more, nothing less.
fn check_route_queue(db: &Path, step: &str) {
    let conn = common::backend::raw(db);
    let wrong: Vec<(i64, i64, i64)> = conn
        .prepare(
            "WITH should AS (
                SELECT b.bit, i.dataset_id, i.active_reviews, i.id AS item_id, i.revision_no,
                       i.solo_reviewer, i.fresh_eyes, i.route_mask
                FROM items i JOIN department_bits b ON (i.route_mask >> b.bit) & 1 = 1
                WHERE i.state = 'in_review' AND i.active_reviews < 2),
             diff AS (SELECT * FROM (SELECT * FROM should EXCEPT SELECT * FROM route_queue) a
                      UNION ALL
                      SELECT * FROM (SELECT * FROM route_queue EXCEPT SELECT * FROM should) b)
             SELECT bit, item_id, active_reviews FROM diff",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    assert!(
        wrong.is_empty(),
        "route_queue rows (bit, item, active) differ after {step}: {wrong:?}"
    );
}

fn check(store: &Store, db: &Path, now: SystemTime, step: &str) {
    check_route_counts(db, step);
    check_route_queue(db, step);
    let rows = read_rows(db);
    // Now, and later, when more leases have run out.
    for at in [now, now + 12 * HOUR, now + 49 * HOUR] {
        for who in REVIEWERS {
            assert_eq!(
                fast(store, who, at),
                brute_force(&rows, who, at),
                "{who} at {} after {step}",
                clock::iso(at)
            );
        }
    }
}

/// What claims at `now` really give `who` in each dataset, on a copy of the database: claim
/// and give back until nothing is left (their own open claim, resumed first, not counted).
fn claimable(db: &Path, dir: &Path, who: &str, now: SystemTime) -> BTreeMap<String, u64> {
    let copy = dir.join("copy.db");
    let _ = std::fs::remove_file(&copy);
    if common::backend::postgres().is_some() {
        // A SQLite copy of the PostgreSQL workspace: what claims give there is checked
        // against what PostgreSQL counts.
        let source = Store::open(db).unwrap();
        source
            .copy_into(&mut Store::open(&copy).unwrap(), |_, _| {})
            .unwrap();
    } else {
        let conn = common::backend::raw(db);
        conn.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
            .unwrap();
    }
    let mut store = Store::open(&copy).unwrap();
    let mine: HashSet<i64> = read_rows(&copy)
        .1
        .into_iter()
        .filter(|r| r.reviewer == who && r.status == "claimed")
        .map(|r| r.id)
        .collect();
    let mut out = BTreeMap::new();
    for (ds, _) in DATASETS {
        let mut n = 0;
        while let Some(a) = store.claim_next_at(who, Some(ds), now).unwrap() {
            if !mine.contains(&a.review_id) {
                n += 1;
            }
            store.release_review(who, a.review_id).unwrap();
        }
        out.insert(ds.to_string(), n);
    }
    out
}

// --- the workload ----------------------------------------------------------------------

fn passing(body: &ItemBody) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = vec!["general-practice".into()];
    r
}

/// A complete review: passing, or failing one criterion, or with other departments.
fn some_review(rng: &mut SplitMix64, body: &ItemBody) -> ReviewContent {
    let mut r = passing(body);
    match rng.below(4) {
        0 => {
            let cs = applicable(body);
            let c = cs[rng.below(cs.len())];
            r.verdicts.insert(
                c,
                Verdict::Fail {
                    reason: "题干信息不足".into(),
                },
            );
        }
        1 => r.departments = vec!["cardiology".into()],
        _ => {}
    }
    r
}

/// A review row of `who` (with this status), with its item's body at that revision.
fn pick_review(
    rng: &mut SplitMix64,
    db: &Path,
    who: &str,
    status: &str,
) -> Option<(i64, ItemBody)> {
    let conn = common::backend::raw(db);
    let rows: Vec<(i64, String)> = conn
        .prepare(
            "SELECT r.id, v.body FROM reviews r
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             WHERE r.reviewer = ?1 AND r.status = ?2 ORDER BY r.id",
        )
        .unwrap()
        .query_map([who, status], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    if rows.is_empty() {
        return None;
    }
    let (id, body) = &rows[rng.below(rows.len())];
    Some((*id, serde_json::from_str(body).unwrap()))
}

/// An item in `state`: dataset, ext id, revision, body.
fn pick_item(
    rng: &mut SplitMix64,
    db: &Path,
    state: Option<&str>,
) -> Option<(String, String, i64, serde_json::Value)> {
    let conn = common::backend::raw(db);
    let rows: Vec<(String, String, i64, String)> = conn
        .prepare(
            "SELECT d.name, i.ext_id, i.revision_no, v.body FROM items i
             JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no
             WHERE ?1 IS NULL OR i.state = ?1 ORDER BY i.id",
        )
        .unwrap()
        .query_map([state], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    if rows.is_empty() {
        return None;
    }
    let (ds, ext, rev, body) = rows[rng.below(rows.len())].clone();
    Some((ds, ext, rev, serde_json::from_str(&body).unwrap()))
}

/// One random step; says what it did.
fn step(
    rng: &mut SplitMix64,
    store: &mut Store,
    dir: &Path,
    db: &Path,
    now: &mut SystemTime,
    revisions: &mut usize,
) -> String {
    let who = REVIEWERS[rng.below(REVIEWERS.len())];
    match rng.below(100) {
        // Time passes: leases run out.
        0..=9 => {
            *now += HOUR * rng.between(1, 30) as u32;
            "time passing".into()
        }
        10..=34 => {
            let ds = match rng.below(4) {
                0 => None,
                k => Some(DATASETS[k - 1].0),
            };
            let got = store.claim_next_at(who, ds, *now).unwrap();
            format!("{who} claiming in {ds:?}: {:?}", got.map(|a| a.review_id))
        }
        35..=54 => match pick_review(rng, db, who, "claimed") {
            Some((id, body)) => {
                let r = store.submit_review(who, id, &some_review(rng, &body));
                format!("{who} submitting {id}: {r:?}")
            }
            None => "nothing to submit".into(),
        },
        55..=61 => match pick_review(rng, db, who, "claimed") {
            Some((id, _)) => {
                let r = store.release_review(who, id);
                format!("{who} skipping {id}: {r:?}")
            }
            None => "nothing to skip".into(),
        },
        62..=66 => match pick_review(rng, db, who, "claimed") {
            Some((id, body)) => {
                let mut draft = ReviewContent::default();
                draft.verdicts.insert(applicable(&body)[0], Verdict::Pass);
                let r = store.save_draft(who, id, &draft);
                format!("{who} saving a draft of {id}: {r:?}")
            }
            None => "no draft to save".into(),
        },
        // A lapsed claim completed after all, or a submitted review changed.
        67..=72 => {
            let status = if rng.percent(50) {
                "expired"
            } else {
                "submitted"
            };
            match pick_review(rng, db, who, status) {
                Some((id, body)) => {
                    let r = store.submit_review(who, id, &some_review(rng, &body));
                    format!("{who} submitting {status} {id}: {r:?}")
                }
                None => format!("no {status} review"),
            }
        }
        73..=77 => match pick_item(rng, db, Some("in_review")) {
            Some((ds, ext, _, body)) => {
                let body: ItemBody = serde_json::from_value(body).unwrap();
                let r = store.import_reviews(
                    who,
                    &[ExternalReview {
                        line: 1,
                        dataset: ds.clone(),
                        item_id: ext.clone(),
                        content: some_review(rng, &body),
                        reviewer: None,
                        revision_no: None,
                    }],
                );
                format!("{who} importing a review of {ds}/{ext}: {r:?}")
            }
            None => "nothing to import a review of".into(),
        },
        78..=91 => match pick_item(rng, db, Some("needs_curation")) {
            Some((ds, ext, rev, mut body)) => {
                let decision = match rng.below(3) {
                    0 => Decision::Accept {
                        departments: vec!["general-practice".into()],
                    },
                    1 => Decision::Discard {
                        reason: "重复题目".into(),
                    },
                    _ => {
                        *revisions += 1;
                        body["stem"] = format!("修订后的题干（{ext}，第{revisions}次）").into();
                        Decision::Revise {
                            body: Box::new(serde_json::from_value(body).unwrap()),
                            note: None,
                        }
                    }
                };
                let r = store.decide(CURATOR, &ds, &ext, rev, decision);
                format!("deciding {ds}/{ext}: {r:?}")
            }
            None => "nothing to curate".into(),
        },
        // A new revision imported (back to review from any state), with a new item beside
        // it: the import adds its new items to the routing tables when it finishes.
        _ => match pick_item(rng, db, None) {
            Some((ds, ext, _, _)) => {
                *revisions += 1;
                let new = format!("{ext}-new{revisions}");
                let lines = [item_line(&ext, 1 + *revisions), item_line(&new, *revisions)];
                import_lines(store, dir, &ds, &lines, true);
                format!("importing a revision of {ds}/{ext} and a new {ds}/{new}")
            }
            None => "no item".into(),
        },
    }
}

fn run_workload(seed: u64, steps: usize) -> (tempfile::TempDir, PathBuf, SystemTime) {
    let dir = tempfile::tempdir().unwrap();
    let db = common::backend::db_at(dir.path(), "t.db");
    let mut store = setup(dir.path());
    let mut rng = SplitMix64::new(seed);
    let mut now = SystemTime::now();
    let mut revisions = 0;
    check(&store, &db, now, "setup");
    let mut log = Vec::new();
    for k in 0..steps {
        let what = step(
            &mut rng,
            &mut store,
            dir.path(),
            &db,
            &mut now,
            &mut revisions,
        );
        log.push(what);
        check(
            &store,
            &db,
            now,
            &log[log.len().saturating_sub(5)..].join("; "),
        );
        if k % 60 == 59 {
            let who = REVIEWERS[rng.below(REVIEWERS.len())];
            let real = claimable(&db, dir.path(), who, now);
            let counted: BTreeMap<String, u64> = fast(&store, who, now)
                .into_iter()
                .map(|(d, (_, _, a))| (d, a))
                .collect();
            assert_eq!(counted, real, "{who} after step {k}: what claims give");
        }
    }
    (dir, db, now)
}

#[test]
fn the_queue_counts_match_a_brute_force_count_over_random_workloads() {
    for seed in 1..=6 {
        run_workload(seed, 400);
    }
}

#[test]
fn the_migration_counts_what_it_finds() {
    if common::backend::skip_on_postgres("it replays SQLite's migrations") {
        return;
    }
    let (_dir, db, now) = run_workload(99, 300);
    write_earlier_reviews(&db, now, false);
    let before: Vec<_> = {
        let store = Store::open(&db).unwrap();
        REVIEWERS.iter().map(|w| fast(&store, w, now)).collect()
    };
    // Back to the schema before the counts, with the data as it is.
    let conn = common::backend::raw(&db);
    conn.execute_batch(include_str!("fixtures/before_routing.sql"))
        .unwrap();
    conn.execute_batch(
        "DROP TABLE queue_open; DROP TABLE queue_reviewer;
         DROP TRIGGER queue_dataset_insert;
         DROP TRIGGER queue_item_delete; DROP TRIGGER queue_item_moved;
         DROP TRIGGER queue_item_open; DROP TRIGGER queue_item_barred;
         DROP TRIGGER queue_review_moved; DROP TRIGGER queue_review_insert;
         DROP TRIGGER queue_review_status; DROP TRIGGER queue_review_delete;
         PRAGMA user_version = 10;",
    )
    .unwrap();
    drop(conn);
    let mut store = Store::open(&db).unwrap();
    // What went with migration 13: the specialties and the datasets' routing.
    for (id, spec) in REVIEWERS.iter().zip(SPECIALTIES) {
        let spec: Vec<String> = spec.iter().map(|s| s.to_string()).collect();
        store.change_specialties(id, &spec, &[], "test").unwrap();
    }
    store.set_routing(STRICT, Routing::Strict, "test").unwrap();
    let after: Vec<_> = REVIEWERS.iter().map(|w| fast(&store, w, now)).collect();
    assert_eq!(after, before);
    check(&store, &db, now, "the migration");
}

#[test]
fn deleted_reviews_and_items_keep_the_counts_exact() {
    if common::backend::skip_on_postgres(
        "it deletes items with foreign keys off, as only SQLite can",
    ) {
        return;
    }
    let (_dir, db, now) = run_workload(7, 200);
    let conn = common::backend::raw(&db);
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM reviews ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    for id in ids.iter().step_by(3) {
        // Keep the premise (an item counts its reviews in force) as a removal would.
        conn.execute(
            "UPDATE items SET active_reviews = active_reviews - 1
             WHERE id = (SELECT item_id FROM reviews WHERE id = ?1
                         AND revision_no = items.revision_no
                         AND (status = 'claimed' OR status = 'submitted'))",
            [id],
        )
        .unwrap();
        conn.execute("DELETE FROM reviews WHERE id = ?1", [id])
            .unwrap();
    }
    conn.execute(
        "DELETE FROM items WHERE id NOT IN (SELECT item_id FROM reviews) AND id % 2 = 0",
        [],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&db).unwrap();
    check(&store, &db, now, "deletes");
}

/// A write straight into the database, or the schema's refusal of a third review in force of
/// a revision (schema 17): such a write leaves the data as it was.
fn written_or_refused(result: medcurate::store::db::Result<usize>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) if e.to_string().contains("at most two reviews in force") => false,
        Err(e) => panic!("{e}"),
    }
}

/// Writes straight into the database what the application never writes: revised items made
/// for fresh eyes, reviews of earlier revisions inserted, their status changed (all but what
/// the schema itself refuses). Checks the counts after each write if `checked`.
fn write_earlier_reviews(db: &Path, now: SystemTime, checked: bool) {
    let mut rng = SplitMix64::new(12);
    let conn = common::backend::raw(db);
    let revised: Vec<(i64, i64)> = conn
        .prepare("SELECT id, revision_no FROM items WHERE revision_no > 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap();
    assert!(revised.len() >= 4, "revised items: {revised:?}");
    let store = Store::open(db).unwrap();
    let check = |what: &str| {
        if checked {
            check(&store, db, now, what)
        }
    };
    let mut written = 0;
    for (k, (item, revision)) in revised.iter().enumerate() {
        conn.execute(
            "UPDATE items SET fresh_eyes = ?2 WHERE id = ?1",
            (item, (k % 3 != 0) as i64),
        )
        .unwrap();
        check(&format!("item {item} for fresh eyes"));
        for who in REVIEWERS {
            let earlier = 1 + rng.below(*revision as usize - 1) as i64;
            let status = ["submitted", "released", "expired"][rng.below(3)];
            written += usize::from(written_or_refused(conn.execute(
                "INSERT INTO reviews
                 (item_id, revision_no, reviewer, status, claimed_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')
                 ON CONFLICT DO NOTHING",
                (item, earlier, who, status),
            )));
            check(&format!("a {status} review of {item}"));
        }
        // The last change leaves some submitted, some not.
        for status in ["expired", "submitted", "released", "submitted", "expired"] {
            written += usize::from(written_or_refused(conn.execute(
                "UPDATE reviews SET status = ?3 WHERE item_id = ?1 AND revision_no < ?2
                 AND id % 3 = ?4",
                (item, revision, status, (k % 3) as i64),
            )));
            check(&format!("earlier reviews of {item} {status}"));
        }
    }
    assert!(written > revised.len() * 4, "only {written} writes went in");
}

#[test]
fn rows_written_straight_into_the_database_keep_the_counts_exact() {
    let (_dir, db, now) = run_workload(11, 300);
    write_earlier_reviews(&db, now, true);
}

#[test]
fn items_and_reviews_keep_their_dataset_item_and_reviewer() {
    let (_dir, db, _) = run_workload(8, 50);
    let conn = common::backend::raw(&db);
    let moved = conn.execute("UPDATE items SET dataset_id = dataset_id + 1", []);
    assert!(
        moved
            .unwrap_err()
            .to_string()
            .contains("stays in its dataset"),
        "an item moved"
    );
    let moved = conn.execute("UPDATE reviews SET revision_no = revision_no + 1", []);
    assert!(
        moved
            .unwrap_err()
            .to_string()
            .contains("stays with its item"),
        "a review moved"
    );
}
