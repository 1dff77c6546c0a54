//! The two status lines: who, where, progress and save state; then the last message or a hint.

use crate::tui::draft::NOT_SAVED;
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the status bar shows; the app fills it in.
pub struct Status<'a> {
    /// The reviewer's name.
    pub who: &'a str,
    /// Dataset, item id and revision, or the screen's name.
    pub place: String,
    /// e.g. "3/25 submitted".
    pub progress: String,
    /// "saved", "saving…", "unsaved", `draft::NOT_SAVED` (drawn to stand out) or empty.
    pub save: &'a str,
    /// The last message, and whether it is an error.
    pub message: Option<(&'a str, bool)>,
    /// What to press, shown when there is no message.
    pub hint: String,
}

pub fn draw(frame: &mut Frame, area: Rect, s: &Status<'_>) {
    let w = area.width as usize;
    let bar = Style::new().bg(Color::Blue).fg(Color::White);
    let save = if s.save == NOT_SAVED {
        Style::new()
            .bg(Color::Red)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD)
    } else {
        bar
    };
    let parts = [
        (s.who, bar),
        (s.place.as_str(), bar),
        (s.save, save),
        (s.progress.as_str(), bar),
    ];
    let mut spans = vec![Span::styled(" ", bar)];
    for (i, (part, style)) in parts.into_iter().filter(|(p, _)| !p.is_empty()).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", bar));
        }
        spans.push(Span::styled(part.to_string(), style));
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    spans.push(Span::styled(" ".repeat(w.saturating_sub(used)), bar));
    let first = text::fit(spans, w);
    let (msg, style) = match s.message {
        Some((m, true)) => (m, Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
        Some((m, false)) => (m, Style::new().fg(Color::Green)),
        None => (s.hint.as_str(), Style::new().fg(Color::DarkGray)),
    };
    let second = text::truncate(&format!(" {}", msg.replace('\n', " ")), w);
    let lines = vec![first, Line::from(Span::styled(second, style))];
    frame.render_widget(Paragraph::new(lines), area);
}
