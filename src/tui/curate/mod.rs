//! The curator's screen: the curation queue, one item with both reviews side by side,
//! decisions (accept, revise, discard) through a confirm step, an item's history (where a
//! decided item can be reopened) and the agreement statistics. Same loop and guarantees as the review screen (`session.rs`).

pub mod app;
pub mod case;
mod coverage;
pub mod decide;
mod decide_draw;
pub mod history;
pub mod layout;
pub mod queue;
pub mod reopen;
mod reply;
pub mod stats;
mod stats_draw;
pub mod ui;
pub mod worker;

pub use app::CurateApp;

use crate::domain::people::Person;
use crate::tui::session;
use anyhow::Result;
use std::path::Path;

/// How the curation screen starts.
#[derive(Debug, Clone, Default)]
pub struct CurateOptions {
    /// Show only this dataset's items.
    pub dataset: Option<String>,
    /// Show only items sent to curation for this reason (one of `store::REASON_IDS`).
    pub reason: Option<String>,
    /// Show only items where a reviewer chose this department id.
    pub department: Option<String>,
    /// Start with reviewers shown as "Reviewer 1" and "Reviewer 2".
    pub anonymous: bool,
}

/// Runs the curation screen for `curator` on the database at `db` until they quit. The
/// terminal is restored on every way out; SIGHUP and SIGTERM end it cleanly.
pub fn run_curate(db: &Path, curator: Person, options: CurateOptions) -> Result<()> {
    let id = curator.id.clone();
    session::run_screen(db, id, worker::handle, |size| {
        CurateApp::new(curator, options, size)
    })
}

session::impl_session!(CurateApp, worker::Command, worker::Reply, ui::draw);

#[cfg(test)]
mod tests;
