//! CMeIE: `text` and `spo_list[subject, subject_type, predicate, object.@value,
//! object_type.@value, Combined]`. Subject and object are mentions, so they must occur
//! in the text.

use super::{Problems, RowContext, find_chars, provenance, row_id};
use crate::domain::field_error::FieldError;
use crate::domain::validate::{RawItem, RawRelation};
use serde_json::{Map, Value};

pub fn convert(obj: &Map<String, Value>, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
    let mut p = Problems::default();
    let text = p.string(obj, "text");
    let mut relations = Vec::new();
    if let Some(list) = p.list(obj, "spo_list") {
        for (i, spo) in list.iter().enumerate() {
            let f = |k: &str| format!("spo_list[{i}].{k}");
            let Some(spo) = spo.as_object() else {
                p.push(
                    format!("spo_list[{i}]"),
                    "must be an object {subject, predicate, object, ...}",
                );
                continue;
            };
            let subject = spo.get("subject").and_then(Value::as_str);
            let predicate = spo.get("predicate").and_then(Value::as_str);
            let object = value_of(spo.get("object"));
            if subject.is_none() {
                p.push(
                    f("subject"),
                    "missing; give the subject mention as a string",
                );
            }
            if predicate.is_none() {
                p.push(
                    f("predicate"),
                    "missing; give the relation name as a string",
                );
            }
            if object.is_none() {
                p.push(
                    f("object"),
                    "missing; CMeIE writes it as {\"@value\": \"...\"}",
                );
            }
            let (Some(subject), Some(predicate), Some(object)) = (subject, predicate, object)
            else {
                continue;
            };
            if let Some(t) = &text {
                for (key, mention) in [("subject", subject), ("object", object)] {
                    if find_chars(t, mention).is_none() {
                        p.push(f(key), format!("{mention:?} does not occur in the text; fix the mention or the text"));
                    }
                }
            }
            relations.push(RawRelation {
                subject: Some(subject.to_string()),
                subject_type: spo
                    .get("subject_type")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                predicate: Some(predicate.to_string()),
                object: Some(object.to_string()),
                object_type: value_of(spo.get("object_type")).map(str::to_string),
                combined: spo.get("Combined").and_then(Value::as_bool),
            });
        }
    }
    let (id, row) = row_id(obj, ctx);
    p.finish(RawItem {
        id: Some(id),
        kind: Some("extraction".into()),
        task: Some("relation".into()),
        text,
        relations: Some(relations),
        provenance: Some(provenance("CMeIE", ctx, row)),
        ..RawItem::default()
    })
}

/// CMeIE wraps objects as `{"@value": "..."}`; a plain string is taken too.
fn value_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("@value").and_then(Value::as_str),
        _ => None,
    }
}
