//! The store worker: the only thread that touches the database. It owns its own `Store`,
//! takes a screen's commands in order over a channel, and answers each on the event
//! channel, so a keystroke never waits on disk. Each screen's `worker.rs` says what its
//! commands do.

use super::draft::{DraftCommand, DraftReply};
use super::event::Event;
use super::thread::Bounded;
use crate::store::{self, Store};
use anyhow::Result;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

/// A store error as a person should read it: what happened, never SQLITE_BUSY.
pub fn user_message(err: &anyhow::Error) -> String {
    if store::is_busy(err) {
        "the database is busy with another writer; try again in a moment".to_string()
    } else {
        err.to_string()
    }
}

/// How long dropping a worker waits for it to finish what is queued.
const DROP_WAIT: Duration = Duration::from_secs(3);

/// The running worker: send it commands; `finish` ends it after the queued commands are done
/// (so a final draft save is not lost), waiting only so long.
pub struct Worker<C> {
    commands: Option<Sender<C>>,
    thread: Option<Bounded>,
}

impl<C: Send + 'static> Worker<C> {
    /// Opens the store on a new thread and waits until it is open, so a bad path or a newer
    /// schema is reported before the terminal changes mode; then `serve` runs there.
    pub fn start<R, F>(db: PathBuf, events: Sender<Event<R>>, serve: F) -> Result<Worker<C>>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store, &Receiver<C>, &Sender<Event<R>>) + Send + 'static,
    {
        let (cmd_tx, cmd_rx) = mpsc::channel::<C>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let mut thread = Bounded::spawn("medcurate-store", move || {
            let mut store = match Store::open_existing(&db) {
                Ok(s) => s,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            if let Err(e) = store.defer_checkpoints() {
                let _ = ready_tx.send(Err(e));
                return;
            }
            let _ = ready_tx.send(Ok(()));
            serve(&mut store, &cmd_rx, &events);
        })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Worker {
                commands: Some(cmd_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                thread.join_within(DROP_WAIT);
                Err(e)
            }
            Err(_) => {
                thread.join_within(DROP_WAIT);
                anyhow::bail!("the database worker stopped before it opened the database")
            }
        }
    }

    pub fn send(&self, cmd: C) -> Result<()> {
        match &self.commands {
            Some(tx) => tx
                .send(cmd)
                .map_err(|_| anyhow::anyhow!("the database worker has stopped")),
            None => anyhow::bail!("the database worker has stopped"),
        }
    }

    /// Lets the worker finish what is queued and waits for it, at most `limit`; true if it
    /// ended. A worker still busy (a locked database) is left to end with the process: its
    /// unfinished transaction is rolled back.
    pub fn finish(&mut self, limit: Duration) -> bool {
        self.commands = None;
        match self.thread.take() {
            Some(mut t) => t.join_within(limit),
            None => true,
        }
    }
}

impl<C> Drop for Worker<C> {
    fn drop(&mut self) {
        self.commands = None;
        if let Some(mut t) = self.thread.take() {
            t.join_within(DROP_WAIT);
        }
    }
}

/// The wait before the draft save that follows a failed one; it doubles with each failure
/// in a row, up to `MAX_BACKOFF`.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// The longest wait between tries of a failing draft save.
pub const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Answers each command with the reply `handle` makes of it, in order, until the command
/// channel closes; `idle` runs whenever the queue is empty.
///
/// After a draft save fails, the next draft save waits (`FIRST_BACKOFF`, doubling up to
/// `MAX_BACKOFF`) so a failing database is retried without being hammered. The wait ends
/// early when another command arrives (it runs after the save) or the channel closes.
pub fn serve_each<S, C: DraftCommand, R: DraftReply>(
    store: &mut S,
    commands: &Receiver<C>,
    events: &Sender<Event<R>>,
    mut handle: impl FnMut(&mut S, C) -> R,
    mut idle: impl FnMut(&mut S),
) {
    // When a failing save may be tried again, and the wait that led there.
    let mut backoff: Option<(Instant, Duration)> = None;
    let mut early: VecDeque<C> = VecDeque::new();
    while let Ok(first) = commands.recv() {
        let mut next = Some(first);
        while let Some(cmd) = next.take() {
            let save = cmd.saves_draft().is_some();
            if save
                && let Some((due, _)) = backoff
                && let Some(c) = wait_until(commands, due)
            {
                early.push_back(c);
            }
            let reply = handle(store, cmd);
            if save {
                backoff = reply.is_save_failure().then(|| {
                    let wait = backoff.map_or(FIRST_BACKOFF, |(_, w)| (w * 2).min(MAX_BACKOFF));
                    (Instant::now() + wait, wait)
                });
            }
            // The screen may already be gone (quitting); the work is done either way.
            let _ = events.send(Event::Reply(reply));
            next = early.pop_front().or_else(|| commands.try_recv().ok());
        }
        idle(store);
    }
}

/// Waits until `due`, or until a command arrives (returned) or the channel closes.
fn wait_until<C>(commands: &Receiver<C>, due: Instant) -> Option<C> {
    let left = due.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return None;
    }
    // A timeout or a closed channel: the wait is over either way.
    commands.recv_timeout(left).ok()
}
