//! No screen outlives its terminal. The real binary in a pseudo-terminal (100x30,
//! TERM=xterm-256color) on the demo workspace; the test closes the master side, as sshd does
//! when a connection drops (the kernel hangs the terminal up and sends SIGHUP). Each time the
//! program must exit by itself and cleanly within 5 s, without spinning on the dead terminal
//! (its CPU time is read from /proc before it is reaped).
//!
//! - Every screen (review, curate, adjudicate): q, and the connection drops at once or a
//!   moment later, while the screen is leaving (the keyboard reader used to loop on the dead
//!   terminal's end-of-file there, and the screen waited for it for ever).
//! - The review screen with the submit dialog open: the draft is in the database.
//! - The review screen while the database worker waits for another writer's lock: the
//!   program does not wait the lock out.
//! - The review screen asking whether to quit with a draft the database refuses (a trigger
//!   fails every change to the reviews): the retries stop, and the program exits (status 1:
//!   the draft was not saved).
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit; the
//! delays between q and the drop are what is tested, not how anything is waited for.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok as cli;
use common::pty::Tui;
use std::path::Path;
use std::time::Duration;

/// Columns and rows of the terminal.
const SIZE: (u16, u16) = (100, 30);

/// How long a program may take to exit once its terminal is gone.
const LIMIT: Duration = Duration::from_secs(5);

/// The demo workspace: sample items, demo people, reviews in disagreement, judge disputes.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    cli(dir.path(), &["demo"]);
    dir
}

/// Each screen and what it shows once its worker has loaded its first view.
const SCREENS: [(&[&str], &str); 3] = [
    (&["review", "--as", "dr-li"], "MAKnowledge"),
    (&["curate", "--as", "cur-chen"], "cmexam_val_sample:"),
    (&["adjudicate", "--as", "dr-zhang"], "Qwen2.5-72B"),
];

#[test]
fn every_screen_exits_when_the_terminal_goes_right_after_q() {
    let dir = setup();
    for (args, ready) in SCREENS {
        for delay_ms in [0, 30, 120] {
            let mut tui = Tui::spawn(dir.path(), args, SIZE);
            tui.wait_for(ready);
            tui.send("q");
            std::thread::sleep(Duration::from_millis(delay_ms));
            let after = tui.hang_up_and_wait(LIMIT);
            after.assert_clean_exit(&format!("{args:?}, the drop {delay_ms} ms after q"));
        }
    }
}

/// dr-li's reviews in MAKnowledge: (status, content as JSON).
fn reviews(d: &Path) -> Vec<(String, serde_json::Value)> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare(
            "SELECT r.status, r.content FROM reviews r JOIN items i ON i.id = r.item_id
             JOIN datasets s ON s.id = i.dataset_id
             WHERE r.reviewer = 'dr-li' AND s.name = 'MAKnowledge' ORDER BY r.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let content: String = r.get(1)?;
        Ok((r.get(0)?, serde_json::from_str(&content).unwrap()))
    })
    .unwrap()
    .collect::<medcurate::store::db::Result<_>>()
    .unwrap()
}

#[test]
fn the_review_screen_exits_from_the_submit_dialog_with_the_draft_kept() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(
        d,
        &["review", "--as", "dr-li", "--dataset", "MAKnowledge"],
        SIZE,
    );
    tui.wait_for("MAKnowledge › maknowledge-");
    tui.send("1p2p3p4p");
    tui.wait_until("four passes", |s| s.matches("[pass]").count() == 4);
    tui.send("s");
    tui.wait_for("Submit your review of");
    let after = tui.hang_up_and_wait(LIMIT);
    after.assert_clean_exit("the review screen with the submit dialog open");
    let rows = reviews(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "claimed", "not submitted: {rows:?}");
    assert_eq!(
        rows[0].1["verdicts"].as_object().map(|v| v.len()),
        Some(4),
        "the draft with the four passes: {rows:?}"
    );
}

#[test]
fn the_review_screen_exits_while_its_worker_waits_for_a_locked_database() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["review", "--as", "dr-li"], SIZE);
    tui.wait_for("MAKnowledge");
    // Another writer holds the write lock; claiming an item waits for it (up to the busy
    // timeout of 30 s).
    let conn = common::backend::raw_at(d, "t.db");
    let lock = conn
        .transaction_unchecked(medcurate::store::db::TransactionBehavior::Immediate)
        .unwrap();
    tui.send("\r");
    tui.wait_for("Getting the next item");
    let after = tui.hang_up_and_wait(LIMIT);
    after.assert_clean_exit("the review screen with its worker waiting for a lock");
    lock.rollback().unwrap();
}

#[test]
fn the_review_screen_exits_from_the_quit_dialog_while_its_draft_cannot_be_saved() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(
        d,
        &["review", "--as", "dr-li", "--dataset", "MAKnowledge"],
        SIZE,
    );
    tui.wait_for("MAKnowledge › maknowledge-");
    common::backend::fail_updates(
        &common::backend::raw_at(d, "t.db"),
        "reviews",
        "database or disk is full",
    );
    tui.send("1p");
    tui.wait_for("NOT SAVED");
    tui.send("\x03");
    tui.wait_for("Quit without your draft?");
    let after = tui.hang_up_and_wait(LIMIT);
    // Exit status 1: the draft was not saved.
    let status = after.assert_exited("the review screen asking whether to quit unsaved");
    assert_eq!(status.exit_code(), 1, "{status:?}");
}
