//! `draw(&AdjudicateApp)`: the whole frame from the state. Pure: no store, no changes.

use super::app::AdjudicateApp;
use super::dispute::{DisputeState, fmt_score};
use super::{dispute_draw, start};
use crate::tui::desk::{self, Dialog, View, WorkView};
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn draw(frame: &mut Frame, app: &AdjudicateApp) {
    desk::draw(frame, &app.desk, &status_of(app), |frame, main| {
        start::draw(frame, main, &app.start)
    });
}

impl WorkView for DisputeState {
    fn draw(&self, frame: &mut Frame, main: Rect) {
        dispute_draw::draw(frame, main, self);
    }

    fn skip_dialog(&self) -> Dialog {
        (
            "Skip this dispute?",
            vec![
                format!(
                    "Give the dispute about {} back? Another expert decides it and you will not get it again.",
                    response_name(self)
                ),
                "Your draft of it is dropped.".into(),
            ],
        )
    }

    fn submit_dialog(&self) -> Dialog {
        let score = self.content.score.map(fmt_score).unwrap_or_default();
        let judges: Vec<String> = self
            .assignment
            .judges
            .iter()
            .map(|j| fmt_score(j.score))
            .collect();
        (
            "Submit decision",
            vec![
                format!("Submit your decision on {}?", response_name(self)),
                format!("Rubric points {}.", points_summary(&self.content.points)),
                format!("Score {score} (judges {}).", judges.join(" / ")),
                format!("Reason: {}", self.content.reason),
            ],
        )
    }
}

/// "met: 4; not met: 1, 2, 3": which rubric points are met and which not, by number, with
/// any still unmarked.
pub fn points_summary(points: &[Option<bool>]) -> String {
    let numbers = |want: Option<bool>| -> String {
        let n: Vec<String> = points
            .iter()
            .enumerate()
            .filter(|(_, p)| **p == want)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if n.is_empty() {
            "none".into()
        } else {
            n.join(", ")
        }
    };
    let mut out = format!(
        "met: {}; not met: {}",
        numbers(Some(true)),
        numbers(Some(false))
    );
    if points.iter().any(|p| p.is_none()) {
        out.push_str(&format!("; unmarked: {}", numbers(None)));
    }
    out
}

/// What the dialogs call the disputed response: "GPT-4o's response to q1".
fn response_name(d: &DisputeState) -> String {
    format!(
        "{}'s response to {}",
        d.assignment.model, d.assignment.item.id
    )
}

fn status_of(app: &AdjudicateApp) -> Status<'_> {
    let d = &app.desk;
    let (place, progress) = match (d.view, &d.open) {
        (View::Open, Some(w)) => {
            let a = &w.assignment;
            (
                format!("{} › {} · {}", a.dataset, a.item.id, a.model),
                app.start.progress(Some(&a.dataset)),
            )
        }
        (View::Open, None) => (
            d.scope.clone().unwrap_or_else(|| "All datasets".into()),
            app.start.progress(d.scope.as_deref()),
        ),
        (View::List, _) => ("Judge disputes".to_string(), app.start.progress(None)),
    };
    d.status(&app.expert.name, place, progress, app.start.context())
}
