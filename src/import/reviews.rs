//! Reads a reviews file: one review per line, in the format of `schemas/review.schema.json`.
//!
//! ```json
//! {"dataset":"CMExam","item":"cmexam_val_sample:2","verdicts":{"natural_plausible":"pass","clinical_validity":{"fail":"剂量错误"}},"departments":["gastroenterology"]}
//! ```

use super::RowError;
use super::rows::{not_a, read_rows};
use crate::domain::field_error::FieldError;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::ExternalReview;
use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
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
    Ok(read_rows(path, parse_line)?.map(|rows| {
        rows.into_iter()
            .map(|(line, (dataset, item_id, content))| ExternalReview {
                line,
                dataset,
                item_id,
                content,
            })
            .collect()
    }))
}

fn parse_line(text: &str) -> Result<(String, String, ReviewContent), Vec<FieldError>> {
    let raw: RawReview = serde_json::from_str(text)
        .map_err(|e| not_a("a review line", &e, "see schemas/review.schema.json"))?;
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
