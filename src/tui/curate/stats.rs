//! The agreement statistics view: which dataset it shows, where it is scrolled, and what the
//! keys do to it. Drawing is in `stats_draw.rs`.

use super::app::CurateApp;
use super::stats_draw::max_scroll;
use crate::domain::agreement::AgreementReport;
use crate::tui::action::Action;

/// The agreement statistics and where they are scrolled to.
#[derive(Debug, Default)]
pub struct StatsView {
    /// The dataset shown; `None` for all.
    pub dataset: Option<String>,
    pub report: Option<AgreementReport>,
    pub scroll: u16,
}

impl CurateApp {
    pub(super) fn route_stats(&mut self, action: Action) {
        let page = self.main_area().height.saturating_sub(3).max(1);
        let s = &mut self.stats;
        match action {
            Action::Up => s.scroll = s.scroll.saturating_sub(1),
            Action::Down => s.scroll = s.scroll.saturating_add(1),
            Action::PageUp => s.scroll = s.scroll.saturating_sub(page),
            Action::PageDown => s.scroll = s.scroll.saturating_add(page),
            Action::Top => s.scroll = 0,
            // Kept to the last page below.
            Action::Bottom => s.scroll = u16::MAX,
            Action::CycleDataset => {
                let names = &self.queue.datasets;
                s.dataset = match s
                    .dataset
                    .as_deref()
                    .and_then(|d| names.iter().position(|n| n == d))
                {
                    None => names.first().cloned(),
                    Some(i) => names.get(i + 1).cloned(),
                };
                s.scroll = 0;
                self.load_stats();
            }
            Action::Refresh => self.load_stats(),
            Action::Back => self.back_to_queue(),
            _ => {}
        }
        // Stop at the last page, so scrolling back up starts at once.
        if let Some(report) = &self.stats.report {
            let max = max_scroll(report, self.stats.dataset.as_deref(), self.main_area());
            self.stats.scroll = self.stats.scroll.min(max);
        }
    }
}
