//! Reads a reviews file: one review per line, in the format of `schemas/review.schema.json`.
//!
//! ```json
//! {"dataset":"CMExam","item":"cmexam_val_sample:2","verdicts":{"natural_plausible":"pass","clinical_validity":{"fail":"剂量错误"}},"departments":["gastroenterology"]}
//! ```

use super::RowError;
use super::rows::{Readable, not_a, stream_rows};
use crate::domain::field_error::FieldError;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::ExternalReview;
use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
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

/// Every review in `path`, or every problem found (file, line, field): lines that do not
/// read, and an item reviewed on two lines of the file.
pub fn read_reviews(path: &Path) -> Result<Result<Vec<ExternalReview>, Vec<RowError>>> {
    let r = read_reviews_all(path)?;
    Ok(if r.problems.is_empty() {
        Ok(r.rows)
    } else {
        Err(r.problems)
    })
}

/// Every review of `path` that reads, and the problems of the lines that do not (or that
/// review an item a line before them reviews).
pub fn read_reviews_all(path: &Path) -> Result<Readable<ExternalReview>> {
    let stream = stream_rows(path, parse_line)?;
    let shown = stream.file().to_string();
    let unit = stream.unit();
    let mut reviews = Vec::new();
    let mut errors = Vec::new();
    // (dataset, item) -> the line that reviews it.
    let mut lines: HashMap<(String, String), usize> = HashMap::new();
    for next in stream {
        let (line, (dataset, item_id, content)) = match next? {
            Ok(row) => row,
            Err(errs) => {
                errors.extend(errs);
                continue;
            }
        };
        match lines.entry((dataset, item_id)) {
            Entry::Occupied(first) => {
                let (dataset, item_id) = first.key();
                errors.push(RowError {
                    file: shown.clone(),
                    line,
                    unit,
                    error: FieldError::new(
                        "item",
                        format!(
                            "{dataset}/{item_id} is reviewed on {} of this file too; \
                             give each item once: keep the review you mean and delete the other {unit}",
                            unit.name(*first.get())
                        ),
                    ),
                });
            }
            Entry::Vacant(v) => {
                let (dataset, item_id) = v.key().clone();
                v.insert(line);
                reviews.push(ExternalReview {
                    line,
                    dataset,
                    item_id,
                    content,
                });
            }
        }
    }
    Ok(Readable {
        rows: reviews,
        problems: errors,
        unit,
    })
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
