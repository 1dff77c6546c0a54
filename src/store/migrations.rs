//! Schema migrations: an append-only list, applied in one transaction, tracked by
//! `PRAGMA user_version`. Never edit or reorder a shipped migration; add a new one. Each
//! migration's SQL is its own file in `migrations/`, numbered in order.

use crate::store::db;
use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};
use std::fmt;

/// Each file starts with a comment saying what it adds and why.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/01_people_items_events.sql"),
    include_str!("migrations/02_difficulty.sql"),
    include_str!("migrations/03_reviews.sql"),
    include_str!("migrations/04_review_in_force.sql"),
    include_str!("migrations/05_curation.sql"),
    include_str!("migrations/06_releases.sql"),
    include_str!("migrations/07_responses.sql"),
    include_str!("migrations/08_event_accounts.sql"),
    include_str!("migrations/09_revision_notes.sql"),
    include_str!("migrations/10_pending_changes.sql"),
    include_str!("migrations/11_queue_counts.sql"),
    include_str!("migrations/12_department_order.sql"),
    include_str!("migrations/13_specialty_routing.sql"),
    include_str!("migrations/14_evaluation_results.sql"),
    include_str!("migrations/15_control_items.sql"),
    include_str!("migrations/16_route_queue.sql"),
    include_str!("migrations/17_two_reviews_in_force.sql"),
    include_str!("migrations/18_import_revision_trigger.sql"),
    include_str!("migrations/19_solo_reviewer_unchanged.sql"),
    include_str!("migrations/20_solo_reviewer_planned_once.sql"),
    include_str!("migrations/21_route_queue_one_key.sql"),
    include_str!("migrations/22_queue_open_first.sql"),
    include_str!("migrations/23_counts_at_commit.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database was written by a newer medcurate.
#[derive(Debug)]
pub struct SchemaTooNew {
    pub found: i64,
    pub supported: i64,
}

impl fmt::Display for SchemaTooNew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the database has schema version {} but this medcurate understands up to {}; \
             it was written by a newer medcurate: upgrade medcurate to open it",
            self.found, self.supported
        )
    }
}

impl std::error::Error for SchemaTooNew {}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// PostgreSQL's schema: the whole schema at the version it starts from, then one file per
/// later version, each the same change as SQLite's migration of that number. Versions are
/// kept in a `schema_version` table (PostgreSQL has no `user_version`).
const PG_MIGRATIONS: &[(i64, &str)] = &[
    (17, include_str!("migrations/pg/17_baseline.sql")),
    (18, include_str!("migrations/pg/18_import_revisions.sql")),
    (
        19,
        include_str!("migrations/pg/19_solo_reviewer_unchanged.sql"),
    ),
    (
        20,
        include_str!("migrations/pg/20_solo_reviewer_planned_once.sql"),
    ),
    (21, include_str!("migrations/pg/21_route_queue_one_key.sql")),
    (22, include_str!("migrations/pg/22_queue_open_first.sql")),
    (23, include_str!("migrations/pg/23_counts_at_commit.sql")),
];

/// The schema version the database is at (0: none yet).
pub fn version(conn: &db::Connection) -> Result<i64> {
    match conn.sqlite() {
        Some(sqlite) => user_version(sqlite),
        None => pg_version(conn),
    }
}

fn pg_version(conn: &db::Connection) -> Result<i64> {
    // The table as the next statement names it, by the search path. (information_schema's
    // view cost a new connection 1.5 ms of planning, twice on every open.)
    let has_table: i64 = conn.query_row(
        "SELECT CAST(to_regclass('schema_version') IS NOT NULL AS INTEGER)",
        [],
        |r| r.get(0),
    )?;
    if has_table == 0 {
        return Ok(0);
    }
    Ok(conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?)
}

/// Applies every migration the database lacks, all in one transaction.
pub fn migrate(conn: &mut db::Connection) -> Result<()> {
    if let Some(sqlite) = conn.sqlite_mut() {
        return migrate_to(sqlite, SCHEMA_VERSION);
    }
    let found = pg_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }
        .into());
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(db::TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let found = pg_version(&tx)?;
    for (version, sql) in PG_MIGRATIONS {
        let baseline = *version == PG_MIGRATIONS[0].0;
        if (baseline && found == 0) || (!baseline && *version > found) {
            tx.execute_batch_native(sql)
                .map_err(|e| anyhow::anyhow!("applying schema migration {version}: {e}"))?;
            tx.execute("DELETE FROM schema_version", [])?;
            tx.execute(
                "INSERT INTO schema_version (version) VALUES (?1)",
                [*version],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Applies migrations up to `target` (tests use this to build an older schema).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }
        .into());
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let found = user_version(&tx)?;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found.max(0) as usize)
    {
        tx.execute_batch(sql)
            .map_err(|e| anyhow::anyhow!("applying schema migration {}: {e}", i + 1))?;
    }
    tx.pragma_update(None, "user_version", target.max(found))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new SQLite migration needs its PostgreSQL twin.
    #[test]
    fn both_backends_reach_the_same_version() {
        assert_eq!(PG_MIGRATIONS.last().unwrap().0, SCHEMA_VERSION);
        assert!(PG_MIGRATIONS.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    }
}
