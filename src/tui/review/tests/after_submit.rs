//! What a submit asks of the store next: the next item first, then only the progress the
//! status bar shows; the reviewer's own reviews wait until the queue screen is shown again.

use super::{app_with, complete, key, mcq};
use crate::store::SubmitOutcome;
use crate::tui::desk::View;
use crate::tui::review::worker::{Command, Reply};

#[test]
fn a_submit_claims_the_next_item_then_reloads_only_the_progress() {
    let mut app = app_with(mcq());
    complete(&mut app);
    app.desk.take_commands();
    app.handle_key(key('s'));
    app.handle_key(key('y'));
    assert!(matches!(
        &app.desk.take_commands()[..],
        [Command::Submit(7, _)]
    ));
    app.reply(Reply::Submitted(SubmitOutcome::Waiting));
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::ClaimNext(Some("CMExam".into())), Command::Queue]
    );
    // Back at the queue, the list is loaded whole.
    app.reply(Reply::NothingLeft(Some("CMExam".into())));
    assert_eq!(app.desk.view, View::List);
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::Queue, Command::MyReviews]
    );
}

#[test]
fn a_claim_that_fails_after_a_submit_reloads_the_list_it_falls_back_to() {
    let mut app = app_with(mcq());
    complete(&mut app);
    app.handle_key(key('s'));
    app.handle_key(key('y'));
    app.reply(Reply::Submitted(SubmitOutcome::Waiting));
    app.desk.take_commands();
    app.reply(Reply::Failed(
        crate::tui::review::worker::Job::Claim,
        "the database is busy with another writer; try again in a moment".into(),
    ));
    assert_eq!(app.desk.view, View::List);
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::Queue, Command::MyReviews]
    );
}
