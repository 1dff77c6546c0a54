//! Many reviewers at once on one database file: each thread is a different annotator with its own
//! `Store::open` connection, claiming, drafting and submitting (or skipping) until nothing is
//! left. Afterwards the database is read with rusqlite directly and must show exactly what the
//! threads were told happened: no third reviewer, no reviewer twice on one item, no lost review,
//! every item settled, and no error (in particular no SQLITE_BUSY) from any call.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::item::ItemBody;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::db::Connection;
use medcurate::store::{ReviewStatus, Store, SubmitOutcome, is_busy};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const ITEMS: usize = 200;
const THREADS: usize = 8;
/// Threads `0..SKIPPERS` skip (release) their first claim and about one in `SKIP_ONE_IN` of the
/// rest; the others never do,
/// so every item can always find two reviewers who have not skipped it.
const SKIPPERS: usize = 2;
const SKIP_ONE_IN: u64 = 5;
/// Empty claims in a row, with nothing given back meanwhile, after which a thread stops.
const IDLE_CLAIMS: usize = 300;
/// A hang is a failure, not a stuck CI job.
const DEADLINE: Duration = Duration::from_secs(120);

const ITEM: &str = r#"{"id":"q{N}","kind":"mcq","stem":"维生素C缺乏可引起（{N}）","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"夜盲症"}],"answer":"A"}"#;

fn reviewer(t: usize) -> String {
    format!("dr{t}")
}

fn setup(db: &Path, dir: &Path) {
    let mut store = Store::open(db).unwrap();
    for t in 0..THREADS {
        let p = Person {
            id: reviewer(t),
            name: format!("Dr {t}"),
            roles: vec![Role::Annotator],
            os_user: None,
        };
        store.add_person(&p, "test").unwrap();
    }
    let lines: String = (0..ITEMS)
        .map(|i| ITEM.replace("{N}", &i.to_string()) + "\n")
        .collect();
    let file = dir.join("items.jsonl");
    std::fs::write(&file, lines).unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: "Exam".into(),
        format: Format::Native,
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "test".into(),
    };
    let r = import(&mut store, &opts, &mut |_, _| {}).unwrap();
    assert!(r.committed && r.total().imported == ITEMS as u64);
}

fn passing(body: &ItemBody) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r
}

/// A draft: the first criterion judged, the rest still open.
fn draft(body: &ItemBody) -> ReviewContent {
    let mut r = ReviewContent::default();
    r.verdicts.insert(applicable(body)[0], Verdict::Pass);
    r.comment = Some("草稿".into());
    r
}

/// What one thread was told by the store.
#[derive(Debug, Default)]
struct Tally {
    claims: u64,
    drafts: u64,
    /// Item ids whose submission returned Ok, with what it said.
    submitted: BTreeMap<String, SubmitOutcome>,
    released: Vec<String>,
    /// The longest a claim, or a draft and submission (or skip), took: mostly waiting for the
    /// write lock.
    slowest: Duration,
}

/// Shared by the threads to decide when nothing more can come: a thread that is told "nothing
/// left" stops only when no claim is in anyone's hands and no skip has freed an item since it
/// asked. (A skip frees an item for the others; without this, a thread could stop just before.)
struct Coordination {
    in_flight: AtomicUsize,
    releases: AtomicU64,
    failed: AtomicBool,
    /// Threads holding their first claim. Each waits for all to have one before going on, so
    /// every reviewer takes part (SQLite's busy handler is a sleep-and-retry poll, not a queue:
    /// on two cores a waiting writer could otherwise lose the lock for a whole run).
    have_first: AtomicUsize,
}

/// Decrements `in_flight` however the turn ends, so a failing thread cannot hang the others.
struct InFlight<'a>(&'a AtomicUsize);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn describe(call: &str, item: &str, e: &anyhow::Error) -> String {
    format!("{call} {item}: busy={} {e:#}", is_busy(e))
}

fn work(t: usize, db: &Path, co: &Coordination, start: &Barrier) -> Result<Tally, String> {
    let me = reviewer(t);
    let mut store = Store::open(db).map_err(|e| describe("open", "", &e))?;
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (t as u64 + 1);
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        rng >> 33
    };
    let mut tally = Tally::default();
    let mut seen = HashSet::new();
    let mut idle = 0usize;
    let started = Instant::now();
    start.wait();
    loop {
        if co.failed.load(Ordering::SeqCst) {
            return Err("stopped: another thread failed".into());
        }
        if started.elapsed() > DEADLINE {
            return Err(format!("{me} still working after {DEADLINE:?}"));
        }
        let releases_before = co.releases.load(Ordering::SeqCst);
        co.in_flight.fetch_add(1, Ordering::SeqCst);
        let guard = InFlight(&co.in_flight);
        let call = Instant::now();
        let a = store
            .claim_next(&me, None)
            .map_err(|e| describe("claim_next", "", &e))?;
        tally.slowest = tally.slowest.max(call.elapsed());
        let Some(a) = a else {
            drop(guard);
            if co.releases.load(Ordering::SeqCst) != releases_before {
                idle = 0;
            } else {
                idle += 1;
            }
            // Done when no one is in a call, or when nothing was given back through a long
            // run of empty claims (on a server the others' empty claims overlap all the time).
            if idle > 0 && (co.in_flight.load(Ordering::SeqCst) == 0 || idle >= IDLE_CLAIMS) {
                return Ok(tally);
            }
            thread::sleep(Duration::from_millis(1));
            continue;
        };
        idle = 0;
        tally.claims += 1;
        if tally.claims == 1 {
            co.have_first.fetch_add(1, Ordering::SeqCst);
            while co.have_first.load(Ordering::SeqCst) < THREADS {
                if co.failed.load(Ordering::SeqCst) || started.elapsed() > DEADLINE {
                    return Err(format!("{me} waited for the others' first claims"));
                }
                thread::sleep(Duration::from_millis(1));
            }
        }
        let item = a.item.id.clone();
        // Never the same item twice, and never someone else's draft: every claim is fresh.
        if !seen.insert(item.clone()) {
            return Err(format!("{me} was given {item} a second time"));
        }
        if a.status != ReviewStatus::Claimed || a.content != ReviewContent::default() {
            return Err(format!(
                "{me} got {item} as {:?} with {:?}",
                a.status, a.content
            ));
        }
        // A moment of reading: without it, the thread that just committed takes the lock again
        // at once and the others wait far longer.
        thread::sleep(Duration::from_micros(next() % 1000));
        let call = Instant::now();
        if next() % 2 == 0 {
            store
                .save_draft(&me, a.review_id, &draft(&a.item.body))
                .map_err(|e| describe("save_draft", &item, &e))?;
            tally.drafts += 1;
        }
        if t < SKIPPERS && (tally.released.is_empty() || next() % SKIP_ONE_IN == 0) {
            store
                .release_review(&me, a.review_id)
                .map_err(|e| describe("release_review", &item, &e))?;
            co.releases.fetch_add(1, Ordering::SeqCst);
            tally.released.push(item);
        } else {
            let out = store
                .submit_review(&me, a.review_id, &passing(&a.item.body))
                .map_err(|e| describe("submit_review", &item, &e))?;
            tally.submitted.insert(item, out);
        }
        tally.slowest = tally.slowest.max(call.elapsed());
        drop(guard);
        thread::sleep(Duration::from_micros(next() % 1000));
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Reads the whole review state in one snapshot and checks what must hold at every instant.
fn check_in_force(conn: &mut Connection) -> Result<(), String> {
    let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
    let bad: Vec<(String, i64, i64, i64)> = tx
        .prepare(
            "SELECT i.ext_id, i.active_reviews,
                    (SELECT count(*) FROM reviews r WHERE r.item_id = i.id
                       AND r.revision_no = i.revision_no
                       AND (r.status = 'claimed' OR r.status = 'submitted')),
                    (SELECT count(*) FROM reviews r WHERE r.item_id = i.id
                       AND r.revision_no = i.revision_no AND r.status = 'submitted')
             FROM items i",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<medcurate::store::db::Result<Vec<_>>>()
        })
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|&(_, active, in_force, submitted)| {
            active != in_force || in_force > 2 || submitted > 2
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "(item, active_reviews, in force, submitted): {bad:?}"
        ))
    }
}

/// A plain connection for reading only (read-only flags would fail once the last writer has
/// closed and removed the WAL index).
fn reader(db: &Path) -> Connection {
    common::backend::raw(db)
}

#[test]
fn eight_reviewers_at_once_lose_nothing_and_never_exceed_two() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = common::backend::db_at(dir.path(), "t.db");
    setup(&db, dir.path());

    let co = Arc::new(Coordination {
        in_flight: AtomicUsize::new(0),
        releases: AtomicU64::new(0),
        failed: AtomicBool::new(false),
        have_first: AtomicUsize::new(0),
    });
    let start = Arc::new(Barrier::new(THREADS + 1));
    let done = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (db, co, start) = (db.clone(), co.clone(), start.clone());
            thread::spawn(move || {
                let r = work(t, &db, &co, &start);
                if r.is_err() {
                    co.failed.store(true, Ordering::SeqCst);
                }
                r
            })
        })
        .collect();
    // While they work, an observer checks the invariants in consistent snapshots.
    let observer = {
        let (db, done) = (db.clone(), done.clone());
        thread::spawn(move || {
            let mut conn = reader(&db);
            let mut snapshots = 0u64;
            while !done.load(Ordering::SeqCst) {
                check_in_force(&mut conn)?;
                snapshots += 1;
                thread::sleep(Duration::from_millis(2));
            }
            Ok::<u64, String>(snapshots)
        })
    };
    start.wait();
    let results: Vec<Result<Tally, String>> = workers
        .into_iter()
        .enumerate()
        .map(|(t, w)| w.join().unwrap_or_else(|_| panic!("thread {t} panicked")))
        .collect();
    done.store(true, Ordering::SeqCst);
    let observed = observer.join().unwrap();
    let errors: Vec<String> = results
        .iter()
        .enumerate()
        .filter_map(|(t, r)| r.as_ref().err().map(|e| format!("{}: {e}", reviewer(t))))
        .collect();
    assert!(
        errors.is_empty(),
        "errors from the store:\n{}",
        errors.join("\n")
    );
    let snapshots = observed.unwrap_or_else(|e| panic!("observer: {e}"));
    let tallies: Vec<Tally> = results.into_iter().map(Result::unwrap).collect();
    let worked = started.elapsed();

    let mut conn = reader(&db);
    check_in_force(&mut conn).unwrap();

    // No lost review: every Ok submission is in the database as that reviewer's submitted
    // review, every Ok skip as released, and nothing else is there.
    let mut stored: BTreeMap<(String, String), String> = BTreeMap::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT r.reviewer, i.ext_id, r.status, r.revision_no = i.revision_no
                 FROM reviews r JOIN items i ON i.id = r.item_id",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (who, item, status, current) = row.unwrap();
            assert!(current, "{who}'s review of {item} is of an old revision");
            let prev = stored.insert((who.clone(), item.clone()), status);
            assert!(prev.is_none(), "{who} reviewed {item} twice");
        }
    }
    let mut expected: BTreeMap<(String, String), String> = BTreeMap::new();
    for (t, tally) in tallies.iter().enumerate() {
        for item in tally.submitted.keys() {
            expected.insert((reviewer(t), item.clone()), "submitted".into());
        }
        for item in &tally.released {
            let prev = expected.insert((reviewer(t), item.clone()), "released".into());
            assert!(
                prev.is_none(),
                "{} both submitted and skipped {item}",
                reviewer(t)
            );
        }
    }
    assert_eq!(
        stored, expected,
        "the reviews stored are exactly those the store said it took"
    );
    for (t, tally) in tallies.iter().enumerate() {
        let who = reviewer(t);
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM reviews WHERE reviewer = ?1 AND status = 'submitted'",
                [&who],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            n as usize,
            tally.submitted.len(),
            "{who}'s submitted reviews"
        );
        assert_eq!(
            tally.claims as usize,
            tally.submitted.len() + tally.released.len(),
            "{who}: every claim ended in a submission or a skip"
        );
    }

    // Six reviewers never skip, so every item found its pair: exactly two submitted reviews,
    // accepted (both pass, no departments), nothing in force but those two.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM items WHERE state = 'accepted'"),
        ITEMS as i64
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM items i WHERE active_reviews = 2 AND 2 = (
                SELECT count(*) FROM reviews r WHERE r.item_id = i.id AND r.status = 'submitted')"
        ),
        ITEMS as i64
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM reviews WHERE status = 'claimed' OR status = 'expired'"
        ),
        0
    );
    let outcomes = |want: SubmitOutcome| {
        tallies
            .iter()
            .flat_map(|t| t.submitted.values())
            .filter(|&&o| o == want)
            .count()
    };
    assert_eq!(
        outcomes(SubmitOutcome::Accepted),
        ITEMS,
        "one settling per item"
    );
    assert_eq!(
        outcomes(SubmitOutcome::Waiting),
        ITEMS,
        "one first review per item"
    );
    assert_eq!(outcomes(SubmitOutcome::NeedsCuration), 0);
    // The item a submission settled has the other review in: per item, one Waiting then one
    // Accepted, from two different reviewers.
    let mut per_item: BTreeMap<&str, Vec<SubmitOutcome>> = BTreeMap::new();
    for tally in &tallies {
        for (item, out) in &tally.submitted {
            per_item.entry(item).or_default().push(*out);
        }
    }
    assert_eq!(per_item.len(), ITEMS);
    for (item, mut outs) in per_item {
        outs.sort_by_key(|o| *o == SubmitOutcome::Accepted);
        assert_eq!(
            outs,
            [SubmitOutcome::Waiting, SubmitOutcome::Accepted],
            "{item}"
        );
    }

    // The event log agrees with what the threads did.
    let claims: u64 = tallies.iter().map(|t| t.claims).sum();
    let releases: usize = tallies.iter().map(|t| t.released.len()).sum();
    let event = |action: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM events WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(event("review_claimed"), claims as i64);
    assert_eq!(event("review_submitted"), 2 * ITEMS as i64);
    assert_eq!(event("review_changed"), 0);
    assert_eq!(event("review_released"), releases as i64);
    assert_eq!(event("claim_expired"), 0);
    assert_eq!(event("item_settled"), ITEMS as i64);

    // Everyone took part and the skippers did skip.
    for (t, tally) in tallies.iter().enumerate() {
        assert!(tally.claims > 0, "{} never got an item", reviewer(t));
    }
    assert!(releases >= SKIPPERS, "{releases} skips");
    let drafts: u64 = tallies.iter().map(|t| t.drafts).sum();
    for (t, tally) in tallies.iter().enumerate() {
        eprintln!(
            "{}: {} claims, {} submitted, {} skipped, slowest call {:.1?}",
            reviewer(t),
            tally.claims,
            tally.submitted.len(),
            tally.released.len(),
            tally.slowest
        );
    }
    eprintln!(
        "{THREADS} reviewers, {ITEMS} items: {claims} claims, {drafts} drafts, {} submissions, \
         {releases} skips, {snapshots} observer snapshots, in {worked:.2?}",
        2 * ITEMS
    );
}
