//! The curator's screen: the curation queue, one item with both reviews side by side,
//! decisions (accept, revise, discard) through a confirm step, an item's history and the
//! agreement statistics. Same loop and guarantees as the review screen (`session.rs`).

pub mod app;
pub mod case;
pub mod decide;
mod decide_draw;
pub mod history;
pub mod layout;
pub mod queue;
pub mod ui;
pub mod worker;

pub use app::CurateApp;

use crate::domain::people::Person;
use crate::tui::action::Action;
use crate::tui::event::Event;
use crate::tui::session::{self, Session};
use crate::tui::worker::{Worker, serve_each};
use anyhow::Result;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use std::path::Path;
use std::sync::mpsc;

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
    super::ignore_hangup();
    let (tx, rx) = mpsc::channel::<Event>();
    let id = curator.id.clone();
    // Open the database first, so a wrong path is reported on a normal terminal.
    let worker = Worker::start(
        db.to_path_buf(),
        tx.clone(),
        move |store, commands, events| {
            serve_each(
                store,
                commands,
                events,
                |s, cmd| worker::handle(s, &id, cmd),
                worker::Backend::idle,
            )
        },
    )?;
    session::run(worker, tx, rx, |size| {
        CurateApp::new(curator, options, size)
    })
}

impl Session for CurateApp {
    type Command = worker::Command;
    fn handle_key(&mut self, key: KeyEvent) {
        CurateApp::handle_key(self, key)
    }
    fn update(&mut self, action: Action) {
        CurateApp::update(self, action)
    }
    fn take_commands(&mut self) -> Vec<worker::Command> {
        CurateApp::take_commands(self)
    }
    fn quitting(&self) -> bool {
        self.quit
    }
    fn draw(&self, frame: &mut Frame) {
        ui::draw(frame, self)
    }
}

#[cfg(test)]
mod tests;
