//! Reading items and their revisions.

use super::Store;
use crate::domain::item::{Item, ItemBody, ItemKind};
use crate::domain::workflow::ItemState;
use crate::store::db::{OptionalExtension, params};
use anyhow::{Context, Result};

/// An item's current state and revision, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredItem {
    pub item: Item,
    pub state: ItemState,
    pub revision_no: i64,
    pub content_hash: String,
}

/// One revision of an item, oldest first in `revisions`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRevision {
    pub revision_no: i64,
    pub body: ItemBody,
    pub content_hash: String,
    pub created_at: String,
}

impl Store {
    /// The item `ext_id` of `dataset` at its current revision.
    pub fn item(&self, dataset: &str, ext_id: &str) -> Result<Option<StoredItem>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT i.state, i.revision_no, r.body, r.content_hash
                 FROM items i JOIN datasets d ON d.id = i.dataset_id
                 JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset, ext_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .optional()?;
        let Some((state, revision_no, body, content_hash)) = row else {
            return Ok(None);
        };
        let body: ItemBody = serde_json::from_str(&body)
            .with_context(|| format!("reading the stored content of {dataset}/{ext_id}"))?;
        Ok(Some(StoredItem {
            item: Item {
                id: ext_id.to_string(),
                dataset: dataset.to_string(),
                body,
            },
            state: state.parse().map_err(anyhow::Error::msg)?,
            revision_no,
            content_hash,
        }))
    }

    /// Every revision of an item, oldest first.
    pub fn revisions(&self, dataset: &str, ext_id: &str) -> Result<Vec<StoredRevision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.revision_no, r.body, r.content_hash, r.created_at
             FROM revisions r JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             WHERE d.name = ?1 AND i.ext_id = ?2 ORDER BY r.revision_no",
        )?;
        let rows = stmt.query_map(params![dataset, ext_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (revision_no, body, content_hash, created_at) = row?;
            out.push(StoredRevision {
                revision_no,
                body: serde_json::from_str(&body)?,
                content_hash,
                created_at,
            });
        }
        Ok(out)
    }

    /// Every dataset's name and kind, by name: a read of the small `datasets` table, not a
    /// count of items.
    pub fn datasets(&self) -> Result<Vec<(String, ItemKind)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, kind FROM datasets ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (name, kind) = row?;
            out.push((name, ItemKind::parse(&kind).unwrap_or(ItemKind::Mcq)));
        }
        Ok(out)
    }

    /// Refuses, naming the command that lists them, unless `name` is a dataset.
    pub fn check_dataset(&self, name: &str) -> Result<()> {
        self.dataset_id(name).map(|_| ())
    }

    /// How many items the store holds.
    pub fn item_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// How many events the log holds.
    pub fn event_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}
