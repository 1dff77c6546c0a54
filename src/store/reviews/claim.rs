//! Claiming items for review, resuming, saving drafts and giving claims back.
//!
//! Rules: an item's current revision never has more than two reviews in force (claims whose
//! lease has not run out, plus submitted reviews); a reviewer never gets the same revision
//! twice; items that already have one review are served first so pairs finish.

use super::{Assignment, load};
use crate::domain::review::ReviewContent;
use crate::store::{Store, clock};
use anyhow::{Result, bail};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use std::time::SystemTime;

impl Store {
    /// Resumes this reviewer's open claim (in `dataset`, if given) or claims the next item.
    /// `None` when nothing is left for them.
    pub fn claim_next(
        &mut self,
        reviewer: &str,
        dataset: Option<&str>,
    ) -> Result<Option<Assignment>> {
        self.claim_next_at(reviewer, dataset, SystemTime::now())
    }

    /// `claim_next` at a given time (tests use it to step past leases).
    pub fn claim_next_at(
        &mut self,
        reviewer: &str,
        dataset: Option<&str>,
        now: SystemTime,
    ) -> Result<Option<Assignment>> {
        let lease_until = clock::iso(now + self.lease()?);
        let now = clock::iso(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        expire_leases(&tx, &now)?;
        let dataset_id: Option<i64> = match dataset {
            None => None,
            Some(name) => match tx
                .prepare_cached("SELECT id FROM datasets WHERE name = ?1")?
                .query_row([name], |r| r.get(0))
                .optional()?
            {
                Some(id) => Some(id),
                None => bail!("there is no dataset {name:?}; `medcurate status` lists them"),
            },
        };
        // An open claim of this reviewer comes first: a dropped session resumes where it was.
        let open: Option<i64> = tx
            .prepare_cached(
                "SELECT r.id FROM reviews r JOIN items i ON i.id = r.item_id
                 WHERE r.reviewer = ?1 AND r.status = 'claimed' AND (?2 IS NULL OR i.dataset_id = ?2)
                 ORDER BY r.claimed_at LIMIT 1",
            )?
            .query_row(params![reviewer, dataset_id], |r| r.get(0))
            .optional()?;
        let review_id = match open {
            Some(id) => {
                renew(&tx, id, &now, &lease_until)?;
                id
            }
            None => {
                match next_item(&tx, reviewer, dataset_id)? {
                    None => return Ok(None),
                    Some((item_id, revision_no)) => {
                        tx.prepare_cached(
                        "INSERT INTO reviews (item_id, revision_no, reviewer, status, claimed_at,
                                              lease_expires_at, updated_at)
                         VALUES (?1, ?2, ?3, 'claimed', ?4, ?5, ?4)",
                    )?
                    .execute(params![item_id, revision_no, reviewer, now, lease_until])?;
                        let id = tx.last_insert_rowid();
                        tx.prepare_cached(
                            "UPDATE items SET active_reviews = active_reviews + 1 WHERE id = ?1",
                        )?
                        .execute([item_id])?;
                        tx.prepare_cached(
                            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
                         VALUES ((SELECT account FROM temp.session), ?1, ?2, 'review_claimed', ?3, ?4, json_object('review_id', ?5))",
                        )?
                        .execute(params![
                            now,
                            reviewer,
                            item_id,
                            revision_no,
                            id
                        ])?;
                        id
                    }
                }
            }
        };
        let assignment = match load(&tx, reviewer, review_id)? {
            Some(l) => l.assignment()?,
            None => bail!("review {review_id} vanished while being claimed"),
        };
        tx.commit()?;
        Ok(Some(assignment))
    }

    /// One of this reviewer's own reviews, to resume a draft or change a submitted review.
    /// `None` if there is no such review of theirs.
    pub fn open_review(&mut self, reviewer: &str, review_id: i64) -> Result<Option<Assignment>> {
        let now = SystemTime::now();
        let lease_until = clock::iso(now + self.lease()?);
        let now = clock::iso(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(l) = load(&tx, reviewer, review_id)? else {
            return Ok(None);
        };
        match l.status.as_str() {
            "claimed" => renew(&tx, review_id, &now, &lease_until)?,
            "submitted" => {}
            _ => bail!(
                "your claim on {}/{} has lapsed; take the next item",
                l.dataset,
                l.ext_id
            ),
        }
        let a = l.assignment()?;
        tx.commit()?;
        Ok(Some(a))
    }

    /// Saves a draft of a claimed review and renews its lease. Changes to a submitted review
    /// are kept only when it is submitted again.
    pub fn save_draft(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<()> {
        let now = SystemTime::now();
        let lease_until = clock::iso(now + self.lease()?);
        let now = clock::iso(now);
        let json = serde_json::to_string(content)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx
            .prepare_cached(
                "UPDATE reviews SET content = ?3, updated_at = ?4, lease_expires_at = ?5
                 WHERE id = ?1 AND reviewer = ?2 AND status = 'claimed'",
            )?
            .execute(params![review_id, reviewer, json, now, lease_until])?;
        if changed == 0 {
            let status: Option<String> = tx
                .prepare_cached("SELECT status FROM reviews WHERE id = ?1 AND reviewer = ?2")?
                .query_row(params![review_id, reviewer], |r| r.get(0))
                .optional()?;
            match status.as_deref() {
                Some("submitted") => {}
                Some(_) => {
                    bail!("your claim on this item has lapsed; the draft could not be saved")
                }
                None => bail!("review {review_id} is not yours"),
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Skip: gives the claim back. The reviewer is not served this revision again.
    pub fn release_review(&mut self, reviewer: &str, review_id: i64) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(i64, i64)> = tx
            .prepare_cached(
                "UPDATE reviews SET status = 'released', lease_expires_at = NULL, updated_at = ?3
                 WHERE id = ?1 AND reviewer = ?2 AND status = 'claimed'
                 RETURNING item_id, revision_no",
            )?
            .query_row(params![review_id, reviewer, now], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((item_id, revision_no)) = row else {
            bail!("there is no claim of yours to give back (review {review_id})");
        };
        free_slot(&tx, item_id, revision_no)?;
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'review_released', ?3, ?4, json_object('review_id', ?5))",
        )?
        .execute(params![now, reviewer, item_id, revision_no, review_id])?;
        tx.commit()?;
        Ok(())
    }
}

/// The next item for `reviewer`: unresolved, fewer than two reviews in force, none of them
/// theirs, and not a revision a curator sent to fresh reviewers when they reviewed an
/// earlier one; half-reviewed items first, then the oldest.
fn next_item(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
) -> Result<Option<(i64, i64)>> {
    let sql = if dataset_id.is_some() {
        "SELECT i.id, i.revision_no FROM items i INDEXED BY items_review_queue_by_dataset
         WHERE i.dataset_id = ?2 AND i.state = 'in_review' AND i.active_reviews < 2
           AND i.solo_reviewer IS NOT ?1
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id
                           AND r.revision_no = i.revision_no AND r.reviewer = ?1)
           AND NOT (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p WHERE p.item_id = i.id
                    AND p.revision_no < i.revision_no AND p.reviewer = ?1 AND p.status = 'submitted'))
         ORDER BY i.active_reviews DESC, i.id LIMIT 1"
    } else {
        "SELECT i.id, i.revision_no FROM items i INDEXED BY items_review_queue
         WHERE i.state = 'in_review' AND i.active_reviews < 2 AND ?2 IS NULL
           AND i.solo_reviewer IS NOT ?1
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id
                           AND r.revision_no = i.revision_no AND r.reviewer = ?1)
           AND NOT (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p WHERE p.item_id = i.id
                    AND p.revision_no < i.revision_no AND p.reviewer = ?1 AND p.status = 'submitted'))
         ORDER BY i.active_reviews DESC, i.id LIMIT 1"
    };
    Ok(tx
        .prepare_cached(sql)?
        .query_row(params![reviewer, dataset_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

/// Claims whose lease has run out free their slot. Runs inside every claim, so no
/// background job is needed.
fn expire_leases(tx: &Transaction, now: &str) -> Result<()> {
    let expired: Vec<(i64, i64, i64, String)> = tx
        .prepare_cached(
            "UPDATE reviews SET status = 'expired', lease_expires_at = NULL
             WHERE status = 'claimed' AND lease_expires_at <= ?1
             RETURNING id, item_id, revision_no, reviewer",
        )?
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, item_id, revision_no, reviewer) in expired {
        free_slot(tx, item_id, revision_no)?;
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'medcurate', 'claim_expired', ?2, ?3, json_object('review_id', ?4, 'reviewer', ?5))",
        )?
        .execute(params![now, item_id, revision_no, id, reviewer])?;
    }
    Ok(())
}

/// One fewer review in force on the item, if it is still at that revision.
fn free_slot(tx: &Transaction, item_id: i64, revision_no: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE items SET active_reviews = active_reviews - 1
         WHERE id = ?1 AND revision_no = ?2 AND active_reviews > 0",
    )?
    .execute(params![item_id, revision_no])?;
    Ok(())
}

fn renew(tx: &Transaction, review_id: i64, now: &str, until: &str) -> Result<()> {
    tx.prepare_cached("UPDATE reviews SET lease_expires_at = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![review_id, until, now])?;
    Ok(())
}
