//! The review screen end to end: the real binary in a pseudo-terminal (100x30,
//! TERM=xterm-256color), driven by keystrokes, its screen read back through a terminal
//! emulator (vt100), and the database checked afterwards with rusqlite.
//!
//! - A whole review: pass every applicable criterion, tag a department through the search,
//!   submit through the confirm dialog, quit; the review is submitted and the terminal is
//!   restored (alternate screen left, cursor shown, cooked mode back).
//! - A dropped session: fail a criterion with a reason, pass another, then close the pty master,
//!   as sshd does when the connection drops (the kernel hangs the terminal up and sends
//!   SIGHUP); the process must exit by itself and cleanly, the draft with the reason and the
//!   last change must be in the database, and a new session must resume the same item showing
//!   them.
//! - SIGTERM with the terminal still there: the draft is saved and the terminal restored.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::pty::{Tui, WAIT, position};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (100, 30);

/// Two Chinese mcq items without suggested departments, so the reviewer tags one.
const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"佝偻病"},{"label":"D","text":"夜盲症"}],"answer":["A"],"explanation":"维生素C参与胶原合成，缺乏时毛细血管脆性增加，引起坏血病。"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"},{"label":"C","text":"正细胞正色素性"}],"answer":["A"]}
"#;

/// A reason for a fail, typed in Chinese.
const REASON: &str = "题干缺少关键体征";

/// A database with one annotator, dr-a, and the two items in dataset "Exam".
fn setup() -> tempfile::TempDir {
    common::one_annotator(ITEMS)
}

/// Waits for the queue with the Exam row (the worker has loaded it).
fn wait_for_queue(tui: &mut Tui) {
    tui.wait_until("the Exam row", |s| {
        s.lines().any(|l| l.contains("Exam") && l.contains("mcq"))
    });
}

/// dr-a's reviews: (item ext_id, status, content as JSON).
fn reviews(dir: &Path) -> Vec<(String, String, Value)> {
    let conn = common::backend::raw_at(dir, "t.db");
    let mut stmt = conn
        .prepare(
            "SELECT i.ext_id, r.status, r.content FROM reviews r JOIN items i ON i.id = r.item_id
             WHERE r.reviewer = 'dr-a' ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let content: String = r.get(2)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            serde_json::from_str(&content).unwrap(),
        ))
    })
    .unwrap()
    .collect::<medcurate::store::db::Result<_>>()
    .unwrap()
}

#[test]
fn a_review_typed_in_the_terminal_is_submitted_and_the_terminal_restored() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);

    // The queue, once the worker has loaded it.
    tui.wait_for("李医生 Dr. A");
    wait_for_queue(&mut tui);
    let raw = tui.termios();
    assert_eq!(
        raw.c_lflag & libc::ICANON,
        0,
        "raw mode while the screen runs"
    );
    assert_eq!(raw.c_lflag & libc::ECHO, 0);

    // Enter starts reviewing: the first item, with its Chinese stem.
    tui.send("\r");
    tui.wait_for("Exam › q1");
    tui.wait_for("维生素C缺乏可引起下列哪种疾病");
    tui.wait_for("A. 坏血病");

    // Pass the four criteria that apply to an mcq; rubric match is N/A.
    tui.send("1p");
    tui.wait_for("1 [pass] Natural and plausible");
    tui.send("2p3p4p");
    tui.wait_until("four passes", |s| s.matches("[pass]").count() == 4);
    assert!(tui.text().contains("5 [N/A ] Rubric"), "{}", tui.text());

    // Tag a department through the picker's search, in Chinese.
    tui.send("t");
    tui.wait_for("Departments");
    tui.send("/");
    tui.send("血液内科");
    tui.wait_for("Hematology 血液内科");
    tui.send("\r"); // keep the search
    tui.send("\r"); // tag the department under the cursor
    tui.wait_for("Tagged Hematology 血液内科");
    tui.send("q");
    tui.wait_for("Depts: Hematology 血液内科");

    // Submit, through the confirm dialog.
    tui.send("s");
    tui.wait_for("Submit your review of q1?");
    tui.wait_for("All 4 applicable criteria pass.");
    tui.send("y");
    tui.wait_for("Submitted; waiting for the second reviewer");
    // The next item of the dataset follows.
    tui.wait_for("Exam › q2");
    tui.wait_for("缺铁性贫血的典型血象是");

    // Back to the queue (the q2 claim is kept as an empty draft), then quit.
    tui.send("q");
    tui.wait_for("Back at the queue; your draft is kept");
    tui.send("q");
    let status = tui
        .wait_exit_within(WAIT)
        .expect("medcurate exits after q at the queue");
    assert!(status.success(), "{status:?}");

    // The terminal is restored: the output ends by leaving the alternate screen and showing the
    // cursor, and the terminal is back in cooked mode.
    let out = &tui.raw;
    let tail = tui.tail();
    assert!(
        tail.ends_with("\x1b[?1049l\x1b[?25h") || tail.ends_with("\x1b[?25h\x1b[?1049l"),
        "the output ends with {tail:?}"
    );
    assert!(position(out, b"\x1b[?1049l") > position(out, b"\x1b[?1049h"));
    assert!(!tui.screen.screen().alternate_screen());
    assert!(!tui.screen.screen().hide_cursor());
    let cooked = tui.termios();
    assert_ne!(cooked.c_lflag & libc::ICANON, 0, "cooked mode is back");
    assert_ne!(cooked.c_lflag & libc::ECHO, 0, "echo is back");

    // The database: q1 submitted by dr-a with the verdicts and the department.
    let rows = reviews(d);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let (item, status, content) = &rows[0];
    assert_eq!((item.as_str(), status.as_str()), ("q1", "submitted"));
    let pass = serde_json::json!({"verdict": "pass"});
    for c in [
        "natural_plausible",
        "clinical_validity",
        "answer_correctness",
        "distractor_plausibility",
    ] {
        assert_eq!(content["verdicts"][c], pass, "{c}: {content}");
    }
    assert!(
        content["verdicts"].get("rubric_match").is_none(),
        "{content}"
    );
    assert_eq!(content["departments"], serde_json::json!(["hematology"]));
    let (item, status, content) = &rows[1];
    assert_eq!((item.as_str(), status.as_str()), ("q2", "claimed"));
    let no_verdicts = content
        .get("verdicts")
        .is_none_or(|v| v == &serde_json::json!({}));
    assert!(no_verdicts, "{content}");
}

#[test]
fn a_dropped_session_keeps_the_draft_and_the_next_session_resumes_it() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);
    wait_for_queue(&mut tui);
    tui.send("\r");
    tui.wait_for("Exam › q1");

    // Fail "clinical validity" with a reason typed in Chinese, keep it, and pass "answer
    // correctness"; the connection drops as soon as the screen shows the pass.
    tui.send("2f");
    tui.wait_for("fails: type a short reason");
    tui.send(REASON);
    tui.wait_for(&format!("FAIL] Clinical validity 临床有效 — {REASON}"));
    tui.send("\r");
    tui.wait_for(&format!("Clinical validity failed: {REASON}"));
    tui.send("3p");
    tui.wait_for("3 [pass] Answer correctness");

    // The connection drops.
    let pid = tui.child.process_id().unwrap();
    tui.hang_up();
    let exited = tui.wait_exit_within(Duration::from_secs(5));
    let cpu = if exited.is_none() {
        // Still running (crossterm can spin reading end-of-file from a hung-up terminal): how busy?
        // utime+stime in clock ticks over half a second, from /proc.
        let ticks = || -> u64 {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let f: Vec<&str> = stat
                .rsplit_once(')')
                .map(|(_, r)| r.split_whitespace().collect())
                .unwrap_or_default();
            f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
                + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
        };
        let before = ticks();
        std::thread::sleep(Duration::from_millis(500));
        let after = ticks();
        tui.kill();
        Some(after - before)
    } else {
        None
    };

    // The draft, with the reason, is in the database either way.
    let rows = reviews(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (item, status, content) = &rows[0];
    assert_eq!((item.as_str(), status.as_str()), ("q1", "claimed"));
    assert_eq!(
        content["verdicts"]["clinical_validity"],
        serde_json::json!({"verdict": "fail", "reason": REASON}),
        "{content}"
    );
    assert_eq!(
        content["verdicts"]["answer_correctness"],
        serde_json::json!({"verdict": "pass"}),
        "the last change before the hangup: {content}"
    );

    let status = exited.unwrap_or_else(|| {
        panic!(
            "medcurate did not exit within 5 s of the terminal hanging up (it was killed; it used \
         {} of {} CPU ticks in half a second)",
            cpu.unwrap_or(0),
            // SAFETY: sysconf has no preconditions.
            unsafe { libc::sysconf(libc::_SC_CLK_TCK) } / 2
        )
    });
    // A clean exit: no panic writing to the dead terminal, no abort.
    assert!(status.success(), "after the hangup: {status:?}");

    // A new session resumes the same item, showing the reason.
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);
    wait_for_queue(&mut tui);
    tui.wait_for("draft");
    tui.send("\r");
    tui.wait_for("Exam › q1");
    tui.wait_for(&format!("— {REASON}"));
    tui.wait_for("3 [pass] Answer correctness");
    tui.wait_for("Reviewing q1 in Exam");
    tui.send("q");
    tui.wait_for("Back at the queue");
    tui.send("q");
    let status = tui
        .wait_exit_within(WAIT)
        .expect("medcurate exits after q at the queue");
    assert!(status.success(), "{status:?}");
    // Nothing changed: still one draft with the reason.
    let rows = reviews(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].2["verdicts"]["clinical_validity"]["reason"], REASON);
}

#[test]
fn sigterm_saves_the_draft_and_restores_the_terminal() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a"], SIZE);
    wait_for_queue(&mut tui);
    tui.send("\r");
    tui.wait_for("Exam › q1");
    tui.send("1p");
    tui.wait_for("1 [pass] Natural and plausible");
    tui.signal(libc::SIGTERM);
    let status = tui
        .wait_exit_within(WAIT)
        .expect("medcurate exits on SIGTERM");
    assert!(status.success(), "{status:?}");
    let tail = tui.tail();
    assert!(
        tail.ends_with("\x1b[?1049l\x1b[?25h") || tail.ends_with("\x1b[?25h\x1b[?1049l"),
        "the output ends with {tail:?}"
    );
    assert_ne!(
        tui.termios().c_lflag & libc::ICANON,
        0,
        "cooked mode is back"
    );
    let rows = reviews(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].2["verdicts"]["natural_plausible"],
        serde_json::json!({"verdict": "pass"}),
        "{rows:?}"
    );
}
