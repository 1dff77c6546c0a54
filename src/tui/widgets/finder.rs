//! Finding an item from a list screen: `/` asks for a part of an id or a word of the text,
//! the worker searches, and the matches replace the lists until one is opened or Esc goes
//! back. One match opens at once. Each screen says what a row is and what opening it does.

use crate::domain::find::{MAX_QUERY_CHARS, Match, Query};
use crate::store::{FIND_LIMIT, Found};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::list_cursor;
use crate::tui::text;
use crate::tui::widgets::input_box;
use crate::tui::widgets::line_input::LineInput;
use crate::tui::widgets::panels;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState};

/// A found row as the list shows it: the item, a few short columns, and where it matched.
pub trait FoundRow {
    /// `DATASET/ID`.
    fn item(&self) -> String;
    /// Short columns after the item (status, model …).
    fn columns(&self) -> Vec<String>;
}

#[derive(Debug)]
pub struct Finder<T> {
    /// Typing the query.
    pub input: Option<LineInput>,
    /// The query last searched for.
    pub query: String,
    /// The matches; `None` while the search runs.
    pub found: Option<Found<T>>,
    pub selected: usize,
}

/// What the finder asks its screen to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinderRequest {
    /// Search for this.
    Search(Query),
    /// Open the selected match (`Finder::chosen`).
    Open,
    /// Close the finder: back to the lists.
    Close,
    /// Say this.
    Say(String),
}

impl<T: FoundRow> Finder<T> {
    /// A finder asking for a query, starting from `last`.
    pub fn new(last: &str) -> Finder<T> {
        Finder {
            input: Some(LineInput::new(last)),
            query: last.to_string(),
            found: None,
            selected: 0,
        }
    }

    /// Whether the matches (or "Searching…") take the screen; while the first query is
    /// typed the lists stay in view behind it.
    pub fn covers_lists(&self) -> bool {
        self.found.is_some() || self.input.is_none()
    }

    pub fn context(&self) -> Context {
        if self.input.is_some() {
            Context::FindItem
        } else {
            Context::Found
        }
    }

    /// The match the cursor is on.
    pub fn chosen(&self) -> Option<&T> {
        self.found.as_ref()?.rows.get(self.selected).map(|(t, _)| t)
    }

    /// The search failed: the query is offered again, to try once more.
    pub fn search_failed(&mut self) {
        if self.found.is_none() {
            self.input = Some(LineInput::new(&self.query));
        }
    }

    /// The search's answer: one match is opened at once.
    pub fn set_found(&mut self, found: Found<T>) -> Option<FinderRequest> {
        self.selected = 0;
        let n = found.rows.len();
        self.found = Some(found);
        match n {
            0 => Some(FinderRequest::Say(format!(
                "Nothing matches “{}”; / searches again, Esc goes back",
                self.query
            ))),
            1 => Some(FinderRequest::Open),
            _ => None,
        }
    }

    pub fn update(&mut self, action: Action) -> Option<FinderRequest> {
        if let Some(input) = self.input.as_mut() {
            return match action {
                Action::Input(_) | Action::Paste(_) => {
                    input.edit(&action);
                    None
                }
                Action::Done => {
                    let value = input.value();
                    if value.trim().chars().count() > MAX_QUERY_CHARS {
                        return Some(FinderRequest::Say(format!(
                            "A search is at most {MAX_QUERY_CHARS} characters; shorten it"
                        )));
                    }
                    match Query::new(&value) {
                        Some(q) => {
                            self.query = q.as_str().to_string();
                            self.input = None;
                            self.found = None;
                            Some(FinderRequest::Search(q))
                        }
                        None => Some(FinderRequest::Say(
                            "Type a part of an id or a word of the text (Esc cancels)".into(),
                        )),
                    }
                }
                Action::Cancel if self.found.is_some() => {
                    self.input = None;
                    None
                }
                Action::Cancel => Some(FinderRequest::Close),
                _ => None,
            };
        }
        let len = self.found.as_ref().map_or(0, |f| f.rows.len());
        if list_cursor::step(&mut self.selected, len, &action) {
            return None;
        }
        match action {
            Action::Open if self.chosen().is_some() => Some(FinderRequest::Open),
            Action::FindItem => {
                self.input = Some(LineInput::new(&self.query));
                None
            }
            Action::Back => Some(FinderRequest::Close),
            _ => None,
        }
    }
}

/// The matches over the screen's lists, and the query box while typing.
pub fn draw<T: FoundRow>(frame: &mut Frame, main: Rect, f: &Finder<T>, headers: &[&str]) {
    let title = format!(
        " Matches for “{}” · Enter open · / again · Esc back ",
        f.query
    );
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Cyan))
        .title(text::truncate(
            &title,
            main.width.saturating_sub(2) as usize,
        ));
    if f.covers_lists() {
        frame.render_widget(Clear, main);
    }
    match &f.found {
        None if f.input.is_none() => {
            frame.render_widget(Paragraph::new("Searching…").block(block), main);
        }
        None => {}
        Some(found) if found.rows.is_empty() => {
            frame.render_widget(Paragraph::new("Nothing matches.").block(block), main);
        }
        Some(found) => draw_rows(frame, main, block, found, f.selected, headers),
    }
    if let Some(input) = &f.input {
        let field = input_box(
            frame,
            main,
            "Find 查找: a part of the id, or a word of the text",
            "Enter search · Esc cancel",
        );
        input.draw(
            frame,
            field,
            "/ ",
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
}

fn draw_rows<T: FoundRow>(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    found: &Found<T>,
    selected: usize,
    headers: &[&str],
) {
    let cols: Vec<Vec<String>> = found.rows.iter().map(|(t, _)| t.columns()).collect();
    // Each short column as wide as its widest cell (or header); the item and the match
    // share the rest, the item losing its middle, never its end.
    let widths: Vec<usize> = (0..headers.len().saturating_sub(2))
        .map(|i| {
            cols.iter()
                .filter_map(|c| c.get(i))
                .map(|s| text::width(s))
                .chain([text::width(headers[i + 1])])
                .max()
                .unwrap_or(0)
                .min(16)
        })
        .collect();
    let inner = area.width.saturating_sub(2) as usize;
    let fixed: usize = widths.iter().map(|w| w + 1).sum();
    let rest = inner.saturating_sub(fixed + 1);
    let longest = found
        .rows
        .iter()
        .map(|(t, _)| text::width(&t.item()))
        .max()
        .unwrap_or(0);
    let item_w = longest.min(rest.max(16) * 3 / 5).max(12.min(rest));
    let match_w = rest.saturating_sub(item_w);
    let rows = found.rows.iter().zip(&cols).map(|((t, m), c)| {
        let mut cells = vec![Cell::from(text::elide_middle(&t.item(), item_w))];
        cells.extend(
            c.iter()
                .zip(&widths)
                .map(|(s, w)| Cell::from(text::truncate(s, *w))),
        );
        let said = match m {
            Match::Id => Cell::from("(id)").style(Style::new().fg(Color::DarkGray)),
            Match::Text(s) => Cell::from(text::truncate(s, match_w)),
        };
        cells.push(said);
        Row::new(cells)
    });
    let mut constraints = vec![Constraint::Length(item_w as u16)];
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w as u16)));
    constraints.push(Constraint::Fill(1));
    let header = Row::new(headers.to_vec()).style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED));
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    let total = found.rows.len();
    panels::draw_more(frame, area, total, state.offset(), shown);
    if found.more {
        let note = format!(" first {FIND_LIMIT} shown: narrow the search ");
        let w = text::width(&note) as u16;
        if area.width > w + 2 && area.height > 1 {
            let at = Rect::new(area.x + 1, area.y + area.height - 1, w, 1);
            frame.render_widget(
                Paragraph::new(note).style(Style::new().fg(Color::Yellow)),
                at,
            );
        }
    }
}
