//! The terminal review screen.
//!
//! One loop: the input thread and the store worker send `Event`s; a key goes through the
//! keymap to an `Action`; `App::update(action)` changes the state and queues store commands;
//! `ui::draw(&App)` draws it. Only the worker thread touches the database, so typing never
//! waits on disk.

pub mod action;
pub mod app;
pub mod event;
pub mod keymap;
pub mod screens;
pub mod text;
pub mod ui;
pub mod widgets;
pub mod worker;

use crate::domain::people::Person;
use action::Action;
use anyhow::{Context as _, Result};
use app::App;
use event::{Event, Input};
use ratatui::DefaultTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use worker::Worker;

/// Runs the review screen for `reviewer` on the database at `db`, starting in `dataset` if
/// one is given, until they quit. The terminal is restored on every way out (a panic too:
/// `ratatui::try_init` installs a hook that restores it).
pub fn run_review(db: &Path, reviewer: Person, dataset: Option<String>) -> Result<()> {
    ignore_hangup();
    let (tx, rx) = mpsc::channel::<Event>();
    // Open the database first, so a wrong path is reported on a normal terminal.
    let mut worker = Worker::spawn(db.to_path_buf(), reviewer.id.clone(), tx.clone())?;
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            let _ = ratatui::try_restore();
            return Err(e).context("starting the full-screen terminal");
        }
    };
    let result = run_loop(&mut terminal, &rx, tx, &worker, reviewer, dataset);
    // Not restore(): it reports a failure with eprintln!, which panics once the terminal
    // is gone.
    let _ = ratatui::try_restore();
    // Waits for queued work, the last draft save included.
    worker.finish();
    if terminal_gone() {
        // Dropping the terminal would try to show the cursor on the dead terminal and report
        // the failure with eprintln!, which panics; the process is about to end anyway.
        std::mem::forget(terminal);
    }
    if session_gone() {
        // Hung up or terminated: the draft is saved, and a failed draw is no news to anyone.
        return Ok(());
    }
    result
}

fn run_loop(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Event>,
    tx: Sender<Event>,
    worker: &Worker,
    reviewer: Person,
    dataset: Option<String>,
) -> Result<()> {
    let size = terminal.size().context("reading the terminal size")?;
    let mut app = App::new(reviewer, dataset, (size.width, size.height));
    let mut input = Input::spawn(tx).context("starting the keyboard reader")?;
    let result = event_loop(terminal, rx, worker, &mut app);
    // Whatever ended the loop, the draft goes to the worker before it is told to finish.
    app.update(Action::Quit);
    for cmd in app.take_commands() {
        let _ = worker.send(cmd);
    }
    input.stop();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Event>,
    worker: &Worker,
    app: &mut App,
) -> Result<()> {
    loop {
        for cmd in app.take_commands() {
            worker.send(cmd)?;
        }
        if app.quit {
            return Ok(());
        }
        terminal
            .draw(|f| ui::draw(f, app))
            .context("drawing the screen")?;
        let first = match rx.recv_timeout(SESSION_CHECK) {
            Ok(ev) => ev,
            // After a hangup the keyboard reader may never return, so the loop looks itself.
            Err(RecvTimeoutError::Timeout) if session_gone() => Event::Action(Action::Quit),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the keyboard reader and the database worker have both stopped")
            }
        };
        apply(app, first);
        // Take everything already waiting before drawing again (fast typing, pastes).
        while !app.quit {
            match rx.try_recv() {
                Ok(ev) => apply(app, ev),
                Err(_) => break,
            }
        }
    }
}

fn apply(app: &mut App, ev: Event) {
    match ev {
        Event::Key(k) => app.handle_key(k),
        Event::Action(a) => app.update(a),
    }
}

#[cfg(test)]
mod tests;

/// Set by SIGHUP (a dropped SSH connection) or SIGTERM.
static HUNG_UP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_hangup(_signal: libc::c_int) {
    HUNG_UP.store(true, Ordering::Relaxed);
}

/// True once the session has been hung up or asked to terminate.
pub fn hung_up() -> bool {
    HUNG_UP.load(Ordering::Relaxed)
}

/// How often the loop checks, when nothing happens, that its terminal is still there.
const SESSION_CHECK: std::time::Duration = std::time::Duration::from_millis(250);

/// The session is over: hung up, asked to terminate, or the terminal no longer answers
/// (a hung-up terminal fails `tcgetattr` even when no SIGHUP arrived).
pub fn session_gone() -> bool {
    hung_up() || terminal_gone()
}

/// The terminal no longer answers: a hung-up terminal fails `tcgetattr`.
fn terminal_gone() -> bool {
    // SAFETY: tcgetattr only writes into the struct we own.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0
    }
}

/// SIGHUP's default action kills the process at once, possibly with the latest draft change
/// still queued, and after a hangup the terminal only returns end-of-file, which the input
/// poll does not report. Instead the signal sets a flag: the input thread sees it, sends Quit,
/// and the last draft is saved before exit. SIGTERM is treated the same way.
fn ignore_hangup() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_hangup as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}
