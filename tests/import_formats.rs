//! Every file in tests/fixtures/formats/ imports with exactly the output and the items in its
//! `.expected` file: `NAME.FORMAT.json` (a JSON array, pretty-printed as CBLUE ships it) or
//! `NAME.FORMAT.jsonl`, imported with `--format FORMAT`. The `.expected` file holds what the
//! import prints (without its timing line), then each stored item as `id<TAB>body`.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(fixtures())
        .env_remove("MEDCURATE_DB")
        .output()
        .unwrap()
}

fn items(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT i.ext_id, r.body FROM items i
             JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
             ORDER BY i.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(format!(
            "{}\t{}\n",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn every_format_fixture_imports_with_its_exact_output_and_items() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") || n.ends_with(".jsonl"))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let stem = name
            .strip_suffix(".jsonl")
            .or_else(|| name.strip_suffix(".json"))
            .unwrap();
        let format = stem.rsplit_once('.').unwrap().1;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        assert!(run(&db, &["init"]).status.success());
        let out = run(&db, &["import", name, "--dataset", "D", "--format", format]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut got: String = stdout
            .lines()
            .filter(|l| !l.starts_with("read "))
            .map(|l| format!("{l}\n"))
            .collect();
        got.push_str(&String::from_utf8_lossy(&out.stderr));
        got.push_str(&items(&db));
        let expected = std::fs::read_to_string(fixtures().join(format!("{stem}.expected")))
            .unwrap_or_else(|_| panic!("{stem}.expected is missing"));
        if !out.status.success() || got != expected {
            failures.push(format!(
                "{name}: exit {:?}\n--- expected\n{expected}--- got\n{got}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A pretty-printed array gives the same items as the same records one per line: the
/// CHIP-CDN rows of tests/fixtures/real/chip_cdn.jsonl, whose source is a JSON array.
#[test]
fn an_array_file_and_its_jsonl_lines_give_the_same_items() {
    let array = fixtures().join("chip_cdn_pretty.chip-cdn.json");
    let lines = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/chip_cdn.jsonl");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("chip_cdn_pretty.chip-cdn.jsonl");
    let first: String = std::fs::read_to_string(lines)
        .unwrap()
        .lines()
        .take(4)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&copy, first).unwrap();
    let mut bodies = Vec::new();
    for (i, file) in [array, copy].iter().enumerate() {
        let db = dir.path().join(format!("{i}.db"));
        assert!(run(&db, &["init"]).status.success());
        let out = run(
            &db,
            &[
                "import",
                file.to_str().unwrap(),
                "--dataset",
                "D",
                "--format",
                "chip-cdn",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Only the provenance's file name differs (.json against .jsonl).
        bodies.push(items(&db).replace(
            "chip_cdn_pretty.chip-cdn.jsonl",
            "chip_cdn_pretty.chip-cdn.json",
        ));
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[0].lines().count(), 4);
}
