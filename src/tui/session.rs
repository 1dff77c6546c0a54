//! The terminal session every screen runs in: the full-screen terminal, the keyboard reader,
//! the store worker and the loop between them. A screen plugs in as a `Session`.

use super::action::Action;
use super::app::App;
use super::event::{Event, Input};
use super::worker::{self, Backend, Worker, serve_each};
use super::{session_gone, terminal_gone, ui};
use crate::store::Store;
use anyhow::{Context as _, Result};
use crossterm::event::KeyEvent;
use ratatui::{DefaultTerminal, Frame};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};

/// A screen's state as the loop sees it.
pub trait Session {
    /// The store jobs it hands to the worker.
    type Command: Send + 'static;
    /// A key, through the key table for where the keyboard is.
    fn handle_key(&mut self, key: KeyEvent);
    fn update(&mut self, action: Action);
    /// The store commands to send, oldest first.
    fn take_commands(&mut self) -> Vec<Self::Command>;
    fn quitting(&self) -> bool;
    /// The whole frame from the state; pure.
    fn draw(&self, frame: &mut Frame);
}

/// `Session` for a screen's app from its parts: the inherent `handle_key`, `update` and
/// `take_commands`, the `quit` flag, and `$draw` for the frame.
macro_rules! impl_session {
    ($app:ty, $command:ty, $draw:path) => {
        impl $crate::tui::session::Session for $app {
            type Command = $command;
            fn handle_key(&mut self, key: ::crossterm::event::KeyEvent) {
                <$app>::handle_key(self, key)
            }
            fn update(&mut self, action: $crate::tui::action::Action) {
                <$app>::update(self, action)
            }
            fn take_commands(&mut self) -> Vec<$command> {
                <$app>::take_commands(self)
            }
            fn quitting(&self) -> bool {
                self.quit
            }
            fn draw(&self, frame: &mut ::ratatui::Frame) {
                $draw(frame, self)
            }
        }
    };
}
pub(crate) use impl_session;

impl_session!(App, worker::Command, ui::draw);

/// Runs a screen for `person` on the database at `db` until they quit; SIGHUP and SIGTERM
/// end it cleanly. The worker answers each command with `handle(store, person, command)`.
pub fn run_screen<S: Session>(
    db: &Path,
    person: String,
    handle: fn(&mut Store, &str, S::Command) -> Action,
    make: impl FnOnce((u16, u16)) -> S,
) -> Result<()> {
    super::ignore_hangup();
    let (tx, rx) = mpsc::channel::<Event>();
    // Open the database first, so a wrong path is reported on a normal terminal.
    let worker = Worker::start(
        db.to_path_buf(),
        tx.clone(),
        move |store, commands, events| {
            serve_each(
                store,
                commands,
                events,
                |s, cmd| handle(s, &person, cmd),
                <Store as Backend>::idle,
            )
        },
    )?;
    run(worker, tx, rx, make)
}

/// How often the loop checks, when nothing happens, that its terminal is still there.
const SESSION_CHECK: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs a screen until it quits: `make` builds its state for the terminal's size. The
/// terminal is restored on every way out (a panic too: `ratatui::try_init` installs a hook
/// that restores it), and the worker finishes its queued work before this returns.
pub fn run<S: Session>(
    mut worker: Worker<S::Command>,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    make: impl FnOnce((u16, u16)) -> S,
) -> Result<()> {
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            let _ = ratatui::try_restore();
            return Err(e).context("starting the full-screen terminal");
        }
    };
    let result = run_loop(&mut terminal, &rx, tx, &worker, make);
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
        // Hung up or terminated: the work is saved, and a failed draw is no news to anyone.
        return Ok(());
    }
    result
}

fn run_loop<S: Session>(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Event>,
    tx: Sender<Event>,
    worker: &Worker<S::Command>,
    make: impl FnOnce((u16, u16)) -> S,
) -> Result<()> {
    let size = terminal.size().context("reading the terminal size")?;
    let mut app = make((size.width, size.height));
    let mut input = Input::spawn(tx).context("starting the keyboard reader")?;
    let result = event_loop(terminal, rx, worker, &mut app);
    // Whatever ended the loop, the last work goes to the worker before it is told to finish.
    app.update(Action::Quit);
    for cmd in app.take_commands() {
        let _ = worker.send(cmd);
    }
    input.stop();
    result
}

fn event_loop<S: Session>(
    terminal: &mut DefaultTerminal,
    rx: &Receiver<Event>,
    worker: &Worker<S::Command>,
    app: &mut S,
) -> Result<()> {
    loop {
        for cmd in app.take_commands() {
            worker.send(cmd)?;
        }
        if app.quitting() {
            return Ok(());
        }
        terminal
            .draw(|f| app.draw(f))
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
        while !app.quitting() {
            match rx.try_recv() {
                Ok(ev) => apply(app, ev),
                Err(_) => break,
            }
        }
    }
}

fn apply<S: Session>(app: &mut S, ev: Event) {
    match ev {
        Event::Key(k) => app.handle_key(k),
        Event::Action(a) => app.update(a),
    }
}
