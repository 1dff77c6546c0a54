//! Reusable pieces of the screens: each draws from plain data and never touches the store.

pub mod confirm;
pub mod criteria;
pub mod department_picker;
pub mod help;
pub mod item_view;
pub mod line_input;
pub mod status_bar;

use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::Clear;

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
