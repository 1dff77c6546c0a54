//! A bordered window onto pre-wrapped lines, with a scrollbar and "12-40/95" when they do not
//! fit. The caller keeps the scroll; `clamp` keeps it inside the lines.

use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

/// The rows and columns inside the border of `area`.
pub fn viewport(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

/// `scroll` moved by `delta` and kept so the last line can reach the bottom, no further.
pub fn clamp(scroll: usize, delta: isize, total: usize, height: usize) -> usize {
    let max = total.saturating_sub(height);
    let next = (scroll.min(max) as isize).saturating_add(delta);
    next.clamp(0, max as isize) as usize
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[Line<'static>],
    scroll: usize,
    focused: bool,
) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let height = area.height.saturating_sub(2) as usize;
    let max = lines.len().saturating_sub(height);
    let top = scroll.min(max);
    let pos = if lines.len() > height {
        format!(
            " {}-{}/{} ",
            top + 1,
            (top + height).min(lines.len()),
            lines.len()
        )
    } else {
        String::new()
    };
    let border = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let block = Block::bordered()
        .border_style(border)
        .title(text::truncate(title, inner_w))
        .title_bottom(Line::from(pos).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let shown: Vec<Line> = lines.iter().skip(top).take(height).cloned().collect();
    frame.render_widget(Paragraph::new(shown), inner);
    if lines.len() > height {
        let mut state = ScrollbarState::new(max + 1).position(top);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(Margin::new(0, 1)),
            &mut state,
        );
    }
}
