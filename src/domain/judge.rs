//! AI-judge disputes (paper 3.6.2): when the two judge instances' scores of a response differ
//! by more than a threshold, a physician decides; their decisions rate judges (paper Table 5).

use super::item::points_text;
use serde::{Deserialize, Serialize};

/// The default gap between the two judges' scores above which a physician decides.
pub const DEFAULT_THRESHOLD: f64 = 0.25;

/// Scores are read from decimal text, so a gap "equal" to the threshold may come out a hair
/// above it in binary (0.35 - 0.1 = 0.25000000000000006): gaps within this of the threshold
/// count as equal to it, and equal is not a dispute.
const TOLERANCE: f64 = 1e-9;

/// Whether two judge scores are a dispute under `threshold`.
pub fn is_dispute(a: f64, b: f64, threshold: f64) -> bool {
    (a - b).abs() > threshold + TOLERANCE
}

/// One model response with its two AI-judge scores, as read from a responses file (`line` is
/// its line there) and as the store takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub line: usize,
    pub dataset: String,
    pub item_id: String,
    pub model: String,
    pub response: String,
    pub judges: [JudgeScore; 2],
}

/// One judge instance's verdict on a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgeScore {
    pub score: f64,
    /// Per rubric point, met or not, when the judge gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
}

/// The longest reason kept with an adjudication.
pub const MAX_REASON_CHARS: usize = 500;

/// A physician's decision on a disputed response: each rubric point met or not, an overall
/// score and a short reason. Drafts may be incomplete.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Adjudication {
    /// One entry per rubric point; `None` until marked.
    #[serde(default)]
    pub points: Vec<Option<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default)]
    pub reason: String,
}

impl Adjudication {
    /// A blank decision for a rubric of `n` points.
    pub fn blank(n: usize) -> Adjudication {
        Adjudication {
            points: vec![None; n],
            score: None,
            reason: String::new(),
        }
    }

    /// What is still missing before it can be submitted, for a rubric of `n` points.
    pub fn problems(&self, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        if self.points.len() != n {
            out.push(format!(
                "the rubric has {} but {} marked",
                points_text(n as f64),
                match self.points.len() {
                    1 => "1 is".to_string(),
                    k => format!("{k} are"),
                }
            ));
        }
        let open: Vec<String> = self
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_none())
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !open.is_empty() {
            out.push(format!(
                "mark rubric point(s) {} met or not met",
                open.join(", ")
            ));
        }
        match self.score {
            None => out.push("give an overall score from 0 to 1".into()),
            Some(s) if !(0.0..=1.0).contains(&s) => {
                out.push(format!("the score {s} is outside 0 to 1"))
            }
            _ => {}
        }
        if self.reason.trim().is_empty() {
            out.push("give a short reason".into());
        } else if self.reason.chars().count() > MAX_REASON_CHARS {
            out.push(format!(
                "the reason is over {MAX_REASON_CHARS} characters; shorten it"
            ));
        }
        out
    }
}

/// Agreement of a judge with the experts over rubric points, met being the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    /// Judge met, expert met.
    pub tp: u64,
    /// Judge met, expert not met.
    pub fp: u64,
    /// Judge not met, expert met.
    pub fn_: u64,
    /// Judge not met, expert not met.
    pub tn: u64,
}

impl Confusion {
    pub fn add(&mut self, judge_met: bool, expert_met: bool) {
        match (judge_met, expert_met) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.tp + self.fp + self.fn_ + self.tn
    }

    fn ratio(n: u64, d: u64) -> Option<f64> {
        (d > 0).then(|| n as f64 / d as f64)
    }

    pub fn accuracy(&self) -> Option<f64> {
        Self::ratio(self.tp + self.tn, self.total())
    }

    pub fn precision(&self) -> Option<f64> {
        Self::ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> Option<f64> {
        Self::ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> Option<f64> {
        Self::ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Cohen's kappa between judge and experts; `None` when undefined (one label only).
    pub fn kappa(&self) -> Option<f64> {
        let t = super::agreement::PairTable {
            counts: [[self.tn, self.fn_], [self.fp, self.tp]],
        };
        t.kappa().value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_of_exactly_the_threshold_is_not_a_dispute() {
        assert!(!is_dispute(0.75, 0.5, 0.25));
        assert!(
            !is_dispute(0.35, 0.1, 0.25),
            "0.25 in decimal, a hair above in binary"
        );
        assert!(!is_dispute(0.1, 0.35, 0.25));
        assert!(is_dispute(0.76, 0.5, 0.25));
        assert!(is_dispute(0.0, 1.0, 0.25));
        assert!(!is_dispute(0.6, 0.4, 0.25));
        assert!(is_dispute(0.6, 0.4, 0.1), "the threshold is a setting");
    }

    #[test]
    fn an_adjudication_is_complete_when_every_point_is_marked() {
        let mut a = Adjudication::blank(3);
        assert_eq!(
            a.problems(3),
            vec![
                "mark rubric point(s) 1, 2, 3 met or not met",
                "give an overall score from 0 to 1",
                "give a short reason"
            ]
        );
        a.points = vec![Some(true), Some(false), Some(true)];
        a.score = Some(0.7);
        a.reason = "遗漏了鉴别诊断".into();
        assert!(a.problems(3).is_empty());
        a.score = Some(1.2);
        assert_eq!(a.problems(3), vec!["the score 1.2 is outside 0 to 1"]);
        assert_eq!(a.problems(4)[0], "the rubric has 4 points but 3 are marked");
    }

    #[test]
    fn metrics_against_a_hand_worked_case() {
        // 8 TP, 2 FP, 1 FN, 4 TN (n = 15).
        let mut c = Confusion::default();
        for (j, e, n) in [
            (true, true, 8),
            (true, false, 2),
            (false, true, 1),
            (false, false, 4),
        ] {
            for _ in 0..n {
                c.add(j, e);
            }
        }
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
        assert!(close(c.accuracy(), 12.0 / 15.0));
        assert!(close(c.precision(), 0.8));
        assert!(close(c.recall(), 8.0 / 9.0));
        // F1 = 2*8 / (16 + 2 + 1) = 16/19.
        assert!(close(c.f1(), 16.0 / 19.0));
        // po = 12/15 = 0.8; judge met 10/15, expert met 9/15;
        // pe = (10/15)(9/15) + (5/15)(6/15) = 90/225 + 30/225 = 120/225;
        // kappa = (0.8 - 120/225) / (1 - 120/225) = (60/225) / (105/225) = 4/7.
        assert!(close(c.kappa(), 4.0 / 7.0));
        let all_met = Confusion {
            tp: 5,
            ..Default::default()
        };
        assert_eq!(all_met.kappa(), None);
        assert_eq!(Confusion::default().accuracy(), None);
    }
}
