//! The review screen's store jobs: what the screen asks the worker thread for, and what
//! comes back. Only the worker runs these; the screen never waits on disk.

use crate::domain::find::Query;
use crate::domain::review::ReviewContent;
use crate::store::{Assignment, Found, MyReview, QueueRow, ReviewOutcome, Store, SubmitOutcome};
use crate::tui::desk::{Commands, Step};
use crate::tui::draft::{DraftCommand, DraftReply};
use crate::tui::event::Event;
use crate::tui::worker::{serve_each, user_message};
use anyhow::Result;
use std::sync::mpsc::{Receiver, Sender};

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
    /// Throw away the change to a submitted review; it loads as it was submitted.
    DiscardChange(i64),
    /// Find among the reviewer's own reviews.
    Find(Query),
    /// Load what became of one of the reviewer's settled reviews.
    Outcome(i64),
}

impl DraftCommand for Command {
    fn saves_draft(&self) -> Option<i64> {
        match self {
            Command::SaveDraft(id, _) => Some(*id),
            _ => None,
        }
    }
}

impl Commands for Command {
    fn reload() -> Vec<Command> {
        vec![Command::Queue, Command::MyReviews]
    }
    /// The status bar's progress; the reviewer's own reviews wait for the queue screen.
    fn progress() -> Vec<Command> {
        vec![Command::Queue]
    }
    fn claim(scope: Option<String>) -> Command {
        Command::ClaimNext(scope)
    }
    fn open(id: i64) -> Command {
        Command::Open(id)
    }
    fn release(id: i64) -> Command {
        Command::Release(id)
    }
    fn discard_change(id: i64) -> Command {
        Command::DiscardChange(id)
    }
}

/// A store job, named so a failure can say which job failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Loading the per-dataset progress.
    Queue,
    /// Loading the reviewer's own reviews.
    MyReviews,
    /// Claiming (or resuming) an item.
    Claim,
    /// Opening one of the reviewer's own reviews.
    Open,
    /// Submitting the review.
    Submit,
    /// Giving the item back.
    Release,
    /// Throwing away a change to a submitted review.
    Discard,
    /// Searching the reviewer's own reviews.
    Find,
    /// Loading what became of a settled review.
    Outcome,
}

impl Job {
    /// The desk's step this job is, if it is one.
    pub fn step(self) -> Option<Step> {
        match self {
            Job::Queue | Job::MyReviews | Job::Find | Job::Outcome => None,
            Job::Claim => Some(Step::Claim),
            Job::Open => Some(Step::Open),
            Job::Submit => Some(Step::Submit),
            Job::Release => Some(Step::Release),
            Job::Discard => Some(Step::Discard),
        }
    }

    /// How messages say it failed.
    pub fn failure(self) -> &'static str {
        match self {
            Job::Queue => "Could not load the queue",
            Job::MyReviews => "Could not load your reviews",
            Job::Claim => "Could not get an item",
            Job::Open => "Could not open the review",
            Job::Submit => "Not submitted",
            Job::Release => "Could not skip",
            Job::Discard => "Could not throw the change away",
            Job::Find => "Could not search your reviews",
            Job::Outcome => "Could not show the outcome",
        }
    }
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The per-dataset progress.
    Queue(Vec<QueueRow>),
    /// The reviewer's own reviews.
    MyReviews(Vec<MyReview>),
    /// An item to review, with the reviewer's draft so far.
    Loaded(Box<Assignment>),
    /// Nothing is left to claim (in this dataset, if one is named).
    NothingLeft(Option<String>),
    /// The draft of this review was saved.
    Saved(i64),
    /// The draft of this review was not saved; the message says why.
    SaveFailed(i64, String),
    /// The review was submitted.
    Submitted(SubmitOutcome),
    /// The item was given back.
    Released,
    /// The reviewer's own reviews matching the query.
    Found(Query, Found<MyReview>),
    /// What became of a settled review.
    Outcome(Box<ReviewOutcome>),
    /// A store job failed; the message says what to do.
    Failed(Job, String),
}

impl DraftReply for Reply {
    fn is_save_failure(&self) -> bool {
        matches!(self, Reply::SaveFailed(..))
    }
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
    fn discard_review_change(&mut self, reviewer: &str, review_id: i64) -> Result<Assignment>;
    fn my_reviews(&self, reviewer: &str) -> Result<Vec<MyReview>>;
    fn find_my_reviews(&self, reviewer: &str, q: &Query) -> Result<Found<MyReview>>;
    fn review_outcome(&self, reviewer: &str, review_id: i64) -> Result<Option<ReviewOutcome>>;
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
    fn discard_review_change(&mut self, reviewer: &str, review_id: i64) -> Result<Assignment> {
        Store::discard_review_change(self, reviewer, review_id)
    }
    fn idle(&mut self) {
        // Best effort: a failed checkpoint only leaves the WAL longer for the next one.
        let _ = self.checkpoint();
    }
    fn my_reviews(&self, reviewer: &str) -> Result<Vec<MyReview>> {
        Store::my_reviews(self, reviewer)
    }
    fn find_my_reviews(&self, reviewer: &str, q: &Query) -> Result<Found<MyReview>> {
        Store::find_my_reviews(self, reviewer, q)
    }
    fn review_outcome(&self, reviewer: &str, review_id: i64) -> Result<Option<ReviewOutcome>> {
        Store::review_outcome(self, reviewer, review_id)
    }
}

/// Runs one command against the store and says what happened.
pub fn handle<B: Backend>(store: &mut B, reviewer: &str, cmd: Command) -> Reply {
    match cmd {
        Command::Queue => match store.review_queue(reviewer) {
            Ok(rows) => Reply::Queue(rows),
            Err(e) => failed(Job::Queue, &e),
        },
        Command::MyReviews => match store.my_reviews(reviewer) {
            Ok(rows) => Reply::MyReviews(rows),
            Err(e) => failed(Job::MyReviews, &e),
        },
        Command::ClaimNext(dataset) => match store.claim_next(reviewer, dataset.as_deref()) {
            Ok(Some(a)) => Reply::Loaded(Box::new(a)),
            Ok(None) => Reply::NothingLeft(dataset),
            Err(e) => failed(Job::Claim, &e),
        },
        Command::Open(id) => match store.open_review(reviewer, id) {
            Ok(Some(a)) => Reply::Loaded(Box::new(a)),
            Ok(None) => Reply::Failed(
                Job::Open,
                format!("review {id} is not one of yours or no longer exists"),
            ),
            Err(e) => failed(Job::Open, &e),
        },
        Command::SaveDraft(id, content) => match store.save_draft(reviewer, id, &content) {
            Ok(()) => Reply::Saved(id),
            Err(e) => Reply::SaveFailed(id, user_message(&e)),
        },
        Command::Submit(id, content) => match store.submit_review(reviewer, id, &content) {
            Ok(outcome) => Reply::Submitted(outcome),
            Err(e) => failed(Job::Submit, &e),
        },
        Command::Release(id) => match store.release_review(reviewer, id) {
            Ok(()) => Reply::Released,
            Err(e) => failed(Job::Release, &e),
        },
        Command::DiscardChange(id) => match store.discard_review_change(reviewer, id) {
            Ok(a) => Reply::Loaded(Box::new(a)),
            Err(e) => failed(Job::Discard, &e),
        },
        Command::Find(q) => match store.find_my_reviews(reviewer, &q) {
            Ok(found) => Reply::Found(q, found),
            Err(e) => failed(Job::Find, &e),
        },
        Command::Outcome(id) => match store.review_outcome(reviewer, id) {
            Ok(Some(o)) => Reply::Outcome(Box::new(o)),
            Ok(None) => Reply::Failed(
                Job::Outcome,
                format!("review {id} is not one of yours or no longer exists"),
            ),
            Err(e) => failed(Job::Outcome, &e),
        },
    }
}

fn failed(job: Job, err: &anyhow::Error) -> Reply {
    Reply::Failed(job, user_message(err))
}

/// The worker loop: one command at a time, in order, until the command channel closes.
pub fn serve<B: Backend>(
    store: &mut B,
    reviewer: &str,
    commands: &Receiver<Command>,
    events: &Sender<Event<Reply>>,
) {
    serve_each(
        store,
        commands,
        events,
        |s, cmd| handle(s, reviewer, cmd),
        B::idle,
    );
}
