//! What became of a reviewer's own review, once its item is settled (accepted or discarded):
//! the other review of the pair and what was decided. The feedback physicians ask peers for;
//! while a pair is open, a curator has yet to decide, or a revision of the item is still in
//! review (possibly with the same two), none of it is given.

use super::{MY_REVIEW_COLUMNS, MyReview, ReviewStatus, Store, read_my_review};
use crate::domain::item::ItemBody;
use crate::domain::review::ReviewContent;
use crate::domain::workflow::ItemState;
use crate::store::db::{OptionalExtension, params};
use anyhow::{Context, Result, anyhow, bail};

/// A settled review with the rest of its pair and how the pair ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewOutcome {
    pub review_id: i64,
    pub dataset: String,
    pub item_id: String,
    /// The revision the review was of, and its text.
    pub revision_no: i64,
    pub body: ItemBody,
    /// The item now: accepted, discarded, or (after a revise) a later revision.
    pub state: ItemState,
    pub current_revision: i64,
    pub mine: ReviewContent,
    /// The other submitted reviews of the revision, without their reviewers' names.
    pub others: Vec<ReviewContent>,
    /// How the pair settled and what curators decided, oldest first, as events:
    /// `item_settled`, `curator_accept`, `curator_revise`, `curator_discard`,
    /// `curator_reopen`.
    pub steps: Vec<OutcomeStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeStep {
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The event's JSON detail.
    pub detail: Option<String>,
}

impl Store {
    /// The outcome of `reviewer`'s own submitted review `review_id`; `None` if it is not
    /// theirs. Refused, saying why, while the revision is not settled.
    pub fn review_outcome(&self, reviewer: &str, review_id: i64) -> Result<Option<ReviewOutcome>> {
        // Settled for a reviewer means the item is accepted or discarded (`MY_REVIEW_COLUMNS`):
        // a revision replaced by another is not enough, for the same two may review the next.
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {MY_REVIEW_COLUMNS}, r.revision_no, v.body, i.state, i.revision_no,
                        r.content, r.item_id
                 FROM reviews r JOIN items i ON i.id = r.item_id
                 JOIN datasets d ON d.id = i.dataset_id
                 JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
                 WHERE r.id = ?1 AND r.reviewer = ?2"
            ))?
            .query_row(params![review_id, reviewer], |r| {
                Ok((
                    read_my_review(r)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, i64>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, i64>(13)?,
                ))
            })
            .optional()?;
        let Some((mine_row, revision_no, body, state, current, content, rowid)) = row else {
            return Ok(None);
        };
        let MyReview {
            dataset,
            item_id,
            status,
            settled,
            ..
        } = mine_row;
        let what = format!("{dataset}/{item_id}");
        if status != ReviewStatus::Submitted {
            bail!(
                "your review of {what} is not submitted: its outcome shows once the item is settled"
            );
        }
        if !settled {
            bail!(
                "{what} is not settled yet: the other review and the decision show once it is \
                 accepted or discarded"
            );
        }
        let state: ItemState = state.parse().map_err(|e: String| anyhow!(e))?;
        let body: ItemBody =
            serde_json::from_str(&body).with_context(|| format!("reading {what}"))?;
        let mine: ReviewContent = serde_json::from_str(&content)
            .with_context(|| format!("reading your review of {what}"))?;

        let mut others = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT content FROM reviews
             WHERE item_id = ?1 AND revision_no = ?2 AND status = 'submitted' AND reviewer <> ?3
             ORDER BY submitted_at, id",
        )?;
        for c in stmt.query_map(params![rowid, revision_no, reviewer], |r| {
            r.get::<_, String>(0)
        })? {
            others.push(
                serde_json::from_str(&c?)
                    .with_context(|| format!("reading the other review of {what}"))?,
            );
        }

        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, action, detail FROM events
             WHERE item_id = ?1 AND revision_no = ?2
               AND (action = 'item_settled' OR action LIKE 'curator\\_%' ESCAPE '\\')
             ORDER BY id",
        )?;
        let steps = stmt
            .query_map(params![rowid, revision_no], |r| {
                Ok(OutcomeStep {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    detail: r.get(3)?,
                })
            })?
            .collect::<crate::store::db::Result<_>>()?;
        Ok(Some(ReviewOutcome {
            review_id,
            dataset,
            item_id,
            revision_no,
            body,
            state,
            current_revision: current,
            mine,
            others,
            steps,
        }))
    }
}
