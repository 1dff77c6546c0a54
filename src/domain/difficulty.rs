//! Difficulty from calibration models' results (paper 3.4): for mcq and extraction, how many
//! models got the item right; for open-ended items, the models' mean score.

use super::item::Difficulty;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The thresholds a plan sets (MLB: F1 > 0.8 counts as correct; open-ended mean > 0.7 easy,
/// 0.6-0.7 medium, < 0.6 hard).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// An extraction result counts as correct when its micro-F1 is above this.
    pub extraction_f1_correct_above: f64,
    /// An open-ended item is easy when the mean score is above this...
    pub open_ended_easy_above: f64,
    /// ...medium when it is at least this, hard below it.
    pub open_ended_medium_from: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            extraction_f1_correct_above: 0.8,
            open_ended_easy_above: 0.7,
            open_ended_medium_from: 0.6,
        }
    }
}

/// One calibration model's result on one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// mcq: the option labels the model chose.
    Choice(Vec<String>),
    /// extraction: the model's micro-F1 (0-1).
    F1(f64),
    /// open_ended: the model's score (0-1).
    Score(f64),
}

/// One calibration model's result on one item, as read from a calibration results file
/// (`line` is its line there) and as the store takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationRow {
    pub line: usize,
    pub dataset: String,
    pub item_id: String,
    pub model: String,
    pub outcome: Outcome,
}

/// Whether an mcq choice is the answer: the same set of labels, in any order or case.
pub fn choice_is_correct(chosen: &[String], answer: &[String]) -> bool {
    let norm =
        |v: &[String]| -> BTreeSet<String> { v.iter().map(|s| s.trim().to_uppercase()).collect() };
    norm(chosen) == norm(answer)
}

/// All models right: easy; all but one: medium; otherwise hard.
pub fn by_consensus(correct: usize, models: usize) -> Difficulty {
    if correct >= models {
        Difficulty::Easy
    } else if correct + 1 == models {
        Difficulty::Medium
    } else {
        Difficulty::Hard
    }
}

/// Open-ended: by the mean score against the plan's bounds.
pub fn by_mean_score(mean: f64, t: &Thresholds) -> Difficulty {
    if mean > t.open_ended_easy_above {
        Difficulty::Easy
    } else if mean >= t.open_ended_medium_from {
        Difficulty::Medium
    } else {
        Difficulty::Hard
    }
}

/// Rates an item from one outcome per calibration model. `answer` is the mcq answer key.
/// The outcomes must all be of the item's kind (the caller checks that).
pub fn rate(outcomes: &[Outcome], answer: Option<&[String]>, t: &Thresholds) -> Option<Difficulty> {
    if outcomes.is_empty() {
        return None;
    }
    let n = outcomes.len();
    match &outcomes[0] {
        Outcome::Score(_) => {
            let sum: f64 = outcomes
                .iter()
                .map(|o| match o {
                    Outcome::Score(s) => *s,
                    _ => 0.0,
                })
                .sum();
            Some(by_mean_score(sum / n as f64, t))
        }
        _ => {
            let correct = outcomes
                .iter()
                .filter(|o| match o {
                    Outcome::Choice(c) => answer.is_some_and(|a| choice_is_correct(c, a)),
                    Outcome::F1(f) => *f > t.extraction_f1_correct_above,
                    Outcome::Score(_) => false,
                })
                .count();
            Some(by_consensus(correct, n))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Difficulty::*;

    fn t() -> Thresholds {
        Thresholds::default()
    }

    fn scores(v: &[f64]) -> Vec<Outcome> {
        v.iter().map(|s| Outcome::Score(*s)).collect()
    }

    #[test]
    fn consensus_at_its_boundaries() {
        assert_eq!(by_consensus(5, 5), Easy);
        assert_eq!(by_consensus(4, 5), Medium, "4 of 5 is medium");
        assert_eq!(by_consensus(3, 5), Hard, "3 or fewer is hard");
        assert_eq!(by_consensus(0, 5), Hard);
    }

    #[test]
    fn mcq_choices_compare_as_sets() {
        let ans = vec!["A".to_string(), "C".to_string()];
        let pick = |s: &str| Outcome::Choice(s.split(',').map(str::to_string).collect());
        let right = pick("C,a");
        let wrong = pick("A");
        let four = vec![
            right.clone(),
            right.clone(),
            right.clone(),
            right.clone(),
            wrong.clone(),
        ];
        assert_eq!(rate(&four, Some(&ans), &t()), Some(Medium));
        let five = vec![right.clone(); 5];
        assert_eq!(rate(&five, Some(&ans), &t()), Some(Easy));
        let three = vec![right.clone(), right.clone(), right, wrong.clone(), wrong];
        assert_eq!(rate(&three, Some(&ans), &t()), Some(Hard));
    }

    #[test]
    fn extraction_f1_must_be_above_0_8() {
        let f = |v: &[f64]| v.iter().map(|x| Outcome::F1(*x)).collect::<Vec<_>>();
        assert_eq!(
            rate(&f(&[0.81, 0.9, 1.0, 0.95, 0.85]), None, &t()),
            Some(Easy)
        );
        // 0.8 exactly is not above 0.8: four correct, medium.
        assert_eq!(
            rate(&f(&[0.8, 0.9, 1.0, 0.95, 0.85]), None, &t()),
            Some(Medium)
        );
        assert_eq!(
            rate(&f(&[0.8, 0.8, 1.0, 0.95, 0.85]), None, &t()),
            Some(Hard)
        );
    }

    #[test]
    fn open_ended_mean_at_0_7_and_0_6() {
        // Means chosen to be exact in binary-friendly steps.
        assert_eq!(rate(&scores(&[0.75, 0.75]), None, &t()), Some(Easy));
        assert_eq!(by_mean_score(0.7, &t()), Medium, "0.7 is not above 0.7");
        assert_eq!(by_mean_score(0.7000001, &t()), Easy);
        assert_eq!(by_mean_score(0.6, &t()), Medium, "0.6 is medium");
        assert_eq!(by_mean_score(0.5999999, &t()), Hard);
        assert_eq!(rate(&scores(&[0.5, 0.7]), None, &t()), Some(Medium));
        assert_eq!(
            rate(&scores(&[0.2, 0.3, 0.4, 0.5, 0.6]), None, &t()),
            Some(Hard)
        );
        assert_eq!(rate(&[], None, &t()), None);
    }

    #[test]
    fn thresholds_come_from_the_plan() {
        let strict = Thresholds {
            extraction_f1_correct_above: 0.9,
            open_ended_easy_above: 0.8,
            open_ended_medium_from: 0.7,
        };
        assert_eq!(
            rate(&[Outcome::F1(0.85), Outcome::F1(0.95)], None, &strict),
            Some(Medium)
        );
        assert_eq!(
            rate(&[Outcome::F1(0.85), Outcome::F1(0.85)], None, &strict),
            Some(Hard)
        );
        assert_eq!(rate(&scores(&[0.75]), None, &strict), Some(Medium));
    }
}
