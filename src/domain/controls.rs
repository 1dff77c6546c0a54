//! Control items: items with a known verdict per criterion, mixed into physicians' queues
//! to measure how often each physician's verdicts match the known ones. Expected verdicts
//! and per-reviewer accuracy are encoded as reviews' `verdict_bits` are: bit k, criterion k
//! (in `Criterion::ALL` order) was judged; bit k + 8, it passed.

use super::field_error::FieldError;
use super::review::Criterion;
use serde_json::Value;
use std::collections::BTreeMap;

/// The setting that says how often a claim gives a control: 1 in N claims (0: never).
pub const RATE_SETTING: &str = "review.control_rate";
/// 1 in 20 claims, when a maintainer has marked controls and not set a rate.
pub const DEFAULT_RATE: u32 = 20;

/// Reads the rate setting's value: a whole number of claims, 0 for never.
pub fn parse_rate(value: &str) -> Result<u32, String> {
    let v = value.trim();
    let v = v
        .strip_prefix("1 in ")
        .or(v.strip_prefix("1/"))
        .unwrap_or(v);
    v.trim().parse::<u32>().map_err(|_| {
        format!(
            "{value:?} is not a rate; give N for one control in N claims (e.g. 20), or 0 for none"
        )
    })
}

/// A line of a controls file: the item, and the verdict each criterion should get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlLine {
    pub dataset: String,
    pub item: String,
    pub expected: BTreeMap<Criterion, bool>,
}

impl ControlLine {
    /// The expected verdicts as bits.
    pub fn expected_bits(&self) -> i64 {
        bits_of(&self.expected)
    }
}

/// Verdicts (criterion, passed) as bits.
pub fn bits_of(verdicts: &BTreeMap<Criterion, bool>) -> i64 {
    Criterion::ALL
        .iter()
        .enumerate()
        .map(|(k, c)| match verdicts.get(c) {
            Some(true) => (1 << k) | (1 << (k + 8)),
            Some(false) => 1 << k,
            None => 0,
        })
        .sum()
}

/// Bits as (criterion, passed), in criterion order.
pub fn verdicts_of(bits: i64) -> Vec<(Criterion, bool)> {
    Criterion::ALL
        .iter()
        .enumerate()
        .filter(|(k, _)| bits & (1 << k) != 0)
        .map(|(k, c)| (*c, bits & (1 << (k + 8)) != 0))
        .collect()
}

/// Parses one line: `{"dataset": ..., "item": ..., "expected": {"criterion": "pass" | "fail"}}`.
/// Every problem of the line is reported, by field.
pub fn parse_line(text: &str) -> Result<ControlLine, Vec<FieldError>> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        vec![FieldError::new(
            "",
            format!(
                "is not a control line ({e}); write {{\"dataset\": ..., \"item\": ..., \
                 \"expected\": {{\"answer_correctness\": \"fail\", ...}}}}"
            ),
        )]
    })?;
    let Some(obj) = value.as_object() else {
        return Err(vec![FieldError::new(
            "",
            "is not a JSON object; write one control per line as an object",
        )]);
    };
    let mut errs = Vec::new();
    for key in obj.keys() {
        if !matches!(key.as_str(), "dataset" | "item" | "expected") {
            errs.push(FieldError::new(
                key.as_str(),
                "is not a field of a control line; use dataset, item and expected",
            ));
        }
    }
    let mut text_field = |field: &str| match obj.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None => {
            errs.push(FieldError::new(
                field,
                "missing; name the item's dataset and id, as `medcurate items` lists them",
            ));
            String::new()
        }
        Some(_) => {
            errs.push(FieldError::new(field, "must be a string"));
            String::new()
        }
    };
    let dataset = text_field("dataset");
    let item = text_field("item");
    let mut expected = BTreeMap::new();
    match obj.get("expected") {
        Some(Value::Object(verdicts)) => {
            for (key, v) in verdicts {
                let field = format!("expected.{key}");
                let Some(c) = Criterion::parse(key) else {
                    let ids: Vec<&str> = Criterion::ALL.iter().map(|c| c.id()).collect();
                    errs.push(FieldError::new(
                        field,
                        format!("is not a criterion; use {}", ids.join(", ")),
                    ));
                    continue;
                };
                match v.as_str() {
                    Some("pass") => {
                        expected.insert(c, true);
                    }
                    Some("fail") => {
                        expected.insert(c, false);
                    }
                    _ => errs.push(FieldError::new(field, "must be \"pass\" or \"fail\"")),
                }
            }
            if verdicts.is_empty() {
                errs.push(FieldError::new(
                    "expected",
                    "names no criterion; give the verdict at least one criterion should get",
                ));
            }
        }
        Some(_) => errs.push(FieldError::new(
            "expected",
            "must be an object of criterion: \"pass\" or \"fail\"",
        )),
        None => errs.push(FieldError::new(
            "expected",
            "missing; give the verdict each criterion should get, e.g. {\"answer_correctness\": \"fail\"}",
        )),
    }
    if errs.is_empty() {
        Ok(ControlLine {
            dataset,
            item,
            expected,
        })
    } else {
        Err(errs)
    }
}

/// One physician's reviews of controls, against the expected verdicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlScore {
    pub reviewer: String,
    /// Controls reviewed (submitted).
    pub reviews: u64,
    /// Criteria with an expected verdict that the physician judged, and how many of those
    /// matched.
    pub criteria: u64,
    pub criteria_right: u64,
    /// Controls whose overall outcome (every expected criterion passes, or not) the
    /// physician's verdicts on those criteria matched.
    pub outcomes_right: u64,
}

impl ControlScore {
    /// Adds one submitted review (`given`, as verdict bits) of a control (`expected`).
    pub fn add(&mut self, expected: i64, given: i64) {
        self.reviews += 1;
        let mut all_pass_expected = true;
        let mut all_pass_given = true;
        for (k, _) in Criterion::ALL.iter().enumerate() {
            if expected & (1 << k) == 0 {
                continue;
            }
            let want = expected & (1 << (k + 8)) != 0;
            all_pass_expected &= want;
            if given & (1 << k) == 0 {
                // Not judged: counts against the outcome, not as a criterion compared.
                all_pass_given = false;
                continue;
            }
            let got = given & (1 << (k + 8)) != 0;
            all_pass_given &= got;
            self.criteria += 1;
            self.criteria_right += u64::from(got == want);
        }
        self.outcomes_right += u64::from(all_pass_expected == all_pass_given);
    }

    /// The share of compared criteria that matched, 0-1; `None` before any.
    pub fn criteria_accuracy(&self) -> Option<f64> {
        (self.criteria > 0).then(|| self.criteria_right as f64 / self.criteria as f64)
    }

    /// The share of controls whose outcome matched, 0-1; `None` before any.
    pub fn outcome_accuracy(&self) -> Option<f64> {
        (self.reviews > 0).then(|| self.outcomes_right as f64 / self.reviews as f64)
    }
}

/// Per reviewer, in reviewer order: each (reviewer, expected bits, given bits) of a
/// submitted review of a control.
pub fn scores<'a>(
    reviews: impl IntoIterator<Item = (&'a str, i64, i64)>,
) -> BTreeMap<String, ControlScore> {
    let mut out: BTreeMap<String, ControlScore> = BTreeMap::new();
    for (reviewer, expected, given) in reviews {
        let s = out
            .entry(reviewer.to_string())
            .or_insert_with(|| ControlScore {
                reviewer: reviewer.to_string(),
                ..ControlScore::default()
            });
        s.add(expected, given);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(v: &[(Criterion, bool)]) -> i64 {
        bits_of(&v.iter().copied().collect())
    }

    #[test]
    fn a_line_reads_and_every_problem_is_named() {
        let ok = parse_line(
            r#"{"dataset":"CMExam","item":"q1","expected":{"answer_correctness":"fail","clinical_validity":"pass"}}"#,
        )
        .unwrap();
        assert_eq!(ok.expected.len(), 2);
        assert!(!ok.expected[&Criterion::AnswerCorrectness]);
        assert_eq!(verdicts_of(ok.expected_bits()).len(), 2);

        let errs = parse_line(
            r#"{"item":"","expected":{"answer":"fail","clinical_validity":"yes"},"x":1}"#,
        )
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "x",
                "dataset",
                "item",
                "expected.answer",
                "expected.clinical_validity"
            ]
        );
        assert_eq!(
            parse_line(r#"{"dataset":"a","item":"b","expected":{}}"#).unwrap_err()[0].field,
            "expected"
        );
    }

    #[test]
    fn scores_compare_only_the_criteria_expected() {
        use Criterion::*;
        let expected = bits(&[(AnswerCorrectness, false), (ClinicalValidity, true)]);
        let mut s = ControlScore::default();
        // Right on both, and an extra criterion not compared.
        s.add(
            expected,
            bits(&[
                (AnswerCorrectness, false),
                (ClinicalValidity, true),
                (NaturalPlausible, true),
            ]),
        );
        // Passed the wrong answer: one of two criteria right, outcome wrong.
        s.add(
            expected,
            bits(&[(AnswerCorrectness, true), (ClinicalValidity, true)]),
        );
        assert_eq!((s.reviews, s.criteria, s.criteria_right), (2, 4, 3));
        assert_eq!(s.outcomes_right, 1);
        assert_eq!(s.criteria_accuracy(), Some(0.75));
        assert_eq!(ControlScore::default().criteria_accuracy(), None);
    }

    #[test]
    fn rates_read_as_one_in_n() {
        assert_eq!(parse_rate("20"), Ok(20));
        assert_eq!(parse_rate("1 in 20"), Ok(20));
        assert_eq!(parse_rate("1/5"), Ok(5));
        assert_eq!(parse_rate("0"), Ok(0));
        assert!(parse_rate("often").is_err());
    }
}
