//! `draw(&ReviewApp)`: the whole frame from the app state. Pure: no store, no changes to the
//! state.

use super::app::ReviewApp;
use super::item::ReviewState;
use super::{item, queue};
use crate::domain::review::{Verdict, applicable};
use crate::tui::desk::{self, Dialog, View, WorkView};
use crate::tui::widgets::department_picker::label;
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn draw(frame: &mut Frame, app: &ReviewApp) {
    desk::draw(frame, &app.desk, &status_of(app), |frame, main| {
        queue::draw(frame, main, &app.queue)
    });
}

impl WorkView for ReviewState {
    fn draw(&self, frame: &mut Frame, main: Rect) {
        item::draw(frame, main, self);
    }

    fn skip_dialog(&self) -> Dialog {
        let id = &self.assignment.item.id;
        (
            "Skip this item?",
            vec![
                format!(
                    "Give {id} back? It goes to another reviewer and you will not get it again."
                ),
                "Your draft of it is dropped.".into(),
            ],
        )
    }

    fn submit_dialog(&self) -> Dialog {
        let id = &self.assignment.item.id;
        let crits = applicable(self.body());
        let failed: Vec<&str> = crits
            .iter()
            .filter(|c| matches!(self.content.verdicts.get(c), Some(Verdict::Fail { .. })))
            .map(|c| c.title())
            .collect();
        let verdict = if failed.is_empty() {
            format!("All {} applicable criteria pass.", crits.len())
        } else {
            format!("Fails: {}.", failed.join(", "))
        };
        let depts: Vec<String> = self.content.departments.iter().map(|d| label(d)).collect();
        let mut body = vec![
            format!("Submit your review of {id}?"),
            verdict,
            format!("Departments: {}", depts.join(", ")),
        ];
        if self.content.proposal.is_some() {
            match self.proposal_problems().first() {
                None => body.push("With a proposed correction.".into()),
                Some(first) => body.push(format!(
                    "With a proposed correction that is not a valid item ({first}); the curator sees it as text."
                )),
            }
        }
        ("Submit review", body)
    }
}

fn status_of(app: &ReviewApp) -> Status<'_> {
    let d = &app.desk;
    let (place, progress) = match (d.view, &d.open) {
        (View::Open, Some(r)) => {
            let a = &r.assignment;
            (
                format!("{} › {} · rev {}", a.dataset, a.item.id, a.revision_no),
                app.queue.progress(&a.dataset).unwrap_or_default(),
            )
        }
        (View::Open, None) => (
            d.scope.clone().unwrap_or_default(),
            d.scope
                .as_deref()
                .and_then(|s| app.queue.progress(s))
                .unwrap_or_default(),
        ),
        (View::List, _) => ("Queue".to_string(), app.queue.total_progress()),
    };
    d.status(&app.reviewer.name, place, progress, app.queue.context())
}
