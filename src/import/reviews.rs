//! Reads a reviews file: one review per line, in the format of `schemas/review.schema.json`.
//!
//! ```json
//! {"dataset":"CMExam","item":"cmexam_val_sample:2","verdicts":{"natural_plausible":"pass","clinical_validity":{"fail":"剂量错误"}},"departments":["gastroenterology"]}
//! ```

use super::RowError;
use super::lines::Lines;
use crate::domain::field_error::FieldError;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::ExternalReview;
use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    dataset: Option<String>,
    item: Option<String>,
    verdicts: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    departments: Vec<String>,
    proposal: Option<String>,
    comment: Option<String>,
}

/// Every review in `path`, or every problem found (file, line, field).
pub fn read_reviews(path: &Path) -> Result<Result<Vec<ExternalReview>, Vec<RowError>>> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("opening {shown}"))?;
    let mut lines = Lines::new(BufReader::new(file));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    while let Some(line) = lines
        .next_line()
        .with_context(|| format!("reading {shown}"))?
    {
        let parsed = line.text().map_err(|e| vec![e]).and_then(parse_line);
        match parsed {
            Ok((dataset, item_id, content)) => out.push(ExternalReview {
                line: line.number,
                dataset,
                item_id,
                content,
            }),
            Err(errs) => errors.extend(errs.into_iter().map(|error| RowError {
                file: shown.clone(),
                line: line.number,
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

fn parse_line(text: &str) -> Result<(String, String, ReviewContent), Vec<FieldError>> {
    let raw: RawReview = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rfind(" at line ")
            .map_or(msg.as_str(), |i| &msg[..i])
            .to_string();
        vec![FieldError::new(
            "",
            format!("is not a review line ({msg}); see schemas/review.schema.json"),
        )]
    })?;
    let mut errs = Vec::new();
    let mut need = |field: &str, v: Option<String>| match v {
        Some(s) if !s.trim().is_empty() => s,
        _ => {
            errs.push(FieldError::new(
                field,
                "missing; name the dataset and the item id",
            ));
            String::new()
        }
    };
    let dataset = need("dataset", raw.dataset);
    let item = need("item", raw.item);
    let mut verdicts = BTreeMap::new();
    for (key, v) in raw.verdicts.unwrap_or_default() {
        let field = format!("verdicts.{key}");
        let Some(c) = Criterion::parse(&key) else {
            let ids: Vec<&str> = Criterion::ALL.iter().map(|c| c.id()).collect();
            errs.push(FieldError::new(
                field,
                format!("is not a criterion; use {}", ids.join(", ")),
            ));
            continue;
        };
        let verdict = match &v {
            Value::String(s) if s == "pass" => Some(Verdict::Pass),
            Value::Object(o) if o.len() == 1 => {
                o.get("fail")
                    .and_then(Value::as_str)
                    .map(|r| Verdict::Fail {
                        reason: r.to_string(),
                    })
            }
            _ => None,
        };
        match verdict {
            Some(v) => {
                verdicts.insert(c, v);
            }
            None => errs.push(FieldError::new(
                field,
                "must be \"pass\" or {\"fail\": \"a short reason\"}",
            )),
        }
    }
    let departments = match crate::domain::departments::check_tags(&raw.departments) {
        Ok(ids) => ids,
        Err(e) => {
            errs.push(FieldError::new("departments", e));
            Vec::new()
        }
    };
    if errs.is_empty() {
        Ok((
            dataset,
            item,
            ReviewContent {
                verdicts,
                departments,
                proposal: raw.proposal.filter(|p| !p.trim().is_empty()),
                comment: raw.comment.filter(|c| !c.trim().is_empty()),
            },
        ))
    } else {
        Err(errs)
    }
}
