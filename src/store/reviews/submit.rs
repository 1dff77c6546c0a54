//! Submitting (or changing) a review, and settling the item when both reviews are in.

use super::{Loaded, department_set, load, verdict_bits};
use crate::domain::curation::{Transition, next_state};
use crate::domain::item::ItemBody;
use crate::domain::review::ReviewContent;
use crate::domain::workflow::{ItemState, ReviewPairOutcome, settle_pair};
use crate::store::db::{Transaction, TransactionBehavior, params};
use crate::store::detail::{detail, raw};
use crate::store::dialect;
use crate::store::{Store, clock};
use anyhow::{Context, Result, bail};
use std::time::SystemTime;

/// What a submission did to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// The other review is not in yet.
    Waiting,
    /// Both reviews pass and agree on departments: the item is accepted.
    Accepted,
    /// The reviews disagree or failed: a curator decides.
    NeedsCuration,
}

impl Store {
    /// Submits this reviewer's review, or changes it while the item is unresolved. Refused,
    /// with the reasons, if the review is incomplete.
    pub fn submit_review(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<SubmitOutcome> {
        let now = clock::iso(SystemTime::now());
        // Beside claims and other submits: all it reads and changes is the review and its
        // item, whose rows it holds.
        self.row_locked(|store| {
            let tx = store
                .conn
                .transaction_with_behavior(TransactionBehavior::RowLocked)?;
            hold_review(&tx, reviewer, review_id)?;
            let outcome = submit_tx(&tx, reviewer, review_id, content, &now)?;
            tx.commit()?;
            Ok(outcome)
        })
    }
}

/// Locks the review and its item, so what the submit reads of them stays as read until it
/// commits: the other review of the pair is either in or waits for this one. (A lapsed
/// lease's expiry takes the same rows; should the two deadlock, `Store::row_locked` runs the
/// submit again.)
fn hold_review(tx: &Transaction, reviewer: &str, review_id: i64) -> Result<()> {
    dialect::lock_rows(
        tx,
        "SELECT 1 FROM reviews r JOIN items i ON i.id = r.item_id
         WHERE r.id = ?1 AND r.reviewer = ?2 FOR UPDATE OF r, i",
        params![review_id, reviewer],
    )?;
    Ok(())
}

/// Refuses a review whose item was revised since it was claimed, or is settled.
pub(super) fn check_changeable(l: &Loaded) -> Result<()> {
    let what = format!("{}/{}", l.dataset, l.ext_id);
    if l.current_revision != l.revision_no {
        bail!(
            "{what} was revised after you claimed it; your review of the old revision cannot be submitted"
        );
    }
    if l.item_state != ItemState::InReview.as_str() {
        bail!(
            "{what} is already settled ({}); reviews of it can no longer change",
            l.item_state
        );
    }
    Ok(())
}

/// Submits inside the caller's transaction (also used by `reviews import`).
pub(super) fn submit_tx(
    tx: &Transaction,
    reviewer: &str,
    review_id: i64,
    content: &ReviewContent,
    now: &str,
) -> Result<SubmitOutcome> {
    let Some(l) = load(tx, reviewer, review_id)? else {
        bail!("review {review_id} is not yours");
    };
    let what = format!("{}/{}", l.dataset, l.ext_id);
    check_changeable(&l)?;
    let body: ItemBody =
        serde_json::from_str(&l.body).with_context(|| format!("reading {what}"))?;
    let problems = content.problems(&body);
    if !problems.is_empty() {
        bail!("the review is not complete: {}", problems.join("; "));
    }
    match l.status.as_str() {
        "claimed" | "submitted" => {}
        // A control has no places to take: any number review it.
        _ if l.control => {}
        // A lapsed claim may still be completed if no one else has taken the place.
        _ => {
            let taken = tx
                .prepare_cached(
                    "UPDATE items SET active_reviews = active_reviews + 1
                     WHERE id = ?1 AND revision_no = ?2 AND active_reviews < 2",
                )?
                .execute(params![l.item_rowid, l.revision_no])?;
            if taken == 0 {
                bail!("your claim on {what} lapsed and two other reviewers have it now");
            }
        }
    }
    let first_time = l.status != "submitted";
    let passed = content.passes(&body);
    tx.prepare_cached(
        "UPDATE reviews SET status = 'submitted', content = ?2, pending = NULL, passed = ?3,
                lease_expires_at = NULL,
                updated_at = ?4, submitted_at = coalesce(submitted_at, ?4),
                verdict_bits = ?5, department_set = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        review_id,
        serde_json::to_string(content)?,
        passed,
        now,
        verdict_bits(content),
        department_set(content.departments.iter().map(String::as_str))
    ])?;
    tx.prepare_cached(
        "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
         VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        now,
        reviewer,
        if first_time {
            "review_submitted"
        } else {
            "review_changed"
        },
        l.item_rowid,
        l.revision_no,
        detail! {"review_id" => review_id, "passed" => passed}
    ])?;

    // A control's reviews are no pair: it never settles, and says so as a first review does.
    if l.control {
        return Ok(SubmitOutcome::Waiting);
    }
    // Both reviews in: settle the item.
    let pair: Vec<String> = tx
        .prepare_cached(
            "SELECT content FROM reviews WHERE item_id = ?1 AND revision_no = ?2 AND status = 'submitted'
             ORDER BY id",
        )?
        .query_map(params![l.item_rowid, l.revision_no], |r| r.get(0))?
        .collect::<crate::store::db::Result<_>>()?;
    let outcome = if let [a, b] = pair.as_slice() {
        let a: ReviewContent = serde_json::from_str(a)?;
        let b: ReviewContent = serde_json::from_str(b)?;
        let settled = settle_pair(&body, &a, &b);
        let state = next_state(
            ItemState::InReview,
            match settled {
                ReviewPairOutcome::Accepted => Transition::PairAgrees,
                ReviewPairOutcome::NeedsCuration(_) => Transition::PairDisputes,
            },
        )
        .map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
        // An agreed pair's departments are the item's final ones, in the order the first
        // reviewer gave them (primary first): the pair agrees on the set, and sampling by
        // department stratifies by the first.
        let departments = match settled {
            ReviewPairOutcome::Accepted => {
                let mut d: Vec<&String> = Vec::with_capacity(a.departments.len());
                for id in &a.departments {
                    if !d.contains(&id) {
                        d.push(id);
                    }
                }
                Some(serde_json::to_string(&d)?)
            }
            ReviewPairOutcome::NeedsCuration(_) => None,
        };
        tx.prepare_cached("UPDATE items SET state = ?2, departments = ?3 WHERE id = ?1")?
            .execute(params![l.item_rowid, state.as_str(), departments])?;
        let reasons: Vec<String> = match &settled {
            ReviewPairOutcome::Accepted => Vec::new(),
            ReviewPairOutcome::NeedsCuration(r) => r.iter().map(|x| x.to_string()).collect(),
        };
        if let ReviewPairOutcome::NeedsCuration(r) = &settled {
            let has = |id: &str| r.iter().any(|x| x.id() == id);
            tx.prepare_cached(
                concat!(
            "INSERT INTO curation (item_id, dataset_id, revision_no, reasons,
                     criteria_disagree, both_failed, departments_disagree, correction_proposed,
                     reopened, department_set, since)
                 SELECT id, dataset_id, revision_no, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8 FROM items WHERE id = ?1
",
            crate::store::curation::curation_upsert!()
        ),
            )?
            .execute(params![
                l.item_rowid,
                serde_json::to_string(&reasons)?,
                has("criteria_disagree"),
                has("both_failed"),
                has("departments_disagree"),
                has("correction_proposed"),
                department_set(
                    a.departments
                        .iter()
                        .chain(&b.departments)
                        .map(String::as_str)
                ),
                now
            ])?;
        }
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'medcurate', 'item_settled', ?2, ?3, ?4)",
        )?
        .execute(params![
            now,
            l.item_rowid,
            l.revision_no,
            detail! {"state" => state.as_str(), "reasons" => raw(&serde_json::to_string(&reasons)?)}
        ])?;
        match state {
            ItemState::Accepted => SubmitOutcome::Accepted,
            _ => SubmitOutcome::NeedsCuration,
        }
    } else {
        SubmitOutcome::Waiting
    };
    Ok(outcome)
}
