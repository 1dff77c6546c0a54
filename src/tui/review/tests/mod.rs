//! The review screen's logic through `ReviewApp::update` and the keymap, with items from
//! sample-data; no store, no terminal, no sleeps.

use super::app::ReviewApp;
use super::worker::{self, Backend, Command, Job, Reply};
use crate::domain::departments::NO_DEPARTMENT;
use crate::domain::item::Item;
use crate::domain::people::{Person, Role};
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::{Assignment, MyReview, QueueRow, ReviewStatus, SubmitOutcome};
use crate::tui::action::Action;
use crate::tui::desk::{ConfirmKind, View};
use crate::tui::keymap::Context;
use crate::tui::test_support::sample;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn mcq() -> Item {
    sample("CMExam.jsonl", "cmexam_val_sample:2")
}

fn assignment(item: Item, content: ReviewContent) -> Assignment {
    Assignment {
        review_id: 7,
        dataset: item.dataset.clone(),
        item,
        revision_no: 1,
        status: ReviewStatus::Claimed,
        content,
        lease_expires_at: None,
        changes: None,
        changed: false,
    }
}

fn person() -> Person {
    Person {
        id: "wang".into(),
        name: "Dr Wang".into(),
        roles: vec![Role::Annotator],
        os_user: None,
    }
}

fn app_with(item: Item) -> ReviewApp {
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.desk.take_commands();
    app.reply(Reply::Loaded(Box::new(assignment(
        item,
        ReviewContent::default(),
    ))));
    app
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn content(app: &ReviewApp) -> &ReviewContent {
    &app.review().unwrap().content
}

fn saves(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Command::SaveDraft(..)))
        .count()
}

#[test]
fn pass_toggles_and_saves_the_draft() {
    let mut app = app_with(mcq());
    assert_eq!(app.context(), Context::Review);
    app.update(Action::SelectCriterion(0));
    app.update(Action::Pass);
    assert_eq!(
        content(&app).verdicts.get(&Criterion::NaturalPlausible),
        Some(&Verdict::Pass)
    );
    let cmds = app.desk.take_commands();
    assert!(matches!(&cmds[..], [Command::SaveDraft(7, c)] if c.verdicts.len() == 1));
    // The cursor moved on to the next criterion; go back and pass again to clear it.
    assert_eq!(app.review().unwrap().criterion, 1);
    app.update(Action::SelectCriterion(0));
    app.update(Action::Pass);
    assert!(content(&app).verdicts.is_empty());
}

#[test]
fn keys_drive_the_same_actions() {
    let mut app = app_with(mcq());
    app.handle_key(key('2'));
    app.handle_key(key('p'));
    assert_eq!(
        content(&app).verdicts.get(&Criterion::ClinicalValidity),
        Some(&Verdict::Pass)
    );
}

#[test]
fn a_fail_asks_for_a_reason_and_q_types_into_it() {
    let mut app = app_with(mcq());
    app.update(Action::SelectCriterion(2));
    app.update(Action::Fail);
    assert_eq!(app.context(), Context::Reason);
    // An empty reason is refused.
    app.update(Action::Accept);
    assert_eq!(app.context(), Context::Reason);
    assert!(app.desk.message.as_ref().unwrap().error);
    for c in "q答案应为B".chars() {
        app.handle_key(key(c));
    }
    assert!(!app.desk.quit, "q in a text input is a letter");
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Review);
    assert_eq!(
        content(&app).verdicts.get(&Criterion::AnswerCorrectness),
        Some(&Verdict::Fail {
            reason: "q答案应为B".into()
        })
    );
}

#[test]
fn cancelling_a_fail_restores_the_verdict() {
    let mut app = app_with(mcq());
    app.update(Action::SelectCriterion(1));
    app.update(Action::Pass);
    app.update(Action::SelectCriterion(1));
    app.update(Action::Fail);
    app.handle_key(key('x'));
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.context(), Context::Review);
    assert_eq!(
        content(&app).verdicts.get(&Criterion::ClinicalValidity),
        Some(&Verdict::Pass)
    );
}

#[test]
fn not_applicable_criteria_cannot_be_judged() {
    let mut app = app_with(mcq());
    app.update(Action::SelectCriterion(4)); // rubric match: N/A for mcq
    app.update(Action::Pass);
    app.update(Action::Fail);
    assert!(content(&app).verdicts.is_empty());
    assert_eq!(app.context(), Context::Review);
    assert!(app.desk.message.as_ref().unwrap().text.contains("N/A"));
}

#[test]
fn suggested_departments_are_preselected() {
    let app = app_with(mcq());
    assert_eq!(content(&app).departments, vec!["gastroenterology"]);
}

fn toggle(app: &mut ReviewApp, id: &str) {
    let r = app.desk.open.as_mut().unwrap();
    let effect = r.toggle_department(id);
    if effect.message.is_some() {
        app.desk.message = effect.message;
    }
}

#[test]
fn a_fourth_department_is_refused() {
    let mut app = app_with(mcq());
    toggle(&mut app, "cardiology");
    toggle(&mut app, "nephrology");
    assert_eq!(content(&app).departments.len(), 3);
    toggle(&mut app, "respiratory-medicine");
    assert_eq!(content(&app).departments.len(), 3);
    let m = app.desk.message.clone().unwrap();
    assert!(m.error);
    assert!(m.text.contains("at most 3"), "{}", m.text);
}

#[test]
fn no_department_stands_alone() {
    let mut app = app_with(mcq());
    toggle(&mut app, NO_DEPARTMENT);
    assert_eq!(content(&app).departments, vec!["gastroenterology"]);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("stands alone")
    );
    toggle(&mut app, "gastroenterology");
    toggle(&mut app, NO_DEPARTMENT);
    assert_eq!(content(&app).departments, vec![NO_DEPARTMENT]);
    toggle(&mut app, "cardiology");
    assert_eq!(content(&app).departments, vec![NO_DEPARTMENT]);
}

#[test]
fn the_picker_searches_in_chinese_and_tags_with_keys() {
    let mut app = app_with(mcq());
    app.handle_key(key('t'));
    assert_eq!(app.context(), Context::Departments);
    app.handle_key(key('/'));
    assert_eq!(app.context(), Context::Search);
    for c in "心血管".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Departments);
    app.handle_key(key(' '));
    assert_eq!(
        content(&app).departments,
        vec!["gastroenterology", "cardiology"]
    );
    app.handle_key(key('q'));
    assert_eq!(app.context(), Context::Review);
    // "/" on the review screen goes straight to the search.
    app.handle_key(key('/'));
    assert_eq!(app.context(), Context::Search);
}

fn complete(app: &mut ReviewApp) {
    for i in 0..4 {
        app.update(Action::SelectCriterion(i));
        app.update(Action::Pass);
    }
}

#[test]
fn submit_needs_a_complete_review_and_a_confirm() {
    let mut app = app_with(mcq());
    app.update(Action::Submit);
    assert_eq!(app.desk.confirm, None);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("no verdict")
    );
    complete(&mut app);
    app.desk.take_commands();
    app.update(Action::Submit);
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Submit));
    assert_eq!(app.context(), Context::Confirm);
    assert!(
        app.desk.take_commands().is_empty(),
        "nothing is sent before confirming"
    );
    // A stray ConfirmSkip does nothing; "y" confirms.
    app.update(Action::ConfirmSkip);
    app.handle_key(key('y'));
    let cmds = app.desk.take_commands();
    assert!(matches!(&cmds[..], [Command::Submit(7, c)] if c.verdicts.len() == 4));
    app.reply(Reply::Submitted(SubmitOutcome::Waiting));
    let cmds = app.desk.take_commands();
    assert!(cmds.contains(&Command::ClaimNext(Some("CMExam".into()))));
    assert_eq!(app.desk.view, View::Open);
    assert!(app.review().is_none());
}

#[test]
fn the_confirm_dialog_can_say_no() {
    let mut app = app_with(mcq());
    complete(&mut app);
    app.update(Action::Submit);
    app.handle_key(key('n'));
    assert_eq!(app.desk.confirm, None);
    app.desk.take_commands();
    app.update(Action::ConfirmSubmit);
    assert!(app.desk.take_commands().is_empty());
}

#[test]
fn skip_gives_the_item_back_after_a_confirm() {
    let mut app = app_with(mcq());
    app.desk.take_commands();
    app.handle_key(key('x'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Skip));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.desk.take_commands(), vec![Command::Release(7)]);
    app.reply(Reply::Released);
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::ClaimNext(Some("CMExam".into()))]
    );
}

#[test]
fn at_most_one_save_is_in_flight() {
    let mut app = app_with(mcq());
    app.update(Action::SelectCriterion(0));
    app.update(Action::Pass);
    app.update(Action::Pass);
    app.update(Action::Pass);
    assert_eq!(saves(&app.desk.take_commands()), 1);
    assert_eq!(app.desk.save_state(), "saving…");
    app.reply(Reply::Saved(7));
    // The later changes go out in one save, with the latest content (the cursor moves on
    // after each pass, so three criteria have passed).
    let cmds = app.desk.take_commands();
    assert!(matches!(&cmds[..], [Command::SaveDraft(7, c)] if c.verdicts.len() == 3));
    app.reply(Reply::Saved(7));
    assert!(app.desk.take_commands().is_empty());
    assert_eq!(app.desk.save_state(), "saved");
}

#[test]
fn leaving_sends_the_last_change_even_with_a_save_in_flight() {
    let mut app = app_with(mcq());
    app.update(Action::Pass);
    app.update(Action::Pass);
    app.update(Action::Back);
    let cmds = app.desk.take_commands();
    assert_eq!(saves(&cmds), 2);
    assert!(matches!(cmds.last(), Some(Command::MyReviews)));
    assert_eq!(app.desk.view, View::List);
}

#[test]
fn a_failed_save_is_sent_again_with_the_newest_content() {
    let mut app = app_with(mcq());
    app.update(Action::Pass);
    app.desk.take_commands();
    app.reply(Reply::SaveFailed(7, "your claim has lapsed".into()));
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    assert!(app.desk.message.as_ref().unwrap().error);
    // Sent again at once (the worker waits before running it).
    assert_eq!(saves(&app.desk.take_commands()), 1);
    // A change meanwhile waits for that answer, then goes with everything in it.
    app.update(Action::NextCriterion);
    app.update(Action::Pass);
    assert!(app.desk.take_commands().is_empty());
    app.reply(Reply::SaveFailed(7, "your claim has lapsed".into()));
    let cmds = app.desk.take_commands();
    assert!(matches!(&cmds[..], [Command::SaveDraft(7, c)] if c.verdicts.len() == 2));
    assert_eq!(app.desk.save_state(), "NOT SAVED");
}

#[test]
fn a_resumed_draft_shows_what_was_saved() {
    let mut draft = ReviewContent::default();
    draft
        .verdicts
        .insert(Criterion::NaturalPlausible, Verdict::Pass);
    draft.departments = vec!["cardiology".into()];
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.reply(Reply::Loaded(Box::new(assignment(mcq(), draft.clone()))));
    assert_eq!(content(&app), &draft);
    // The cursor starts on the first criterion still to judge.
    assert_eq!(app.review().unwrap().criterion, 1);
}

#[test]
fn the_editor_is_text_mode_and_keeps_a_proposal() {
    let mut app = app_with(mcq());
    app.handle_key(key('e'));
    assert_eq!(app.context(), Context::Editor);
    app.handle_key(key('q'));
    assert!(!app.desk.quit);
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.context(), Context::Review);
    let p = content(&app).proposal.clone().unwrap();
    assert!(p.starts_with("q{"), "{p}");
    assert!(
        app.desk.message.as_ref().unwrap().error,
        "not valid JSON any more"
    );
    // Ctrl-O in the editor goes back to no proposal.
    app.handle_key(key('e'));
    app.handle_key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL));
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(content(&app).proposal, None);
}

#[test]
fn comments_are_typed_and_kept() {
    let mut app = app_with(mcq());
    app.handle_key(key('c'));
    assert_eq!(app.context(), Context::Comment);
    for c in "题干有歧义".chars() {
        app.handle_key(key(c));
    }
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(content(&app).comment.as_deref(), Some("题干有歧义"));
}

#[test]
fn help_opens_over_any_command_context() {
    let mut app = app_with(mcq());
    app.handle_key(key('?'));
    assert_eq!(app.context(), Context::Help);
    assert_eq!(
        app.desk.help.map(|h| (h.context, h.scroll)),
        Some((Context::Review, 0))
    );
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.context(), Context::Review);
}

#[test]
fn scrolling_stays_inside_the_item() {
    let long = sample("MADiagnosis.jsonl", "madiag-0003");
    let mut app = app_with(long);
    for _ in 0..500 {
        app.update(Action::Down);
    }
    let bottom = app.review().unwrap().scroll;
    assert!(bottom > 0);
    app.update(Action::Up);
    assert_eq!(app.review().unwrap().scroll, bottom - 1);
    app.update(Action::Top);
    assert_eq!(app.review().unwrap().scroll, 0);
}

mod after_submit;
mod paste;
mod queue_worker;
mod revision;
mod unsaved;
