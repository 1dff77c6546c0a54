//! Reviews: the five criteria, which apply to which item, and what makes a review complete.

use super::departments;
use super::item::{Content, ItemBody};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The five review criteria of the MLB protocol, in the order reviewers see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    NaturalPlausible,
    ClinicalValidity,
    AnswerCorrectness,
    DistractorPlausibility,
    RubricMatch,
}

impl Criterion {
    pub const ALL: [Criterion; 5] = [
        Criterion::NaturalPlausible,
        Criterion::ClinicalValidity,
        Criterion::AnswerCorrectness,
        Criterion::DistractorPlausibility,
        Criterion::RubricMatch,
    ];

    /// The id used in files and JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Criterion::NaturalPlausible => "natural_plausible",
            Criterion::ClinicalValidity => "clinical_validity",
            Criterion::AnswerCorrectness => "answer_correctness",
            Criterion::DistractorPlausibility => "distractor_plausibility",
            Criterion::RubricMatch => "rubric_match",
        }
    }

    pub fn parse(id: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The name a reviewer reads.
    pub fn title(self) -> &'static str {
        match self {
            Criterion::NaturalPlausible => "Natural and plausible",
            Criterion::ClinicalValidity => "Clinical validity",
            Criterion::AnswerCorrectness => "Answer correctness",
            Criterion::DistractorPlausibility => "Distractor plausibility",
            Criterion::RubricMatch => "Rubric matches question",
        }
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            Criterion::NaturalPlausible => "自然合理",
            Criterion::ClinicalValidity => "临床有效",
            Criterion::AnswerCorrectness => "答案正确",
            Criterion::DistractorPlausibility => "干扰项合理",
            Criterion::RubricMatch => "评分标准匹配",
        }
    }

    /// Whether this criterion applies to an item: distractors only to multiple choice, the
    /// rubric only where there is one, answer correctness wherever there is an answer to judge
    /// (for extraction, the gold annotation; for open-ended, the reference answer).
    pub fn applies_to(self, body: &ItemBody) -> bool {
        match (self, &body.content) {
            (Criterion::NaturalPlausible | Criterion::ClinicalValidity, _) => true,
            (Criterion::AnswerCorrectness, Content::OpenEnded(o)) => o.reference_answer.is_some(),
            (Criterion::AnswerCorrectness, _) => true,
            (Criterion::DistractorPlausibility, c) => matches!(c, Content::Mcq(_)),
            (Criterion::RubricMatch, c) => matches!(c, Content::OpenEnded(_)),
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The criteria that apply to an item, in order.
pub fn applicable(body: &ItemBody) -> Vec<Criterion> {
    Criterion::ALL
        .into_iter()
        .filter(|c| c.applies_to(body))
        .collect()
}

/// One criterion's verdict. A fail carries the reviewer's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail { reason: String },
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Pass)
    }
}

/// A review as its author sees it: possibly incomplete while it is a draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewContent {
    #[serde(default)]
    pub verdicts: BTreeMap<Criterion, Verdict>,
    /// Department ids, at most three, or "no-department" alone.
    #[serde(default)]
    pub departments: Vec<String>,
    /// A proposed correction of the item (its body as native JSON), for the curator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// A free comment for the curator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Longest reason a reviewer may give, in characters: short, as the protocol asks.
pub const MAX_REASON_CHARS: usize = 500;

impl ReviewContent {
    /// What still stops this review from being submitted for `body`; empty when it can be.
    pub fn problems(&self, body: &ItemBody) -> Vec<String> {
        let mut out = Vec::new();
        for c in Criterion::ALL {
            let applies = c.applies_to(body);
            match (applies, self.verdicts.get(&c)) {
                (true, None) => out.push(format!("{} has no verdict yet", c.title())),
                (true, Some(Verdict::Fail { reason })) if reason.trim().is_empty() => {
                    out.push(format!("{} failed: give a short reason", c.title()))
                }
                (true, Some(Verdict::Fail { reason }))
                    if reason.chars().count() > MAX_REASON_CHARS =>
                {
                    out.push(format!(
                        "the reason for {} is over {MAX_REASON_CHARS} characters; shorten it",
                        c.title()
                    ))
                }
                (false, Some(_)) => out.push(format!("{} does not apply to this item", c.title())),
                _ => {}
            }
        }
        if let Err(e) = departments::check_tags(&self.departments) {
            out.push(e);
        }
        out
    }

    /// True when every applicable criterion has passed.
    pub fn passes(&self, body: &ItemBody) -> bool {
        applicable(body)
            .iter()
            .all(|c| self.verdicts.get(c).is_some_and(Verdict::passed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::{RawItem, build_item};

    fn body(json: &str) -> ItemBody {
        let raw: RawItem = serde_json::from_str(json).unwrap();
        build_item(raw, "T").unwrap().body
    }

    const MCQ: &str = r#"{"id":"1","kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":"A"}"#;
    const OPEN_NO_REF: &str = r#"{"id":"1","kind":"open_ended","prompt":"问","rubric":["要点"]}"#;
    const OPEN_REF: &str =
        r#"{"id":"1","kind":"open_ended","prompt":"问","rubric":["要点"],"reference_answer":"答"}"#;
    const NER: &str = r#"{"id":"1","kind":"extraction","task":"ner","text":"发热","entities":[]}"#;

    #[test]
    fn applicability_follows_the_protocol() {
        use Criterion::*;
        assert_eq!(
            applicable(&body(MCQ)),
            vec![
                NaturalPlausible,
                ClinicalValidity,
                AnswerCorrectness,
                DistractorPlausibility
            ]
        );
        assert_eq!(
            applicable(&body(OPEN_NO_REF)),
            vec![NaturalPlausible, ClinicalValidity, RubricMatch]
        );
        assert_eq!(
            applicable(&body(OPEN_REF)),
            vec![
                NaturalPlausible,
                ClinicalValidity,
                AnswerCorrectness,
                RubricMatch
            ]
        );
        assert_eq!(
            applicable(&body(NER)),
            vec![NaturalPlausible, ClinicalValidity, AnswerCorrectness]
        );
    }

    #[test]
    fn a_review_is_complete_when_every_applicable_criterion_is_judged() {
        let b = body(MCQ);
        let mut r = ReviewContent::default();
        assert_eq!(r.problems(&b).len(), 4);
        for c in applicable(&b) {
            r.verdicts.insert(c, Verdict::Pass);
        }
        assert!(r.problems(&b).is_empty());
        assert!(r.passes(&b));
        r.verdicts.insert(
            Criterion::ClinicalValidity,
            Verdict::Fail { reason: " ".into() },
        );
        assert_eq!(
            r.problems(&b),
            vec!["Clinical validity failed: give a short reason"]
        );
        assert!(!r.passes(&b));
        r.verdicts.insert(Criterion::RubricMatch, Verdict::Pass);
        assert!(
            r.problems(&b)
                .contains(&"Rubric matches question does not apply to this item".to_string())
        );
    }
}
