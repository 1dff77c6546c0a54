//! Gathers the pairs of submitted reviews that agreement is measured on.
//!
//! At 350,000 items this is 700,000 reviews, so it is one pass over a covering index with
//! no join and no per-row allocation: names and days are interned, aggregates are kept under
//! small integer keys, and the report's string-keyed maps are built once at the end.

use super::Store;
use crate::domain::agreement::{AgreementReport, Scope, Verdicts, set_similarity};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the keys here are short names and small integers hashed 700,000 times; the
/// default SipHash costs more than the rest of the loop.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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
    ids: FastMap<String, u32>,
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
            .collect::<crate::store::db::Result<_>>()?;
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
        // Controls' reviews are no pairs (but count among a reviewer's reviews per day, as
        // every review does, so the counts tell no one which were controls).
        let mut control = vec![false; dataset_of.len()];
        {
            let mut stmt = self.conn.prepare_cached("SELECT item_id FROM controls")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id = r.get::<_, i64>(0)?.max(0) as usize;
                if let Some(c) = control.get_mut(id) {
                    *c = true;
                }
            }
        }
        let mut reviewers = Interner::default();
        let mut days = Interner::default();
        let mut overall = Scope::default();
        // Dataset ids and interned numbers are small: plain vectors, no hashing.
        let mut by_dataset: Vec<Option<Scope>> = Vec::new();
        let mut by_pair: FastMap<(u32, u32), Scope> = FastMap::default();
        let mut per_day: Vec<Vec<u64>> = Vec::new();
        let mut half: Option<Half> = None;
        let mut spare = String::new();

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
                let day = days.id(at.get(..10).unwrap_or(at)) as usize;
                let row = reviewer as usize;
                if per_day.len() <= row {
                    per_day.resize_with(row + 1, Vec::new);
                }
                if per_day[row].len() <= day {
                    per_day[row].resize(day + 1, 0);
                }
                per_day[row][day] += 1;
            }
            if control.get(item.max(0) as usize).copied().unwrap_or(false) {
                continue;
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
                    let slot = ds.max(0) as usize;
                    if by_dataset.len() <= slot {
                        by_dataset.resize_with(slot + 1, || None);
                    }
                    by_dataset[slot]
                        .get_or_insert_with(Scope::default)
                        .add_measured(&va, &vb, exact, jaccard);
                    spare = h.set;
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
                    // Reuse the last pair's buffer: one allocation for the whole pass.
                    let mut buf = std::mem::take(&mut spare);
                    buf.clear();
                    buf.push_str(set);
                    half = Some(Half {
                        item,
                        revision,
                        reviewer,
                        bits,
                        set: buf,
                    })
                }
            }
        }

        let mut report = AgreementReport {
            overall,
            ..Default::default()
        };
        for (ds, scope) in by_dataset.into_iter().enumerate() {
            if let Some(scope) = scope {
                let name = names.get(&(ds as i64)).cloned().unwrap_or_default();
                report.datasets.insert(name, scope);
            }
        }
        for ((a, b), scope) in by_pair {
            report
                .reviewer_pairs
                .entry(reviewers.names[a as usize].clone())
                .or_default()
                .insert(reviewers.names[b as usize].clone(), scope);
        }
        let mut day_map: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (who, counts) in per_day.into_iter().enumerate() {
            for (day, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                day_map
                    .entry(reviewers.names[who].clone())
                    .or_default()
                    .insert(days.names[day].clone(), n);
            }
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
