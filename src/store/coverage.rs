//! The counts behind `medcurate coverage`: items waiting per department, the annotators
//! whose specialties meet each, and the reviews of each department's items in a window.
//! An item counts in every department it carries (final, else suggested: its route mask).

use super::Store;
use super::people::require_role;
use crate::domain::coverage::{CoverageRow, order};
use crate::domain::departments::taxonomy;
use crate::domain::people::Role;
use crate::domain::routing::department_bit;
use crate::store::clock;
use crate::store::db::params;
use anyhow::Result;
use std::time::{Duration, SystemTime};

/// Index of the row of items with no department.
const NONE: usize = 64;

impl Store {
    /// Coverage at `now` over the last `days` days, in `dataset` if given; ordered for
    /// reading (uncovered departments first). Curators and maintainers.
    pub fn coverage(
        &self,
        viewer: &str,
        dataset: Option<&str>,
        now: SystemTime,
        days: u32,
    ) -> Result<Vec<CoverageRow>> {
        require_role(&self.conn, viewer, &[Role::Curator, Role::Maintainer])?;
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let since = clock::iso(now - Duration::from_secs(u64::from(days) * 86_400));
        let mut rows: Vec<CoverageRow> = taxonomy()
            .sub_specialties()
            .map(|(_, d)| CoverageRow {
                department: Some(d.id.clone()),
                days,
                ..CoverageRow::default()
            })
            .chain([CoverageRow {
                department: None,
                days,
                ..CoverageRow::default()
            }])
            .collect();
        let each_bit = |mask: i64, f: &mut dyn FnMut(usize)| {
            if mask == 0 {
                return f(NONE);
            }
            for bit in 0..64 {
                if mask & (1i64 << bit) != 0 {
                    f(bit);
                }
            }
        };

        let mut stmt = self.conn.prepare_cached(
            "SELECT route_mask, active_reviews, count(*) FROM items
             WHERE state = 'in_review' AND active_reviews < 2
               AND (?1 IS NULL OR dataset_id = ?1)
             GROUP BY route_mask, active_reviews",
        )?;
        let mut q = stmt.query(params![dataset_id])?;
        while let Some(r) = q.next()? {
            let (mask, active, n): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            each_bit(mask, &mut |b| {
                if active == 0 {
                    rows[b].waiting_first += n as u64;
                } else {
                    rows[b].waiting_second += n as u64;
                }
            });
        }

        let mut stmt = self.conn.prepare_cached(
            "SELECT i.route_mask, count(*) FROM reviews r JOIN items i ON i.id = r.item_id
             WHERE r.status = 'submitted' AND r.submitted_at >= ?1
               AND (?2 IS NULL OR i.dataset_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM controls c WHERE c.item_id = r.item_id)
             GROUP BY i.route_mask",
        )?;
        let mut q = stmt.query(params![since, dataset_id])?;
        while let Some(r) = q.next()? {
            let (mask, n): (i64, i64) = (r.get(0)?, r.get(1)?);
            each_bit(mask, &mut |b| rows[b].reviews_recent += n as u64);
        }

        let annotators: Vec<String> = self
            .people()?
            .into_iter()
            .filter(|p| p.roles.contains(&Role::Annotator))
            .map(|p| p.id)
            .collect();
        let specialties = self.specialties()?;
        rows[NONE].qualified = annotators.len() as u64;
        for who in &annotators {
            for d in specialties.get(who).into_iter().flatten() {
                if let Some(b) = department_bit(d) {
                    rows[b as usize].qualified += 1;
                }
            }
        }
        order(&mut rows);
        Ok(rows)
    }
}
