//! The coverage view (`C` from the queue): per department, what waits for a first and a
//! second review, the physicians qualified for it, the recent pace and the days left, the
//! departments nobody is qualified for first. Read-only; `R` reloads it.

use super::app::{CurateApp, View};
use super::worker::{Command, Job};
use crate::domain::coverage::CoverageRow;
use crate::domain::departments::taxonomy;
use crate::tui::action::Action;
use crate::tui::text;
use crate::tui::widgets::scroll_view::{self, clamp};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The window of the pace, in days.
pub const DAYS: u32 = 7;

#[derive(Debug, Default)]
pub struct CoverageView {
    pub rows: Option<Vec<CoverageRow>>,
    pub scroll: usize,
}

impl CurateApp {
    pub(super) fn load_coverage(&mut self) {
        self.view = View::Coverage;
        self.busy = Some(Job::Coverage);
        self.send(Command::Coverage(self.queue.filter.dataset.clone()));
    }

    pub(super) fn route_coverage(&mut self, action: Action) {
        let vp = scroll_view::viewport(self.main_area());
        let page = vp.height.max(2) as isize - 1;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Refresh => return self.load_coverage(),
            Action::Back => return self.back_to_queue(),
            _ => return,
        };
        let c = &mut self.coverage;
        let total = c
            .rows
            .as_ref()
            .map_or(0, |r| lines(r, vp.width as usize).len());
        c.scroll = clamp(c.scroll, delta, total, vp.height as usize);
    }
}

fn name(r: &CoverageRow) -> String {
    match &r.department {
        None => "No department (anyone)".into(),
        Some(id) => taxonomy()
            .get(id)
            .map_or(id.clone(), |d| format!("{} {}", d.name_en, d.name_zh)),
    }
}

/// The table at `width` columns: departments with something waiting or reviewed; the name
/// cut to fit, the numbers whole.
pub fn lines(rows: &[CoverageRow], width: usize) -> Vec<Line<'static>> {
    const NUMS: [(&str, usize); 5] = [
        ("1st", 6),
        ("2nd", 6),
        ("Qual.", 6),
        ("/day", 7),
        ("Days", 8),
    ];
    let fixed: usize = NUMS.iter().map(|(_, w)| w).sum();
    let name_w = width.saturating_sub(fixed).max(10);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut out = vec![Line::from(Span::styled(
        format!(
            "{}{}",
            text::pad("Department (waiting for a 1st, a 2nd review)", name_w),
            NUMS.iter()
                .map(|(h, w)| format!("{h:>w$}", w = w))
                .collect::<String>()
        ),
        bold,
    ))];
    let shown: Vec<&CoverageRow> = rows
        .iter()
        .filter(|r| r.reviews_needed() > 0 || r.reviews_recent > 0)
        .collect();
    for r in &shown {
        let style = if r.uncovered() {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mark = if r.uncovered() { "! " } else { "" };
        let left = r
            .days_left()
            .map_or("no pace".into(), |d| format!("{d:.1}"));
        let nums = [
            r.waiting_first.to_string(),
            r.waiting_second.to_string(),
            r.qualified.to_string(),
            format!("{:.1}", r.per_day()),
            left,
        ];
        let mut cells = text::pad(
            &text::truncate(&format!("{mark}{}", name(r)), name_w),
            name_w,
        );
        for ((_, w), n) in NUMS.iter().zip(nums) {
            cells.push_str(&format!("{n:>w$}", w = w));
        }
        out.push(Line::from(Span::styled(cells, style)));
    }
    if shown.is_empty() {
        out.push(Line::from(
            "Nothing waits for review and nothing was reviewed this week.",
        ));
    }
    if shown.iter().any(|r| r.uncovered()) {
        out.push(Line::default());
        out.extend(text::wrap_plain(
            "! items wait and no physician's specialties meet them: in a strict dataset nobody \
             can take them. A maintainer adds one with `medcurate people specialty ID --add \
             DEPARTMENT`.",
            Style::new().fg(Color::Red),
            width,
        ));
    }
    out
}

pub fn draw(frame: &mut Frame, main: Rect, app: &CurateApp) {
    let Some(rows) = &app.coverage.rows else {
        return crate::tui::frame::waiting(frame, main, "Counting coverage…");
    };
    let inner = scroll_view::viewport(main);
    let of = match &app.queue.filter.dataset {
        Some(d) => format!("Coverage of {d}, reviews per day over {DAYS} days"),
        None => format!("Coverage, reviews per day over {DAYS} days"),
    };
    let title = text::title(&[&of, "R reload", "q back"], inner.width as usize);
    let lines = lines(rows, inner.width as usize);
    scroll_view::draw(frame, main, &title, &lines, app.coverage.scroll, true);
}
