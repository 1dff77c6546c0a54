//! Where the open case's two panes go: side by side on wide terminals, stacked on narrow ones.

use ratatui::layout::{Constraint, Layout, Rect};

/// Columns from which the item and the reviews sit side by side.
pub const SIDE_BY_SIDE: u16 = 100;

pub struct CaseAreas {
    pub item: Rect,
    pub reviews: Rect,
}

pub fn case_areas(main: Rect) -> CaseAreas {
    let [item, reviews] = if main.width >= SIDE_BY_SIDE {
        Layout::horizontal([Constraint::Ratio(2, 5), Constraint::Ratio(3, 5)]).areas(main)
    } else {
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(main)
    };
    CaseAreas { item, reviews }
}
