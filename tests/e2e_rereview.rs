//! Re-review of a revised item end to end: the real binary in a pseudo-terminal (100x30),
//! its screen read back through a terminal emulator (vt100).
//!
//! Two annotators disagree on an item; a curator revises it with a note; a fresh reviewer
//! opens revision 2 and sees, above the item, the curator's note and the diff against
//! revision 1 — and nothing of the first pair's reviews (no reason, comment or name).
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;
use medcurate::domain::curation::{Decision, editable_text, parse_revision};
use medcurate::store::Store;

const SIZE: (u16, u16) = (100, 30);

const ITEM: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"佝偻病"}],"answer":["A"]}
"#;
const PASS: &str = r#""natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass""#;
const FAIL: &str = r#""natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":{"fail":"干扰项B表述不清楚"}"#;
const COMMENT: &str = "第一轮意见：选项描述含糊";
const NOTE: &str = "改正选项B；解析已更新";

#[test]
fn a_fresh_reviewer_sees_the_note_and_the_diff_and_nothing_of_the_first_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["init"]);
    for (id, role) in [
        ("dr-a", "annotator"),
        ("dr-b", "annotator"),
        ("dr-c", "annotator"),
        ("dr-d", "annotator"),
        ("cur", "curator"),
    ] {
        cli(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    std::fs::write(d.join("items.jsonl"), ITEM).unwrap();
    cli(d, &["import", "items.jsonl", "--dataset", "Exam"]);
    let line = |verdicts: &str, extra: &str| {
        format!(
            r#"{{"dataset":"Exam","item":"q1","verdicts":{{{verdicts}}},"departments":["endocrinology"]{extra}}}"#
        ) + "\n"
    };
    std::fs::write(
        d.join("a.jsonl"),
        line(PASS, &format!(r#","comment":"{COMMENT}""#)),
    )
    .unwrap();
    std::fs::write(d.join("b.jsonl"), line(FAIL, "")).unwrap();
    cli(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]);
    cli(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"]);
    {
        let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
        let case = store.curation_case("cur", "Exam", "q1").unwrap().unwrap();
        let edited = editable_text(&case.item.body).replace("脚气病", "脚气病（维生素B1缺乏）");
        let body = parse_revision(&edited, "Exam", "q1", case.item.body.kind()).unwrap();
        store
            .decide(
                "cur",
                "Exam",
                "q1",
                1,
                Decision::Revise {
                    body: Box::new(body),
                    note: Some(NOTE.into()),
                },
            )
            .unwrap();
    }

    let mut tui = Tui::spawn(d, &["review", "--as", "dr-c"], SIZE);
    tui.wait_until("the Exam row", |s| {
        s.lines().any(|l| l.contains("Exam") && l.contains("mcq"))
    });
    tui.send("\r");
    tui.wait_for("Exam › q1 · rev 2");
    tui.wait_for("Changed in this revision 本次修订 (revision 1 → 2)");
    tui.wait_for(&format!("Curator's note: {NOTE}"));
    tui.wait_until("the diff", |s| {
        s.lines()
            .any(|l| l.contains("- ") && l.contains("\"text\": \"脚气病\""))
            && s.lines()
                .any(|l| l.contains("+ ") && l.contains("脚气病（维生素B1缺乏）"))
    });
    let s = tui.text();
    for secret in [
        "干扰项B表述不清楚",
        "第一轮意见",
        "dr-a",
        "dr-b",
        "Endocrinology",
    ] {
        assert!(!s.contains(secret), "{secret} is on the screen:\n{s}");
    }
    // The item itself is below the block.
    tui.wait_for("维生素C缺乏可引起下列哪种疾病");
    tui.send("q");
    tui.wait_for("Back at the queue");
    tui.send("q");
    assert!(tui.wait_exit().success());
}
