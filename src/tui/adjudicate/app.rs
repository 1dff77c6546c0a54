//! The adjudication screen's state and `AdjudicateApp::update`, the one place actions change
//! it. Store work leaves as `Command`s in an outbox that the loop hands to the worker.

use super::dispute::DisputeState;
use super::start::{StartRequest, StartView};
use super::worker::{Command, Job, Reply};
use crate::domain::people::Person;
use crate::store::DisputeAssignment;
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
pub enum View {
    Start,
    /// Deciding; with no dispute loaded it shows that the next one is on its way.
    Dispute,
}

pub struct AdjudicateApp {
    pub expert: Person,
    pub view: View,
    pub start: StartView,
    pub dispute: Option<DisputeState>,
    pub help: Option<Help>,
    pub confirm: Option<ConfirmKind>,
    pub message: Option<Message>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// The store job being waited for, shown as "loading".
    pub busy: Option<Job>,
    /// Where "the next dispute" comes from: one dataset, or all of them.
    pub scope: Option<String>,
    pub quit: bool,
    pub(crate) draft: DraftSaver<Command>,
    /// The draft whose "saved" is to be said when the store confirms it (it was left with
    /// a save on its way).
    announce: Option<i64>,
    /// How the dispute being loaded was asked for.
    pending_origin: Origin,
    /// What the last step did ("Submitted"), said again when the next dispute arrives.
    carry: Option<String>,
    outbox: Vec<Command>,
}

impl AdjudicateApp {
    /// A new session: loads the counts, and goes straight to a dispute when a dataset is given.
    pub fn new(expert: Person, dataset: Option<String>, size: (u16, u16)) -> AdjudicateApp {
        let mut app = AdjudicateApp {
            expert,
            view: View::Start,
            start: StartView::default(),
            dispute: None,
            help: None,
            confirm: None,
            message: None,
            size,
            busy: None,
            scope: None,
            quit: false,
            draft: DraftSaver::default(),
            announce: None,
            pending_origin: Origin::Claim,
            carry: None,
            outbox: vec![Command::Overview, Command::Mine],
        };
        if let Some(ds) = dataset {
            app.claim(Some(ds));
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
        match (self.view, &self.dispute) {
            (View::Dispute, Some(d)) => d.context(),
            (View::Dispute, None) => Context::Dispute,
            (View::Start, _) => self.start.context(),
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
            other => self.route(other),
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
            Context::Confirm => match action {
                Action::Confirm => match self.confirm.take() {
                    Some(ConfirmKind::Submit) => self.confirm_submit(),
                    Some(ConfirmKind::Skip) => self.confirm_skip(),
                    Some(ConfirmKind::LeaveUnsaved) => self.leave_unsaved(),
                    Some(ConfirmKind::QuitUnsaved) => self.update(Action::Exit),
                    None => {}
                },
                Action::Cancel => {
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
                _ => {}
            },
            Context::DisputeStart | Context::MyAdjudications => {
                if let Some(req) = self.start.update(action) {
                    self.start_request(req);
                }
            }
            _ => self.route_dispute(action),
        }
    }

    fn start_request(&mut self, req: StartRequest) {
        match req {
            StartRequest::Claim(ds) => self.claim(ds),
            StartRequest::Open(id) => {
                self.pending_origin = Origin::Reopen;
                self.busy = Some(Job::Open);
                self.outbox.push(Command::Open(id));
                self.view = View::Dispute;
                self.info("Opening your adjudication…");
            }
            StartRequest::Refresh => self.refresh(),
            StartRequest::Quit => self.ask_quit(),
        }
    }

    fn route_dispute(&mut self, action: Action) {
        let main = self.main_area();
        let Some(d) = self.dispute.as_mut() else {
            // Waiting for the next dispute: only leaving makes sense.
            if action == Action::Back {
                self.back_to_start();
            }
            return;
        };
        let Effect {
            changed,
            message,
            request,
        } = d.update(action, main);
        if changed {
            self.draft
                .changed(&mut self.outbox, || save_of(&self.dispute));
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

    fn claim(&mut self, dataset: Option<String>) {
        self.pending_origin = Origin::Claim;
        self.busy = Some(Job::Claim);
        self.info(match &dataset {
            Some(d) => format!("Getting the next dispute in {d}…"),
            None => "Getting the next dispute…".to_string(),
        });
        self.outbox.push(Command::ClaimNext(dataset.clone()));
        self.scope = dataset;
        self.view = View::Dispute;
    }

    fn refresh(&mut self) {
        self.outbox.push(Command::Overview);
        self.outbox.push(Command::Mine);
    }

    /// The worker's answer to one of the store commands.
    pub fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Overview { threshold, counts } => {
                self.busy = self.busy.filter(|b| *b != Job::Overview);
                self.start.set_overview(threshold, counts);
            }
            Reply::Mine(rows) => self.start.set_mine(rows),
            Reply::Loaded(a) => self.loaded(*a),
            Reply::NothingLeft(ds) => {
                self.busy = None;
                self.back_to_start();
                match ds {
                    Some(d) => self.info(format!("No dispute left for you in {d}")),
                    None => self.info("No dispute left for you"),
                }
            }
            Reply::Saved(id) => self.saved(id),
            Reply::SaveFailed(id, msg) => self.save_failed(id, msg),
            Reply::Submitted(id) => {
                self.draft.submitted(Some(id));
                self.submitted();
            }
            Reply::Released(_) => {
                self.busy = None;
                self.info("Skipped: the dispute goes to another expert");
                self.carry = Some("Skipped".into());
                self.next_dispute();
            }
            Reply::Failed(job, msg) => self.failed(job, msg),
        }
    }

    /// Shows a loaded dispute.
    fn loaded(&mut self, a: DisputeAssignment) {
        self.busy = None;
        self.flush_save();
        let d = DisputeState::new(a, self.pending_origin);
        let what = format!(
            "{} on {} in {}",
            d.assignment.model, d.assignment.item.id, d.assignment.dataset
        );
        self.draft
            .opened(d.assignment.adjudication_id, what.clone());
        let lead = match self.carry.take() {
            Some(before) => format!("{before}. Now "),
            None => String::new(),
        };
        let text = if d.submitted() {
            format!("{lead}your decision on {what}: changes count only when you submit again")
        } else {
            format!("{lead}deciding {what}")
        };
        self.info(text::capitalize(&text));
        self.start.select_dataset(&d.assignment.dataset);
        self.dispute = Some(d);
        self.view = View::Dispute;
    }

    /// Sends the draft now if it changed (leaving it).
    fn flush_save(&mut self) {
        self.draft
            .flush(&mut self.outbox, || save_of(&self.dispute));
    }

    /// q on the dispute: back to the list, unless the draft is NOT SAVED; then the expert is
    /// told so and asked whether to stay.
    fn leave(&mut self) {
        let Some(id) = self.dispute.as_ref().map(|d| d.assignment.adjudication_id) else {
            return self.back_to_start();
        };
        if self.draft.failing(id) {
            // A change not sent yet goes now; the retry of the rest is already on its way.
            self.flush_save();
            self.confirm = Some(ConfirmKind::LeaveUnsaved);
            return;
        }
        self.back_to_start();
        if self.draft.stored(id) {
            self.info("Back at the disputes; your draft is kept");
        } else {
            self.announce = Some(id);
            self.info("Back at the disputes; saving your draft…");
        }
    }

    /// The expert chose to leave a draft the store does not have.
    fn leave_unsaved(&mut self) {
        let id = self.dispute.as_ref().map(|d| d.assignment.adjudication_id);
        if let Some(id) = id
            && self.draft.stuck(id)
        {
            // A submitted decision changed and not submitted again: nothing can save the
            // changes once it is closed, and the expert has been told so.
            self.draft.dropped(id);
        }
        self.back_to_start();
        match id {
            Some(id) if !self.draft.stored(id) => {
                self.announce = Some(id);
                self.error(format!(
                    "Back at the disputes. Your draft of {} is NOT saved; medcurate keeps trying \
                     while it runs",
                    self.draft.name(id)
                ));
            }
            _ => self.info("Back at the disputes; your draft is kept"),
        }
    }

    /// Ctrl-C, or q on the list: quits, unless a draft is NOT SAVED; then the expert is
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
            .saved(id, &mut self.outbox, || save_of(&self.dispute));
        if !self.draft.stored(id) {
            return;
        }
        if was_failing || self.announce == Some(id) {
            self.announce = None;
            let open = self.dispute.as_ref().map(|d| d.assignment.adjudication_id) == Some(id);
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
            .failed(id, msg.clone(), &mut self.outbox, || save_of(&self.dispute));
        if first {
            self.error(format!(
                "Draft NOT saved: {msg}. medcurate keeps trying; the status bar says when it is \
                 saved"
            ));
        }
    }

    fn back_to_start(&mut self) {
        self.flush_save();
        self.dispute = None;
        self.confirm = None;
        self.view = View::Start;
        self.refresh();
    }

    fn ask_submit(&mut self) {
        let Some(d) = &self.dispute else { return };
        let problems = d.problems();
        if problems.is_empty() {
            self.confirm = Some(ConfirmKind::Submit);
        } else {
            self.error(format!("Not ready to submit: {}", problems.join("; ")));
        }
    }

    fn ask_skip(&mut self) {
        let Some(d) = &self.dispute else { return };
        if d.submitted() {
            self.error("A submitted decision cannot be given back; q goes back to the list");
        } else {
            self.confirm = Some(ConfirmKind::Skip);
        }
    }

    fn confirm_submit(&mut self) {
        let Some(d) = &self.dispute else { return };
        self.draft
            .submitting(d.assignment.adjudication_id, save_of(&self.dispute));
        self.busy = Some(Job::Submit);
        self.outbox.push(Command::Submit(
            d.assignment.adjudication_id,
            d.content.clone(),
        ));
        self.info("Submitting…");
    }

    fn confirm_skip(&mut self) {
        let Some(d) = self.dispute.take() else { return };
        self.draft.dropped(d.assignment.adjudication_id);
        self.busy = Some(Job::Release);
        self.outbox
            .push(Command::Release(d.assignment.adjudication_id));
        self.info("Giving the dispute back…");
    }

    fn submitted(&mut self) {
        self.busy = None;
        let origin = self.dispute.take().map(|d| d.origin);
        self.info("Submitted");
        self.carry = Some("Submitted".into());
        match origin {
            Some(Origin::Claim) => self.next_dispute(),
            _ => self.back_to_start(),
        }
        self.refresh();
    }

    /// Claims the next dispute in the same scope, showing "loading" meanwhile.
    fn next_dispute(&mut self) {
        self.dispute = None;
        self.pending_origin = Origin::Claim;
        self.busy = Some(Job::Claim);
        self.outbox.push(Command::ClaimNext(self.scope.clone()));
        self.view = View::Dispute;
    }

    fn failed(&mut self, job: Job, msg: String) {
        match job {
            Job::Claim | Job::Open => {
                self.busy = None;
                if self.dispute.is_none() {
                    self.view = View::Start;
                }
            }
            Job::Release => {
                self.busy = None;
                self.back_to_start();
            }
            Job::Submit => {
                self.busy = None;
                // The submitted decision is not in the store: it is saved as a draft instead.
                self.draft
                    .submit_failed(None, msg.clone(), &mut self.outbox, || {
                        save_of(&self.dispute)
                    });
                let id = self.dispute.as_ref().map(|d| d.assignment.adjudication_id);
                let rest = if id.is_some_and(|id| self.draft.stuck(id)) {
                    "Your changes are NOT saved; submit again (s) when the database answers"
                } else {
                    "Your draft is NOT saved until the status bar says so"
                };
                self.error(format!("{}: {msg}. {rest}", job.failure()));
                return;
            }
            Job::Overview => self.busy = None,
            Job::Mine => {}
        }
        self.error(format!("{}: {msg}", job.failure()));
    }

    /// NOT SAVED, "saving…", "submitting…", "saved", "unsaved" or "" for the status bar.
    pub fn save_state(&self) -> &'static str {
        self.draft.state(
            self.dispute
                .as_ref()
                .map(|d| (d.assignment.adjudication_id, d.submitted())),
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
/// submitted decision only when it is submitted again).
fn save_of(open: &Option<DisputeState>) -> Option<Command> {
    let d = open.as_ref().filter(|d| !d.submitted())?;
    Some(Command::SaveDraft(
        d.assignment.adjudication_id,
        d.content.clone(),
    ))
}
