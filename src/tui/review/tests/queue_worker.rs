//! The queue screen and the store worker, through `ReviewApp::update` and a fake store.

use super::*;

fn row(ds: &str, available: u64) -> QueueRow {
    QueueRow {
        dataset: ds.into(),
        kind: crate::domain::item::ItemKind::Mcq,
        submitted: 3,
        in_progress: 0,
        available,
    }
}

#[test]
fn the_queue_claims_and_reopens() {
    let mut app = ReviewApp::new(person(), None, (80, 24));
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::Queue, Command::MyReviews]
    );
    app.reply(Reply::Queue(vec![row("CMExam", 5), row("CMeEE", 0)]));
    app.update(Action::Down);
    app.update(Action::Open);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("Nothing left")
    );
    app.update(Action::Up);
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::ClaimNext(Some("CMExam".into()))]
    );
    app.reply(Reply::NothingLeft(Some("CMExam".into())));
    assert_eq!(app.desk.view, View::List);
    app.desk.take_commands();
    app.reply(Reply::MyReviews(vec![
        MyReview {
            review_id: 1,
            dataset: "CMExam".into(),
            item_id: "a".into(),
            status: ReviewStatus::Submitted,
            changeable: false,
            changed: false,
            settled: false,
            updated_at: "2026-01-01T00:00:00Z".into(),
        },
        MyReview {
            review_id: 2,
            dataset: "CMExam".into(),
            item_id: "b".into(),
            status: ReviewStatus::Submitted,
            changeable: true,
            changed: false,
            settled: false,
            updated_at: "2026-01-01T00:00:00Z".into(),
        },
    ]));
    app.handle_key(code(KeyCode::Tab));
    assert_eq!(app.context(), Context::MyReviews);
    app.handle_key(code(KeyCode::Enter));
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("can no longer change, and the item is not settled yet")
    );
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.desk.take_commands(), vec![Command::Open(2)]);
    // q on the queue quits; in my reviews it goes back to the datasets first.
    app.handle_key(key('q'));
    assert_eq!(app.context(), Context::Queue);
    app.handle_key(key('q'));
    assert!(app.desk.quit);
}

#[test]
fn a_change_to_a_submitted_review_is_saved_as_its_draft_and_can_be_thrown_away() {
    let mut a = assignment(mcq(), ReviewContent::default());
    a.status = ReviewStatus::Submitted;
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.desk.take_commands();
    app.reply(Reply::Loaded(Box::new(a.clone())));
    // Unchanged: nothing to save, nothing to throw away, and it cannot be skipped.
    assert_eq!(app.desk.save_state(), "");
    app.update(Action::Skip);
    assert_eq!(app.desk.confirm, None);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("cannot be skipped")
    );

    app.update(Action::Pass);
    assert_eq!(saves(&app.desk.take_commands()), 1, "the change is saved");
    assert_eq!(app.desk.save_state(), "saving…");
    app.reply(Reply::Saved(7));
    assert_eq!(app.desk.save_state(), "changed, not resubmitted");

    // x asks to throw the change away; yes sends it, and the review comes back as submitted.
    app.update(Action::Skip);
    assert_eq!(app.desk.confirm, Some(ConfirmKind::DiscardChange));
    app.update(Action::Confirm);
    assert_eq!(app.desk.take_commands(), vec![Command::DiscardChange(7)]);
    // Keys wait meanwhile: a change now would outlive the discard.
    app.update(Action::Pass);
    assert!(app.desk.take_commands().is_empty());
    app.reply(Reply::Loaded(Box::new(a)));
    let r = app.review().unwrap();
    assert!(!r.changed);
    assert_eq!(r.content, ReviewContent::default());
    assert_eq!(app.desk.save_state(), "");
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("Change thrown away"),
        "{:?}",
        app.desk.message
    );
}

#[test]
fn leaving_a_changed_submitted_review_says_the_change_is_kept_not_resubmitted() {
    let mut a = assignment(mcq(), ReviewContent::default());
    a.status = ReviewStatus::Submitted;
    a.changed = true;
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.desk.take_commands();
    app.reply(Reply::Loaded(Box::new(a)));
    assert_eq!(app.desk.save_state(), "changed, not resubmitted");
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("not resubmitted")
    );
    app.update(Action::Back);
    let said = &app.desk.message.as_ref().unwrap().text;
    assert!(
        said.contains("your change is kept as a draft, not resubmitted"),
        "{said}"
    );
}

/// A store stand-in for the worker's dispatch; every draft save fails.
pub(super) struct Fake;

impl Backend for Fake {
    fn review_queue(&self, _: &str) -> anyhow::Result<Vec<QueueRow>> {
        Ok(vec![row("CMExam", 1)])
    }
    fn claim_next(&mut self, _: &str, _: Option<&str>) -> anyhow::Result<Option<Assignment>> {
        Ok(None)
    }
    fn open_review(&mut self, _: &str, _: i64) -> anyhow::Result<Option<Assignment>> {
        Ok(None)
    }
    fn save_draft(&mut self, _: &str, _: i64, _: &ReviewContent) -> anyhow::Result<()> {
        anyhow::bail!("your claim on this item has lapsed; the draft could not be saved")
    }
    fn submit_review(
        &mut self,
        _: &str,
        _: i64,
        _: &ReviewContent,
    ) -> anyhow::Result<SubmitOutcome> {
        Ok(SubmitOutcome::Accepted)
    }
    fn release_review(&mut self, _: &str, _: i64) -> anyhow::Result<()> {
        Ok(())
    }
    fn discard_review_change(&mut self, _: &str, _: i64) -> anyhow::Result<Assignment> {
        anyhow::bail!("review 1 is not yours")
    }
    fn my_reviews(&self, _: &str) -> anyhow::Result<Vec<MyReview>> {
        Ok(Vec::new())
    }
    fn find_my_reviews(
        &self,
        _: &str,
        _: &crate::domain::find::Query,
    ) -> anyhow::Result<crate::store::Found<MyReview>> {
        anyhow::bail!("the database is locked")
    }
    fn review_outcome(
        &self,
        _: &str,
        _: i64,
    ) -> anyhow::Result<Option<crate::store::ReviewOutcome>> {
        Ok(None)
    }
}

#[test]
fn the_worker_answers_each_command_with_an_action() {
    let mut f = Fake;
    let a = worker::handle(&mut f, "wang", Command::ClaimNext(Some("X".into())));
    assert_eq!(a, Reply::NothingLeft(Some("X".into())));
    let a = worker::handle(
        &mut f,
        "wang",
        Command::SaveDraft(1, ReviewContent::default()),
    );
    assert!(matches!(a, Reply::SaveFailed(1, m) if m.contains("lapsed")));
    let a = worker::handle(&mut f, "wang", Command::Open(9));
    assert!(matches!(a, Reply::Failed(Job::Open, _)));
    assert!(matches!(
        worker::handle(&mut f, "wang", Command::Queue),
        Reply::Queue(r) if r.len() == 1
    ));
}

#[test]
fn the_worker_serves_commands_in_order_until_the_channel_closes() {
    let (cmd_tx, cmd_rx) = std::sync::mpsc::channel();
    let (ev_tx, ev_rx) = std::sync::mpsc::channel();
    cmd_tx.send(Command::Queue).unwrap();
    cmd_tx.send(Command::Release(3)).unwrap();
    drop(cmd_tx);
    worker::serve(&mut Fake, "wang", &cmd_rx, &ev_tx);
    let got: Vec<_> = ev_rx.try_iter().collect();
    assert_eq!(got.len(), 2);
    assert!(matches!(
        &got[1],
        crate::tui::event::Event::Reply(Reply::Released)
    ));
}
