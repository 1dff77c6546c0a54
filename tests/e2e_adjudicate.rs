//! The adjudication screen end to end: the real binary in a pseudo-terminal (120x40,
//! TERM=xterm-256color), driven by keystrokes, its screen read back through a terminal
//! emulator (vt100), and the result checked with the CLI and rusqlite.
//!
//! The database: the MADiagnosis sample items, a maintainer who imports two model responses
//! whose judges disagree by more than 0.25, and an annotator (the physician).
//! - A dispute decided completely by keystrokes (every rubric point marked, a score, a
//!   reason in Chinese, submit, confirm): `disputes --json` counts it and `disputes export
//!   --format decisions` holds the points, score and reason; the next dispute follows; the
//!   terminal is restored.
//! - SIGTERM halfway through: the draft (marks and the reason being typed) is kept, the
//!   terminal restored, and the next run resumes the same dispute.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::{Tui, position};
use serde_json::Value;
use std::path::Path;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (120, 40);

/// Four rubric points worth 2, 2, 1 and 1; judged 0.9 and 0.3 (the widest gap, so first).
const WIDE: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";
/// Three rubric points; judged 0.7 and 0.3.
const NARROW: &str = "chinese_medical_dialogue_IM_7specialty_sample:7215";
const REASON: &str = "未建议查血常规和血糖，第3条不满足";

/// MADiagnosis from sample-data; `maint` imports two disputed responses; `dr-a` decides.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["init"]);
    for (id, name, role) in [
        ("maint", "管理员", "maintainer"),
        ("dr-a", "李医生", "annotator"),
    ] {
        cli(d, &["people", "add", id, "--name", name, "--role", role]);
    }
    let items = format!(
        "{}/sample-data/MADiagnosis.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    cli(d, &["import", &items, "--dataset", "MADiagnosis"]);
    let rows = [
        serde_json::json!({
            "dataset": "MADiagnosis", "item": WIDE, "model": "GPT-4o",
            "response": "高血压确实可能引起头晕，但原因很多，比如睡眠不足、过度疲劳、贫血、低血糖等。建议在家规范测量几次血压，血压高应到心内科就诊。如出现一侧肢体无力、言语不清，应立即就医。",
            "judges": [
                {"score": 0.9, "points": [true, true, true, true], "rationale": "四个要点均有涉及"},
                {"score": 0.3}
            ]
        }),
        serde_json::json!({
            "dataset": "MADiagnosis", "item": NARROW, "model": "GPT-4o",
            "response": "头晕无力、脸色发白可能是贫血，建议先查血常规。再生障碍性贫血较少见，确诊需要骨髓检查。",
            "judges": [
                {"score": 0.7, "points": [true, false, true], "rationale": "建议查血常规并说明了再障特点"},
                {"score": 0.3, "points": [true, false, false]}
            ]
        }),
    ];
    let text: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    std::fs::write(d.join("r.jsonl"), text.join("\n") + "\n").unwrap();
    let out = cli(d, &["responses", "import", "r.jsonl", "--as", "maint"]);
    assert!(out.contains("2 are disputes"), "{out}");
    dir
}

/// (status, content) of dr-a's adjudications, oldest first.
fn adjudications(d: &Path) -> Vec<(String, Value)> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare("SELECT status, content FROM adjudications WHERE expert = 'dr-a' ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        let content: String = r.get(1)?;
        Ok((r.get(0)?, serde_json::from_str(&content).unwrap()))
    })
    .unwrap()
    .collect::<medcurate::store::db::Result<_>>()
    .unwrap()
}

/// The terminal is as it was: the alternate screen left last, the cursor shown again (a cursor
/// move from an open text field may come between), cooked mode and echo back.
fn restored(tui: &Tui) {
    let out = &tui.raw;
    let tail = tui.tail();
    assert!(
        tail.ends_with("\x1b[?1049l") || tail.ends_with("\x1b[?25h"),
        "the output ends with {tail:?}"
    );
    assert!(position(out, b"\x1b[?1049l") > position(out, b"\x1b[?1049h"));
    assert!(position(out, b"\x1b[?25h") > position(out, b"\x1b[?25l"));
    assert!(!tui.screen.screen().alternate_screen());
    assert!(!tui.screen.screen().hide_cursor());
    let cooked = tui.termios();
    assert_ne!(cooked.c_lflag & libc::ICANON, 0, "cooked mode is back");
    assert_ne!(cooked.c_lflag & libc::ECHO, 0, "echo is back");
}

#[test]
fn a_dispute_decided_by_keystrokes_is_stored_and_exported() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"], SIZE);

    // The start screen: the threshold and the counts.
    tui.wait_for("scores more than 0.25 apart");
    tui.wait_for("All datasets");
    tui.wait_for("GPT-4o");
    assert_eq!(
        tui.termios().c_lflag & libc::ICANON,
        0,
        "raw mode while the screen runs"
    );

    // Enter takes the widest-gap dispute: the question, the rubric and both judges.
    tui.send("\r");
    tui.wait_for(&format!("MADiagnosis › {WIDE} · GPT-4o"));
    tui.wait_for("高血压会头晕吗？");
    tui.wait_for("Rubric 评分标准 · 0/4 marked");
    tui.wait_for("Judge A: 0.9 · points 1✓ 2✓ 3✓ 4✓");

    // Submit before anything is marked is refused, saying what is missing.
    tui.send("s");
    tui.wait_for("Not ready to submit: mark rubric point(s) 1, 2, 3, 4");

    // Points 1 and 2 met, 3 not met, 4 met; each mark moves on to the next point.
    tui.send("mmnm");
    tui.wait_for("4/4 marked");
    tui.wait_for("points give 0.83");
    // The score, typed.
    tui.send("=");
    tui.wait_for("Overall score, 0 to 1");
    tui.send("0.6\r");
    tui.wait_for("Score 0.6 ·");
    // The reason, in Chinese.
    tui.send("r");
    tui.wait_for("Reason for the decision");
    tui.send(REASON);
    tui.send("\r");
    tui.wait_for("Reason kept");
    tui.wait_for(&format!("Reason {REASON}"));

    // Submit, through the confirm step; the next dispute follows.
    tui.send("s");
    tui.wait_for("Submit your decision on GPT-4o's response to");
    tui.wait_for("Rubric points met: 1, 2, 4; not met: 3.");
    tui.wait_for("Score 0.6 (judges 0.9 / 0.3).");
    tui.send("y");
    tui.wait_for(&format!("Submitted. Now deciding GPT-4o on {NARROW}"));
    tui.wait_for("再生障碍性贫血会有前兆吗");

    // Back to the start screen (the second claim is kept as an empty draft), then quit.
    tui.send("q");
    tui.wait_for("Back at the disputes; your draft is kept");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    restored(&tui);

    // The counts and the exported decision.
    let json: Value = serde_json::from_str(&cli(d, &["disputes", "--json"])).unwrap();
    assert_eq!(json["threshold"], 0.25);
    let row = &json["counts"][0];
    assert_eq!(
        (
            &row["dataset"],
            &row["model"],
            &row["disputes"],
            &row["adjudicated"]
        ),
        (
            &Value::from("MADiagnosis"),
            &Value::from("GPT-4o"),
            &Value::from(2),
            &Value::from(1)
        ),
        "{json}"
    );
    assert_eq!(
        row["in_progress"], 1,
        "the second dispute is claimed: {json}"
    );
    cli(
        d,
        &[
            "disputes",
            "export",
            "--format",
            "decisions",
            "--out",
            "d.jsonl",
            "--as",
            "maint",
        ],
    );
    let out = std::fs::read_to_string(d.join("d.jsonl")).unwrap();
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    let x = &lines[0];
    assert_eq!(x["item"], WIDE);
    assert_eq!(x["expert"], "dr-a");
    assert_eq!(x["points"], serde_json::json!([true, true, false, true]));
    assert_eq!(x["score"], 0.6);
    assert_eq!(x["reason"], REASON);
    assert_eq!(x["judge_scores"], serde_json::json!([0.9, 0.3]));

    let rows = adjudications(d);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "submitted");
    assert_eq!(rows[1].0, "claimed");
}

#[test]
fn sigterm_keeps_the_draft_and_the_next_run_resumes_it() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"], SIZE);
    tui.wait_for("All datasets");
    tui.send("\r");
    tui.wait_for("Rubric 评分标准 · 0/4 marked");
    tui.send("mn");
    tui.wait_for("2/4 marked");
    // The reason is still being typed when the signal comes.
    tui.send("r");
    tui.wait_for("Reason for the decision");
    tui.send(REASON);
    tui.wait_for(&format!("> {REASON}"));
    tui.signal(libc::SIGTERM);
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    restored(&tui);

    let rows = adjudications(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "claimed");
    assert_eq!(
        rows[0].1["points"],
        serde_json::json!([true, false, null, null]),
        "{rows:?}"
    );
    assert_eq!(rows[0].1["reason"], REASON, "{rows:?}");

    // The next run resumes the same dispute with the draft.
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"], SIZE);
    tui.wait_for("draft");
    tui.send("\r");
    tui.wait_for(&format!("Deciding GPT-4o on {WIDE} in MADiagnosis"));
    tui.wait_for("2/4 marked");
    tui.wait_for(&format!("Reason {REASON}"));
    tui.send("q");
    tui.wait_for("Back at the disputes");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let rows = adjudications(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1["reason"], REASON);
}
