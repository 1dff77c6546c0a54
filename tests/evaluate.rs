//! `medcurate evaluate` on a frozen release, through the real binary: the three-shuffle rule,
//! a dataset missing from the answers, the tables' formats, and bad answers files.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;
#[path = "common/release_workspace.rs"]
mod workspace;

use common::{err, ok, words};
use serde_json::{Value, json};
use std::path::Path;
use workspace::*;

/// A frozen release of 20 Exam questions in `r1`.
fn frozen() -> tempfile::TempDir {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 7 --name mini --as ops"),
    );
    ok(
        d,
        &words("release freeze mini --version 1.0.0 --out r1 --as ops --yes"),
    );
    dir
}

/// Answers read off the presentation files: `wrong(i, k)` says which question (by its place
/// in id order) a model gets wrong in presentation k; `skip(i, k)` which it leaves out.
fn answers(
    d: &Path,
    model: &str,
    wrong: impl Fn(usize, usize) -> bool,
    skip: impl Fn(usize, usize) -> bool,
) -> String {
    let mut out = String::new();
    for k in 0..3 {
        let text =
            std::fs::read_to_string(d.join(format!("r1/Exam.presentation-{k}.jsonl"))).unwrap();
        for (i, line) in text.lines().enumerate() {
            let p: Value = serde_json::from_str(line).unwrap();
            if skip(i, k) {
                continue;
            }
            let right = p["answer"].as_str().unwrap();
            let answer = if wrong(i, k) {
                if right == "A" { "B" } else { "A" }
            } else {
                right
            };
            out += &json!({"model": model, "dataset": "Exam", "item": p["id"], "presentation": k, "answer": answer}).to_string();
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_question_counts_only_when_all_three_presentations_are_right() {
    let dir = frozen();
    let d = dir.path();
    let mut all = answers(d, "steady", |_, _| false, |_, _| false);
    // Five questions wrong in one presentation only: 15 of 20.
    all += &answers(d, "shaky", |i, k| i < 5 && k == 1, |_, _| false);
    // Four questions never shown in presentation 2: a missing presentation is a wrong one.
    all += &answers(d, "partial", |_, _| false, |i, k| i < 4 && k == 2);
    std::fs::write(d.join("answers.jsonl"), all).unwrap();
    let digest = digest_of(&d.join("r1"));
    let out = ok(d, &words("evaluate r1 --answers answers.jsonl"));
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evaluate/by_dataset.expected"),
    )
    .unwrap();
    let sha = medcurate::domain::hash::sha256_hex(&std::fs::read(d.join("answers.jsonl")).unwrap());
    assert_eq!(
        out,
        expected.replace("{digest}", &digest).replace("{sha}", &sha)
    );
    let md = ok(
        d,
        &words("evaluate r1 --answers answers.jsonl --by difficulty --markdown"),
    );
    assert!(
        md.contains("| Model | Average | hard | medium | easy |\n|---|---:|---:|---:|---:|\n"),
        "{md}"
    );
    // shaky missed five hard questions: its hard score is the lowest, partial's second.
    assert!(
        md.contains("| shaky | 72.22 | 16.67 | **100.00** | **100.00** |"),
        "{md}"
    );
    assert!(md.contains("| partial | <u>"), "{md}");
    assert!(
        md.contains("| steady | **100.00** | **100.00** | **100.00** | **100.00** |"),
        "{md}"
    );
    assert!(md.contains(&format!("root digest {digest}")), "{md}");
    let csv = ok(d, &words("evaluate r1 --answers answers.jsonl --csv"));
    assert_eq!(
        csv,
        format!(
            "model,average,Exam,root_digest\nsteady,100.0000,100.0000,{digest}\nshaky,75.0000,75.0000,{digest}\npartial,80.0000,80.0000,{digest}\n"
        )
    );
    let v: Value =
        serde_json::from_str(&ok(d, &words("evaluate r1 --answers answers.jsonl --json"))).unwrap();
    assert_eq!(v["root_digest"], digest.as_str());
    assert_eq!(v["rows"][1]["cells"][0]["score"], 75.0);
    assert_eq!(v["final"], true);
    let e = err(
        d,
        &words("evaluate r1 --answers answers.jsonl --by dimension"),
    );
    assert!(e.contains("gives its datasets no dimension"), "{e}");
}

#[test]
fn bad_answers_are_all_named_and_nothing_is_scored() {
    let dir = frozen();
    let d = dir.path();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evaluate");
    std::fs::copy(
        fixtures.join("bad_answers.jsonl"),
        d.join("bad_answers.jsonl"),
    )
    .unwrap();
    let e = err(d, &words("evaluate r1 --answers bad_answers.jsonl"));
    assert_eq!(
        e,
        std::fs::read_to_string(fixtures.join("bad_answers.expected")).unwrap()
    );
    // A release that no longer verifies is not scored.
    std::fs::write(d.join("r1/Exam.presentation-0.jsonl"), "{}\n").unwrap();
    let e = err(d, &words("evaluate r1 --answers bad_answers.jsonl"));
    assert!(e.contains("does not match its datapackage.json"), "{e}");
}

#[test]
fn the_leaderboard_keeps_each_result_once_and_lists_the_models_best_first() {
    let dir = frozen();
    let d = dir.path();
    let mut all = answers(d, "steady", |_, _| false, |_, _| false);
    all += &answers(d, "shaky", |i, k| i < 5 && k == 1, |_, _| false);
    std::fs::write(d.join("answers.jsonl"), &all).unwrap();
    let digest = digest_of(&d.join("r1"));
    let e = err(d, &words("leaderboard r1"));
    assert!(e.contains("no model has been scored on the release"), "{e}");
    let e = err(
        d,
        &words("evaluate r1 --answers answers.jsonl --record --as a"),
    );
    assert!(e.contains("a is not a maintainer"), "{e}");
    let out = common::run(
        d,
        &words("evaluate r1 --answers answers.jsonl --record --as ops"),
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recorded 2 new result(s) for 2 model(s) on mini 1.0.0 (0 kept already)\n"
    );
    // The same file again: nothing new.
    let out = common::run(
        d,
        &words("evaluate r1 --answers answers.jsonl --record --as ops"),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recorded 0 new result(s) for 2 model(s) on mini 1.0.0 (2 kept already)\n"
    );
    // A better run of shaky from another file is kept beside the first; the latest counts.
    std::fs::write(
        d.join("again.jsonl"),
        answers(d, "shaky", |i, k| i < 2 && k == 0, |_, _| false),
    )
    .unwrap();
    ok(
        d,
        &words("evaluate r1 --answers again.jsonl --record --as ops"),
    );
    let board = format!(
        "mini 1.0.0, root digest {digest}: 2 model(s), 3 result(s) kept\n\
         model   Average    Exam\n\
         steady   100.00  100.00\n\
         shaky     90.00   90.00\n"
    );
    assert_eq!(ok(d, &words("leaderboard r1")), board);
    assert_eq!(ok(d, &["leaderboard", &digest]), board);
    let v: Value = serde_json::from_str(&ok(d, &words("leaderboard r1 --json"))).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let sha = medcurate::domain::hash::sha256_hex(all.as_bytes());
    assert_eq!(results[0]["answers_sha256"][0], sha.as_str());
    assert_eq!(results[1]["scores"]["datasets"]["Exam"], 75.0);
    let conn = common::backend::raw_at(d, "t.db");
    let e = conn
        .execute("DELETE FROM evaluation_results", [])
        .unwrap_err();
    assert!(
        e.to_string().contains("a recorded result never changes"),
        "{e}"
    );
}
