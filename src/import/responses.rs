//! Reads a model responses file: one response per line with its two AI-judge scores.
//!
//! ```json
//! {"dataset":"MADiagnosis","item":"madx-1","model":"GPT-4o","response":"……",
//!  "judges":[{"score":0.8,"points":[true,true,false],"rationale":"……"},{"score":0.4}]}
//! ```

use super::records::Unit;
use super::rows::{marks, not_a, read_rows, stream_rows};
use super::{MAX_SHOWN_ERRORS, RowError};
use crate::domain::field_error::FieldError;
use crate::domain::judge::JudgeScore;
pub use crate::domain::judge::ResponseRow;
use crate::store::{ResponsesImported, Store};
use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;
use std::sync::mpsc;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponse {
    dataset: Option<String>,
    item: Option<String>,
    model: Option<String>,
    response: Option<String>,
    judges: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJudge {
    score: Option<Value>,
    points: Option<Vec<Value>>,
    rationale: Option<String>,
}

/// Every response in `path`, or every problem found (file, line, field).
pub fn read_responses(path: &Path) -> Result<Result<Vec<ResponseRow>, Vec<RowError>>> {
    Ok(read_rows(path, parse_line)?.map(|rows| {
        rows.into_iter()
            .map(
                |(line, (dataset, item_id, model, response, judges))| ResponseRow {
                    line,
                    dataset,
                    item_id,
                    model,
                    response,
                    judges,
                },
            )
            .collect()
    }))
}

/// One line of a responses file: its response, or every problem with it.
pub type ResponseLine = Result<ResponseRow, Vec<RowError>>;

/// The lines of `path` one at a time, each read and checked on its own.
pub fn stream_responses(path: &Path) -> Result<impl Iterator<Item = Result<ResponseLine>> + Send> {
    Ok(stream_rows(path, parse_line)?.map(to_response))
}

/// What `responses import` did with a file.
#[derive(Debug, Default)]
pub struct ResponsesReport {
    /// What was stored; `None` if the file was refused and nothing was written.
    pub imported: Option<ResponsesImported>,
    /// The first `MAX_SHOWN_ERRORS` problems in file order, as `FILE:LINE: what to do`:
    /// lines that do not read as responses, and lines the store refused (an unknown item,
    /// points not matching the rubric, a duplicate).
    pub problems: Vec<String>,
    /// Every problem, shown or not.
    pub problem_count: usize,
    /// Whether some of the problems are lines that do not read as responses.
    pub unreadable: bool,
}

/// The first problems kept for display, with their line numbers, and a count of all.
#[derive(Default)]
struct Problems {
    shown: Vec<(usize, String)>,
    count: usize,
}

impl Problems {
    fn push(&mut self, line: usize, p: impl FnOnce() -> String) {
        if self.shown.len() < MAX_SHOWN_ERRORS {
            self.shown.push((line, p()));
        }
        self.count += 1;
    }
}

/// Lines read ahead of the writes: enough to keep both threads busy, few enough that memory
/// stays flat.
const READ_AHEAD: usize = 256;

/// Imports the responses in `path` as `actor`, all or nothing, in one pass: lines are read and
/// checked on a second thread while the store writes the ones before them in one transaction.
/// Lines that do not read and the store's refusals of those that do are reported together.
pub fn import_responses(store: &mut Store, actor: &str, path: &Path) -> Result<ResponsesReport> {
    let stream = stream_responses_with_unit(path)?;
    let (unit, lines) = stream;
    let shown = path.display().to_string();
    let (mut unreadable, mut refused) = (Problems::default(), Problems::default());
    let (tx, rx) = mpsc::sync_channel::<Result<ResponseLine>>(READ_AHEAD);
    let imported = std::thread::scope(|scope| {
        scope.spawn(move || {
            for line in lines {
                let fatal = line.is_err();
                // The receiver is gone only if the import stopped early; so does the reader.
                if tx.send(line).is_err() || fatal {
                    break;
                }
            }
        });
        let rows = rx.into_iter().map(|line| {
            Ok(match line? {
                Ok(row) => Some(row),
                Err(problems) => {
                    for p in problems {
                        unreadable.push(p.line, || p.to_string());
                    }
                    None
                }
            })
        });
        store.import_response_stream(actor, rows, |line, why| {
            refused.push(line, || format!("{}: {why}", unit.place(&shown, line)))
        })
    })?;
    // Each list holds the first problems of its kind, so the first of both merged are the
    // first of the file.
    let mut shown_problems = unreadable.shown;
    shown_problems.extend(refused.shown);
    shown_problems.sort_by_key(|(line, _)| *line);
    shown_problems.truncate(MAX_SHOWN_ERRORS);
    Ok(ResponsesReport {
        imported,
        problem_count: unreadable.count + refused.count,
        unreadable: unreadable.count > 0,
        problems: shown_problems.into_iter().map(|(_, p)| p).collect(),
    })
}

/// The lines of `path` one at a time, and how they are numbered.
fn stream_responses_with_unit(
    path: &Path,
) -> Result<(Unit, impl Iterator<Item = Result<ResponseLine>> + Send)> {
    let stream = stream_rows(path, parse_line)?;
    let unit = stream.unit();
    Ok((unit, stream.map(to_response)))
}

fn to_response(next: Result<Result<(usize, Parsed), Vec<RowError>>>) -> Result<ResponseLine> {
    next.map(|line| {
        line.map(
            |(line, (dataset, item_id, model, response, judges))| ResponseRow {
                line,
                dataset,
                item_id,
                model,
                response,
                judges,
            },
        )
    })
}

type Parsed = (String, String, String, String, [JudgeScore; 2]);

fn parse_line(text: &str) -> Result<Parsed, Vec<FieldError>> {
    let raw: RawResponse = serde_json::from_str(text).map_err(|e| {
        not_a(
            "a response line",
            &e,
            "give dataset, item, model, response and judges",
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
    let model = need("model", raw.model, "the evaluated model's name");
    let response = need("response", raw.response, "the model's response");
    let mut judges = Vec::new();
    match raw.judges {
        None => errs.push(FieldError::new(
            "judges",
            "missing; give the two AI judges' scores, e.g. [{\"score\": 0.8}, {\"score\": 0.4}]",
        )),
        Some(list) if list.len() != 2 => errs.push(FieldError::new(
            "judges",
            format!(
                "has {} judge(s); give exactly two (the two judge instances)",
                list.len()
            ),
        )),
        Some(list) => {
            for (i, v) in list.into_iter().enumerate() {
                let field = format!("judges[{i}]");
                let j: RawJudge = match serde_json::from_value(v) {
                    Ok(j) => j,
                    Err(e) => {
                        errs.push(FieldError::new(
                            field,
                            format!("{e}; give score, and optionally points and rationale"),
                        ));
                        continue;
                    }
                };
                let score = match j.score.as_ref().and_then(Value::as_f64) {
                    Some(s) if (0.0..=1.0).contains(&s) => s,
                    Some(s) => {
                        errs.push(FieldError::new(
                            format!("{field}.score"),
                            format!("is {s}; give a number from 0 to 1"),
                        ));
                        continue;
                    }
                    None => {
                        errs.push(FieldError::new(
                            format!("{field}.score"),
                            "missing; give a number from 0 to 1",
                        ));
                        continue;
                    }
                };
                let points = match j.points {
                    None => None,
                    Some(ps) => {
                        let parsed = marks(&ps);
                        if parsed.is_none() {
                            errs.push(FieldError::new(
                                format!("{field}.points"),
                                "give one true/false (or 1/0, \"met\"/\"not_met\") per rubric point",
                            ));
                        }
                        parsed
                    }
                };
                judges.push(JudgeScore {
                    score,
                    points,
                    rationale: j.rationale.filter(|r| !r.trim().is_empty()),
                });
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let [a, b]: [JudgeScore; 2] = judges
        .try_into()
        .map_err(|_| vec![FieldError::new("judges", "give exactly two judges")])?;
    Ok((dataset, item, model, response, [a, b]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(t: &str) -> Vec<String> {
        parse_line(t)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn a_response_line_and_what_is_wrong_with_bad_ones() {
        let (_, _, model, _, j) = parse_line(
            r#"{"dataset":"D","item":"1","model":"GPT-4o","response":"建议就医","judges":[{"score":0.8,"points":[1,0,"met"],"rationale":"好"},{"score":0.4}]}"#,
        )
        .unwrap();
        assert_eq!(model, "GPT-4o");
        assert_eq!(j[0].points, Some(vec![true, false, true]));
        assert_eq!(j[1].points, None);
        assert_eq!(
            errs(
                r#"{"dataset":"D","item":"1","model":"M","response":"r","judges":[{"score":0.8}]}"#
            ),
            vec!["field `judges`: has 1 judge(s); give exactly two (the two judge instances)"]
        );
        assert_eq!(
            errs(
                r#"{"dataset":"D","item":"1","model":"M","response":"r","judges":[{"score":1.2},{"score":-0.1}]}"#
            ),
            vec![
                "field `judges[0].score`: is 1.2; give a number from 0 to 1",
                "field `judges[1].score`: is -0.1; give a number from 0 to 1"
            ]
        );
        assert_eq!(
            errs(r#"{"dataset":"D","item":"1","model":"M","response":" "}"#),
            vec![
                "field `response`: missing; give the model's response",
                "field `judges`: missing; give the two AI judges' scores, e.g. [{\"score\": 0.8}, {\"score\": 0.4}]"
            ]
        );
    }
}
