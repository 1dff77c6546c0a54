//! Reads a judge's verdicts on adjudicated disputes: per line, the response (dataset, item,
//! model) and the judge's met / not met for each rubric point.
//!
//! ```json
//! {"dataset":"MADiagnosis","item":"madx-1","model":"GPT-4o","points":[true,false,true]}
//! ```

use super::RowError;
use super::lines::Lines;
use crate::domain::field_error::FieldError;
use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::Value;
use std::fs::File;
use std::io::BufReader;
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

pub fn read_judge_verdicts(path: &Path) -> Result<Result<Vec<JudgeVerdict>, Vec<RowError>>> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {shown}"))?;
    let mut lines = Lines::new(BufReader::new(file));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    while let Some(line) = lines
        .next_line()
        .with_context(|| format!("reading {shown}"))?
    {
        let n = line.number;
        match line.text().map_err(|e| vec![e]).and_then(parse_line) {
            Ok((dataset, item_id, model, points)) => out.push(JudgeVerdict {
                line: n,
                dataset,
                item_id,
                model,
                points,
            }),
            Err(errs) => errors.extend(errs.into_iter().map(|error| RowError {
                file: shown.clone(),
                line: n,
                error,
            })),
        }
    }
    Ok(if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    })
}

fn parse_line(text: &str) -> Result<(String, String, String, Vec<bool>), Vec<FieldError>> {
    let raw: Raw = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rfind(" at line ")
            .map_or(msg.as_str(), |i| &msg[..i])
            .to_string();
        vec![FieldError::new(
            "",
            format!("is not a judge verdict line ({msg}); give dataset, item, model and points"),
        )]
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
    let points: Option<Vec<bool>> = raw.points.as_ref().and_then(|ps| {
        ps.iter()
            .map(|p| match p {
                Value::Bool(b) => Some(*b),
                Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
                Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
                Value::String(s) if s == "met" => Some(true),
                Value::String(s) if s == "not_met" => Some(false),
                _ => None,
            })
            .collect()
    });
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
