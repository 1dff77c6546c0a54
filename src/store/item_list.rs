//! The item list: every item with its state and reviewers' progress, never their verdicts.

use super::Store;
use super::clock::iso;
use crate::domain::item::{Difficulty, ItemKind};
use crate::domain::workflow::ItemState;
use crate::store::db::params;
use anyhow::Result;
use std::time::SystemTime;

/// One item as `medcurate items` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub dataset: String,
    pub id: String,
    pub kind: ItemKind,
    pub state: ItemState,
    pub revision: i64,
    pub difficulty: Option<Difficulty>,
    /// Reviews of the current revision submitted, and claimed under a lease in force.
    pub submitted: u32,
    pub in_progress: u32,
    /// A control item: set only when a maintainer asks (`ControlsSeen::Shown`).
    pub control: bool,
}

/// How the list shows control items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlsSeen<'a> {
    /// As controls, with all their reviews: for a maintainer.
    Shown,
    /// As items in review that only this person (if anyone) has reviewed: to anyone else a
    /// control looks like an item in review whose other review is not in, as it does to
    /// each of its many reviewers.
    AsSeenBy(Option<&'a str>),
}

impl Store {
    /// Calls `each` for every item, by dataset and id, optionally of one dataset and state.
    pub fn for_each_item(
        &self,
        dataset: Option<&str>,
        state: Option<ItemState>,
        seen: ControlsSeen,
        mut each: impl FnMut(ItemRow) -> Result<()>,
    ) -> Result<()> {
        if let Some(d) = dataset {
            self.check_dataset(d)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, i.ext_id, i.kind, i.state, i.revision_no, i.difficulty,
                    (SELECT count(*) FROM reviews r
                      WHERE r.item_id = i.id AND r.revision_no = i.revision_no
                        AND r.status = 'submitted' AND (c.item_id IS NULL OR ?5 <> 0 OR r.reviewer IS NOT DISTINCT FROM ?4)),
                    (SELECT count(*) FROM reviews r
                      WHERE r.item_id = i.id AND r.revision_no = i.revision_no
                        AND r.status = 'claimed' AND r.lease_expires_at > ?3
                        AND (c.item_id IS NULL OR ?5 <> 0 OR r.reviewer IS NOT DISTINCT FROM ?4)),
                    ?5 <> 0 AND c.item_id IS NOT NULL
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             LEFT JOIN controls c ON c.item_id = i.id
             WHERE (?1 IS NULL OR d.name = ?1) AND (?2 IS NULL OR i.state = ?2)
             ORDER BY d.name, i.ext_id",
        )?;
        let now = iso(SystemTime::now());
        let (shown, person) = match seen {
            ControlsSeen::Shown => (true, None),
            ControlsSeen::AsSeenBy(p) => (false, p),
        };
        let mut rows = stmt.query(params![
            dataset,
            state.map(|s| s.as_str()),
            now,
            person,
            shown
        ])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(2)?;
            let state: String = r.get(3)?;
            let difficulty: Option<String> = r.get(5)?;
            each(ItemRow {
                dataset: r.get(0)?,
                id: r.get(1)?,
                kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Mcq),
                state: state.parse().unwrap_or(ItemState::InReview),
                revision: r.get(4)?,
                difficulty: difficulty.as_deref().and_then(Difficulty::parse),
                submitted: r.get(6)?,
                in_progress: r.get(7)?,
                control: r.get(8)?,
            })?;
        }
        Ok(())
    }
}
