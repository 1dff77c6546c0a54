//! Lists in bordered panels: two stacked panels sized by what they hold, and the "↓ 2 more"
//! on a panel's bottom border when its list does not fit.

use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

/// Rows the second panel keeps (when it wants that many) however long the first list is:
/// its border, its header and a few rows.
const SECOND_KEEPS: u16 = 7;
/// The fewest rows a panel is given: its border and one row.
const LEAST: u16 = 3;

/// `area` split into two stacked panels that want `wants` rows each (border and header
/// included). The first, the main list, gets what it wants while the second keeps
/// `SECOND_KEEPS` rows (or what it wants, if less); the second takes the rest, so an
/// empty list takes little room and a long one fills the screen.
pub fn stack(area: Rect, wants: [u16; 2]) -> [Rect; 2] {
    let h = area.height;
    let keep = wants[1].clamp(LEAST, SECOND_KEEPS);
    let first = wants[0]
        .max(LEAST)
        .min(h.saturating_sub(keep))
        .max(LEAST.min(h));
    let second = h.saturating_sub(first);
    [
        Rect::new(area.x, area.y, area.width, first),
        Rect::new(area.x, area.y + first, area.width, second),
    ]
}

/// What says that a list of `total` rows showing `shown` from `offset` has more:
/// "↑ 3 more", "↓ 2 more" or "↑ 3 ↓ 2 more"; none when it all shows.
pub fn more_label(total: usize, offset: usize, shown: usize) -> Option<String> {
    let above = offset.min(total);
    let below = total.saturating_sub(offset + shown);
    match (above, below) {
        (0, 0) => None,
        (a, 0) => Some(format!("↑ {a} more")),
        (0, b) => Some(format!("↓ {b} more")),
        (a, b) => Some(format!("↑ {a} ↓ {b} more")),
    }
}

/// Draws `more_label` on the bottom border of the bordered `area`, at its right.
pub fn draw_more(frame: &mut Frame, area: Rect, total: usize, offset: usize, shown: usize) {
    let Some(label) = more_label(total, offset, shown) else {
        return;
    };
    if area.height < 2 || area.width < 4 {
        return;
    }
    let label = text::truncate(&format!(" {label} "), area.width as usize - 2);
    let w = text::width(&label) as u16;
    let x = area.right().saturating_sub(w + 1).max(area.x + 1);
    let y = area.bottom() - 1;
    let style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    frame.render_widget(Span::styled(label, style), Rect::new(x, y, w, 1));
}

/// Rows of a bordered table with a one-row header that show in `area`.
pub fn table_rows(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heights(h: u16, wants: [u16; 2]) -> [u16; 2] {
        let [a, b] = stack(Rect::new(0, 0, 80, h), wants);
        assert_eq!(a.height + b.height, h);
        assert_eq!(b.y, a.bottom());
        [a.height, b.height]
    }

    #[test]
    fn panels_are_sized_by_what_they_hold() {
        // Nine datasets (12 rows) and no reviews (3): the datasets all show.
        assert_eq!(heights(22, [12, 3]), [12, 10]);
        // Nine datasets and 25 reviews: the datasets still all show.
        assert_eq!(heights(22, [12, 28]), [12, 10]);
        // 22 datasets: the reviews keep seven rows.
        assert_eq!(heights(22, [25, 28]), [15, 7]);
        assert_eq!(heights(22, [25, 3]), [19, 3]);
        // A tiny screen still gives each a border.
        assert_eq!(heights(5, [25, 28]), [3, 2]);
    }

    #[test]
    fn more_says_what_is_above_and_below() {
        assert_eq!(more_label(9, 0, 9), None);
        assert_eq!(more_label(9, 0, 8).as_deref(), Some("↓ 1 more"));
        assert_eq!(more_label(9, 1, 8).as_deref(), Some("↑ 1 more"));
        assert_eq!(more_label(30, 5, 10).as_deref(), Some("↑ 5 ↓ 15 more"));
    }
}
