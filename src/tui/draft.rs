//! Saving a draft as it is made: at most one save in flight, a change made meanwhile goes out
//! when that save is answered, and leaving sends the last change at once.

/// Where a screen's draft saving stands. `draft` arguments build the save command for the
/// open draft, or None when there is nothing to save (no draft, or one already submitted:
/// the store keeps changes to a submitted one only when it is submitted again).
#[derive(Debug, Default)]
pub struct DraftSaver {
    /// Saves sent and not yet answered.
    in_flight: usize,
    /// The draft changed since the last save was sent.
    dirty: bool,
}

impl DraftSaver {
    /// The draft changed: sends it unless a save is in flight.
    pub fn changed<C>(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        self.dirty = true;
        self.maybe_save(outbox, draft);
    }

    /// A save was answered: sends what changed meanwhile.
    pub fn saved<C>(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.maybe_save(outbox, draft);
    }

    /// A save failed: the draft counts as unsaved until the next one.
    pub fn failed(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.dirty = true;
    }

    /// Sends the draft now if it changed, even with a save in flight (leaving the draft).
    pub fn flush<C>(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        if self.dirty {
            self.send(outbox, draft);
        }
    }

    /// The draft goes with a submit or is given back: nothing is left to save.
    pub fn forget(&mut self) {
        self.dirty = false;
    }

    /// "saving…", "saved", "unsaved" or "" for the status bar; `open` is Some(submitted)
    /// while a draft is open.
    pub fn state(&self, open: Option<bool>) -> &'static str {
        match (open, self.in_flight, self.dirty) {
            (_, n, _) if n > 0 => "saving…",
            (None, _, _) => "",
            (Some(_), _, true) => "unsaved",
            (Some(true), _, false) => "",
            (Some(false), _, false) => "saved",
        }
    }

    /// Sends the draft if it changed and no save is in flight (at most one at a time).
    fn maybe_save<C>(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        if self.dirty && self.in_flight == 0 {
            self.send(outbox, draft);
        }
    }

    fn send<C>(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        self.dirty = false;
        if let Some(cmd) = draft() {
            self.in_flight += 1;
            outbox.push(cmd);
        }
    }
}
