//! A draft the database does not take, through `ReviewApp::update` and the real store: each store
//! command is answered by `worker::handle` on a `Store` in a temporary directory, and a
//! second connection makes every change to the reviews fail (a trigger, which fails the write
//! the way a full disk or a lock held past the busy timeout does) and later lets them through
//! again. Also the worker's pacing of a failing save, with a fake store.
#![allow(clippy::disallowed_methods)] // test set-up writes the items file directly

use super::queue_worker::Fake;
use super::*;
use crate::store::Store;
use crate::tui::draft::DraftReply;
use crate::tui::event::Event;
use crate::tui::review::ui;
use crate::tui::test_support::screen::{render, screen};
use crate::tui::thread::Bounded;
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

const ITEM: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起下列哪种疾病","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"佝偻病"}],"answer":["A"],"suggested_departments":["general-practice"]}"#;

/// A database with `person()` as an annotator and one item in dataset "Exam".
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    store.add_person(&person(), "test").unwrap();
    let file = dir.path().join("items.jsonl");
    std::fs::write(&file, format!("{ITEM}\n")).unwrap();
    let opts = crate::import::ImportOptions {
        files: vec![file],
        dataset: "Exam".into(),
        format: crate::import::Format::Native,
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.path().to_path_buf(),
        actor: "test".into(),
    };
    assert!(
        crate::import::import(&mut store, &opts, &mut |_, _| {})
            .unwrap()
            .committed
    );
    (dir, store)
}

/// Every change to a review fails from now on (until `let_writes_through`).
fn fail_writes(db: &Path) {
    Connection::open(db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER fail_review_writes BEFORE UPDATE ON reviews
             BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
        )
        .unwrap();
}

fn let_writes_through(db: &Path) {
    Connection::open(db)
        .unwrap()
        .execute_batch("DROP TRIGGER fail_review_writes")
        .unwrap();
}

/// The review's status and content in the database.
fn stored(db: &Path) -> (String, ReviewContent) {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT status, content FROM reviews WHERE reviewer = 'wang'",
        [],
        |r| {
            let content: String = r.get(1)?;
            Ok((r.get(0)?, serde_json::from_str(&content).unwrap()))
        },
    )
    .unwrap()
}

/// Hands what the app has queued to the store, once, and gives it the answers (a failed save
/// it sends again stays queued for the next step).
fn step(app: &mut ReviewApp, store: &mut Store) {
    for cmd in app.desk.take_commands() {
        let answer = worker::handle(store, "wang", cmd);
        app.reply(answer);
    }
}

fn frame(app: &ReviewApp) -> String {
    screen(&render(app.desk.size, |f| ui::draw(f, app)))
}

#[test]
fn a_draft_the_database_refuses_stays_not_saved_until_a_save_succeeds() {
    let (dir, mut store) = store();
    let db = dir.path().join("t.db");
    let mut app = ReviewApp::new(person(), Some("Exam".into()), (100, 30));
    step(&mut app, &mut store);
    assert!(app.review().is_some(), "the item is claimed");
    app.update(Action::SelectCriterion(0));
    app.update(Action::Pass);
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "saved");

    // The database stops taking writes: the next change is NOT SAVED.
    fail_writes(&db);
    for i in 1..4 {
        app.update(Action::SelectCriterion(i));
        app.update(Action::Pass);
    }
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    let msg = app.desk.message.clone().unwrap();
    assert!(
        msg.error
            && msg
                .text
                .contains("Draft NOT saved: database or disk is full")
    );
    assert!(frame(&app).contains("NOT SAVED"), "{}", frame(&app));

    // The submit fails too: still NOT SAVED, never "saved".
    app.update(Action::Submit);
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Submit));
    app.update(Action::Confirm);
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    let msg = app.desk.message.clone().unwrap();
    assert!(
        msg.error && msg.text.starts_with("Not submitted"),
        "{msg:?}"
    );
    assert!(app.review().is_some(), "the draft stays on screen");
    // A few more tries, as the worker would make them.
    for _ in 0..3 {
        step(&mut app, &mut store);
        assert_eq!(app.desk.save_state(), "NOT SAVED");
    }

    // q says plainly that the draft is NOT saved and offers to stay; "no" stays.
    app.handle_key(key('q'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::LeaveUnsaved));
    let shown = frame(&app);
    assert!(shown.contains("Your draft is NOT saved"), "{shown}");
    assert!(!shown.contains("draft is kept"), "{shown}");
    app.handle_key(key('n'));
    assert_eq!(app.desk.confirm, None);
    assert_eq!(app.desk.view, View::Open);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("NOT saved yet")
    );
    // Quitting asks too, and names what would be lost.
    app.update(Action::Quit);
    assert_eq!(app.desk.confirm, Some(ConfirmKind::QuitUnsaved));
    assert!(!app.desk.quit);
    assert!(
        app.desk
            .not_saved()
            .unwrap()
            .contains("NOT saved (database or disk is full)")
    );
    app.handle_key(key('n'));
    assert!(!app.desk.quit);

    // Meanwhile the database has only the first pass.
    let (status, content) = stored(&db);
    assert_eq!(status, "claimed");
    assert_eq!(content.verdicts.len(), 1);

    // The failure clears: the next try stores everything, and the screen says so.
    let_writes_through(&db);
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "saved");
    assert_eq!(
        app.desk.message.as_ref().unwrap().text,
        "Your draft is saved now"
    );
    assert_eq!(app.desk.not_saved(), None);
    let (status, content) = stored(&db);
    assert_eq!(status, "claimed");
    assert_eq!(content.verdicts.len(), 4, "{content:?}");
    assert_eq!(&content, &app.review().unwrap().content);
    app.handle_key(key('q'));
    assert_eq!(app.desk.view, View::List);
    assert_eq!(
        app.desk.message.as_ref().unwrap().text,
        "Back at the queue; your draft is kept"
    );
}

#[test]
fn leaving_a_draft_that_is_not_saved_keeps_trying_and_says_when_it_is() {
    let (dir, mut store) = store();
    let db = dir.path().join("t.db");
    let mut app = ReviewApp::new(person(), Some("Exam".into()), (100, 30));
    step(&mut app, &mut store);
    fail_writes(&db);
    app.update(Action::Pass);
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    // Leave anyway: back at the queue, still NOT SAVED and still trying.
    app.handle_key(key('q'));
    app.handle_key(key('y'));
    assert_eq!(app.desk.view, View::List);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("is NOT saved")
    );
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    assert!(frame(&app).contains("NOT SAVED"));
    let_writes_through(&db);
    step(&mut app, &mut store);
    assert_eq!(app.desk.save_state(), "");
    assert_eq!(
        app.desk.message.as_ref().unwrap().text,
        "Your draft of q1 in Exam is saved now"
    );
    assert_eq!(stored(&db).1.verdicts.len(), 1);
}

#[test]
fn quitting_with_a_draft_not_saved_reports_it() {
    let (dir, mut store) = store();
    let db = dir.path().join("t.db");
    let mut app = ReviewApp::new(person(), Some("Exam".into()), (100, 30));
    step(&mut app, &mut store);
    fail_writes(&db);
    app.update(Action::Pass);
    step(&mut app, &mut store);
    app.update(Action::Quit);
    app.handle_key(key('y'));
    assert!(app.desk.quit);
    step(&mut app, &mut store);
    let said = app.desk.not_saved().unwrap();
    assert!(
        said.starts_with("your draft of q1 in Exam was NOT saved (database or disk is full)"),
        "{said}"
    );
}

#[test]
fn the_worker_waits_before_a_save_after_a_failed_one_but_keeps_the_order() {
    let (cmd_tx, cmd_rx) = mpsc::channel();
    let (ev_tx, ev_rx) = mpsc::channel();
    let mut worker = Bounded::spawn("test-worker", move || {
        worker::serve(&mut Fake, "wang", &cmd_rx, &ev_tx)
    })
    .unwrap();
    let next = || match ev_rx.recv_timeout(Duration::from_secs(10)).unwrap() {
        Event::Reply(r) => r,
        other => panic!("{other:?}"),
    };
    let save = || Command::SaveDraft(1, ReviewContent::default());
    cmd_tx.send(save()).unwrap();
    assert!(next().is_save_failure());
    // The retry waits, but a command that comes meanwhile ends the wait and runs after it.
    cmd_tx.send(save()).unwrap();
    cmd_tx.send(Command::Queue).unwrap();
    assert!(next().is_save_failure());
    assert!(matches!(next(), Reply::Queue(_)));
    // Closing the channel ends a wait too: the worker does its last save and stops.
    cmd_tx.send(save()).unwrap();
    drop(cmd_tx);
    assert!(next().is_save_failure());
    assert!(worker.join_within(Duration::from_secs(10)));
}
