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
use crate::tui::action::Action;
use crate::tui::event::Event;
use crate::tui::session::{self, Session};
use crate::tui::worker::{Worker, serve_each};
use anyhow::Result;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use std::path::Path;
use std::sync::mpsc;

/// Runs the adjudication screen for `expert` on the database at `db`, taking disputes from
/// `dataset` if one is given, until they quit. The terminal is restored on every way out;
/// SIGHUP and SIGTERM end it cleanly with the draft saved.
pub fn run_adjudicate(db: &Path, expert: Person, dataset: Option<String>) -> Result<()> {
    super::ignore_hangup();
    let (tx, rx) = mpsc::channel::<Event>();
    let id = expert.id.clone();
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
        AdjudicateApp::new(expert, dataset, size)
    })
}

impl Session for AdjudicateApp {
    type Command = worker::Command;
    fn handle_key(&mut self, key: KeyEvent) {
        AdjudicateApp::handle_key(self, key)
    }
    fn update(&mut self, action: Action) {
        AdjudicateApp::update(self, action)
    }
    fn take_commands(&mut self) -> Vec<worker::Command> {
        AdjudicateApp::take_commands(self)
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
