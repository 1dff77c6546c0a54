//! An open-ended response's score (MLB paper 3.6.2): the mean of the two AI judges' scores,
//! or the physician's where the judges differ by more than the dispute threshold.

use crate::domain::judge::is_dispute;

/// A stored response to a released item with its judges' scores and, for a decided
/// dispute, the physician's score (all 0 to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedResponse {
    pub dataset: String,
    pub item: String,
    pub model: String,
    pub judges: [f64; 2],
    pub physician: Option<f64>,
}

/// The score that counts, and whether it is only provisional.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenScore {
    pub score: f64,
    /// A dispute no physician has decided: the judges' mean stands in.
    pub undecided: bool,
}

pub fn score(r: &JudgedResponse, threshold: f64) -> OpenScore {
    let mean = (r.judges[0] + r.judges[1]) / 2.0;
    if !is_dispute(r.judges[0], r.judges[1], threshold) {
        return OpenScore {
            score: mean,
            undecided: false,
        };
    }
    match r.physician {
        Some(p) => OpenScore {
            score: p,
            undecided: false,
        },
        None => OpenScore {
            score: mean,
            undecided: true,
        },
    }
}
