//! The selected row of a list: moved by the keys, and kept on a row when the list changes.

use super::action::Action;

/// Moves `selected` one row for Up and Down in a list of `len` rows, to the first or last
/// row for Top and Bottom; false, and no move, for any other action.
pub fn step(selected: &mut usize, len: usize, action: &Action) -> bool {
    step_paged(selected, len, 0, action)
}

/// As `step`, and `page` rows for PageUp and PageDown (when `page` is not 0).
pub fn step_paged(selected: &mut usize, len: usize, page: usize, action: &Action) -> bool {
    *selected = match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(len.saturating_sub(1)),
        Action::PageUp if page > 0 => selected.saturating_sub(page),
        Action::PageDown if page > 0 => (*selected + page).min(len.saturating_sub(1)),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        _ => return false,
    };
    true
}

/// `selected` moved onto the last row if the list, now `len` long, has become shorter.
pub fn keep(selected: usize, len: usize) -> usize {
    selected.min(len.saturating_sub(1))
}
