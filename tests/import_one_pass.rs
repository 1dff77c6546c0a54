//! `calibration import`, `responses import` and `reviews import` list every problem of a file
//! in one run, in file order: records that do not read and the store's refusals of those
//! that do. Each `NAME` file in tests/fixtures/one_pass/ is refused with exactly the messages
//! in `NAME.expected`, and nothing is written.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/one_pass"
    ))
}

/// A workspace with the fixtures copied in, a maintainer (ops), an annotator (dr-a), the
/// mcq items as dataset Exam and the open_ended item as dataset Open.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    ok(d, &["init"]);
    ok(d, &words("people add ops --name ops --role maintainer"));
    ok(d, &words("people add dr-a --name A --role annotator"));
    ok(d, &words("import items.jsonl --dataset Exam --as ops"));
    ok(d, &words("import open_items.jsonl --dataset Open --as ops"));
    dir
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(format!("{name}.expected"))).unwrap()
}

fn count(d: &Path, table: &str) -> i64 {
    let conn = common::backend::raw_at(d, "t.db");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn every_problem_of_a_calibration_file_in_one_run() {
    let dir = workspace();
    let d = dir.path();
    // Two lines that do not read, an unknown item, "Z" and "d" that are not option labels,
    // and a second result of one model for one item.
    let e = err(
        d,
        &words("calibration import calibration.jsonl --plan mini.json --as ops"),
    );
    assert_eq!(e, expected("calibration"));
    // A pretty-printed JSON array names its records.
    let e = err(
        d,
        &words("calibration import calibration_array.json --plan mini.json --as ops"),
    );
    assert_eq!(e, expected("calibration_array"));
    assert_eq!(count(d, "calibration"), 0);
}

#[test]
fn every_problem_of_a_responses_file_in_one_run() {
    let dir = workspace();
    let d = dir.path();
    let e = err(d, &words("responses import responses.jsonl --as ops"));
    assert_eq!(e, expected("responses"));
    assert_eq!(count(d, "responses"), 0);
}

#[test]
fn every_problem_of_a_reviews_file_in_one_run() {
    let dir = workspace();
    let d = dir.path();
    let e = err(d, &words("reviews import reviews.jsonl --as dr-a"));
    assert_eq!(e, expected("reviews"));
    assert_eq!(count(d, "reviews"), 0);
}

/// Department labels as sources and physicians write them (心血管科, 神经科) are stored as
/// the taxonomy's ids, in items and in imported reviews.
#[test]
fn department_aliases_map_to_their_ids() {
    let dir = workspace();
    let d = dir.path();
    ok(d, &words("reviews import reviews_clean.jsonl --as dr-a"));
    let conn = common::backend::raw_at(d, "t.db");
    let field = |json: String, key: &str| {
        serde_json::from_str::<serde_json::Value>(&json).unwrap()[key].to_string()
    };
    let review: String = conn
        .query_row("SELECT content FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(field(review, "departments"), r#"["cardiology"]"#);
    let item: String = conn
        .query_row(
            "SELECT r.body FROM revisions r
             JOIN items i ON i.id = r.item_id WHERE i.ext_id = 'q2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(field(item, "suggested_departments"), r#"["neurology"]"#);
}
