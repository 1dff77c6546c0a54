//! The terminal session every screen runs in: the full-screen terminal, the keyboard reader,
//! the store worker and the loop between them. A screen plugs in as a `Session`.

use super::action::Action;
use super::draft::{DraftCommand, DraftReply};
use super::event::{Event, Input};
use super::worker::{Worker, serve_each};
use super::{hung_up, session_gone};
use crate::store::Store;
use anyhow::{Context as _, Result};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, KeyEvent};
use crossterm::terminal::EnterAlternateScreen;
use ratatui::backend::CrosstermBackend;
use ratatui::{Frame, Terminal};
use std::io::{BufWriter, Stdout};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// A screen's state as the loop sees it.
pub trait Session {
    /// The store jobs it hands to the worker.
    type Command: Send + 'static;
    /// What the worker answers each job with.
    type Reply: Send + 'static;
    /// A key, through the key table for where the keyboard is.
    fn handle_key(&mut self, key: KeyEvent);
    fn update(&mut self, action: Action);
    /// The worker's answer to one of the store commands.
    fn reply(&mut self, reply: Self::Reply);
    /// The store commands to send, oldest first.
    fn take_commands(&mut self) -> Vec<Self::Command>;
    fn quitting(&self) -> bool;
    /// The whole frame from the state; pure.
    fn draw(&self, frame: &mut Frame);
    /// Work of the person's the store has not confirmed yet (a draft save unanswered or
    /// failed): leaving waits a little for it.
    fn saving(&self) -> bool {
        false
    }
    /// What the person must be told on leaving: work the store does not have.
    fn not_saved(&self) -> Option<String> {
        None
    }
    /// A store step is on its way whose answer the screen waits for ("loading"): the next
    /// frame waits a moment for it (`LOADING_GRACE`).
    fn waiting(&self) -> bool {
        false
    }
}

/// `Session` for a screen's app from its inherent `handle_key`, `update` and `reply`, with
/// `$draw` for the frame (inherent, so tests call them without the trait). The outbox, the
/// quit flag and the drafts are the inherent `take_commands`, `quitting`, `saving` and
/// `not_saved`; or, with `desk`, those of the app's `desk` field.
macro_rules! impl_session {
    ($app:ty, desk, $command:ty, $reply:ty, $draw:path) => {
        $crate::tui::session::impl_session!(@impl $app, $command, $reply, $draw, {
            fn take_commands(&mut self) -> Vec<$command> {
                self.desk.take_commands()
            }
            fn quitting(&self) -> bool {
                self.desk.quit
            }
            fn saving(&self) -> bool {
                self.desk.saving()
            }
            fn not_saved(&self) -> Option<String> {
                self.desk.not_saved()
            }
            fn waiting(&self) -> bool {
                self.desk.busy.is_some()
            }
        });
    };
    ($app:ty, $command:ty, $reply:ty, $draw:path) => {
        $crate::tui::session::impl_session!(@impl $app, $command, $reply, $draw, {
            fn take_commands(&mut self) -> Vec<$command> {
                <$app>::take_commands(self)
            }
            fn quitting(&self) -> bool {
                <$app>::quitting(self)
            }
            fn saving(&self) -> bool {
                <$app>::saving(self)
            }
            fn not_saved(&self) -> Option<String> {
                <$app>::not_saved(self)
            }
        });
    };
    (@impl $app:ty, $command:ty, $reply:ty, $draw:path, { $($parts:tt)* }) => {
        impl $crate::tui::session::Session for $app {
            type Command = $command;
            type Reply = $reply;
            fn handle_key(&mut self, key: ::crossterm::event::KeyEvent) {
                <$app>::handle_key(self, key)
            }
            fn update(&mut self, action: $crate::tui::action::Action) {
                <$app>::update(self, action)
            }
            fn reply(&mut self, reply: $reply) {
                <$app>::reply(self, reply)
            }
            fn draw(&self, frame: &mut ::ratatui::Frame) {
                $draw(frame, self)
            }
            $($parts)*
        }
    };
}
pub(crate) use impl_session;

/// Runs a screen for `person` on the database at `db` until they quit; SIGHUP and SIGTERM
/// end it cleanly. The worker answers each command with `handle(store, person, command)`.
pub fn run_screen<S: Session>(
    db: &Path,
    person: String,
    handle: fn(&mut Store, &str, S::Command) -> S::Reply,
    make: impl FnOnce((u16, u16)) -> S,
) -> Result<()>
where
    S::Command: DraftCommand,
    S::Reply: DraftReply,
{
    super::ignore_hangup();
    let (tx, rx) = mpsc::channel::<Event<S::Reply>>();
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
                // Best effort: a failed checkpoint only leaves the WAL longer for the next one.
                |s| {
                    let _ = s.checkpoint();
                },
            )
        },
    )?;
    run(worker, tx, rx, make)
}

/// How often the loop checks, when nothing happens, that its terminal is still there.
const SESSION_CHECK: Duration = Duration::from_millis(250);

/// How long the screen holds its next frame while it waits for the store. A submit and the
/// claim of the next item take a millisecond or two: their result then comes in one frame,
/// without "Submitting…" and "Getting the next item…" frames drawn first, each of which
/// would delay it by the time it takes to draw. A slower step shows "loading" after this.
const LOADING_GRACE: Duration = Duration::from_millis(20);

/// How long leaving waits for the store: the queued work, and a failed draft save tried
/// again. Then the process ends whatever the worker is doing (a locked database).
pub const FINISH_WAIT: Duration = Duration::from_secs(3);

/// Runs a screen until it quits: `make` builds its state for the terminal's size. The
/// terminal is restored on every way out (a panic too: `init_terminal` installs a hook that
/// restores it). Then the worker finishes its queued work, for at most `FINISH_WAIT`;
/// work the store did not confirm is reported as an error, on the normal screen again.
pub fn run<S: Session>(
    mut worker: Worker<S::Command>,
    tx: Sender<Event<S::Reply>>,
    rx: Receiver<Event<S::Reply>>,
    make: impl FnOnce((u16, u16)) -> S,
) -> Result<()> {
    let mut terminal = match init_terminal() {
        Ok(t) => t,
        Err(e) => {
            restore_terminal();
            return Err(e).context("starting the full-screen terminal");
        }
    };
    let (result, mut app) = run_loop(&mut terminal, &rx, tx, &worker, make);
    restore_terminal();
    finish(&mut worker, &rx, app.as_mut());
    // Not dropped: a drop shows the cursor and reports a failure with eprintln!, which
    // panics when the terminal went away in the meantime (a hang-up right after `q`).
    let _ = terminal.show_cursor();
    std::mem::forget(terminal);
    // Said even when nobody may read it: the exit status tells too.
    if let Some(text) = app.as_ref().and_then(|a| a.not_saved()) {
        anyhow::bail!(text);
    }
    if session_gone() {
        // Terminated, with the work saved: a failed draw is no news to anyone.
        return Ok(());
    }
    result
}

/// The terminal a screen draws on. Each frame leaves in one write when it is finished
/// (`Terminal::draw` flushes), not in the thousand-byte pieces standard output sends on its
/// own, each a write and a wakeup of the terminal's reader.
type Screen = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Bytes a frame may take before it is written out in parts (a 120x40 frame of Chinese text
/// with its colours is some 20 KB).
const FRAME_BYTES: usize = 1 << 16;

/// The full-screen terminal: raw mode, the alternate screen and bracketed paste on (a paste
/// arrives whole, as one event, instead of as keys). Not ratatui's init(): its panic hook
/// reports a failed restore with eprintln!, which panics inside the hook once the terminal
/// is gone, and a panic there aborts the process. This hook restores without reporting,
/// then says what went wrong as the program's own hook does.
fn init_terminal() -> std::io::Result<Screen> {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        report(info);
    }));
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    // The frames go through a buffer of their own.
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        FRAME_BYTES,
        std::io::stdout(),
    )))
}

/// The terminal as it was: bracketed paste off, the normal screen, cooked mode, failures
/// ignored (the terminal may be gone).
fn restore_terminal() {
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
}

/// Lets the worker finish: while the app has saves unconfirmed, its answers go to the app
/// (which sends a failed save again), then the worker is told to finish; all within
/// `FINISH_WAIT`.
fn finish<S: Session>(
    worker: &mut Worker<S::Command>,
    rx: &Receiver<Event<S::Reply>>,
    app: Option<&mut S>,
) {
    let deadline = Instant::now() + FINISH_WAIT;
    if let Some(app) = app {
        while app.saving() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(left) {
                Ok(Event::Action(a)) => app.update(a),
                Ok(Event::Reply(r)) => app.reply(r),
                Ok(Event::Key(_) | Event::Gone) => {}
                Err(_) => break,
            }
            for cmd in app.take_commands() {
                let _ = worker.send(cmd);
            }
        }
    }
    worker.finish(deadline.saturating_duration_since(Instant::now()));
}

/// The loop and its end: whatever ended it, the last change goes to the worker. Gives back
/// the app (None if it could not be made) with the loop's result.
fn run_loop<S: Session>(
    terminal: &mut Screen,
    rx: &Receiver<Event<S::Reply>>,
    tx: Sender<Event<S::Reply>>,
    worker: &Worker<S::Command>,
    make: impl FnOnce((u16, u16)) -> S,
) -> (Result<()>, Option<S>) {
    let size = match terminal.size() {
        Ok(size) => size,
        Err(e) => return (Err(e).context("reading the terminal size"), None),
    };
    let mut app = make((size.width, size.height));
    let mut input = match Input::spawn(tx) {
        Ok(input) => input,
        Err(e) => return (Err(e).context("starting the keyboard reader"), Some(app)),
    };
    let result = event_loop(terminal, rx, worker, &mut app);
    // Nothing is asked any more: the last change goes to the worker before it finishes.
    app.update(Action::Exit);
    for cmd in app.take_commands() {
        let _ = worker.send(cmd);
    }
    input.stop();
    (result, Some(app))
}

/// Until the app quits or the session is gone (the terminal hung up or closed, SIGHUP,
/// SIGTERM), whatever dialog is open.
fn event_loop<S: Session>(
    terminal: &mut Screen,
    rx: &Receiver<Event<S::Reply>>,
    worker: &Worker<S::Command>,
    app: &mut S,
) -> Result<()> {
    // Since when the screen has been waiting for the store (see `LOADING_GRACE`).
    let mut waiting_since: Option<Instant> = None;
    loop {
        for cmd in app.take_commands() {
            worker.send(cmd)?;
        }
        if app.quitting() || hung_up() {
            return Ok(());
        }
        if app.waiting() {
            let since = *waiting_since.get_or_insert_with(Instant::now);
            let left = (since + LOADING_GRACE).saturating_duration_since(Instant::now());
            if !left.is_zero() {
                match rx.recv_timeout(left) {
                    Ok(ev) => {
                        if !take(app, rx, ev) {
                            return Ok(());
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        anyhow::bail!(
                            "the keyboard reader and the database worker have both stopped"
                        )
                    }
                }
            }
        } else {
            waiting_since = None;
        }
        terminal
            .draw(|f| app.draw(f))
            .context("drawing the screen")?;
        let first = match rx.recv_timeout(SESSION_CHECK) {
            Ok(ev) => ev,
            // The keyboard reader may be caught in the terminal library after a hangup, so
            // the loop looks itself.
            Err(RecvTimeoutError::Timeout) if session_gone() => return Ok(()),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the keyboard reader and the database worker have both stopped")
            }
        };
        if !take(app, rx, first) {
            return Ok(());
        }
    }
}

/// Applies `first` and everything already waiting after it (fast typing, pastes), before
/// the next frame. False when the session is gone.
fn take<S: Session>(app: &mut S, rx: &Receiver<Event<S::Reply>>, first: Event<S::Reply>) -> bool {
    if matches!(first, Event::Gone) {
        return false;
    }
    apply(app, first);
    while !app.quitting() {
        match rx.try_recv() {
            Ok(Event::Gone) => return false,
            Ok(ev) => apply(app, ev),
            Err(_) => break,
        }
    }
    true
}

fn apply<S: Session>(app: &mut S, ev: Event<S::Reply>) {
    match ev {
        Event::Key(k) => app.handle_key(k),
        Event::Action(a) => app.update(a),
        Event::Reply(r) => app.reply(r),
        Event::Gone => {}
    }
}
