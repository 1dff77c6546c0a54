//! Adapters from the public formats curators receive to native items.
//!
//! Each adapter checks the row in the source's own terms (CMeEE's inclusive `end_idx`,
//! CMExam's option string) and reports problems under the source's field names.

mod chip_cdee;
mod chip_cdn;
mod cmeee;
mod cmeie;
mod cmexam;

use crate::domain::field_error::FieldError;
use crate::domain::validate::RawItem;
use serde_json::{Map, Value};

/// Where a row came from, for its id and provenance.
pub struct RowContext<'a> {
    pub file_stem: &'a str,
    pub file_name: &'a str,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cmexam,
    Cmeee,
    Cmeie,
    ChipCdn,
    ChipCdee,
}

impl Source {
    /// Converts one source row into a raw native item.
    pub fn convert(self, line: &str, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
        self.convert_with_gold(line, ctx).0
    }

    /// Converts one source row, and names its gold field if the row has no gold (an
    /// empty or missing answer, entity, relation, term or event list): `None` for a row
    /// that has gold or does not read as an object.
    pub fn convert_with_gold(
        self,
        line: &str,
        ctx: &RowContext,
    ) -> (Result<RawItem, Vec<FieldError>>, Option<&'static str>) {
        let obj = match parse_object(line) {
            Ok(obj) => obj,
            Err(e) => return (Err(e), None),
        };
        let item = match self {
            Source::Cmexam => cmexam::convert(&obj, ctx),
            Source::Cmeee => cmeee::convert(&obj, ctx),
            Source::Cmeie => cmeie::convert(&obj, ctx),
            Source::ChipCdn => chip_cdn::convert(&obj, ctx),
            Source::ChipCdee => chip_cdee::convert(&obj, ctx),
        };
        let field = self.gold_field();
        let lacks = match obj.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::String(s)) => s.trim().is_empty() || cmexam::is_placeholder(s),
            Some(_) => false,
        };
        (item, lacks.then_some(field))
    }

    /// The source field that holds a row's gold answer.
    pub fn gold_field(self) -> &'static str {
        match self {
            Source::Cmexam => "Answer",
            Source::Cmeee => "entities",
            Source::Cmeie => "spo_list",
            Source::ChipCdn => "normalized_result",
            Source::ChipCdee => "event",
        }
    }

    /// The source's name for a native field, so messages speak the file's language.
    pub fn source_field(self, native: &str) -> String {
        let pairs: &[(&str, &str)] = match self {
            Source::Cmexam => &[
                ("stem", "Question"),
                ("options", "Options"),
                ("answer", "Answer"),
                ("explanation", "Explanation"),
            ],
            Source::Cmeee => &[
                (".start", ".start_idx"),
                (".end", ".end_idx"),
                (".text", ".entity"),
            ],
            Source::Cmeie => &[("relations", "spo_list")],
            Source::ChipCdn => &[("normalized", "normalized_result")],
            Source::ChipCdee => &[("events", "event")],
        };
        let mut out = native.to_string();
        for (from, to) in pairs {
            if self == Source::Cmeee {
                if out.starts_with("entities[") && out.ends_with(from) {
                    out = format!("{}{}", &out[..out.len() - from.len()], to);
                }
            } else if out == *from
                || out.starts_with(&format!("{from}["))
                || out.starts_with(&format!("{from}."))
            {
                out = format!("{to}{}", &out[from.len()..]);
            }
        }
        out
    }
}

fn parse_object(line: &str) -> Result<Map<String, Value>, Vec<FieldError>> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(vec![FieldError::new(
            "",
            "is not a JSON object; each line must be one record {...}",
        )]),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg
                .rfind(" at line ")
                .map_or(msg.as_str(), |i| &msg[..i])
                .to_string();
            Err(vec![FieldError::new(
                "",
                format!(
                    "is not valid JSON ({msg} at column {}); each line must be one complete JSON object",
                    e.column()
                ),
            )])
        }
    }
}

/// Collects problems with a source row.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// A required string field.
    fn string(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.push(key, "missing; this format needs it on every row");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.push(key, format!("must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    /// An optional string field; a number is taken as its text.
    fn opt_string(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                self.push(key, format!("must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    /// A required list field.
    fn list<'a>(&mut self, obj: &'a Map<String, Value>, key: &str) -> Option<&'a Vec<Value>> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.push(key, "missing; this format needs it on every row (an empty list if there is nothing)");
                None
            }
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                self.push(key, format!("must be a list, not {}", type_name(other)));
                None
            }
        }
    }

    fn finish(self, raw: RawItem) -> Result<RawItem, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(raw)
        } else {
            Err(self.0)
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `FILESTEM:ROW`, ROW being the source's `id`, else `_source_row`, else the line number.
fn row_id(obj: &Map<String, Value>, ctx: &RowContext) -> (String, Value) {
    let row = ["id", "_source_row"]
        .iter()
        .find_map(|k| match obj.get(*k) {
            Some(v @ Value::Number(_)) => Some(v.clone()),
            Some(Value::String(s)) if !s.trim().is_empty() => {
                Some(Value::String(s.trim().to_string()))
            }
            _ => None,
        })
        .unwrap_or_else(|| Value::from(ctx.line));
    let shown = match &row {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (format!("{}:{}", ctx.file_stem, shown), row)
}

fn provenance(source: &str, ctx: &RowContext, row: Value) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("source".into(), Value::from(source));
    p.insert("file".into(), Value::from(ctx.file_name));
    p.insert("row".into(), row);
    p
}

/// The `(start, end)` code-point range of the first occurrence of `needle` in `text`.
fn find_chars(text: &str, needle: &str) -> Option<(usize, usize)> {
    let byte = text.find(needle)?;
    let start = text[..byte].chars().count();
    Some((start, start + needle.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_field_names() {
        assert_eq!(
            Source::Cmexam.source_field("options[2].label"),
            "Options[2].label"
        );
        assert_eq!(Source::Cmexam.source_field("answer"), "Answer");
        assert_eq!(
            Source::Cmeee.source_field("entities[3].end"),
            "entities[3].end_idx"
        );
        assert_eq!(
            Source::Cmeee.source_field("entities[3].text"),
            "entities[3].entity"
        );
        assert_eq!(Source::Cmeee.source_field("text"), "text");
        assert_eq!(
            Source::ChipCdn.source_field("normalized[1]"),
            "normalized_result[1]"
        );
    }

    #[test]
    fn find_chars_counts_code_points() {
        assert_eq!(find_chars("急性胰腺炎@ERCP", "ERCP"), Some((6, 10)));
    }
}
