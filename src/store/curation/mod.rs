//! Curation, as a curator sees it: the queue of disputed items with their reasons, one item
//! with both reviews, decisions, and an item's whole history. Every call checks the caller's
//! role: this is the only API that shows both reviews of an item.

mod decide;

/// What a new queue row does to one the item has already (submitting again, reopening):
/// takes its place whole, as `INSERT OR REPLACE` did, in the upsert both engines read.
macro_rules! curation_upsert {
    () => {
        "
         ON CONFLICT (item_id) DO UPDATE SET dataset_id = excluded.dataset_id,
             revision_no = excluded.revision_no, reasons = excluded.reasons,
             criteria_disagree = excluded.criteria_disagree, both_failed = excluded.both_failed,
             departments_disagree = excluded.departments_disagree,
             correction_proposed = excluded.correction_proposed, reopened = excluded.reopened,
             department_set = excluded.department_set, since = excluded.since"
    };
}
pub(crate) use curation_upsert;
mod history;

use super::Store;
use super::people::require_role;
use crate::domain::item::Item;
use crate::domain::people::Role;
use crate::domain::review::ReviewContent;
use crate::store::db::{OptionalExtension, params};
use anyhow::{Context, Result, bail};

pub use decide::DecideOutcome;
pub use history::{HistoryDecision, HistoryEvent, HistoryReview, HistoryRevision, ItemHistory};

/// The reason ids a queue can be filtered by, in the order they are shown. Each is a flag
/// column of the `curation` table.
pub const REASON_IDS: [&str; 5] = [
    "criteria_disagree",
    "both_failed",
    "departments_disagree",
    "correction_proposed",
    "reopened",
];

/// Which part of the queue to show; every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurationFilter {
    pub dataset: Option<String>,
    /// One of `REASON_IDS`.
    pub reason: Option<String>,
    /// A department id either reviewer chose.
    pub department: Option<String>,
}

/// One item waiting for a curator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurationRow {
    pub dataset: String,
    pub item_id: String,
    pub revision_no: i64,
    /// As in the item_settled event, e.g. `criteria_disagree:clinical_validity`.
    pub reasons: Vec<String>,
    pub since: String,
}

/// The queue under a filter: the first rows, how many match, and counts per reason
/// (under the dataset and department filter, whatever the reason filter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurationQueue {
    pub rows: Vec<CurationRow>,
    pub matching: u64,
    pub waiting: u64,
    pub by_reason: Vec<(&'static str, u64)>,
}

/// One submitted review, as the curator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReview {
    pub review_id: i64,
    pub reviewer: String,
    pub reviewer_name: String,
    pub content: ReviewContent,
    pub submitted_at: String,
}

/// An item waiting for a decision, with both reviews.
#[derive(Debug, Clone, PartialEq)]
pub struct CurationCase {
    pub item: Item,
    pub revision_no: i64,
    pub reasons: Vec<String>,
    pub since: String,
    pub reviews: Vec<CaseReview>,
}

impl Store {
    /// The curation queue, oldest items first, at most `limit` rows.
    pub fn curation_queue(
        &self,
        curator: &str,
        filter: &CurationFilter,
        limit: usize,
    ) -> Result<CurationQueue> {
        require_role(&self.conn, curator, &[Role::Curator])?;
        let dataset_id = match &filter.dataset {
            None => None,
            Some(name) => Some(self.dataset_id(name)?),
        };
        let reason_col = match filter.reason.as_deref() {
            None => None,
            Some(r) => match REASON_IDS.iter().find(|id| **id == r) {
                Some(id) => Some(*id),
                None => bail!(
                    "there is no curation reason {r:?}; the reasons are {}",
                    REASON_IDS.join(", ")
                ),
            },
        };
        let dept = filter.department.as_ref().map(|d| format!("%,{d},%"));
        let (waiting, counts): (i64, Vec<i64>) = self
            .conn
            .prepare_cached(
                "SELECT count(*),
                        CAST(coalesce(sum(criteria_disagree), 0) AS BIGINT),
                        CAST(coalesce(sum(both_failed), 0) AS BIGINT),
                        CAST(coalesce(sum(departments_disagree), 0) AS BIGINT),
                        CAST(coalesce(sum(correction_proposed), 0) AS BIGINT),
                        CAST(coalesce(sum(reopened), 0) AS BIGINT)
                 FROM curation WHERE (?1 IS NULL OR dataset_id = ?1)
                   AND (?2 IS NULL OR department_set LIKE ?2)",
            )?
            .query_row(params![dataset_id, dept], |r| {
                Ok((
                    r.get(0)?,
                    vec![r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                ))
            })?;
        let by_reason: Vec<(&'static str, u64)> = REASON_IDS
            .iter()
            .zip(&counts)
            .map(|(id, n)| (*id, *n as u64))
            .collect();
        let matching = match reason_col {
            None => waiting as u64,
            Some(id) => by_reason.iter().find(|(r, _)| *r == id).map_or(0, |x| x.1),
        };
        // The column name comes from REASON_IDS, never from input.
        let reason_sql = reason_col.map_or(String::new(), |c| format!("AND c.{c} = 1"));
        let sql = format!(
            "SELECT d.name, i.ext_id, c.revision_no, c.reasons, c.since
             FROM curation c JOIN items i ON i.id = c.item_id JOIN datasets d ON d.id = c.dataset_id
             WHERE (?1 IS NULL OR c.dataset_id = ?1) AND (?2 IS NULL OR c.department_set LIKE ?2)
               {reason_sql}
             ORDER BY c.item_id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![dataset_id, dept, limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (dataset, item_id, revision_no, reasons, since) = row?;
            out.push(CurationRow {
                dataset,
                item_id,
                revision_no,
                reasons: serde_json::from_str(&reasons)?,
                since,
            });
        }
        Ok(CurationQueue {
            rows: out,
            matching,
            waiting: waiting as u64,
            by_reason,
        })
    }

    /// An item in the curation queue with both its reviews; `None` if the item is not
    /// waiting for a curator.
    pub fn curation_case(
        &self,
        curator: &str,
        dataset: &str,
        ext_id: &str,
    ) -> Result<Option<CurationCase>> {
        require_role(&self.conn, curator, &[Role::Curator])?;
        let row: Option<(i64, i64, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT i.id, c.revision_no, c.reasons, c.since, r.body
                 FROM items i JOIN datasets d ON d.id = i.dataset_id
                 JOIN curation c ON c.item_id = i.id
                 JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset, ext_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((rowid, revision_no, reasons, since, body)) = row else {
            return Ok(None);
        };
        let what = format!("{dataset}/{ext_id}");
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.reviewer, coalesce(p.name, r.reviewer), r.content, r.submitted_at
             FROM reviews r LEFT JOIN people p ON p.id = r.reviewer
             WHERE r.item_id = ?1 AND r.revision_no = ?2 AND r.status = 'submitted'
             ORDER BY r.id",
        )?;
        let rows = stmt.query_map(params![rowid, revision_no], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut reviews = Vec::new();
        for row in rows {
            let (review_id, reviewer, reviewer_name, content, submitted_at) = row?;
            reviews.push(CaseReview {
                review_id,
                reviewer,
                reviewer_name,
                content: serde_json::from_str(&content)
                    .with_context(|| format!("reading a review of {what}"))?,
                submitted_at: submitted_at.unwrap_or_default(),
            });
        }
        Ok(Some(CurationCase {
            item: Item {
                id: ext_id.to_string(),
                dataset: dataset.to_string(),
                body: serde_json::from_str(&body).with_context(|| format!("reading {what}"))?,
            },
            revision_no,
            reasons: serde_json::from_str(&reasons)?,
            since,
            reviews,
        }))
    }

    /// A dataset's row id, or an error naming the command that lists them.
    pub(crate) fn dataset_id(&self, name: &str) -> Result<i64> {
        match self
            .conn
            .prepare_cached("SELECT id FROM datasets WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?
        {
            Some(id) => Ok(id),
            None => bail!("there is no dataset {name:?}; `medcurate status` lists them"),
        }
    }
}
