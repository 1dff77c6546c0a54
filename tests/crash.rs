//! Crash test of the real binary: `medcurate import` is killed with SIGKILL at points spread over
//! an import, and after every kill the database must be sound (`PRAGMA integrity_check`) and hold
//! all of the import or none of it. Then the import runs to completion, and a second run finds
//! every item already there.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly
#![cfg(unix)]

use medcurate::domain::item::ItemKind;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Items in the file: enough that a debug build takes seconds to import them (about 4 s on 2
/// cores), few enough that the whole test stays well under a minute.
const N: usize = 6_000;

/// When to kill each import, as fractions of the time a full import took. The last ones may land
/// during the commit, or after it when the machine got faster.
const KILL_AT: [f64; 7] = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95];

fn medcurate(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_medcurate"));
    cmd.env_remove("MEDCURATE_DB").arg("--db").arg(db);
    cmd
}

fn init(db: &Path) {
    let out = medcurate(db).arg("init").output().unwrap();
    assert!(out.status.success(), "init: {out:?}");
}

fn import_cmd(db: &Path, file: &Path) -> Command {
    let mut cmd = medcurate(db);
    cmd.arg("import")
        .arg(file)
        .arg("--dataset")
        .arg("Crash")
        .arg("--rejects-dir")
        .arg(db.parent().unwrap());
    cmd
}

/// Runs an import to completion and returns its stdout.
fn import_ok(db: &Path, file: &Path) -> String {
    let out = import_cmd(db, file).output().unwrap();
    assert!(
        out.status.success(),
        "import failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What the database holds, read directly with SQLite.
#[derive(Debug, PartialEq)]
struct Contents {
    integrity: String,
    items: i64,
    revisions: i64,
    datasets: i64,
    imports: i64,
}

fn contents(db: &Path) -> Contents {
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    Contents {
        integrity: integrity.join("\n"),
        items: count("items"),
        revisions: count("revisions"),
        datasets: count("datasets"),
        imports: count("imports"),
    }
}

#[test]
fn killed_imports_leave_all_or_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crash.jsonl");
    let mut out = BufWriter::new(File::create(&file).unwrap());
    medcurate::synth::write_items_of_kind(&mut out, N, 42, ItemKind::Mcq).unwrap();
    out.flush().unwrap();
    drop(out);
    eprintln!("generated {N} items in {:.2?}", started.elapsed());

    // How long a whole import takes here, in a database of its own.
    let timing_db = dir.path().join("timing.sqlite");
    init(&timing_db);
    let t = Instant::now();
    let stdout = import_ok(&timing_db, &file);
    let full = t.elapsed();
    assert!(
        stdout.contains(&format!("Crash: {N} imported, 0 skipped")),
        "{stdout}"
    );
    eprintln!("a full import takes {full:.2?}");

    let db = dir.path().join("crash.sqlite");
    init(&db);
    let mut mid_import = 0;
    let mut committed = false;
    for fraction in KILL_AT {
        let delay = full.mul_f64(fraction);
        let mut child = import_cmd(&db, &file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        if running {
            assert_eq!(status.signal(), Some(9), "killed by SIGKILL");
            // Once an import has committed, later runs only find the items already there.
            if !committed {
                mid_import += 1;
            }
        }
        let c = contents(&db);
        eprintln!(
            "killed after {delay:.2?} ({:.0}%){}: {} items",
            fraction * 100.0,
            if running {
                ""
            } else {
                " (it had already exited)"
            },
            c.items
        );
        assert_eq!(c.integrity, "ok", "after a kill at {delay:?}");
        assert_eq!(c.revisions, c.items, "one revision per item");
        if c.items == 0 {
            assert!(!committed, "a committed import cannot disappear");
            assert_eq!((c.datasets, c.imports), (0, 0), "nothing of the import");
        } else {
            assert_eq!(
                c.items, N as i64,
                "all or nothing after a kill at {delay:?}"
            );
            assert_eq!(c.datasets, 1);
            committed = true;
        }
    }
    assert!(
        mid_import >= 3,
        "only {mid_import} of {} kills landed while an import was under way",
        KILL_AT.len()
    );

    // Now to completion (unless a late kill came after the commit), then once more.
    let stdout = import_ok(&db, &file);
    let expected = if committed {
        format!("Crash: 0 imported, {N} skipped")
    } else {
        format!("Crash: {N} imported, 0 skipped")
    };
    assert!(stdout.contains(&expected), "{stdout}");
    let c = contents(&db);
    assert_eq!(c.integrity, "ok");
    assert_eq!((c.items, c.revisions, c.datasets), (N as i64, N as i64, 1));

    let stdout = import_ok(&db, &file);
    assert!(
        stdout.contains(&format!("Crash: 0 imported, {N} skipped")),
        "{stdout}"
    );
    assert_eq!(contents(&db).items, N as i64);
    eprintln!(
        "{mid_import} of {} kills mid-import; whole test {:.2?}",
        KILL_AT.len(),
        started.elapsed()
    );
}
