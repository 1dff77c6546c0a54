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
    pub points: Vec<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    dataset: Option<String>,
    item: Option<String>,
    model: Option<String>,
    points: Option<Vec<Value>>,
}

/// The verdicts in `path` one line at a time: each line's verdict, or every problem with it.
pub fn stream_judge_verdicts(
    path: &Path,
) -> Result<impl Iterator<Item = Result<Result<JudgeVerdict, Vec<RowError>>>>> {
    Ok(stream_rows(path, parse_line)?.map(|next| {
        next.map(|line| {
            line.map(|(line, (dataset, item_id, model, points))| JudgeVerdict {
                line,
                dataset,
                item_id,
                model,
                points,
            })
        })
    }))
}

fn parse_line(text: &str) -> Result<(String, String, String, Vec<bool>), Vec<FieldError>> {
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
    let points = raw.points.as_deref().and_then(marks);
    if points.is_none() {
        errs.push(FieldError::new(
            "points",
            "give one true/false (or 1/0, \"met\"/\"not_met\") per rubric point",
        ));
    }
    match points {
        Some(p) if errs.is_empty() => Ok((dataset, item, model, p)),
        _ => Err(errs),
    }
}
