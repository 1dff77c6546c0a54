//! Dual review, as a reviewer sees it. Every function here takes the reviewer's id and only
//! ever reads or writes that reviewer's own review: blinding is enforced here, not in the
//! screens. (Curators read both reviews through a separate, role-checked API.)

mod claim;
mod control_pick;
mod external;
mod outcome;
mod queue;
mod routing;
mod submit;

use super::Store;
use crate::domain::item::{Item, ItemBody, ItemKind};
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::db::{OptionalExtension, Transaction, params};
use crate::store::detail::detail;
use anyhow::{Context, Result};

pub use external::ExternalReview;
pub use outcome::{OutcomeStep, ReviewOutcome};
pub use submit::SubmitOutcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    /// Claimed and in progress: a draft.
    Claimed,
    Submitted,
}

/// An item given to a reviewer, with their own review of it so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub review_id: i64,
    pub dataset: String,
    pub item: Item,
    pub revision_no: i64,
    pub status: ReviewStatus,
    /// This reviewer's own draft or submitted review; never anyone else's. For a submitted
    /// review with a change not submitted again (`changed`), that change.
    pub content: ReviewContent,
    /// A submitted review was changed and the change not submitted again: the change is a
    /// draft, and what was submitted stands until it is submitted or the change thrown away.
    pub changed: bool,
    pub lease_expires_at: Option<String>,
    /// For a revision after the first: what changed since the one before.
    pub changes: Option<RevisionChange>,
}

/// What changed in the revision a reviewer is given, against the revision before it: that
/// revision's text and, when a curator made the change, their note. Nothing of the earlier
/// revision's reviews is here.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionChange {
    pub previous_revision: i64,
    pub previous: ItemBody,
    /// A curator revised it (else it was imported as a new revision).
    pub by_curator: bool,
    /// The curator's note for the reviewers, if they left one.
    pub note: Option<String>,
}

/// A reviewer's progress in one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub dataset: String,
    pub kind: ItemKind,
    pub submitted: u64,
    pub in_progress: u64,
    /// Items this reviewer could be given now.
    pub available: u64,
}

/// One of a reviewer's own reviews, for the list they can reopen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyReview {
    pub review_id: i64,
    pub dataset: String,
    pub item_id: String,
    pub status: ReviewStatus,
    /// Still open to change: the item is unresolved and not revised since.
    pub changeable: bool,
    /// Submitted, then changed, and the change not submitted again.
    pub changed: bool,
    /// Submitted and its revision settled: the other review and the decision can be seen.
    pub settled: bool,
    pub updated_at: String,
}

/// The columns `read_my_review` reads, over `reviews r`, `items i` and `datasets d`.
pub(crate) const MY_REVIEW_COLUMNS: &str =
    "r.id, d.name, i.ext_id, r.status, i.state = 'in_review' AND i.revision_no = r.revision_no,
     r.updated_at, r.status = 'submitted' AND r.pending IS NOT NULL,
     r.status = 'submitted' AND (i.state = 'accepted' OR i.state = 'discarded')";

/// One of a reviewer's own reviews, from the first columns of a row of `MY_REVIEW_COLUMNS`.
pub(crate) fn read_my_review(r: &crate::store::db::Row) -> crate::store::db::Result<MyReview> {
    Ok(MyReview {
        review_id: r.get(0)?,
        dataset: r.get(1)?,
        item_id: r.get(2)?,
        status: if r.get::<_, String>(3)? == "submitted" {
            ReviewStatus::Submitted
        } else {
            ReviewStatus::Claimed
        },
        changeable: r.get(4)?,
        updated_at: r.get(5)?,
        changed: r.get(6)?,
        settled: r.get(7)?,
    })
}

impl Store {
    /// This reviewer's own reviews, newest first.
    pub fn my_reviews(&self, reviewer: &str) -> Result<Vec<MyReview>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MY_REVIEW_COLUMNS}
             FROM reviews r JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             WHERE r.reviewer = ?1 AND (r.status = 'claimed' OR r.status = 'submitted')
             ORDER BY r.updated_at DESC, r.id DESC"
        ))?;
        let rows = stmt.query_map([reviewer], read_my_review)?;
        Ok(rows.collect::<crate::store::db::Result<_>>()?)
    }

    /// A workspace setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a workspace setting, recording who changed it.
    pub fn set_setting(&mut self, key: &str, value: &str, actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(crate::store::db::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        tx.execute(
            "INSERT INTO events (account, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'setting_changed', ?2)",
            params![actor, detail! {"key" => key, "value" => value}],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The review row `review_id` of `reviewer`, with its item: None if it is not theirs.
fn load(tx: &Transaction, reviewer: &str, review_id: i64) -> Result<Option<Loaded>> {
    let row = tx
        .prepare_cached(
            "SELECT r.status, r.revision_no, r.content, r.lease_expires_at,
                    i.id, i.ext_id, i.state, i.revision_no, d.name, v.body, r.pending,
                    EXISTS (SELECT 1 FROM controls c WHERE c.item_id = i.id)
             FROM reviews r JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             WHERE r.id = ?1 AND r.reviewer = ?2",
        )?
        .query_row(params![review_id, reviewer], |r| {
            Ok(Loaded {
                review_id,
                status: r.get(0)?,
                revision_no: r.get(1)?,
                content: r.get(2)?,
                lease_expires_at: r.get(3)?,
                item_rowid: r.get(4)?,
                ext_id: r.get(5)?,
                item_state: r.get(6)?,
                current_revision: r.get(7)?,
                dataset: r.get(8)?,
                body: r.get(9)?,
                pending: r.get(10)?,
                control: r.get(11)?,
            })
        })
        .optional()?;
    Ok(row)
}

/// A review row and its item, as stored.
struct Loaded {
    review_id: i64,
    status: String,
    revision_no: i64,
    content: String,
    lease_expires_at: Option<String>,
    item_rowid: i64,
    ext_id: String,
    item_state: String,
    current_revision: i64,
    dataset: String,
    body: String,
    /// A change to the submitted review, not submitted yet.
    pending: Option<String>,
    /// The item is a control (read with the rest: a round trip fewer on a server).
    control: bool,
}

/// What changed in `revision_no` of the item against the revision before; `None` for the
/// first. Reads revisions and decisions only, never reviews.
fn revision_change(
    tx: &Transaction,
    item_rowid: i64,
    revision_no: i64,
    what: &str,
) -> Result<Option<RevisionChange>> {
    if revision_no <= 1 {
        return Ok(None);
    }
    let previous = revision_no - 1;
    let Some(body): Option<String> = tx
        .prepare_cached("SELECT body FROM revisions WHERE item_id = ?1 AND revision_no = ?2")?
        .query_row(params![item_rowid, previous], |r| r.get(0))
        .optional()?
    else {
        return Ok(None);
    };
    let decision: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT note FROM decisions
             WHERE item_id = ?1 AND new_revision = ?2 AND action = 'revise'
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![item_rowid, revision_no], |r| r.get(0))
        .optional()?;
    Ok(Some(RevisionChange {
        previous_revision: previous,
        previous: serde_json::from_str(&body)
            .with_context(|| format!("reading revision {previous} of {what}"))?,
        by_curator: decision.is_some(),
        note: decision.flatten(),
    }))
}

impl Loaded {
    fn assignment(&self, tx: &Transaction) -> Result<Assignment> {
        let body: ItemBody = serde_json::from_str(&self.body).with_context(|| {
            format!(
                "reading the stored content of {}/{}",
                self.dataset, self.ext_id
            )
        })?;
        let submitted = self.status == "submitted";
        let pending = self.pending.as_deref().filter(|_| submitted);
        let content: ReviewContent = serde_json::from_str(pending.unwrap_or(&self.content))
            .with_context(|| format!("reading review {}", self.review_id))?;
        Ok(Assignment {
            review_id: self.review_id,
            dataset: self.dataset.clone(),
            item: Item {
                id: self.ext_id.clone(),
                dataset: self.dataset.clone(),
                body,
            },
            revision_no: self.revision_no,
            status: if self.status == "submitted" {
                ReviewStatus::Submitted
            } else {
                ReviewStatus::Claimed
            },
            content,
            changed: pending.is_some(),
            lease_expires_at: self.lease_expires_at.clone(),
            changes: revision_change(
                tx,
                self.item_rowid,
                self.revision_no,
                &format!("{}/{}", self.dataset, self.ext_id),
            )?,
        })
    }
}

/// A review's verdicts as stored in `reviews.verdict_bits`: bit k says criterion k
/// (in `Criterion::ALL` order) was judged, bit k + 8 that it passed.
pub(crate) fn verdict_bits(content: &ReviewContent) -> i64 {
    Criterion::ALL
        .iter()
        .enumerate()
        .map(|(k, c)| match content.verdicts.get(c) {
            Some(Verdict::Pass) => (1 << k) | (1 << (k + 8)),
            Some(Verdict::Fail { .. }) => 1 << k,
            None => 0,
        })
        .sum()
}

/// Departments as stored for filtering: sorted, unique, as `,a,b,` (`,,` for none).
pub(crate) fn department_set<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let set: std::collections::BTreeSet<&str> = ids.collect();
    let mut out = String::from(",");
    for id in set {
        out.push_str(id);
        out.push(',');
    }
    if out.len() == 1 {
        out.push(',');
    }
    out
}
