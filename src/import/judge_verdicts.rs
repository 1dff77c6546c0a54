//! Reads a judge's verdicts on adjudicated disputes: per line, the response (dataset, item,
//! model) and the judge's met / not met for each rubric point.
//!
//! ```json
//! {"dataset":"MADiagnosis","item":"madx-1","model":"GPT-4o","points":[true,false,true]}
//! ```

use super::RowError;
use super::rows::{marks, not_a, stream_rows};
use crate::domain::field_error::FieldError;
use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeVerdict {
    pub line: usize,
    pub dataset: String,
    pub item_id: String,
    pub model: String,
    /// The met / not met marks, or why they do not read: the line's response is still
    /// checked against the disputes, so that every problem of the file shows in one run.
    pub points: Result<Vec<bool>, RowError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    dataset: Option<String>,
    item: Option<String>,
    model: Option<String>,
    points: Option<Vec<Value>>,
}

/// The verdicts in `path` one record at a time: each record's verdict, or every problem
/// with it.
pub fn stream_judge_verdicts(
    path: &Path,
) -> Result<impl Iterator<Item = Result<Result<JudgeVerdict, Vec<RowError>>>>> {
    let stream = stream_rows(path, parse_line)?;
    let (file, unit) = (stream.file().to_string(), stream.unit());
    Ok(stream.map(move |next| {
        next.map(|line| {
            line.map(|(line, (dataset, item_id, model, points))| JudgeVerdict {
                line,
                dataset,
                item_id,
                model,
                points: points.map_err(|error| RowError {
                    file: file.clone(),
                    line,
                    unit,
                    error,
                }),
            })
        })
    }))
}

type Parsed = (String, String, String, Result<Vec<bool>, FieldError>);

fn parse_line(text: &str) -> Result<Parsed, Vec<FieldError>> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| {
        not_a(
            "a judge verdict line",
            &e,
            "give dataset, item, model and points",
        )
    })?;
    let mut errs = Vec::new();
    let mut need = |field: &str, v: Option<String>| match v {
        Some(s) if !s.trim().is_empty() => s,
        _ => {
            errs.push(FieldError::new(field, "missing"));
            String::new()
        }
    };
    let dataset = need("dataset", raw.dataset);
    let item = need("item", raw.item);
    let model = need("model", raw.model);
    let points = raw.points.as_deref().and_then(marks).ok_or_else(|| {
        FieldError::new(
            "points",
            "give one true/false (or 1/0, \"met\"/\"not_met\") per rubric point",
        )
    });
    if !errs.is_empty() {
        errs.extend(points.err());
        return Err(errs);
    }
    Ok((dataset, item, model, points))
}
