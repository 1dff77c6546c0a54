//! The curation screen's store jobs: what the screen asks the worker thread for, and what
//! comes back. Only the worker runs these; the screen never waits on disk.

use crate::domain::agreement::AgreementReport;
use crate::domain::coverage::CoverageRow;
use crate::domain::curation::Decision;
use crate::domain::find::Query;
use crate::store::{
    CurationCase, CurationFilter, CurationQueue, DecideOutcome, Found, FoundItem, ItemHistory,
    Store,
};
use crate::tui::draft::{DraftCommand, DraftReply};
use crate::tui::worker::user_message;
use anyhow::Result;

/// At most this many queue rows are loaded; the counts still cover every waiting item.
pub const QUEUE_LIMIT: usize = 500;

/// A job for the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Load the queue under this filter.
    Queue(CurationFilter),
    /// Load the dataset names, for the dataset filter.
    Datasets,
    /// Load one item with both reviews.
    Open { dataset: String, item_id: String },
    /// Record a decision on the item, seen at `revision_no`.
    Decide {
        dataset: String,
        item_id: String,
        revision_no: i64,
        decision: Decision,
    },
    /// Load the item's history.
    History { dataset: String, item_id: String },
    /// Load the agreement statistics, over one dataset or all.
    Agreement(Option<String>),
    /// Find items by a part of the id or a word of the text.
    Find(Query),
    /// Count the coverage per department, of one dataset or all.
    Coverage(Option<String>),
}

impl DraftCommand for Command {
    /// The curation screen keeps no drafts in the store.
    fn saves_draft(&self) -> Option<i64> {
        None
    }
}

/// Which job failed, so the message can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Queue,
    Datasets,
    Open,
    Decide,
    History,
    Agreement,
    Find,
    Coverage,
}

impl Job {
    /// How messages say it failed.
    pub fn failure(self) -> &'static str {
        match self {
            Job::Queue => "Could not load the queue",
            Job::Datasets => "Could not list the datasets",
            Job::Open => "Could not open the item",
            Job::Decide => "Not decided",
            Job::History => "Could not load the history",
            Job::Agreement => "Could not load the statistics",
            Job::Find => "Could not search",
            Job::Coverage => "Could not count the coverage",
        }
    }
}

/// What the worker reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The queue under `filter`.
    Queue(CurationFilter, CurationQueue),
    Datasets(Vec<String>),
    Case(CurationCase),
    /// The item is no longer waiting for a curator.
    NotWaiting {
        dataset: String,
        item_id: String,
    },
    Decided {
        dataset: String,
        item_id: String,
        outcome: DecideOutcome,
    },
    History(ItemHistory),
    /// There is no such item.
    NoHistory {
        dataset: String,
        item_id: String,
    },
    /// The statistics over `dataset` (all datasets for `None`).
    Agreement(Option<String>, AgreementReport),
    /// The items matching the query.
    Found(Query, Found<FoundItem>),
    /// The coverage per department, ordered for reading.
    Coverage(Vec<CoverageRow>),
    Failed(Job, String),
}

impl DraftReply for Reply {
    /// The curation screen keeps no drafts in the store.
    fn is_save_failure(&self) -> bool {
        false
    }
}

/// What the worker needs from a store; `Store` is the real one, tests use a fake.
pub trait Backend {
    fn curation_queue(
        &self,
        curator: &str,
        filter: &CurationFilter,
        limit: usize,
    ) -> Result<CurationQueue>;
    fn dataset_names(&self) -> Result<Vec<String>>;
    fn curation_case(
        &self,
        curator: &str,
        dataset: &str,
        item_id: &str,
    ) -> Result<Option<CurationCase>>;
    fn decide(
        &mut self,
        curator: &str,
        dataset: &str,
        item_id: &str,
        seen_revision: i64,
        decision: Decision,
    ) -> Result<DecideOutcome>;
    fn item_history(
        &self,
        curator: &str,
        dataset: &str,
        item_id: &str,
    ) -> Result<Option<ItemHistory>>;
    fn agreement(&self, dataset: Option<&str>) -> Result<AgreementReport>;
    fn find_items(&self, curator: &str, q: &Query) -> Result<Found<FoundItem>>;
    fn coverage(&self, curator: &str, dataset: Option<&str>) -> Result<Vec<CoverageRow>>;
    /// Nothing is queued: a moment for housekeeping while the curator reads.
    fn idle(&mut self) {}
}

impl Backend for Store {
    fn curation_queue(
        &self,
        curator: &str,
        filter: &CurationFilter,
        limit: usize,
    ) -> Result<CurationQueue> {
        Store::curation_queue(self, curator, filter, limit)
    }
    fn dataset_names(&self) -> Result<Vec<String>> {
        Ok(self.datasets()?.into_iter().map(|(name, _)| name).collect())
    }
    fn curation_case(
        &self,
        curator: &str,
        dataset: &str,
        id: &str,
    ) -> Result<Option<CurationCase>> {
        Store::curation_case(self, curator, dataset, id)
    }
    fn decide(
        &mut self,
        curator: &str,
        dataset: &str,
        item_id: &str,
        seen_revision: i64,
        decision: Decision,
    ) -> Result<DecideOutcome> {
        Store::decide(self, curator, dataset, item_id, seen_revision, decision)
    }
    fn item_history(&self, curator: &str, dataset: &str, id: &str) -> Result<Option<ItemHistory>> {
        Store::item_history(self, curator, dataset, id)
    }
    fn agreement(&self, dataset: Option<&str>) -> Result<AgreementReport> {
        Store::agreement(self, dataset)
    }
    fn find_items(&self, curator: &str, q: &Query) -> Result<Found<FoundItem>> {
        Store::find_items(self, curator, q)
    }
    fn coverage(&self, curator: &str, dataset: Option<&str>) -> Result<Vec<CoverageRow>> {
        let now = std::time::SystemTime::now();
        Store::coverage(self, curator, dataset, now, super::coverage::DAYS)
    }
    fn idle(&mut self) {
        // Best effort: a failed checkpoint only leaves the WAL longer for the next one.
        let _ = self.checkpoint();
    }
}

/// Runs one command against the store and says what happened.
pub fn handle<B: Backend>(store: &mut B, curator: &str, cmd: Command) -> Reply {
    let fail = |job: Job, e: anyhow::Error| Reply::Failed(job, user_message(&e));
    match cmd {
        Command::Queue(filter) => match store.curation_queue(curator, &filter, QUEUE_LIMIT) {
            Ok(q) => Reply::Queue(filter, q),
            Err(e) => fail(Job::Queue, e),
        },
        Command::Datasets => match store.dataset_names() {
            Ok(names) => Reply::Datasets(names),
            Err(e) => fail(Job::Datasets, e),
        },
        Command::Open { dataset, item_id } => {
            match store.curation_case(curator, &dataset, &item_id) {
                Ok(Some(case)) => Reply::Case(case),
                Ok(None) => Reply::NotWaiting { dataset, item_id },
                Err(e) => fail(Job::Open, e),
            }
        }
        Command::Decide {
            dataset,
            item_id,
            revision_no,
            decision,
        } => match store.decide(curator, &dataset, &item_id, revision_no, decision) {
            Ok(outcome) => Reply::Decided {
                dataset,
                item_id,
                outcome,
            },
            Err(e) => fail(Job::Decide, e),
        },
        Command::History { dataset, item_id } => {
            match store.item_history(curator, &dataset, &item_id) {
                Ok(Some(h)) => Reply::History(h),
                Ok(None) => Reply::NoHistory { dataset, item_id },
                Err(e) => fail(Job::History, e),
            }
        }
        Command::Agreement(dataset) => match store.agreement(dataset.as_deref()) {
            Ok(r) => Reply::Agreement(dataset, r),
            Err(e) => fail(Job::Agreement, e),
        },
        Command::Find(q) => match store.find_items(curator, &q) {
            Ok(found) => Reply::Found(q, found),
            Err(e) => fail(Job::Find, e),
        },
        Command::Coverage(dataset) => match store.coverage(curator, dataset.as_deref()) {
            Ok(rows) => Reply::Coverage(rows),
            Err(e) => fail(Job::Coverage, e),
        },
    }
}
