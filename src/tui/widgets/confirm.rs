//! A yes/no dialog for steps that cannot be taken back (submit, skip).

use super::popup;
use crate::tui::text::wrap_plain;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, title: &str, body: &[String]) {
    let width = 60.min(area.width);
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for b in body {
        lines.extend(wrap_plain(b, Style::default(), inner_w));
    }
    lines.push(Line::default());
    lines.extend(wrap_plain(
        "y / Enter: yes    n / Esc: no",
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        inner_w,
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = popup(frame, area, width, height);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(Style::new().fg(Color::Yellow));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines), inner);
}
