//! Changing a submitted review, end to end: the real binary in a pseudo-terminal (80x24,
//! TERM=xterm-256color), the database read with rusqlite.
//!
//! A review of q1 is submitted with answer correctness failed. In the terminal the reviewer
//! reopens it from "My reviews", passes answer correctness, asks to submit and says no, and
//! goes back to the queue: the change is kept as a draft beside the submitted review (which
//! stays as it was), the screen says it is changed and not resubmitted, and reopening it, in
//! this session and in a new one, shows the change. `x` then throws the change away: the
//! review is what was submitted again.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;
use serde_json::Value;
use std::path::Path;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (80, 24);

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"佝偻病"}],"answer":["A"]}
"#;

/// dr-a's review of q1, answer correctness failed.
const REVIEW: &str = r#"{"dataset":"Exam","item":"q1","verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{"fail":"答案应为B"},"distractor_plausibility":"pass"},"departments":["general-practice"]}
"#;

fn setup() -> tempfile::TempDir {
    let dir = common::one_annotator(ITEMS);
    let d = dir.path();
    std::fs::write(d.join("review.jsonl"), REVIEW).unwrap();
    cli(d, &["reviews", "import", "review.jsonl", "--as", "dr-a"]);
    dir
}

/// dr-a's one review: its status, the submitted content and the pending change.
fn stored(d: &Path) -> (String, Value, Option<Value>) {
    let conn = common::backend::raw_at(d, "t.db");
    let (status, content, pending): (String, String, Option<String>) = conn
        .query_row(
            "SELECT status, content, pending FROM reviews WHERE reviewer = 'dr-a'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap();
    (status, parse(&content), pending.as_deref().map(parse))
}

fn answer(v: &Value) -> &Value {
    &v["verdicts"]["answer_correctness"]
}

/// Tab to "My reviews" and reopen the one review there.
fn reopen(tui: &mut Tui) {
    tui.send("\t");
    tui.wait_for("q1");
    tui.send("\r");
    tui.wait_for("Exam › q1");
}

/// The My reviews row of q1.
fn my_row(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("q1") && l.contains("Exam"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_change_to_a_submitted_review_survives_a_declined_submit_and_a_reopen() {
    let dir = setup();
    let d = dir.path();
    let fail = serde_json::json!({"verdict": "fail", "reason": "答案应为B"});
    let pass = serde_json::json!({"verdict": "pass"});

    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);
    tui.wait_for("李医生 Dr. A");
    tui.wait_until("my submitted review", |s| {
        let row = my_row(s);
        row.contains("submitted") && row.contains("can change")
    });
    reopen(&mut tui);
    tui.wait_for("3 [FAIL] Answer correctness");

    // Pass answer correctness, ask to submit, say no, leave.
    tui.send("3p");
    tui.wait_for("3 [pass] Answer correctness");
    tui.wait_for("changed, not resubmitted");
    tui.send("s");
    tui.wait_for("Submit your review of q1?");
    tui.send("n");
    tui.wait_for("Cancelled");
    tui.send("q");
    tui.wait_for("your change is kept as a draft, not resubmitted");
    tui.wait_until("the row says changed", |s| {
        let row = my_row(s);
        row.contains("changed") && row.contains("unsubmitted")
    });

    // The store: the submitted review as it was, the change beside it.
    let (status, content, pending) = stored(d);
    assert_eq!(status, "submitted");
    assert_eq!(answer(&content), &fail, "the submitted review: {content}");
    let pending = pending.expect("the change is kept");
    assert_eq!(answer(&pending), &pass, "the change: {pending}");

    // Reopened in this session: the change.
    tui.send("\r");
    tui.wait_for("Exam › q1");
    tui.wait_for("3 [pass] Answer correctness");
    tui.wait_for("changed and not resubmitted");
    tui.send("q");
    tui.wait_for("not resubmitted");
    tui.send("\t"); // back to the datasets
    tui.send("q");
    assert!(tui.wait_exit().success());

    // And in a new session; there x throws the change away.
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);
    tui.wait_until("the row says changed", |s| {
        my_row(s).contains("unsubmitted")
    });
    reopen(&mut tui);
    tui.wait_for("3 [pass] Answer correctness");
    tui.send("x");
    tui.wait_for("Throw your change away?");
    tui.send("y");
    tui.wait_for("Change thrown away");
    tui.wait_for("3 [FAIL] Answer correctness");
    let (status, content, pending) = stored(d);
    assert_eq!(status, "submitted");
    assert_eq!(answer(&content), &fail);
    assert_eq!(
        pending, None,
        "nothing pending after throwing the change away"
    );
    tui.send("q");
    tui.wait_until("the row says submitted", |s| {
        let row = my_row(s);
        row.contains("submitted") && row.contains("can change")
    });
    tui.send("\t");
    tui.send("q");
    assert!(tui.wait_exit().success());
}
