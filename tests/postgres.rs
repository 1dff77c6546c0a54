//! Which backend this run of the suite proves. Every test's workspace is on PostgreSQL when
//! `MEDCURATE_TEST_PG` names a server (`bash .ci/postgres-tests` starts one), else on SQLite;
//! without it this says, past the harness's capture, that PostgreSQL went untested, and CI
//! fails on that note.

mod common;

use common::backend;
use medcurate::store::Store;
use medcurate::store::db::Backend;

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
/// the solo reviewer is written only when it changes (19), and route_queue has one key in the
/// walk's order (21).
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
    let state = |conn: &medcurate::store::db::Connection| -> (String, String) {
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
    let solo_guarded = |conn: &medcurate::store::db::Connection| -> bool {
        ["reviews_solo_insert_fn", "reviews_solo_status_fn"]
            .iter()
            .all(|f| {
                conn.query_row(
                    &format!("SELECT pg_get_functiondef('{f}'::regproc)"),
                    [],
                    |r| r.get::<_, String>(0),
                )
                .unwrap()
                .contains("items_solo_reviewer_refresh")
            })
    };
    assert!(solo_guarded(&conn));
    // route_queue's indexes, by name, and whether it has a primary key.
    let keys = |conn: &medcurate::store::db::Connection| -> (String, bool) {
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
    assert_eq!(keys(&conn), now);
}
