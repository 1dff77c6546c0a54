//! Reaching decided items and reopening them. From the queue, `/` finds any item by
//! DATASET/ID (the last one decided here is offered first) and shows its history; there, `o`
//! reopens an accepted or discarded item with a reason, through the confirm step. The item
//! goes back to the curation queue and its case opens.

use super::app::{CurateApp, View};
use super::decide::Pending;
use super::worker::{Command, Job};
use crate::domain::curation::{Decision, MAX_NOTE_CHARS};
use crate::domain::workflow::ItemState;
use crate::tui::action::Action;
use crate::tui::text::too_long;
use crate::tui::widgets::line_input::LineInput;
use crate::tui::widgets::{input_box, text_box};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// "CMExam/cmexam_val_sample:2" as (dataset, id); the id may hold further slashes.
pub fn parse_item(text: &str) -> Option<(String, String)> {
    let (ds, id) = text.trim().split_once('/')?;
    let (ds, id) = (ds.trim(), id.trim());
    (!ds.is_empty() && !id.is_empty()).then(|| (ds.to_string(), id.to_string()))
}

impl CurateApp {
    /// `/` on the queue: type the item to find.
    pub(super) fn start_find(&mut self) {
        self.find = Some(LineInput::new(self.last_decided.as_deref().unwrap_or("")));
        self.info("Type the item as DATASET/ID (decided items too); Enter shows its history");
    }

    pub(super) fn update_find(&mut self, action: Action) {
        let Some(input) = self.find.as_mut() else {
            return;
        };
        match action {
            Action::Input(_) | Action::Paste(_) => {
                input.edit(&action);
            }
            Action::Done => match parse_item(&input.value()) {
                Some((ds, id)) => {
                    self.find = None;
                    self.open_history(ds, id, View::Queue);
                }
                None => self.error(
                    "Give the item as DATASET/ID, e.g. CMExam/cmexam_val_sample:2 (Esc cancels)",
                ),
            },
            Action::Cancel => {
                self.find = None;
                self.info("Back at the queue");
            }
            _ => {}
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

/// The find and reopen inputs, over whatever the view shows.
pub fn draw(frame: &mut Frame, main: Rect, app: &CurateApp) {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    if let Some(input) = &app.find {
        let field = input_box(
            frame,
            main,
            "Find an item 查找条目: DATASET/ID",
            "Enter show its history · Esc cancel",
        );
        input.draw(frame, field, "> ", bold);
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
