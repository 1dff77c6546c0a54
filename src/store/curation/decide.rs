//! A curator's decision: accept, revise (a new revision back to review), discard, or reopen
//! (a decided item back to the curation queue).

use crate::domain::curation::{Decision, Transition, next_state};
use crate::domain::hash::content_hash;
use crate::domain::people::Role;
use crate::domain::workflow::ItemState;
use crate::store::db::{self, OptionalExtension, Transaction, TransactionBehavior, params};
use crate::store::detail::{detail, raw};
use crate::store::dialect;
use crate::store::people::require_role;
use crate::store::reviews::department_set;
use crate::store::{Store, clock};
use anyhow::{Context, Result, anyhow, bail};
use std::time::SystemTime;

/// What a decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecideOutcome {
    Accepted,
    /// The new revision's number; it goes back to two reviewers.
    Revised {
        revision_no: i64,
        /// Whether the new revision is kept from the first pair of reviewers (there are
        /// enough other annotators).
        fresh_eyes: bool,
    },
    Discarded,
    /// The decided item is back in the curation queue.
    Reopened,
}

impl Store {
    /// Records `curator`'s decision on `dataset/ext_id`, which they saw at `seen_revision`.
    /// Refused if the item has left the queue or changed since, naming who moved it. A
    /// reopen is refused unless the item is accepted or discarded, and for an item whose
    /// current revision is in a frozen release.
    pub fn decide(
        &mut self,
        curator: &str,
        dataset: &str,
        ext_id: &str,
        seen_revision: i64,
        decision: Decision,
    ) -> Result<DecideOutcome> {
        let decision = decision.checked().map_err(|e| anyhow!(e))?;
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, curator, &[Role::Curator])?;
        let what = format!("{dataset}/{ext_id}");
        let row: Option<(i64, String, i64, String)> = tx
            .prepare_cached(
                "SELECT i.id, i.state, i.revision_no, r.content_hash
                 FROM items i JOIN datasets d ON d.id = i.dataset_id
                 JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset, ext_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((rowid, state, revision_no, current_hash)) = row else {
            bail!("there is no item {what}");
        };
        let state: ItemState = state.parse().map_err(|e: String| anyhow!(e))?;
        let transition = decision.transition();
        let by = || -> Result<String> {
            Ok(
                last_decision(&tx, rowid)?.map_or(String::new(), |(who, action, at)| {
                    format!(" ({who} chose {action} at {at})")
                }),
            )
        };
        if revision_no != seen_revision {
            bail!(
                "{what} changed since you opened it: it is at revision {revision_no}, you saw {seen_revision}{}; reopen it",
                by()?
            );
        }
        let to = match next_state(state, transition) {
            Ok(to) => to,
            Err(_) if transition == Transition::Reopen => match state {
                ItemState::NeedsCuration => bail!(
                    "{what} is waiting for a curator already; decide it from the curation queue"
                ),
                _ => bail!(
                    "{what} is in review at revision {revision_no}: only accepted or discarded items can be reopened, and it comes to a curator anyway if its reviewers disagree"
                ),
            },
            Err(_) => bail!(
                "{what} is {state}, no longer waiting for a curator{}",
                by()?
            ),
        };
        if transition == Transition::Reopen
            && let Some((release, version)) = frozen_release(&tx, rowid, revision_no)?
        {
            bail!(
                "{what} is in the frozen release {release} (version {version}) at revision {revision_no}, and releases never change: it cannot be reopened. To change it for later releases, import a new revision of it (`medcurate import --revise`)"
            );
        }

        let (departments, reason, new_revision, fresh_eyes) = match &decision {
            Decision::Accept { departments } => {
                (Some(serde_json::to_string(departments)?), None, None, false)
            }
            Decision::Discard { reason } => (None, Some(reason.clone()), None, false),
            Decision::Reopen { reason } => {
                reopen_tx(&tx, rowid, revision_no, &now)?;
                (None, Some(reason.clone()), None, false)
            }
            Decision::Revise { body, .. } => {
                let json = body.canonical_json();
                let hash = content_hash(&json);
                if hash == current_hash {
                    bail!(
                        "the edited {what} is the same as its current revision; accept it instead, or change it"
                    );
                }
                let next = revision_no + 1;
                tx.prepare_cached(
                    "INSERT INTO revisions (item_id, revision_no, body, content_hash, author, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![rowid, next, json, hash, curator, now])?;
                tx.prepare_cached(
                    "UPDATE items SET revision_no = ?2, difficulty = ?3, active_reviews = 0,
                     difficulty_source = CASE WHEN ?3 IS NULL THEN NULL ELSE 'import' END
                     WHERE id = ?1",
                )?
                .execute(params![
                    rowid,
                    next,
                    body.difficulty.map(|d| d.as_str())
                ])?;
                // Fresh reviewers where there are enough annotators who have not reviewed
                // any revision of this item.
                let others: i64 = tx
                    .prepare_cached(
                        "SELECT count(*) FROM person_roles pr
                         WHERE pr.role = 'annotator' AND NOT EXISTS (
                             SELECT 1 FROM reviews r WHERE r.item_id = ?1 AND r.reviewer = pr.person_id
                               AND r.status = 'submitted')",
                    )?
                    .query_row([rowid], |r| r.get(0))?;
                let fresh = others >= 2;
                tx.prepare_cached("UPDATE items SET fresh_eyes = ?2 WHERE id = ?1")?
                    .execute(params![rowid, fresh])?;
                (None, None, Some(next), fresh)
            }
        };
        tx.prepare_cached(
            "UPDATE items SET state = ?2, departments = coalesce(?3, departments) WHERE id = ?1",
        )?
        .execute(params![rowid, to.as_str(), departments])?;
        let note = match &decision {
            Decision::Revise { note, .. } => note.clone(),
            _ => None,
        };
        let decision_id = tx
            .prepare_cached(
            "INSERT INTO decisions (item_id, revision_no, curator, action, departments, new_revision, reason, at, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .insert_id(params![
            rowid,
            revision_no,
            curator,
            decision.action(),
            departments,
            new_revision,
            reason,
            now,
            note
        ])?
            .context("the new decision has no id")?;
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            now,
            curator,
            format!("curator_{}", decision.action()),
            rowid,
            revision_no,
            detail! {
                "decision_id" => decision_id,
                "state" => to.as_str(),
                "departments" => departments.as_deref().map_or(serde_json::Value::Null.into(), raw),
                "reason" => reason.clone(),
                "new_revision" => new_revision,
                "note" => note.clone(),
                "from" => state.as_str()
            }
        ])?;
        tx.commit()?;
        Ok(match decision {
            Decision::Accept { .. } => DecideOutcome::Accepted,
            Decision::Discard { .. } => DecideOutcome::Discarded,
            Decision::Reopen { .. } => DecideOutcome::Reopened,
            Decision::Revise { .. } => DecideOutcome::Revised {
                revision_no: new_revision.unwrap_or(revision_no + 1),
                fresh_eyes,
            },
        })
    }
}

/// A decided item back in the curation queue: no final departments, and a queue row whose
/// reasons are "reopened" and whatever sent the pair's reviews to a curator before.
fn reopen_tx(tx: &Transaction, rowid: i64, revision_no: i64, now: &str) -> Result<()> {
    let before: Option<String> = tx
        .prepare_cached(&format!(
            "SELECT {} FROM events
             WHERE item_id = ?1 AND revision_no = ?2 AND action = 'item_settled'
             ORDER BY id DESC LIMIT 1",
            dialect::json_value(tx, "detail", "'$.reasons'")
        ))?
        .query_row(params![rowid, revision_no], |r| r.get(0))
        .optional()?
        .flatten();
    let mut reasons = vec!["reopened".to_string()];
    if let Some(json) = before {
        let earlier: Vec<String> = serde_json::from_str(&json).unwrap_or_default();
        reasons.extend(earlier.into_iter().filter(|r| r != "reopened"));
    }
    let has = |id: &str| reasons.iter().any(|r| r.split(':').next() == Some(id));
    tx.prepare_cached(
        "UPDATE items SET state = 'needs_curation', departments = NULL WHERE id = ?1",
    )?
    .execute([rowid])?;
    // Every department either reviewer of the revision chose.
    let contents: Vec<String> = tx
        .prepare_cached(
            "SELECT r.content FROM reviews r JOIN items i ON i.id = r.item_id
             WHERE r.item_id = ?1 AND r.revision_no = i.revision_no AND r.status = 'submitted'",
        )?
        .query_map([rowid], |r| r.get(0))?
        .collect::<db::Result<_>>()?;
    let mut chosen: Vec<String> = Vec::new();
    for content in &contents {
        let review: serde_json::Value = serde_json::from_str(content)?;
        if let Some(ids) = review.get("departments").and_then(|d| d.as_array()) {
            chosen.extend(ids.iter().filter_map(|d| d.as_str()).map(str::to_string));
        }
    }
    let departments = department_set(chosen.iter().map(String::as_str));
    tx.prepare_cached(concat!(
        "INSERT INTO curation (item_id, dataset_id, revision_no, reasons,
             criteria_disagree, both_failed, departments_disagree, correction_proposed, reopened,
             department_set, since)
         SELECT i.id, i.dataset_id, i.revision_no, ?2, ?3, ?4, ?5, ?6, 1, ?8, ?7
         FROM items i WHERE i.id = ?1
",
        crate::store::curation::curation_upsert!()
    ))?
    .execute(params![
        rowid,
        serde_json::to_string(&reasons)?,
        has("criteria_disagree"),
        has("both_failed"),
        has("departments_disagree"),
        has("correction_proposed"),
        now,
        departments
    ])?;
    Ok(())
}

/// The first frozen release holding `revision_no` of the item: its name and version.
fn frozen_release(
    tx: &Transaction,
    rowid: i64,
    revision_no: i64,
) -> Result<Option<(String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT r.name, r.version FROM sample_items si JOIN releases r ON r.sample_id = si.sample_id
             WHERE si.item_id = ?1 AND si.revision_no = ?2 ORDER BY r.id LIMIT 1",
        )?
        .query_row(params![rowid, revision_no], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The latest decision on an item: who, what, when.
fn last_decision(tx: &Transaction, rowid: i64) -> Result<Option<(String, String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT curator, action, at FROM decisions WHERE item_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}
