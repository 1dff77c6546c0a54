//! The states an item moves through, from import to release.
//!
//! in_review -> (two reviews agree) accepted
//! in_review -> (disagreement or failure) needs_curation -> accepted | discarded | in_review (revised)
//! A new revision of any item sends it back to in_review.

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
