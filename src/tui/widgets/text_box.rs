//! A text input in a box over the screen (a fail reason, a comment, a decision's reason):
//! the text wrapped over as many rows as it takes, up to `MAX_ROWS` (then the rows around
//! the cursor), so a long Chinese reason keeps its start in view. The cursor is a char
//! index in the input; it becomes a row and a column only here.

use super::line_input::LineInput;
use super::popup;
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The most text rows the box shows.
pub const MAX_ROWS: usize = 6;
/// The box's width on a wide screen.
const WIDTH: u16 = 70;

/// The rows of `input` in a field `width` columns wide after a prompt of `prompt_w`
/// columns, and the cursor's row and column in them (the column counts the prompt).
pub fn layout(input: &LineInput, prompt_w: usize, width: usize) -> (Vec<String>, (usize, usize)) {
    let chars: Vec<char> = input.value().chars().collect();
    let body = width.saturating_sub(prompt_w).max(2);
    let ranges = text::wrap_ranges(&chars, body);
    let (row, col) = text::cursor_in(&chars, &ranges, input.cursor(), body);
    let mut rows: Vec<String> = ranges
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    if row >= rows.len() {
        rows.push(String::new());
    }
    (rows, (row, prompt_w + col))
}

/// Draws the box over `main` with `title` above and `hint` below, and puts the cursor in it.
pub fn draw(
    frame: &mut Frame,
    main: Rect,
    title: &str,
    hint: &str,
    input: &LineInput,
    prompt: &str,
    style: Style,
) {
    let width = WIDTH.min(main.width);
    let inner_w = width.saturating_sub(2) as usize;
    let prompt_w = text::width(prompt);
    let (rows, (cur_row, cur_col)) = layout(input, prompt_w, inner_w);
    let room = MAX_ROWS.min(main.height.saturating_sub(2).max(1) as usize);
    let shown = rows.len().min(room);
    let top = (cur_row + 1).saturating_sub(shown);
    let rect = popup(frame, main, width, shown as u16 + 2);
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Yellow))
        .title(text::truncate(&format!(" {title} "), inner_w))
        .title_bottom(text::truncate(&format!(" {hint} "), inner_w));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let indent = " ".repeat(prompt_w);
    let lines: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(top)
        .take(shown)
        .map(|(i, r)| {
            let lead = if i == 0 {
                prompt.to_string()
            } else {
                indent.clone()
            };
            Line::from(vec![Span::raw(lead), Span::styled(r, style)])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    if inner.width > 0 && inner.height > 0 {
        let x = inner.x + (cur_col as u16).min(inner.width - 1);
        let y = inner.y + (cur_row - top) as u16;
        frame.set_cursor_position(Position::new(x, y.min(inner.bottom() - 1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::test_support::screen::{assert_clean, rows as screen_rows};

    const REASON: &str =
        "这是一个很长的中文理由，用来说明答案为什么是错的：应为C和D，而不是B。另外题干也不够严谨。";

    #[test]
    fn a_long_chinese_reason_wraps_and_keeps_its_start() {
        let input = LineInput::new(REASON);
        let buf = crate::tui::test_support::screen::render((80, 24), |f| {
            draw(
                f,
                Rect::new(0, 0, 80, 22),
                "Why does Answer correctness fail?",
                "Enter keep · Esc cancel",
                &input,
                "> ",
                Style::default(),
            );
        });
        assert_clean(&buf);
        let flat: String = screen_rows(&buf)
            .iter()
            .map(|r| r.replace(['│', ' ', '>'], ""))
            .collect();
        assert!(flat.contains(REASON), "{flat}");
        let (rows, (row, col)) = layout(&input, 2, 68);
        assert!(rows.len() > 1);
        assert_eq!(row, rows.len() - 1);
        assert_eq!(col, 2 + text::width(rows.last().unwrap()));
    }

    #[test]
    fn the_cursor_is_a_char_index_shown_as_a_column() {
        let mut input = LineInput::new("答案应为C");
        for _ in 0..2 {
            input.handle(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Left,
                crossterm::event::KeyModifiers::NONE,
            ));
        }
        // Cursor before "为": three chars, six columns, after the prompt.
        let (_, (row, col)) = layout(&input, 2, 40);
        assert_eq!((row, col), (0, 2 + 6));
    }
}
