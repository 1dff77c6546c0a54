//! Reviews and decisions of settled items, for analysis outside medcurate.

use super::Store;
use super::people::require_role;
use crate::domain::people::Role;
use crate::domain::review::ReviewContent;
use crate::store::db::params;
use anyhow::{Context, Result};
use serde::Serialize;

/// One line of `reviews export`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum ExportRecord {
    Review {
        dataset: String,
        item_id: String,
        revision_no: i64,
        reviewer: String,
        submitted_at: Option<String>,
        passed: Option<bool>,
        #[serde(flatten)]
        content: ReviewContent,
    },
    Decision {
        dataset: String,
        item_id: String,
        revision_no: i64,
        curator: String,
        action: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        departments: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_revision: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// A revise's note for the new revision's reviewers.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        at: String,
    },
}

impl Store {
    /// Every submitted review of a settled revision, and every decision, in a fixed order
    /// (dataset, item, revision, then reviews before decisions). A revision is settled when
    /// the item is accepted or discarded or a later revision replaced it; reviews of items
    /// still in review or waiting for a curator are left out, so exporting never unblinds.
    pub fn export_reviews(
        &self,
        viewer: &str,
        dataset: Option<&str>,
        mut sink: impl FnMut(ExportRecord) -> Result<()>,
    ) -> Result<u64> {
        require_role(&self.conn, viewer, &[Role::Curator, Role::Maintainer])?;
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, i.ext_id, x.revision_no, x.kind, x.who, x.at, x.passed, x.content,
                    x.action, x.departments, x.new_revision, x.reason, x.note
             FROM (
               SELECT r.item_id, r.revision_no, 0 AS kind, r.id AS seq, r.reviewer AS who,
                      r.submitted_at AS at, r.passed, r.content, NULL AS action,
                      NULL AS departments, NULL AS new_revision, NULL AS reason, NULL AS note
               FROM reviews r WHERE r.status = 'submitted'
               UNION ALL
               SELECT c.item_id, c.revision_no, 1, c.id, c.curator, c.at, NULL, NULL, c.action,
                      c.departments, c.new_revision, c.reason, c.note
               FROM decisions c
             ) x
             JOIN items i ON i.id = x.item_id JOIN datasets d ON d.id = i.dataset_id
             WHERE (?1 IS NULL OR i.dataset_id = ?1)
               AND (x.revision_no < i.revision_no OR i.state = 'accepted' OR i.state = 'discarded')
             ORDER BY d.name, i.ext_id, x.revision_no, x.kind, x.seq",
        )?;
        let mut rows = stmt.query(params![dataset_id])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let dataset: String = r.get(0)?;
            let item_id: String = r.get(1)?;
            let revision_no: i64 = r.get(2)?;
            let record = if r.get::<_, i64>(3)? == 0 {
                let content: String = r.get(7)?;
                ExportRecord::Review {
                    content: serde_json::from_str(&content)
                        .with_context(|| format!("reading a review of {dataset}/{item_id}"))?,
                    dataset,
                    item_id,
                    revision_no,
                    reviewer: r.get(4)?,
                    submitted_at: r.get(5)?,
                    passed: r.get::<_, Option<i64>>(6)?.map(|p| p != 0),
                }
            } else {
                ExportRecord::Decision {
                    dataset,
                    item_id,
                    revision_no,
                    curator: r.get(4)?,
                    at: r.get(5)?,
                    action: r.get(8)?,
                    departments: r
                        .get::<_, Option<String>>(9)?
                        .map(|d| serde_json::from_str(&d))
                        .transpose()?,
                    new_revision: r.get(10)?,
                    reason: r.get(11)?,
                    note: r.get(12)?,
                }
            };
            sink(record)?;
            n += 1;
        }
        Ok(n)
    }
}
