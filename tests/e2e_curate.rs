//! The curation screen end to end: the real binary in a pseudo-terminal (120x40,
//! TERM=xterm-256color), driven by keystrokes, its screen read back through a terminal
//! emulator (vt100), and the database checked afterwards with rusqlite.
//!
//! The database: real CMExam items from sample-data, two annotators whose reviews of two
//! items disagree (submitted with `medcurate reviews import`), and a curator.
//! - Accept with chosen departments: the item is accepted with them, and the decision and
//!   its event are recorded with the curator as actor; the terminal is restored.
//! - Discard with a reason, then revise the next item from a reviewer's proposal edited by
//!   keystrokes, with a note for its reviewers: the item is discarded, the other gets
//!   revision 2 (the note kept with the decision) and goes back to review.
//! - An annotator is refused the screen, in words naming the role.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;
use std::path::Path;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (120, 40);

const Q1: &str = "cmexam_val_sample:2";
const Q2: &str = "cmexam_val_sample:616";
const FAIL_REASON: &str = "出血部位同样影响表现";
const DISCARD_REASON: &str = "题目与临床实践不符";
const REVISION_NOTE: &str = "题干补上问号";

const PASS_ALL: &str = r#""natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass""#;

/// The item body as the editor shows it (the text a proposal starts from).
fn editable(id: &str) -> String {
    let path = format!("{}/sample-data/CMExam.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"id\": \"{id}\"")))
        .unwrap();
    let raw = medcurate::import::native::parse(line).unwrap();
    let item = medcurate::domain::validate::build_item(raw, "CMExam").unwrap();
    medcurate::domain::curation::editable_text(&item.body)
}

/// CMExam from sample-data; dr-a and dr-b (annotators) disagree on Q1 and Q2; dr-b proposes
/// a correction of Q2; cur is the curator.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["init"]);
    for (id, name, role) in [
        ("dr-a", "李医生", "annotator"),
        ("dr-b", "王医生", "annotator"),
        ("cur", "张主任", "curator"),
    ] {
        cli(d, &["people", "add", id, "--name", name, "--role", role]);
    }
    let items = format!("{}/sample-data/CMExam.jsonl", env!("CARGO_MANIFEST_DIR"));
    cli(d, &["import", &items, "--dataset", "CMExam"]);
    let a = format!(
        "{{\"dataset\":\"CMExam\",\"item\":\"{Q1}\",\"verdicts\":{{{PASS_ALL}}},\"departments\":[\"gastroenterology\"]}}\n\
         {{\"dataset\":\"CMExam\",\"item\":\"{Q2}\",\"verdicts\":{{{PASS_ALL}}},\"departments\":[\"otolaryngology\"]}}\n"
    );
    std::fs::write(d.join("a.jsonl"), a).unwrap();
    cli(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]);
    let fail = format!(
        r#""natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{{"fail":"{FAIL_REASON}"}},"distractor_plausibility":"pass""#
    );
    let proposal = editable(Q2).replace("哪项是错误的", "哪项是错误的？");
    let b = [
        serde_json::json!({
            "dataset": "CMExam", "item": Q1,
            "verdicts": serde_json::from_str::<serde_json::Value>(&format!("{{{fail}}}")).unwrap(),
            "departments": ["gastroenterology", "hematology"],
            "comment": "答案值得商榷",
        }),
        serde_json::json!({
            "dataset": "CMExam", "item": Q2,
            "verdicts": serde_json::from_str::<serde_json::Value>(&format!("{{{fail}}}")).unwrap(),
            "departments": ["otolaryngology"],
            "proposal": proposal,
        }),
    ];
    let b: Vec<String> = b.iter().map(|v| v.to_string()).collect();
    std::fs::write(d.join("b.jsonl"), b.join("\n") + "\n").unwrap();
    let out = cli(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"]);
    assert!(out.contains("2 sent to curation"), "{out}");
    dir
}

/// (state, departments) of an item.
fn item(d: &Path, id: &str) -> (String, Option<String>) {
    let conn = common::backend::raw_at(d, "t.db");
    conn.query_row(
        "SELECT state, departments FROM items WHERE ext_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// (curator, action, departments, reason, new_revision) of the item's decisions.
type DecisionRow = (String, String, Option<String>, Option<String>, Option<i64>);

fn decisions(d: &Path, id: &str) -> Vec<DecisionRow> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare(
            "SELECT x.curator, x.action, x.departments, x.reason, x.new_revision
             FROM decisions x JOIN items i ON i.id = x.item_id WHERE i.ext_id = ?1 ORDER BY x.id",
        )
        .unwrap();
    stmt.query_map([id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<medcurate::store::db::Result<_>>()
    .unwrap()
}

/// (actor, action) of the item's curator events.
fn curator_events(d: &Path, id: &str) -> Vec<(String, String)> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare(
            "SELECT e.actor, e.action FROM events e JOIN items i ON i.id = e.item_id
             WHERE i.ext_id = ?1 AND e.action LIKE 'curator_%' ORDER BY e.id",
        )
        .unwrap();
    stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<medcurate::store::db::Result<_>>()
        .unwrap()
}

#[test]
fn a_dispute_accepted_with_chosen_departments_is_recorded() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["curate", "--as", "cur"], SIZE);
    tui.wait_for("张主任");
    tui.wait_for(Q1); // the queue row: the id, its dataset beside it
    tui.wait_for("Waiting 2");
    assert_eq!(tui.termios().c_lflag & libc::ICANON, 0, "raw mode");

    // Open the first item: both reviews side by side, the difference marked.
    tui.send("\r");
    tui.wait_for("上消化道出血可单纯表现为呕血或黑便");
    tui.wait_for("Reviewer 1 · 李医生 (dr-a)");
    tui.wait_for("Reviewer 2 · 王医生 (dr-b)");
    tui.wait_for("≠ Answer correctness 答案正确");
    tui.wait_for(FAIL_REASON);
    // Anonymous at a key.
    tui.send("N");
    tui.wait_for("names hidden");
    assert!(!tui.text().contains("李医生"), "{}", tui.text());

    // Accept: the union is prefilled; untag hematology through the search, in Chinese.
    tui.send("a");
    tui.wait_for("Tagged (2/3): Gastroenterology 消化内科, Hematology 血液内科");
    tui.send("/");
    tui.send("血液内科");
    tui.send("\r"); // keep the search
    tui.send(" "); // untag the department under the cursor
    tui.wait_for("Untagged Hematology 血液内科");
    tui.send("a");
    tui.wait_for(&format!("Accept CMExam/{Q1} as it is"));
    tui.wait_for("Final departments: Gastroenterology 消化内科");
    tui.send("y");
    tui.wait_for(&format!("Accepted CMExam/{Q1}"));
    // The next item of the queue follows.
    tui.wait_for("以下关于上颌窦癌的叙述");
    tui.send("q");
    tui.wait_for("Back at the queue");
    tui.wait_for("Waiting 1");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");

    // The terminal is restored.
    assert!(!tui.screen.screen().alternate_screen());
    assert!(!tui.screen.screen().hide_cursor());
    assert_ne!(
        tui.termios().c_lflag & libc::ICANON,
        0,
        "cooked mode is back"
    );
    let tail = tui.tail();
    assert!(tail.contains("\x1b[?1049l"), "{tail:?}");

    assert_eq!(
        item(d, Q1),
        ("accepted".into(), Some(r#"["gastroenterology"]"#.into()))
    );
    assert_eq!(
        decisions(d, Q1),
        vec![(
            "cur".into(),
            "accept".into(),
            Some(r#"["gastroenterology"]"#.into()),
            None,
            None
        )]
    );
    assert_eq!(
        curator_events(d, Q1),
        vec![("cur".into(), "curator_accept".into())]
    );
    assert_eq!(item(d, Q2).0, "needs_curation");
}

#[test]
fn a_discard_with_a_reason_then_a_revision_from_a_proposal() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(
        d,
        &["curate", "--as", "cur", "--reason", "criteria_disagree"],
        SIZE,
    );
    tui.wait_for(Q2); // the queue row: the id, its dataset beside it
    tui.send("\r");
    tui.wait_for("≠ Answer correctness 答案正确");

    // Discard: a reason is required, then the confirm step.
    tui.send("D");
    tui.wait_for("Why discard this item?");
    tui.send("\r");
    tui.wait_for("A discard needs a reason");
    tui.send(DISCARD_REASON);
    tui.send("\r");
    tui.wait_for(&format!("Discard CMExam/{Q1}?"));
    tui.send("y");
    tui.wait_for(&format!("Discarded CMExam/{Q1}"));

    // The next item opens; revise it from dr-b's proposal, with one more edit typed.
    tui.wait_for("以下关于上颌窦癌的叙述");
    tui.wait_for("Correction proposed by 王医生 (dr-b)");
    tui.send("e");
    tui.wait_for("Start the revision from");
    tui.send("j\r");
    tui.wait_for("Revising, from the correction Reviewer 2 proposed");
    // Third line is the stem: go to its end, before `",`, and add to it.
    tui.send("\x1b[B\x1b[B\x1b[F\x1b[D\x1b[D");
    tui.send("（修订）");
    tui.wait_for("哪项是错误的？（修订）");
    tui.send("\x13"); // Ctrl-S: check, then the note for its reviewers, then confirm
    tui.wait_for("Note for the new revision's reviewers");
    tui.send(REVISION_NOTE);
    tui.send("\r");
    tui.wait_for("Save your edit of CMExam/");
    tui.wait_for("1 line removed, 1 line added.");
    tui.wait_for(&format!("Note for its reviewers: {REVISION_NOTE}"));
    tui.send("y");
    tui.wait_for(&format!(
        "Revised CMExam/{Q2}: revision 2 goes back to two reviewers"
    ));
    tui.wait_for("Nothing waiting under these filters");
    tui.send("q");
    assert!(tui.wait_exit().success());

    assert_eq!(item(d, Q1).0, "discarded");
    assert_eq!(
        decisions(d, Q1),
        vec![(
            "cur".into(),
            "discard".into(),
            None,
            Some(DISCARD_REASON.into()),
            None
        )]
    );
    assert_eq!(
        curator_events(d, Q1),
        vec![("cur".into(), "curator_discard".into())]
    );
    assert_eq!(item(d, Q2).0, "in_review");
    assert_eq!(
        decisions(d, Q2),
        vec![("cur".into(), "revise".into(), None, None, Some(2))]
    );
    assert_eq!(
        curator_events(d, Q2),
        vec![("cur".into(), "curator_revise".into())]
    );
    let conn = common::backend::raw_at(d, "t.db");
    let (body, author): (String, String) = conn
        .query_row(
            "SELECT r.body, r.author FROM revisions r JOIN items i ON i.id = r.item_id
             WHERE i.ext_id = ?1 AND r.revision_no = 2",
            [Q2],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(author, "cur");
    assert!(
        body.contains("以下关于上颌窦癌的叙述，哪项是错误的？（修订）"),
        "{body}"
    );
    let note: Option<String> = conn
        .query_row(
            "SELECT x.note FROM decisions x JOIN items i ON i.id = x.item_id WHERE i.ext_id = ?1",
            [Q2],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note.as_deref(), Some(REVISION_NOTE));
}

#[test]
fn an_annotator_is_refused_the_curation_screen() {
    let dir = setup();
    let d = dir.path();
    let out = common::run(d, &["curate", "--as", "dr-a"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("curator"), "{err}");
    // Nothing was decided.
    assert!(decisions(d, Q1).is_empty());
}

#[test]
fn sigterm_ends_the_screen_cleanly() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["curate", "--as", "cur", "--anonymous"], SIZE);
    tui.wait_for(Q1); // the queue row: the id, its dataset beside it
    tui.send("\r");
    tui.wait_for("Reviewer 2");
    assert!(!tui.text().contains("王医生"), "{}", tui.text());
    tui.signal(libc::SIGTERM);
    assert!(tui.wait_exit().success());
    assert!(!tui.screen.screen().alternate_screen());
    assert_ne!(
        tui.termios().c_lflag & libc::ICANON,
        0,
        "cooked mode is back"
    );
    assert_eq!(item(d, Q1).0, "needs_curation");
}
