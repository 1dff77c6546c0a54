//! Every file in tests/fixtures/bad/ is refused with exactly the messages in its `.expected`
//! file, and the database is left exactly as it was.
//!
//! `NAME.FORMAT.jsonl` (or `.json`, a JSON array) is imported with `--format FORMAT`; plain
//! `NAME.jsonl` as native.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_medcurate")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

/// Every row of every table, so any change at all shows.
fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.push_str(&format!("{t}: {}\n{}\n", rows.len(), rows.join("\n")));
    }
    out
}

fn run(db: &Path, args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(cwd)
        .env_remove("MEDCURATE_DB")
        .output()
        .unwrap()
}

#[test]
fn every_bad_file_is_refused_with_its_exact_message_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    // A database that already holds something, so "unchanged" means something.
    let good = dir.path().join("good.jsonl");
    std::fs::write(
        &good,
        "{\"id\":\"g1\",\"kind\":\"mcq\",\"stem\":\"维生素C缺乏可引起\",\"options\":[{\"label\":\"A\",\"text\":\"坏血病\"},{\"label\":\"B\",\"text\":\"脚气病\"}],\"answer\":\"A\"}\n",
    )
    .unwrap();
    assert!(run(&db, &["init"], dir.path()).status.success());
    assert!(
        run(
            &db,
            &[
                "people",
                "add",
                "dr-li",
                "--name",
                "李医生",
                "--role",
                "annotator"
            ],
            dir.path()
        )
        .status
        .success()
    );
    assert!(
        run(
            &db,
            &["import", "good.jsonl", "--dataset", "Good"],
            dir.path()
        )
        .status
        .success()
    );

    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl") || n.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} bad fixtures", files.len());
    let mut failures = Vec::new();
    for name in &files {
        let stem = name
            .strip_suffix(".jsonl")
            .or_else(|| name.strip_suffix(".json"))
            .unwrap_or(name);
        let format = stem.rsplit_once('.').map_or("native", |(_, f)| f);
        let expected = std::fs::read_to_string(fixtures().join(format!("{stem}.expected")))
            .unwrap_or_else(|_| panic!("{stem}.expected is missing"));
        let before = dump(&db);
        let out = run(
            &db,
            &["import", name, "--dataset", "Bad", "--format", format],
            &fixtures(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}, expected 1", out.status.code()));
        }
        if stderr != expected {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- got\n{stderr}"
            ));
        }
        if dump(&db) != before {
            failures.push(format!("{name}: the database changed"));
        }
        // The file name, the line and (where there is one) the field are named.
        let first = stderr.lines().next().unwrap_or_default();
        if !first.starts_with(&format!("error: {name}:")) {
            failures.push(format!(
                "{name}: first line does not name file and line: {first}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn skip_invalid_imports_the_valid_lines_and_writes_rejects_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    assert!(run(&db, &["init"], dir.path()).status.success());
    let src = fixtures().join("answer_not_option.jsonl");
    let out = run(
        &db,
        &[
            "import",
            src.to_str().unwrap(),
            "--dataset",
            "Bad",
            "--skip-invalid",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Bad: 1 imported, 0 skipped (unchanged), 0 revised"),
        "{stdout}"
    );
    let rejects = dir.path().join("answer_not_option.jsonl.rejects.jsonl");
    assert!(stdout.contains(rejects.to_str().unwrap()), "{stdout}");
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["errors"][0]["field"], "answer");
    assert!(lines[0]["raw"].as_str().unwrap().contains("\"q2\""));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ids: Vec<String> = conn
        .prepare("SELECT ext_id FROM items")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, vec!["q1"]);
}

#[test]
fn more_than_fifty_problems_are_listed_then_counted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    assert!(run(&db, &["init"], dir.path()).status.success());
    let lines: String = (0..70)
        .map(|i| format!("{{\"id\":\"x{i}\",\"kind\":\"mcq\"}}\n"))
        .collect();
    std::fs::write(dir.path().join("many.jsonl"), lines).unwrap();
    let out = run(
        &db,
        &["import", "many.jsonl", "--dataset", "Bad"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let listed = stderr
        .lines()
        .filter(|l| l.starts_with("error: many.jsonl:"))
        .count();
    assert_eq!(listed, 50, "{stderr}");
    // Each line lacks stem, options and answer: 210 problems, 160 of them not listed.
    assert!(
        stderr.contains("... and 160 more problem(s) (the first 50 are shown)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("210 problem(s) in 70 line(s); nothing was imported"),
        "{stderr}"
    );
}
