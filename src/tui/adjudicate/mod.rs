//! The expert's screen for AI-judge disputes (paper 3.6.2): disputes per dataset and model,
//! then one disputed response at a time, where a physician marks each rubric point met or
//! not, gives an overall score and a short reason. Same loop and guarantees as the review
//! screen (`session.rs`): claims with leases, drafts saved as they are made, SIGHUP and
//! SIGTERM keep the draft.

pub mod app;
pub mod dispute;
mod dispute_draw;
pub mod start;
pub mod ui;
pub mod worker;

pub use app::AdjudicateApp;

use crate::domain::people::Person;
use crate::tui::session;
use anyhow::Result;
use std::path::Path;

/// Runs the adjudication screen for `expert` on the database at `db`, taking disputes from
/// `dataset` if one is given, until they quit. The terminal is restored on every way out;
/// SIGHUP and SIGTERM end it cleanly with the draft saved.
pub fn run_adjudicate(db: &Path, expert: Person, dataset: Option<String>) -> Result<()> {
    let id = expert.id.clone();
    session::run_screen(db, id, worker::handle, |size| {
        AdjudicateApp::new(expert, dataset, size)
    })
}

session::impl_session!(
    AdjudicateApp,
    desk,
    worker::Command,
    worker::Reply,
    ui::draw
);

#[cfg(test)]
mod tests;
