//! `draw(&ReviewApp)`: the whole frame from the app state. Pure: no store, no changes to the state.

use super::app::{ReviewApp, Screen};
use super::{item, queue};
use crate::domain::review::{Verdict, applicable};
use crate::tui::desk::ConfirmKind;
use crate::tui::frame::{self, Overlays, Unsaved};
use crate::tui::keymap;
use crate::tui::widgets::department_picker::label;
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &ReviewApp) {
    let overlays = Overlays {
        confirm: app.confirm.map(|kind| confirm_text(app, kind)),
        help: app.help,
    };
    frame::draw(frame, &status_of(app), overlays, |frame, main| {
        match (&app.screen, &app.review) {
            (Screen::Queue, _) => queue::draw(frame, main, &app.queue),
            (Screen::Review, Some(r)) => item::draw(frame, main, r),
            (Screen::Review, None) if app.busy.is_some() => {
                frame::waiting(frame, main, "Getting the next item…")
            }
            (Screen::Review, None) => {
                frame::waiting(frame, main, "No item open. q goes back to the queue.")
            }
        }
    });
}

fn confirm_text(app: &ReviewApp, kind: ConfirmKind) -> (&'static str, Vec<String>) {
    let open = app.review.as_ref().map(|r| r.assignment.review_id);
    match (kind, open) {
        (ConfirmKind::QuitUnsaved, _) => {
            return frame::unsaved_text(&app.draft, Unsaved::Quit, "the queue");
        }
        (ConfirmKind::LeaveUnsaved, Some(id)) => {
            return frame::unsaved_text(&app.draft, Unsaved::Leave(id), "the queue");
        }
        _ => {}
    }
    let Some(r) = &app.review else {
        return ("Confirm", vec!["Nothing to confirm.".into()]);
    };
    let id = &r.assignment.item.id;
    match kind {
        ConfirmKind::Skip => (
            "Skip this item?",
            vec![
                format!(
                    "Give {id} back? It goes to another reviewer and you will not get it again."
                ),
                "Your draft of it is dropped.".into(),
            ],
        ),
        ConfirmKind::LeaveUnsaved | ConfirmKind::QuitUnsaved => {
            ("Confirm", vec!["Nothing to confirm.".into()])
        }
        ConfirmKind::Submit => {
            let crits = applicable(r.body());
            let failed: Vec<&str> = crits
                .iter()
                .filter(|c| matches!(r.content.verdicts.get(c), Some(Verdict::Fail { .. })))
                .map(|c| c.title())
                .collect();
            let verdict = if failed.is_empty() {
                format!("All {} applicable criteria pass.", crits.len())
            } else {
                format!("Fails: {}.", failed.join(", "))
            };
            let depts: Vec<String> = r.content.departments.iter().map(|d| label(d)).collect();
            let mut body = vec![
                format!("Submit your review of {id}?"),
                verdict,
                format!("Departments: {}", depts.join(", ")),
            ];
            if r.content.proposal.is_some() {
                body.push("With a proposed correction.".into());
            }
            ("Submit review", body)
        }
    }
}

fn status_of(app: &ReviewApp) -> Status<'_> {
    let (place, progress) = match (&app.screen, &app.review) {
        (Screen::Review, Some(r)) => {
            let a = &r.assignment;
            (
                format!("{} › {} · rev {}", a.dataset, a.item.id, a.revision_no),
                app.queue.progress(&a.dataset).unwrap_or_default(),
            )
        }
        (Screen::Review, None) => (
            app.dataset.clone().unwrap_or_default(),
            app.dataset
                .as_deref()
                .and_then(|d| app.queue.progress(d))
                .unwrap_or_default(),
        ),
        (Screen::Queue, _) => ("Queue".to_string(), app.queue.total_progress()),
    };
    Status {
        who: &app.reviewer.name,
        place,
        progress,
        save: app.save_state(),
        message: app.message.as_ref().map(|m| (m.text.as_str(), m.error)),
        hint: keymap::hint(app.context()),
    }
}
