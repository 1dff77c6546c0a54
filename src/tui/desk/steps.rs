//! The desk's steps: claiming, reopening and showing work, leaving it, submitting it or
//! giving it back (each through its confirm dialog), quitting, and what a failed store step
//! leaves on screen.

use super::{Commands, ConfirmKind, Desk, Origin, Step, View, Work, save_of};
use crate::tui::text;

impl<W: Work> Desk<W> {
    /// Claims the next one in `scope` (one dataset, or all of them), showing "loading".
    pub fn claim(&mut self, scope: Option<String>) {
        let next = W::WORDS.next;
        self.info(match &scope {
            Some(d) => format!("Getting {next} in {d}…"),
            None => format!("Getting {next}…"),
        });
        self.scope = scope;
        self.claim_next();
    }

    /// Opens one of the person's own; the view stays where it is until it arrives.
    pub fn reopen(&mut self, id: i64) {
        self.pending_origin = Origin::Reopen;
        self.busy = Some(Step::Open);
        self.outbox.push(W::Command::open(id));
        self.info(W::WORDS.opening);
    }

    /// Claims the one the person chose (found by searching), showing "loading".
    pub fn claim_chosen(&mut self, cmd: W::Command, what: &str) {
        self.info(format!("Getting {what}…"));
        self.pending_origin = Origin::Claim;
        self.busy = Some(Step::Claim);
        self.outbox.push(cmd);
        self.view = View::Open;
    }

    /// Sends a store command of the list's own (a search, a view of its own).
    pub fn send(&mut self, cmd: W::Command) {
        self.outbox.push(cmd);
    }

    /// Loads the list again.
    pub fn refresh(&mut self) {
        self.outbox.extend(W::Command::reload());
    }

    /// How the work on its way was asked for, for building it when it arrives.
    pub fn origin(&self) -> Origin {
        self.pending_origin
    }

    /// Shows work that arrived. `name` is how messages name its draft ("q1 in Exam");
    /// `doing` says what the person does now ("reviewing q1 in Exam").
    pub fn show(&mut self, work: W, name: String, doing: &str) {
        self.busy = None;
        self.flush_save();
        self.draft.opened(work.id(), name);
        // What the last step did comes first: "Submitted; waiting …. Now reviewing …".
        let lead = match self.carry.take() {
            Some(before) => format!("{before}. Now "),
            None => String::new(),
        };
        self.info(text::capitalize(&format!("{lead}{doing}")));
        self.open = Some(work);
        self.view = View::Open;
    }

    /// Nothing is left to claim in `scope`: back to the list, saying so.
    pub fn nothing_left(&mut self, scope: Option<String>) {
        self.busy = None;
        self.back_to_list();
        let none = W::WORDS.nothing_left;
        match scope {
            Some(d) => self.info(format!("{none} in {d}")),
            None => self.info(none),
        }
    }

    /// The open work was given back: on to the next one.
    pub fn released(&mut self) {
        self.busy = None;
        self.info(W::WORDS.skipped);
        self.carry = Some("Skipped".into());
        self.next();
    }

    /// The open work was submitted (`id`, or the oldest submit waiting when the store does
    /// not say); `said` is what to tell the person. A claimed one goes on to the next.
    pub fn submitted(&mut self, id: Option<i64>, said: &str) {
        self.busy = None;
        self.draft.submitted(id);
        let origin = self.open.take().map(|w| w.origin());
        self.info(said);
        self.carry = Some(said.to_string());
        match origin {
            Some(Origin::Claim) => {
                self.next();
                // After the claim, so the next one comes first; the list reloads when shown.
                self.outbox.extend(W::Command::progress());
            }
            _ => self.back_to_list(),
        }
    }

    /// A store step failed: `failure` says which ("Not submitted"), `msg` why.
    pub fn failed(&mut self, step: Step, failure: &str, msg: String) {
        self.busy = None;
        match step {
            Step::Claim | Step::Open => {
                if self.open.is_none() {
                    self.view = View::List;
                    // It may not have been loaded since the last submit.
                    self.refresh();
                }
            }
            Step::Release => self.back_to_list(),
            Step::Discard => {
                self.carry = None;
                // The change stays in the store, and on screen: saves of it go on.
                self.draft.changed(&mut self.outbox, || save_of(&self.open));
            }
            Step::Submit => {
                // The submitted content is not in the store: it is saved as a draft instead.
                self.draft
                    .submit_failed(None, msg.clone(), &mut self.outbox, || save_of(&self.open));
                let id = self.open.as_ref().map(W::id);
                let rest = if id.is_some_and(|id| self.draft.stuck(id)) {
                    "Your changes are NOT saved; submit again (s) when the database answers"
                } else {
                    "Your draft is NOT saved until the status bar says so"
                };
                return self.error(format!("{failure}: {msg}. {rest}"));
            }
        }
        self.error(format!("{failure}: {msg}"));
    }

    /// Ctrl-C, or q on the list: quits, unless a draft is NOT SAVED; then the person is
    /// asked first.
    pub fn ask_quit(&mut self) {
        if self.draft.failure().is_some() {
            self.flush_save();
            self.confirm = Some(ConfirmKind::QuitUnsaved);
        } else {
            self.exit();
        }
    }

    /// Quits without asking; the last change still goes to the store.
    pub(super) fn exit(&mut self) {
        self.flush_save();
        self.quit = true;
    }

    /// Claims the next one in the same scope, showing "loading" meanwhile.
    fn next(&mut self) {
        self.open = None;
        self.claim_next();
    }

    fn claim_next(&mut self) {
        self.pending_origin = Origin::Claim;
        self.busy = Some(Step::Claim);
        self.outbox.push(W::Command::claim(self.scope.clone()));
        self.view = View::Open;
    }

    pub(super) fn back_to_list(&mut self) {
        self.flush_save();
        self.open = None;
        self.confirm = None;
        self.view = View::List;
        self.refresh();
    }

    /// q on the open work: back to the list, unless the draft is NOT SAVED; then the person
    /// is told so and asked whether to stay.
    pub(super) fn leave(&mut self) {
        let Some(id) = self.open.as_ref().map(W::id) else {
            return self.back_to_list();
        };
        if self.draft.failing(id) {
            // A change not sent yet goes now; the retry of the rest is already on its way.
            self.flush_save();
            self.confirm = Some(ConfirmKind::LeaveUnsaved);
            return;
        }
        let changed = self.open.as_ref().is_some_and(W::changed);
        self.back_to_list();
        let list = W::WORDS.list;
        if changed {
            self.announce = (!self.draft.stored(id)).then_some(id);
            self.info(format!(
                "Back at {list}; your change is kept as a draft, not resubmitted: reopen it to \
                 submit it (s) or throw it away (x)"
            ));
        } else if self.draft.stored(id) {
            self.info(format!("Back at {list}; your draft is kept"));
        } else {
            self.announce = Some(id);
            self.info(format!("Back at {list}; saving your draft…"));
        }
    }

    /// The person chose to leave a draft the store does not have.
    fn leave_unsaved(&mut self) {
        self.confirm = None;
        let id = self.open.as_ref().map(W::id);
        if let Some(id) = id
            && self.draft.stuck(id)
        {
            // Changes to a submitted one that could not be submitted again: nothing can
            // save them once it is closed, and the person has been told so.
            self.draft.dropped(id);
        }
        self.back_to_list();
        let list = W::WORDS.list;
        match id {
            Some(id) if !self.draft.stored(id) => {
                self.announce = Some(id);
                self.error(format!(
                    "Back at {list}. Your draft of {} is NOT saved; medcurate keeps trying \
                     while it runs",
                    self.draft.name(id)
                ));
            }
            _ => self.info(format!("Back at {list}; your draft is kept")),
        }
    }

    /// Yes in the confirm dialog.
    pub(super) fn confirmed(&mut self) {
        match self.confirm {
            Some(ConfirmKind::Submit) => self.confirm_submit(),
            Some(ConfirmKind::Skip) => self.confirm_skip(),
            Some(ConfirmKind::LeaveUnsaved) => self.leave_unsaved(),
            Some(ConfirmKind::QuitUnsaved) => {
                self.confirm = None;
                self.exit();
            }
            Some(ConfirmKind::DiscardChange) => self.confirm_discard(),
            None => {}
        }
    }

    /// No in the confirm dialog.
    pub(super) fn cancelled(&mut self) {
        match self.confirm.take() {
            Some(ConfirmKind::LeaveUnsaved | ConfirmKind::QuitUnsaved)
                if self.draft.failure().is_some() =>
            {
                self.error(
                    "Staying. Your draft is NOT saved yet; medcurate keeps trying, and the \
                     status bar says when it is saved",
                )
            }
            _ => self.info("Cancelled"),
        }
    }

    pub(super) fn ask_submit(&mut self) {
        let Some(w) = &self.open else { return };
        let problems = w.problems();
        if problems.is_empty() {
            self.confirm = Some(ConfirmKind::Submit);
        } else {
            self.error(format!("Not ready to submit: {}", problems.join("; ")));
        }
    }

    pub(super) fn ask_skip(&mut self) {
        let Some(w) = &self.open else { return };
        if w.changed() {
            self.confirm = Some(ConfirmKind::DiscardChange);
        } else if w.submitted() {
            self.error(W::WORDS.cannot_skip);
        } else {
            self.confirm = Some(ConfirmKind::Skip);
        }
    }

    /// Submits for real, if the dialog asked about submitting.
    pub(super) fn confirm_submit(&mut self) {
        if self.confirm != Some(ConfirmKind::Submit) {
            return;
        }
        self.confirm = None;
        let Some(w) = &self.open else { return };
        self.draft.submitting(w.id(), save_of(&self.open));
        self.busy = Some(Step::Submit);
        self.outbox.push(w.submit());
        self.info("Submitting…");
    }

    /// Throws away the change to the open submitted one, if the dialog asked about it; it
    /// comes back as it was submitted.
    pub(super) fn confirm_discard(&mut self) {
        if self.confirm != Some(ConfirmKind::DiscardChange) {
            return;
        }
        self.confirm = None;
        let Some(w) = &self.open else { return };
        let id = w.id();
        self.pending_origin = w.origin();
        // Saves of the change already sent reach the store first; none goes after.
        self.draft.dropped(id);
        self.busy = Some(Step::Discard);
        self.outbox.push(W::Command::discard_change(id));
        self.carry = Some("Change thrown away; what you submitted stands".into());
        self.info("Throwing the change away…");
    }

    /// Gives the work back for real, if the dialog asked about skipping.
    pub(super) fn confirm_skip(&mut self) {
        if self.confirm != Some(ConfirmKind::Skip) {
            return;
        }
        self.confirm = None;
        let Some(w) = self.open.take() else { return };
        self.draft.dropped(w.id());
        self.busy = Some(Step::Release);
        self.outbox.push(W::Command::release(w.id()));
        self.info(W::WORDS.giving_back);
    }
}
