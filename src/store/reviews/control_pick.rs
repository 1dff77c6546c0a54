//! Mixing control items into claims: one claim in N (the maintainer's rate) gives a control
//! the physician has not reviewed instead of the queue's next item, but only when the queue
//! has an item for them too, so a physician never gets controls alone. Which claims is left
//! to SQLite's `random()` (seeded by the OS), so no one can work out which claims were
//! controls. A control is offered as routing would offer an item: in a strict dataset only
//! to a physician its departments meet, matching ones first; then the least reviewed.

use super::routing::Route;
use crate::store::controls::control_rate;
use crate::store::db::{OptionalExtension, Transaction, params};
use crate::store::dialect;
use anyhow::Result;

/// A control for `reviewer` (in `dataset_id`, if given) if this claim is one that gives a
/// control and one is left for them.
pub(super) fn pick(
    tx: &Transaction,
    reviewer: &str,
    dataset_id: Option<i64>,
    route: &Route,
) -> Result<Option<(i64, i64)>> {
    if !route.controls_in_use(dataset_id) {
        return Ok(None);
    }
    let rate = i64::from(control_rate(tx)?);
    if rate == 0 {
        return Ok(None);
    }
    let roll: bool = tx
        .prepare_cached(&format!("SELECT {}", dialect::one_in(tx, "?1")))?
        .query_row([rate], |r| r.get(0))?;
    if !roll {
        return Ok(None);
    }
    let found = tx
        .prepare_cached(
            "SELECT c.item_id, i.revision_no FROM controls c INDEXED BY controls_in_use
             JOIN items i ON i.id = c.item_id JOIN datasets d ON d.id = c.dataset_id
             WHERE c.retired_at IS NULL AND (?2 IS NULL OR c.dataset_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = c.item_id
                               AND r.reviewer = ?1)
               AND NOT (d.routing = 'strict' AND i.route_mask <> 0 AND (i.route_mask & ?3) = 0)
             ORDER BY d.routing <> 'none' AND (i.route_mask & ?3) <> 0 DESC,
                      (SELECT count(*) FROM reviews r WHERE r.item_id = c.item_id
                         AND (r.status = 'claimed' OR r.status = 'submitted')),
                      random()
             LIMIT 1",
        )?
        .query_row(params![reviewer, dataset_id, route.mask], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(found)
}

/// Per dataset, the controls in use that `reviewer` has not reviewed and routing lets them
/// take: the queue screen counts them among the items available, as a claim may give them.
pub(super) fn unreviewed(
    tx: &Transaction,
    reviewer: &str,
    route: &Route,
) -> Result<std::collections::HashMap<i64, i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.dataset_id, count(*) FROM controls c INDEXED BY controls_in_use
         JOIN items i ON i.id = c.item_id JOIN datasets d ON d.id = c.dataset_id
         WHERE c.retired_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = c.item_id
                           AND r.reviewer = ?1)
           AND NOT (d.routing = 'strict' AND i.route_mask <> 0 AND (i.route_mask & ?2) = 0)
         GROUP BY c.dataset_id",
    )?;
    let rows = stmt.query_map(params![reviewer, route.mask], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<crate::store::db::Result<_>>()?)
}
