//! What a person reads when SQLite fails for a reason outside medcurate: a directory it
//! cannot write, a full disk, a damaged file. Each says what happened to which path and what
//! to do.

use crate::files::service;
use std::path::Path;

/// Replaces a low-level SQLite failure on `db` with a plain account of it; other errors pass
/// through unchanged.
pub fn explain(err: anyhow::Error, db: &Path) -> anyhow::Error {
    let Some((code, detail)) = err.chain().find_map(|e| {
        let sqlite = match e.downcast_ref::<super::db::Error>() {
            Some(super::db::Error::Sqlite(e)) => Some(e),
            _ => e.downcast_ref::<rusqlite::Error>(),
        };
        match sqlite {
            Some(rusqlite::Error::SqliteFailure(f, msg)) => Some((*f, msg.clone())),
            _ => None,
        }
    }) else {
        return err;
    };
    let shown = db.display();
    let dir = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().unwrap_or_else(|_| ".".into()),
    };
    use rusqlite::ErrorCode as C;
    let text = match code.code {
        C::ReadOnly | C::CannotOpen | C::PermissionDenied => {
            if service::exists(db) && !service::writable(db) {
                format!(
                    "the database {shown} is read-only for this account, so nothing could be \
                     stored; give it write access (chmod u+w {shown}) or ask whoever owns it"
                )
            } else if !service::writable(&dir) {
                format!(
                    "cannot write in {}, the database's directory: SQLite keeps the database's \
                     -wal and -shm files beside it there. Give this account write access to the \
                     directory (chmod u+w {}) or move the database somewhere writable",
                    dir.display(),
                    dir.display()
                )
            } else if code.code == C::CannotOpen {
                format!(
                    "cannot open the database {shown}: check that its directory exists and can be entered"
                )
            } else {
                let mut wal = db.as_os_str().to_owned();
                wal.push("-wal");
                format!(
                    "the database {shown} cannot be written (its -wal or -shm file belongs to \
                     another account?): check the owners of {}* and make them the database's owner",
                    Path::new(&wal).with_extension("").display()
                )
            }
        }
        C::DiskFull => format!(
            "the disk holding {shown} is full, so this command stored nothing; free some space \
             (df -h {}) and run it again",
            dir.display()
        ),
        C::NotADatabase | C::DatabaseCorrupt => format!(
            "{shown} is not a medcurate database, or it is damaged ({}). Restore it from your \
             last backup (cp BACKUP.db {shown}, with no medcurate running), or salvage what can \
             be read: sqlite3 {shown} .recover | sqlite3 recovered.db",
            detail.unwrap_or_else(|| code.to_string())
        ),
        _ => return err,
    };
    anyhow::anyhow!(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_err(code: i32) -> anyhow::Error {
        anyhow::Error::new(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            None,
        ))
        .context("writing")
    }

    #[test]
    fn a_full_disk_and_a_damaged_file_say_what_to_do() {
        let db = Path::new("/nowhere/x.db");
        let e = explain(sqlite_err(rusqlite::ffi::SQLITE_FULL), db).to_string();
        assert!(e.contains("the disk holding /nowhere/x.db is full"), "{e}");
        let e = explain(sqlite_err(rusqlite::ffi::SQLITE_NOTADB), db).to_string();
        assert!(e.contains("Restore it from your last backup"), "{e}");
        assert!(e.contains("sqlite3 /nowhere/x.db .recover"), "{e}");
        let other = explain(anyhow::anyhow!("no such item"), db).to_string();
        assert_eq!(other, "no such item");
    }
}
