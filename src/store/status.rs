//! Counts per dataset and workflow state.

use super::Store;
use crate::domain::item::{Difficulty, ItemKind};
use crate::domain::workflow::ItemState;
use anyhow::Result;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetStatus {
    pub dataset: String,
    pub kind: ItemKind,
    pub by_state: BTreeMap<ItemState, u64>,
    /// Items per difficulty; `None` counts items not yet rated.
    pub by_difficulty: BTreeMap<Option<Difficulty>, u64>,
}

impl DatasetStatus {
    pub fn total(&self) -> u64 {
        self.by_state.values().sum()
    }

    pub fn count(&self, state: ItemState) -> u64 {
        self.by_state.get(&state).copied().unwrap_or(0)
    }
}

impl Store {
    /// Per dataset (by name), the number of items in each workflow state.
    pub fn status(&self) -> Result<Vec<DatasetStatus>> {
        let mut out: BTreeMap<String, DatasetStatus> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, d.kind, i.state, i.difficulty, count(i.id)
             FROM datasets d LEFT JOIN items i ON i.dataset_id = d.id
             GROUP BY d.id, i.state, i.difficulty",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        for row in rows {
            let (name, kind, state, difficulty, n) = row?;
            let entry = out.entry(name.clone()).or_insert_with(|| DatasetStatus {
                dataset: name,
                kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Mcq),
                by_state: BTreeMap::new(),
                by_difficulty: BTreeMap::new(),
            });
            if let Some(state) = state.and_then(|s| s.parse().ok()) {
                *entry.by_state.entry(state).or_default() += n as u64;
                let difficulty = difficulty.as_deref().and_then(Difficulty::parse);
                *entry.by_difficulty.entry(difficulty).or_default() += n as u64;
            }
        }
        Ok(out.into_values().collect())
    }
}
