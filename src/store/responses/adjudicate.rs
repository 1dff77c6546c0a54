//! An expert's side of a dispute: claiming the next one, drafts, submitting, giving it back.
//! The same claim-with-lease mechanism as review (`store::lease`): a claim has a lease, a
//! dispute has one expert at a time, and an expert is never offered a dispute they gave back.

use crate::domain::item::{Content, Item, ItemBody};
use crate::domain::judge::{Adjudication, JudgeScore};
use crate::domain::people::Role;
use crate::store::db::{OptionalExtension, ToSql, Transaction, TransactionBehavior, params};
use crate::store::detail::detail;
use crate::store::lease::{self, About, Claims, Draft, Queue, Table};
use crate::store::people::require_role;
use crate::store::{ReviewStatus, Store, clock};
use anyhow::{Context, Result, bail};
use std::sync::LazyLock;
use std::time::SystemTime;

/// A disputed response given to an expert, with their own decision so far.
#[derive(Debug, Clone, PartialEq)]
pub struct DisputeAssignment {
    pub adjudication_id: i64,
    pub dataset: String,
    /// The item at the revision the response answered.
    pub item: Item,
    pub revision_no: i64,
    pub model: String,
    pub response: String,
    pub judges: Vec<JudgeScore>,
    pub gap: f64,
    pub status: ReviewStatus,
    /// The expert's decision so far; for a submitted one with a change not submitted again
    /// (`changed`), that change.
    pub content: Adjudication,
    /// A submitted decision was changed and the change not submitted again: the change is a
    /// draft, and what was submitted stands until it is submitted or the change thrown away.
    pub changed: bool,
    pub lease_expires_at: Option<String>,
}

impl DisputeAssignment {
    /// How many rubric points the item has.
    pub fn rubric_len(&self) -> usize {
        match &self.item.body.content {
            Content::OpenEnded(o) => o.rubric.len(),
            _ => 0,
        }
    }
}

/// One of an expert's own adjudications, for the list they can reopen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyAdjudication {
    pub adjudication_id: i64,
    pub dataset: String,
    pub item_id: String,
    pub model: String,
    pub status: ReviewStatus,
    /// Submitted, then changed, and the change not submitted again.
    pub changed: bool,
    pub updated_at: String,
}

struct Row {
    status: String,
    content: String,
    lease: Option<String>,
    response_id: i64,
    taken: i64,
    dataset: String,
    ext_id: String,
    revision_no: i64,
    body: String,
    model: String,
    response: String,
    judges: String,
    gap: f64,
    /// A change to the submitted decision, not submitted yet.
    pending: Option<String>,
}

fn load(tx: &Transaction, expert: &str, id: i64) -> Result<Option<Row>> {
    Ok(tx
        .prepare_cached(
            "SELECT a.status, a.content, a.lease_expires_at, r.id, r.taken, d.name, i.ext_id,
                    r.revision_no, v.body, r.model, r.response, r.judges, r.gap, a.pending
             FROM adjudications a JOIN responses r ON r.id = a.response_id
             JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             WHERE a.id = ?1 AND a.expert = ?2",
        )?
        .query_row(params![id, expert], |r| {
            Ok(Row {
                status: r.get(0)?,
                content: r.get(1)?,
                lease: r.get(2)?,
                response_id: r.get(3)?,
                taken: r.get(4)?,
                dataset: r.get(5)?,
                ext_id: r.get(6)?,
                revision_no: r.get(7)?,
                body: r.get(8)?,
                model: r.get(9)?,
                response: r.get(10)?,
                judges: r.get(11)?,
                gap: r.get(12)?,
                pending: r.get(13)?,
            })
        })
        .optional()?)
}

impl Row {
    fn assignment(&self, id: i64) -> Result<DisputeAssignment> {
        let what = format!("{}/{}", self.dataset, self.ext_id);
        let body: ItemBody =
            serde_json::from_str(&self.body).with_context(|| format!("reading {what}"))?;
        let rubric = match &body.content {
            Content::OpenEnded(o) => o.rubric.len(),
            _ => 0,
        };
        let submitted = self.status == "submitted";
        let pending = self.pending.as_deref().filter(|_| submitted);
        let mut content: Adjudication =
            serde_json::from_str(pending.unwrap_or(&self.content)).unwrap_or_default();
        if content.points.len() != rubric {
            content.points.resize(rubric, None);
        }
        Ok(DisputeAssignment {
            adjudication_id: id,
            dataset: self.dataset.clone(),
            item: Item {
                id: self.ext_id.clone(),
                dataset: self.dataset.clone(),
                body,
            },
            revision_no: self.revision_no,
            model: self.model.clone(),
            response: self.response.clone(),
            judges: serde_json::from_str(&self.judges)?,
            gap: self.gap,
            status: if self.status == "submitted" {
                ReviewStatus::Submitted
            } else {
                ReviewStatus::Claimed
            },
            content,
            changed: pending.is_some(),
            lease_expires_at: self.lease.clone(),
        })
    }
}

/// The dispute queue's claims: an expert's on a disputed response (`response_id`), held in
/// `responses.taken` so that a dispute has one expert at a time.
pub(super) struct DisputeClaims;

impl Queue for DisputeClaims {
    type Slot = i64;

    fn claims() -> &'static Claims {
        static CLAIMS: LazyLock<Claims> = LazyLock::new(|| {
            Claims::new(Table {
                name: "adjudications",
                holder: "expert",
                slot: &["response_id"],
                to_item: "JOIN responses r ON r.id = c.response_id JOIN items i ON i.id = r.item_id",
                claim_key: "adjudication_id",
                claimed: "dispute_claimed",
                released: "dispute_released",
                expired: "dispute_claim_expired",
            })
        });
        &CLAIMS
    }

    fn read_slot(row: &crate::store::db::Row, first: usize) -> crate::store::db::Result<i64> {
        row.get(first)
    }

    fn slot_params(response_id: &i64) -> Vec<&dyn ToSql> {
        vec![response_id]
    }

    fn take(tx: &Transaction, _holder: &str, response_id: &i64) -> Result<()> {
        set_taken(tx, *response_id, true)
    }

    fn free(tx: &Transaction, response_id: &i64) -> Result<()> {
        set_taken(tx, *response_id, false)
    }

    fn about(response_id: &i64) -> About {
        About {
            item: None,
            detail: vec![("response_id", *response_id)],
        }
    }
}

fn set_taken(tx: &Transaction, response_id: i64, taken: bool) -> Result<()> {
    tx.prepare_cached("UPDATE responses SET taken = ?2 WHERE id = ?1")?
        .execute(params![response_id, taken])?;
    Ok(())
}

/// The next dispute for `expert`: free, over the threshold, in the dataset if given, not one
/// they gave back or had before; widest gap first.
fn next_dispute(
    tx: &Transaction,
    expert: &str,
    threshold: f64,
    dataset_id: Option<i64>,
) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT r.id FROM responses r INDEXED BY responses_open
             JOIN items i ON i.id = r.item_id
             WHERE r.taken = 0 AND r.gap > ?2 + 1e-9
               AND (?3 IS NULL OR i.dataset_id = ?3)
               AND NOT EXISTS (SELECT 1 FROM adjudications a
                               WHERE a.response_id = r.id AND a.expert = ?1)
             ORDER BY r.gap DESC, r.id LIMIT 1",
        )?
        .query_row(params![expert, threshold, dataset_id], |r| r.get(0))
        .optional()?)
}

impl Store {
    /// Resumes the expert's open claim (in `dataset`, if given) or claims the next dispute,
    /// widest gap first. `None` when none is left for them.
    pub fn claim_dispute(
        &mut self,
        expert: &str,
        dataset: Option<&str>,
    ) -> Result<Option<DisputeAssignment>> {
        self.claim_dispute_at(expert, dataset, SystemTime::now())
    }

    /// `claim_dispute` at a given time (tests use it to step past leases).
    pub fn claim_dispute_at(
        &mut self,
        expert: &str,
        dataset: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<DisputeAssignment>> {
        let threshold = self.dispute_threshold()?;
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let lease = self.lease_from(now)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, expert, &[Role::Annotator])?;
        let Some(id) = lease::claim_next::<DisputeClaims>(&tx, expert, dataset_id, &lease, |tx| {
            next_dispute(tx, expert, threshold, dataset_id)
        })?
        else {
            return Ok(None);
        };
        let Some(row) = load(&tx, expert, id)? else {
            bail!("adjudication {id} vanished while being claimed");
        };
        let a = row.assignment(id)?;
        tx.commit()?;
        Ok(Some(a))
    }

    /// Claims the dispute on response `response_id`, which the expert chose (found it by
    /// searching), beside any claim they hold. `None` when it is no longer free for them:
    /// another expert took it, they had it before, or it is under the threshold.
    pub fn claim_this_dispute(
        &mut self,
        expert: &str,
        response_id: i64,
    ) -> Result<Option<DisputeAssignment>> {
        let threshold = self.dispute_threshold()?;
        let lease = self.lease_from(SystemTime::now())?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, expert, &[Role::Annotator])?;
        let claimed =
            lease::claim_this::<DisputeClaims>(&tx, expert, &lease, &response_id, |tx| {
                Ok(tx
                    .prepare_cached(
                        "SELECT 1 FROM responses r
                     WHERE r.id = ?1 AND r.taken = 0 AND r.gap > ?3 + 1e-9
                       AND NOT EXISTS (SELECT 1 FROM adjudications a
                                       WHERE a.response_id = r.id AND a.expert = ?2)",
                    )?
                    .query_row(params![response_id, expert, threshold], |_| Ok(()))
                    .optional()?
                    .is_some())
            })?;
        let Some(id) = claimed else {
            return Ok(None);
        };
        let Some(row) = load(&tx, expert, id)? else {
            bail!("adjudication {id} vanished while being claimed");
        };
        let a = row.assignment(id)?;
        tx.commit()?;
        Ok(Some(a))
    }

    /// One of the expert's own adjudications, to resume a draft or change a submitted one.
    pub fn open_adjudication(
        &mut self,
        expert: &str,
        id: i64,
    ) -> Result<Option<DisputeAssignment>> {
        let lease = self.lease_from(SystemTime::now())?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(row) = load(&tx, expert, id)? else {
            return Ok(None);
        };
        if !lease::reopen::<DisputeClaims>(&tx, id, &row.status, &lease)? {
            bail!(
                "your claim on the dispute about {}/{} has lapsed; take the next one",
                row.dataset,
                row.ext_id
            );
        }
        let a = row.assignment(id)?;
        tx.commit()?;
        Ok(Some(a))
    }

    /// Saves a draft and renews the lease. A change to a submitted decision is kept as its
    /// pending change, beside the submitted decision (which stands until the change is
    /// submitted).
    pub fn save_adjudication_draft(
        &mut self,
        expert: &str,
        id: i64,
        content: &Adjudication,
    ) -> Result<()> {
        let lease = self.lease_from(SystemTime::now())?;
        let json = serde_json::to_string(content)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        match lease::save_draft::<DisputeClaims>(&tx, expert, id, &json, &lease)? {
            Draft::Saved | Draft::Changed => {}
            Draft::Lapsed => {
                let (dataset, ext_id) = match load(&tx, expert, id)? {
                    Some(r) => (r.dataset, r.ext_id),
                    None => bail!("adjudication {id} is not yours"),
                };
                bail!(
                    "your claim on the dispute about {dataset}/{ext_id} has lapsed; the draft was not saved"
                )
            }
            Draft::NotTheirs => bail!("adjudication {id} is not yours"),
        }
        tx.commit()?;
        Ok(())
    }

    /// Submits (or changes) the expert's decision; refused, with what is missing, if it is
    /// incomplete.
    pub fn submit_adjudication(
        &mut self,
        expert: &str,
        id: i64,
        content: &Adjudication,
    ) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(row) = load(&tx, expert, id)? else {
            bail!("adjudication {id} is not yours");
        };
        let a = row.assignment(id)?;
        let problems = content.problems(a.rubric_len());
        if !problems.is_empty() {
            bail!("the decision is not complete: {}", problems.join("; "));
        }
        match row.status.as_str() {
            "claimed" | "submitted" => {}
            // A lapsed claim may still be completed if no one else has taken the dispute;
            // one given back may not.
            "expired" if row.taken == 0 => {
                set_taken(&tx, row.response_id, true)?;
            }
            _ => bail!(
                "your claim on the dispute about {}/{} lapsed and another expert has it now",
                row.dataset,
                row.ext_id
            ),
        }
        let first = row.status != "submitted";
        tx.prepare_cached(
            "UPDATE adjudications SET status = 'submitted', content = ?2, pending = NULL,
                    lease_expires_at = NULL,
                    updated_at = ?3, submitted_at = coalesce(submitted_at, ?3)
             WHERE id = ?1",
        )?
        .execute(params![id, serde_json::to_string(content)?, now])?;
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            now,
            expert,
            if first {
                "dispute_adjudicated"
            } else {
                "adjudication_changed"
            },
            detail! {"adjudication_id" => id, "response_id" => row.response_id, "score" => content.score}
        ])?;
        tx.commit()?;
        Ok(())
    }

    /// Throws away the change to a submitted decision that was not submitted again: the
    /// decision is what was submitted. Gives back the decision as it stands now.
    pub fn discard_adjudication_change(
        &mut self,
        expert: &str,
        id: i64,
    ) -> Result<DisputeAssignment> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        lease::discard_change::<DisputeClaims>(&tx, expert, id, &now)?;
        let Some(row) = load(&tx, expert, id)? else {
            bail!("adjudication {id} is not yours");
        };
        let a = row.assignment(id)?;
        tx.commit()?;
        Ok(a)
    }

    /// Gives a claimed dispute back; the expert is not offered it again.
    pub fn release_adjudication(&mut self, expert: &str, id: i64) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !lease::release::<DisputeClaims>(&tx, expert, id, &now)? {
            bail!("there is no claim of yours to give back (adjudication {id})");
        }
        tx.commit()?;
        Ok(())
    }

    /// The expert's own claimed and submitted adjudications, newest first.
    pub fn my_adjudications(&self, expert: &str) -> Result<Vec<MyAdjudication>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, d.name, i.ext_id, r.model, a.status, a.updated_at,
                    a.status = 'submitted' AND a.pending IS NOT NULL
             FROM adjudications a JOIN responses r ON r.id = a.response_id
             JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             WHERE a.expert = ?1 AND (a.status = 'claimed' OR a.status = 'submitted')
             ORDER BY a.updated_at DESC, a.id DESC",
        )?;
        let rows = stmt.query_map([expert], |r| {
            Ok(MyAdjudication {
                adjudication_id: r.get(0)?,
                dataset: r.get(1)?,
                item_id: r.get(2)?,
                model: r.get(3)?,
                status: if r.get::<_, String>(4)? == "submitted" {
                    ReviewStatus::Submitted
                } else {
                    ReviewStatus::Claimed
                },
                changed: r.get(6)?,
                updated_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<crate::store::db::Result<_>>()?)
    }
}
