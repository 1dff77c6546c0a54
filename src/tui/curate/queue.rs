//! The curation queue: the items waiting for a curator under the current filters, the count
//! per reason, and the filters themselves (dataset, reason, department).

use crate::store::{CurationFilter, CurationQueue, CurationRow, REASON_IDS};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::list_cursor;
use crate::tui::text;
use crate::tui::widgets::department_picker::{self, Labels, PickerState, label};
use crate::tui::widgets::{panels, popup};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

#[derive(Debug, Default)]
pub struct QueueView {
    pub filter: CurationFilter,
    pub data: CurationQueue,
    /// The queue has arrived at least once under the current filter.
    pub loaded: bool,
    /// Every dataset's name, for the dataset filter.
    pub datasets: Vec<String>,
    pub selected: usize,
    /// The department filter's picker, while open.
    pub picker: Option<PickerState>,
}

/// What the queue asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueRequest {
    /// The filter changed or a reload was asked for.
    Reload,
    Open(String, String),
    History(String, String),
    Stats,
    /// Show the coverage per department.
    Coverage,
    Quit,
}

impl QueueView {
    pub fn context(&self) -> Context {
        match &self.picker {
            Some(p) if p.searching => Context::Search,
            Some(_) => Context::DepartmentFilter,
            None => Context::CurateQueue,
        }
    }

    /// New rows, if they answer the current filter (an older answer is dropped).
    pub fn set(&mut self, filter: &CurationFilter, data: CurationQueue) {
        if *filter != self.filter {
            return;
        }
        self.data = data;
        self.loaded = true;
        self.selected = list_cursor::keep(self.selected, self.data.rows.len());
    }

    pub fn current(&self) -> Option<&CurationRow> {
        self.data.rows.get(self.selected)
    }

    /// The item to open after `dataset/item_id` is decided: the next row, else the one
    /// before, else none.
    pub fn next_after(&self, dataset: &str, item_id: &str) -> Option<(String, String)> {
        let rows = &self.data.rows;
        let pos = rows
            .iter()
            .position(|r| r.dataset == dataset && r.item_id == item_id);
        let others = match pos {
            Some(p) => rows[p + 1..].iter().chain(rows[..p].iter().rev()).next(),
            None => rows.first(),
        };
        others.map(|r| (r.dataset.clone(), r.item_id.clone()))
    }

    /// Applies an action: a request for the app, or a message for the curator.
    pub fn update(&mut self, action: Action, page: usize) -> Result<Option<QueueRequest>, String> {
        if self.picker.is_some() {
            return Ok(self.update_picker(action, page));
        }
        let len = self.data.rows.len();
        if list_cursor::step_paged(&mut self.selected, len, page.max(1), &action) {
            return Ok(None);
        }
        match action {
            Action::Open | Action::History => {
                let Some(r) = self.current() else {
                    return Err(
                        "No item is selected: the queue is empty under these filters".into(),
                    );
                };
                let (ds, id) = (r.dataset.clone(), r.item_id.clone());
                return Ok(Some(if action == Action::Open {
                    QueueRequest::Open(ds, id)
                } else {
                    QueueRequest::History(ds, id)
                }));
            }
            Action::CycleDataset => {
                if self.datasets.is_empty() {
                    return Err("There are no datasets to choose from yet".into());
                }
                self.filter.dataset = cycle(&self.datasets, self.filter.dataset.as_deref());
                return Ok(Some(self.refiltered()));
            }
            Action::CycleReason => {
                let reasons: Vec<String> = REASON_IDS.iter().map(|r| r.to_string()).collect();
                self.filter.reason = cycle(&reasons, self.filter.reason.as_deref());
                return Ok(Some(self.refiltered()));
            }
            Action::Departments => {
                let mut p = PickerState::default();
                if let Some(d) = &self.filter.department {
                    let ids = department_picker::selectable("");
                    p.cursor = ids.iter().position(|i| i == d).unwrap_or(0);
                }
                self.picker = Some(p);
            }
            Action::ClearFilters => {
                self.filter = CurationFilter::default();
                return Ok(Some(self.refiltered()));
            }
            Action::Stats => return Ok(Some(QueueRequest::Stats)),
            Action::Coverage => return Ok(Some(QueueRequest::Coverage)),
            Action::Refresh => return Ok(Some(QueueRequest::Reload)),
            Action::Back => return Ok(Some(QueueRequest::Quit)),
            _ => {}
        }
        Ok(None)
    }

    fn refiltered(&mut self) -> QueueRequest {
        self.selected = 0;
        self.loaded = false;
        QueueRequest::Reload
    }

    fn update_picker(&mut self, action: Action, page: usize) -> Option<QueueRequest> {
        let p = self.picker.as_mut()?;
        let page = page.max(1) as isize;
        if p.searching {
            p.update_search(action);
            return None;
        }
        match action {
            _ if p.update_list(&action, page) => {}
            Action::Cancel => self.picker = None,
            Action::ToggleDepartment => {
                let id = p.current()?;
                self.picker = None;
                self.filter.department = Some(id.to_string());
                return Some(self.refiltered());
            }
            Action::ClearFilters => {
                self.picker = None;
                self.filter.department = None;
                return Some(self.refiltered());
            }
            _ => {}
        }
        None
    }

    /// "Dataset: CMExam · Reason: all · Department: Cardiology 心血管内科".
    pub fn filter_text(&self) -> String {
        let f = &self.filter;
        format!(
            "Dataset: {} · Reason: {} · Department: {}",
            f.dataset.as_deref().unwrap_or("all"),
            f.reason.as_deref().unwrap_or("all"),
            f.department.as_deref().map_or("all".to_string(), label)
        )
    }
}

/// The value after `current` in `all`, then none (all), then the first again.
fn cycle(all: &[String], current: Option<&str>) -> Option<String> {
    match current.and_then(|c| all.iter().position(|a| a == c)) {
        None => all.first().cloned(),
        Some(i) => all.get(i + 1).cloned(),
    }
}

const HIGHLIGHT: Style = Style::new().add_modifier(Modifier::REVERSED);
const DIM: Style = Style::new().fg(Color::DarkGray);
const KEY: Style = Style::new().fg(Color::Yellow);

/// The queue's rows a page holds (for PgUp/PgDn), in a main area `height` rows high.
pub fn page_rows(height: u16) -> usize {
    height.saturating_sub(6) as usize
}

pub fn draw(frame: &mut Frame, main: Rect, q: &QueueView) {
    let [head, table] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(main);
    draw_head(frame, head, q);
    draw_rows(frame, table, q);
    if let Some(p) = &q.picker {
        let width = if main.width < 90 { main.width } else { 78 };
        let rect = popup(frame, main, width, main.height);
        let chosen: Vec<String> = q.filter.department.iter().cloned().collect();
        let head = format!(
            "Showing: {}",
            q.filter
                .department
                .as_deref()
                .map_or("every department".into(), label)
        );
        let labels = Labels {
            title: " Filter by department 按科室筛选 ",
            head,
            hint: " Enter show only this · / search · u every department · Esc close ",
        };
        department_picker::draw_with(frame, rect, p, &chosen, &[], &labels);
    }
}

fn draw_head(frame: &mut Frame, area: Rect, q: &QueueView) {
    let block = Block::bordered()
        .border_style(DIM)
        .title(" Filters: d dataset · r reason · t department · u clear ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let mut counts = vec![
        Span::styled(
            format!("Waiting {}", q.data.waiting),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(" │ ", DIM),
    ];
    for (i, (reason, n)) in q.data.by_reason.iter().enumerate() {
        if i > 0 {
            counts.push(Span::styled(" · ", DIM));
        }
        let on = q.filter.reason.as_deref() == Some(reason);
        let style = if on {
            KEY.add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        counts.push(Span::styled(format!("{reason} {n}"), style));
    }
    let shown = q.data.rows.len() as u64;
    if shown < q.data.matching {
        counts.push(Span::styled(
            format!(" │ first {shown} of {}", q.data.matching),
            DIM,
        ));
    }
    let lines = vec![
        Line::from(Span::raw(text::truncate(&q.filter_text(), w))),
        fit(counts, w),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Spans cut to `width` columns.
fn fit(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let w = text::width(&s.content);
        if used + w > width {
            out.push(Span::styled(
                text::truncate(&s.content, width - used),
                s.style,
            ));
            break;
        }
        used += w;
        out.push(s);
    }
    Line::from(out)
}

fn draw_rows(frame: &mut Frame, area: Rect, q: &QueueView) {
    let title = format!(" Waiting for a curator: {} ", q.data.matching);
    let block = Block::bordered()
        .border_style(Style::new().fg(Color::Cyan))
        .title(text::truncate(
            &title,
            area.width.saturating_sub(2) as usize,
        ));
    if q.data.rows.is_empty() {
        let msg = if !q.loaded {
            "Loading…"
        } else if q.filter == CurationFilter::default() {
            "Nothing is waiting for a curator."
        } else {
            "Nothing waiting under these filters (u clears them)."
        };
        frame.render_widget(Paragraph::new(msg).block(block), area);
        return;
    }
    // The dataset, revision and time as wide as they need; the id and the reasons share the
    // rest, the id losing its middle (never its end, which tells items apart).
    let inner_w = area.width.saturating_sub(2) as usize;
    let ds_w = q
        .data
        .rows
        .iter()
        .map(|r| text::width(&r.dataset))
        .max()
        .unwrap_or(0)
        .clamp(7, 16);
    let rest = inner_w.saturating_sub(ds_w + 4 + 16 + 4);
    let item_w = (rest / 2).clamp(12, 40);
    let reasons_w = rest.saturating_sub(item_w).max(8);
    let rows = q.data.rows.iter().map(|r| {
        Row::new(vec![
            Cell::from(text::elide_middle(&r.item_id, item_w)),
            Cell::from(text::elide_middle(&r.dataset, ds_w)),
            Cell::from(format!("{:>3}", r.revision_no)),
            Cell::from(text::truncate(&r.reasons.join(", "), reasons_w))
                .style(Style::new().fg(Color::Yellow)),
            Cell::from(text::short_time(&r.since)),
        ])
    });
    let header = Row::new(vec!["Item", "Dataset", "Rev", "Reasons", "Since"])
        .style(Style::new().add_modifier(Modifier::BOLD));
    let table = Table::new(
        rows,
        [
            Constraint::Length(item_w as u16),
            Constraint::Length(ds_w as u16),
            Constraint::Length(4),
            Constraint::Min(8),
            Constraint::Length(16),
        ],
    )
    .header(header)
    .block(block)
    .row_highlight_style(HIGHLIGHT);
    let mut state = TableState::default().with_selected(Some(q.selected));
    frame.render_stateful_widget(table, area, &mut state);
    let shown = panels::table_rows(area);
    panels::draw_more(frame, area, q.data.rows.len(), state.offset(), shown);
}
