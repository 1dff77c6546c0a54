//! Frames drawn into ratatui's `TestBackend`, read back as text and checked for wide chars.
//! Shared by the screens' unit tests and tests/tui_render.rs, so it names no crate path.
#![allow(dead_code)] // each test file uses its own part

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::{Frame, Terminal};
use unicode_width::UnicodeWidthStr;

/// The frame `draw` makes on a terminal of `(columns, rows)`.
pub fn render(size: (u16, u16), draw: impl FnOnce(&mut Frame)) -> Buffer {
    let (w, h) = size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(draw).unwrap();
    t.backend().buffer().clone()
}

/// Each row as text, a wide char counted once (its hidden second cell skipped).
pub fn rows(buf: &Buffer) -> Vec<String> {
    let a = buf.area;
    (a.top()..a.bottom())
        .map(|y| {
            let mut s = String::new();
            let mut x = a.left();
            while x < a.right() {
                let sym = buf[(x, y)].symbol();
                s.push_str(sym);
                x += sym.width().max(1) as u16;
            }
            s
        })
        .collect()
}

/// The whole screen as text, rows joined by newlines.
pub fn screen(buf: &Buffer) -> String {
    rows(buf).join("\n")
}

/// No row is wider than the screen, and every wide char has its second cell free and on the
/// screen: nothing was drawn over half of it and it was not cut at the edge.
pub fn assert_clean(buf: &Buffer) {
    let a = buf.area;
    for y in a.top()..a.bottom() {
        let mut cols = 0;
        let mut x = a.left();
        while x < a.right() {
            let sym = buf[(x, y)].symbol();
            let w = sym.width();
            if w == 2 {
                assert!(x + 1 < a.right(), "wide {sym:?} cut at the edge, row {y}");
                assert_eq!(
                    buf[(x + 1, y)].symbol(),
                    " ",
                    "the second half of {sym:?} at ({x},{y}) was drawn over"
                );
            }
            cols += w.max(1);
            x += w.max(1) as u16;
        }
        assert!(cols <= a.width as usize, "row {y} is {cols} columns wide");
    }
}

/// The colour of the first cell of the first row containing `needle`.
pub fn colour_of(buf: &Buffer, needle: &str) -> Option<Color> {
    let a = buf.area;
    for (y, text) in rows(buf).iter().enumerate() {
        if let Some(pos) = text.find(needle) {
            // Walk the row to the column of `pos`.
            let col = text[..pos].width() as u16;
            return Some(buf[(a.left() + col, y as u16)].fg);
        }
    }
    None
}
