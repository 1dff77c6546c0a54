//! `reviews claim`: the next item for a reviewer working from a script, under the review
//! screen's rules, and `reviews import` submitting onto that claim.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok};
use serde_json::Value;
use std::path::Path;

const Q1: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}"#;
const Q2: &str = r#"{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}"#;

const PASS_ALL: &str = r#""verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}"#;

fn setup(items: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for id in ["dr-a", "dr-b", "dr-c"] {
        ok(
            d,
            &["people", "add", id, "--name", id, "--role", "annotator"],
        );
    }
    let lines: String = items.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(d.join("items.jsonl"), lines).unwrap();
    ok(d, &["import", "items.jsonl", "--dataset", "Exam"]);
    dir
}

fn claim(d: &Path, who: &str) -> Value {
    let out = ok(d, &["reviews", "claim", "--json", "--as", who]);
    assert_eq!(out.lines().count(), 1, "one JSON line: {out}");
    serde_json::from_str(&out).unwrap()
}

fn submit(d: &Path, who: &str, item: &str) -> String {
    let file = format!("{who}-{item}.jsonl");
    std::fs::write(
        d.join(&file),
        format!("{{\"dataset\":\"Exam\",\"item\":\"{item}\",{PASS_ALL}}}\n"),
    )
    .unwrap();
    ok(d, &["reviews", "import", &file, "--as", who])
}

/// (reviewer, status) of every review row of `item`, in order.
fn rows(d: &Path, item: &str) -> Vec<(i64, String, String)> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare(
            "SELECT r.id, r.reviewer, r.status FROM reviews r JOIN items i ON i.id = r.item_id
             WHERE i.ext_id = ?1 ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([item], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap()
}

#[test]
fn two_reviewers_claim_an_item_a_third_gets_nothing() {
    let dir = setup(&[Q1]);
    let d = dir.path();
    let a = claim(d, "dr-a");
    assert_eq!(a["dataset"], "Exam");
    assert_eq!(a["item"], "q1");
    assert_eq!(a["revision"], 1);
    assert_eq!(a["kind"], "mcq");
    assert_eq!(a["body"]["stem"], "维生素C缺乏可引起");
    assert_eq!(a["body"]["answer"], serde_json::json!(["A"]));
    assert_eq!(
        a["criteria"],
        serde_json::json!([
            "natural_plausible",
            "clinical_validity",
            "answer_correctness",
            "distractor_plausibility"
        ])
    );
    assert!(a["draft"].is_null());
    // Claiming again resumes the same claim; it takes no second place on the item.
    assert_eq!(claim(d, "dr-a")["review_id"], a["review_id"]);
    let b = claim(d, "dr-b");
    assert_eq!(b["item"], "q1");
    assert_ne!(b["review_id"], a["review_id"]);
    // Two reviewers in force: nothing for a third.
    assert_eq!(
        ok(d, &["reviews", "claim", "--json", "--as", "dr-c"]),
        "null\n"
    );
    assert_eq!(
        ok(d, &["reviews", "claim", "--as", "dr-c"]),
        "nothing to review for dr-c\n"
    );
    assert_eq!(rows(d, "q1").len(), 2);

    // `reviews import` submits onto the claim: the same row, not a new one.
    assert_eq!(
        submit(d, "dr-a", "q1"),
        "1 review(s) submitted as dr-a: 0 item(s) accepted, 0 sent to curation, 1 waiting for a second review\n"
    );
    assert_eq!(
        rows(d, "q1"),
        vec![
            (
                a["review_id"].as_i64().unwrap(),
                "dr-a".into(),
                "submitted".into()
            ),
            (
                b["review_id"].as_i64().unwrap(),
                "dr-b".into(),
                "claimed".into()
            ),
        ]
    );
    // A reviewer is not given an item they reviewed, and the third still gets nothing.
    assert!(claim(d, "dr-a").is_null());
    assert!(claim(d, "dr-c").is_null());
    // The third cannot take the place by importing either.
    let file = "dr-c.jsonl";
    std::fs::write(
        d.join(file),
        format!("{{\"dataset\":\"Exam\",\"item\":\"q1\",{PASS_ALL}}}\n"),
    )
    .unwrap();
    assert_eq!(
        err(d, &["reviews", "import", file, "--as", "dr-c"]),
        "error: dr-c.jsonl:1: Exam/q1 already has two reviewers; an item takes two reviews\nerror: 1 review(s) refused; no review was submitted\n"
    );
    assert!(submit(d, "dr-b", "q1").contains("1 item(s) accepted"));
    for who in ["dr-a", "dr-b", "dr-c"] {
        assert!(claim(d, who).is_null(), "{who}");
    }
    assert_eq!(rows(d, "q1").len(), 2);
}

#[test]
fn the_claim_reads_as_the_review_screen_shows_it() {
    let dir = setup(&[Q1, Q2]);
    let d = dir.path();
    let text = ok(d, &["reviews", "claim", "--as", "dr-a"]);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Exam/q1, revision 1 (mcq): claimed for dr-a until "),
        "{text}"
    );
    assert!(
        text.contains("Question 题干\n维生素C缺乏可引起\n"),
        "{text}"
    );
    assert!(text.contains("坏血病"), "{text}");
    // It ends with a review line `reviews import` reads, every criterion passed.
    let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let want: Value = serde_json::from_str(&format!(
        r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":[]}}"#
    ))
    .unwrap();
    assert_eq!(line, want);
    // Once submitted, the reviewer moves on to the next item.
    submit(d, "dr-a", "q1");
    assert_eq!(claim(d, "dr-a")["item"], "q2");
    // Half-reviewed items come first for the others.
    assert_eq!(claim(d, "dr-b")["item"], "q1");

    let e = err(
        d,
        &["reviews", "claim", "--dataset", "Nope", "--as", "dr-c"],
    );
    assert_eq!(
        e,
        "error: there is no dataset \"Nope\"; `medcurate status` lists them\n"
    );
    ok(
        d,
        &[
            "people", "add", "cur", "--name", "Curator", "--role", "curator",
        ],
    );
    let e = err(d, &["reviews", "claim", "--as", "cur"]);
    assert!(e.contains("cur is not an annotator"), "{e}");
}
