//! The physician's review screen: progress per dataset and their own reviews, then one item
//! at a time, judged against the five criteria, tagged with departments, with an optional
//! corrected item and a comment for the curator; once an item is settled, what became of
//! the review. Claims with leases, drafts saved as they
//! are made, SIGHUP and SIGTERM keep the draft (`session.rs`).

pub mod app;
pub mod item;
mod item_draw;
mod item_input;
pub mod outcome;
pub mod queue;
pub mod ui;
pub mod worker;

pub use app::ReviewApp;

use crate::domain::people::Person;
use crate::tui::session;
use anyhow::Result;
use std::path::Path;

/// Runs the review screen for `reviewer` on the database at `db`, starting in `dataset` if
/// one is given, until they quit. The terminal is restored on every way out.
pub fn run_review(db: &Path, reviewer: Person, dataset: Option<String>) -> Result<()> {
    let id = reviewer.id.clone();
    session::run_screen(db, id, worker::handle, |size| {
        ReviewApp::new(reviewer, dataset, size)
    })
}

session::impl_session!(ReviewApp, desk, worker::Command, worker::Reply, ui::draw);

#[cfg(test)]
mod tests;
