//! Reads a reviews file: one review per line, in the format of `schemas/review.schema.json`.
//!
//! ```json
//! {"dataset":"CMExam","item":"cmexam_val_sample:2","verdicts":{"natural_plausible":"pass","clinical_validity":{"fail":"剂量错误"}},"departments":["gastroenterology"]}
//! ```
//!
//! A file `reviews export` wrote reads as it is: its `item_id`, `reviewer`, `revision_no` and
//! `{"verdict": "pass"}` verdicts are understood, and its curators' decisions are counted and
//! left out (decisions are made on the curation screen).

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
    /// "review" in an export (its decisions are read apart).
    record: Option<String>,
    dataset: Option<String>,
    item: Option<String>,
    /// The export's name for `item`.
    item_id: Option<String>,
    reviewer: Option<String>,
    revision_no: Option<i64>,
    /// Written by the export, not read: the import stamps its own time, and the store
    /// works out whether a review passed from its verdicts.
    #[allow(dead_code)]
    submitted_at: Option<String>,
    #[allow(dead_code)]
    passed: Option<bool>,
    verdicts: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    departments: Vec<String>,
    proposal: Option<String>,
    comment: Option<String>,
}

/// The reviews of a file that read and the problems of the rest, and how many curators'
/// decisions of an export it left out.
pub struct ReviewsFile {
    pub read: Readable<ExternalReview>,
    pub decisions: usize,
}

/// A line: a review, or a curator's decision of an export.
enum Line {
    Review(Box<ParsedReview>),
    Decision,
}

struct ParsedReview {
    dataset: String,
    item_id: String,
    reviewer: Option<String>,
    revision_no: Option<i64>,
    content: ReviewContent,
}

/// Every review in `path`, or every problem found (file, line, field): lines that do not
/// read, and an item reviewed on two lines of the file (by the same reviewer, of the same
/// revision). The reviews that read are kept beside the problems, so the store can check them
/// too and the file is fixed in one round.
pub fn read_reviews_all(path: &Path) -> Result<ReviewsFile> {
    let stream = stream_rows(path, parse_line)?;
    let shown = stream.file().to_string();
    let unit = stream.unit();
    let mut reviews = Vec::new();
    let mut decisions = 0;
    let mut errors = Vec::new();
    // (dataset, item, reviewer, revision) -> the line that reviews it.
    type Key = (String, String, Option<String>, Option<i64>);
    let mut lines: HashMap<Key, usize> = HashMap::new();
    for next in stream {
        let (line, parsed) = match next? {
            Ok((line, Line::Review(parsed))) => (line, *parsed),
            Ok((_, Line::Decision)) => {
                decisions += 1;
                continue;
            }
            Err(errs) => {
                errors.extend(errs);
                continue;
            }
        };
        let key = (
            parsed.dataset.clone(),
            parsed.item_id.clone(),
            parsed.reviewer.clone(),
            parsed.revision_no,
        );
        match lines.entry(key) {
            Entry::Occupied(first) => {
                let (dataset, item_id, _, _) = first.key();
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
                v.insert(line);
                reviews.push(ExternalReview {
                    line,
                    dataset: parsed.dataset,
                    item_id: parsed.item_id,
                    content: parsed.content,
                    reviewer: parsed.reviewer,
                    revision_no: parsed.revision_no,
                });
            }
        }
    }
    Ok(ReviewsFile {
        read: Readable {
            rows: reviews,
            problems: errors,
            unit,
        },
        decisions,
    })
}

fn parse_line(text: &str) -> Result<Line, Vec<FieldError>> {
    let not_a_review =
        |e: serde_json::Error| not_a("a review line", &e, "see schemas/review.schema.json");
    let value: Value = serde_json::from_str(text).map_err(not_a_review)?;
    if value.get("record").and_then(Value::as_str) == Some("decision") {
        return Ok(Line::Decision);
    }
    let raw = RawReview::deserialize(value).map_err(not_a_review)?;
    let mut errs = Vec::new();
    if let Some(r) = raw.record.as_deref().filter(|r| *r != "review") {
        errs.push(FieldError::new(
            "record",
            format!("{r:?} is not a record of a reviews file; use \"review\" or \"decision\""),
        ));
    }
    let item = match (raw.item, raw.item_id) {
        (Some(item), Some(_)) => {
            errs.push(FieldError::new(
                "item_id",
                "is given with `item`; they name the same thing: keep one",
            ));
            Some(item)
        }
        (item, item_id) => item.or(item_id),
    };
    let reviewer = match raw.reviewer {
        Some(r) if r.trim().is_empty() => {
            errs.push(FieldError::new(
                "reviewer",
                "is empty; name the reviewer's id, or leave the field out for your own review",
            ));
            None
        }
        r => r,
    };
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
    let item = need("item", item);
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
            Value::Object(o) if o.len() == 1 => o
                .get("fail")
                .and_then(Value::as_str)
                .map(|r| Verdict::Fail {
                    reason: r.to_string(),
                })
                .or_else(|| (o.get("verdict")? == "pass").then_some(Verdict::Pass)),
            // As `reviews export` writes a fail.
            Value::Object(o) if o.len() == 2 && o.get("verdict").is_some_and(|v| v == "fail") => o
                .get("reason")
                .and_then(Value::as_str)
                .map(|r| Verdict::Fail {
                    reason: r.to_string(),
                }),
            _ => None,
        };
        match verdict {
            Some(v) => {
                verdicts.insert(c, v);
            }
            None => errs.push(FieldError::new(
                field,
                "must be \"pass\" or {\"fail\": \"a short reason\"} (or, as `reviews export` writes them, {\"verdict\": \"pass\"} or {\"verdict\": \"fail\", \"reason\": \"...\"})",
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
        Ok(Line::Review(Box::new(ParsedReview {
            dataset,
            item_id: item,
            reviewer,
            revision_no: raw.revision_no,
            content: ReviewContent {
                verdicts,
                departments,
                proposal: raw.proposal.filter(|p| !p.trim().is_empty()),
                comment: raw.comment.filter(|c| !c.trim().is_empty()),
            },
        })))
    } else {
        Err(errs)
    }
}
