//! Running the real binary on a workspace in a temporary directory, as a person types it.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly
#![allow(dead_code)] // each test file uses its own part

pub mod backend;
pub mod pty;
#[path = "../../src/tui/test_support/screen.rs"]
pub mod screen;

use std::path::Path;
use std::process::{Command, Output};

/// `medcurate --db DIR/DB ARGS...` in DIR, with no environment or config file of the host.
pub fn run_db(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .arg("--db")
        .arg(backend::db_at(dir, db))
        .args(args)
        .current_dir(dir)
        .env_remove("MEDCURATE_DB")
        .env("MEDCURATE_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

/// A command line as typed, split on spaces (for arguments without spaces).
pub fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The same on `t.db`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_db(dir, "t.db", args)
}

/// Standard output of a command that must succeed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error of a command that must fail with exit code 1.
pub fn err(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A workspace with one annotator, dr-a (李医生 Dr. A), and `items` imported as dataset "Exam".
pub fn one_annotator(items: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(
        d,
        &[
            "people",
            "add",
            "dr-a",
            "--name",
            "李医生 Dr. A",
            "--role",
            "annotator",
        ],
    );
    std::fs::write(d.join("items.jsonl"), items).unwrap();
    ok(d, &["import", "items.jsonl", "--dataset", "Exam"]);
    dir
}

/// A workspace with two experts (e1, e2, annotators), a maintainer (ops) and the sample
/// MADiagnosis items, for responses and disputes.
pub fn experts_with_madiagnosis() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for (id, role) in [
        ("e1", "annotator"),
        ("e2", "annotator"),
        ("ops", "maintainer"),
    ] {
        ok(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    let items = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/MADiagnosis.jsonl");
    ok(
        d,
        &[
            "import",
            items.to_str().unwrap(),
            "--dataset",
            "MADiagnosis",
        ],
    );
    dir
}
