//! A curator's decision: accept, revise (a new revision back to review) or discard.

use crate::domain::curation::{Decision, Transition, next_state};
use crate::domain::hash::content_hash;
use crate::domain::people::Role;
use crate::domain::workflow::ItemState;
use crate::store::people::require_role;
use crate::store::{Store, clock};
use anyhow::{Result, anyhow, bail};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
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
}

impl Store {
    /// Records `curator`'s decision on `dataset/ext_id`, which they saw at `seen_revision`.
    /// Refused if the item has left the queue or changed since, naming who moved it.
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
        if revision_no != seen_revision || state != ItemState::NeedsCuration {
            let last = last_decision(&tx, rowid)?;
            let by = last.map_or(String::new(), |(who, action, at)| {
                format!(" ({who} chose {action} at {at})")
            });
            if revision_no != seen_revision {
                bail!(
                    "{what} changed since you opened it: it is at revision {revision_no}, you saw {seen_revision}{by}; reopen it"
                );
            }
            bail!("{what} is {state}, no longer waiting for a curator{by}");
        }
        let transition = match &decision {
            Decision::Accept { .. } => Transition::Accept,
            Decision::Revise { .. } => Transition::Revise,
            Decision::Discard { .. } => Transition::Discard,
        };
        let to = next_state(state, transition).map_err(|e| anyhow!("{what}: {e}"))?;

        let (departments, reason, new_revision, fresh_eyes) = match &decision {
            Decision::Accept { departments } => {
                (Some(serde_json::to_string(departments)?), None, None, false)
            }
            Decision::Discard { reason } => (None, Some(reason.clone()), None, false),
            Decision::Revise { body } => {
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
        tx.prepare_cached(
            "INSERT INTO decisions (item_id, revision_no, curator, action, departments, new_revision, reason, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            rowid,
            revision_no,
            curator,
            decision.action(),
            departments,
            new_revision,
            reason,
            now
        ])?;
        let decision_id = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3, ?4, ?5, json_object('decision_id', ?6, 'state', ?7,
                     'departments', json(?8), 'reason', ?9, 'new_revision', ?10))",
        )?
        .execute(params![
            now,
            curator,
            format!("curator_{}", decision.action()),
            rowid,
            revision_no,
            decision_id,
            to.as_str(),
            departments,
            reason,
            new_revision
        ])?;
        tx.commit()?;
        Ok(match decision {
            Decision::Accept { .. } => DecideOutcome::Accepted,
            Decision::Discard { .. } => DecideOutcome::Discarded,
            Decision::Revise { .. } => DecideOutcome::Revised {
                revision_no: new_revision.unwrap_or(revision_no + 1),
                fresh_eyes,
            },
        })
    }
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
