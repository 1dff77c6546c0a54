//! The frame every screen shares: its view above the two-line status bar, with a confirm
//! dialog and the help overlay drawn over the view.

use super::draft::{DraftCommand, DraftSaver};
use super::help::Help;
use super::widgets::status_bar::{self, Status};
use super::widgets::{confirm, help};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Paragraph};

/// Rows the status bar takes at the bottom.
const STATUS_ROWS: u16 = 2;

/// The area above the status bar on a terminal of `(columns, rows)`.
pub fn main_area((w, h): (u16, u16)) -> Rect {
    Rect::new(0, 0, w, h.saturating_sub(STATUS_ROWS))
}

/// What is drawn over the view: a confirm dialog (title and lines) and the help overlay
/// (the context it describes and its scroll).
pub struct Overlays<'a> {
    pub confirm: Option<(&'a str, Vec<String>)>,
    pub help: Option<Help>,
}

/// The whole frame: `view` draws the screen into the area above the status bar.
pub fn draw(
    frame: &mut Frame,
    status: &Status<'_>,
    overlays: Overlays<'_>,
    view: impl FnOnce(&mut Frame, Rect),
) {
    let [main, bar] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(STATUS_ROWS)]).areas(frame.area());
    view(frame, main);
    if let Some((title, body)) = overlays.confirm {
        confirm::draw(frame, main, title, &body);
    }
    if let Some(h) = overlays.help {
        help::draw(frame, main, h.context, h.scroll);
    }
    status_bar::draw(frame, bar, status);
}

/// A grey box in place of a view that is on its way (or not there).
pub fn waiting(frame: &mut Frame, area: Rect, msg: &str) {
    let p = Paragraph::new(msg)
        .style(Style::new().fg(Color::DarkGray))
        .block(Block::bordered());
    frame.render_widget(p, area);
}

/// Which dialog about a draft that is NOT SAVED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsaved {
    /// Leaving the draft on screen, whose id is given.
    Leave(i64),
    Quit,
}

/// The dialog for leaving or quitting while a draft is NOT SAVED, as things stand now (the
/// draft may have been saved since it opened). `back_to` names where leaving goes.
pub fn unsaved_text<C: DraftCommand>(
    draft: &DraftSaver<C>,
    which: Unsaved,
    back_to: &str,
) -> (&'static str, Vec<String>) {
    match which {
        Unsaved::Leave(id) => {
            let name = draft.name(id);
            match draft.failure_of(id) {
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
        Unsaved::Quit => match draft.failure() {
            Some((id, reason)) => (
                "Quit without your draft?",
                vec![
                    format!("Your draft of {} is NOT saved: {reason}.", draft.name(id)),
                    "If you quit, medcurate tries for a few seconds more; what it cannot save \
                     is lost."
                        .into(),
                    "Quit anyway? No stays, and medcurate keeps trying.".into(),
                ],
            ),
            None => ("Quit", vec!["Every draft is saved now. Quit?".into()]),
        },
    }
}
