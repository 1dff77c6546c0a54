//! An item's whole history: every revision, review, decision and logged event.

use crate::domain::item::ItemBody;
use crate::domain::people::Role;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::domain::workflow::ItemState;
use crate::store::Store;
use crate::store::db::{OptionalExtension, params};
use crate::store::people::require_role;
use anyhow::{Result, anyhow};

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRevision {
    pub revision_no: i64,
    pub body: ItemBody,
    pub content_hash: String,
    /// "import 3, line 17 of file 1" or the curator's id.
    pub source: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryReview {
    pub revision_no: i64,
    pub reviewer: String,
    /// claimed, submitted, released or expired.
    pub status: String,
    /// Only for submitted reviews of settled revisions: blinding holds while a pair is open.
    pub content: Option<ReviewContent>,
    pub claimed_at: String,
    pub submitted_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryDecision {
    pub revision_no: i64,
    pub curator: String,
    pub action: String,
    pub departments: Option<Vec<String>>,
    pub new_revision: Option<i64>,
    pub reason: Option<String>,
    /// A revise's note for the new revision's reviewers.
    pub note: Option<String>,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub revision_no: Option<i64>,
    /// The event's JSON detail; left out for events of a revision still under review.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemHistory {
    pub dataset: String,
    pub item_id: String,
    pub state: ItemState,
    pub revision_no: i64,
    pub final_departments: Option<Vec<String>>,
    pub revisions: Vec<HistoryRevision>,
    pub reviews: Vec<HistoryReview>,
    pub decisions: Vec<HistoryDecision>,
    pub events: Vec<HistoryEvent>,
}

impl ItemHistory {
    /// The criteria `who`'s submitted review of `revision` failed, when the history shows
    /// it (the pair is settled); `None` while it is withheld.
    pub fn failed_criteria(&self, who: &str, revision: Option<i64>) -> Option<Vec<Criterion>> {
        let r = self.reviews.iter().find(|r| {
            r.reviewer == who && Some(r.revision_no) == revision && r.status == "submitted"
        })?;
        let c = r.content.as_ref()?;
        Some(
            c.verdicts
                .iter()
                .filter(|(_, v)| matches!(v, Verdict::Fail { .. }))
                .map(|(c, _)| *c)
                .collect(),
        )
    }
}

impl Store {
    /// The history of `dataset/ext_id` for a curator or maintainer; `None` if there is no
    /// such item. While the current revision is in review its reviews' content and the
    /// details of their events are withheld, so nothing here can unblind a pair.
    pub fn item_history(
        &self,
        viewer: &str,
        dataset: &str,
        ext_id: &str,
    ) -> Result<Option<ItemHistory>> {
        require_role(&self.conn, viewer, &[Role::Curator, Role::Maintainer])?;
        let row: Option<(i64, String, i64, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT i.id, i.state, i.revision_no, i.departments
                 FROM items i JOIN datasets d ON d.id = i.dataset_id
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset, ext_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((rowid, state, current, departments)) = row else {
            return Ok(None);
        };
        let state: ItemState = state.parse().map_err(|e: String| anyhow!(e))?;
        // The revision whose reviews are still blind, if any.
        let open = (state == ItemState::InReview).then_some(current);

        let mut revisions = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT revision_no, body, content_hash, import_id, import_file, import_line, author,
                    created_at
             FROM revisions WHERE item_id = ?1 ORDER BY revision_no",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (revision_no, body, content_hash, import_id, file, line, author, created_at) = row?;
            let source = match (import_id, author) {
                (Some(id), _) => match (file, line) {
                    (Some(f), Some(l)) => format!("import {id}, file {} line {l}", f + 1),
                    _ => format!("import {id}"),
                },
                (None, Some(a)) => format!("edited by {a}"),
                (None, None) => "unknown".into(),
            };
            revisions.push(HistoryRevision {
                revision_no,
                body: serde_json::from_str(&body)?,
                content_hash,
                source,
                created_at,
            });
        }

        let mut reviews = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT revision_no, reviewer, status, content, claimed_at, submitted_at
             FROM reviews WHERE item_id = ?1 ORDER BY revision_no, id",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (revision_no, reviewer, status, content, claimed_at, submitted_at) = row?;
            let content = if status == "submitted" && Some(revision_no) != open {
                Some(serde_json::from_str(&content)?)
            } else {
                None
            };
            reviews.push(HistoryReview {
                revision_no,
                reviewer,
                status,
                content,
                claimed_at,
                submitted_at,
            });
        }

        let mut decisions = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT revision_no, curator, action, departments, new_revision, reason, at, note
             FROM decisions WHERE item_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        for row in rows {
            let (revision_no, curator, action, departments, new_revision, reason, at, note) = row?;
            decisions.push(HistoryDecision {
                revision_no,
                curator,
                action,
                departments: departments.map(|d| serde_json::from_str(&d)).transpose()?,
                new_revision,
                reason,
                note,
                at,
            });
        }

        let mut events = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, action, revision_no, detail FROM events
             WHERE item_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([rowid], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (at, actor, action, revision_no, detail) = row?;
            let blind = open.is_some() && revision_no == open && action.starts_with("review_");
            events.push(HistoryEvent {
                at,
                actor,
                action,
                revision_no,
                detail: if blind { None } else { detail },
            });
        }

        Ok(Some(ItemHistory {
            dataset: dataset.to_string(),
            item_id: ext_id.to_string(),
            state,
            revision_no: current,
            final_departments: departments.map(|d| serde_json::from_str(&d)).transpose()?,
            revisions,
            reviews,
            decisions,
            events,
        }))
    }
}
