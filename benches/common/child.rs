//! Running this executable again as a child process, so that setup and measurement each get a
//! process of their own, and the scratch directory the parent gives them.

use serde_json::Value;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

/// The first argument that makes this executable a child rather than the parent.
pub const CHILD: &str = "__medcurate_bench_child";

/// If this process is a child, its mode and the arguments after it.
pub fn child_mode() -> Option<(String, Vec<String>)> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD) {
        return None;
    }
    let mode = args.get(2).expect("child mode").clone();
    Some((mode, args[3..].to_vec()))
}

/// Runs this executable as a child in `mode` and reads its one-line JSON result.
pub fn run_child<S: AsRef<OsStr>>(mode: &str, args: &[S]) -> Value {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .arg(CHILD)
        .arg(mode)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "child {mode} failed: {}", out.status);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = stdout.lines().last().expect("a result line");
    serde_json::from_str(line).unwrap()
}

/// The benchmark's entry point. As a child in mode `setup` (a data directory, a database and
/// a count, as `Scratch::setup` passes them) or `measure` (the paths after the mode), it
/// prints the JSON result; anything else (cargo passes `--bench`) runs `parent`.
pub fn run(
    setup: impl FnOnce(&Path, &Path, usize) -> Value,
    measure: impl FnOnce(&[PathBuf]) -> Value,
    parent: impl FnOnce(),
) {
    let Some((mode, rest)) = child_mode() else {
        parent();
        return;
    };
    let result = match mode.as_str() {
        "setup" => setup(
            Path::new(&rest[0]),
            Path::new(&rest[1]),
            rest[2].parse().expect("a count"),
        ),
        "measure" => measure(&rest.iter().map(PathBuf::from).collect::<Vec<_>>()),
        other => panic!("unknown child mode {other:?}"),
    };
    println!("{result}");
}

/// A temporary directory holding the benchmark's database and a `data` directory for its
/// files; removed when dropped.
pub struct Scratch {
    tmp: TempDir,
    pub db: PathBuf,
    pub data: PathBuf,
}

impl Scratch {
    /// A fresh directory, the database in it named `db_file`.
    pub fn new(db_file: &str) -> Self {
        let tmp = tempfile::Builder::new()
            .prefix("medcurate-bench-")
            .tempdir()
            .unwrap();
        let db = tmp.path().join(db_file);
        let data = tmp.path().join("data");
        Scratch { tmp, db, data }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Runs the child `setup` on the data directory and database for `count`; its result.
    pub fn setup(&self, count: usize) -> Value {
        run_child(
            "setup",
            &[
                self.data.as_os_str(),
                self.db.as_os_str(),
                OsStr::new(&count.to_string()),
            ],
        )
    }
}
