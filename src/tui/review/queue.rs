//! The queue screen: the reviewer's progress per dataset, their own reviews to reopen or, once
//! settled, to see the outcome of; `/` finds one of them by id or text.

use super::outcome::{self, OutcomeView};
use crate::domain::find::Query;
use crate::store::{Found, MyReview, QueueRow, ReviewStatus};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::list_cursor;
use crate::tui::text;
use crate::tui::widgets::finder::{self, Finder, FinderRequest, FoundRow};
use crate::tui::widgets::panels;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    #[default]
    Datasets,
    Mine,
}

#[derive(Debug, Default)]
pub struct QueueState {
    pub rows: Vec<QueueRow>,
    pub mine: Vec<MyReview>,
    pub selected: usize,
    pub mine_selected: usize,
    pub focus: Focus,
    /// The progress has arrived at least once.
    pub loaded: bool,
    /// Finding one of the reviewer's own reviews: the query, then the matches.
    pub find: Option<Finder<MyReview>>,
    /// What became of a settled review, over the lists.
    pub outcome: Option<OutcomeView>,
    /// The outcome asked for, until it arrives.
    pub outcome_of: Option<i64>,
}

/// What the queue asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueRequest {
    /// Start or resume reviewing this dataset.
    Claim(String),
    /// Reopen this review.
    Open(i64),
    /// Show what became of this settled review.
    Outcome(i64),
    /// Search the reviewer's own reviews.
    Find(Query),
    /// Say this.
    Say(String),
    /// Reload progress and own reviews.
    Refresh,
    /// Leave the program.
    Quit,
}

impl QueueState {
    pub fn context(&self) -> Context {
        if self.outcome.is_some() || self.outcome_of.is_some() {
            return Context::Outcome;
        }
        if let Some(f) = &self.find {
            return f.context();
        }
        match self.focus {
            Focus::Datasets => Context::Queue,
            Focus::Mine => Context::MyReviews,
        }
    }

    pub fn set_rows(&mut self, rows: Vec<QueueRow>) {
        self.rows = rows;
        self.selected = list_cursor::keep(self.selected, self.rows.len());
        self.loaded = true;
    }

    pub fn set_mine(&mut self, mine: Vec<MyReview>) {
        self.mine = mine;
        self.mine_selected = list_cursor::keep(self.mine_selected, self.mine.len());
    }

    /// Progress in one dataset as "submitted/total".
    pub fn progress(&self, dataset: &str) -> Option<String> {
        self.rows.iter().find(|r| r.dataset == dataset).map(|r| {
            let total = r.submitted + r.in_progress + r.available;
            format!("{}/{} submitted", r.submitted, total)
        })
    }

    /// Progress over all datasets.
    pub fn total_progress(&self) -> String {
        let sub: u64 = self.rows.iter().map(|r| r.submitted).sum();
        let total: u64 = self
            .rows
            .iter()
            .map(|r| r.submitted + r.in_progress + r.available)
            .sum();
        format!("{sub}/{total} submitted")
    }

    /// Applies an action: a request for the app, or an error to show.
    pub fn update(&mut self, action: Action) -> Result<Option<QueueRequest>, String> {
        if self.outcome.is_some() || self.outcome_of.is_some() {
            if action == Action::Back {
                self.outcome = None;
                self.outcome_of = None;
            }
            return Ok(None);
        }
        if let Some(f) = self.find.as_mut() {
            return match f.update(action) {
                Some(FinderRequest::Search(q)) => Ok(Some(QueueRequest::Find(q))),
                Some(FinderRequest::Open) => self.open_found(),
                Some(FinderRequest::Close) => {
                    self.find = None;
                    Ok(None)
                }
                Some(FinderRequest::Say(msg)) => Ok(Some(QueueRequest::Say(msg))),
                None => Ok(None),
            };
        }
        if action == Action::FindItem {
            self.find = Some(Finder::new(""));
            return Ok(Some(QueueRequest::Say(
                "Find one of your reviews by a part of its id or a word of its text".into(),
            )));
        }
        let (cursor, len) = match self.focus {
            Focus::Datasets => (&mut self.selected, self.rows.len()),
            Focus::Mine => (&mut self.mine_selected, self.mine.len()),
        };
        if list_cursor::step(cursor, len, &action) {
            return Ok(None);
        }
        match action {
            Action::SwitchList => {
                self.focus = match self.focus {
                    Focus::Datasets => Focus::Mine,
                    Focus::Mine => Focus::Datasets,
                }
            }
            Action::Refresh => return Ok(Some(QueueRequest::Refresh)),
            Action::Back => match self.focus {
                Focus::Mine => self.focus = Focus::Datasets,
                Focus::Datasets => return Ok(Some(QueueRequest::Quit)),
            },
            Action::Open => return self.open(),
            _ => {}
        }
        Ok(None)
    }

    fn open(&self) -> Result<Option<QueueRequest>, String> {
        match self.focus {
            Focus::Datasets => match self.rows.get(self.selected) {
                Some(r) if r.available == 0 && r.in_progress == 0 => Err(format!(
                    "Nothing left for you to review in {} ({} submitted)",
                    r.dataset, r.submitted
                )),
                Some(r) => Ok(Some(QueueRequest::Claim(r.dataset.clone()))),
                None => Ok(None),
            },
            Focus::Mine => open_mine(self.mine.get(self.mine_selected)),
        }
    }

    /// The search's answer, if it is for the query on screen: one match opens at once.
    pub fn found(
        &mut self,
        q: &Query,
        found: Found<MyReview>,
    ) -> Result<Option<QueueRequest>, String> {
        let Some(f) = self
            .find
            .as_mut()
            .filter(|f| f.query == q.as_str() && f.input.is_none())
        else {
            return Ok(None);
        };
        let n = found.rows.len();
        match f.set_found(found) {
            Some(FinderRequest::Open) => self.open_found(),
            Some(FinderRequest::Say(msg)) => Ok(Some(QueueRequest::Say(msg))),
            _ => Ok(Some(QueueRequest::Say(format!(
                "{n} of your reviews match “{}”; Enter opens one",
                q.as_str()
            )))),
        }
    }

    fn open_found(&mut self) -> Result<Option<QueueRequest>, String> {
        let chosen = self.find.as_ref().and_then(|f| f.chosen()).cloned();
        open_mine(chosen.as_ref())
    }

    /// Asks for the outcome of a settled review; it shows when it arrives.
    pub fn want_outcome(&mut self, review_id: i64) {
        self.outcome = None;
        self.outcome_of = Some(review_id);
    }

    /// The outcome arrived; shown if it is the one asked for.
    pub fn set_outcome(&mut self, o: OutcomeView) {
        if self.outcome_of == Some(o.outcome.review_id) {
            self.outcome = Some(o);
        }
    }
}

/// Opening one of the reviewer's own reviews: a draft or a review that can still change
/// opens to work on; a settled one shows its outcome; one waiting for a curator neither.
fn open_mine(m: Option<&MyReview>) -> Result<Option<QueueRequest>, String> {
    match m {
        Some(m) if m.settled => Ok(Some(QueueRequest::Outcome(m.review_id))),
        Some(m) if matches!(m.status, ReviewStatus::Submitted) && !m.changeable => Err(format!(
            "Your review of {} can no longer change, and the item is not settled yet: the \
             other review and the decision show here once it is",
            m.item_id
        )),
        Some(m) => Ok(Some(QueueRequest::Open(m.review_id))),
        None => Ok(None),
    }
}

/// How the matches show one of the reviewer's reviews.
impl FoundRow for MyReview {
    fn item(&self) -> String {
        format!("{}/{}", self.dataset, self.item_id)
    }
    fn columns(&self) -> Vec<String> {
        let (status, change) = status_words(self);
        vec![status.to_string(), change.to_string()]
    }
}

/// A review's status and what can be done with it, as the lists say them.
fn status_words(m: &MyReview) -> (&'static str, &'static str) {
    match m.status {
        ReviewStatus::Claimed => ("draft", "in progress"),
        ReviewStatus::Submitted if m.changed && m.changeable => ("changed", "unsubmitted"),
        ReviewStatus::Submitted if m.changeable => ("submitted", "can change"),
        ReviewStatus::Submitted if m.settled => ("submitted", "settled"),
        ReviewStatus::Submitted => ("submitted", "not settled"),
    }
}

fn block(title: &str, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    Block::bordered()
        .border_style(style)
        .title(format!(" {title} "))
}

const HIGHLIGHT: Style = Style::new().add_modifier(Modifier::REVERSED);

pub fn draw(frame: &mut Frame, main: Rect, q: &QueueState) {
    if let Some(o) = &q.outcome {
        return outcome::draw(frame, main, o);
    }
    if q.outcome_of.is_some() {
        return crate::tui::frame::waiting(frame, main, "Loading the outcome…");
    }
    const HEADERS: [&str; 4] = ["Item", "Status", "", "Matched"];
    if let Some(f) = q.find.as_ref().filter(|f| f.covers_lists()) {
        return finder::draw(frame, main, f, &HEADERS);
    }
    // Border and header, then a row each ("Loading…" or "No reviews yet." when empty).
    let wants = [
        q.rows.len().max(1) as u16 + 3,
        q.mine.len().max(1) as u16 + 3,
    ];
    let [top, bottom] = panels::stack(main, wants);
    draw_datasets(frame, top, q);
    draw_mine(frame, bottom, q);
    if let Some(f) = &q.find {
        finder::draw(frame, main, f, &HEADERS);
    }
}

fn draw_datasets(frame: &mut Frame, area: Rect, q: &QueueState) {
    let focused = q.focus == Focus::Datasets;
    let b = block("Datasets · Enter to review · Tab: my reviews", focused);
    if q.rows.is_empty() {
        let msg = if q.loaded {
            "No datasets to review yet."
        } else {
            "Loading…"
        };
        frame.render_widget(Paragraph::new(msg).block(b), area);
        return;
    }
    let name_w = area.width.saturating_sub(2 + 10 + 10 + 12 + 10 + 4) as usize;
    let rows = q.rows.iter().map(|r| {
        Row::new(vec![
            Cell::from(text::elide_middle(&r.dataset, name_w)),
            Cell::from(r.kind.as_str()),
            Cell::from(format!("{:>9}", r.submitted)),
            Cell::from(format!("{:>11}", r.in_progress)),
            Cell::from(format!("{:>9}", r.available)),
        ])
    });
    let header = Row::new(vec![
        "Dataset",
        "Kind",
        "Submitted",
        "In progress",
        "Available",
    ])
    .style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(
        rows,
        [
            Constraint::Min(8),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(b)
    .row_highlight_style(if focused { HIGHLIGHT } else { Style::new() });
    let mut state = TableState::default().with_selected(Some(q.selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    panels::draw_more(frame, area, q.rows.len(), state.offset(), shown);
}

fn draw_mine(frame: &mut Frame, area: Rect, q: &QueueState) {
    let focused = q.focus == Focus::Mine;
    let b = block(
        "My reviews · Enter reopen or see the outcome · / find",
        focused,
    );
    if q.mine.is_empty() {
        let p = Paragraph::new(Line::from("No reviews yet.")).block(b);
        frame.render_widget(p, area);
        return;
    }
    // The dataset, status and time columns as wide as they need; the id gets the rest and
    // loses its middle, never its end.
    let ds_w = q
        .mine
        .iter()
        .map(|m| text::width(&m.dataset))
        .max()
        .unwrap_or(0)
        .clamp(7, 16);
    let fixed = 2 + ds_w + 10 + 11 + 16 + 4;
    let id_w = (area.width as usize).saturating_sub(fixed).max(8);
    let rows = q.mine.iter().map(|m| {
        // A draft, or a change kept beside what was submitted, stands out.
        let (status, change) = status_words(m);
        let style = match status {
            "submitted" => Style::new().fg(Color::Green),
            _ => Style::new().fg(Color::Yellow),
        };
        Row::new(vec![
            Cell::from(text::elide_middle(&m.item_id, id_w)),
            Cell::from(text::elide_middle(&m.dataset, ds_w)),
            Cell::from(status).style(style),
            Cell::from(change),
            Cell::from(text::short_time(&m.updated_at)),
        ])
    });
    let header = Row::new(vec!["Item", "Dataset", "Status", "", "Updated"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(
        rows,
        [
            Constraint::Min(8),
            Constraint::Length(ds_w as u16),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Length(16),
        ],
    )
    .header(header)
    .block(b)
    .row_highlight_style(if focused { HIGHLIGHT } else { Style::new() });
    let mut state = TableState::default().with_selected(Some(q.mine_selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    panels::draw_more(frame, area, q.mine.len(), state.offset(), shown);
}
