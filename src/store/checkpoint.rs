//! Folding the WAL into the database for a connection that serves a person at the keyboard
//! (`Store::defer_checkpoints`): on a thread of its own, with its own connection, so that no
//! commit of theirs waits for the copy, its syncs, or the restart of the WAL.

use super::Store;
use anyhow::Result;
use rusqlite::TransactionBehavior;
use std::path::Path;
use std::sync::mpsc::{self, SyncSender};
use std::thread;

/// The thread that checkpoints. It ends once this is dropped, after the checkpoint it is in
/// (an unfinished one is safe to abandon: the process may end in the middle of it).
pub(super) struct Checkpointer {
    nudge: SyncSender<()>,
}

impl Checkpointer {
    /// A checkpointing thread on the database at `path`.
    pub(super) fn start(path: &Path) -> Result<Checkpointer> {
        let mut store = Store::open_existing(path)?;
        // It starts the WAL over, so it shrinks the file.
        store.limit_wal()?;
        let (nudge, nudged) = mpsc::sync_channel::<()>(1);
        thread::Builder::new()
            .name("medcurate-checkpoint".into())
            .spawn(move || {
                while nudged.recv().is_ok() {
                    // Best effort: a failed checkpoint only leaves the WAL longer for the next.
                    let _ = store.fold_wal();
                }
            })?;
        Ok(Checkpointer { nudge })
    }

    /// Asks for a checkpoint; one asked for already, or running, is enough.
    pub(super) fn nudge(&self) {
        let _ = self.nudge.try_send(());
    }
}

impl Store {
    /// Copies the WAL into the database without waiting for anyone; when every frame is in,
    /// writes once more, which starts the WAL over: that write truncates the WAL file and
    /// syncs its new header, which the next writer would otherwise do in its commit.
    pub(super) fn fold_wal(&mut self) -> Result<()> {
        let Some(conn) = self.conn.sqlite_mut() else {
            return Ok(());
        };
        let (busy, frames, copied): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy != 0 || frames <= 0 || copied < frames {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The schema version written back as it is: a write that changes nothing. Read inside
        // the transaction, so no migration can come between.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::people::{Person, Role};

    /// Frames in the WAL and frames copied into the database, as a passive checkpoint says.
    fn wal(store: &Store) -> (i64, i64) {
        store
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })
            .unwrap()
    }

    #[test]
    fn folding_the_wal_starts_it_over_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = Store::open(&path).unwrap();
        store.defer_checkpoints().unwrap();
        for i in 0..200 {
            let p = Person {
                id: format!("dr{i}"),
                name: format!("Dr {i}"),
                roles: vec![Role::Annotator],
                os_user: None,
            };
            store.add_person(&p, "test").unwrap();
        }
        // A WAL of several megabytes.
        let long = "x".repeat(4000);
        for i in 0..400 {
            store
                .set_setting(&format!("test.{i}"), &long, "test")
                .unwrap();
        }
        let mut wal_file = path.clone().into_os_string();
        wal_file.push("-wal");
        let wal_size = || crate::files::service::size(std::path::Path::new(&wal_file));
        assert!(
            wal_size() > 4 * 1024 * 1024,
            "the WAL is {} bytes",
            wal_size()
        );
        let version = store.schema_version().unwrap();
        let people = store.people().unwrap().len();
        let mut other = Store::open_existing(&path).unwrap();
        other.limit_wal().unwrap();
        other.fold_wal().unwrap();
        // The WAL holds only the write that started it over, and its file is cut back.
        let (frames, copied) = wal(&store);
        assert!(
            frames <= 2 && copied <= frames,
            "{frames} frames, {copied} copied"
        );
        assert!(
            wal_size() <= 4 * 1024 * 1024,
            "the WAL is {} bytes",
            wal_size()
        );
        assert_eq!(store.schema_version().unwrap(), version);
        assert_eq!(store.people().unwrap().len(), people);
    }

    #[test]
    fn a_deferring_store_checkpoints_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut store = Store::open(&path).unwrap();
        store.defer_checkpoints().unwrap();
        let mut wal_file = path.clone().into_os_string();
        wal_file.push("-wal");
        let wal_size = || crate::files::service::size(std::path::Path::new(&wal_file));
        let long = "x".repeat(4000);
        let mut i = 0;
        while wal_size() < crate::store::WAL_CHECKPOINT_BYTES {
            store
                .set_setting(&format!("test.{}", i % 50), &long, "test")
                .unwrap();
            i += 1;
        }
        // It returns at once; the WAL is folded in and cut back soon after.
        store.checkpoint().unwrap();
        let start = std::time::Instant::now();
        while wal_size() > 4 * 1024 * 1024 {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "the WAL is still {} bytes",
                wal_size()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // The next commit is an ordinary one.
        store.set_setting("test.after", "1", "test").unwrap();
        assert_eq!(store.setting("test.after").unwrap().as_deref(), Some("1"));
    }
}
