//! Agreement between two reviewers: Cohen's kappa on pass/fail, percent agreement, and
//! agreement on department sets. Pure arithmetic over counts; the store gathers the pairs.

use super::review::Criterion;
use std::collections::{BTreeMap, BTreeSet};

/// Reviewer pairs with fewer shared items than this are left out of the per-pair table:
/// kappa over a handful of items says little.
pub const MIN_PAIR_ITEMS: u64 = 20;

/// One reviewer's verdicts on the five criteria, in `Criterion::ALL` order: pass, fail, or
/// not judged (not applicable).
pub type Verdicts = [Option<bool>; 5];

/// A 2x2 table of paired pass/fail labels: `[a][b]` with index 1 = pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairTable {
    pub counts: [[u64; 2]; 2],
}

/// Kappa, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kappa {
    Value(f64),
    /// No pairs at all.
    NoData,
    /// Both reviewers used one and the same label throughout: expected agreement is 1 and
    /// kappa is 0/0.
    OneLabel,
}

impl Kappa {
    pub fn value(self) -> Option<f64> {
        match self {
            Kappa::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Why kappa is missing, in words for a report.
    pub fn explain(self) -> &'static str {
        match self {
            Kappa::Value(_) => "",
            Kappa::NoData => "no pairs",
            Kappa::OneLabel => "undefined: only one label was used",
        }
    }
}

impl PairTable {
    pub fn add(&mut self, a_pass: bool, b_pass: bool) {
        self.counts[a_pass as usize][b_pass as usize] += 1;
    }

    pub fn merge(&mut self, other: &PairTable) {
        for i in 0..2 {
            for j in 0..2 {
                self.counts[i][j] += other.counts[i][j];
            }
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    pub fn agreed(&self) -> u64 {
        self.counts[0][0] + self.counts[1][1]
    }

    /// Share of pairs with the same label, or `None` without pairs.
    pub fn percent_agreement(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| 100.0 * self.agreed() as f64 / n as f64)
    }

    /// Cohen's kappa, (po - pe) / (1 - pe), computed from the counts in integers as
    /// 2(ad - bc) / ((a+b)(b+d) + (a+c)(c+d)): agreement exactly at chance is `0.0`, never
    /// `-0.0` or a rounding residue such as -9.7e-17, and one division rounds the rest.
    pub fn kappa(&self) -> Kappa {
        if self.total() == 0 {
            return Kappa::NoData;
        }
        let c = |i: usize, j: usize| i128::from(self.counts[i][j]);
        // a: both pass, b: first passes only, c: second passes only, d: both fail.
        let (a, b, cc, d) = (c(1, 1), c(1, 0), c(0, 1), c(0, 0));
        let num = 2 * (a * d - b * cc);
        let den = (a + b) * (b + d) + (a + cc) * (cc + d);
        // Zero exactly when both reviewers used one and the same label throughout.
        if den == 0 {
            return Kappa::OneLabel;
        }
        Kappa::Value(num as f64 / den as f64)
    }
}

/// Agreement on department sets: how often the two sets are identical, and their mean
/// Jaccard similarity (two empty sets count as identical, similarity 1).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DepartmentAgreement {
    pub pairs: u64,
    pub exact: u64,
    jaccard_sum: f64,
}

impl DepartmentAgreement {
    pub fn add<'a>(
        &mut self,
        a: impl IntoIterator<Item = &'a str>,
        b: impl IntoIterator<Item = &'a str>,
    ) {
        let a: BTreeSet<&str> = a.into_iter().collect();
        let b: BTreeSet<&str> = b.into_iter().collect();
        let (exact, jaccard) = set_similarity(a.iter().copied(), b.iter().copied());
        self.add_measured(exact, jaccard);
    }

    /// Adds a pair whose sets were already compared (see `set_similarity`).
    pub fn add_measured(&mut self, exact: bool, jaccard: f64) {
        self.pairs += 1;
        if exact {
            self.exact += 1;
        }
        self.jaccard_sum += jaccard;
    }

    pub fn merge(&mut self, other: &DepartmentAgreement) {
        self.pairs += other.pairs;
        self.exact += other.exact;
        self.jaccard_sum += other.jaccard_sum;
    }

    /// Percent of pairs with identical sets.
    pub fn exact_percent(&self) -> Option<f64> {
        (self.pairs > 0).then(|| 100.0 * self.exact as f64 / self.pairs as f64)
    }

    pub fn mean_jaccard(&self) -> Option<f64> {
        (self.pairs > 0).then(|| self.jaccard_sum / self.pairs as f64)
    }
}

/// Whether two sets are identical, and their Jaccard similarity (two empty sets: 1), from
/// both sets' members in sorted order without repeats: one merge, no allocation.
pub fn set_similarity<'a>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'a str>,
) -> (bool, f64) {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let (mut inter, mut union) = (0u32, 0u32);
    loop {
        let step = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(y),
        };
        union += 1;
        match step {
            std::cmp::Ordering::Less => {
                a.next();
            }
            std::cmp::Ordering::Greater => {
                b.next();
            }
            std::cmp::Ordering::Equal => {
                inter += 1;
                a.next();
                b.next();
            }
        }
    }
    if union == 0 {
        (true, 1.0)
    } else {
        (inter == union, f64::from(inter) / f64::from(union))
    }
}

/// Agreement within one scope (everything, a dataset, a reviewer pair).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Pairs of reviews (one per reviewed revision).
    pub items: u64,
    /// Per criterion, the pairs where both reviewers judged it.
    pub criteria: [PairTable; 5],
    pub departments: DepartmentAgreement,
}

impl Scope {
    pub fn add(&mut self, a: &Verdicts, b: &Verdicts, da: &[&str], db: &[&str]) {
        let da: BTreeSet<&str> = da.iter().copied().collect();
        let db: BTreeSet<&str> = db.iter().copied().collect();
        let (exact, jaccard) = set_similarity(da.into_iter(), db.into_iter());
        self.add_measured(a, b, exact, jaccard);
    }

    /// Adds a pair whose department sets were already compared.
    pub fn add_measured(&mut self, a: &Verdicts, b: &Verdicts, exact: bool, jaccard: f64) {
        self.items += 1;
        for k in 0..5 {
            if let (Some(x), Some(y)) = (a[k], b[k]) {
                self.criteria[k].add(x, y);
            }
        }
        self.departments.add_measured(exact, jaccard);
    }

    pub fn criterion(&self, c: Criterion) -> &PairTable {
        let k = Criterion::ALL.iter().position(|x| *x == c).unwrap_or(0);
        &self.criteria[k]
    }

    /// Every criterion's judgements pooled into one table.
    pub fn pooled(&self) -> PairTable {
        let mut t = PairTable::default();
        for c in &self.criteria {
            t.merge(c);
        }
        t
    }
}

/// Agreement over a set of review pairs: overall, per dataset, per reviewer pair, and how
/// many reviews each reviewer submitted per day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgreementReport {
    pub overall: Scope,
    pub datasets: BTreeMap<String, Scope>,
    /// Keyed by the two reviewers' ids in sorted order.
    pub reviewer_pairs: BTreeMap<String, BTreeMap<String, Scope>>,
    /// Reviewer -> day (YYYY-MM-DD, UTC) -> reviews submitted.
    pub per_day: BTreeMap<String, BTreeMap<String, u64>>,
}

impl AgreementReport {
    /// Adds the two submitted reviews of one revision.
    #[allow(clippy::too_many_arguments)]
    pub fn add_pair(
        &mut self,
        dataset: &str,
        reviewer_a: &str,
        reviewer_b: &str,
        a: &Verdicts,
        b: &Verdicts,
        da: &[&str],
        db: &[&str],
    ) {
        self.overall.add(a, b, da, db);
        entry(&mut self.datasets, dataset).add(a, b, da, db);
        // Orient the pair by id so that each reviewer keeps their own marginals.
        let (ra, rb, a, b, da, db) = if reviewer_a <= reviewer_b {
            (reviewer_a, reviewer_b, a, b, da, db)
        } else {
            (reviewer_b, reviewer_a, b, a, db, da)
        };
        let inner = entry(&mut self.reviewer_pairs, ra);
        entry(inner, rb).add(a, b, da, db);
    }

    pub fn add_day(&mut self, reviewer: &str, day: &str, reviews: u64) {
        *entry(&mut self.per_day, reviewer)
            .entry(day.to_string())
            .or_default() += reviews;
    }

    /// Reviewer pairs sharing at least `min_items` items, most shared first.
    pub fn pairs_with_at_least(&self, min_items: u64) -> Vec<(&str, &str, &Scope)> {
        let mut out: Vec<_> = self
            .reviewer_pairs
            .iter()
            .flat_map(|(a, m)| m.iter().map(move |(b, s)| (a.as_str(), b.as_str(), s)))
            .filter(|(_, _, s)| s.items >= min_items)
            .collect();
        out.sort_by(|x, y| y.2.items.cmp(&x.2.items).then((x.0, x.1).cmp(&(y.0, y.1))));
        out
    }
}

fn entry<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pp: u64, pf: u64, fp: u64, ff: u64) -> PairTable {
        PairTable {
            counts: [[ff, fp], [pf, pp]],
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn chance_agreement_is_a_positive_zero() {
        // ad = bc: agreement exactly at chance. The floating-point (po - pe) / (1 - pe) gives
        // -2.8e-16 for the first table and -1.0e-16 for the second.
        for t in [table(1, 2, 4, 8), table(2, 1, 4, 2), table(3, 3, 3, 3)] {
            let Kappa::Value(k) = t.kappa() else {
                panic!("{t:?}: kappa should be defined");
            };
            assert_eq!(k, 0.0, "{t:?}");
            assert!(k.is_sign_positive(), "{t:?}");
            assert_eq!(format!("{k:.4}"), "0.0000");
            assert_eq!(serde_json::json!(k).to_string(), "0.0");
        }
    }

    #[test]
    fn perfect_agreement_is_one() {
        let t = table(30, 0, 0, 10);
        assert!(close(t.kappa().value().unwrap(), 1.0));
        assert_eq!(t.percent_agreement(), Some(100.0));
    }

    #[test]
    fn chance_level_agreement_is_zero() {
        // Each reviewer passes half, independently: po = 0.5, pe = 0.5.
        let t = table(25, 25, 25, 25);
        assert!(close(t.kappa().value().unwrap(), 0.0));
        assert_eq!(t.percent_agreement(), Some(50.0));
    }

    #[test]
    fn a_worked_textbook_case() {
        // 20 both pass, 5 A-pass/B-fail, 10 A-fail/B-pass, 15 both fail; n = 50.
        // po = 35/50 = 0.7; A passes 25/50, B passes 30/50;
        // pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
        let t = table(20, 5, 10, 15);
        assert!(close(t.kappa().value().unwrap(), 0.4));
        assert_eq!(t.percent_agreement(), Some(70.0));
    }

    #[test]
    fn systematic_disagreement_is_negative() {
        // Every pair disagrees, half each way: po = 0, pe = 0.5, kappa = -1.
        let t = table(0, 10, 10, 0);
        assert!(close(t.kappa().value().unwrap(), -1.0));
    }

    #[test]
    fn one_label_only_is_undefined_not_nan() {
        assert_eq!(table(40, 0, 0, 0).kappa(), Kappa::OneLabel);
        assert_eq!(table(0, 0, 0, 7).kappa(), Kappa::OneLabel);
        assert_eq!(PairTable::default().kappa(), Kappa::NoData);
        assert_eq!(PairTable::default().percent_agreement(), None);
        assert_eq!(
            Kappa::OneLabel.explain(),
            "undefined: only one label was used"
        );
    }

    #[test]
    fn one_sided_labels_with_disagreement_are_defined() {
        // A always passes, B fails once: pe = 1*0.9 + 0*0.1 = 0.9, po = 0.9, kappa = 0.
        let t = table(9, 1, 0, 0);
        assert!(close(t.kappa().value().unwrap(), 0.0));
    }

    #[test]
    fn department_sets_exact_and_jaccard() {
        let mut d = DepartmentAgreement::default();
        d.add(["cardiology"], ["cardiology"]); // 1
        d.add(["cardiology", "nephrology"], ["cardiology"]); // 1/2
        d.add(["a", "b"], ["c"]); // 0
        d.add([], []); // both empty: identical, 1
        assert_eq!(d.pairs, 4);
        assert_eq!(d.exact, 2);
        assert_eq!(d.exact_percent(), Some(50.0));
        assert!(close(d.mean_jaccard().unwrap(), 2.5 / 4.0));
        // Order does not matter.
        let mut e = DepartmentAgreement::default();
        e.add(["b", "a"], ["a", "b"]);
        assert_eq!(e.exact, 1);
    }

    #[test]
    fn a_report_splits_by_dataset_and_orients_pairs() {
        let pass = [Some(true), Some(true), Some(true), None, None];
        let fail1 = [Some(true), Some(false), Some(true), None, None];
        let mut r = AgreementReport::default();
        for i in 0..25 {
            // zhang and li disagree on clinical validity on every fifth item; the pair is
            // seen in both orders.
            let (a, b) = if i % 5 == 0 {
                (&pass, &fail1)
            } else {
                (&pass, &pass)
            };
            if i % 2 == 0 {
                r.add_pair(
                    "CMExam",
                    "zhang",
                    "li",
                    a,
                    b,
                    &["cardiology"],
                    &["cardiology"],
                );
            } else {
                r.add_pair("CMeIE", "li", "zhang", b, a, &["cardiology"], &[]);
            }
        }
        r.add_pair("CMExam", "wang", "li", &pass, &pass, &[], &[]);
        assert_eq!(r.overall.items, 26);
        assert_eq!(r.datasets["CMExam"].items, 14);
        assert_eq!(r.datasets["CMeIE"].items, 12);
        let pairs = r.pairs_with_at_least(MIN_PAIR_ITEMS);
        assert_eq!(pairs.len(), 1);
        let (a, b, s) = pairs[0];
        assert_eq!((a, b), ("li", "zhang"));
        // li always holds the fail: 5 fails of 25 against zhang's 25 passes.
        let cv = s.criterion(Criterion::ClinicalValidity);
        assert_eq!(cv.counts, [[0, 5], [0, 20]]);
        assert_eq!(cv.kappa(), Kappa::Value(0.0));
        assert_eq!(
            s.criterion(Criterion::NaturalPlausible).kappa(),
            Kappa::OneLabel
        );
        assert_eq!(s.criterion(Criterion::RubricMatch).kappa(), Kappa::NoData);
        assert_eq!(s.departments.exact, 13);
        r.add_day("li", "2026-11-20", 3);
        r.add_day("li", "2026-11-20", 2);
        assert_eq!(r.per_day["li"]["2026-11-20"], 5);
    }
}
