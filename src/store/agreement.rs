//! Gathers the pairs of submitted reviews that agreement is measured on.
//!
//! At 350,000 items this is 700,000 reviews, so it is one pass over a covering index with
//! no join and no per-row allocation: names and days are interned, aggregates are kept under
//! small integer keys, and the report's string-keyed maps are built once at the end.

use super::Store;
use crate::domain::agreement::{AgreementReport, Scope, Verdicts, set_similarity};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};

/// Decodes `reviews.verdict_bits` (see `reviews::verdict_bits`).
fn verdicts(bits: i64) -> Verdicts {
    std::array::from_fn(|k| (bits & (1 << k) != 0).then_some(bits & (1 << (k + 8)) != 0))
}

#[cfg(test)]
fn departments(set: &str) -> Vec<&str> {
    members(set).collect()
}

/// The members of a stored `,a,b,` set, in their stored (sorted) order.
fn members(set: &str) -> impl Iterator<Item = &str> {
    set.split(',').filter(|s| !s.is_empty())
}

/// Strings seen before get their first number.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.names.push(s.to_string());
        id
    }
}

/// The first review of a revision, waiting for its partner.
struct Half {
    item: i64,
    revision: i64,
    reviewer: u32,
    bits: i64,
    set: String,
}

impl Store {
    /// Agreement over every revision with two submitted reviews (in `dataset`, if given),
    /// and reviews submitted per reviewer per day.
    pub fn agreement(&self, dataset: Option<&str>) -> Result<AgreementReport> {
        let only = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let names: HashMap<i64, String> = self
            .conn
            .prepare_cached("SELECT id, name FROM datasets")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // Item -> dataset, by rowid (dense from 1).
        let mut dataset_of: Vec<i64> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, dataset_id FROM items ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, ds): (i64, i64) = (r.get(0)?, r.get(1)?);
                let id = id.max(0) as usize;
                if dataset_of.len() <= id {
                    dataset_of.resize(id + 1, 0);
                }
                dataset_of[id] = ds;
            }
        }
        let mut reviewers = Interner::default();
        let mut days = Interner::default();
        let mut overall = Scope::default();
        let mut by_dataset: HashMap<i64, Scope> = HashMap::new();
        let mut by_pair: HashMap<(u32, u32), Scope> = HashMap::new();
        let mut per_day: HashMap<(u32, u32), u64> = HashMap::new();
        let mut half: Option<Half> = None;

        let mut stmt = self.conn.prepare_cached(
            "SELECT item_id, revision_no, reviewer, verdict_bits, department_set, submitted_at
             FROM reviews INDEXED BY reviews_submitted_pairs WHERE status = 'submitted'
             ORDER BY item_id, revision_no, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let item: i64 = r.get(0)?;
            let ds = dataset_of.get(item.max(0) as usize).copied().unwrap_or(0);
            if only.is_some_and(|o| o != ds) {
                continue;
            }
            let revision: i64 = r.get(1)?;
            let reviewer = reviewers.id(r.get_ref(2)?.as_str()?);
            let bits: i64 = r.get::<_, Option<i64>>(3)?.unwrap_or(0);
            let set = r.get_ref(4)?.as_str_or_null()?.unwrap_or(",,");
            if let Some(at) = r.get_ref(5)?.as_str_or_null()? {
                let day = days.id(at.get(..10).unwrap_or(at));
                *per_day.entry((reviewer, day)).or_default() += 1;
            }
            match half.take() {
                Some(h) if h.item == item && h.revision == revision => {
                    let (va, vb) = (verdicts(h.bits), verdicts(bits));
                    let (exact, jaccard) = if h.set == set {
                        (true, 1.0)
                    } else {
                        set_similarity(members(&h.set), members(set))
                    };
                    overall.add_measured(&va, &vb, exact, jaccard);
                    by_dataset
                        .entry(ds)
                        .or_default()
                        .add_measured(&va, &vb, exact, jaccard);
                    // Orient each pair by id, so each reviewer keeps their own marginals.
                    let (a, b, va, vb) = if reviewers.names[h.reviewer as usize]
                        <= reviewers.names[reviewer as usize]
                    {
                        (h.reviewer, reviewer, va, vb)
                    } else {
                        (reviewer, h.reviewer, vb, va)
                    };
                    by_pair
                        .entry((a, b))
                        .or_default()
                        .add_measured(&va, &vb, exact, jaccard);
                }
                _ => {
                    half = Some(Half {
                        item,
                        revision,
                        reviewer,
                        bits,
                        set: set.to_string(),
                    })
                }
            }
        }

        let mut report = AgreementReport {
            overall,
            ..Default::default()
        };
        for (ds, scope) in by_dataset {
            let name = names.get(&ds).cloned().unwrap_or_default();
            report.datasets.insert(name, scope);
        }
        for ((a, b), scope) in by_pair {
            report
                .reviewer_pairs
                .entry(reviewers.names[a as usize].clone())
                .or_default()
                .insert(reviewers.names[b as usize].clone(), scope);
        }
        let mut day_map: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for ((who, day), n) in per_day {
            day_map
                .entry(reviewers.names[who as usize].clone())
                .or_default()
                .insert(days.names[day as usize].clone(), n);
        }
        report.per_day = day_map;
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
        assert_eq!(
            set_similarity(members(",a,b,c,"), members(",b,c,d,")),
            (false, 0.5)
        );
        assert_eq!(set_similarity(members(",,"), members(",,")), (true, 1.0));
    }
}
