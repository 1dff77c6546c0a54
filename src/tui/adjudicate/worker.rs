//! The adjudication screen's store jobs: what the screen asks the worker thread for, and what
//! comes back. Only the worker runs these; the screen never waits on disk.

use crate::domain::find::Query;
use crate::domain::judge::Adjudication;
use crate::store::{DisputeAssignment, DisputeCount, Found, FoundDispute, MyAdjudication, Store};
use crate::tui::desk::{Commands, Step};
use crate::tui::draft::{DraftCommand, DraftReply};
use crate::tui::worker::user_message;
use anyhow::Result;

/// A job for the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Load the disputes per dataset and model, with the threshold.
    Overview,
    /// Load the expert's own adjudications.
    Mine,
    /// Resume the open claim or claim the next dispute (in this dataset, if given).
    ClaimNext(Option<String>),
    /// Open one of the expert's own adjudications.
    Open(i64),
    /// Save the draft of an adjudication.
    SaveDraft(i64, Adjudication),
    /// Submit (or change) a decision.
    Submit(i64, Adjudication),
    /// Give the dispute back.
    Release(i64),
    /// Throw away the change to a submitted decision; it loads as it was submitted.
    DiscardChange(i64),
    /// Find among the disputes the expert may take and their own adjudications.
    Find(Query),
    /// Claim the dispute on this response, which the expert chose.
    ClaimThis(i64),
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
        vec![Command::Overview, Command::Mine]
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

/// Which job failed, so the message can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Overview,
    Mine,
    Claim,
    Open,
    Submit,
    Release,
    Discard,
    Find,
}

impl Job {
    /// The desk's step this job is, if it is one.
    pub fn step(self) -> Option<Step> {
        match self {
            Job::Overview | Job::Mine | Job::Find => None,
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
            Job::Overview => "Could not load the disputes",
            Job::Mine => "Could not load your adjudications",
            Job::Claim => "Could not get a dispute",
            Job::Open => "Could not open the adjudication",
            Job::Submit => "Not submitted",
            Job::Release => "Could not give the dispute back",
            Job::Discard => "Could not throw the change away",
            Job::Find => "Could not search the disputes",
        }
    }
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Overview {
        threshold: f64,
        counts: Vec<DisputeCount>,
    },
    Mine(Vec<MyAdjudication>),
    /// A dispute to decide, with the expert's decision so far.
    Loaded(Box<DisputeAssignment>),
    /// Nothing is left to claim (in this dataset, if one is named).
    NothingLeft(Option<String>),
    /// The draft of this adjudication was saved.
    Saved(i64),
    /// The draft of this adjudication was not saved; the message says why.
    SaveFailed(i64, String),
    Submitted(i64),
    Released(i64),
    /// The disputes matching the query.
    Found(Query, Found<FoundDispute>),
    Failed(Job, String),
}

impl DraftReply for Reply {
    fn is_save_failure(&self) -> bool {
        matches!(self, Reply::SaveFailed(..))
    }
}

/// What the worker needs from a store; `Store` is the real one, tests use a fake.
pub trait Backend {
    fn dispute_threshold(&self) -> Result<f64>;
    fn disputes(&self) -> Result<Vec<DisputeCount>>;
    fn my_adjudications(&self, expert: &str) -> Result<Vec<MyAdjudication>>;
    fn claim_dispute(
        &mut self,
        expert: &str,
        dataset: Option<&str>,
    ) -> Result<Option<DisputeAssignment>>;
    fn open_adjudication(&mut self, expert: &str, id: i64) -> Result<Option<DisputeAssignment>>;
    fn save_adjudication_draft(&mut self, expert: &str, id: i64, a: &Adjudication) -> Result<()>;
    fn submit_adjudication(&mut self, expert: &str, id: i64, a: &Adjudication) -> Result<()>;
    fn release_adjudication(&mut self, expert: &str, id: i64) -> Result<()>;
    fn discard_adjudication_change(&mut self, expert: &str, id: i64) -> Result<DisputeAssignment>;
    fn find_disputes(&self, expert: &str, q: &Query) -> Result<Found<FoundDispute>>;
    fn claim_this_dispute(
        &mut self,
        expert: &str,
        response_id: i64,
    ) -> Result<Option<DisputeAssignment>>;
    /// Nothing is queued: a moment for housekeeping while the expert reads.
    fn idle(&mut self) {}
}

impl Backend for Store {
    fn dispute_threshold(&self) -> Result<f64> {
        Store::dispute_threshold(self)
    }
    fn disputes(&self) -> Result<Vec<DisputeCount>> {
        Store::disputes(self)
    }
    fn my_adjudications(&self, expert: &str) -> Result<Vec<MyAdjudication>> {
        Store::my_adjudications(self, expert)
    }
    fn claim_dispute(
        &mut self,
        expert: &str,
        dataset: Option<&str>,
    ) -> Result<Option<DisputeAssignment>> {
        Store::claim_dispute(self, expert, dataset)
    }
    fn open_adjudication(&mut self, expert: &str, id: i64) -> Result<Option<DisputeAssignment>> {
        Store::open_adjudication(self, expert, id)
    }
    fn save_adjudication_draft(&mut self, expert: &str, id: i64, a: &Adjudication) -> Result<()> {
        Store::save_adjudication_draft(self, expert, id, a)
    }
    fn submit_adjudication(&mut self, expert: &str, id: i64, a: &Adjudication) -> Result<()> {
        Store::submit_adjudication(self, expert, id, a)
    }
    fn release_adjudication(&mut self, expert: &str, id: i64) -> Result<()> {
        Store::release_adjudication(self, expert, id)
    }
    fn discard_adjudication_change(&mut self, expert: &str, id: i64) -> Result<DisputeAssignment> {
        Store::discard_adjudication_change(self, expert, id)
    }
    fn find_disputes(&self, expert: &str, q: &Query) -> Result<Found<FoundDispute>> {
        Store::find_disputes(self, expert, q)
    }
    fn claim_this_dispute(
        &mut self,
        expert: &str,
        response_id: i64,
    ) -> Result<Option<DisputeAssignment>> {
        Store::claim_this_dispute(self, expert, response_id)
    }
    fn idle(&mut self) {
        // Best effort: a failed checkpoint only leaves the WAL longer for the next one.
        let _ = self.checkpoint();
    }
}

/// Runs one command against the store and says what happened.
pub fn handle<B: Backend>(store: &mut B, expert: &str, cmd: Command) -> Reply {
    let fail = |job: Job, e: anyhow::Error| Reply::Failed(job, user_message(&e));
    match cmd {
        Command::Overview => match store
            .dispute_threshold()
            .and_then(|t| Ok((t, store.disputes()?)))
        {
            Ok((threshold, counts)) => Reply::Overview { threshold, counts },
            Err(e) => fail(Job::Overview, e),
        },
        Command::Mine => match store.my_adjudications(expert) {
            Ok(rows) => Reply::Mine(rows),
            Err(e) => fail(Job::Mine, e),
        },
        Command::ClaimNext(dataset) => match store.claim_dispute(expert, dataset.as_deref()) {
            Ok(Some(a)) => Reply::Loaded(Box::new(a)),
            Ok(None) => Reply::NothingLeft(dataset),
            Err(e) => fail(Job::Claim, e),
        },
        Command::Open(id) => match store.open_adjudication(expert, id) {
            Ok(Some(a)) => Reply::Loaded(Box::new(a)),
            Ok(None) => Reply::Failed(
                Job::Open,
                format!("adjudication {id} is not one of yours or no longer exists"),
            ),
            Err(e) => fail(Job::Open, e),
        },
        Command::SaveDraft(id, a) => match store.save_adjudication_draft(expert, id, &a) {
            Ok(()) => Reply::Saved(id),
            Err(e) => Reply::SaveFailed(id, user_message(&e)),
        },
        Command::Submit(id, a) => match store.submit_adjudication(expert, id, &a) {
            Ok(()) => Reply::Submitted(id),
            Err(e) => fail(Job::Submit, e),
        },
        Command::Release(id) => match store.release_adjudication(expert, id) {
            Ok(()) => Reply::Released(id),
            Err(e) => fail(Job::Release, e),
        },
        Command::DiscardChange(id) => match store.discard_adjudication_change(expert, id) {
            Ok(a) => Reply::Loaded(Box::new(a)),
            Err(e) => fail(Job::Discard, e),
        },
        Command::Find(q) => match store.find_disputes(expert, &q) {
            Ok(found) => Reply::Found(q, found),
            Err(e) => fail(Job::Find, e),
        },
        Command::ClaimThis(response_id) => match store.claim_this_dispute(expert, response_id) {
            Ok(Some(a)) => Reply::Loaded(Box::new(a)),
            Ok(None) => Reply::Failed(
                Job::Claim,
                "that dispute is no longer free for you: another expert took it, or you had \
                 it before"
                    .into(),
            ),
            Err(e) => fail(Job::Claim, e),
        },
    }
}
