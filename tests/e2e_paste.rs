//! Pasting into the review screen's proposal editor, end to end: the real binary in a
//! pseudo-terminal (80x24, TERM=xterm-256color), the terminal's bracketed-paste marks sent as a
//! terminal sends them, the draft read back with rusqlite.
//!
//! - 100 KB of Chinese pasted at once arrives whole, as one edit; the screen shows its end and
//!   Esc answers within a second after it.
//! - A paste over the limit is refused with a message, and nothing of it is inserted.
//! - Typed (not bracketed) text longer than any read buffer arrives whole too.
//! - The screen turns bracketed paste on, and off again when it ends.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::pty::{Tui, position};
use medcurate::tui::keys::MAX_PASTE_BYTES;
use std::path::Path;
use std::time::{Duration, Instant};

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (80, 24);

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":["A"]}
"#;

fn setup() -> tempfile::TempDir {
    common::one_annotator(ITEMS)
}

/// The proposal in dr-a's draft, if there is one.
fn proposal(d: &Path) -> Option<String> {
    let conn = common::backend::raw_at(d, "t.db");
    let content: String = conn
        .query_row(
            "SELECT content FROM reviews WHERE reviewer = 'dr-a'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&content).unwrap();
    v["proposal"].as_str().map(str::to_string)
}

/// The review screen on q1 with the proposal editor open.
fn editor(d: &Path) -> Tui {
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-a", "--dataset", "Exam"], SIZE);
    tui.wait_for("Exam › q1");
    tui.send("e");
    tui.wait_for("Edit the item as JSON");
    tui
}

/// Leaves the editor and the item, then quits; the draft is stored by then.
fn leave(tui: &mut Tui) {
    tui.send("q");
    // Left with its save still on the way, the screen says so and then that it is saved,
    // which can come before a look at the screen sees the first.
    tui.wait_until("the queue, the draft stored", |s| {
        s.contains("Back at the queue; your draft is kept")
            || s.contains("Your draft of q1 in Exam is saved now")
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn a_hundred_kilobytes_of_chinese_pasted_arrive_whole_and_esc_answers_at_once() {
    let dir = setup();
    let d = dir.path();
    let mut tui = editor(d);
    // About 100 KB: 34,000 characters of 3 bytes, on lines like a pasted document's, and a
    // last line the screen can be seen to show.
    let line = "患者男，58岁，突发胸骨后压榨性疼痛2小时，心电图示V1至V4导联ST段抬高。";
    let mut text = String::new();
    while text.len() < 100 * 1024 {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("粘贴结束");
    let chars = text.replace("\r\n", "\n").chars().count();
    let start = Instant::now();
    tui.send(&format!("\x1b[200~{text}\x1b[201~"));
    tui.wait_for("粘贴结束");
    let shown = start.elapsed();
    let esc = Instant::now();
    tui.send("\x1b");
    tui.wait_until_within("Esc closing the editor", Duration::from_secs(1), |s| {
        s.contains("Proposal kept")
    });
    let answered = esc.elapsed();
    eprintln!(
        "{} bytes ({chars} chars) pasted: shown after {shown:?}, Esc answered after {answered:?}",
        text.len()
    );
    leave(&mut tui);
    let p = proposal(d).expect("the paste is in the draft's proposal");
    let pasted = text.replace("\r\n", "\n");
    assert!(
        p.starts_with(&pasted),
        "the proposal starts with the whole paste ({} of {chars} chars there)",
        p.chars().count()
    );
}

#[test]
fn a_paste_over_the_limit_is_refused_with_a_message_and_nothing_is_inserted() {
    let dir = setup();
    let d = dir.path();
    let mut tui = editor(d);
    let text = "中".repeat(MAX_PASTE_BYTES / 3 + 1);
    tui.send(&format!("\x1b[200~{text}\x1b[201~"));
    tui.wait_for("Paste refused");
    // Keys work at once after it.
    tui.send("x");
    tui.send("\x1b");
    tui.wait_for("Proposal kept");
    leave(&mut tui);
    assert_eq!(
        proposal(d).as_deref().map(|p| p.starts_with('x')),
        Some(true)
    );
    assert!(!proposal(d).unwrap().contains('中'), "nothing of the paste");
}

#[test]
fn typed_text_longer_than_any_read_buffer_arrives_whole() {
    let dir = setup();
    let d = dir.path();
    let mut tui = editor(d);
    // No paste marks: a terminal without bracketed paste types it.
    let text = format!("{}尾", "a".repeat(3000));
    tui.send(&text);
    tui.wait_for("尾{");
    tui.send("\x1b");
    tui.wait_for("Proposal kept");
    leave(&mut tui);
    assert!(proposal(d).unwrap().starts_with(&text));
}

#[test]
fn bracketed_paste_is_on_while_the_screen_runs_and_off_after() {
    let dir = setup();
    let mut tui = editor(dir.path());
    let on = position(&tui.raw, b"\x1b[?2004h").expect("bracketed paste turned on");
    tui.send("\x1b");
    tui.wait_for("No proposal");
    leave(&mut tui);
    let off = position(&tui.raw, b"\x1b[?2004l").expect("bracketed paste turned off");
    assert!(off > on);
}
