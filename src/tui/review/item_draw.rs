//! Drawing the review screen: the item, the checklist, and whichever input is open. Pure: it
//! reads the state and writes the frame.

use super::item::ReviewState;
use crate::domain::curation::editable_text;
use crate::domain::diff::differs;
use crate::store::Assignment;
use crate::tui::desk::Work;
use crate::tui::keymap::{Context, help_rows};
use crate::tui::text::{self, wrap_lines, wrap_plain};
use crate::tui::widgets::{criteria, department_picker, diff_view, popup, scroll_view, text_box};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Where the item and the checklist go. Wide terminals put them side by side (with the keys
/// under the checklist); narrow ones stack them.
pub struct Areas {
    pub item: Rect,
    pub panel: Rect,
    pub keys: Option<Rect>,
}

/// Columns from which the item and the checklist sit side by side.
pub const SIDE_BY_SIDE: u16 = 110;
const PANEL_WIDTH: u16 = 50;

pub fn areas(main: Rect) -> Areas {
    let panel_h = criteria::HEIGHT + 2;
    if main.width >= SIDE_BY_SIDE {
        let [item, side] =
            Layout::horizontal([Constraint::Min(40), Constraint::Length(PANEL_WIDTH)]).areas(main);
        let [panel, keys] =
            Layout::vertical([Constraint::Length(panel_h), Constraint::Min(0)]).areas(side);
        Areas {
            item,
            panel,
            keys: (keys.height > 2).then_some(keys),
        }
    } else {
        let [item, panel] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(panel_h)]).areas(main);
        Areas {
            item,
            panel,
            keys: None,
        }
    }
}

/// The rows and columns the item text is laid out in (inside the border).
pub fn item_viewport(main: Rect) -> Rect {
    Block::bordered().inner(areas(main).item)
}

fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn draw(frame: &mut Frame, main: Rect, r: &ReviewState) {
    let a = areas(main);
    let ctx = r.context();
    draw_item(frame, a.item, r, ctx == Context::Review);
    draw_panel(frame, a.panel, r);
    if let Some(keys) = a.keys {
        draw_keys(frame, keys);
    }
    match ctx {
        Context::Reason => draw_reason(frame, main, r),
        Context::Comment => draw_comment(frame, main, r),
        Context::Departments | Context::Search => {
            if let Some(p) = &r.picker {
                // Narrow screens give the picker the whole width.
                let width = if main.width < 90 { main.width } else { 78 };
                let rect = popup(frame, main, width, main.height);
                let suggested = &r.body().suggested_departments;
                department_picker::draw(frame, rect, p, &r.content.departments, suggested);
            }
        }
        Context::Editor => draw_editor(frame, main, r),
        _ => {}
    }
}

const CHANGE_HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

/// The "Changed in this revision" block above a revised item: the curator's note and the
/// diff against the revision before, ending in a rule. Empty for a first revision. Built
/// from the two revisions and the note alone: nothing of the earlier reviews is in it.
pub fn change_lines(a: &Assignment, width: usize) -> Vec<Line<'static>> {
    let Some(ch) = &a.changes else {
        return Vec::new();
    };
    let width = width.max(10);
    let mut out = wrap_plain(
        &format!(
            "Changed in this revision 本次修订 (revision {} → {})",
            ch.previous_revision, a.revision_no
        ),
        CHANGE_HEADING,
        width,
    );
    match (&ch.note, ch.by_curator) {
        (Some(note), _) => out.extend(wrap_lines(
            Span::styled("Curator's note: ", DIM),
            &[(note.as_str(), Style::default())],
            width,
        )),
        (None, true) => out.extend(wrap_plain("A curator revised it; no note.", DIM, width)),
        (None, false) => out.extend(wrap_plain(
            "Imported as a new revision; no note.",
            DIM,
            width,
        )),
    }
    let before = editable_text(&ch.previous);
    let now = editable_text(&a.item.body);
    if differs(&before, &now) {
        out.extend(wrap_plain("- before, + now:", DIM, width));
        out.extend(diff_view::lines(&before, &now, Some(1), width));
    } else {
        out.extend(wrap_plain("(the text is the same as before)", DIM, width));
    }
    out.push(Line::from(Span::styled("─".repeat(width), DIM)));
    out
}

fn draw_item(frame: &mut Frame, area: Rect, r: &ReviewState, focused: bool) {
    let a = &r.assignment;
    let rev = format!("rev {}", a.revision_no);
    let kind = a.item.body.kind().to_string();
    let parts = [a.dataset.as_str(), &kind, &a.item.id, &rev];
    let title = text::title(&parts, area.width.saturating_sub(2) as usize);
    let lines = r.item_lines(area.width.saturating_sub(2) as usize);
    scroll_view::draw(frame, area, &title, &lines, r.scroll, focused);
}

fn draw_panel(frame: &mut Frame, area: Rect, r: &ReviewState) {
    let mut title = " Criteria 评审标准 ".to_string();
    if r.submitted() {
        title.push_str("· submitted: changes count when you submit again ");
    }
    let block = Block::bordered()
        .border_style(border(r.context() == Context::Review))
        .title(text::truncate(
            &title,
            area.width.saturating_sub(2) as usize,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = criteria::lines(&r.content, r.body(), r.criterion, inner.width as usize);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_keys(frame: &mut Frame, area: Rect) {
    let block = Block::bordered()
        .border_style(border(false))
        .title(" Keys (? for all) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let rows = help_rows(Context::Review);
    let key_w = rows
        .iter()
        .map(|(k, _)| text::width(k))
        .max()
        .unwrap_or(0)
        .min(w / 3)
        + 1;
    let lines: Vec<Line> = rows
        .into_iter()
        .take(inner.height as usize)
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(text::pad(&k, key_w), Style::new().fg(Color::Yellow)),
                Span::raw(text::truncate(d, w.saturating_sub(key_w))),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_reason(frame: &mut Frame, main: Rect, r: &ReviewState) {
    let Some(edit) = &r.reason else { return };
    let title = format!(
        "Why does {} fail? ({})",
        edit.criterion.title(),
        edit.criterion.title_zh()
    );
    text_box::draw(
        frame,
        main,
        &title,
        "Enter keep · Esc cancel the fail",
        &edit.input,
        "> ",
        Style::new().add_modifier(Modifier::BOLD),
    );
}

fn draw_comment(frame: &mut Frame, main: Rect, r: &ReviewState) {
    let Some(edit) = &r.comment else { return };
    text_box::draw(
        frame,
        main,
        "Comment for the curator",
        "Enter keep · Esc discard changes",
        &edit.input,
        "> ",
        Style::default(),
    );
}

fn draw_editor(frame: &mut Frame, main: Rect, r: &ReviewState) {
    let Some(ed) = &r.editor else { return };
    let rect = popup(frame, main, main.width, main.height);
    let w = rect.width.saturating_sub(2) as usize;
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Yellow))
        .title(text::truncate(" Proposed correction: the item as JSON ", w))
        .title_bottom(text::truncate(
            " Esc done (kept) · Ctrl-O start again · Ctrl-U undo ",
            w,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // Checked as a curator's revision is, as it is typed; it may still be submitted.
    let mut problems: Vec<Line> = Vec::new();
    let invalid = Style::new().fg(Color::Red);
    let found = r.proposal_problems();
    if !found.is_empty() {
        problems.extend(wrap_plain(
            "Not a valid item (you may still submit it; the curator sees it as text):",
            invalid,
            w,
        ));
    }
    for p in &found {
        problems.extend(wrap_plain(&format!("✗ {p}"), invalid, w));
    }
    let shown = (problems.len() as u16).min(inner.height / 3);
    let [editor, below] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(shown)]).areas(inner);
    // The textarea draws its own cursor cell.
    frame.render_widget(&ed.area, editor);
    frame.render_widget(Paragraph::new(problems), below);
}
