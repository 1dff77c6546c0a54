//! A draft the database does not take is shown NOT SAVED, and nothing says otherwise until
//! the database has it. The real binary in a pseudo-terminal (100x30,
//! TERM=xterm-256color) on the demo workspace; a second connection makes every change to the
//! reviews fail (a trigger: the write fails the way a full disk or a lock held past the busy
//! timeout fails it) and later lets them through, and the database is read with rusqlite.
//!
//! - A save fails, then the submit: the status bar says NOT SAVED throughout, q says so and
//!   offers to stay; once writes go through again the draft is stored without a key pressed,
//!   the screen says "saved", and q keeps it.
//! - Quitting with the draft NOT SAVED asks first, and after "yes" the program says plainly,
//!   on the normal screen, that the draft was NOT saved.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit (20 s for
//! the retry, which waits longer after each failure).
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;
use std::path::Path;
use std::time::Duration;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (100, 30);

const ARGS: &[&str] = &["review", "--as", "dr-li", "--dataset", "MAKnowledge"];

/// The demo workspace: sample items (MAKnowledge among them) and the demo people.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path(), &["demo"]);
    dir
}

/// Every change to a review fails from now on (until `let_writes_through`).
fn fail_writes(d: &Path) {
    common::backend::fail_updates(
        &common::backend::raw_at(d, "t.db"),
        "reviews",
        "database or disk is full",
    );
}

fn let_writes_through(d: &Path) {
    common::backend::let_updates_through(&common::backend::raw_at(d, "t.db"), "reviews");
}

/// dr-li's one review: its status and how many verdicts its content holds.
fn review(d: &Path) -> (String, usize) {
    let conn = common::backend::raw_at(d, "t.db");
    let (status, content): (String, String) = conn
        .query_row(
            "SELECT status, content FROM reviews WHERE reviewer = 'dr-li'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let content: serde_json::Value = serde_json::from_str(&content).unwrap();
    let verdicts = content["verdicts"].as_object().map_or(0, |v| v.len());
    (status, verdicts)
}

/// The status bar's first line says the draft is saved.
fn saved(screen: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains("李医生") && l.contains("│ saved │"))
}

#[test]
fn a_failed_save_and_submit_stay_not_saved_until_the_database_takes_the_draft() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, ARGS, SIZE);
    tui.wait_for("MAKnowledge › maknowledge-");
    tui.send("1p");
    // The frame that shows the pass says "saving…"; "saved" comes with the store's answer.
    tui.wait_for("1 [pass] Natural and plausible");
    tui.wait_until("saved", saved);

    fail_writes(d);
    tui.send("2p3p4p");
    tui.wait_for("NOT SAVED");
    tui.wait_for("Draft NOT saved: database or disk is full");

    // The submit fails too; nothing claims the draft is saved.
    tui.send("s");
    tui.wait_for("Submit your review of");
    tui.send("y");
    tui.wait_for("Not submitted");
    assert!(tui.text().contains("NOT SAVED"), "{}", tui.text());
    assert!(!saved(&tui.text()), "{}", tui.text());

    // q says plainly that the draft is NOT saved, and offers to stay.
    tui.send("q");
    tui.wait_for("Your draft is NOT saved");
    assert!(!tui.text().contains("draft is kept"), "{}", tui.text());
    tui.send("n");
    tui.wait_for("Staying");
    assert_eq!(review(d), ("claimed".to_string(), 1), "only the first pass");

    // Writes go through again: the retry stores the draft with no key pressed.
    let_writes_through(d);
    tui.wait_until_within("saved again", Duration::from_secs(20), saved);
    tui.wait_for("Your draft is saved now");
    assert_eq!(review(d), ("claimed".to_string(), 4));
    tui.send("q");
    tui.wait_for("Back at the queue; your draft is kept");
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn quitting_with_a_draft_not_saved_asks_and_then_says_it_was_not_saved() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, ARGS, SIZE);
    tui.wait_for("MAKnowledge › maknowledge-");
    tui.send("1p");
    // The frame that shows the pass says "saving…"; "saved" comes with the store's answer.
    tui.wait_for("1 [pass] Natural and plausible");
    tui.wait_until("saved", saved);
    fail_writes(d);
    tui.send("2p");
    tui.wait_for("NOT SAVED");
    // Ctrl-C asks first; no stays.
    tui.send("\x03");
    tui.wait_for("Quit without your draft?");
    tui.send("n");
    tui.wait_for("Staying");
    tui.send("\x03");
    tui.wait_for("Quit without your draft?");
    tui.send("y");
    let status = tui.wait_exit();
    assert!(!status.success(), "{status:?}");
    assert!(!tui.screen.screen().alternate_screen());
    let out = String::from_utf8_lossy(&tui.raw);
    assert!(
        out.contains("NOT saved (database or disk is full)"),
        "{}",
        tui.text()
    );
    assert_eq!(review(d), ("claimed".to_string(), 1));
}
