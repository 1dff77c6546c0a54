//! The message overlay: the last messages whole, newest first, errors in red.

use super::popup;
use crate::tui::message::MessageLog;
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The overlay's lines at `width` columns: each message wrapped under a bullet.
pub fn lines(log: &MessageLog, width: usize) -> Vec<Line<'static>> {
    if log.is_empty() {
        return vec![Line::from(Span::styled(
            "No messages yet.",
            Style::new().fg(Color::DarkGray),
        ))];
    }
    let mut out = Vec::new();
    for m in log.newest_first() {
        let style = if m.error {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let bullet = if m.error { "✗ " } else { "• " };
        out.extend(text::wrap_lines(
            Span::styled(bullet, style),
            &[(&m.text, style)],
            width,
        ));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, log: &MessageLog, scroll: usize) {
    let width = 76.min(area.width);
    let inner_w = width.saturating_sub(2) as usize;
    let all = lines(log, inner_w);
    let height = (all.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = popup(frame, area, width, height);
    let max = all
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize);
    let bottom = if max > 0 {
        " j/k scroll · M or Esc closes "
    } else {
        " M or Esc closes "
    };
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Cyan))
        .title(text::truncate(" Messages, newest first ", inner_w))
        .title_bottom(text::truncate(bottom, inner_w));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let shown: Vec<Line> = all.into_iter().skip(scroll.min(max)).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
