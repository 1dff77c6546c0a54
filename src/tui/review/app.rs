//! The app state and `ReviewApp::update`, the one place actions change it. Store work leaves as
//! `Command`s in an outbox that the main loop hands to the worker; nothing here waits on disk.

use super::item::ReviewState;
use super::queue::{QueueRequest, QueueState};
use super::worker::{Command, Job, Reply};
use crate::domain::people::Person;
use crate::store::{Assignment, SubmitOutcome};
use crate::tui::action::Action;
use crate::tui::desk::{ConfirmKind, Effect, Origin, Request};
use crate::tui::draft::DraftSaver;
use crate::tui::help::Help;
use crate::tui::keymap::{self, Context};
use crate::tui::message::Message;
use crate::tui::text;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    /// Reviewing; with no review loaded it shows that the next item is on its way.
    Review,
}

pub struct ReviewApp {
    pub reviewer: Person,
    pub screen: Screen,
    pub queue: QueueState,
    pub review: Option<ReviewState>,
    pub help: Option<Help>,
    pub confirm: Option<ConfirmKind>,
    pub message: Option<Message>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// The store job being waited for, shown as "loading".
    pub busy: Option<Job>,
    /// The dataset being reviewed, for "next item" and progress.
    pub dataset: Option<String>,
    pub quit: bool,
    pub(crate) draft: DraftSaver<Command>,
    /// The draft whose "saved" is to be said when the store confirms it (it was left with
    /// a save on its way).
    announce: Option<i64>,
    /// How the review being loaded was asked for.
    pending_origin: Origin,
    /// What the last step did ("Submitted…"), said again when the next item arrives.
    carry: Option<String>,
    outbox: Vec<Command>,
}

impl ReviewApp {
    /// A new session: loads the queue, and goes straight to an item when a dataset is given.
    pub fn new(reviewer: Person, dataset: Option<String>, size: (u16, u16)) -> ReviewApp {
        let mut app = ReviewApp {
            reviewer,
            screen: Screen::Queue,
            queue: QueueState::default(),
            review: None,
            help: None,
            confirm: None,
            message: None,
            size,
            busy: None,
            dataset: None,
            quit: false,
            draft: DraftSaver::default(),
            announce: None,
            pending_origin: Origin::Claim,
            carry: None,
            outbox: vec![Command::Queue, Command::MyReviews],
        };
        if let Some(ds) = dataset {
            app.claim(ds);
        }
        app
    }

    /// The store commands to send, oldest first.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.outbox)
    }

    /// The person asked to quit, or the session ended.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// The screen area above the status bar.
    pub fn main_area(&self) -> Rect {
        crate::tui::frame::main_area(self.size)
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        match (&self.screen, &self.review) {
            (Screen::Review, Some(r)) => r.context(),
            (Screen::Review, None) => Context::Review,
            (Screen::Queue, _) => self.queue.context(),
        }
    }

    /// A key, through the key table for the current context.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = keymap::action_for(self.context(), key) {
            // A message stays until the next key; then the key hints show again.
            self.message = None;
            self.update(a);
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message::info(text));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message::error(text));
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Resize(w, h) => self.size = (w, h),
            Action::Quit => self.ask_quit(),
            Action::Exit => {
                self.flush_save();
                self.quit = true;
            }
            Action::ToggleHelp => self.help = Help::toggled(self.help, self.context()),
            Action::Confirm => match self.confirm {
                Some(ConfirmKind::Submit) => self.update(Action::ConfirmSubmit),
                Some(ConfirmKind::Skip) => self.update(Action::ConfirmSkip),
                Some(ConfirmKind::LeaveUnsaved) => self.leave_unsaved(),
                Some(ConfirmKind::QuitUnsaved) => {
                    self.confirm = None;
                    self.update(Action::Exit);
                }
                None => {}
            },
            Action::ConfirmSubmit => self.confirm_submit(),
            Action::ConfirmSkip => self.confirm_skip(),
            other => self.route(other),
        }
    }

    /// The worker's answer to one of the store commands.
    pub fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Queue(rows) => {
                self.busy = self.busy.filter(|b| *b != Job::Queue);
                self.queue.set_rows(rows);
            }
            Reply::MyReviews(rows) => self.queue.set_mine(rows),
            Reply::Loaded(a) => self.loaded(*a),
            Reply::NothingLeft(ds) => {
                self.busy = None;
                self.back_to_queue();
                match ds {
                    Some(d) => self.info(format!("Nothing left for you to review in {d}")),
                    None => self.info("Nothing left for you to review"),
                }
            }
            Reply::Saved(id) => self.saved(id),
            Reply::SaveFailed(id, msg) => self.save_failed(id, msg),
            Reply::Submitted(outcome) => self.submitted(outcome),
            Reply::Released => {
                self.busy = None;
                self.info("Skipped: the item goes to someone else");
                self.carry = Some("Skipped".into());
                self.next_item();
            }
            Reply::Failed(job, msg) => self.failed(job, msg),
        }
    }

    /// Actions that depend on where the keyboard is.
    fn route(&mut self, action: Action) {
        match self.context() {
            Context::Help => {
                if let Some(help) = self.help.as_mut() {
                    help.update(&action);
                }
            }
            Context::Confirm => {
                if action == Action::Cancel {
                    let kind = self.confirm.take();
                    match kind {
                        Some(ConfirmKind::LeaveUnsaved | ConfirmKind::QuitUnsaved)
                            if self.draft.failure().is_some() =>
                        {
                            self.error(
                                "Staying. Your draft is NOT saved yet; medcurate keeps trying, and \
                                 the status bar says when it is saved",
                            )
                        }
                        _ => self.info("Cancelled"),
                    }
                }
            }
            Context::Queue | Context::MyReviews => match self.queue.update(action) {
                Ok(Some(req)) => self.queue_request(req),
                Ok(None) => {}
                Err(msg) => self.error(msg),
            },
            _ => self.route_review(action),
        }
    }

    fn queue_request(&mut self, req: QueueRequest) {
        match req {
            QueueRequest::Claim(ds) => self.claim(ds),
            QueueRequest::Open(id) => {
                self.pending_origin = Origin::Reopen;
                self.busy = Some(Job::Open);
                self.outbox.push(Command::Open(id));
                self.info("Opening your review…");
            }
            QueueRequest::Refresh => self.refresh(),
            QueueRequest::Quit => self.ask_quit(),
        }
    }

    fn route_review(&mut self, action: Action) {
        let main = self.main_area();
        let Some(r) = self.review.as_mut() else {
            // Waiting for the next item: only leaving makes sense.
            if action == Action::Back {
                self.back_to_queue();
            }
            return;
        };
        let Effect {
            changed,
            message,
            request,
        } = r.update(action, main);
        if changed {
            self.draft
                .changed(&mut self.outbox, || save_of(&self.review));
        }
        if message.is_some() {
            self.message = message;
        }
        match request {
            Some(Request::Submit) => self.ask_submit(),
            Some(Request::Skip) => self.ask_skip(),
            Some(Request::Back) => self.leave(),
            None => {}
        }
    }

    fn claim(&mut self, dataset: String) {
        self.pending_origin = Origin::Claim;
        self.busy = Some(Job::Claim);
        self.info(format!("Getting the next item in {dataset}…"));
        self.outbox.push(Command::ClaimNext(Some(dataset.clone())));
        self.dataset = Some(dataset);
        self.screen = Screen::Review;
    }

    fn refresh(&mut self) {
        self.outbox.push(Command::Queue);
        self.outbox.push(Command::MyReviews);
    }

    /// Shows a loaded item (also the way tests set up a review).
    fn loaded(&mut self, a: Assignment) {
        self.busy = None;
        self.flush_save();
        self.dataset = Some(a.dataset.clone());
        let r = ReviewState::new(a, self.pending_origin);
        let what = format!("{} in {}", r.assignment.item.id, r.assignment.dataset);
        self.draft.opened(r.assignment.review_id, what.clone());
        // What the last step did comes first: "Submitted; waiting …. Now reviewing …".
        let (lead, now) = match self.carry.take() {
            Some(before) => (format!("{before}. "), "Now"),
            None => (String::new(), ""),
        };
        let text = if r.submitted() {
            format!(
                "{lead}{now} your submitted review of {what}: changes count only when you submit again"
            )
        } else if r.content != r.assignment.content && r.assignment.content.verdicts.is_empty() {
            format!("{lead}{now} reviewing {what}; suggested departments are preselected")
        } else {
            format!("{lead}{now} reviewing {what}")
        };
        self.info(text::capitalize(text.trim_start()));
        self.review = Some(r);
        self.screen = Screen::Review;
    }

    /// Sends the draft now if it changed (leaving it).
    fn flush_save(&mut self) {
        self.draft.flush(&mut self.outbox, || save_of(&self.review));
    }

    /// q on the review: back to the queue, unless the draft is NOT SAVED; then the person is
    /// told so and asked whether to stay.
    fn leave(&mut self) {
        let Some(id) = self.review.as_ref().map(|r| r.assignment.review_id) else {
            return self.back_to_queue();
        };
        if self.draft.failing(id) {
            // A change not sent yet goes now; the retry of the rest is already on its way.
            self.flush_save();
            self.confirm = Some(ConfirmKind::LeaveUnsaved);
            return;
        }
        self.back_to_queue();
        if self.draft.stored(id) {
            self.info("Back at the queue; your draft is kept");
        } else {
            self.announce = Some(id);
            self.info("Back at the queue; saving your draft…");
        }
    }

    /// The person chose to leave a draft the store does not have.
    fn leave_unsaved(&mut self) {
        self.confirm = None;
        let id = self.review.as_ref().map(|r| r.assignment.review_id);
        if let Some(id) = id
            && self.draft.stuck(id)
        {
            // Changes to a submitted review that could not be submitted again: nothing can
            // save them once the review is closed, and the person has been told so.
            self.draft.dropped(id);
        }
        self.back_to_queue();
        match id {
            Some(id) if !self.draft.stored(id) => {
                self.announce = Some(id);
                self.error(format!(
                    "Back at the queue. Your draft of {} is NOT saved; medcurate keeps trying \
                     while it runs",
                    self.draft.name(id)
                ));
            }
            _ => self.info("Back at the queue; your draft is kept"),
        }
    }

    /// Ctrl-C, or q on the queue: quits, unless a draft is NOT SAVED; then the person is
    /// asked first.
    fn ask_quit(&mut self) {
        if self.draft.failure().is_some() {
            self.flush_save();
            self.confirm = Some(ConfirmKind::QuitUnsaved);
        } else {
            self.update(Action::Exit);
        }
    }

    fn saved(&mut self, id: i64) {
        let was_failing = self.draft.failing(id);
        self.draft
            .saved(id, &mut self.outbox, || save_of(&self.review));
        if !self.draft.stored(id) {
            return;
        }
        if was_failing || self.announce == Some(id) {
            self.announce = None;
            let open = self.review.as_ref().map(|r| r.assignment.review_id) == Some(id);
            if open {
                self.info("Your draft is saved now");
            } else {
                self.info(format!(
                    "Your draft of {} is saved now",
                    self.draft.name(id)
                ));
            }
        }
    }

    fn save_failed(&mut self, id: i64, msg: String) {
        let first = !self.draft.failing(id);
        self.draft
            .failed(id, msg.clone(), &mut self.outbox, || save_of(&self.review));
        if first {
            self.error(format!(
                "Draft NOT saved: {msg}. medcurate keeps trying; the status bar says when it is \
                 saved"
            ));
        }
    }

    fn back_to_queue(&mut self) {
        self.flush_save();
        self.review = None;
        self.confirm = None;
        self.screen = Screen::Queue;
        self.refresh();
    }

    fn ask_submit(&mut self) {
        let Some(r) = &self.review else { return };
        let problems = r.content.problems(r.body());
        if problems.is_empty() {
            self.confirm = Some(ConfirmKind::Submit);
        } else {
            self.error(format!("Not ready to submit: {}", problems.join("; ")));
        }
    }

    fn ask_skip(&mut self) {
        let Some(r) = &self.review else { return };
        if r.submitted() {
            self.error("A submitted review cannot be skipped; q goes back to the queue");
        } else {
            self.confirm = Some(ConfirmKind::Skip);
        }
    }

    fn confirm_submit(&mut self) {
        if self.confirm != Some(ConfirmKind::Submit) {
            return;
        }
        self.confirm = None;
        let Some(r) = &self.review else { return };
        self.draft
            .submitting(r.assignment.review_id, save_of(&self.review));
        self.busy = Some(Job::Submit);
        self.outbox
            .push(Command::Submit(r.assignment.review_id, r.content.clone()));
        self.info("Submitting…");
    }

    fn confirm_skip(&mut self) {
        if self.confirm != Some(ConfirmKind::Skip) {
            return;
        }
        self.confirm = None;
        let Some(r) = self.review.take() else { return };
        self.draft.dropped(r.assignment.review_id);
        self.busy = Some(Job::Release);
        self.outbox.push(Command::Release(r.assignment.review_id));
        self.info("Giving the item back…");
    }

    fn submitted(&mut self, outcome: SubmitOutcome) {
        self.busy = None;
        self.draft.submitted(None);
        let origin = self.review.take().map(|r| r.origin);
        let text = match outcome {
            SubmitOutcome::Waiting => "Submitted; waiting for the second reviewer",
            // An item sent to a curator is not settled, so nothing may tell how the other
            // review went; "accepted" would tell it by contrast. Both read the same.
            SubmitOutcome::Accepted | SubmitOutcome::NeedsCuration => {
                "Submitted; both reviews are in"
            }
        };
        self.info(text);
        self.carry = Some(text.to_string());
        match origin {
            Some(Origin::Claim) => self.next_item(),
            _ => self.back_to_queue(),
        }
        self.refresh();
    }

    /// Claims the next item of the current dataset, showing "loading" meanwhile.
    fn next_item(&mut self) {
        self.review = None;
        match self.dataset.clone() {
            Some(ds) => {
                self.pending_origin = Origin::Claim;
                self.busy = Some(Job::Claim);
                self.outbox.push(Command::ClaimNext(Some(ds)));
                self.screen = Screen::Review;
            }
            None => self.back_to_queue(),
        }
    }

    fn failed(&mut self, job: Job, msg: String) {
        match job {
            Job::Claim | Job::Open => {
                self.busy = None;
                if self.review.is_none() {
                    self.screen = Screen::Queue;
                }
            }
            Job::Release => {
                self.busy = None;
                self.back_to_queue();
            }
            Job::Submit => {
                self.busy = None;
                // The submitted content is not in the store: it is saved as a draft instead.
                self.draft
                    .submit_failed(None, msg.clone(), &mut self.outbox, || {
                        save_of(&self.review)
                    });
                let id = self.review.as_ref().map(|r| r.assignment.review_id);
                if id.is_some_and(|id| self.draft.stuck(id)) {
                    self.error(format!(
                        "Not submitted: {msg}. Your changes are NOT saved; submit again (s) \
                         when the database answers"
                    ));
                } else {
                    self.error(format!(
                        "Not submitted: {msg}. Your draft is NOT saved until the status bar \
                         says so"
                    ));
                }
                return;
            }
            Job::Queue | Job::MyReviews => {}
        }
        let what = match job {
            Job::Queue => "Could not load the queue",
            Job::MyReviews => "Could not load your reviews",
            Job::Claim => "Could not get an item",
            Job::Open => "Could not open the review",
            Job::Submit => "Not submitted",
            Job::Release => "Could not skip",
        };
        self.error(format!("{what}: {msg}"));
    }

    /// NOT SAVED, "saving…", "submitting…", "saved", "unsaved" or "" for the status bar.
    pub fn save_state(&self) -> &'static str {
        self.draft.state(
            self.review
                .as_ref()
                .map(|d| (d.assignment.review_id, d.submitted())),
        )
    }

    /// A draft save is unanswered or failed.
    pub fn saving(&self) -> bool {
        self.draft.busy()
    }

    /// Drafts the store does not have, said plainly; None when it has them all.
    pub fn not_saved(&self) -> Option<String> {
        self.draft.farewell()
    }
}

/// The save of the open draft; none once it is submitted (the store keeps changes to a
/// submitted review only when it is submitted again).
fn save_of(open: &Option<ReviewState>) -> Option<Command> {
    let d = open.as_ref().filter(|d| !d.submitted())?;
    Some(Command::SaveDraft(
        d.assignment.review_id,
        d.content.clone(),
    ))
}
