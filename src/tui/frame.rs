//! The frame every screen shares: its view above the status lines, with a confirm dialog,
//! the help overlay or the message overlay drawn over the view.

use super::help::Help;
use super::message::MessageLog;
use super::widgets::status_bar::{self, Status};
use super::widgets::{confirm, help, message_log};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Paragraph};

/// The area above the status lines on a terminal of `(columns, rows)`. A long message takes
/// rows over the bottom of it for a moment, so it does not change.
pub fn main_area((w, h): (u16, u16)) -> Rect {
    Rect::new(0, 0, w, h.saturating_sub(status_bar::ROWS))
}

/// What is drawn over the view: a confirm dialog (title and lines) and the help overlay
/// (the context it describes and its scroll, or the messages).
pub struct Overlays<'a> {
    pub confirm: Option<(&'a str, Vec<String>)>,
    pub help: Option<Help>,
}

/// The whole frame: `view` draws the screen into the area above the status lines; `log`
/// holds the last messages, for the message overlay.
pub fn draw(
    frame: &mut Frame,
    status: &Status<'_>,
    overlays: Overlays<'_>,
    log: &MessageLog,
    view: impl FnOnce(&mut Frame, Rect),
) {
    let screen = frame.area();
    let main = main_area((screen.width, screen.height));
    view(frame, main);
    if let Some((title, body)) = overlays.confirm {
        confirm::draw(frame, main, title, &body);
    }
    match overlays.help {
        Some(h) if h.messages => message_log::draw(frame, main, log, h.scroll),
        Some(h) => help::draw(frame, main, h.context, h.scroll),
        None => {}
    }
    status_bar::draw(frame, screen, status);
}

/// A grey box in place of a view that is on its way (or not there).
pub fn waiting(frame: &mut Frame, area: Rect, msg: &str) {
    let p = Paragraph::new(msg)
        .style(Style::new().fg(Color::DarkGray))
        .block(Block::bordered());
    frame.render_widget(p, area);
}
