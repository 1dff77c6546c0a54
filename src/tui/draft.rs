//! Saving a draft as it is made: at most one save of a draft in flight, a change made
//! meanwhile goes out when that save is answered, and leaving sends the last change at once.
//!
//! A draft counts as saved only once the store says so. When a save (or the submit that
//! carries the draft) fails, the draft is NOT SAVED until a save of it succeeds: its newest
//! save is sent again at once, and the worker waits a little longer before each retry
//! (`worker::serve_each`). That goes on after the draft is closed too, so leaving a draft
//! never drops work the store does not have.

/// The status bar's word for a draft the store does not have.
pub const NOT_SAVED: &str = "NOT SAVED";

/// The status bar's words for a submitted one changed since, the change stored as a draft.
pub const CHANGED: &str = "changed, not resubmitted";

/// What the saver needs to know about a screen's store commands.
pub trait DraftCommand: Clone {
    /// The draft this command saves, for a draft save.
    fn saves_draft(&self) -> Option<i64>;
}

/// What the worker needs to know about a screen's replies, to pace a failing draft save.
pub trait DraftReply: Send + 'static {
    /// The reply says a draft save failed (the worker waits before the next save).
    fn is_save_failure(&self) -> bool;
}

/// Where a screen's draft saving stands. `draft` arguments build the save command for the
/// open draft (a submitted one's change is a draft too), or None when there is nothing to
/// save.
#[derive(Debug)]
pub struct DraftSaver<C> {
    /// The open draft changed since its last save was sent.
    dirty: bool,
    /// Drafts the store has not confirmed, oldest first.
    drafts: Vec<Pending<C>>,
    /// How to name a draft to the person ("q1 in Exam").
    names: Vec<(i64, String)>,
}

#[derive(Debug)]
struct Pending<C> {
    id: i64,
    /// The newest save of it sent; while it is being submitted, its content as a save.
    /// None when a submit was given no save: a failed submit can then only be tried again
    /// by the person.
    save: Option<C>,
    /// Saves of it sent and not yet answered.
    in_flight: usize,
    /// Why the store does not have it: its last save or its submit failed.
    failure: Option<String>,
    /// Its submit is waiting for an answer.
    submitting: bool,
}

impl<C> Default for DraftSaver<C> {
    fn default() -> Self {
        DraftSaver {
            dirty: false,
            drafts: Vec::new(),
            names: Vec::new(),
        }
    }
}

impl<C: DraftCommand> DraftSaver<C> {
    /// A draft was opened; `name` is how messages name it.
    pub fn opened(&mut self, id: i64, name: String) {
        self.names.retain(|(i, _)| *i != id);
        self.names.push((id, name));
    }

    /// The open draft changed: sends it unless a save of it is in flight.
    pub fn changed(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        self.dirty = true;
        self.maybe_save(outbox, draft);
    }

    /// The store has a save of draft `id`. Once the newest one is answered, the draft is
    /// saved; what changed meanwhile goes out.
    pub fn saved(&mut self, id: i64, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        if let Some(i) = self.index(id) {
            let p = &mut self.drafts[i];
            p.in_flight = p.in_flight.saturating_sub(1);
            if p.in_flight == 0 {
                p.failure = None;
                if !p.submitting {
                    self.drafts.remove(i);
                }
            }
        }
        self.maybe_save(outbox, draft);
    }

    /// A save of draft `id` failed: it is NOT SAVED, and once no save of it is in flight its
    /// newest content goes again (the worker waits before running it).
    pub fn failed(
        &mut self,
        id: i64,
        reason: String,
        outbox: &mut Vec<C>,
        draft: impl FnOnce() -> Option<C>,
    ) {
        let Some(i) = self.index(id) else { return };
        let p = &mut self.drafts[i];
        p.in_flight = p.in_flight.saturating_sub(1);
        p.failure = Some(reason);
        if p.in_flight == 0 {
            self.retry(i, outbox, draft);
        }
    }

    /// Draft `id` is being submitted with the content of `save`: until the submit is
    /// answered the draft counts as being stored, and if the submit fails that content is
    /// saved as a draft (when there is a save for it).
    pub fn submitting(&mut self, id: i64, save: Option<C>) {
        self.dirty = false;
        let i = match self.index(id) {
            Some(i) => i,
            None => {
                self.drafts.push(Pending {
                    id,
                    save: None,
                    in_flight: 0,
                    failure: None,
                    submitting: false,
                });
                self.drafts.len() - 1
            }
        };
        let p = &mut self.drafts[i];
        p.save = save;
        p.submitting = true;
    }

    /// A submit was answered with success: the store has that draft (the oldest one being
    /// submitted, when `id` is not known). Answers still coming for its saves do not matter.
    pub fn submitted(&mut self, id: Option<i64>) {
        if let Some(i) = self.submit_index(id) {
            self.drafts.remove(i);
        }
    }

    /// A submit failed: its content is NOT SAVED and is saved as a draft instead.
    pub fn submit_failed(
        &mut self,
        id: Option<i64>,
        reason: String,
        outbox: &mut Vec<C>,
        draft: impl FnOnce() -> Option<C>,
    ) {
        let Some(i) = self.submit_index(id) else {
            return;
        };
        let p = &mut self.drafts[i];
        p.submitting = false;
        p.failure = Some(reason);
        if p.in_flight == 0 {
            self.retry(i, outbox, draft);
        }
    }

    /// Sends the open draft now if it changed, even with a save in flight (leaving it).
    pub fn flush(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        if self.dirty {
            self.dirty = false;
            if let Some(cmd) = draft() {
                self.send(cmd, outbox);
            }
        }
    }

    /// Draft `id` is given back on purpose: nothing of it is kept or saved any more.
    pub fn dropped(&mut self, id: i64) {
        self.dirty = false;
        self.drafts.retain(|p| p.id != id);
    }

    /// A save or submit of some draft is unanswered (a failed save always has its retry
    /// on the way).
    pub fn busy(&self) -> bool {
        self.dirty || self.drafts.iter().any(|p| p.in_flight > 0 || p.submitting)
    }

    /// Draft `id` is NOT SAVED and has no save to try again: only the person can submit it
    /// again.
    pub fn stuck(&self, id: i64) -> bool {
        self.drafts
            .iter()
            .any(|p| p.id == id && p.failure.is_some() && p.save.is_none())
    }

    /// The first draft that is NOT SAVED, with the reason.
    pub fn failure(&self) -> Option<(i64, &str)> {
        self.drafts
            .iter()
            .find_map(|p| p.failure.as_deref().map(|f| (p.id, f)))
    }

    /// Draft `id` is NOT SAVED.
    pub fn failing(&self, id: i64) -> bool {
        self.failure_of(id).is_some()
    }

    /// Why draft `id` is NOT SAVED, if it is not.
    pub fn failure_of(&self, id: i64) -> Option<&str> {
        self.drafts
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.failure.as_deref())
    }

    /// The store has every change of draft `id` (nothing of it is unanswered or failed).
    pub fn stored(&self, id: i64) -> bool {
        self.index(id).is_none()
    }

    /// How messages name draft `id`.
    pub fn name(&self, id: i64) -> String {
        self.names
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("draft {id}"))
    }

    /// What to tell the person on leaving with drafts the store has not confirmed (an error
    /// message, lower case); None when it has them all.
    pub fn farewell(&self) -> Option<String> {
        let lost: Vec<String> = self
            .drafts
            .iter()
            .map(|p| {
                let what = self.name(p.id);
                match (&p.failure, p.submitting) {
                    (Some(f), _) => format!("your draft of {what} was NOT saved ({f})"),
                    (None, true) => format!(
                        "your review of {what} was NOT confirmed as submitted (the database did \
                         not answer in time)"
                    ),
                    (None, false) => format!(
                        "your draft of {what} was NOT saved (the database did not answer in time)"
                    ),
                }
            })
            .collect();
        if lost.is_empty() {
            return None;
        }
        Some(format!(
            "{}. Open it again to see what the database kept.",
            lost.join("; ")
        ))
    }

    /// The status bar's word: NOT SAVED while any draft is, else how the open draft stands
    /// ("saving…", "submitting…", "unsaved", "saved", or "" for a submitted one). `open` is
    /// the open draft's id and whether it is submitted.
    pub fn state(&self, open: Option<(i64, bool)>) -> &'static str {
        if self.failure().is_some() {
            return NOT_SAVED;
        }
        let Some((id, submitted)) = open else {
            return if self.drafts.iter().any(|p| p.in_flight > 0) {
                "saving…"
            } else {
                ""
            };
        };
        match self.index(id).map(|i| &self.drafts[i]) {
            Some(p) if p.submitting => "submitting…",
            Some(_) => "saving…",
            None if self.dirty => "unsaved",
            None if submitted => "",
            None => "saved",
        }
    }

    /// Sends the open draft if it changed and no save of it is in flight.
    fn maybe_save(&mut self, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        if !self.dirty {
            return;
        }
        let Some(cmd) = draft() else {
            self.dirty = false;
            return;
        };
        let waiting = cmd
            .saves_draft()
            .and_then(|id| self.index(id))
            .is_some_and(|i| self.drafts[i].in_flight > 0);
        if !waiting {
            self.dirty = false;
            self.send(cmd, outbox);
        }
    }

    /// Sends draft `i` again: the open draft's newest content if it is that draft, else the
    /// last save sent of it.
    fn retry(&mut self, i: usize, outbox: &mut Vec<C>, draft: impl FnOnce() -> Option<C>) {
        let id = self.drafts[i].id;
        let cmd = match draft() {
            Some(c) if c.saves_draft() == Some(id) => {
                self.dirty = false;
                Some(c)
            }
            _ => self.drafts[i].save.clone(),
        };
        if let Some(cmd) = cmd {
            self.send(cmd, outbox);
        }
    }

    fn send(&mut self, cmd: C, outbox: &mut Vec<C>) {
        let Some(id) = cmd.saves_draft() else {
            return;
        };
        match self.index(id) {
            Some(i) => {
                let p = &mut self.drafts[i];
                p.save = Some(cmd.clone());
                p.in_flight += 1;
            }
            None => self.drafts.push(Pending {
                id,
                save: Some(cmd.clone()),
                in_flight: 1,
                failure: None,
                submitting: false,
            }),
        }
        outbox.push(cmd);
    }

    fn index(&self, id: i64) -> Option<usize> {
        self.drafts.iter().position(|p| p.id == id)
    }

    fn submit_index(&self, id: Option<i64>) -> Option<usize> {
        self.drafts
            .iter()
            .position(|p| p.submitting && id.is_none_or(|id| p.id == id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A save of draft `.0` with content `.1`.
    #[derive(Debug, Clone, PartialEq)]
    struct Save(i64, u32);

    impl DraftCommand for Save {
        fn saves_draft(&self) -> Option<i64> {
            Some(self.0)
        }
    }

    #[test]
    fn a_failed_save_is_not_saved_until_a_retry_succeeds() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.changed(&mut out, || Some(Save(1, 1)));
        assert_eq!(out, vec![Save(1, 1)]);
        assert_eq!(d.state(Some((1, false))), "saving…");
        out.clear();
        d.failed(1, "disk full".into(), &mut out, || Some(Save(1, 1)));
        // Sent again at once; the worker waits before running it.
        assert_eq!(out, vec![Save(1, 1)]);
        assert_eq!(d.state(Some((1, false))), NOT_SAVED);
        assert_eq!(d.failure(), Some((1, "disk full")));
        // A change meanwhile waits for the retry, and the draft stays NOT SAVED.
        out.clear();
        d.changed(&mut out, || Some(Save(1, 2)));
        assert!(out.is_empty());
        d.failed(1, "disk full".into(), &mut out, || Some(Save(1, 2)));
        assert_eq!(
            out,
            vec![Save(1, 2)],
            "the retry carries the newest content"
        );
        assert_eq!(d.state(Some((1, false))), NOT_SAVED);
        assert!(d.farewell().unwrap().contains("NOT saved (disk full)"));
        out.clear();
        d.saved(1, &mut out, || Some(Save(1, 2)));
        assert!(out.is_empty());
        assert_eq!(d.state(Some((1, false))), "saved");
        assert!(!d.busy());
        assert_eq!(d.farewell(), None);
    }

    #[test]
    fn a_closed_draft_that_failed_is_still_retried_and_named() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.opened(1, "q1 in Exam".into());
        d.changed(&mut out, || Some(Save(1, 5)));
        out.clear();
        // The person left the draft and opened another before the answer came.
        d.failed(1, "busy".into(), &mut out, || Some(Save(2, 0)));
        assert_eq!(out, vec![Save(1, 5)], "the closed draft's own last save");
        assert_eq!(d.state(None), NOT_SAVED);
        assert_eq!(d.state(Some((2, false))), NOT_SAVED);
        // The open draft's saves go on meanwhile.
        out.clear();
        d.changed(&mut out, || Some(Save(2, 1)));
        assert_eq!(out, vec![Save(2, 1)]);
        d.saved(2, &mut out, || Some(Save(2, 1)));
        assert_eq!(d.state(Some((2, false))), NOT_SAVED, "draft 1 still is not");
        assert!(
            d.farewell()
                .unwrap()
                .starts_with("your draft of q1 in Exam was NOT saved")
        );
        d.saved(1, &mut out, || Some(Save(2, 1)));
        assert_eq!(d.state(Some((2, false))), "saved");
    }

    #[test]
    fn a_failed_submit_saves_its_content_as_a_draft() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.changed(&mut out, || Some(Save(1, 1)));
        d.failed(1, "busy".into(), &mut out, || Some(Save(1, 1)));
        out.clear();
        // Submitted while the retry is in flight; the retry fails, then the submit too.
        d.submitting(1, Some(Save(1, 3)));
        assert_eq!(d.state(Some((1, false))), NOT_SAVED);
        d.failed(1, "busy".into(), &mut out, || None);
        assert_eq!(out, vec![Save(1, 3)], "the submitted content, as a draft");
        out.clear();
        d.submit_failed(None, "busy".into(), &mut out, || None);
        assert!(out.is_empty(), "that save is already on its way");
        assert_eq!(d.state(None), NOT_SAVED);
        d.saved(1, &mut out, || None);
        assert!(!d.busy());
        assert_eq!(d.state(None), "");
    }

    #[test]
    fn a_submit_that_succeeds_settles_the_draft() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.submitting(4, Some(Save(4, 1)));
        assert_eq!(d.state(Some((4, false))), "submitting…");
        assert!(d.busy());
        d.submitted(Some(4));
        assert!(!d.busy());
        // A late answer for its saves changes nothing.
        d.failed(4, "late".into(), &mut out, || None);
        assert!(out.is_empty());
        assert_eq!(d.state(None), "");
    }

    #[test]
    fn a_failed_resubmit_without_a_draft_stays_not_saved() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.submitting(9, None);
        d.submit_failed(None, "busy".into(), &mut out, || None);
        assert!(out.is_empty());
        assert!(d.stuck(9));
        assert!(!d.busy(), "nothing to wait for");
        assert_eq!(d.state(Some((9, true))), NOT_SAVED);
        d.submitting(9, None);
        d.submitted(None);
        assert_eq!(d.state(Some((9, true))), "");
    }

    #[test]
    fn a_dropped_draft_is_not_retried() {
        let mut d = DraftSaver::<Save>::default();
        let mut out = Vec::new();
        d.changed(&mut out, || Some(Save(1, 1)));
        d.dropped(1);
        out.clear();
        d.failed(1, "busy".into(), &mut out, || None);
        assert!(out.is_empty());
        assert!(!d.busy());
    }
}
