//! Gathers the pairs of submitted reviews that agreement is measured on.

use super::Store;
use crate::domain::agreement::{AgreementReport, Verdicts};
use anyhow::Result;
use rusqlite::params;

/// Decodes `reviews.verdict_bits` (see `reviews::verdict_bits`).
fn verdicts(bits: i64) -> Verdicts {
    std::array::from_fn(|k| (bits & (1 << k) != 0).then_some(bits & (1 << (k + 8)) != 0))
}

fn departments(set: &str) -> Vec<&str> {
    set.split(',').filter(|s| !s.is_empty()).collect()
}

impl Store {
    /// Agreement over every revision with two submitted reviews (in `dataset`, if given),
    /// and reviews submitted per reviewer per day.
    pub fn agreement(&self, dataset: Option<&str>) -> Result<AgreementReport> {
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let names: Vec<(i64, String)> = self
            .conn
            .prepare_cached("SELECT id, name FROM datasets")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let name_of = |id: i64| {
            names
                .iter()
                .find(|(i, _)| *i == id)
                .map_or("", |(_, n)| n.as_str())
        };
        let mut report = AgreementReport::default();
        // One pass over the covering index in item order: a revision's two reviews are
        // adjacent, so pairs are formed without a self-join.
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.item_id, r.revision_no, r.reviewer, r.verdict_bits, r.department_set,
                    i.dataset_id
             FROM reviews r INDEXED BY reviews_submitted_pairs
             JOIN items i ON i.id = r.item_id
             WHERE r.status = 'submitted' AND (?1 IS NULL OR i.dataset_id = ?1)
             ORDER BY r.item_id, r.revision_no, r.id",
        )?;
        let mut rows = stmt.query(params![dataset_id])?;
        let mut prev: Option<(i64, i64, String, i64, String)> = None;
        while let Some(r) = rows.next()? {
            let key: (i64, i64) = (r.get(0)?, r.get(1)?);
            let reviewer: String = r.get(2)?;
            let bits: i64 = r.get::<_, Option<i64>>(3)?.unwrap_or(0);
            let set: String = r.get::<_, Option<String>>(4)?.unwrap_or_default();
            let ds: i64 = r.get(5)?;
            match prev.take() {
                Some((item, rev, pr, pbits, pset)) if (item, rev) == key => {
                    report.add_pair(
                        name_of(ds),
                        &pr,
                        &reviewer,
                        &verdicts(pbits),
                        &verdicts(bits),
                        &departments(&pset),
                        &departments(&set),
                    );
                }
                _ => prev = Some((key.0, key.1, reviewer, bits, set)),
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.reviewer, substr(r.submitted_at, 1, 10), count(*)
             FROM reviews r INDEXED BY reviews_submitted_pairs JOIN items i ON i.id = r.item_id
             WHERE r.status = 'submitted' AND (?1 IS NULL OR i.dataset_id = ?1)
             GROUP BY 1, 2",
        )?;
        let mut rows = stmt.query(params![dataset_id])?;
        while let Some(r) = rows.next()? {
            let reviewer: String = r.get(0)?;
            let day: String = r.get(1)?;
            report.add_day(&reviewer, &day, r.get::<_, i64>(2)? as u64);
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::{ReviewContent, Verdict};
    use crate::store::reviews::{department_set, verdict_bits};

    #[test]
    fn verdict_bits_round_trip() {
        let mut c = ReviewContent::default();
        c.verdicts.insert(
            crate::domain::review::Criterion::ClinicalValidity,
            Verdict::Pass,
        );
        c.verdicts.insert(
            crate::domain::review::Criterion::RubricMatch,
            Verdict::Fail { reason: "x".into() },
        );
        assert_eq!(
            verdicts(verdict_bits(&c)),
            [None, Some(true), None, None, Some(false)]
        );
        let set = department_set(["nephrology", "cardiology", "nephrology"].into_iter());
        assert_eq!(set, ",cardiology,nephrology,");
        assert_eq!(departments(&set), vec!["cardiology", "nephrology"]);
        assert_eq!(department_set(std::iter::empty()), ",,");
        assert!(departments(",,").is_empty());
    }
}
