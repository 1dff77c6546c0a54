//! Drawing a decision being prepared, over the case: the final-departments picker, the
//! start-text chooser, the revision editor with its problems, the discard reason.

use super::app::CurateApp;
use super::decide::Flow;
use crate::tui::text::{self, wrap_plain};
use crate::tui::widgets::department_picker::{self, Labels, tagged_head};
use crate::tui::widgets::{popup, text_box};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

const FRAME: Style = Style::new().fg(Color::Yellow);

pub fn draw(frame: &mut Frame, main: Rect, app: &CurateApp) {
    let Some(flow) = &app.flow else { return };
    match flow {
        Flow::Accept { picker, chosen } => {
            let width = if main.width < 90 { main.width } else { 78 };
            let rect = popup(frame, main, width, main.height);
            // The reviewers' choices are marked "(suggested)" in the list.
            let theirs: Vec<String> = app
                .case
                .iter()
                .flat_map(|c| c.reviews())
                .flat_map(|r| r.content.departments.clone())
                .collect();
            let labels = Labels {
                title: " Final departments 最终科室 ",
                head: tagged_head(chosen),
                hint: " a accept with these · Space tag/untag · / search · Esc cancel ",
            };
            department_picker::draw_with(frame, rect, picker, chosen, &theirs, &labels);
        }
        Flow::Start { options, cursor } => {
            let height = options.len() as u16 + 4;
            let rect = popup(frame, main, 76, height);
            let block = Block::bordered()
                .border_style(FRAME)
                .title(" Start the revision from ")
                .title_bottom(" Enter edit · Esc cancel ");
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            let w = inner.width as usize;
            let lines: Vec<Line> = options
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let here = i == *cursor;
                    let body = format!("{} {}", if here { "▸" } else { " " }, app.start_label(*s));
                    let style = if here {
                        Style::new().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    Line::from(Span::styled(text::truncate(&body, w), style))
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Flow::Edit(ed) => {
            let rect = popup(frame, main, main.width, main.height);
            let w = rect.width.saturating_sub(2) as usize;
            let block = Block::bordered()
                .border_style(FRAME)
                .title(text::truncate(&format!(" Revising, from {} ", ed.from), w))
                .title_bottom(text::truncate(
                    " Ctrl-S check and confirm · Esc close (edit kept) · Ctrl-U undo ",
                    w,
                ));
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            let mut problems: Vec<Line> = Vec::new();
            for p in &ed.problems {
                problems.extend(wrap_plain(
                    &format!("✗ {p}"),
                    Style::new().fg(Color::Red),
                    w,
                ));
            }
            let shown = (problems.len() as u16).min(inner.height / 3);
            let [editor, below] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(shown)]).areas(inner);
            // The textarea draws its own cursor cell.
            frame.render_widget(&ed.area, editor);
            frame.render_widget(Paragraph::new(problems), below);
        }
        Flow::Note(step) => {
            text_box::draw(
                frame,
                main,
                "Note for the new revision's reviewers (optional) 修订说明",
                "They read it: what changed and why · Enter confirm next · Esc back to the editor",
                &step.input,
                "> ",
                Style::default(),
            );
        }
        Flow::Discard(input) => {
            text_box::draw(
                frame,
                main,
                "Why discard this item? 弃用原因",
                "Enter confirm next · Esc cancel",
                input,
                "> ",
                Style::new().add_modifier(Modifier::BOLD),
            );
        }
    }
}
