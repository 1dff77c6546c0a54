//! Which backend this run of the suite proves. Every test's workspace is on PostgreSQL when
//! `MEDCURATE_TEST_PG` names a server (`bash .ci/postgres-tests` starts one), else on SQLite;
//! without it this says, past the harness's capture, that PostgreSQL went untested, and CI
//! fails on that note.

mod common;

use common::backend;
use medcurate::store::Store;
use medcurate::store::db::{Backend, Connection, TransactionBehavior};

/// The line CI looks for.
const SKIPPED: &str = "skipped: postgres: MEDCURATE_TEST_PG is not set, so every workspace in \
                       this run was SQLite; `bash .ci/postgres-tests` runs the suite on a \
                       throwaway PostgreSQL server";

#[test]
fn workspaces_are_on_the_server_the_suite_names() {
    let Some(server) = backend::postgres() else {
        backend::note(SKIPPED);
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let at = backend::db_at(dir.path(), "t.db");
    let store =
        Store::open(&at).unwrap_or_else(|e| panic!("opening a workspace on {server}: {e:#}"));
    assert_eq!(store.backend(), Backend::Postgres);
    // The tests compare bytes across backends: the database must sort as SQLite does.
    let conn = backend::raw(&at);
    let (collate, encoding): (String, String) = conn
        .query_row(
            "SELECT datcollate, pg_encoding_to_char(encoding) FROM pg_database
             WHERE datname = current_database()",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((collate.as_str(), encoding.as_str()), ("C", "UTF8"));
}

/// A workspace of schema 17 (the baseline) is brought up to date when opened: an import's
/// new items skip the revision trigger's call, revision bodies are stored with lz4 (18), and
/// the solo reviewer is written only when it changes (19), route_queue has one key in the
/// walk's order (21), and the queue's counts are written as a transaction commits (23).
#[test]
fn a_schema_17_workspace_is_brought_up_to_date() {
    if backend::postgres().is_none() {
        backend::note("skipped: postgres: the schema 17 upgrade needs MEDCURATE_TEST_PG");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = backend::db_at(dir.path(), "t.db");
    drop(Store::open(&at).unwrap());
    let conn = backend::raw(&at);
    let state = |conn: &Connection| -> (String, String) {
        conn.query_row(
            "SELECT pg_get_triggerdef(t.oid), a.attcompression::text
             FROM pg_trigger t, pg_attribute a
             WHERE t.tgname = 'route_revision' AND a.attrelid = 'revisions'::regclass
               AND a.attname = 'body'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (trigger, compression) = state(&conn);
    assert!(trigger.contains("WHEN"), "{trigger}");
    assert_eq!(compression, "l");
    // The solo reviewer's triggers call 19's function, which writes only a change.
    let solo_guarded = |conn: &Connection| -> bool {
        ["reviews_solo_insert_fn", "reviews_solo_status_fn"]
            .iter()
            .all(|f| function_def(conn, f).contains("items_solo_reviewer_refresh"))
    };
    assert!(solo_guarded(&conn));
    // 22: a claim given back writes no count; 23: the dataset's counts are written as the
    // transaction commits, and nothing locks them earlier.
    let counts = |conn: &Connection| -> (bool, bool, bool) {
        (
            conn.query_row(
                "SELECT CAST(bool_and(tgdeferrable AND tginitdeferred) AS INTEGER) FROM pg_trigger
                 WHERE tgname IN ('queue_item_open', 'route_open_state')",
                [],
                |r| r.get::<_, bool>(0),
            )
            .unwrap(),
            function_def(conn, "queue_item_barred_fn").contains("FOR NO KEY UPDATE"),
            conn.query_row(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'queue_review_status'",
                [],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
            .contains("(old.status = 'submitted'::text)"),
        )
    };
    assert_eq!(counts(&conn), (true, false, true));
    // route_queue's indexes, by name, and whether it has a primary key.
    let keys = |conn: &Connection| -> (String, bool) {
        conn.query_row(
            "SELECT string_agg(CAST(indexrelid::regclass AS TEXT), ','
                               ORDER BY CAST(indexrelid::regclass AS TEXT)),
                    CAST(bool_or(indisprimary) AS INTEGER)
             FROM pg_index WHERE indrelid = 'route_queue'::regclass",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let now = ("route_queue_any_dataset,route_queue_key".to_string(), false);
    assert_eq!(keys(&conn), now);
    // Back to what 17_baseline.sql made.
    conn.execute_batch_native(
        "ALTER TABLE route_queue ADD PRIMARY KEY (bit, dataset_id, active_reviews, item_id);
         CREATE INDEX route_queue_pk_order
             ON route_queue (bit, dataset_id, active_reviews DESC, item_id);
         ALTER TABLE route_queue REPLICA IDENTITY DEFAULT;
         DROP INDEX route_queue_key;
         DROP TRIGGER route_revision ON revisions;
         CREATE TRIGGER route_revision AFTER INSERT ON revisions
             FOR EACH ROW EXECUTE FUNCTION route_revision_fn();
         ALTER TABLE revisions ALTER COLUMN body SET COMPRESSION pglz;
         UPDATE schema_version SET version = 17;",
    )
    .unwrap();
    // 17's functions as far as this test tells them apart: not calling 19's.
    for f in ["reviews_solo_insert_fn", "reviews_solo_status_fn"] {
        conn.execute_batch_native(&format!(
            "CREATE OR REPLACE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RETURN NULL; END $$;
             DROP FUNCTION IF EXISTS items_solo_reviewer_refresh(BIGINT);"
        ))
        .unwrap();
    }
    assert!(!solo_guarded(&conn));
    // 17's as far as this test tells them apart: the counts written at once, no lock, and
    // the status trigger for every change.
    let at_once = "WHEN ((((old.state = 'in_review') AND (old.active_reviews < 2))
                        <> ((new.state = 'in_review') AND (new.active_reviews < 2))))";
    conn.execute_batch_native(&format!(
        "CREATE OR REPLACE FUNCTION queue_item_barred_fn() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RETURN NULL; END $$;
         DROP TRIGGER queue_review_status ON reviews;
         CREATE TRIGGER queue_review_status AFTER UPDATE OF status ON reviews
             FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
             EXECUTE FUNCTION queue_review_status_fn();
         DROP TRIGGER queue_item_open ON items;
         CREATE TRIGGER queue_item_open AFTER UPDATE OF state, active_reviews ON items
             FOR EACH ROW {at_once} EXECUTE FUNCTION queue_item_open_fn();
         DROP TRIGGER route_open_state ON items;
         CREATE TRIGGER route_open_state AFTER UPDATE OF state, active_reviews ON items
             FOR EACH ROW {at_once} EXECUTE FUNCTION route_open_state_fn();"
    ))
    .unwrap();
    assert_eq!(counts(&conn), (false, false, false));
    assert!(!state(&conn).0.contains("WHEN"));
    assert_ne!(keys(&conn), now);
    let store = Store::open(&at).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        medcurate::store::SCHEMA_VERSION
    );
    let (trigger, compression) = state(&conn);
    assert!(
        trigger.contains("WHEN (((new.revision_no > 1) OR (new.import_id IS NULL)))"),
        "{trigger}"
    );
    assert_eq!(compression, "l");
    assert!(solo_guarded(&conn));
    assert_eq!(counts(&conn), (true, false, true));
    assert_eq!(keys(&conn), now);
}

/// A function's definition as the server prints it.
fn function_def(conn: &Connection, name: &str) -> String {
    conn.query_row(
        &format!("SELECT pg_get_functiondef('{name}'::regproc)"),
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Two claims that each fill an item's second place, in one dataset, where the first
/// reviewer of one item is the claimer of the other, do not wait for each other: the
/// dataset's counts are written as each commits (schema 23). Under 22 the later claim waited
/// for the earlier one's commit on the dataset's `queue_open` row, and under 17 the server
/// cancelled one of them as a deadlock (each held a count the other needed).
#[test]
fn claims_filling_second_places_do_not_wait_for_each_other() {
    if backend::postgres().is_none() {
        backend::note("skipped: postgres: claims side by side need MEDCURATE_TEST_PG");
        return;
    }
    let item = |n: u32| {
        format!(
            r#"{{"id":"q{n}","kind":"mcq","stem":"维生素C缺乏可引起（{n}）","options":[{{"label":"A","text":"坏血病"}},{{"label":"B","text":"脚气病"}}],"answer":"A"}}"#
        )
    };
    let dir = common::one_annotator(&format!("{}\n{}\n", item(0), item(1)));
    for id in ["b", "e"] {
        common::ok(
            dir.path(),
            &["people", "add", id, "--name", id, "--role", "annotator"],
        );
    }
    let at = backend::db_at(dir.path(), "t.db");
    // A claim as the store writes one: the place, then the review.
    let take_place = |conn: &Connection, item: i64| {
        conn.execute(
            "UPDATE items SET active_reviews = active_reviews + 1 WHERE id = ?1",
            [item],
        )
    };
    let add_review = |conn: &Connection, item: i64, who: &str| {
        conn.execute(
            "INSERT INTO reviews (reviewer, status, claimed_at, lease_expires_at, updated_at,
                                  item_id, revision_no)
             VALUES (?2, 'claimed', '2026-01-01T00:00:00Z', '2999-01-01T00:00:00Z',
                     '2026-01-01T00:00:00Z', ?1, 1)",
            (item, who),
        )
    };
    let first = backend::raw(&at);
    let id = |ext: &str| -> i64 {
        first
            .query_row("SELECT id FROM items WHERE ext_id = ?1", [ext], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (x, y) = (id("q0"), id("q1"));
    for (item, who) in [(x, "b"), (y, "e")] {
        take_place(&first, item).unwrap();
        add_review(&first, item, who).unwrap();
    }

    // b fills y's second place: y leaves the queue, e's count with it.
    let mut by_b = backend::raw(&at);
    let tx_b = by_b
        .transaction_with_behavior(TransactionBehavior::RowLocked)
        .unwrap();
    take_place(&tx_b, y).unwrap();
    // dr-a fills x's second place, whose first reviewer is b, and commits while b's claim is
    // open: nothing of b's is in its way.
    let at_a = at.clone();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut conn = backend::raw(&at_a);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)
            .unwrap();
        let r = take_place(&tx, x)
            .and_then(|_| add_review(&tx, x, "dr-a"))
            .and_then(|_| tx.commit())
            .map_err(|e| e.to_string());
        done.send(r).unwrap();
    });
    let by_a = finished.recv_timeout(std::time::Duration::from_secs(20));
    assert_eq!(
        by_a,
        Ok(Ok(())),
        "dr-a's claim should commit while b's is open"
    );
    // b's review: b's own count, which dr-a's claim wrote and gave up at its commit.
    add_review(&tx_b, y, "b").unwrap();
    tx_b.commit().unwrap();
    let (full, open): (i64, i64) = first
        .query_row(
            "SELECT (SELECT count(*) FROM items WHERE active_reviews = 2),
                    (SELECT CAST(sum(items) AS BIGINT) FROM queue_open)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((full, open), (2, 0));
}
