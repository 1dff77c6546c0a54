//! Reusable pieces of the screens: each draws from plain data and never touches the store.

pub mod bar;
pub mod confirm;
pub mod criteria;
pub mod department_picker;
pub mod diff_view;
pub mod extraction_view;
pub mod finder;
pub mod help;
pub mod item_view;
pub mod line_input;
pub mod message_log;
pub mod panels;
pub mod review_pair;
pub mod scroll_view;
pub mod status_bar;
pub mod text_box;

use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Clear};

/// A centred box of at most `width` x `height` inside `area`, cleared for an overlay. A wide
/// char just left of the box would lose its right half under the border, so it is blanked.
pub fn popup(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let rect = area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    );
    frame.render_widget(Clear, rect);
    let buf = frame.buffer_mut();
    if rect.x > buf.area.x {
        for y in rect.top()..rect.bottom() {
            if let Some(cell) = buf.cell_mut((rect.x - 1, y))
                && text::width(cell.symbol()) > 1
            {
                cell.reset();
            }
        }
    }
    rect
}

/// A one-line input box over `main` with a title and a key hint; returns the field's row.
pub fn input_box(frame: &mut Frame, main: Rect, title: &str, hint: &str) -> Rect {
    let rect = popup(frame, main, 70, 4);
    let w = rect.width.saturating_sub(2) as usize;
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Yellow))
        .title(text::truncate(&format!(" {title} "), w))
        .title_bottom(text::truncate(&format!(" {hint} "), w));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [field, _] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    field
}
