//! `draw(&AdjudicateApp)`: the whole frame from the state. Pure: no store, no changes.

use super::app::{AdjudicateApp, View};
use super::dispute::fmt_score;
use super::{dispute_draw, start};
use crate::tui::desk::ConfirmKind;
use crate::tui::frame::{self, Overlays, Unsaved};
use crate::tui::keymap;
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &AdjudicateApp) {
    let overlays = Overlays {
        confirm: app.confirm.map(|kind| confirm_text(app, kind)),
        help: app.help,
    };
    frame::draw(frame, &status_of(app), overlays, |frame, main| {
        match (app.view, &app.dispute) {
            (View::Start, _) => start::draw(frame, main, &app.start),
            (View::Dispute, Some(d)) => dispute_draw::draw(frame, main, d),
            (View::Dispute, None) if app.busy.is_some() => {
                frame::waiting(frame, main, "Getting the dispute…")
            }
            (View::Dispute, None) => {
                frame::waiting(frame, main, "No dispute open. q goes back to the list.")
            }
        }
    });
}

fn confirm_text(app: &AdjudicateApp, kind: ConfirmKind) -> (&'static str, Vec<String>) {
    let open = app.dispute.as_ref().map(|d| d.assignment.adjudication_id);
    match (kind, open) {
        (ConfirmKind::QuitUnsaved, _) => {
            return frame::unsaved_text(&app.draft, Unsaved::Quit, "the disputes");
        }
        (ConfirmKind::LeaveUnsaved, Some(id)) => {
            return frame::unsaved_text(&app.draft, Unsaved::Leave(id), "the disputes");
        }
        _ => {}
    }
    let Some(d) = &app.dispute else {
        return ("Confirm", vec!["Nothing to confirm.".into()]);
    };
    let a = &d.assignment;
    let what = format!("{}'s response to {}", a.model, a.item.id);
    match kind {
        ConfirmKind::Skip => (
            "Skip this dispute?",
            vec![
                format!(
                    "Give the dispute about {what} back? Another expert decides it and you will not get it again."
                ),
                "Your draft of it is dropped.".into(),
            ],
        ),
        ConfirmKind::LeaveUnsaved | ConfirmKind::QuitUnsaved => {
            ("Confirm", vec!["Nothing to confirm.".into()])
        }
        ConfirmKind::Submit => {
            let met: Vec<String> = d
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
            let score = d.content.score.map(fmt_score).unwrap_or_default();
            let judges: Vec<String> = a.judges.iter().map(|j| fmt_score(j.score)).collect();
            (
                "Submit decision",
                vec![
                    format!("Submit your decision on {what}?"),
                    format!(
                        "Points met: {met} of {}. Score {score} (judges {}).",
                        d.rubric_len(),
                        judges.join(" / ")
                    ),
                    format!("Reason: {}", d.content.reason),
                ],
            )
        }
    }
}

fn status_of(app: &AdjudicateApp) -> Status<'_> {
    let (place, progress) = match (app.view, &app.dispute) {
        (View::Dispute, Some(d)) => {
            let a = &d.assignment;
            (
                format!("{} › {} · {}", a.dataset, a.item.id, a.model),
                app.start.progress(Some(&a.dataset)),
            )
        }
        (View::Dispute, None) => (
            app.scope.clone().unwrap_or_else(|| "All datasets".into()),
            app.start.progress(app.scope.as_deref()),
        ),
        (View::Start, _) => ("Judge disputes".to_string(), app.start.progress(None)),
    };
    Status {
        who: &app.expert.name,
        place,
        progress,
        save: app.save_state(),
        message: app.message.as_ref().map(|m| (m.text.as_str(), m.error)),
        hint: keymap::hint(app.context()),
    }
}
