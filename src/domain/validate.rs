//! Turns a raw record into a valid `Item`, or says precisely what is wrong with it.
//!
//! `RawItem` mirrors the native JSONL line with every field optional, so that a missing field
//! becomes a message naming the field rather than a parser error.

use super::departments;
use super::field_error::FieldError;
use super::item::*;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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
    pub entities: Option<Vec<RawEntity>>,
    pub relations: Option<Vec<RawRelation>>,
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

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawRubricPoint {
    Text(String),
    Point {
        text: Option<String>,
        points: Option<f64>,
    },
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

const MAX_ID_CHARS: usize = 200;

/// Collects errors while building, so one pass reports every problem of a record.
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// A required, non-blank text field.
    fn text(&mut self, field: &str, value: Option<String>, what: &str) -> String {
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

fn build_mcq(
    e: &mut Errors,
    stem: Option<String>,
    options: Option<Vec<RawOption>>,
    answer: Option<RawAnswer>,
    explanation: Option<String>,
) -> Mcq {
    let stem = e.text("stem", stem, "mcq item");
    let mut opts = Vec::new();
    match options {
        None => e.push(
            "options",
            "missing; list the options as [{\"label\": \"A\", \"text\": \"...\"}, ...]",
        ),
        Some(list) => {
            if list.len() < 2 {
                e.push(
                    "options",
                    format!(
                        "has {} option(s); a multiple-choice item needs at least 2",
                        list.len()
                    ),
                );
            }
            for (i, o) in list.into_iter().enumerate() {
                let label = e.text(&format!("options[{i}].label"), o.label, "option");
                let text = e.text(&format!("options[{i}].text"), o.text, "option");
                if !label.is_empty() && !is_option_label(&label) {
                    e.push(
                        format!("options[{i}].label"),
                        format!("{label:?} is not an option label; use one capital letter A-Z"),
                    );
                }
                if let Some(j) = opts
                    .iter()
                    .position(|p: &McqOption| p.label == label && !label.is_empty())
                {
                    e.push(
                        format!("options[{i}].label"),
                        format!("{label:?} is used twice (also options[{j}]); give each option its own letter"),
                    );
                }
                opts.push(McqOption { label, text });
            }
        }
    }
    let labels: Vec<String> = match answer {
        None => {
            e.push(
                "answer",
                "missing; give the correct option letters, e.g. [\"C\"] or \"ABD\"",
            );
            Vec::new()
        }
        Some(a) => {
            let labels: Vec<String> = match a {
                RawAnswer::Letters(s) => s.trim().chars().map(String::from).collect(),
                RawAnswer::Labels(v) => v.into_iter().map(|s| s.trim().to_string()).collect(),
            };
            if labels.is_empty() {
                e.push(
                    "answer",
                    "is empty; give the correct option letters, e.g. [\"C\"]",
                );
            }
            labels
        }
    };
    let mut answer_out: Vec<String> = Vec::new();
    for l in labels {
        if answer_out.contains(&l) {
            e.push(
                "answer",
                format!("lists {l:?} twice; list each correct letter once"),
            );
        } else if !opts.is_empty() && !opts.iter().any(|o| o.label == l) {
            let have: Vec<&str> = opts.iter().map(|o| o.label.as_str()).collect();
            e.push(
                "answer",
                format!(
                    "{l:?} is not one of the option labels ({}); fix the answer or the options",
                    have.join(", ")
                ),
            );
        } else {
            answer_out.push(l);
        }
    }
    // Store the key in option order so "BA" and "AB" are the same content.
    answer_out.sort_by_key(|l| opts.iter().position(|o| &o.label == l));
    Mcq {
        stem,
        options: opts,
        answer: answer_out,
        explanation: explanation.filter(|x| !x.trim().is_empty()),
    }
}

fn is_option_label(label: &str) -> bool {
    let mut chars = label.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_uppercase())
}

fn build_open_ended(
    e: &mut Errors,
    prompt: Option<String>,
    rubric: Option<Vec<RawRubricPoint>>,
    reference_answer: Option<String>,
) -> OpenEnded {
    let prompt = e.text("prompt", prompt, "open_ended item");
    let mut points = Vec::new();
    match rubric {
        None => e.push(
            "rubric",
            "missing; list the scoring points, e.g. [{\"text\": \"...\", \"points\": 2}]",
        ),
        Some(list) => {
            if list.is_empty() {
                e.push(
                    "rubric",
                    "is empty; an open_ended item needs at least one scoring point",
                );
            }
            for (i, p) in list.into_iter().enumerate() {
                let (text, pts) = match p {
                    RawRubricPoint::Text(t) => (Some(t), None),
                    RawRubricPoint::Point { text, points } => (text, points),
                };
                let text = e.text(&format!("rubric[{i}].text"), text, "scoring point");
                if let Some(p) = pts
                    && !(p.is_finite() && p > 0.0)
                {
                    e.push(
                        format!("rubric[{i}].points"),
                        format!("is {p}; points must be a positive number"),
                    );
                }
                points.push(RubricPoint { text, points: pts });
            }
        }
    }
    OpenEnded {
        prompt,
        rubric: points,
        reference_answer: reference_answer.filter(|x| !x.trim().is_empty()),
    }
}

fn build_extraction(
    e: &mut Errors,
    task: Option<String>,
    text: Option<String>,
    entities: Option<Vec<RawEntity>>,
    relations: Option<Vec<RawRelation>>,
    events: Option<Vec<Event>>,
    normalized: Option<Vec<String>>,
) -> Option<Extraction> {
    let text = e.text("text", text, "extraction item");
    let task = match task.as_deref() {
        None => {
            e.push(
                "task",
                "missing; use \"ner\", \"relation\", \"event\" or \"normalization\"",
            );
            return None;
        }
        Some(t) => match ExtractionTask::ALL.into_iter().find(|x| x.as_str() == t) {
            Some(t) => t,
            None => {
                e.push("task", format!("{t:?} is not a task; use \"ner\", \"relation\", \"event\" or \"normalization\""));
                return None;
            }
        },
    };
    let present = [
        (ExtractionTask::Ner, entities.is_some()),
        (ExtractionTask::Relation, relations.is_some()),
        (ExtractionTask::Event, events.is_some()),
        (ExtractionTask::Normalization, normalized.is_some()),
    ];
    for (t, is_there) in present {
        if t == task && !is_there {
            e.push(
                t.gold_field(),
                format!(
                    "missing; a {} item lists its gold annotation here",
                    task.as_str()
                ),
            );
        } else if t != task && is_there {
            e.push(
                t.gold_field(),
                format!(
                    "does not belong to a {} item (that is `{}`); remove it or fix `task`",
                    task.as_str(),
                    task.gold_field()
                ),
            );
        }
    }
    let entities = entities.map(|list| check_entities(e, &text, list));
    let relations = relations.map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, r)| Relation {
                subject: e.text(&format!("relations[{i}].subject"), r.subject, "relation"),
                subject_type: r.subject_type.unwrap_or_default(),
                predicate: e.text(
                    &format!("relations[{i}].predicate"),
                    r.predicate,
                    "relation",
                ),
                object: e.text(&format!("relations[{i}].object"), r.object, "relation"),
                object_type: r.object_type.unwrap_or_default(),
                combined: r.combined,
            })
            .collect()
    });
    if let Some(list) = &events {
        for (i, ev) in list.iter().enumerate() {
            if ev.core_name.trim().is_empty() {
                e.push(
                    format!("events[{i}].core_name"),
                    "is empty; name the event's core term",
                );
            }
            if !EVENT_TENDENCIES.contains(&ev.tendency.as_str()) {
                e.push(
                    format!("events[{i}].tendency"),
                    format!(
                        "{:?} is not a tendency; use \"\", \"不确定\" or \"否定\"",
                        ev.tendency
                    ),
                );
            }
        }
    }
    if let Some(list) = &normalized {
        if list.is_empty() {
            e.push("normalized", "is empty; list at least one standard term");
        }
        for (i, t) in list.iter().enumerate() {
            if t.trim().is_empty() {
                e.push(
                    format!("normalized[{i}]"),
                    "is empty; remove it or write the standard term",
                );
            }
        }
    }
    Some(Extraction {
        task,
        text,
        entities,
        relations,
        events,
        normalized,
    })
}

fn check_entities(e: &mut Errors, text: &str, list: Vec<RawEntity>) -> Vec<Entity> {
    let n_chars = text.chars().count();
    let mut out = Vec::with_capacity(list.len());
    for (i, ent) in list.into_iter().enumerate() {
        let f = |name: &str| format!("entities[{i}].{name}");
        let entity_type = e.text(&f("type"), ent.entity_type, "entity");
        let etext = e.text(&f("text"), ent.text, "entity");
        let (Some(start), Some(end)) = (ent.start, ent.end) else {
            if ent.start.is_none() {
                e.push(
                    f("start"),
                    "missing; give the code-point offset where the entity starts",
                );
            }
            if ent.end.is_none() {
                e.push(
                    f("end"),
                    "missing; give the code-point offset just past the entity's end",
                );
            }
            continue;
        };
        if start < 0 || end < 0 {
            e.push(
                f("start"),
                format!("span {start}..{end} is negative; offsets count code points from 0"),
            );
            continue;
        }
        let (start, end) = (start as usize, end as usize);
        if start >= end {
            e.push(f("end"), format!("span {start}..{end} is empty or reversed; `end` is exclusive and must be greater than `start`"));
            continue;
        }
        if end > n_chars {
            e.push(
                f("end"),
                format!("span {start}..{end} runs past the end of the text ({n_chars} characters); fix the offsets"),
            );
            continue;
        }
        let slice = char_slice(text, start, end).unwrap_or_default();
        if !etext.is_empty() && slice != etext {
            e.push(
                f("text"),
                format!(
                    "is {etext:?} but the text at {start}..{end} is {slice:?}; offsets are code points with `end` exclusive{}",
                    off_by_one_hint(text, start, end, &etext)
                ),
            );
        }
        out.push(Entity {
            start,
            end,
            entity_type,
            text: etext,
        });
    }
    out
}

/// Says where the entity text really is when the span is one off, the commonest mistake.
fn off_by_one_hint(text: &str, start: usize, end: usize, etext: &str) -> String {
    let candidates = [
        (start, end + 1),
        (start.wrapping_sub(1), end.wrapping_sub(1)),
        (start + 1, end + 1),
        (start, end.wrapping_sub(1)),
    ];
    for (s, en) in candidates {
        if char_slice(text, s, en) == Some(etext) {
            return format!(" (it is at {s}..{en})");
        }
    }
    String::new()
}

#[cfg(test)]
mod tests;
