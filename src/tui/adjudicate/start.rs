//! The start screen: disputes per dataset and model with the threshold, and the expert's own
//! adjudications to reopen; `/` finds a dispute (one to take, or one's own) by id or text.

use crate::domain::find::Query;
use crate::store::{DisputeCount, Found, FoundDispute, MyAdjudication, ReviewStatus};
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
    Disputes,
    Mine,
}

#[derive(Debug, Default)]
pub struct StartView {
    pub threshold: Option<f64>,
    pub counts: Vec<DisputeCount>,
    pub mine: Vec<MyAdjudication>,
    /// Row of the disputes table; 0 is "all datasets".
    pub selected: usize,
    pub mine_selected: usize,
    pub focus: Focus,
    /// The counts have arrived at least once.
    pub loaded: bool,
    /// Finding a dispute: the query, then the matches.
    pub find: Option<Finder<FoundDispute>>,
}

/// What the start screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartRequest {
    /// Take the next dispute, of this dataset if given.
    Claim(Option<String>),
    /// Reopen this adjudication.
    Open(i64),
    /// Claim the dispute on this response, chosen from the matches.
    ClaimThis(i64, String),
    /// Search the disputes.
    Find(Query),
    /// Say this.
    Say(String),
    Refresh,
    Quit,
}

/// Disputes not yet decided nor claimed.
pub fn waiting(c: &DisputeCount) -> u64 {
    c.disputes.saturating_sub(c.adjudicated + c.in_progress)
}

impl StartView {
    pub fn context(&self) -> Context {
        if let Some(f) = &self.find {
            return f.context();
        }
        match self.focus {
            Focus::Disputes => Context::DisputeStart,
            Focus::Mine => Context::MyAdjudications,
        }
    }

    /// Rows of the disputes table: "all datasets" first, then one per dataset and model.
    fn table_len(&self) -> usize {
        self.counts.len() + 1
    }

    pub fn set_overview(&mut self, threshold: f64, counts: Vec<DisputeCount>) {
        self.threshold = Some(threshold);
        self.counts = counts;
        self.selected = list_cursor::keep(self.selected, self.table_len());
        self.loaded = true;
    }

    pub fn set_mine(&mut self, mine: Vec<MyAdjudication>) {
        self.mine = mine;
        self.mine_selected = list_cursor::keep(self.mine_selected, self.mine.len());
    }

    /// Puts the cursor on the first row of `dataset`.
    pub fn select_dataset(&mut self, dataset: &str) {
        if let Some(i) = self.counts.iter().position(|c| c.dataset == dataset) {
            self.selected = i + 1;
        }
    }

    /// "3/12 decided" over `dataset`, or over all datasets.
    pub fn progress(&self, dataset: Option<&str>) -> String {
        if !self.loaded {
            return String::new();
        }
        let rows = self
            .counts
            .iter()
            .filter(|c| dataset.is_none_or(|d| c.dataset == d));
        let (done, all) = rows.fold((0, 0), |(d, a), c| (d + c.adjudicated, a + c.disputes));
        format!("{done}/{all} decided")
    }

    pub fn update(&mut self, action: Action) -> Option<StartRequest> {
        if let Some(f) = self.find.as_mut() {
            return match f.update(action) {
                Some(FinderRequest::Search(q)) => Some(StartRequest::Find(q)),
                Some(FinderRequest::Open) => self.open_found(),
                Some(FinderRequest::Close) => {
                    self.find = None;
                    None
                }
                Some(FinderRequest::Say(msg)) => Some(StartRequest::Say(msg)),
                None => None,
            };
        }
        if action == Action::FindItem {
            self.find = Some(Finder::new(""));
            return Some(StartRequest::Say(
                "Find a dispute by a part of the item's id, a word of its text or the response, or the model".into(),
            ));
        }
        let (cursor, len) = match self.focus {
            Focus::Disputes => (&mut self.selected, self.counts.len() + 1),
            Focus::Mine => (&mut self.mine_selected, self.mine.len()),
        };
        if list_cursor::step(cursor, len, &action) {
            return None;
        }
        match action {
            Action::SwitchList => {
                self.focus = match self.focus {
                    Focus::Disputes => Focus::Mine,
                    Focus::Mine => Focus::Disputes,
                }
            }
            Action::Refresh => return Some(StartRequest::Refresh),
            Action::Back => match self.focus {
                Focus::Mine => self.focus = Focus::Disputes,
                Focus::Disputes => return Some(StartRequest::Quit),
            },
            Action::Open => {
                return match self.focus {
                    Focus::Disputes => Some(StartRequest::Claim(
                        self.selected
                            .checked_sub(1)
                            .and_then(|i| self.counts.get(i))
                            .map(|c| c.dataset.clone()),
                    )),
                    Focus::Mine => self
                        .mine
                        .get(self.mine_selected)
                        .map(|m| StartRequest::Open(m.adjudication_id)),
                };
            }
            _ => {}
        }
        None
    }
}

impl StartView {
    /// The search's answer, if it is for the query on screen: one match opens at once.
    pub fn found(&mut self, q: &Query, found: Found<FoundDispute>) -> Option<StartRequest> {
        let f = self
            .find
            .as_mut()
            .filter(|f| f.query == q.as_str() && f.input.is_none())?;
        let n = found.rows.len();
        match f.set_found(found) {
            Some(FinderRequest::Open) => self.open_found(),
            Some(FinderRequest::Say(msg)) => Some(StartRequest::Say(msg)),
            _ => Some(StartRequest::Say(format!(
                "{n} disputes match “{}”; Enter opens one",
                q.as_str()
            ))),
        }
    }

    /// One's own adjudication reopens; a dispute waiting for an expert is claimed.
    fn open_found(&mut self) -> Option<StartRequest> {
        let d = self.find.as_ref()?.chosen()?;
        Some(match d.adjudication {
            Some((id, _)) => StartRequest::Open(id),
            None => StartRequest::ClaimThis(d.response_id, format!("{} on {}", d.model, d.item_id)),
        })
    }
}

/// How the matches show a dispute: whose it is, the model and the gap.
impl FoundRow for FoundDispute {
    fn item(&self) -> String {
        format!("{}/{}", self.dataset, self.item_id)
    }
    fn columns(&self) -> Vec<String> {
        let whose = match self.adjudication {
            None => "waiting",
            Some((_, ReviewStatus::Claimed)) => "your draft",
            Some((_, ReviewStatus::Submitted)) => "yours",
        };
        vec![whose.into(), self.model.clone(), format!("{:.2}", self.gap)]
    }
}

fn block(title: &str, focused: bool, width: u16) -> Block<'static> {
    let style = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    Block::bordered().border_style(style).title(text::truncate(
        &format!(" {title} "),
        width.saturating_sub(2) as usize,
    ))
}

const HIGHLIGHT: Style = Style::new().add_modifier(Modifier::REVERSED);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);

pub fn draw(frame: &mut Frame, main: Rect, s: &StartView) {
    const HEADERS: [&str; 5] = ["Item", "Whose", "Model", "Gap", "Matched"];
    if let Some(f) = s.find.as_ref().filter(|f| f.covers_lists()) {
        return finder::draw(frame, main, f, &HEADERS);
    }
    // Border and header, then a row each.
    let wants = [s.table_len() as u16 + 3, s.mine.len().max(1) as u16 + 3];
    let [top, bottom] = panels::stack(main, wants);
    draw_disputes(frame, top, s);
    draw_mine(frame, bottom, s);
    if let Some(f) = &s.find {
        finder::draw(frame, main, f, &HEADERS);
    }
}

fn draw_disputes(frame: &mut Frame, area: Rect, s: &StartView) {
    let focused = s.focus == Focus::Disputes;
    let title = match s.threshold {
        Some(t) => format!("AI-judge disputes: scores more than {t} apart · Enter takes the next"),
        None => "AI-judge disputes".to_string(),
    };
    let b = block(&title, focused, area.width);
    if !s.loaded {
        frame.render_widget(Paragraph::new("Loading…").block(b), area);
        return;
    }
    // Numbers: responses 9, disputes 8, decided 7, in progress 11, waiting 7, and gaps.
    let name_w = area.width.saturating_sub(2 + 9 + 8 + 7 + 11 + 7 + 7) as usize;
    let ds_w = (name_w * 3 / 5).max(4);
    let model_w = name_w.saturating_sub(ds_w + 1).max(4);
    let total = |f: fn(&DisputeCount) -> u64| s.counts.iter().map(f).sum::<u64>();
    let mut rows = vec![Row::new(vec![
        Cell::from(text::truncate("All datasets", ds_w)),
        Cell::from(""),
        Cell::from(format!("{:>9}", total(|c| c.responses))),
        Cell::from(format!("{:>8}", total(|c| c.disputes))),
        Cell::from(format!("{:>7}", total(|c| c.adjudicated))),
        Cell::from(format!("{:>11}", total(|c| c.in_progress))),
        Cell::from(format!("{:>7}", total(waiting))),
    ])];
    rows.extend(s.counts.iter().map(|c| {
        Row::new(vec![
            Cell::from(text::elide_middle(&c.dataset, ds_w)),
            Cell::from(text::truncate(&c.model, model_w)),
            Cell::from(format!("{:>9}", c.responses)),
            Cell::from(format!("{:>8}", c.disputes)),
            Cell::from(format!("{:>7}", c.adjudicated)),
            Cell::from(format!("{:>11}", c.in_progress)),
            Cell::from(format!("{:>7}", waiting(c))),
        ])
    }));
    let header = Row::new(vec![
        "Dataset",
        "Model",
        "Responses",
        "Disputes",
        "Decided",
        "In progress",
        "Waiting",
    ])
    .style(BOLD);
    let table = Table::new(
        rows,
        [
            Constraint::Length(ds_w as u16),
            Constraint::Length(model_w as u16),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Length(11),
            Constraint::Length(7),
        ],
    )
    .header(header)
    .block(b)
    .row_highlight_style(if focused { HIGHLIGHT } else { Style::new() });
    let mut state = TableState::default().with_selected(Some(s.selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    panels::draw_more(frame, area, s.table_len(), state.offset(), shown);
}

fn draw_mine(frame: &mut Frame, area: Rect, s: &StartView) {
    let focused = s.focus == Focus::Mine;
    let b = block(
        "My adjudications · Enter reopens (finish a draft or change a decision)",
        focused,
        area.width,
    );
    if s.mine.is_empty() {
        let p = Paragraph::new(Line::from("No adjudications yet.")).block(b);
        frame.render_widget(p, area);
        return;
    }
    // The dataset, model, status and time columns as wide as they need (the dataset and
    // the model at most 16); the id gets the rest and loses its middle, never its end.
    let widest = |f: fn(&MyAdjudication) -> &str, least: usize| {
        s.mine
            .iter()
            .map(|m| text::width(f(m)))
            .max()
            .unwrap_or(0)
            .clamp(least, 16)
    };
    let ds_w = widest(|m| &m.dataset, 7);
    let model_w = widest(|m| &m.model, 5);
    let fixed = 2 + ds_w + model_w + 10 + 16 + 4;
    let id_w = (area.width as usize).saturating_sub(fixed).max(8);
    let rows = s.mine.iter().map(|m| {
        let (status, style) = match m.status {
            ReviewStatus::Claimed => ("draft", Style::new().fg(Color::Yellow)),
            // Submitted, with a change kept as a draft beside it (not resubmitted).
            ReviewStatus::Submitted if m.changed => ("changed", Style::new().fg(Color::Yellow)),
            ReviewStatus::Submitted => ("submitted", Style::new().fg(Color::Green)),
        };
        Row::new(vec![
            Cell::from(text::elide_middle(&m.item_id, id_w)),
            Cell::from(text::elide_middle(&m.dataset, ds_w)),
            Cell::from(text::truncate(&m.model, model_w)),
            Cell::from(status).style(style),
            Cell::from(text::short_time(&m.updated_at)),
        ])
    });
    let header = Row::new(vec!["Item", "Dataset", "Model", "Status", "Updated"]).style(BOLD);
    let table = Table::new(
        rows,
        [
            Constraint::Min(8),
            Constraint::Length(ds_w as u16),
            Constraint::Length(model_w as u16),
            Constraint::Length(10),
            Constraint::Length(16),
        ],
    )
    .header(header)
    .block(b)
    .row_highlight_style(if focused { HIGHLIGHT } else { Style::new() });
    let mut state = TableState::default().with_selected(Some(s.mine_selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    panels::draw_more(frame, area, s.mine.len(), state.offset(), shown);
}
