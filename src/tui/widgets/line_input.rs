//! A one-line text input (reasons, comments, the department search). The cursor is a char
//! index; it becomes a column only when drawn, so CJK text edits and displays correctly.

use crate::tui::action::Action;
use crate::tui::text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    chars: Vec<char>,
    /// Char index of the cursor, 0..=len.
    cursor: usize,
}

impl LineInput {
    pub fn new(value: &str) -> LineInput {
        let chars: Vec<char> = value.chars().filter(|c| !c.is_control()).collect();
        let cursor = chars.len();
        LineInput { chars, cursor }
    }

    pub fn value(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Inserts pasted text at the cursor as one edit, its line ends and tabs as spaces (the
    /// input is one line); returns true when the text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let chars: Vec<char> = text
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let n = chars.len();
        self.chars.splice(self.cursor..self.cursor, chars);
        self.cursor += n;
        n > 0
    }

    /// Applies a key typed (`Action::Input`) or a paste; returns true when the text changed.
    pub fn edit(&mut self, action: &Action) -> bool {
        match action {
            Action::Input(k) => self.handle(*k),
            Action::Paste(text) => self.paste(text),
            _ => false,
        }
    }

    /// Applies a key; returns true when the text changed.
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let changed = !self.chars.is_empty();
                self.chars.clear();
                self.cursor = 0;
                changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                false
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.chars.len();
                false
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
                true
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
                true
            }
            KeyCode::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
                true
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(self.chars.len());
                false
            }
            KeyCode::Home => {
                self.cursor = 0;
                false
            }
            KeyCode::End => {
                self.cursor = self.chars.len();
                false
            }
            _ => false,
        }
    }

    /// The chars shown in a field `cols` wide so the cursor is visible, and the cursor's
    /// column within them.
    pub fn visible(&self, cols: usize) -> (String, usize) {
        if cols == 0 {
            return (String::new(), 0);
        }
        // Start far enough right that the text up to the cursor (plus one column for the
        // cursor itself) fits.
        let mut start = 0;
        let width_between = |a: usize, b: usize| -> usize {
            self.chars[a..b].iter().map(|c| text::char_width(*c)).sum()
        };
        while start < self.cursor && width_between(start, self.cursor) + 1 > cols {
            start += 1;
        }
        let mut shown = String::new();
        let mut used = 0;
        for c in &self.chars[start..] {
            let w = text::char_width(*c);
            if used + w > cols {
                break;
            }
            shown.push(*c);
            used += w;
        }
        (shown, width_between(start, self.cursor))
    }

    /// Draws the field in `area` (one row) with `prompt` before it, and puts the cursor there.
    pub fn draw(&self, frame: &mut Frame, area: Rect, prompt: &str, style: Style) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let prompt_w = text::width(prompt).min(area.width as usize);
        let cols = (area.width as usize).saturating_sub(prompt_w);
        let (shown, cursor_col) = self.visible(cols);
        let line = Line::from(vec![
            Span::raw(prompt.to_string()),
            Span::styled(shown, style),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let x = area.x + (prompt_w + cursor_col).min(area.width as usize - 1) as u16;
        frame.set_cursor_position(Position::new(x, area.y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_deleting_chinese() {
        let mut i = LineInput::default();
        for c in "答案错误q".chars() {
            assert!(i.handle(k(KeyCode::Char(c))));
        }
        assert_eq!(i.value(), "答案错误q");
        i.handle(k(KeyCode::Backspace));
        i.handle(k(KeyCode::Left));
        i.handle(k(KeyCode::Backspace));
        assert_eq!(i.value(), "答案误");
        assert_eq!(i.cursor(), 2);
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_on_one_line() {
        let mut i = LineInput::new("答案误");
        i.handle(k(KeyCode::Left));
        assert!(i.paste("应为C\n和\tD"));
        assert_eq!(i.value(), "答案应为C 和 D误");
        assert_eq!(i.cursor(), 9);
        assert!(!i.paste(""));
    }

    #[test]
    fn the_cursor_stays_visible_in_a_narrow_field() {
        let i = LineInput::new("上消化道出血可单纯表现为呕血");
        let (shown, col) = i.visible(9);
        // Four CJK chars (8 columns) and the cursor column.
        assert_eq!(shown, "现为呕血");
        assert_eq!(col, 8);
        assert!(text::width(&shown) <= 9);
    }
}
