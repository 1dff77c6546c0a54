//! A workspace on PostgreSQL under load, beside the same work on SQLite.
//!
//! `MEDCURATE_BENCH_PG` names the server (a `postgres://` URL; its database part is ignored):
//! each part creates a database of its own there (C collation, as `init` expects) and drops
//! it at the end. Without it the benchmark prints that it was skipped.
//!
//! - `import`: `MEDCURATE_BENCH_ITEMS` (default 350,000) generated items imported into the
//!   three datasets, on PostgreSQL and into a new SQLite file, the same files, timed whole.
//!   `MEDCURATE_BENCH_ROUNDS` (default 1) rounds, each SQLite then PostgreSQL, and the median
//!   of the rounds' ratios: a virtual machine's speed drifts by more than the two differ, so
//!   each ratio is of two runs side by side.
//! - `sessions`: `MEDCURATE_BENCH_SESSIONS` (default 300) review sessions at once, each a
//!   thread with its own connection and annotator, looping claim, reading time, submit,
//!   reading time, `MEDCURATE_BENCH_PER_SESSION` (default 10) items each out of 20,000. The
//!   reading time is `MEDCURATE_BENCH_THINK_MS` (default 1,000) on average, drawn evenly from
//!   half to one and a half of it: a physician takes far longer, so this is several times
//!   a real team's load. The sessions start spread over `MEDCURATE_BENCH_RAMP_MS` (default:
//!   one reading time): a session's first claim costs the server several times a later one,
//!   so how many start in the same second decides whether the first claims queue for it.
//!   Every claim and submit is timed by wall clock; afterwards the database is read for what
//!   the sessions were told: every submit stored, no revision with more than two reviewers,
//!   nobody twice.
//!
//! - `floor`: what the server and this machine give any writer, whatever medcurate does: as
//!   many sessions with the same reading times, each with its own connection, timing a
//!   one-row UPDATE on its own (one round trip, one commit) and a transaction of twelve round
//!   trips (BEGIN, nine `SELECT 1` and the UPDATE, COMMIT), as many as a claim makes.
//!
//! - `agreement`: `MEDCURATE_BENCH_ITEMS` (default 350,000) items with two submitted reviews
//!   each (700,000, as `cargo bench --bench curation` writes them into SQLite), copied to
//!   PostgreSQL with `Store::copy_into` (as `db copy`), then `Store::agreement` timed on both,
//!   five runs each after one untimed.
//!
//! `MEDCURATE_BENCH_PG=postgresql:///postgres?host=/run/postgresql cargo bench --bench postgres
//! [-- import|sessions|floor|agreement]`.
#![allow(clippy::disallowed_methods)] // the benchmark sets up files directly

mod common;

use common::reviews::passing;
use common::timing::rank;
use common::workspace::{self, add_annotators, env_count, reviewer};
use medcurate::domain::item::ItemKind;
use medcurate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const SESSION_ITEMS: usize = 20_000;

fn main() {
    let Some(server) = std::env::var("MEDCURATE_BENCH_PG")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        println!(
            "skipped: the PostgreSQL benchmark needs MEDCURATE_BENCH_PG, a server's postgres:// URL"
        );
        return;
    };
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |part: &str| which.is_empty() || which.iter().any(|w| w == part);
    if wants("import") {
        import(&server);
    }
    if wants("sessions") {
        sessions(&server);
    }
    if wants("floor") {
        floor(&server);
    }
    if wants("agreement") {
        agreement(&server);
    }
}

/// A new database on the server, dropped when this is.
struct Database {
    admin: String,
    name: String,
    url: PathBuf,
}

impl Database {
    fn new(server: &str, part: &str) -> Database {
        let name = format!("medcurate_bench_{part}_{}", std::process::id());
        let mut admin = postgres::Client::connect(server, postgres::NoTls).unwrap();
        // One statement per call: these cannot run in the transaction a batch is.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'"
            ))
            .unwrap();
        Database {
            admin: server.to_string(),
            url: PathBuf::from(medcurate::store::location::with_database(server, &name)),
            name,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if std::env::var_os("MEDCURATE_BENCH_KEEP").is_some() {
            eprintln!("kept: {}", self.url.display());
            return;
        }
        if let Ok(mut admin) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn import(server: &str) {
    let n = workspace::bench_items();
    let rounds = env_count("MEDCURATE_BENCH_ROUNDS").unwrap_or(1).max(1);
    let scratch = tempfile::tempdir().unwrap();
    let files = scratch.path().join("items");
    let bytes = workspace::generate(&files, n);
    eprintln!("import: {n} items, {:.0} MB of JSONL", bytes as f64 / 1e6);
    println!("| import of {n} items | SQLite s | PostgreSQL s | PostgreSQL / SQLite |");
    println!("|---|---|---|---|");
    let mut ratios = Vec::new();
    for round in 1..=rounds {
        let sqlite = scratch.path().join(format!("bench-{round}.db"));
        let secs_sqlite = import_into(&files, &sqlite);
        let _ = std::fs::remove_file(&sqlite);
        let db = Database::new(server, "import");
        let secs_pg = import_into(&files, &db.url);
        drop(db);
        let ratio = secs_pg / secs_sqlite;
        println!("| round {round} | {secs_sqlite:.1} | {secs_pg:.1} | {ratio:.2}x |");
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "PostgreSQL / SQLite: {:.2}x, the median of {rounds} rounds",
        ratios[ratios.len() / 2]
    );
}

/// Seconds to import the three files in `dir` into a new workspace at `db`.
fn import_into(dir: &Path, db: &Path) -> f64 {
    let started = Instant::now();
    let mut store = Store::open(db).unwrap();
    for (name, dataset, _, _) in workspace::FILES {
        workspace::import_file(&mut store, &dir.join(name), dataset);
    }
    started.elapsed().as_secs_f64()
}

fn sessions(server: &str) {
    let sessions = env_count("MEDCURATE_BENCH_SESSIONS").unwrap_or(300);
    let per_session = env_count("MEDCURATE_BENCH_PER_SESSION").unwrap_or(10);
    let think_ms = env_count("MEDCURATE_BENCH_THINK_MS").unwrap_or(1000) as u64;
    let ramp_ms = env_count("MEDCURATE_BENCH_RAMP_MS").map_or(think_ms, |r| r as u64);
    assert!(
        sessions <= workspace::REVIEWERS,
        "at most {} sessions",
        workspace::REVIEWERS
    );
    let db = Database::new(server, "sessions");
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("mcq.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        medcurate::synth::write_items_of_kind(&mut out, SESSION_ITEMS, 1, ItemKind::Mcq).unwrap();
    }
    let mut store = Store::open(&db.url).unwrap();
    workspace::import_file(&mut store, &file, "SynthMcq");
    add_annotators(&mut store);
    drop(store);
    eprintln!(
        "sessions: {sessions} at once, {per_session} items each, reading time {think_ms} ms on \
         average, starting over {ramp_ms} ms"
    );

    let start = Arc::new(Barrier::new(sessions));
    let started = Instant::now();
    let handles: Vec<_> = (0..sessions)
        .map(|s| {
            let url = db.url.clone();
            let start = Arc::clone(&start);
            let pace = (think_ms, ramp_ms);
            thread::spawn(move || session(&url, s, per_session, pace, &start))
        })
        .collect();
    let (mut claims, mut submits) = (Vec::new(), Vec::new());
    let (mut first_claims, mut first_submits) = (Vec::new(), Vec::new());
    let mut submitted = 0usize;
    for h in handles {
        let (c, s, n) = h.join().expect("a session failed");
        // A session's first calls are apart: the server plans the triggers' statements once
        // per connection, on their first use.
        for (all, first, v) in [
            (&mut claims, &mut first_claims, c),
            (&mut submits, &mut first_submits, s),
        ] {
            let mut v = v.into_iter();
            first.extend(v.next());
            all.extend(v);
        }
        submitted += n;
    }
    let wall = started.elapsed().as_secs_f64();
    for v in [
        &mut claims,
        &mut submits,
        &mut first_claims,
        &mut first_submits,
    ] {
        v.sort_by(f64::total_cmp);
    }
    println!("| {sessions} sessions, ms | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (name, v) in [
        ("claim the next item", &claims),
        ("submit a review", &submits),
        ("a session's first claim", &first_claims),
        ("a session's first submit", &first_submits),
    ] {
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.1} |",
            v.len(),
            rank(v, 0.5),
            rank(v, 0.99),
            v.last().copied().unwrap_or(0.0)
        );
    }
    println!(
        "{submitted} reviews in {wall:.1} s ({:.0} a second)",
        submitted as f64 / wall
    );
    check(&db.url, submitted);
}

/// One review session: (claim times, submit times, reviews submitted).
fn session(
    db: &Path,
    s: usize,
    items: usize,
    (think_ms, ramp_ms): (u64, u64),
    start: &Barrier,
) -> (Vec<f64>, Vec<f64>, usize) {
    let mut store = Store::open_existing(db).unwrap();
    let who = reviewer(s);
    let mut think = reading(s, think_ms);
    let (mut claims, mut submits) = (Vec::new(), Vec::new());
    start.wait();
    // Sessions start spread over the ramp, as people do.
    thread::sleep(Duration::from_millis((s as u64 * 7919) % (ramp_ms + 1)));
    for _ in 0..items {
        let t = Instant::now();
        let a = store.claim_next(&who, None).expect("claim");
        claims.push(t.elapsed().as_secs_f64() * 1e3);
        let Some(a) = a else { break };
        think();
        let review = passing(&a.item.body, &[]);
        let t = Instant::now();
        store
            .submit_review(&who, a.review_id, &review)
            .expect("submit");
        submits.push(t.elapsed().as_secs_f64() * 1e3);
        think();
    }
    let n = submits.len();
    (claims, submits, n)
}

/// Session `s`'s reading time: `think_ms` on average, drawn evenly from half to one and a
/// half of it by a small generator of the session's own, so that sessions differ.
fn reading(s: usize, think_ms: u64) -> impl FnMut() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ (s as u64 + 1).wrapping_mul(0x2545_f491_4f6c_dd1d);
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let ms = think_ms / 2 + state % (think_ms + 1);
        thread::sleep(Duration::from_millis(ms));
    }
}

/// The floor: `sessions`' load with medcurate's work taken out (see the module's comment).
fn floor(server: &str) {
    let sessions = env_count("MEDCURATE_BENCH_SESSIONS").unwrap_or(300);
    let per_session = env_count("MEDCURATE_BENCH_PER_SESSION").unwrap_or(10);
    let think_ms = env_count("MEDCURATE_BENCH_THINK_MS").unwrap_or(1000) as u64;
    let db = Database::new(server, "floor");
    let url = db.url.to_str().unwrap().to_string();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    c.batch_execute(&format!(
        "CREATE TABLE floor (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
         INSERT INTO floor SELECT g, 0 FROM generate_series(0, {sessions}) g;"
    ))
    .unwrap();
    drop(c);
    eprintln!(
        "floor: {sessions} sessions at once, {per_session} of each, reading time {think_ms} ms on average"
    );
    let start = Arc::new(Barrier::new(sessions));
    let handles: Vec<_> = (0..sessions)
        .map(|s| {
            let (url, start) = (url.clone(), Arc::clone(&start));
            thread::spawn(move || floor_session(&url, s, per_session, think_ms, &start))
        })
        .collect();
    let (mut ones, mut twelves) = (Vec::new(), Vec::new());
    for h in handles {
        let (o, t) = h.join().expect("a session failed");
        // As in `sessions`, a connection's first statements are apart.
        ones.extend(o.into_iter().skip(1));
        twelves.extend(t.into_iter().skip(1));
    }
    println!("| {sessions} sessions, ms | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (name, v) in [
        ("a one-row UPDATE, one round trip", &mut ones),
        ("twelve round trips in a transaction", &mut twelves),
    ] {
        v.sort_by(f64::total_cmp);
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.1} |",
            v.len(),
            rank(v, 0.5),
            rank(v, 0.99),
            v.last().copied().unwrap_or(0.0)
        );
    }
}

/// One floor session: (one-statement times, twelve-round-trip times).
fn floor_session(
    url: &str,
    s: usize,
    times: usize,
    think_ms: u64,
    start: &Barrier,
) -> (Vec<f64>, Vec<f64>) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let update = c
        .prepare("UPDATE floor SET n = n + 1 WHERE id = $1")
        .unwrap();
    let one = c.prepare("SELECT 1").unwrap();
    let id = s as i64;
    let mut think = reading(s, think_ms);
    let (mut ones, mut twelves) = (Vec::new(), Vec::new());
    start.wait();
    thread::sleep(Duration::from_millis((s as u64 * 7919) % (think_ms + 1)));
    for _ in 0..times {
        let t = Instant::now();
        c.execute(&update, &[&id]).unwrap();
        ones.push(t.elapsed().as_secs_f64() * 1e3);
        think();
        let t = Instant::now();
        let mut tx = c.transaction().unwrap();
        for i in 0..10 {
            if i == 5 {
                tx.execute(&update, &[&id]).unwrap();
            } else {
                tx.query_one(&one, &[]).unwrap();
            }
        }
        tx.commit().unwrap();
        twelves.push(t.elapsed().as_secs_f64() * 1e3);
        think();
    }
    (ones, twelves)
}

/// What the database holds agrees with what the sessions were told.
fn check(db: &Path, submitted: usize) {
    let store = Store::open_existing(db).unwrap();
    drop(store);
    let url = db.to_str().unwrap();
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let stored: i64 = c
        .query_one(
            "SELECT count(*) FROM reviews WHERE status = 'submitted'",
            &[],
        )
        .unwrap()
        .get(0);
    let most: Option<i64> = c
        .query_one(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM reviews
             WHERE status IN ('claimed', 'submitted') GROUP BY item_id, revision_no) x",
            &[],
        )
        .unwrap()
        .get(0);
    let twice: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT 1 FROM reviews GROUP BY item_id, revision_no, reviewer
             HAVING count(*) > 1) x",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored as usize, submitted, "every submit is stored");
    assert!(
        most.unwrap_or(0) <= 2,
        "a revision had {most:?} reviews in force"
    );
    assert_eq!(twice, 0, "a reviewer had one revision twice");
    println!(
        "checked: {stored} submitted reviews stored, at most {} in force on a revision, nobody twice",
        most.unwrap_or(0)
    );
}

fn agreement(server: &str) {
    let n = workspace::bench_items();
    let scratch = tempfile::tempdir().unwrap();
    let sqlite = scratch.path().join("bench.db");
    let started = Instant::now();
    let mut timings = serde_json::Map::new();
    let (_, store) =
        workspace::build_workspace(&scratch.path().join("items"), &sqlite, n, &mut timings);
    drop(store);
    let counts = common::reviews::write_reviews(&sqlite, &common::reviews::THREE_IN_FOUR_AGREE);
    eprintln!(
        "agreement: {n} items, reviews {counts}, built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let db = Database::new(server, "agreement");
    let source = Store::open_existing(&sqlite).unwrap();
    let mut target = Store::open(&db.url).unwrap();
    let copying = Instant::now();
    let digests = source.copy_into(&mut target, |_, _| {}).unwrap();
    let rows: u64 = digests.iter().map(|d| d.rows).sum();
    eprintln!(
        "copied {rows} rows to PostgreSQL in {:.0} s",
        copying.elapsed().as_secs_f64()
    );
    println!(
        "| `Store::agreement`, all datasets, {n} items | runs | min ms | median ms | max ms |"
    );
    println!("|---|---|---|---|---|");
    for (name, store) in [("SQLite", &source), ("PostgreSQL", &target)] {
        let mut kappa = None;
        store.agreement(None).unwrap();
        let mut ms: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                kappa = Some(store.agreement(None).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "| {name} | 5 | {:.0} | {:.0} | {:.0} |",
            ms[0], ms[2], ms[4]
        );
    }
    // The same answer from both.
    assert_eq!(
        source.agreement(None).unwrap(),
        target.agreement(None).unwrap()
    );
    println!("both backends give the same report");
}
