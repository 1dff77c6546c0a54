//! The item store: the only module that speaks SQL.
//!
//! One SQLite file in WAL mode. Every connection sets its own PRAGMAs; every write runs in a
//! `BEGIN IMMEDIATE` transaction so a writer waits for the lock (up to the busy timeout)
//! instead of failing half-way through.

mod agreement;
mod calibration;
mod checkpoint;
pub mod clock;
mod controls;
mod copy;
mod coverage;
mod curation;
pub mod db;
mod detail;
mod dialect;
mod errors;
mod evaluation;
mod find;
mod import_writer;
mod item_list;
mod items;
mod lease;
pub mod location;
pub mod migrations;
mod people;
mod releases;
mod responses;
mod review_export;
mod reviews;
mod samples;
mod status;
mod workload;

pub use calibration::CalibrationSummary;
pub use controls::{ControlRow, Marked};
pub use copy::TableDigest;
pub use curation::{
    CaseReview, CurationCase, CurationFilter, CurationQueue, CurationRow, DecideOutcome,
    HistoryDecision, HistoryEvent, HistoryReview, HistoryRevision, ItemHistory, REASON_IDS,
};
pub use errors::explain;
pub use evaluation::{NewResult, StoredResponse, StoredResult};
pub use find::{FIND_LIMIT, Found, FoundDispute, FoundItem};
pub use import_writer::{DatasetRef, ImportWriter, NewRevision, PutOutcome};
pub use item_list::{ControlsSeen, ItemRow};
pub use items::{StoredItem, StoredRevision};
pub use lease::{DEFAULT_LEASE_HOURS, LEASE_SETTING};
pub use migrations::{SCHEMA_VERSION, SchemaTooNew};
pub use responses::{
    AdjudicatedDispute, DisputeAssignment, DisputeCount, MyAdjudication, ResponsesImported,
    THRESHOLD_SETTING,
};
pub use review_export::ExportRecord;
pub use reviews::{
    Assignment, ExternalReview, MyReview, OutcomeStep, QueueRow, ReviewOutcome, ReviewStatus,
    RevisionChange, SubmitOutcome,
};
pub use samples::{NewSampleItem, PoolRow, StoredSample};
pub use status::DatasetStatus;

use crate::files::service;
use anyhow::{Context, Result};
use db::Connection;
use rusqlite::OpenFlags;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The WAL size at which an idle connection checkpoints (about 4,000 pages; SQLite alone
/// checkpoints at about 1,000, inside whichever commit crosses it).
pub const WAL_CHECKPOINT_BYTES: u64 = 16 * 1024 * 1024;

/// How long a connection waits for another writer before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a connection serving a person tries a lock again, for the first `BUSY_FINE` it
/// waits (then 20 times less often).
const BUSY_RETRY: Duration = Duration::from_micros(50);
const BUSY_FINE: Duration = Duration::from_millis(10);

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// For a connection that defers checkpoints: the thread that runs them.
    checkpointer: Option<checkpoint::Checkpointer>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(url) = location::postgres_url(path) {
            return Store::open_postgres(path, url, true);
        }
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !service::exists(dir)
        {
            service::create_dir_all(dir, 0o700)
                .with_context(|| format!("creating the directory {}", dir.display()))?;
        }
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("opening the database {}", path.display()))?;
        let mut store = Store {
            conn: Connection::from_sqlite(conn),
            path: path.to_path_buf(),
            checkpointer: None,
        };
        store
            .configure()
            .with_context(|| format!("configuring the database {}", path.display()))?;
        migrations::migrate(&mut store.conn)
            .with_context(|| format!("upgrading the database {}", path.display()))?;
        Ok(store)
    }

    /// Opens an existing database without creating it; says how to create one if it is missing.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if let Some(url) = location::postgres_url(path) {
            return Store::open_postgres(path, url, false);
        }
        if !service::exists(path) {
            anyhow::bail!(
                "no database at {}; create one with `medcurate init` (or pass --db / set MEDCURATE_DB)",
                path.display()
            );
        }
        Store::open(path)
    }

    /// Connects to the PostgreSQL database at `url`; creates the schema there when `create`,
    /// else says how to if it has none.
    fn open_postgres(path: &Path, url: &str, create: bool) -> Result<Store> {
        let shown = location::shown(path);
        let conn = Connection::connect_postgres(url)
            .with_context(|| format!("connecting to the database {shown}"))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            checkpointer: None,
        };
        if !create && migrations::version(&store.conn)? == 0 {
            anyhow::bail!(
                "the database {shown} has no medcurate workspace; create one with `medcurate init`"
            );
        }
        migrations::migrate(&mut store.conn)
            .with_context(|| format!("upgrading the database {shown}"))?;
        store
            .configure()
            .with_context(|| format!("configuring the database {shown}"))?;
        Ok(store)
    }

    /// The database as a person may read where it is (a URL without its password).
    pub fn location(&self) -> String {
        location::shown(&self.path)
    }

    pub fn backend(&self) -> db::Backend {
        self.conn.backend()
    }

    /// Runs `work`, a whole transaction of row-locked writes (`TransactionBehavior::RowLocked`),
    /// again when PostgreSQL ended it to break a deadlock with another: it was undone whole,
    /// so it can be. SQLite's writers never deadlock (one holds the write lock at a time), and
    /// its busy errors are its own to report.
    pub(crate) fn row_locked<T>(
        &mut self,
        mut work: impl FnMut(&mut Store) -> Result<T>,
    ) -> Result<T> {
        /// Times before a deadlock it keeps losing is reported.
        const ATTEMPTS: u32 = 12;
        let mut attempt = 1;
        loop {
            match work(self) {
                Err(e)
                    if self.backend() == db::Backend::Postgres
                        && attempt < ATTEMPTS
                        && is_busy(&e) =>
                {
                    // A moment apart, a few ms more each time, different for each session:
                    // run again at once, it met the same other claims, still at their
                    // commits, and lost to them again (8 times running under 8 reviewers
                    // on a small pool).
                    std::thread::sleep(Duration::from_millis(
                        u64::from(attempt) * (1 + jitter() % 8),
                    ));
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    fn configure(&mut self) -> Result<()> {
        let Some(sqlite) = self.conn.sqlite() else {
            return self.start_session();
        };
        sqlite.busy_timeout(BUSY_TIMEOUT)?;
        // Every statement a screen's worker runs stays prepared (rusqlite keeps 16 by
        // default; a submit and the next claim alone take more), so none is parsed again,
        // with its triggers, on the way to the next item.
        sqlite.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // WAL lets readers (reviewers' screens) proceed while one writer commits.
        let mode: String = sqlite.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            anyhow::bail!("the database could not switch to WAL mode (it reported {mode:?})");
        }
        // NORMAL is safe in WAL mode: a crash loses no committed transaction that was synced
        // by a checkpoint and never corrupts the file.
        sqlite.pragma_update(None, "synchronous", "NORMAL")?;
        sqlite.pragma_update(None, "foreign_keys", "ON")?;
        self.start_session()
    }

    fn start_session(&self) -> Result<()> {
        // Every event records the OS account behind it, taken from the kernel.
        self.conn.start_session(&crate::os::account::real_name())?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::version(&self.conn)
    }

    /// For a connection serving a person at the keyboard: commits stop copying the WAL into
    /// the database (that copy put 4-6 ms into one commit in a hundred); the caller runs
    /// `checkpoint` when idle instead, which hands the work to a thread of its own with its
    /// own connection (`checkpoint.rs`). A very large WAL still checkpoints on commit.
    ///
    /// And while another writer holds the lock, it tries again every `BUSY_RETRY` for the
    /// first few milliseconds: commits take a fraction of one, and SQLite's own waits (1, 2,
    /// 5, 10 ms, ...) would make a person wait up to 8 ms for a lock held for 3.
    pub fn defer_checkpoints(&mut self) -> Result<()> {
        let Some(sqlite) = self.conn.sqlite_mut() else {
            return Ok(());
        };
        sqlite.pragma_update(None, "wal_autocheckpoint", 10_000)?;
        let mut since = Instant::now();
        sqlite.busy_handler(Some(move |tries: i32| {
            if tries == 0 {
                since = Instant::now();
            }
            let waited = since.elapsed();
            if waited >= BUSY_TIMEOUT {
                return false;
            }
            std::thread::sleep(if waited < BUSY_FINE {
                BUSY_RETRY
            } else {
                BUSY_RETRY * 20
            });
            true
        }))?;
        self.limit_wal()?;
        if self.checkpointer.is_none() {
            self.checkpointer = Some(checkpoint::Checkpointer::start(&self.path)?);
        }
        Ok(())
    }

    /// After a checkpoint, the write that starts the WAL over shrinks the file back, so its
    /// size tells when the next checkpoint is due.
    fn limit_wal(&self) -> Result<()> {
        if let Some(sqlite) = self.conn.sqlite() {
            sqlite.query_row("PRAGMA journal_size_limit = 4194304", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Copies committed WAL frames into the database without waiting for or blocking anyone,
    /// once the WAL has grown past `WAL_CHECKPOINT_BYTES`. Not after every commit: the commit
    /// that follows a checkpoint restarts the WAL, which costs a few milliseconds itself. A
    /// connection that defers checkpoints only asks its checkpointing thread, which also
    /// restarts the WAL itself: this returns at once, and its next commit is an ordinary one.
    pub fn checkpoint(&self) -> Result<()> {
        let Some(sqlite) = self.conn.sqlite() else {
            return Ok(());
        };
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        let size = service::size(Path::new(&wal));
        if size >= WAL_CHECKPOINT_BYTES {
            match &self.checkpointer {
                Some(background) => background.nudge(),
                None => {
                    sqlite.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
                }
            }
        }
        Ok(())
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        let Some(sqlite) = self.conn.sqlite() else {
            return Ok("ok".into());
        };
        let rows: Vec<String> = sqlite
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows.join("\n"))
    }
}

/// True when `err` comes from SQLite giving up on a lock after the busy timeout.
pub fn is_busy(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<db::Error>().is_some_and(db::Error::is_busy)
            || matches!(
                e.downcast_ref::<rusqlite::Error>(),
                Some(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
    })
}

/// A number that differs from call to call and from process to process (the standard
/// library's per-map random keys), for spreading retries apart.
fn jitter() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}
