//! The adjudication screen's state and `AdjudicateApp::update`, the one place actions change
//! it: the start screen, and the desk with the dispute being decided. Store work leaves as
//! `Command`s in the desk's outbox that the loop hands to the worker.

use super::dispute::DisputeState;
use super::start::{StartRequest, StartView};
use super::worker::{Command, Job, Reply};
use crate::domain::people::Person;
use crate::store::DisputeAssignment;
use crate::tui::action::Action;
use crate::tui::desk::{Desk, View, Work};
use crate::tui::keymap::Context;
use crossterm::event::KeyEvent;

pub struct AdjudicateApp {
    pub expert: Person,
    pub start: StartView,
    /// The dispute being decided, its draft, the dialogs and the messages; its scope is
    /// where "the next dispute" comes from (one dataset, or all of them).
    pub desk: Desk<DisputeState>,
}

impl AdjudicateApp {
    /// A new session: loads the counts, and goes straight to a dispute when a dataset is given.
    pub fn new(expert: Person, dataset: Option<String>, size: (u16, u16)) -> AdjudicateApp {
        let mut app = AdjudicateApp {
            expert,
            start: StartView::default(),
            desk: Desk::new(size),
        };
        if let Some(ds) = dataset {
            app.desk.claim(Some(ds));
        }
        app
    }

    /// The dispute open, if one is.
    pub fn dispute(&self) -> Option<&DisputeState> {
        self.desk.open.as_ref()
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        self.desk.context(self.start.context())
    }

    /// A key, through the key table for the current context.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = self.desk.key_action(key, self.start.context()) {
            self.update(a);
        }
    }

    pub fn update(&mut self, action: Action) {
        let Some(action) = self.desk.update(action, self.start.context()) else {
            return;
        };
        let request = self.start.update(action);
        self.start_request(request);
    }

    fn start_request(&mut self, request: Option<StartRequest>) {
        match request {
            Some(StartRequest::Claim(ds)) => self.desk.claim(ds),
            Some(StartRequest::Open(id)) => {
                self.desk.reopen(id);
                // The dispute view says it is on its way.
                self.desk.view = View::Open;
            }
            Some(StartRequest::ClaimThis(response_id, what)) => self.desk.claim_chosen(
                Command::ClaimThis(response_id),
                &format!("the dispute about {what}"),
            ),
            Some(StartRequest::Find(q)) => {
                self.desk
                    .info(format!("Searching the disputes for “{}”…", q.as_str()));
                self.desk.send(Command::Find(q));
            }
            Some(StartRequest::Say(msg)) => self.desk.info(msg),
            Some(StartRequest::Refresh) => self.desk.refresh(),
            Some(StartRequest::Quit) => self.desk.ask_quit(),
            None => {}
        }
    }

    /// The worker's answer to one of the store commands.
    pub fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Overview { threshold, counts } => self.start.set_overview(threshold, counts),
            Reply::Mine(rows) => self.start.set_mine(rows),
            Reply::Loaded(a) => self.loaded(*a),
            Reply::NothingLeft(ds) => self.desk.nothing_left(ds),
            Reply::Saved(id) => self.desk.saved(id),
            Reply::SaveFailed(id, msg) => self.desk.save_failed(id, msg),
            Reply::Submitted(id) => self.desk.submitted(Some(id), "Submitted"),
            Reply::Released(_) => self.desk.released(),
            Reply::Found(q, found) => {
                let request = self.start.found(&q, found);
                self.start_request(request);
            }
            Reply::Failed(job, msg) => match job.step() {
                Some(step) => self.desk.failed(step, job.failure(), msg),
                None => {
                    if job == Job::Find
                        && let Some(f) = self.start.find.as_mut()
                    {
                        f.search_failed();
                    }
                    self.desk.error(format!("{}: {msg}", job.failure()));
                }
            },
        }
    }

    /// Shows a loaded dispute.
    fn loaded(&mut self, a: DisputeAssignment) {
        let d = DisputeState::new(a, self.desk.origin());
        let what = format!(
            "{} on {} in {}",
            d.assignment.model, d.assignment.item.id, d.assignment.dataset
        );
        let doing = if d.changed {
            format!(
                "your decision on {what}, changed and not resubmitted: s submits the change, x \
                 throws it away"
            )
        } else if d.submitted() {
            format!(
                "your decision on {what}: a change is kept as a draft until you submit it again"
            )
        } else {
            format!("deciding {what}")
        };
        self.start.select_dataset(&d.assignment.dataset);
        self.desk.show(d, what, &doing);
    }
}
