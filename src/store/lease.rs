//! Claims with a lease, the one mechanism under both queues: the review queue (a reviewer's
//! claim on an item's revision, in `reviews`) and the dispute queue (an expert's claim on a
//! disputed response, in `adjudications`).
//!
//! A claim holds its place until it is submitted, given back or its lease runs out. Every claim
//! in a queue first expires that queue's lapsed leases, so no background job is needed; then a
//! person's own open claim comes before a new one, so a dropped session resumes where it was.
//! Each claim, give-back and expiry is logged. A change to a submitted claim is a draft of its
//! own (`pending`), beside what was submitted, until it is submitted again or thrown away.
//! Which rows are eligible, in what order, and how many people may hold one at a time stay
//! with each queue (its [`Queue`]).

use crate::store::db::{OptionalExtension, Row, ToSql, Transaction, params};
use crate::store::{Store, clock};
use anyhow::{Context, Result};
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// Hours a claim holds its place unless the workspace sets otherwise.
pub const DEFAULT_LEASE_HOURS: u64 = 24;
/// The setting that changes it (for both queues).
pub const LEASE_SETTING: &str = "review.lease_hours";

impl Store {
    /// How long a claim lasts in this workspace.
    pub fn lease(&self) -> Result<Duration> {
        let hours = match self.setting(LEASE_SETTING)? {
            Some(v) => v.parse::<u64>().with_context(|| {
                format!("setting {LEASE_SETTING} is {v:?}, not a number of hours")
            })?,
            None => DEFAULT_LEASE_HOURS,
        };
        Ok(Duration::from_secs(hours * 3600))
    }

    /// A lease taken or renewed at `now`.
    pub(super) fn lease_from(&self, now: SystemTime) -> Result<Lease> {
        Ok(Lease {
            until: clock::iso(now + self.lease()?),
            now: clock::iso(now),
        })
    }
}

/// A lease as stored: taken or renewed at `now`, running out at `until`.
pub(super) struct Lease {
    pub now: String,
    pub until: String,
}

/// A queue's claims table and its events. The table has a row per claim with `id`, `status`
/// (`claimed`, `submitted`, `released` or `expired`), `content` (the draft or decision),
/// `pending` (a change to a submitted one, not submitted yet), `claimed_at`,
/// `lease_expires_at` and `updated_at`, and the columns named here.
pub(super) struct Table {
    pub name: &'static str,
    /// The column naming who holds the claim; also the key naming them in an expiry's event.
    pub holder: &'static str,
    /// The columns naming what the claim holds a place on, as [`Queue::read_slot`] reads them.
    pub slot: &'static [&'static str],
    /// Joins claim `c` to its item `i`, for the dataset filter.
    pub to_item: &'static str,
    /// The key naming the claim in its events' detail.
    pub claim_key: &'static str,
    /// The events' actions: a claim taken, given back, lapsed.
    pub claimed: &'static str,
    pub released: &'static str,
    pub expired: &'static str,
}

/// A queue's table with its statements, built once (see [`Queue::claims`]).
pub(super) struct Claims {
    table: Table,
    expire: String,
    open: String,
    renew: String,
    insert: String,
    release: String,
    draft: String,
    change: String,
    discard: String,
    status: String,
}

impl Claims {
    pub(super) fn new(table: Table) -> Claims {
        let Table {
            name,
            holder,
            to_item,
            ..
        } = &table;
        let slot = table.slot.join(", ");
        let slot_params = (0..table.slot.len())
            .map(|k| format!("?{}", k + 4))
            .collect::<Vec<_>>()
            .join(", ");
        Claims {
            expire: format!(
                "UPDATE {name} SET status = 'expired', lease_expires_at = NULL
                 WHERE status = 'claimed' AND lease_expires_at <= ?1
                 RETURNING id, {holder}, {slot}"
            ),
            open: format!(
                "SELECT c.id FROM {name} c {to_item}
                 WHERE c.{holder} = ?1 AND c.status = 'claimed' AND (?2 IS NULL OR i.dataset_id = ?2)
                 ORDER BY c.claimed_at LIMIT 1"
            ),
            renew: format!(
                "UPDATE {name} SET lease_expires_at = ?2, updated_at = ?3 WHERE id = ?1"
            ),
            insert: format!(
                "INSERT INTO {name} ({holder}, status, claimed_at, lease_expires_at, updated_at, {slot})
                 VALUES (?1, 'claimed', ?2, ?3, ?2, {slot_params})"
            ),
            release: format!(
                "UPDATE {name} SET status = 'released', lease_expires_at = NULL, updated_at = ?3
                 WHERE id = ?1 AND {holder} = ?2 AND status = 'claimed'
                 RETURNING {slot}"
            ),
            draft: format!(
                "UPDATE {name} SET content = ?3, lease_expires_at = ?4, updated_at = ?5
                 WHERE id = ?1 AND {holder} = ?2 AND status = 'claimed'"
            ),
            change: format!(
                "UPDATE {name} SET pending = ?3, updated_at = ?4
                 WHERE id = ?1 AND {holder} = ?2 AND status = 'submitted'"
            ),
            discard: format!(
                "UPDATE {name} SET pending = NULL, updated_at = ?3
                 WHERE id = ?1 AND {holder} = ?2 AND status = 'submitted' AND pending IS NOT NULL"
            ),
            status: format!("SELECT status FROM {name} WHERE id = ?1 AND {holder} = ?2"),
            table,
        }
    }
}

/// What an event about a claim names besides the claim itself.
pub(super) struct About {
    /// The item and revision, in the event's own columns.
    pub item: Option<(i64, i64)>,
    /// More detail, after the claim's id.
    pub detail: Vec<(&'static str, i64)>,
}

/// The parts of a queue that differ: its table, and what a claim holds a place on.
pub(super) trait Queue {
    /// What a claim holds a place on: an item's revision, a response.
    type Slot;

    /// The table and its statements: `Claims::new` in a `static LazyLock`.
    fn claims() -> &'static Claims;
    /// The slot from the columns `Table::slot`, the first at `first`.
    fn read_slot(row: &Row, first: usize) -> crate::store::db::Result<Self::Slot>;
    /// The slot's values for the columns `Table::slot`.
    fn slot_params(slot: &Self::Slot) -> Vec<&dyn ToSql>;
    /// Holds the place a new claim of `holder`'s takes, before the claim's row is written.
    fn take(tx: &Transaction, holder: &str, slot: &Self::Slot) -> Result<()>;
    /// Frees the place of a claim given back or lapsed.
    fn free(tx: &Transaction, slot: &Self::Slot) -> Result<()>;
    /// What the claim's events name.
    fn about(slot: &Self::Slot) -> About;
}

/// `holder`'s claim: their open one (in dataset `dataset_id`, if given) with its lease
/// renewed, or else a new claim on the place `next` finds for them, after lapsed leases have
/// freed theirs. `None` when `next` finds none.
pub(super) fn claim_next<Q: Queue>(
    tx: &Transaction,
    holder: &str,
    dataset_id: Option<i64>,
    lease: &Lease,
    next: impl FnOnce(&Transaction) -> Result<Option<Q::Slot>>,
) -> Result<Option<i64>> {
    expire::<Q>(tx, &lease.now)?;
    let claims = Q::claims();
    let open: Option<i64> = tx
        .prepare_cached(&claims.open)?
        .query_row(params![holder, dataset_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = open {
        renew::<Q>(tx, id, lease)?;
        return Ok(Some(id));
    }
    let Some(slot) = next(tx)? else {
        return Ok(None);
    };
    take::<Q>(tx, holder, lease, &slot).map(Some)
}

/// Claims `slot` for `holder`, who chose it, beside any claim they hold; the queue has
/// checked that it is free for them. Lapsed leases expire first.
pub(super) fn claim_this<Q: Queue>(
    tx: &Transaction,
    holder: &str,
    lease: &Lease,
    slot: &Q::Slot,
    free: impl FnOnce(&Transaction) -> Result<bool>,
) -> Result<Option<i64>> {
    expire::<Q>(tx, &lease.now)?;
    if !free(tx)? {
        return Ok(None);
    }
    take::<Q>(tx, holder, lease, slot).map(Some)
}

/// A new claim on `slot`, logged.
fn take<Q: Queue>(tx: &Transaction, holder: &str, lease: &Lease, slot: &Q::Slot) -> Result<i64> {
    let claims = Q::claims();
    // The place first: the row's triggers then find it as it will be (`ReviewClaims::take`).
    Q::take(tx, holder, slot)?;
    let mut values: Vec<&dyn ToSql> = vec![&holder, &lease.now, &lease.until];
    values.extend(Q::slot_params(slot));
    let id = tx
        .prepare_cached(&claims.insert)?
        .insert_id(values.as_slice())?
        .context("the new claim has no id")?;
    log::<Q>(tx, &lease.now, holder, claims.table.claimed, id, slot, None)?;
    Ok(id)
}

/// Claims whose lease has run out free their place.
fn expire<Q: Queue>(tx: &Transaction, now: &str) -> Result<()> {
    let claims = Q::claims();
    let expired: Vec<(i64, String, Q::Slot)> = tx
        .prepare_cached(&claims.expire)?
        .query_map([now], |r| Ok((r.get(0)?, r.get(1)?, Q::read_slot(r, 2)?)))?
        .collect::<crate::store::db::Result<_>>()?;
    for (id, holder, slot) in &expired {
        Q::free(tx, slot)?;
        log::<Q>(
            tx,
            now,
            "medcurate",
            claims.table.expired,
            *id,
            slot,
            Some(holder),
        )?;
    }
    // The claim then looks for a place by the counts these changed.
    if !expired.is_empty() {
        crate::store::dialect::counts_now(tx)?;
    }
    Ok(())
}

fn renew<Q: Queue>(tx: &Transaction, id: i64, lease: &Lease) -> Result<()> {
    tx.prepare_cached(&Q::claims().renew)?
        .execute(params![id, lease.until, lease.now])?;
    Ok(())
}

/// Opening one's own claim `id` (found with status `status`) again: a claim in force has its
/// lease renewed, a submitted one stays as it is. False when the claim has lapsed or was
/// given back.
pub(super) fn reopen<Q: Queue>(
    tx: &Transaction,
    id: i64,
    status: &str,
    lease: &Lease,
) -> Result<bool> {
    match status {
        "claimed" => renew::<Q>(tx, id, lease)?,
        "submitted" => {}
        _ => return Ok(false),
    }
    Ok(true)
}

/// What saving a draft found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Draft {
    /// Saved, the lease renewed.
    Saved,
    /// The claim is submitted: saved as its pending change, what was submitted untouched.
    Changed,
    /// Not saved: the claim has lapsed or was given back.
    Lapsed,
    /// There is no such claim of theirs.
    NotTheirs,
}

/// Saves `content` (JSON) as the draft of `holder`'s claim `id` and renews its lease; for a
/// submitted claim, as its pending change. The caller refuses a change that can no longer
/// count (rolling the transaction back).
pub(super) fn save_draft<Q: Queue>(
    tx: &Transaction,
    holder: &str,
    id: i64,
    content: &str,
    lease: &Lease,
) -> Result<Draft> {
    let claims = Q::claims();
    let saved = tx.prepare_cached(&claims.draft)?.execute(params![
        id,
        holder,
        content,
        lease.until,
        lease.now
    ])?;
    if saved > 0 {
        return Ok(Draft::Saved);
    }
    let status: Option<String> = tx
        .prepare_cached(&claims.status)?
        .query_row(params![id, holder], |r| r.get(0))
        .optional()?;
    Ok(match status.as_deref() {
        Some("submitted") => {
            tx.prepare_cached(&claims.change)?
                .execute(params![id, holder, content, lease.now])?;
            Draft::Changed
        }
        Some(_) => Draft::Lapsed,
        None => Draft::NotTheirs,
    })
}

/// Throws away the pending change of `holder`'s submitted claim `id`: what was submitted
/// stands. False when there is no such change.
pub(super) fn discard_change<Q: Queue>(
    tx: &Transaction,
    holder: &str,
    id: i64,
    now: &str,
) -> Result<bool> {
    let n = tx
        .prepare_cached(&Q::claims().discard)?
        .execute(params![id, holder, now])?;
    Ok(n > 0)
}

/// Gives `holder`'s claim `id` back and frees its place. False when they hold no such claim.
pub(super) fn release<Q: Queue>(
    tx: &Transaction,
    holder: &str,
    id: i64,
    now: &str,
) -> Result<bool> {
    let claims = Q::claims();
    let slot = tx
        .prepare_cached(&claims.release)?
        .query_row(params![id, holder, now], |r| Q::read_slot(r, 0))
        .optional()?;
    let Some(slot) = slot else {
        return Ok(false);
    };
    Q::free(tx, &slot)?;
    log::<Q>(tx, now, holder, claims.table.released, id, &slot, None)?;
    Ok(true)
}

/// Logs `action` on claim `id` by `actor`; `holder` is named when it is not the actor.
fn log<Q: Queue>(
    tx: &Transaction,
    at: &str,
    actor: &str,
    action: &str,
    id: i64,
    slot: &Q::Slot,
    holder: Option<&str>,
) -> Result<()> {
    let table = &Q::claims().table;
    let about = Q::about(slot);
    let mut detail = vec![(table.claim_key, Value::from(id))];
    detail.extend(about.detail.into_iter().map(|(k, v)| (k, Value::from(v))));
    if let Some(holder) = holder {
        detail.push((table.holder, Value::from(holder)));
    }
    tx.prepare_cached(
        "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
         VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        at,
        actor,
        action,
        about.item.map(|(item, _)| item),
        about.item.map(|(_, revision)| revision),
        crate::store::detail::object(detail.into_iter().map(|(k, v)| (k, v.into())).collect())
    ])?;
    Ok(())
}
