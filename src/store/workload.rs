//! Each physician's pace and open work, for curators and maintainers: reviews submitted in a
//! recent window, the time from claim to submit, open claims and their age, items given back
//! and claims that lapsed. Counts and times only: nothing of what a review says.

use super::Store;
use super::people::require_role;
use crate::domain::people::Role;
use crate::domain::workload::{ReviewerLoad, median};
use crate::store::clock;
use crate::store::db::params;
use crate::store::dialect;
use anyhow::Result;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

impl Store {
    /// Every annotator's workload at `now`, over the last `days` days for the pace; by id.
    pub fn workload(&self, viewer: &str, now: SystemTime, days: u32) -> Result<Vec<ReviewerLoad>> {
        require_role(&self.conn, viewer, &[Role::Curator, Role::Maintainer])?;
        let since = clock::iso(now - Duration::from_secs(u64::from(days) * 86_400));
        let now = clock::iso(now);
        let mut loads: BTreeMap<String, ReviewerLoad> = self
            .people()?
            .into_iter()
            .filter(|p| p.roles.contains(&Role::Annotator))
            .map(|p| {
                let load = ReviewerLoad {
                    id: p.id.clone(),
                    name: p.name,
                    ..ReviewerLoad::default()
                };
                (p.id, load)
            })
            .collect();
        // Submitted, given back or lapsed in the window; open claims whenever taken.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT reviewer, status, {}, {}
             FROM reviews
             WHERE (status = 'submitted' AND submitted_at >= ?1)
                OR status = 'claimed'
                OR ((status = 'released' OR status = 'expired') AND updated_at >= ?1)",
            dialect::seconds_between(&self.conn, "claimed_at", "submitted_at"),
            dialect::seconds_between(&self.conn, "claimed_at", "?2"),
        ))?;
        let mut took: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut rows = stmt.query(params![since, now])?;
        while let Some(r) = rows.next()? {
            let who: String = r.get(0)?;
            let Some(load) = loads.get_mut(&who) else {
                continue;
            };
            let status: String = r.get(1)?;
            match status.as_str() {
                "submitted" => {
                    load.submitted_recent += 1;
                    if let Some(secs) = r.get::<_, Option<f64>>(2)? {
                        took.entry(who).or_default().push(secs.max(0.0));
                    }
                }
                "claimed" => {
                    load.open_claims += 1;
                    let age: f64 = r.get(3)?;
                    load.oldest_open_secs = Some(load.oldest_open_secs.map_or(age, |a| a.max(age)));
                }
                "released" => load.skipped += 1,
                "expired" => load.lapsed += 1,
                _ => {}
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT reviewer, count(*) FROM reviews WHERE status = 'submitted' GROUP BY reviewer",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(load) = loads.get_mut(&r.get::<_, String>(0)?) {
                load.submitted = r.get::<_, i64>(1)? as u64;
            }
        }
        for (who, mut secs) in took {
            if let Some(load) = loads.get_mut(&who) {
                load.median_secs = median(&mut secs);
            }
        }
        for load in loads.values_mut() {
            load.days = days;
        }
        Ok(loads.into_values().collect())
    }
}
