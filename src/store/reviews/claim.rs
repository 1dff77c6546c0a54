//! Claiming items for review, resuming, saving drafts and giving claims back, on the store's
//! claim-with-lease mechanism (`store::lease`).
//!
//! Rules: an item's current revision never has more than two reviews in force (claims whose
//! lease has not run out, plus submitted reviews); a reviewer never gets the same revision
//! twice; items whose departments meet the reviewer's specialties come first, as the
//! dataset's routing says; then items that already have one review so pairs finish. Beside
//! an item of the queue, a claim may give a control instead, at the maintainer's rate
//! (`control_pick`): controls take no place and settle nothing.

use super::control_pick;
use super::routing::Route;
use super::submit::check_changeable;
use super::{Assignment, load};
use crate::domain::review::ReviewContent;
use crate::store::db::{OptionalExtension, Row, ToSql, Transaction, TransactionBehavior, params};
use crate::store::dialect;
use crate::store::lease::{self, About, Claims, Draft, Queue, Table};
use crate::store::{Store, clock};
use anyhow::{Result, bail};
use std::sync::LazyLock;
use std::time::SystemTime;

/// The review queue's claims: a reviewer's on an item's revision, `(item_id, revision_no)`,
/// counted in `items.active_reviews`.
pub(super) struct ReviewClaims;

impl Queue for ReviewClaims {
    type Slot = (i64, i64);

    fn claims() -> &'static Claims {
        static CLAIMS: LazyLock<Claims> = LazyLock::new(|| {
            Claims::new(Table {
                name: "reviews",
                holder: "reviewer",
                slot: &["item_id", "revision_no"],
                to_item: "JOIN items i ON i.id = c.item_id",
                claim_key: "review_id",
                claimed: "review_claimed",
                released: "review_released",
                expired: "claim_expired",
            })
        });
        &CLAIMS
    }

    fn read_slot(row: &Row, first: usize) -> crate::store::db::Result<(i64, i64)> {
        Ok((row.get(first)?, row.get(first + 1)?))
    }

    fn slot_params((item_id, revision_no): &(i64, i64)) -> Vec<&dyn ToSql> {
        vec![item_id, revision_no]
    }

    /// One more review in force, and the item's one reviewer in force (`solo_reviewer`) as
    /// it is once the claim's row is in: the claimer if none was in force, else nobody. The
    /// row's trigger then finds it already right and leaves the item alone (schema 19),
    /// where it wrote the item a second time, the per-department queue with it.
    fn take(tx: &Transaction, holder: &str, &(item_id, _): &(i64, i64)) -> Result<()> {
        // On PostgreSQL, where claims run side by side, a claim that fills the item's second
        // place writes several per-reviewer counts: each of the item's reviewers' (the item
        // leaves the queue) and then its holder's (the review's insert). It locks them first,
        // in one order, so two such claims never hold one each while waiting for the other's.
        // The dataset's counts, which ordered them until schema 23, are written as the claim
        // commits. A claim of a first place writes its holder's count alone.
        dialect::lock_rows(
            tx,
            "SELECT 1 FROM queue_reviewer q JOIN items i ON i.id = ?1
             WHERE q.dataset_id = i.dataset_id AND i.active_reviews = 1
               AND (q.reviewer = ?2
                    OR q.reviewer IN (SELECT r.reviewer FROM reviews r WHERE r.item_id = ?1))
             ORDER BY q.reviewer FOR NO KEY UPDATE OF q",
            params![item_id, holder],
        )?;
        // A control's reviews take no place: it stays held at two (migration 15).
        tx.prepare_cached(
            "UPDATE items SET active_reviews = active_reviews + 1,
                 solo_reviewer = (SELECT CASE WHEN count(*) = 0 THEN ?2 END FROM reviews r
                     WHERE r.item_id = items.id AND r.revision_no = items.revision_no
                       AND (r.status = 'claimed' OR r.status = 'submitted'))
             WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM controls WHERE item_id = ?1)",
        )?
        .execute(params![item_id, holder])?;
        Ok(())
    }

    /// One fewer review in force on the item, if it is still at that revision.
    fn free(tx: &Transaction, &(item_id, revision_no): &(i64, i64)) -> Result<()> {
        tx.prepare_cached(
            "UPDATE items SET active_reviews = active_reviews - 1
             WHERE id = ?1 AND revision_no = ?2 AND active_reviews > 0
               AND NOT EXISTS (SELECT 1 FROM controls WHERE item_id = ?1)",
        )?
        .execute(params![item_id, revision_no])?;
        Ok(())
    }

    fn about(&(item_id, revision_no): &(i64, i64)) -> About {
        About {
            item: Some((item_id, revision_no)),
            detail: Vec::new(),
        }
    }
}

/// A person's claims, one at a time: the second sees the first's claim and resumes it, and
/// never takes the same revision beside it. On PostgreSQL, where claims run side by side, the
/// person's row is the lock (`NO KEY`, so their other writes, which only reference it, do
/// not wait).
fn hold_reviewer(tx: &Transaction, reviewer: &str) -> Result<()> {
    dialect::lock_rows(
        tx,
        "SELECT 1 FROM people WHERE id = ?1 FOR NO KEY UPDATE",
        [reviewer],
    )?;
    Ok(())
}

/// Locks the item chosen for a claim, unless another claim holds it (then false: that claim
/// may fill the item's last place, so this one looks elsewhere). The item is checked again
/// under the lock, as it is now.
fn lock_item(tx: &Transaction, (item_id, revision_no): (i64, i64)) -> Result<bool> {
    Ok(dialect::lock_rows(
        tx,
        "SELECT 1 FROM items WHERE id = ?1 AND revision_no = ?2
           AND state = 'in_review' AND active_reviews < 2
         FOR UPDATE SKIP LOCKED",
        params![item_id, revision_no],
    )?)
}

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
        let lease = self.lease_from(now)?;
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        self.row_locked(|store| store.try_claim_next(reviewer, dataset_id, &lease))
    }

    fn try_claim_next(
        &mut self,
        reviewer: &str,
        dataset_id: Option<i64>,
        lease: &lease::Lease,
    ) -> Result<Option<Assignment>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)?;
        hold_reviewer(&tx, reviewer)?;
        let Some(review_id) =
            lease::claim_next::<ReviewClaims>(&tx, reviewer, dataset_id, lease, |tx| {
                next_item(tx, reviewer, dataset_id)
            })?
        else {
            return Ok(None);
        };
        let assignment = match load(&tx, reviewer, review_id)? {
            Some(l) => l.assignment(&tx)?,
            None => bail!("review {review_id} vanished while being claimed"),
        };
        tx.commit()?;
        Ok(Some(assignment))
    }

    /// One of this reviewer's own reviews, to resume a draft or change a submitted review.
    /// `None` if there is no such review of theirs.
    pub fn open_review(&mut self, reviewer: &str, review_id: i64) -> Result<Option<Assignment>> {
        self.row_locked(|store| store.open_review_once(reviewer, review_id))
    }

    fn open_review_once(&mut self, reviewer: &str, review_id: i64) -> Result<Option<Assignment>> {
        let lease = self.lease_from(SystemTime::now())?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)?;
        let Some(l) = load(&tx, reviewer, review_id)? else {
            return Ok(None);
        };
        if !lease::reopen::<ReviewClaims>(&tx, review_id, &l.status, &lease)? {
            bail!(
                "your claim on {}/{} has lapsed; take the next item",
                l.dataset,
                l.ext_id
            );
        }
        let a = l.assignment(&tx)?;
        tx.commit()?;
        Ok(Some(a))
    }

    /// Saves a draft of a claimed review and renews its lease. A change to a submitted review
    /// is kept as its pending change, beside the submitted review (which stands until the
    /// change is submitted), while the item is open to change.
    pub fn save_draft(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<()> {
        self.row_locked(|store| store.save_draft_once(reviewer, review_id, content))
    }

    fn save_draft_once(
        &mut self,
        reviewer: &str,
        review_id: i64,
        content: &ReviewContent,
    ) -> Result<()> {
        let lease = self.lease_from(SystemTime::now())?;
        let json = serde_json::to_string(content)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)?;
        match lease::save_draft::<ReviewClaims>(&tx, reviewer, review_id, &json, &lease)? {
            Draft::Saved => {}
            Draft::Changed => {
                if let Some(l) = load(&tx, reviewer, review_id)? {
                    check_changeable(&l)?;
                }
            }
            Draft::Lapsed => {
                bail!("your claim on this item has lapsed; the draft could not be saved")
            }
            Draft::NotTheirs => bail!("review {review_id} is not yours"),
        }
        tx.commit()?;
        Ok(())
    }

    /// Throws away the change to a submitted review that was not submitted again: the review
    /// is what was submitted. Gives back the review as it stands now.
    pub fn discard_review_change(&mut self, reviewer: &str, review_id: i64) -> Result<Assignment> {
        self.row_locked(|store| store.discard_review_change_once(reviewer, review_id))
    }

    fn discard_review_change_once(&mut self, reviewer: &str, review_id: i64) -> Result<Assignment> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)?;
        lease::discard_change::<ReviewClaims>(&tx, reviewer, review_id, &now)?;
        let Some(l) = load(&tx, reviewer, review_id)? else {
            bail!("review {review_id} is not yours");
        };
        let a = l.assignment(&tx)?;
        tx.commit()?;
        Ok(a)
    }

    /// Skip: gives the claim back. The reviewer is not served this revision again.
    pub fn release_review(&mut self, reviewer: &str, review_id: i64) -> Result<()> {
        self.row_locked(|store| store.release_review_once(reviewer, review_id))
    }

    fn release_review_once(&mut self, reviewer: &str, review_id: i64) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::RowLocked)?;
        if !lease::release::<ReviewClaims>(&tx, reviewer, review_id, &now)? {
            bail!("there is no claim of yours to give back (review {review_id})");
        }
        tx.commit()?;
        Ok(())
    }
}

/// The next item for `reviewer`: unresolved, fewer than two reviews in force, none of them
/// theirs, and not a revision a curator sent to fresh reviewers when they reviewed an
/// earlier one. Items whose departments meet their specialties first (but in datasets that
/// route by none), then the others they may take (not, in strict datasets, items with
/// departments outside their specialties); within each, half-reviewed items first, then the
/// oldest. When there is one, the claim may give a control in its place.
fn next_item(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
) -> Result<Option<(i64, i64)>> {
    let route = Route::read(tx, reviewer)?;
    // Each pass only if some open item could answer it: the counts of open items per
    // department (`route_open`) say so without walking the queue.
    let mut found = None;
    if route.prefers_matching(dataset_id) && route.may_match(dataset_id) {
        found = next_matching(tx, reviewer, dataset_id, &route)?;
    }
    if found.is_none() {
        if !route.may_take(dataset_id) {
            return Ok(None);
        }
        found = next_other(tx, reviewer, dataset_id, &route)?;
    }
    // Only beside an item of the queue: controls never come alone.
    if found.is_some()
        && let Some(control) = control_pick::pick(tx, reviewer, dataset_id, &route)?
    {
        return Ok(Some(control));
    }
    Ok(found)
}

/// The first item in queue order whose departments meet the physician's specialties:
/// for each of their department bits, the first eligible item of that department's queue
/// (`route_queue`, migration 16), which holds only items of that department, so the walk
/// never passes items of others; then the first of those in queue order.
fn next_matching(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
    route: &Route,
) -> Result<Option<(i64, i64)>> {
    // Items another claim holds (PostgreSQL), passed over on the next look.
    let mut held: Vec<i64> = Vec::new();
    loop {
        let Some(found) = first_matching(tx, reviewer, dataset_id, route, &held)? else {
            return Ok(None);
        };
        if lock_item(tx, found)? {
            return Ok(Some(found));
        }
        held.push(found.0);
    }
}

/// `next_matching`'s look, passing over the items `held`.
fn first_matching(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
    route: &Route,
    held: &[i64],
) -> Result<Option<(i64, i64)>> {
    let scope = if dataset_id.is_some() {
        "route_queue q WHERE q.dataset_id = ?2"
    } else {
        "route_queue q INDEXED BY route_queue_any_dataset WHERE ?2 IS NULL"
    };
    // Every variant binds the same five parameters.
    let none = if route.any_none(dataset_id) {
        "AND q.dataset_id NOT IN (SELECT CAST(value AS INTEGER) FROM json_each(?4))"
    } else {
        "AND ?4 IS NOT NULL"
    };
    let passed = if held.is_empty() {
        "AND ?5 IS NOT NULL"
    } else {
        "AND q.item_id NOT IN (SELECT CAST(value AS INTEGER) FROM json_each(?5))"
    };
    let sql = format!(
        "SELECT q.active_reviews, q.item_id, q.revision_no FROM {scope}
           AND q.bit = ?3 AND q.solo_reviewer IS DISTINCT FROM ?1 {none} {passed}
           {barred}
         ORDER BY q.active_reviews DESC, q.item_id LIMIT 1 {locked}",
        barred = not_barred("q.item_id", "q"),
        // Another claim's place in a department's queue is passed over, not waited for.
        locked = dialect::skip_locked(tx, "q"),
    );
    let held = serde_json::to_string(held)?;
    let mut stmt = tx.prepare_cached(&sql)?;
    // (active reviews, item id, revision): more reviews first, then the oldest.
    let mut best: Option<(i64, i64, i64)> = None;
    for bit in (0..64).filter(|b| route.mask & (1i64 << b) != 0) {
        let found: Option<(i64, i64, i64)> = stmt
            .query_row(params![reviewer, dataset_id, bit, route.none, held], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        if let Some(f) = found
            && best.is_none_or(|b| (f.0, -f.1) > (b.0, -b.1))
        {
            best = Some(f);
        }
    }
    Ok(best.map(|(_, id, rev)| (id, rev)))
}

/// The queue's first item the physician may take, walking the queue index in its order:
/// the routing test (strict datasets keep items of other departments from them) reads
/// `route_mask` from the index, so no item row is read until one is eligible.
fn next_other(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
    route: &Route,
) -> Result<Option<(i64, i64)>> {
    let scope = if dataset_id.is_some() {
        "INDEXED BY items_review_queue_by_dataset WHERE i.dataset_id = ?2"
    } else {
        "INDEXED BY items_review_queue WHERE ?2 IS NULL"
    };
    // The routing test only where some dataset in scope is strict: the common case reads
    // nothing but the queue index's own columns. Both variants bind the same four parameters.
    let routed = if route.any_strict(dataset_id) {
        "AND NOT ((i.route_mask & ?3) = 0 AND i.route_mask <> 0
                  AND i.dataset_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?4)))"
    } else {
        "AND ?3 IS NOT NULL AND ?4 IS NOT NULL"
    };
    let list = &route.strict;
    let sql = format!(
        "SELECT i.id, i.revision_no FROM items i {scope}
           AND i.state = 'in_review' AND i.active_reviews < 2
           AND i.solo_reviewer IS DISTINCT FROM ?1 {routed}
           {barred}
         ORDER BY i.active_reviews DESC, i.id LIMIT 1 {locked}",
        barred = not_barred("i.id", "i"),
        // An item another claim holds is passed over, not waited for: that claim may take
        // its last place.
        locked = dialect::skip_locked(tx, "i"),
    );
    let found = tx
        .prepare_cached(&sql)?
        .query_row(params![reviewer, dataset_id, route.mask, list], |r| {
            Ok((r.get(0)?, r.get(1)?))
        });
    Ok(found.optional()?)
}

/// The claim's "never twice" test, on a row (`alias`) with `revision_no` and `fresh_eyes` whose
/// item is `item`: reviewer `?1` has no review row of its revision, and, if the revision is
/// for fresh eyes, submitted none of an earlier one.
fn not_barred(item: &str, alias: &str) -> String {
    format!(
        "AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = {item}
                         AND r.revision_no = {alias}.revision_no AND r.reviewer = ?1)
         AND NOT ({alias}.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                  WHERE p.item_id = {item} AND p.revision_no < {alias}.revision_no
                    AND p.reviewer = ?1 AND p.status = 'submitted'))"
    )
}
