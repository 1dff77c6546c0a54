//! Reaching any item and reopening decided ones. From the queue, `/` finds items by a part
//! of the id or a word of the text (the last one decided here is offered first); a match
//! waiting for a curator opens its case, any other its history. There, `o` reopens an
//! accepted or discarded item with a reason, through the confirm step. The item goes back
//! to the curation queue and its case opens.

use super::app::{CurateApp, View};
use super::decide::Pending;
use super::worker::{Command, Job};
use crate::domain::curation::{Decision, MAX_NOTE_CHARS};
use crate::domain::find::Query;
use crate::domain::workflow::ItemState;
use crate::store::{Found, FoundItem};
use crate::tui::action::Action;
use crate::tui::text::too_long;
use crate::tui::widgets::finder::{self, Finder, FinderRequest, FoundRow};
use crate::tui::widgets::line_input::LineInput;
use crate::tui::widgets::text_box;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// How the matches show an item found: its state and revision.
impl FoundRow for FoundItem {
    fn item(&self) -> String {
        format!("{}/{}", self.dataset, self.item_id)
    }
    fn columns(&self) -> Vec<String> {
        vec![
            self.state.to_string().replace('_', " "),
            format!("rev {}", self.revision_no),
        ]
    }
}

impl CurateApp {
    /// `/` on the queue: type a part of an id or a word of the text (the item last decided
    /// here is offered first).
    pub(super) fn start_find(&mut self) {
        self.find = Some(Finder::new(self.last_decided.as_deref().unwrap_or("")));
        self.info(
            "A part of an id or a word of the text; Enter searches every item, decided ones too",
        );
    }

    pub(super) fn update_find(&mut self, action: Action) {
        let Some(f) = self.find.as_mut() else {
            return;
        };
        match f.update(action) {
            Some(FinderRequest::Search(q)) => {
                self.busy = Some(Job::Find);
                self.info(format!("Searching for “{}”…", q.as_str()));
                self.send(Command::Find(q));
            }
            Some(FinderRequest::Open) => self.open_found(),
            Some(FinderRequest::Close) => {
                self.find = None;
                self.info("Back at the queue");
            }
            Some(FinderRequest::Say(msg)) => self.info(msg),
            None => {}
        }
    }

    /// The search's answer, if it is for the query on screen.
    pub(super) fn found(&mut self, q: Query, found: Found<FoundItem>) {
        self.busy = self.busy.filter(|b| *b != Job::Find);
        let Some(f) = self
            .find
            .as_mut()
            .filter(|f| f.query == q.as_str() && f.input.is_none())
        else {
            return;
        };
        let n = found.rows.len();
        match f.set_found(found) {
            Some(FinderRequest::Open) => self.open_found(),
            Some(FinderRequest::Say(msg)) => self.info(msg),
            _ => self.info(format!("{n} items match “{}”; Enter opens one", q.as_str())),
        }
    }

    /// Opens the match under the cursor: its case if it waits for a curator, else its
    /// history. The matches stay for when the curator comes back.
    fn open_found(&mut self) {
        let Some(item) = self.find.as_ref().and_then(|f| f.chosen()).cloned() else {
            return;
        };
        if item.state == ItemState::NeedsCuration {
            self.open(item.dataset, item.item_id);
        } else {
            self.open_history(item.dataset, item.item_id, View::Queue);
        }
    }

    /// `o` in a history: the reason, if the item is decided.
    pub(super) fn start_reopen(&mut self) {
        let Some(h) = &self.history else { return };
        let h = &h.history;
        let what = format!("{}/{}", h.dataset, h.item_id);
        match h.state {
            ItemState::Accepted | ItemState::Discarded => {
                self.reopen = Some(LineInput::default());
                self.info(format!(
                    "Why reopen {what}? It goes back to the curation queue; Enter goes on to confirm"
                ));
            }
            ItemState::NeedsCuration => self.error(format!(
                "{what} is waiting for a curator already: open it from the queue to decide it"
            )),
            ItemState::InReview => self.error(format!(
                "{what} is in review at revision {}: only accepted or discarded items can be reopened",
                h.revision_no
            )),
        }
    }

    pub(super) fn update_reopen(&mut self, action: Action) {
        let Some(input) = self.reopen.as_mut() else {
            return;
        };
        match action {
            Action::Input(_) | Action::Paste(_) => {
                input.edit(&action);
            }
            Action::Done => {
                let reason = input.value().trim().to_string();
                if reason.is_empty() {
                    self.error("Reopening needs a reason (Esc cancels)");
                } else if let Some(e) = too_long("reason", &reason, MAX_NOTE_CHARS) {
                    self.error(e);
                } else {
                    self.ask(Pending::Reopen(reason));
                }
            }
            Action::Cancel => {
                self.reopen = None;
                self.info("Not reopened");
            }
            _ => {}
        }
    }

    /// The confirm step said yes to reopening: the decision goes to the store.
    pub(super) fn confirmed_reopen(&mut self, reason: String) {
        let Some(h) = &self.history else { return };
        let h = &h.history;
        let cmd = Command::Decide {
            dataset: h.dataset.clone(),
            item_id: h.item_id.clone(),
            revision_no: h.revision_no,
            decision: Decision::Reopen { reason },
        };
        self.deciding = Some(format!("{}/{}", h.dataset, h.item_id));
        self.reopen = None;
        self.busy = Some(Job::Decide);
        self.send(cmd);
        self.info("Reopening…");
    }

    /// The confirm dialog for reopening.
    pub(super) fn reopen_text(&self, reason: &str) -> (&'static str, Vec<String>) {
        let (what, state, rev) = match &self.history {
            Some(h) => (
                format!("{}/{}", h.history.dataset, h.history.item_id),
                h.history.state,
                h.history.revision_no,
            ),
            None => return ("Confirm", vec!["Nothing to confirm.".into()]),
        };
        (
            "Reopen the item",
            vec![
                format!("Reopen {what} (revision {rev}, {state})?"),
                "It goes back to the curation queue; the earlier decision stays in its history."
                    .into(),
                format!("Reason: {reason}"),
            ],
        )
    }
}

/// The matches and the query over the queue, and the reopen reason over the history.
pub fn draw(frame: &mut Frame, main: Rect, app: &CurateApp) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    if let (View::Queue, Some(f)) = (app.view, &app.find) {
        finder::draw(frame, main, f, &["Item", "State", "Rev", "Matched"]);
    }
    if let (View::History, Some(input)) = (app.view, &app.reopen) {
        text_box::draw(
            frame,
            main,
            "Why reopen this item? 重新打开的原因",
            "Enter confirm next · Esc cancel",
            input,
            "> ",
            bold,
        );
    }
}
