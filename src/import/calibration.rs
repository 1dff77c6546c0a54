//! Reads a calibration results file: one line per item and calibration model.
//!
//! ```json
//! {"dataset":"CMExam","item":"cmexam_val_sample:2","model":"Qwen2.5-72B","choice":"AB"}
//! {"dataset":"CMeEE","item":"CMeEE_dev:7","model":"Qwen2.5-72B","f1":0.83}
//! {"dataset":"MADiagnosis","item":"madx-0001","model":"Qwen2.5-72B","score":0.65}
//! ```

use super::RowError;
use super::rows::{Readable, not_a, read_readable, read_rows};
pub use crate::domain::difficulty::CalibrationRow;
use crate::domain::difficulty::Outcome;
use crate::domain::field_error::FieldError;
use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    dataset: Option<String>,
    item: Option<String>,
    model: Option<String>,
    choice: Option<Value>,
    f1: Option<Value>,
    score: Option<Value>,
}

/// Every row in `path`, or every problem found (file, line, field).
pub fn read_calibration(path: &Path) -> Result<Result<Vec<CalibrationRow>, Vec<RowError>>> {
    Ok(read_rows(path, parse_line)?.map(|rows| {
        rows.into_iter()
            .map(
                |(line, (dataset, item_id, model, outcome))| CalibrationRow {
                    line,
                    dataset,
                    item_id,
                    model,
                    outcome,
                },
            )
            .collect()
    }))
}

/// Every readable row of `path`, and the problems of the rest.
pub fn read_calibration_all(path: &Path) -> Result<Readable<CalibrationRow>> {
    let r = read_readable(path, parse_line)?;
    Ok(Readable {
        rows: r
            .rows
            .into_iter()
            .map(
                |(line, (dataset, item_id, model, outcome))| CalibrationRow {
                    line,
                    dataset,
                    item_id,
                    model,
                    outcome,
                },
            )
            .collect(),
        problems: r.problems,
        unit: r.unit,
    })
}

fn parse_line(text: &str) -> Result<(String, String, String, Outcome), Vec<FieldError>> {
    let raw: RawRow = serde_json::from_str(text).map_err(|e| {
        not_a(
            "a calibration line",
            &e,
            "give dataset, item, model and one of choice, f1 or score",
        )
    })?;
    let mut errs = Vec::new();
    let mut need = |field: &str, v: Option<String>, what: &str| match v {
        Some(s) if !s.trim().is_empty() => s,
        _ => {
            errs.push(FieldError::new(field, format!("missing; give {what}")));
            String::new()
        }
    };
    let dataset = need("dataset", raw.dataset, "the item's dataset");
    let item = need("item", raw.item, "the item id");
    let model = need("model", raw.model, "the calibration model's name");
    let unit = |field: &str, v: &Value, errs: &mut Vec<FieldError>| match v.as_f64() {
        Some(x) if (0.0..=1.0).contains(&x) => Some(x),
        _ => {
            errs.push(FieldError::new(
                field,
                format!("is {v}; give a number from 0 to 1"),
            ));
            None
        }
    };
    let given = [&raw.choice, &raw.f1, &raw.score]
        .iter()
        .filter(|v| v.is_some())
        .count();
    let outcome = if given != 1 {
        errs.push(FieldError::new(
            "",
            "give exactly one of choice (mcq), f1 (extraction) or score (open_ended)",
        ));
        None
    } else if let Some(c) = &raw.choice {
        let labels: Option<Vec<String>> = match c {
            Value::String(s) => Some(
                s.chars()
                    .filter(|c| !c.is_whitespace() && *c != ',')
                    .map(|c| c.to_string())
                    .collect(),
            ),
            Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string)).collect(),
            _ => None,
        };
        match labels {
            Some(l) => Some(Outcome::Choice(l)),
            None => {
                errs.push(FieldError::new(
                    "choice",
                    "give the chosen option labels, as \"AB\" or [\"A\", \"B\"]",
                ));
                None
            }
        }
    } else if let Some(f) = &raw.f1 {
        unit("f1", f, &mut errs).map(Outcome::F1)
    } else {
        raw.score
            .as_ref()
            .and_then(|s| unit("score", s, &mut errs))
            .map(Outcome::Score)
    };
    match outcome {
        Some(o) if errs.is_empty() => Ok((dataset, item, model, o)),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_result_and_its_errors() {
        let ok = |t: &str| parse_line(t).unwrap().3;
        assert_eq!(
            ok(r#"{"dataset":"D","item":"1","model":"M","choice":"A, C"}"#),
            Outcome::Choice(vec!["A".into(), "C".into()])
        );
        assert_eq!(
            ok(r#"{"dataset":"D","item":"1","model":"M","choice":["B"]}"#),
            Outcome::Choice(vec!["B".into()])
        );
        assert_eq!(
            ok(r#"{"dataset":"D","item":"1","model":"M","f1":0.8}"#),
            Outcome::F1(0.8)
        );
        let err = |t: &str| {
            parse_line(t)
                .unwrap_err()
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            err(r#"{"dataset":"D","item":"1","model":"M","score":1.5}"#),
            vec!["field `score`: is 1.5; give a number from 0 to 1"]
        );
        assert_eq!(
            err(r#"{"dataset":"D","item":"1","model":"M","score":0.5,"f1":0.5}"#),
            vec!["give exactly one of choice (mcq), f1 (extraction) or score (open_ended)"]
        );
        assert_eq!(
            err(r#"{"dataset":"D","model":"","f1":0.5}"#),
            vec![
                "field `item`: missing; give the item id",
                "field `model`: missing; give the calibration model's name"
            ]
        );
        assert!(
            err(r#"{"dataset":"D","item":"1","model":"M","answer":"A"}"#)[0]
                .contains("unknown field `answer`")
        );
    }
}
