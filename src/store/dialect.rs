//! The SQL that SQLite and PostgreSQL spell differently and `db::translate` cannot rewrite
//! word for word: reading inside JSON text, time differences, a random draw, row locks. Each function
//! gives the fragment for the connection's engine; the rest of every statement is shared.

use super::db::{Backend, Connection, OptionalExtension, Params};

/// The value at the JSON path `path` (SQL: a literal like `'$.answer'` or a parameter) in
/// the JSON text `expr`, as SQL text or number (NULL where there is none).
pub fn json_value(conn: &Connection, expr: &str, path: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => format!("({expr} ->> {path})"),
        // SQLite's paths ($.a.b, $[0], $."a b") are jsonpath's too.
        Backend::Postgres => format!(
            "(jsonb_path_query_first(CAST({expr} AS jsonb), CAST({path} AS jsonpath)) #>> '{{}}')"
        ),
    }
}

/// A JSON array (as compact text) of the `label` of every element of the array at `key` in
/// the JSON text `expr`, in order.
pub fn json_labels(conn: &Connection, expr: &str, key: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => format!(
            "(SELECT json_group_array(o.value ->> '$.label') FROM json_each({expr}, '$.{key}') o)"
        ),
        Backend::Postgres => format!(
            "(SELECT CAST(jsonb_agg(o ->> 'label' ORDER BY n) AS TEXT)
              FROM jsonb_array_elements(CAST({expr} AS jsonb) -> '{key}') WITH ORDINALITY AS e(o, n))"
        ),
    }
}

/// Seconds from the ISO 8601 timestamp `from` to `to` (both SQL expressions), as a real.
pub fn seconds_between(conn: &Connection, from: &str, to: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => format!("((julianday({to}) - julianday({from})) * 86400.0)"),
        Backend::Postgres => format!(
            "CAST(EXTRACT(EPOCH FROM (CAST({to} AS timestamptz) - CAST({from} AS timestamptz))) AS DOUBLE PRECISION)"
        ),
    }
}

/// True once in `n` (SQL: an integer expression), drawn by the database's own generator.
pub fn one_in(conn: &Connection, n: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => format!("(abs(random() % {n}) = 0)"),
        Backend::Postgres => format!("(floor(random() * {n}) = 0)"),
    }
}

/// After a query's `LIMIT`: lock the rows of `alias` it returns, passing over rows another
/// transaction has locked (PostgreSQL's queue idiom). Nothing on SQLite, whose write lock
/// lets no other writer in.
pub fn skip_locked(conn: &Connection, alias: &str) -> String {
    match conn.backend() {
        Backend::Sqlite => String::new(),
        Backend::Postgres => format!("FOR UPDATE OF {alias} SKIP LOCKED"),
    }
}

/// Runs `sql`, a `SELECT … FOR UPDATE`, on PostgreSQL, where writers that guard themselves
/// with row locks run side by side: true when it found (and locked) a row. On SQLite, whose
/// write lock lets no other writer in, nothing runs and the answer is true.
pub fn lock_rows<P: Params>(conn: &Connection, sql: &str, params: P) -> super::db::Result<bool> {
    if conn.backend() == Backend::Sqlite {
        return Ok(true);
    }
    let found = conn
        .prepare_cached(sql)?
        .query_row(params, |_| Ok(()))
        .optional()?;
    Ok(found.is_some())
}

/// Brings the review queue's counts up to date within the transaction, for one that reads
/// them after changing which items are open. On PostgreSQL a transaction writes its counts
/// as it commits (schema 23), so that claims side by side do not queue on a dataset's count
/// row; from here on this one writes them at once, and holds them to its commit. SQLite's
/// counts are written at once throughout.
pub fn counts_now(conn: &Connection) -> super::db::Result<()> {
    if conn.backend() == Backend::Postgres {
        conn.execute_batch("SET CONSTRAINTS queue_item_open, route_open_state IMMEDIATE")?;
    }
    Ok(())
}
