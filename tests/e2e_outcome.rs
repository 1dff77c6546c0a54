//! Finding one's own review and seeing what became of it, end to end: the real binary in a
//! pseudo-terminal at 80x24.
//!
//! dr-a and dr-b both pass q1 (accepted by itself) and disagree on q2 (waiting for a
//! curator). In "My reviews", `/` finds q1 by a word of its text and opens its outcome: the
//! other review with its comment, never dr-b's name. q2, found by its id, is not settled, and
//! the screen says so without showing anything of dr-b's review.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;

const SIZE: (u16, u16) = (80, 24);

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":["A"]}
{"id":"q2","kind":"mcq","stem":"维生素B1缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":["B"]}
"#;

fn review(item: &str, answer: &str, comment: &str) -> String {
    format!(
        r#"{{"dataset":"Exam","item":"{item}","verdicts":{{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{answer},"distractor_plausibility":"pass"}},"departments":["general-practice"],"comment":"{comment}"}}"#
    )
}

fn setup() -> tempfile::TempDir {
    let dir = common::one_annotator(ITEMS);
    let d = dir.path();
    cli(
        d,
        &[
            "people",
            "add",
            "dr-b",
            "--name",
            "王医生 Dr. B",
            "--role",
            "annotator",
        ],
    );
    let a = [
        review("q1", r#""pass""#, "题干清楚"),
        review("q2", r#""pass""#, "无"),
    ];
    let b = [
        review("q1", r#""pass""#, "选项设置合理"),
        review("q2", r#"{"fail":"秘密理由"}"#, "秘密备注"),
    ];
    std::fs::write(d.join("a.jsonl"), a.join("\n") + "\n").unwrap();
    std::fs::write(d.join("b.jsonl"), b.join("\n") + "\n").unwrap();
    cli(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]);
    cli(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"]);
    dir
}

#[test]
fn a_settled_review_is_found_by_its_text_and_shows_the_other_review_but_not_its_reviewer() {
    let dir = setup();
    let mut tui = Tui::spawn(dir.path(), &["review", "--as", "dr-a"], SIZE);
    tui.wait_for("My reviews");
    tui.send("\t");
    tui.wait_for("settled");
    tui.send("/");
    tui.wait_for("Find 查找");
    tui.send("维生素C");
    tui.send("\r");
    // One match: its outcome opens at once.
    tui.wait_for("Outcome of your review");
    tui.wait_for("The other reviewer");
    let screen = tui.text();
    assert!(screen.contains("accepted"), "{screen}");
    assert!(
        !screen.contains("dr-b") && !screen.contains("王医生"),
        "{screen}"
    );
    // The other review's comment is further down: G goes to the end, then up to it.
    tui.send("G");
    tui.wait_until("the item as reviewed", |s| s.contains("坏血病"));
    let mut seen = false;
    for _ in 0..40 {
        if tui.text().contains("选项设置合理") {
            seen = true;
            break;
        }
        tui.send("k");
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    assert!(seen, "the other review's comment: {}", tui.text());
    // Back to the matches, then a search by id: q2 waits for a curator.
    tui.send("\x1b");
    tui.wait_for("Matches for");
    tui.send("/");
    tui.wait_for("Find 查找");
    // The last query is offered again; clear it.
    tui.send(&"\x7f".repeat(10));
    tui.send("Exam/q2");
    tui.send("\r");
    tui.wait_for("not settled yet");
    let screen = tui.text();
    assert!(!screen.contains("秘密"), "{screen}");
    tui.send("\x1b");
    tui.wait_for("My reviews");
    tui.send("q");
    tui.send("q");
    tui.wait_exit();
}
