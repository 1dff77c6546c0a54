//! The review screen's state and `ReviewApp::update`, the one place actions change it: the
//! queue, and the desk with the item under review. Store work leaves as `Command`s in the
//! desk's outbox that the main loop hands to the worker; nothing here waits on disk.

use super::item::ReviewState;
use super::outcome::OutcomeView;
use super::queue::{QueueRequest, QueueState};
use super::worker::{Command, Job, Reply};
use crate::domain::people::Person;
use crate::store::{Assignment, SubmitOutcome};
use crate::tui::action::Action;
use crate::tui::desk::{Desk, Work};
use crate::tui::keymap::Context;
use crossterm::event::KeyEvent;

pub struct ReviewApp {
    pub reviewer: Person,
    pub queue: QueueState,
    /// The item being reviewed, its draft, the dialogs and the messages; its scope is the
    /// dataset being reviewed, for "next item" and progress.
    pub desk: Desk<ReviewState>,
}

impl ReviewApp {
    /// A new session: loads the queue, and goes straight to an item when a dataset is given.
    pub fn new(reviewer: Person, dataset: Option<String>, size: (u16, u16)) -> ReviewApp {
        let mut app = ReviewApp {
            reviewer,
            queue: QueueState::default(),
            desk: Desk::new(size),
        };
        if let Some(ds) = dataset {
            app.desk.claim(Some(ds));
        }
        app
    }

    /// The review open, if one is.
    pub fn review(&self) -> Option<&ReviewState> {
        self.desk.open.as_ref()
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        self.desk.context(self.queue.context())
    }

    /// A key, through the key table for the current context.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.desk.key_action(key, self.queue.context()) {
            self.update(a);
        }
    }

    pub fn update(&mut self, action: Action) {
        let Some(action) = self.desk.update(action, self.queue.context()) else {
            return;
        };
        let main = self.desk.main_area();
        if let Some(o) = self.queue.outcome.as_mut()
            && o.scroll(&action, main)
        {
            return;
        }
        let request = self.queue.update(action);
        self.queue_request(request);
    }

    fn queue_request(&mut self, request: Result<Option<QueueRequest>, String>) {
        match request {
            Ok(Some(QueueRequest::Claim(ds))) => self.desk.claim(Some(ds)),
            Ok(Some(QueueRequest::Open(id))) => self.desk.reopen(id),
            Ok(Some(QueueRequest::Outcome(id))) => {
                self.queue.want_outcome(id);
                self.desk.send(Command::Outcome(id));
            }
            Ok(Some(QueueRequest::Find(q))) => {
                self.desk
                    .info(format!("Searching your reviews for “{}”…", q.as_str()));
                self.desk.send(Command::Find(q));
            }
            Ok(Some(QueueRequest::Say(msg))) => self.desk.info(msg),
            Ok(Some(QueueRequest::Refresh)) => self.desk.refresh(),
            Ok(Some(QueueRequest::Quit)) => self.desk.ask_quit(),
            Ok(None) => {}
            Err(msg) => self.desk.error(msg),
        }
    }

    /// The worker's answer to one of the store commands.
    pub fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Queue(rows) => self.queue.set_rows(rows),
            Reply::MyReviews(rows) => self.queue.set_mine(rows),
            Reply::Loaded(a) => self.loaded(*a),
            Reply::NothingLeft(ds) => self.desk.nothing_left(ds),
            Reply::Saved(id) => self.desk.saved(id),
            Reply::SaveFailed(id, msg) => self.desk.save_failed(id, msg),
            Reply::Submitted(outcome) => self.desk.submitted(None, submitted_text(outcome)),
            Reply::Released => self.desk.released(),
            Reply::Found(q, found) => {
                let request = self.queue.found(&q, found);
                self.queue_request(request);
            }
            Reply::Outcome(o) => self.queue.set_outcome(OutcomeView::new(*o)),
            Reply::Failed(job, msg) => match job.step() {
                Some(step) => self.desk.failed(step, job.failure(), msg),
                None => {
                    match job {
                        Job::Find => {
                            if let Some(f) = self.queue.find.as_mut() {
                                f.search_failed();
                            }
                        }
                        Job::Outcome => self.queue.outcome_of = None,
                        _ => {}
                    }
                    self.desk.error(format!("{}: {msg}", job.failure()));
                }
            },
        }
    }

    /// Shows a loaded item (also the way tests set up a review).
    fn loaded(&mut self, a: Assignment) {
        // The item's dataset is where the next item comes from, whichever way it was opened.
        self.desk.scope = Some(a.dataset.clone());
        let r = ReviewState::new(a, self.desk.origin());
        let what = format!("{} in {}", r.assignment.item.id, r.assignment.dataset);
        let doing = if r.changed {
            format!(
                "your submitted review of {what}, changed and not resubmitted: s submits the \
                 change, x throws it away"
            )
        } else if r.submitted() {
            format!(
                "your submitted review of {what}: a change is kept as a draft until you submit \
                 it again"
            )
        } else if r.content != r.assignment.content && r.assignment.content.verdicts.is_empty() {
            format!("reviewing {what}; suggested departments are preselected")
        } else {
            format!("reviewing {what}")
        };
        self.desk.show(r, what, &doing);
    }
}

fn submitted_text(outcome: SubmitOutcome) -> &'static str {
    match outcome {
        SubmitOutcome::Waiting => "Submitted; waiting for the second reviewer",
        // An item sent to a curator is not settled, so nothing may tell how the other
        // review went; "accepted" would tell it by contrast. Both read the same.
        SubmitOutcome::Accepted | SubmitOutcome::NeedsCuration => "Submitted; both reviews are in",
    }
}
