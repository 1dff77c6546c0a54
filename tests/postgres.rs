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
