//! The help overlay, generated from the key table for the context under it.

use super::popup;
use crate::tui::keymap::{Context, help_rows};
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The help's lines for `ctx` at `width` columns: keys padded to one column, each
/// description wrapped under itself.
pub fn lines(ctx: Context, width: usize) -> Vec<Line<'static>> {
    let rows = help_rows(ctx);
    let key_w = rows
        .iter()
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0)
        .min(width / 2);
    let key_style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    for (k, d) in rows {
        let keys = text::pad(&k, key_w + 2);
        out.extend(text::wrap_lines(
            Span::styled(keys, key_style),
            &[(d, Style::default())],
            width,
        ));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, ctx: Context, scroll: usize) {
    let rect = popup(frame, area, 72, area.height.saturating_sub(2));
    let inner_w = rect.width.saturating_sub(2) as usize;
    let all = lines(ctx, inner_w);
    let max = all
        .len()
        .saturating_sub(rect.height.saturating_sub(2) as usize);
    let bottom = if max > 0 {
        " j/k scroll · ? or Esc closes "
    } else {
        " ? or Esc closes "
    };
    let block = Block::bordered()
        .title(format!(" Keys: {} ", ctx.title()))
        .title_bottom(bottom);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let shown: Vec<Line> = all.into_iter().skip(scroll.min(max)).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
