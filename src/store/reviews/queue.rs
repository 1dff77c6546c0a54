//! A reviewer's progress per dataset, as the queue screen shows it: submitted, in progress,
//! available. Read from the counts the schema keeps as the data changes (`queue_open` and
//! `queue_reviewer`, migration 11), so the cost does not grow with the pool: a row per
//! dataset, the reviewer's open claims, and the claims whose lease has run out. In a strict
//! dataset the items open to a physician depend on their specialties: there they are counted
//! from their departments' queues (`route_queue`), and the barred ones from the physician's
//! own review rows.

use super::QueueRow;
use super::control_pick;
use super::routing::Route;
use crate::domain::item::ItemKind;
use crate::store::db::params;
use crate::store::{Store, clock};
use anyhow::Result;
use std::collections::HashMap;
use std::time::SystemTime;

impl Store {
    /// Per dataset: this reviewer's submitted reviews, claims in progress, and items available.
    pub fn review_queue(&self, reviewer: &str) -> Result<Vec<QueueRow>> {
        self.review_queue_at(reviewer, SystemTime::now())
    }

    /// `review_queue` at a given time. Available is what claims at `now` could give this
    /// reviewer: the open items they are not barred from, and the items a lapsed lease would
    /// open once the claim expires it.
    pub fn review_queue_at(&self, reviewer: &str, now: SystemTime) -> Result<Vec<QueueRow>> {
        let now = clock::iso(now);
        let tx = self.conn.unchecked_transaction()?;
        let route = Route::read(&tx, reviewer)?;
        let reopening = reopened_by_lapsed_leases(&tx, reviewer, &now, &route)?;
        let controls = control_pick::unreviewed(&tx, reviewer, &route)?;
        let mut stmt = tx.prepare_cached(
            "SELECT d.id, d.name, d.kind, coalesce(q.submitted, 0),
               (SELECT count(*) FROM reviews r JOIN items i ON i.id = r.item_id
                 WHERE r.reviewer = ?1 AND r.status = 'claimed' AND r.lease_expires_at > ?2
                   AND i.dataset_id = d.id),
               coalesce(o.items, 0) - coalesce(q.barred, 0)
             FROM datasets d
             LEFT JOIN queue_open o ON o.dataset_id = d.id
             LEFT JOIN queue_reviewer q ON q.reviewer = ?1 AND q.dataset_id = d.id
             ORDER BY d.name",
        )?;
        let rows = stmt.query_map(params![reviewer, now], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        let mut barred = None;
        for row in rows {
            let (id, dataset, kind, submitted, in_progress, available) = row?;
            let available = if route.any_strict(Some(id)) {
                let barred = match &barred {
                    Some(b) => b,
                    None => barred.insert(barred_in_strict(&tx, reviewer, &route)?),
                };
                open_to_in_strict(&tx, id, route.mask, barred)?
            } else {
                available
            } + reopening.get(&id).copied().unwrap_or(0);
            // Controls a claim may give count as items, while claims give any (beside an
            // item of the queue): the count falls by one at every claim, control or not.
            let available = if available > 0 {
                available + controls.get(&id).copied().unwrap_or(0)
            } else {
                available
            };
            out.push(QueueRow {
                dataset,
                kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Mcq),
                submitted: submitted.max(0) as u64,
                in_progress: in_progress as u64,
                available: available.max(0) as u64,
            });
        }
        drop(stmt);
        tx.commit()?;
        Ok(out)
    }
}

/// In a strict dataset, the open items a physician may be given: those whose departments
/// meet their specialties (`mask`) or that have none, less those they are barred from
/// (`barred`, from `barred_in_strict`). The open items are counted from the per-department
/// queues and the kept counts.
fn open_to_in_strict(
    tx: &crate::store::db::Transaction,
    dataset_id: i64,
    mask: i64,
    barred: &HashMap<i64, i64>,
) -> Result<i64> {
    // Those of their departments, from those departments' queues, each item in the first of
    // their departments it carries (`~(-1 << bit)`: the bits below, without overflow at 63);
    // those without departments, the dataset's open items less those with any.
    let bits: Vec<i64> = (0..64).filter(|b| mask & (1i64 << b) != 0).collect();
    let open: i64 = tx
        .prepare_cached(
            "SELECT (SELECT count(*) FROM route_queue q
                     WHERE q.bit IN (SELECT CAST(value AS INTEGER) FROM json_each(?2)) AND q.dataset_id = ?1
                       AND (q.route_mask & ?3 & ~(-1 << q.bit)) = 0)
                  + coalesce((SELECT items FROM queue_open WHERE dataset_id = ?1), 0)
                  - coalesce((SELECT items FROM route_open WHERE dataset_id = ?1 AND bit = 64), 0)",
        )?
        .query_row(
            params![dataset_id, serde_json::to_string(&bits)?, mask],
            |r| r.get(0),
        )?;
    Ok(open - barred.get(&dataset_id).copied().unwrap_or(0))
}

/// Per strict dataset, the open items routing would give `reviewer` but that they may not be
/// given (they have a review row of the current revision, or it is for fresh eyes and they
/// reviewed an earlier one). Read from the reviewer's own review rows, once for all
/// datasets: driven from them (`CROSS JOIN`), not from the dataset's queue.
fn barred_in_strict(
    tx: &crate::store::db::Transaction,
    reviewer: &str,
    route: &Route,
) -> Result<HashMap<i64, i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT i.dataset_id, count(*)
         FROM (SELECT DISTINCT item_id FROM reviews WHERE reviewer = ?1) w
         CROSS JOIN items i ON i.id = w.item_id
         WHERE i.dataset_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?3))
           AND i.state = 'in_review' AND i.active_reviews < 2
           AND ((i.route_mask & ?2) <> 0 OR i.route_mask = 0)
           AND (EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                        AND c.revision_no = i.revision_no AND c.reviewer = ?1)
                OR (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                      AND p.reviewer = ?1 AND p.status = 'submitted')))
         GROUP BY i.dataset_id",
    )?;
    let rows = stmt.query_map(params![reviewer, route.mask, route.strict], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<crate::store::db::Result<_>>()?)
}

/// Per dataset, the items that are full now but that the next claim, by expiring the leases
/// that have run out by `now`, opens for `reviewer` (in strict datasets, only those routing
/// lets them take). Only items with such a lease are read, through the index of open leases.
fn reopened_by_lapsed_leases(
    tx: &crate::store::db::Transaction,
    reviewer: &str,
    now: &str,
    route: &Route,
) -> Result<HashMap<i64, i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT i.dataset_id, count(*) FROM items i
         WHERE i.id IN (SELECT item_id FROM reviews
                        WHERE status = 'claimed' AND lease_expires_at <= ?2)
           AND i.state = 'in_review' AND i.active_reviews >= 2
           AND i.active_reviews - (SELECT count(*) FROM reviews l
                                   WHERE l.item_id = i.id AND l.revision_no = i.revision_no
                                     AND l.status = 'claimed' AND l.lease_expires_at <= ?2) < 2
           AND NOT EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                           AND c.revision_no = i.revision_no AND c.reviewer = ?1)
           AND NOT (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p WHERE p.item_id = i.id
                    AND p.revision_no < i.revision_no AND p.reviewer = ?1 AND p.status = 'submitted'))
           AND NOT ((i.route_mask & ?3) = 0 AND i.route_mask <> 0
                    AND i.dataset_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?4)))
         GROUP BY i.dataset_id",
    )?;
    let rows = stmt.query_map(params![reviewer, now, route.mask, route.strict], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<crate::store::db::Result<_>>()?)
}
