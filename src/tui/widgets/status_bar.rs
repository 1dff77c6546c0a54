//! The status lines at the bottom: who, where, save state and progress; the last message,
//! wrapped; and the keys to press.
//!
//! The bar and the keys take the last two rows. A message takes rows of its own between
//! them (up to `MESSAGE_ROWS`, over the bottom of the view, until the next key), so the way
//! out and `?` never leave the screen. On the first line the save state and the progress are
//! never cut: the place gives way first (its widest part, the item id, in the middle), then
//! the name.

use crate::tui::draft::NOT_SAVED;
use crate::tui::keymap::{Footer, FooterKey};
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

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
    /// The keys of where the keyboard is.
    pub hint: Footer,
}

/// Rows the bar and the keys take when there is no message.
pub const ROWS: u16 = 2;
/// The most rows a message takes; a longer one ends in "…" and the key that shows it whole.
pub const MESSAGE_ROWS: usize = 3;
/// What ends a message that did not fit: the key of the message overlay.
pub const MORE: &str = " … M: all of it";
/// The separator between the parts of the place.
const PLACE_SEPS: [&str; 2] = [" › ", " · "];

const BAR: Style = Style::new().bg(Color::Blue).fg(Color::White);
const KEY: Style = Style::new().fg(Color::Yellow);
const WORD: Style = Style::new().fg(Color::DarkGray);

/// The message's rows at `width` columns (each with a leading space), at most
/// `MESSAGE_ROWS`; the last ends in `MORE` when some did not fit.
pub fn message_rows(msg: &str, width: usize) -> Vec<String> {
    let body = width.saturating_sub(1);
    if body == 0 {
        return Vec::new();
    }
    let flat = msg.replace('\n', " ");
    let mut rows = text::wrap(&flat, body);
    if rows.len() > MESSAGE_ROWS {
        rows.truncate(MESSAGE_ROWS);
        if let Some(last) = rows.last_mut() {
            let room = body.saturating_sub(text::width(MORE));
            let cut = text::truncate(last, room);
            let cut = cut.trim_end_matches('…').to_string();
            *last = format!("{cut}{MORE}");
        }
    }
    rows.into_iter().map(|r| format!(" {r}")).collect()
}

/// Rows the status lines take on a terminal `width` columns wide.
pub fn height(width: u16, s: &Status<'_>) -> u16 {
    let msg = s
        .message
        .map_or(0, |(m, _)| message_rows(m, width as usize).len());
    ROWS + msg as u16
}

/// The first line: " who │ place │ save │ progress", cut to `w` columns with the save state
/// and the progress whole.
pub fn first_line(s: &Status<'_>, w: usize) -> Line<'static> {
    let save_style = if s.save == NOT_SAVED {
        Style::new()
            .bg(Color::Red)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD)
    } else {
        BAR
    };
    const SEP: &str = " │ ";
    let fixed_parts: Vec<&str> = [s.save, s.progress.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    let mut fixed: usize = fixed_parts.iter().map(|p| text::width(p)).sum();
    fixed += text::width(SEP) * fixed_parts.len();
    // What the name and the place share, with the separator between them.
    let avail = w.saturating_sub(1);
    let mut rest = avail.saturating_sub(fixed);
    if fixed_parts.is_empty() {
        rest = avail;
    }
    let who_w = text::width(s.who);
    let place_w = text::width(&s.place);
    let sep_w = if s.place.is_empty() {
        0
    } else {
        text::width(SEP)
    };
    let (who_room, place_room) = if who_w + sep_w + place_w <= rest {
        (who_w, place_w)
    } else {
        // The place keeps at least 24 columns (or all of it) while the name can give.
        let keep = place_w.min(24);
        let who_room = rest
            .saturating_sub(sep_w + keep)
            .min(who_w)
            .max(who_w.min(4));
        (who_room, rest.saturating_sub(who_room + sep_w))
    };
    let mut spans = vec![Span::styled(" ", BAR)];
    let push = |spans: &mut Vec<Span<'static>>, part: String, style: Style| {
        if part.is_empty() {
            return;
        }
        if spans.len() > 1 {
            spans.push(Span::styled(SEP, BAR));
        }
        spans.push(Span::styled(part, style));
    };
    push(&mut spans, text::truncate(s.who, who_room), BAR);
    push(
        &mut spans,
        text::elide_parts(&s.place, &PLACE_SEPS, place_room),
        BAR,
    );
    push(&mut spans, s.save.to_string(), save_style);
    push(&mut spans, s.progress.clone(), BAR);
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    spans.push(Span::styled(" ".repeat(w.saturating_sub(used)), BAR));
    text::fit(spans, w)
}

/// The keys' line: " key word  key word", fitted to `w` columns.
pub fn keys_line(footer: &Footer, w: usize) -> Line<'static> {
    let keys: Vec<FooterKey> = footer.fit(w.saturating_sub(1));
    let mut spans = vec![Span::raw(" ")];
    for (i, k) in keys.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.key, KEY));
        spans.push(Span::styled(format!(" {}", k.word), WORD));
    }
    text::fit(spans, w)
}

/// Draws the status lines at the bottom of `screen`: `height` rows, the message's over the
/// bottom of the view.
pub fn draw(frame: &mut Frame, screen: Rect, s: &Status<'_>) {
    let w = screen.width as usize;
    let h = height(screen.width, s).min(screen.height);
    let area = Rect::new(screen.x, screen.bottom().saturating_sub(h), screen.width, h);
    let mut lines = vec![first_line(s, w)];
    if let Some((m, error)) = s.message {
        let style = if error {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Green)
        };
        for row in message_rows(m, w) {
            lines.push(Line::from(Span::styled(row, style)));
        }
    }
    lines.push(keys_line(&s.hint, w));
    let skip = lines.len().saturating_sub(h as usize);
    let lines: Vec<Line> = lines.into_iter().skip(skip).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{self, Context};
    use crate::tui::test_support::screen::{assert_clean, render, rows};

    const LONG: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";

    fn status<'a>(save: &'a str, message: Option<(&'a str, bool)>) -> Status<'a> {
        Status {
            who: "王医生 Dr. Wang",
            place: format!("MADiagnosis › {LONG} · rev 1"),
            progress: "3/10 submitted".into(),
            save,
            message,
            hint: keymap::hint(Context::Review),
        }
    }

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_id_is_cut_never_the_save_state_or_the_progress() {
        for w in [60, 80, 120] {
            for save in ["saved", NOT_SAVED] {
                let line = text(&first_line(&status(save, None), w));
                assert!(text::width(&line) <= w, "{w}: {line}");
                assert!(line.contains(save), "{w}: {line}");
                assert!(line.contains("3/10 submitted"), "{w}: {line}");
                assert!(line.contains(":1956 · rev 1"), "{w}: {line}");
                if w >= 80 {
                    assert!(line.contains("MADiagnosis › "), "{w}: {line}");
                }
            }
        }
        // Wide enough, nothing is cut.
        assert!(text(&first_line(&status("saved", None), 120)).contains(LONG));
    }

    #[test]
    fn a_long_message_wraps_over_the_view_and_the_keys_stay() {
        let msg = format!(
            "Not decided: MADiagnosis/{LONG} is discarded, no longer waiting for a curator \
             (cur-chen chose discard at 2026-12-01 22:53; reason: 题干与临床实践不符，无法作答)"
        );
        let s = status("saved", Some((&msg, true)));
        assert_eq!(height(80, &s), 2 + 3);
        let buf = render((80, 24), |f| draw(f, f.area(), &s));
        assert_clean(&buf);
        let all = rows(&buf);
        // The bar moved up over the view; the keys are still the last row.
        assert!(all[19].contains("3/10 submitted"), "{}", all[19]);
        assert!(all[23].contains("q back") && all[23].contains("? more"));
        let said: String = all[20..23].concat().split_whitespace().collect();
        let want: String = msg.split_whitespace().collect();
        assert!(said.contains(&want), "{said}");
        // Too long for three rows: the last says where the rest is.
        let longer = msg.repeat(3);
        let rows = message_rows(&longer, 80);
        assert_eq!(rows.len(), MESSAGE_ROWS);
        assert!(rows[2].ends_with(MORE), "{}", rows[2]);
        assert!(rows.iter().all(|r| text::width(r) <= 80));
        // No message: two rows, the hint on the last.
        assert_eq!(height(80, &status("saved", None)), ROWS);
    }
}
