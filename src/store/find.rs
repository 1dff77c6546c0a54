//! Finding items by a part of their id or a word of their text, in the three places people
//! look: a reviewer's own reviews, every item (curators and maintainers), and the disputes an
//! expert may take or has taken. SQL narrows with a LIKE over the id and the stored body;
//! `domain::find` decides, so field names and option labels never match.

use super::Store;
use super::people::require_role;
use super::reviews::{MY_REVIEW_COLUMNS, read_my_review};
use crate::domain::find::{Match, Query};
use crate::domain::people::Role;
use crate::domain::workflow::ItemState;
use crate::store::db::params;
use crate::store::{MyReview, ReviewStatus};
use anyhow::{Result, anyhow};
use serde_json::Value;

/// At most this many matches are given; `Found::more` says when there were more.
pub const FIND_LIMIT: usize = 100;

/// The matches of a query, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub rows: Vec<(T, Match)>,
    /// More matched than `FIND_LIMIT`.
    pub more: bool,
}

/// An item found among all items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundItem {
    pub dataset: String,
    pub item_id: String,
    pub state: ItemState,
    pub revision_no: i64,
}

/// A dispute found: one the expert may take, or one of their own adjudications.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundDispute {
    pub response_id: i64,
    /// Theirs, with its status; `None` for a dispute waiting for an expert.
    pub adjudication: Option<(i64, ReviewStatus)>,
    pub dataset: String,
    pub item_id: String,
    pub model: String,
    pub gap: f64,
}

/// Reads rows until `limit` match, keeping what `decide` says of each; `more` when another
/// matched after them.
fn collect<T>(
    rows: &mut crate::store::db::Rows,
    limit: usize,
    mut decide: impl FnMut(&crate::store::db::Row) -> Result<Option<(T, Match)>>,
) -> Result<Found<T>> {
    let mut found = Found {
        rows: Vec::new(),
        more: false,
    };
    while let Some(r) = rows.next()? {
        if let Some(m) = decide(&r)? {
            if found.rows.len() == limit {
                found.more = true;
                break;
            }
            found.rows.push(m);
        }
    }
    Ok(found)
}

fn matches(q: &Query, dataset: &str, id: &str, body: &str) -> Option<Match> {
    let body: Option<Value> = serde_json::from_str(body).ok();
    q.matches(dataset, id, body.as_ref())
}

impl Store {
    /// The reviewer's own reviews (drafts and submitted) whose item matches, newest first.
    pub fn find_my_reviews(&self, reviewer: &str, q: &Query) -> Result<Found<MyReview>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MY_REVIEW_COLUMNS}, v.body
             FROM reviews r JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             WHERE r.reviewer = ?1 AND (r.status = 'claimed' OR r.status = 'submitted')
               AND (d.name || '/' || i.ext_id LIKE ?2 ESCAPE '\\' OR v.body LIKE ?2 ESCAPE '\\')
             ORDER BY r.updated_at DESC, r.id DESC"
        ))?;
        let mut rows = stmt.query(params![reviewer, q.like_pattern()])?;
        collect(&mut rows, FIND_LIMIT, |r| {
            let review = read_my_review(r)?;
            let body: String = r.get(8)?;
            Ok(matches(q, &review.dataset, &review.item_id, &body).map(|m| (review, m)))
        })
    }

    /// Any item that matches, for a curator or maintainer: those waiting for a curator first,
    /// then those in review, then the decided ones; in import order within each.
    pub fn find_items(&self, viewer: &str, q: &Query) -> Result<Found<FoundItem>> {
        require_role(&self.conn, viewer, &[Role::Curator, Role::Maintainer])?;
        // One scan per group, in the order shown, each stopping once enough have matched:
        // no sort, so a query that matches thousands answers as soon as the first fill it.
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, i.ext_id, i.state, i.revision_no, v.body
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no
             WHERE (i.state = ?2 OR i.state = ?3)
               AND (d.name || '/' || i.ext_id LIKE ?1 ESCAPE '\\' OR v.body LIKE ?1 ESCAPE '\\')
             ORDER BY i.id",
        )?;
        let pattern = q.like_pattern();
        let mut found = Found {
            rows: Vec::new(),
            more: false,
        };
        for states in [
            ["needs_curation", "needs_curation"],
            ["in_review", "in_review"],
            ["accepted", "discarded"],
        ] {
            let mut rows = stmt.query(params![pattern, states[0], states[1]])?;
            let group = collect(&mut rows, FIND_LIMIT - found.rows.len(), |r| {
                let item = FoundItem {
                    dataset: r.get(0)?,
                    item_id: r.get(1)?,
                    state: r
                        .get::<_, String>(2)?
                        .parse()
                        .map_err(|e: String| anyhow!(e))?,
                    revision_no: r.get(3)?,
                };
                let body: String = r.get(4)?;
                Ok(matches(q, &item.dataset, &item.item_id, &body).map(|m| (item, m)))
            })?;
            found.rows.extend(group.rows);
            if group.more {
                found.more = true;
                break;
            }
        }
        Ok(found)
    }

    /// Disputes that match: the expert's own adjudications (newest first), then disputes
    /// they may take (free, over the threshold, never theirs before; widest gap first).
    pub fn find_disputes(&self, expert: &str, q: &Query) -> Result<Found<FoundDispute>> {
        require_role(&self.conn, expert, &[Role::Annotator])?;
        let threshold = self.dispute_threshold()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, a.id, a.status, d.name, i.ext_id, r.model, r.gap, v.body, r.response
             FROM responses r JOIN items i ON i.id = r.item_id
             JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             LEFT JOIN adjudications a ON a.response_id = r.id AND a.expert = ?1
                  AND (a.status = 'claimed' OR a.status = 'submitted')
             WHERE (a.id IS NOT NULL
                    OR (r.taken = 0 AND r.gap > ?2 + 1e-9
                        AND NOT EXISTS (SELECT 1 FROM adjudications b
                                        WHERE b.response_id = r.id AND b.expert = ?1)))
               AND (d.name || '/' || i.ext_id LIKE ?3 ESCAPE '\\' OR v.body LIKE ?3 ESCAPE '\\'
                    OR r.response LIKE ?3 ESCAPE '\\' OR r.model LIKE ?3 ESCAPE '\\')
             ORDER BY a.id IS NULL, a.updated_at DESC, r.gap DESC, r.id",
        )?;
        let mut rows = stmt.query(params![expert, threshold, q.like_pattern()])?;
        collect(&mut rows, FIND_LIMIT, |r| {
            let adjudication = match r.get::<_, Option<i64>>(1)? {
                Some(id) => Some((
                    id,
                    if r.get::<_, String>(2)? == "submitted" {
                        ReviewStatus::Submitted
                    } else {
                        ReviewStatus::Claimed
                    },
                )),
                None => None,
            };
            let d = FoundDispute {
                response_id: r.get(0)?,
                adjudication,
                dataset: r.get(3)?,
                item_id: r.get(4)?,
                model: r.get(5)?,
                gap: r.get(6)?,
            };
            let body: String = r.get(7)?;
            let response: String = r.get(8)?;
            let m = matches(q, &d.dataset, &d.item_id, &body)
                .or_else(|| q.in_text(&Value::String(response)).map(Match::Text))
                .or_else(|| {
                    q.in_text(&Value::String(d.model.clone()))
                        .map(|_| Match::Text(format!("model {}", d.model)))
                });
            Ok(m.map(|m| (d, m)))
        })
    }
}
