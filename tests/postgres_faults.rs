//! A workspace on PostgreSQL when the connection goes: dropped between steps (the next step
//! connects again, so a review screen's draft is saved once the server is back: in the store,
//! and on the real screen in a pseudo-terminal), or lost in
//! the middle of a submit or an import (a clear message, nothing of the step kept, and the
//! same step works once the server answers again). The server is the one the suite runs on
//! (`MEDCURATE_TEST_PG`); a connection is dropped the way a restart drops it, by the server
//! ending its process. On SQLite there is no connection to lose.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::backend;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::store::Store;
use medcurate::store::db::Connection;
use std::path::{Path, PathBuf};

const ITEM: &str = r#"{"id":"q{N}","kind":"mcq","stem":"维生素C缺乏可引起（{N}）","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}"#;

fn items(dir: &Path, name: &str, from: usize, n: usize) -> PathBuf {
    let file = dir.join(name);
    let lines: String = (from..from + n)
        .map(|i| ITEM.replace("{N}", &i.to_string()) + "\n")
        .collect();
    std::fs::write(&file, lines).unwrap();
    file
}

/// A workspace with one annotator and `n` items, on its own database.
fn workspace(dir: &Path, n: usize) -> PathBuf {
    let db = backend::db_at(dir, "t.db");
    let mut store = Store::open(&db).unwrap();
    store
        .add_person(
            &Person {
                id: "dr1".into(),
                name: "李医生".into(),
                roles: vec![Role::Annotator],
                os_user: None,
            },
            "test",
        )
        .unwrap();
    drop(store);
    let file = items(dir, "items.jsonl", 0, n);
    common::ok(
        dir,
        &["import", file.to_str().unwrap(), "--dataset", "Exam"],
    );
    db
}

/// Ends every other connection to this database, as a server restart does.
fn drop_connections(admin: &Connection) {
    admin
        .execute_batch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .unwrap();
}

/// Lets new connections to `admin`'s database in, or not (a server that is down), from a
/// connection to the server's own database (a database cannot close itself).
fn allow_connections(admin: &Connection, allow: bool) {
    let db: String = admin
        .query_row("SELECT current_database()", [], |r| r.get(0))
        .unwrap();
    let server = Connection::connect_postgres(&backend::postgres().unwrap()).unwrap();
    server
        .execute_batch(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS {allow}"))
        .unwrap();
}

fn draft(body: &medcurate::domain::item::ItemBody, note: &str) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.comment = Some(note.to_string());
    r
}

fn stored_content(admin: &Connection, review_id: i64) -> Option<String> {
    admin
        .query_row(
            "SELECT content FROM reviews WHERE id = ?1",
            [review_id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_draft_is_saved_once_the_connection_comes_back() {
    if backend::postgres().is_none() {
        return; // SQLite: no connection to lose
    }
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path(), 2);
    let admin = backend::raw(&db);
    let mut store = Store::open_existing(&db).unwrap();
    let a = store.claim_next("dr1", None).unwrap().unwrap();

    // Dropped while the screen was open: the next save connects again and is kept.
    drop_connections(&admin);
    let first = draft(&a.item.body, "第一稿");
    store.save_draft("dr1", a.review_id, &first).unwrap();
    let saved = stored_content(&admin, a.review_id).unwrap();
    assert!(saved.contains("第一稿"), "{saved}");

    // Dropped, and the server does not answer for a while: the save fails with a message
    // that says so, and nothing of it is stored; once the server is back the same save is.
    allow_connections(&admin, false);
    drop_connections(&admin);
    let second = draft(&a.item.body, "第二稿");
    let err = store
        .save_draft("dr1", a.review_id, &second)
        .expect_err("no server, no save");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("is not currently accepting connections"),
        "{msg}"
    );
    assert!(
        stored_content(&admin, a.review_id)
            .unwrap()
            .contains("第一稿")
    );
    allow_connections(&admin, true);
    store.save_draft("dr1", a.review_id, &second).unwrap();
    assert!(
        stored_content(&admin, a.review_id)
            .unwrap()
            .contains("第二稿")
    );
    // The session still names the OS account behind the events it writes.
    let accounts: i64 = admin
        .query_row(
            "SELECT count(*) FROM events WHERE account IS NULL OR account = ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(accounts, 0);
}

/// From now on the server ends the connection of whoever writes to `table`, in the middle
/// of their transaction (until `heal`).
fn die_on_insert(admin: &Connection, table: &str) {
    admin
        .execute_batch(&format!(
            "CREATE FUNCTION die_on_{table}() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5);
                    RETURN NEW; END $$;
             CREATE TRIGGER die_on_{table} BEFORE INSERT ON {table}
                 FOR EACH ROW EXECUTE FUNCTION die_on_{table}();"
        ))
        .unwrap();
}

fn heal(admin: &Connection, table: &str) {
    admin
        .execute_batch(&format!(
            "DROP TRIGGER die_on_{table} ON {table}; DROP FUNCTION die_on_{table}();"
        ))
        .unwrap();
}

fn count(admin: &Connection, sql: &str) -> i64 {
    admin.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_submit_cut_off_keeps_nothing_and_goes_through_after() {
    if backend::postgres().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path(), 1);
    let admin = backend::raw(&db);
    let mut store = Store::open_existing(&db).unwrap();
    let a = store.claim_next("dr1", None).unwrap().unwrap();
    let review = draft(&a.item.body, "提交");
    let events = count(&admin, "SELECT count(*) FROM events");

    die_on_insert(&admin, "events");
    let err = store
        .submit_review("dr1", a.review_id, &review)
        .expect_err("the connection ends mid-submit");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("connection to the database server was lost"),
        "{msg}"
    );
    heal(&admin, "events");
    // Nothing half-written: the review is still a claim, no event of the submit.
    let status: String = admin
        .query_row(
            "SELECT status FROM reviews WHERE id = ?1",
            [a.review_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "claimed");
    assert_eq!(count(&admin, "SELECT count(*) FROM events"), events);

    // The same submit, on a new connection, goes through once.
    store.submit_review("dr1", a.review_id, &review).unwrap();
    assert_eq!(
        count(
            &admin,
            "SELECT count(*) FROM events WHERE action = 'review_submitted'"
        ),
        1
    );
}

#[test]
fn an_import_cut_off_keeps_nothing_and_runs_again() {
    if backend::postgres().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path(), 1);
    let admin = backend::raw(&db);
    let file = items(dir.path(), "more.jsonl", 100, 50);
    let file = file.to_str().unwrap();

    die_on_insert(&admin, "revisions");
    let out = common::run(dir.path(), &["import", file, "--dataset", "Exam"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("connection to the database server was lost"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    heal(&admin, "revisions");
    assert_eq!(
        count(&admin, "SELECT count(*) FROM items"),
        1,
        "nothing half-written"
    );
    assert_eq!(count(&admin, "SELECT count(*) FROM revisions"), 1);

    let stdout = common::ok(dir.path(), &["import", file, "--dataset", "Exam"]);
    assert!(stdout.contains("50 imported"), "{stdout}");
    assert_eq!(count(&admin, "SELECT count(*) FROM items"), 51);
}

/// The review screen open (the real binary in a pseudo-terminal, on the demo workspace) when
/// its connection is dropped and the server does not answer: the draft is NOT SAVED, says
/// why, and is saved without a key pressed once the server is back.
#[test]
fn the_review_screen_keeps_its_draft_until_the_server_is_back() {
    if backend::postgres().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ok(d, &["demo"]);
    let admin = backend::raw_at(d, "t.db");
    let verdicts = || -> usize {
        let content: String = admin
            .query_row(
                "SELECT content FROM reviews WHERE reviewer = 'dr-li'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&content).unwrap();
        v["verdicts"].as_object().map_or(0, |m| m.len())
    };
    let saved = |screen: &str| {
        screen
            .lines()
            .any(|l| l.contains("李医生") && l.contains("│ saved │"))
    };
    let mut tui = common::pty::Tui::spawn(
        d,
        &["review", "--as", "dr-li", "--dataset", "MAKnowledge"],
        (100, 30),
    );
    tui.wait_for("MAKnowledge › maknowledge-");
    tui.send("1p");
    tui.wait_for("1 [pass] Natural and plausible");
    tui.wait_until("saved", saved);

    // The server goes away under the open screen.
    allow_connections(&admin, false);
    drop_connections(&admin);
    tui.send("2p3p4p");
    tui.wait_for("NOT SAVED");
    tui.wait_for("Draft NOT saved");
    assert_eq!(verdicts(), 1, "only the first pass is stored");

    // It comes back: the screen's retry stores the draft with no key pressed.
    allow_connections(&admin, true);
    tui.wait_until_within("saved again", std::time::Duration::from_secs(20), saved);
    tui.wait_for("Your draft is saved now");
    assert_eq!(verdicts(), 4);
    tui.send("q");
    tui.wait_for("Back at the queue; your draft is kept");
    tui.send("q");
    assert!(tui.wait_exit().success());
}
