//! Drawing a desk screen: its list or its open work, the confirm dialogs, and the dialogs
//! about a draft that is NOT SAVED. Pure: it reads the state and writes the frame.

use super::{ConfirmKind, Desk, View, Work};
use crate::tui::frame::{self, Overlays};
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;
use ratatui::layout::Rect;

/// A confirm dialog's title and lines.
pub type Dialog = (&'static str, Vec<String>);

/// How the open work is drawn, and what the dialogs before submitting and skipping it say.
pub trait WorkView: Work {
    /// Draws it into `main`, the area above the status bar.
    fn draw(&self, frame: &mut Frame, main: Rect);
    fn submit_dialog(&self) -> Dialog;
    fn skip_dialog(&self) -> Dialog;
}

/// The whole frame: `list` draws the list; the open work draws itself; a grey box says when
/// the next one is on its way or none is open.
pub fn draw<W: WorkView>(
    frame: &mut Frame,
    desk: &Desk<W>,
    status: &Status<'_>,
    list: impl FnOnce(&mut Frame, Rect),
) {
    let overlays = Overlays {
        confirm: desk.confirm.map(|kind| desk.dialog(kind)),
        help: desk.help,
    };
    frame::draw(frame, status, overlays, &desk.log, |frame, main| {
        match (desk.view, &desk.open) {
            (View::List, _) => list(frame, main),
            (View::Open, Some(w)) => w.draw(frame, main),
            (View::Open, None) if desk.busy.is_some() => {
                frame::waiting(frame, main, W::WORDS.getting)
            }
            (View::Open, None) => frame::waiting(frame, main, W::WORDS.none_open),
        }
    });
}

impl<W: WorkView> Desk<W> {
    fn dialog(&self, kind: ConfirmKind) -> Dialog {
        match (kind, &self.open) {
            (ConfirmKind::QuitUnsaved, _) => self.quit_unsaved(),
            (ConfirmKind::LeaveUnsaved, Some(w)) => self.leave_unsaved_dialog(w.id()),
            (ConfirmKind::Submit, Some(w)) => w.submit_dialog(),
            (ConfirmKind::Skip, Some(w)) => w.skip_dialog(),
            (ConfirmKind::DiscardChange, Some(_)) => (
                "Throw your change away?",
                vec![
                    "What you submitted stands as it was; the change you made since is lost."
                        .into(),
                    "Throw the change away?".into(),
                ],
            ),
            (_, None) => ("Confirm", vec!["Nothing to confirm.".into()]),
        }
    }

    /// Leaving draft `id` while it is NOT SAVED, as things stand now (it may have been saved
    /// since the dialog opened).
    fn leave_unsaved_dialog(&self, id: i64) -> Dialog {
        let name = self.draft.name(id);
        let back_to = W::WORDS.list;
        match self.draft.failure_of(id) {
            Some(reason) => (
                "Your draft is NOT saved",
                vec![
                    format!("The database does not have your draft of {name}: {reason}."),
                    "medcurate keeps trying while it runs; the status bar says when it is \
                     saved."
                        .into(),
                    format!("Leave it anyway and go back to {back_to}? No stays with it."),
                ],
            ),
            None => (
                "Draft saved",
                vec![
                    format!("Your draft of {name} is saved now."),
                    format!("Go back to {back_to}?"),
                ],
            ),
        }
    }

    /// Quitting while a draft is NOT SAVED, as things stand now.
    fn quit_unsaved(&self) -> Dialog {
        match self.draft.failure() {
            Some((id, reason)) => (
                "Quit without your draft?",
                vec![
                    format!(
                        "Your draft of {} is NOT saved: {reason}.",
                        self.draft.name(id)
                    ),
                    "If you quit, medcurate tries for a few seconds more; what it cannot save \
                     is lost."
                        .into(),
                    "Quit anyway? No stays, and medcurate keeps trying.".into(),
                ],
            ),
            None => ("Quit", vec!["Every draft is saved now. Quit?".into()]),
        }
    }
}
