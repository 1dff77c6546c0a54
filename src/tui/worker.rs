//! The store worker: the only thread that touches the database. It owns its own `Store`,
//! takes `Command`s in order over a channel, and answers each with an `Action` on the event
//! channel, so a keystroke never waits on disk.

use super::action::{Action, Job};
use super::event::Event;
use crate::domain::review::ReviewContent;
use crate::store::{self, Assignment, MyReview, QueueRow, Store, SubmitOutcome};
use anyhow::Result;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Load the per-dataset progress.
    Queue,
    /// Load the reviewer's own reviews.
    MyReviews,
    /// Resume the open claim or claim a new item (in this dataset, if given).
    ClaimNext(Option<String>),
    /// Open one of the reviewer's own reviews.
    Open(i64),
    /// Save the draft of a review.
    SaveDraft(i64, ReviewContent),
    /// Submit a review.
    Submit(i64, ReviewContent),
    /// Give the item back.
    Release(i64),
}

/// What the worker needs from a store; `Store` is the real one, tests use a fake.
pub trait Backend {
    fn review_queue(&self, reviewer: &str) -> Result<Vec<QueueRow>>;
    fn claim_next(&mut self, reviewer: &str, dataset: Option<&str>) -> Result<Option<Assignment>>;
    fn open_review(&mut self, reviewer: &str, review_id: i64) -> Result<Option<Assignment>>;
    fn save_draft(&mut self, reviewer: &str, review_id: i64, content: &ReviewContent)
    -> Result<()>;
    fn submit_review(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<SubmitOutcome>;
    fn release_review(&mut self, reviewer: &str, review_id: i64) -> Result<()>;
    fn my_reviews(&self, reviewer: &str) -> Result<Vec<MyReview>>;
    /// Nothing is queued: a moment for housekeeping while the reviewer reads.
    fn idle(&mut self) {}
}

impl Backend for Store {
    fn review_queue(&self, reviewer: &str) -> Result<Vec<QueueRow>> {
        Store::review_queue(self, reviewer)
    }
    fn claim_next(&mut self, reviewer: &str, dataset: Option<&str>) -> Result<Option<Assignment>> {
        Store::claim_next(self, reviewer, dataset)
    }
    fn open_review(&mut self, reviewer: &str, review_id: i64) -> Result<Option<Assignment>> {
        Store::open_review(self, reviewer, review_id)
    }
    fn save_draft(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<()> {
        Store::save_draft(self, reviewer, review_id, content)
    }
    fn submit_review(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<SubmitOutcome> {
        Store::submit_review(self, reviewer, review_id, content)
    }
    fn release_review(&mut self, reviewer: &str, review_id: i64) -> Result<()> {
        Store::release_review(self, reviewer, review_id)
    }
    fn idle(&mut self) {
        // Best effort: a failed checkpoint only leaves the WAL longer for the next one.
        let _ = self.checkpoint();
    }
    fn my_reviews(&self, reviewer: &str) -> Result<Vec<MyReview>> {
        Store::my_reviews(self, reviewer)
    }
}

/// Runs one command against the store and says what happened.
pub fn handle<B: Backend>(store: &mut B, reviewer: &str, cmd: Command) -> Action {
    match cmd {
        Command::Queue => match store.review_queue(reviewer) {
            Ok(rows) => Action::QueueLoaded(rows),
            Err(e) => failed(Job::Queue, &e),
        },
        Command::MyReviews => match store.my_reviews(reviewer) {
            Ok(rows) => Action::MyReviewsLoaded(rows),
            Err(e) => failed(Job::MyReviews, &e),
        },
        Command::ClaimNext(dataset) => match store.claim_next(reviewer, dataset.as_deref()) {
            Ok(Some(a)) => Action::Loaded(Box::new(a)),
            Ok(None) => Action::NothingLeft(dataset),
            Err(e) => failed(Job::Claim, &e),
        },
        Command::Open(id) => match store.open_review(reviewer, id) {
            Ok(Some(a)) => Action::Loaded(Box::new(a)),
            Ok(None) => Action::Failed(
                Job::Open,
                format!("review {id} is not one of yours or no longer exists"),
            ),
            Err(e) => failed(Job::Open, &e),
        },
        Command::SaveDraft(id, content) => match store.save_draft(reviewer, id, &content) {
            Ok(()) => Action::Saved(id),
            Err(e) => failed(Job::Save, &e),
        },
        Command::Submit(id, content) => match store.submit_review(reviewer, id, &content) {
            Ok(outcome) => Action::Submitted(outcome),
            Err(e) => failed(Job::Submit, &e),
        },
        Command::Release(id) => match store.release_review(reviewer, id) {
            Ok(()) => Action::Released,
            Err(e) => failed(Job::Release, &e),
        },
    }
}

/// A store error as a person should read it: what happened, never SQLITE_BUSY.
pub fn user_message(err: &anyhow::Error) -> String {
    if store::is_busy(err) {
        "the database is busy with another writer; try again in a moment".to_string()
    } else {
        err.to_string()
    }
}

fn failed(job: Job, err: &anyhow::Error) -> Action {
    Action::Failed(job, user_message(err))
}

/// The running worker: send it commands; dropping `commands` and joining ends it after the
/// queued commands are done (so a final draft save is not lost).
pub struct Worker<C = Command> {
    commands: Option<Sender<C>>,
    handle: Option<JoinHandle<()>>,
}

impl<C: Send + 'static> Worker<C> {
    /// Opens the store on a new thread and waits until it is open, so a bad path or a newer
    /// schema is reported before the terminal changes mode; then `serve` runs there.
    pub fn start<F>(db: PathBuf, events: Sender<Event>, serve: F) -> Result<Worker<C>>
    where
        F: FnOnce(&mut Store, &Receiver<C>, &Sender<Event>) + Send + 'static,
    {
        let (cmd_tx, cmd_rx) = mpsc::channel::<C>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let handle = thread::Builder::new()
            .name("medcurate-store".into())
            .spawn(move || {
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
                handle: Some(handle),
            }),
            Ok(Err(e)) => {
                let _ = handle.join();
                Err(e)
            }
            Err(_) => {
                let _ = handle.join();
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

    /// Lets the worker finish what is queued, then waits for it.
    pub fn finish(&mut self) {
        self.commands = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl<C> Drop for Worker<C> {
    fn drop(&mut self) {
        self.commands = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The worker loop: one command at a time, in order, until the command channel closes.
pub fn serve<B: Backend>(
    store: &mut B,
    reviewer: &str,
    commands: &Receiver<Command>,
    events: &Sender<Event>,
) {
    serve_each(
        store,
        commands,
        events,
        |s, cmd| handle(s, reviewer, cmd),
        B::idle,
    );
}

/// Answers each command with the action `handle` makes of it, in order, until the command
/// channel closes; `idle` runs whenever the queue is empty.
pub fn serve_each<S, C>(
    store: &mut S,
    commands: &Receiver<C>,
    events: &Sender<Event>,
    mut handle: impl FnMut(&mut S, C) -> Action,
    mut idle: impl FnMut(&mut S),
) {
    while let Ok(first) = commands.recv() {
        let mut next = Some(first);
        while let Some(cmd) = next.take() {
            let action = handle(store, cmd);
            // The screen may already be gone (quitting); the work is done either way.
            let _ = events.send(Event::Action(action));
            next = commands.try_recv().ok();
        }
        idle(store);
    }
}
