//! What the worker's answers do to the curation screen: a queue, a case, a history or the
//! statistics arrives, a decision is made, or a store step fails.

use super::app::{CurateApp, View};
use super::case::CaseView;
use super::history::HistoryView;
use super::worker::{Job, Reply};
use crate::store::DecideOutcome;

impl CurateApp {
    /// The worker's answer to one of the store commands.
    pub fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Queue(filter, q) => {
                if filter == self.queue.filter {
                    self.busy = self.busy.filter(|b| *b != Job::Queue);
                }
                self.queue.set(&filter, q);
            }
            Reply::Datasets(names) => self.queue.datasets = names,
            Reply::Case(case) => {
                let wanted = self
                    .opening
                    .as_ref()
                    .is_some_and(|(ds, id)| *ds == case.item.dataset && *id == case.item.id);
                if !wanted || self.view != View::Case {
                    return;
                }
                self.busy = None;
                self.opening = None;
                let c = CaseView::new(case);
                let now = format!(
                    "{} (revision {}): {}",
                    c.what(),
                    c.case.revision_no,
                    c.case.reasons.join(", ")
                );
                let text = match self.carry.take() {
                    Some(before) => format!("{before}. Now {now}"),
                    None => format!("Curating {now}"),
                };
                self.info(text);
                self.case = Some(c);
            }
            Reply::NotWaiting { dataset, item_id } => {
                if self.opening.as_ref() != Some(&(dataset.clone(), item_id.clone())) {
                    return;
                }
                self.busy = None;
                let lead = self
                    .carry
                    .take()
                    .map_or(String::new(), |c| format!("{c}. "));
                self.back_to_queue();
                self.info(format!(
                    "{lead}{dataset}/{item_id} is no longer waiting for a curator (decided or revised meanwhile)"
                ));
            }
            Reply::Decided {
                dataset,
                item_id,
                outcome,
            } => self.decided(dataset, item_id, outcome),
            Reply::History(h) => {
                let wanted = self
                    .history_of
                    .as_ref()
                    .is_some_and(|(ds, id)| *ds == h.dataset && *id == h.item_id);
                if wanted && self.view == View::History {
                    self.busy = None;
                    self.history = Some(HistoryView {
                        history: h,
                        scroll: 0,
                    });
                }
            }
            Reply::NoHistory { dataset, item_id } => {
                self.busy = None;
                if self.view == View::History {
                    self.leave_history();
                }
                self.error(format!("There is no item {dataset}/{item_id}"));
            }
            Reply::Agreement(ds, report) => {
                if ds == self.stats.dataset {
                    self.busy = None;
                    self.stats.report = Some(report);
                }
            }
            Reply::Found(q, found) => self.found(q, found),
            Reply::Coverage(rows) => {
                self.busy = self.busy.filter(|b| *b != Job::Coverage);
                if self.view == View::Coverage {
                    self.coverage.rows = Some(rows);
                }
            }
            Reply::Failed(job, msg) => self.failed(job, msg),
        }
    }

    fn decided(&mut self, dataset: String, item_id: String, outcome: DecideOutcome) {
        self.busy = None;
        self.deciding = None;
        self.flow = None;
        self.confirm = None;
        let what = format!("{dataset}/{item_id}");
        let text = match outcome {
            DecideOutcome::Accepted => format!("Accepted {what}"),
            DecideOutcome::Discarded => format!("Discarded {what}"),
            DecideOutcome::Revised {
                revision_no,
                fresh_eyes,
            } => {
                let who = if fresh_eyes {
                    "two new reviewers"
                } else {
                    "two reviewers"
                };
                format!("Revised {what}: revision {revision_no} goes back to {who}")
            }
            DecideOutcome::Reopened => {
                // Back in the queue: its case opens, to be decided again.
                self.history = None;
                self.history_of = None;
                self.reopen = None;
                self.carry = Some(format!("Reopened {what}: it is back in the curation queue"));
                self.reload_queue();
                self.open(dataset, item_id);
                return;
            }
        };
        self.last_decided = Some(what);
        self.info(text.clone());
        match self.queue.next_after(&dataset, &item_id) {
            Some((ds, id)) => {
                self.carry = Some(text);
                self.reload_queue();
                self.open(ds, id);
            }
            None => {
                self.back_to_queue();
                self.info(format!(
                    "{text}. Nothing else is waiting under these filters"
                ));
            }
        }
    }

    fn failed(&mut self, job: Job, msg: String) {
        match job {
            Job::Open => {
                self.busy = None;
                if self.view == View::Case && self.case.is_none() {
                    self.opening = None;
                    self.view = View::Queue;
                }
            }
            Job::History => {
                self.busy = None;
                if self.view == View::History && self.history.is_none() {
                    self.leave_history();
                }
            }
            Job::Decide => {
                self.busy = None;
                self.deciding = None;
            }
            Job::Queue | Job::Agreement => self.busy = None,
            Job::Coverage => {
                self.busy = None;
                if self.view == View::Coverage && self.coverage.rows.is_none() {
                    self.view = View::Queue;
                }
            }
            Job::Find => {
                self.busy = None;
                if let Some(f) = self.find.as_mut() {
                    f.search_failed();
                }
            }
            Job::Datasets => {}
        }
        self.error(format!("{}: {msg}", job.failure()));
    }
}
