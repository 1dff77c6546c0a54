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
        let met: Vec<String> = self
            .content
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| **p == Some(true))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        let met = if met.is_empty() {
            "none".to_string()
        } else {
            met.join(", ")
        };
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
                format!(
                    "Points met: {met} of {}. Score {score} (judges {}).",
                    self.rubric_len(),
                    judges.join(" / ")
                ),
                format!("Reason: {}", self.content.reason),
            ],
        )
    }
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
