//! The desk's drafts as the store answers for them (`DraftSaver` keeps the count): saved,
//! NOT SAVED and tried again, and what the status bar and the farewell say about them.

use super::{Desk, Work, save_of};
use crate::tui::draft::CHANGED;

impl<W: Work> Desk<W> {
    /// The store has a save of draft `id`. Said when it was NOT SAVED before, or left with
    /// its save on the way.
    pub fn saved(&mut self, id: i64) {
        let was_failing = self.draft.failing(id);
        self.draft
            .saved(id, &mut self.outbox, || save_of(&self.open));
        if !self.draft.stored(id) {
            return;
        }
        if was_failing || self.announce == Some(id) {
            self.announce = None;
            let open = self.open.as_ref().map(W::id) == Some(id);
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

    /// A save of draft `id` failed: NOT SAVED, said the first time, and tried again.
    pub fn save_failed(&mut self, id: i64, msg: String) {
        let first = !self.draft.failing(id);
        self.draft
            .failed(id, msg.clone(), &mut self.outbox, || save_of(&self.open));
        if first {
            self.error(format!(
                "Draft NOT saved: {msg}. medcurate keeps trying; the status bar says when it is \
                 saved"
            ));
        }
    }

    /// Sends the draft now if it changed (leaving it).
    pub(super) fn flush_save(&mut self) {
        self.draft.flush(&mut self.outbox, || save_of(&self.open));
    }

    /// NOT SAVED, "saving…", "submitting…", "saved", "unsaved", `draft::CHANGED` (a submitted
    /// one's change, stored) or "" for the status bar.
    pub fn save_state(&self) -> &'static str {
        let open = self.open.as_ref();
        let state = self
            .draft
            .state(open.map(|w| (w.id(), w.submitted() && !w.changed())));
        match open {
            Some(w) if w.changed() && state == "saved" => CHANGED,
            _ => state,
        }
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
