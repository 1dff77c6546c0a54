//! The states an item moves through, from import to release.
//!
//! in_review -> (two reviews agree) accepted
//! in_review -> (disagreement or failure) needs_curation -> accepted | discarded | in_review (revised)
//! A new revision of any item sends it back to in_review.

use super::item::ItemBody;
use super::review::{Criterion, ReviewContent, Verdict, applicable};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemState {
    /// Waiting for, or under, dual physician review.
    InReview,
    /// Reviews disagree or failed: a curator decides.
    NeedsCuration,
    /// Passed review or accepted by a curator: eligible for sampling.
    Accepted,
    /// Discarded by a curator; kept for the record.
    Discarded,
}

impl ItemState {
    pub const ALL: [ItemState; 4] = [
        ItemState::InReview,
        ItemState::NeedsCuration,
        ItemState::Accepted,
        ItemState::Discarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::InReview => "in_review",
            ItemState::NeedsCuration => "needs_curation",
            ItemState::Accepted => "accepted",
            ItemState::Discarded => "discarded",
        }
    }
}

impl fmt::Display for ItemState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ItemState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ItemState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown item state {s:?}"))
    }
}

/// Why a pair of reviews sends an item to a curator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurationReason {
    /// The two reviewers gave different verdicts on these criteria.
    CriteriaDisagree(Vec<Criterion>),
    /// Both reviewers failed the item on these criteria.
    BothFailed(Vec<Criterion>),
    /// The two reviewers chose different departments.
    DepartmentsDisagree,
    /// At least one reviewer proposed a corrected text.
    CorrectionProposed,
}

impl CurationReason {
    /// The reason's id in files and filters.
    pub fn id(&self) -> &'static str {
        match self {
            CurationReason::CriteriaDisagree(_) => "criteria_disagree",
            CurationReason::BothFailed(_) => "both_failed",
            CurationReason::DepartmentsDisagree => "departments_disagree",
            CurationReason::CorrectionProposed => "correction_proposed",
        }
    }
}

impl fmt::Display for CurationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |cs: &[Criterion]| cs.iter().map(|c| c.id()).collect::<Vec<_>>().join(",");
        match self {
            CurationReason::CriteriaDisagree(cs) => write!(f, "criteria_disagree:{}", list(cs)),
            CurationReason::BothFailed(cs) => write!(f, "both_failed:{}", list(cs)),
            other => f.write_str(other.id()),
        }
    }
}

/// What two submitted reviews of the same revision decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewPairOutcome {
    Accepted,
    NeedsCuration(Vec<CurationReason>),
}

/// Both reviews pass every applicable criterion, chose the same departments and propose no
/// correction: accepted. Anything else goes to a curator, with every reason that applies.
pub fn settle_pair(body: &ItemBody, a: &ReviewContent, b: &ReviewContent) -> ReviewPairOutcome {
    let mut disagree = Vec::new();
    let mut both_failed = Vec::new();
    for c in applicable(body) {
        let (pa, pb) = (
            a.verdicts.get(&c).is_some_and(Verdict::passed),
            b.verdicts.get(&c).is_some_and(Verdict::passed),
        );
        if pa != pb {
            disagree.push(c);
        } else if !pa {
            both_failed.push(c);
        }
    }
    let mut reasons = Vec::new();
    if !disagree.is_empty() {
        reasons.push(CurationReason::CriteriaDisagree(disagree));
    }
    if !both_failed.is_empty() {
        reasons.push(CurationReason::BothFailed(both_failed));
    }
    let set = |r: &ReviewContent| r.departments.iter().cloned().collect::<BTreeSet<_>>();
    if set(a) != set(b) {
        reasons.push(CurationReason::DepartmentsDisagree);
    }
    if a.proposal.is_some() || b.proposal.is_some() {
        reasons.push(CurationReason::CorrectionProposed);
    }
    if reasons.is_empty() {
        ReviewPairOutcome::Accepted
    } else {
        ReviewPairOutcome::NeedsCuration(reasons)
    }
}
