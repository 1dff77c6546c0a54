//! The frame every screen shares: its view above the two-line status bar, with a confirm
//! dialog and the help overlay drawn over the view.

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
