//! Scoring models on a frozen release (MLB paper 3.6): each item's outcome for a model, a
//! dataset's score from its items' outcomes (accuracy, micro-F1 or mean judge score, 0-100),
//! and the tables that group datasets (Table 4's dimensions) or items (difficulty,
//! department, any attribute). Pure: the release, the answers and the judges' scores come in.

pub mod extraction;
pub mod mcq;
pub mod open_ended;
pub mod render;
pub mod table;

pub use extraction::{Counts, ExtractionAnswer};
pub use open_ended::{JudgedResponse, OpenScore};

/// What one model got on one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// A multiple-choice question: right in every presentation or not.
    Mcq { correct: bool },
    /// An extraction item: true positives, false positives, false negatives.
    Extraction(Counts),
    /// An open-ended response's score from 0 to 1; `provisional` while it is an undecided
    /// dispute (the judges' mean stands in for the physician's score).
    OpenEnded { score: f64, provisional: bool },
}

/// A dataset's score for one model on some of its items, with what went into it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DatasetScore {
    /// 0-100; `None` when no item was scored.
    pub score: Option<f64>,
    pub items: usize,
    /// Undecided disputes among the items (their judges' mean counted).
    pub provisional: usize,
}

/// The score of a dataset's outcomes, as the paper scores its kind: accuracy for mcq, micro-F1
/// (counts summed over items and classes) for extraction, the mean score for open-ended.
pub fn dataset_score<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> DatasetScore {
    let mut items = 0usize;
    let mut provisional = 0usize;
    let mut right = 0usize;
    let mut counts = Counts::default();
    let mut sum = 0.0;
    let mut ext = false;
    for o in outcomes {
        items += 1;
        match o {
            Outcome::Mcq { correct } => {
                right += usize::from(*correct);
            }
            Outcome::Extraction(c) => {
                ext = true;
                counts.add(*c);
            }
            Outcome::OpenEnded {
                score,
                provisional: p,
            } => {
                sum += score;
                provisional += usize::from(*p);
            }
        }
    }
    // A dataset holds one kind of item (the plan's item_type).
    let score = if items == 0 {
        None
    } else if ext {
        Some(100.0 * counts.f1())
    } else {
        Some(100.0 * (right as f64 + sum) / items as f64)
    };
    DatasetScore {
        score,
        items,
        provisional,
    }
}

/// The mean of the scores, or `None` if any is missing (a missing score is never a zero).
pub fn mean_of_all(scores: &[Option<f64>]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    for s in scores {
        sum += (*s)?;
    }
    Some(sum / scores.len() as f64)
}

#[cfg(test)]
mod tests;
