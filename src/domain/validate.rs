//! Turns a raw record into a valid `Item`, or says precisely what is wrong with it.
//!
//! `RawItem` mirrors the native JSONL line with every field optional, so that a missing field
//! becomes a message naming the field rather than a parser error.

use super::departments;
use super::field_error::FieldError;
use super::item::*;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub dataset: Option<String>,
    pub provenance: Option<Map<String, Value>>,
    pub attributes: Option<Map<String, Value>>,
    pub suggested_departments: Option<Vec<String>>,
    pub difficulty: Option<String>,
    // mcq
    pub stem: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    pub options: Option<Vec<RawOption>>,
    pub answer: Option<RawAnswer>,
    pub explanation: Option<String>,
    // open_ended
    pub prompt: Option<String>,
    pub rubric: Option<Vec<RawRubricPoint>>,
    pub reference_answer: Option<String>,
    // extraction
    pub task: Option<String>,
    pub text: Option<String>,
    #[serde(default, deserialize_with = "objects")]
    pub entities: Option<Vec<RawEntity>>,
    #[serde(default, deserialize_with = "objects")]
    pub relations: Option<Vec<RawRelation>>,
    #[serde(default, deserialize_with = "objects")]
    pub events: Option<Vec<Event>>,
    pub normalized: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub label: Option<String>,
    pub text: Option<String>,
}

/// The answer as a list of labels, or a string of letters ("ABD").
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAnswer {
    Letters(String),
    Labels(Vec<String>),
}

/// A scoring point: its text alone, or an object with its text and points.
#[derive(Debug)]
pub enum RawRubricPoint {
    Text(String),
    Point(RawPointObject),
}

// By hand rather than `untagged`, so an object's unknown key is named in the error.
impl<'de> Deserialize<'de> for RawRubricPoint {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct PointVisitor;
        impl<'de> Visitor<'de> for PointVisitor {
            type Value = RawRubricPoint;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(RUBRIC_POINT)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(RawRubricPoint::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawPointObject::deserialize(MapAccessDeserializer::new(map))
                    .map(RawRubricPoint::Point)
            }
        }
        de.deserialize_any(PointVisitor)
    }
}

/// What a rubric point must be, as serde's "expected ..." says it.
pub const RUBRIC_POINT: &str = "a rubric point";

/// A rubric point written as an object; a key other than these is refused, not dropped.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPointObject {
    pub text: Option<String>,
    pub points: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEntity {
    pub start: Option<i64>,
    pub end: Option<i64>,
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub subject: Option<String>,
    pub subject_type: Option<String>,
    pub predicate: Option<String>,
    pub object: Option<String>,
    pub object_type: Option<String>,
    pub combined: Option<bool>,
}

/// serde reads a struct from a JSON list too (`["A"]` as the first field); the format's
/// records are objects, so the nested ones are read as objects only.
fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(de: D) -> Result<T, D::Error> {
    struct ObjectOnly<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map))
        }
    }
    de.deserialize_map(ObjectOnly(PhantomData))
}

/// An optional list of objects (see `object`).
fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    de: D,
) -> Result<Option<Vec<T>>, D::Error> {
    struct Element<T>(T);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Element<T> {
        fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
            object(de).map(Element)
        }
    }
    let list = Option::<Vec<Element<T>>>::deserialize(de)?;
    Ok(list.map(|l| l.into_iter().map(|e| e.0).collect()))
}

const MAX_ID_CHARS: usize = 200;

/// Collects errors while building, so one pass reports every problem of a record.
pub(super) struct Errors(Vec<FieldError>);

impl Errors {
    pub(super) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// A required, non-blank text field.
    pub(super) fn text(&mut self, field: &str, value: Option<String>, what: &str) -> String {
        match value {
            None => {
                self.push(field, format!("missing; every {what} needs `{field}`"));
                String::new()
            }
            Some(v) if v.trim().is_empty() => {
                self.push(field, "is empty; write the text here".to_string());
                v
            }
            Some(v) => v,
        }
    }

    /// A field that the item's kind does not use.
    fn stray<T>(&mut self, field: &str, value: &Option<T>, kind: &str) {
        if value.is_some() {
            self.push(
                field,
                format!("does not belong to a {kind} item; remove it or fix `kind`"),
            );
        }
    }
}

/// Builds an `Item` for `dataset` from a raw record, or returns every problem found.
pub fn build_item(raw: RawItem, dataset: &str) -> Result<Item, Vec<FieldError>> {
    let mut e = Errors(Vec::new());

    let id = match raw.id {
        None => {
            e.push(
                "id",
                "missing; give every item an id unique within its dataset",
            );
            String::new()
        }
        Some(id) => {
            if let Err(msg) = check_item_id(&id) {
                e.push("id", msg);
            }
            id
        }
    };
    if let Some(ds) = &raw.dataset
        && ds != dataset
    {
        e.push(
            "dataset",
            format!("is {ds:?} but the import is for dataset {dataset:?}; fix the line or pass --dataset {ds:?}"),
        );
    }

    let kind = match raw.kind.as_deref() {
        None => {
            e.push(
                "kind",
                "missing; use \"mcq\", \"open_ended\" or \"extraction\"",
            );
            None
        }
        Some(k) => {
            let parsed = ItemKind::parse(k);
            if parsed.is_none() {
                e.push(
                    "kind",
                    format!("{k:?} is not a kind; use \"mcq\", \"open_ended\" or \"extraction\""),
                );
            }
            parsed
        }
    };

    let suggested_departments = match raw.suggested_departments {
        None => Vec::new(),
        Some(tags) => match departments::check_tags(&tags) {
            Ok(ids) => ids,
            Err(msg) => {
                e.push("suggested_departments", msg);
                Vec::new()
            }
        },
    };

    let difficulty = raw.difficulty.as_deref().and_then(|d| {
        let parsed = Difficulty::parse(d);
        if parsed.is_none() {
            e.push(
                "difficulty",
                format!("{d:?} is not a difficulty; use \"easy\", \"medium\" or \"hard\""),
            );
        }
        parsed
    });

    let attributes = raw
        .attributes
        .map(|a| check_attributes(a, &mut e))
        .unwrap_or_default();
    if let Some(p) = &raw.provenance {
        check_provenance(p, &mut e);
    }

    let content = match kind {
        Some(ItemKind::Mcq) => {
            let kind = "mcq";
            e.stray("prompt", &raw.prompt, kind);
            e.stray("rubric", &raw.rubric, kind);
            e.stray("reference_answer", &raw.reference_answer, kind);
            stray_extraction(
                &mut e,
                &raw.task,
                &raw.text,
                &raw.entities,
                &raw.relations,
                &raw.events,
                &raw.normalized,
                kind,
            );
            Some(Content::Mcq(build_mcq(
                &mut e,
                raw.stem,
                raw.options,
                raw.answer,
                raw.explanation,
            )))
        }
        Some(ItemKind::OpenEnded) => {
            let kind = "open_ended";
            stray_mcq(
                &mut e,
                &raw.stem,
                &raw.options,
                &raw.answer,
                &raw.explanation,
                kind,
            );
            stray_extraction(
                &mut e,
                &raw.task,
                &raw.text,
                &raw.entities,
                &raw.relations,
                &raw.events,
                &raw.normalized,
                kind,
            );
            Some(Content::OpenEnded(build_open_ended(
                &mut e,
                raw.prompt,
                raw.rubric,
                raw.reference_answer,
            )))
        }
        Some(ItemKind::Extraction) => {
            let kind = "extraction";
            stray_mcq(
                &mut e,
                &raw.stem,
                &raw.options,
                &raw.answer,
                &raw.explanation,
                kind,
            );
            e.stray("prompt", &raw.prompt, kind);
            e.stray("rubric", &raw.rubric, kind);
            e.stray("reference_answer", &raw.reference_answer, kind);
            build_extraction(
                &mut e,
                raw.task,
                raw.text,
                raw.entities,
                raw.relations,
                raw.events,
                raw.normalized,
            )
            .map(Content::Extraction)
        }
        None => None,
    };

    match content {
        Some(content) if e.0.is_empty() => Ok(Item {
            id,
            dataset: dataset.to_string(),
            body: ItemBody {
                content,
                provenance: raw.provenance.unwrap_or_default(),
                attributes,
                suggested_departments,
                difficulty,
            },
        }),
        _ => Err(e.0),
    }
}

/// Item ids: 1-200 characters, no control characters, no surrounding spaces.
pub fn check_item_id(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("is empty; give every item an id unique within its dataset".into());
    }
    if id.trim() != id {
        return Err(format!(
            "{id:?} has leading or trailing spaces; remove them"
        ));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!(
            "is longer than {MAX_ID_CHARS} characters; use a shorter id"
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(format!("{id:?} contains a control character; remove it"));
    }
    Ok(())
}

fn check_attributes(attrs: Map<String, Value>, e: &mut Errors) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (k, v) in attrs {
        if k.trim().is_empty() {
            e.push("attributes", "has an empty key; name every attribute");
            continue;
        }
        match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                out.insert(k, v);
            }
            other => e.push(
                format!("attributes.{k}"),
                format!(
                    "is {}; attribute values must be a string, number or boolean",
                    json_type(&other)
                ),
            ),
        }
    }
    out
}

/// The keys of `provenance` the format names have a type; any other key is free.
fn check_provenance(p: &Map<String, Value>, e: &mut Errors) {
    for (key, v) in p {
        let ok = match (key.as_str(), v) {
            (_, Value::Null) => true,
            ("source" | "file" | "generator", v) => v.is_string(),
            // A whole number, as JSON Schema counts integers (2 and 2.0), or a string.
            ("row", Value::Number(n)) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
            ("row", v) => v.is_string(),
            _ => true,
        };
        if !ok {
            let what = if key == "row" {
                "a whole number or a string"
            } else {
                "a string"
            };
            e.push(
                format!("provenance.{key}"),
                format!("is {}; `{key}` must be {what}", json_type(v)),
            );
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn stray_mcq(
    e: &mut Errors,
    stem: &Option<String>,
    options: &Option<Vec<RawOption>>,
    answer: &Option<RawAnswer>,
    explanation: &Option<String>,
    kind: &str,
) {
    e.stray("stem", stem, kind);
    e.stray("options", options, kind);
    e.stray("answer", answer, kind);
    e.stray("explanation", explanation, kind);
}

#[allow(clippy::too_many_arguments)]
fn stray_extraction(
    e: &mut Errors,
    task: &Option<String>,
    text: &Option<String>,
    entities: &Option<Vec<RawEntity>>,
    relations: &Option<Vec<RawRelation>>,
    events: &Option<Vec<Event>>,
    normalized: &Option<Vec<String>>,
    kind: &str,
) {
    e.stray("task", task, kind);
    e.stray("text", text, kind);
    e.stray("entities", entities, kind);
    e.stray("relations", relations, kind);
    e.stray("events", events, kind);
    e.stray("normalized", normalized, kind);
}

mod content;

use content::{build_extraction, build_mcq, build_open_ended};

#[cfg(test)]
mod tests;
