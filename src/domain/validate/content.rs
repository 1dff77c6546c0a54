//! The kind-specific half of validation: multiple-choice options and answers, rubrics,
//! extraction spans and gold annotations.

use super::{Errors, RawAnswer, RawEntity, RawOption, RawRelation, RawRubricPoint};
use crate::domain::item::*;

pub(super) fn build_mcq(
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
            // Spaces are refused rather than trimmed, as the schema refuses them.
            let labels: Vec<String> = match a {
                RawAnswer::Letters(s) if s.chars().any(char::is_whitespace) => {
                    e.push(
                        "answer",
                        format!("{s:?} has spaces; write the letters alone, e.g. \"ABD\""),
                    );
                    letters_without_spaces(&s)
                }
                RawAnswer::Letters(s) => s.chars().map(String::from).collect(),
                RawAnswer::Labels(v) => {
                    for (i, l) in v.iter().enumerate() {
                        if l.trim() != l {
                            e.push(
                                format!("answer[{i}]"),
                                format!("{l:?} has spaces around it; write the letter alone"),
                            );
                        }
                    }
                    v.into_iter().map(|s| s.trim().to_string()).collect()
                }
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

/// The letters of an answer string, its spaces left out (they are reported on their own).
fn letters_without_spaces(s: &str) -> Vec<String> {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(String::from)
        .collect()
}

fn is_option_label(label: &str) -> bool {
    let mut chars = label.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_uppercase())
}

pub(super) fn build_open_ended(
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
                    RawRubricPoint::Point(p) => (p.text, p.points),
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

pub(super) fn build_extraction(
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
            .map(|(i, r)| {
                let subject = e.text(&format!("relations[{i}].subject"), r.subject, "relation");
                let predicate = e.text(
                    &format!("relations[{i}].predicate"),
                    r.predicate,
                    "relation",
                );
                let object = e.text(&format!("relations[{i}].object"), r.object, "relation");
                for (name, value) in [("subject", &subject), ("object", &object)] {
                    if !value.trim().is_empty()
                        && !text.trim().is_empty()
                        && !text.contains(value.as_str())
                    {
                        e.push(
                            format!("relations[{i}].{name}"),
                            format!(
                                "{value:?} does not occur in the text; fix the mention or the text"
                            ),
                        );
                    }
                }
                Relation {
                    subject,
                    subject_type: r.subject_type.unwrap_or_default(),
                    predicate,
                    object,
                    object_type: r.object_type.unwrap_or_default(),
                    combined: r.combined,
                }
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
            for (name, terms) in [
                ("character", &ev.character),
                ("anatomy_list", &ev.anatomy_list),
            ] {
                for (j, t) in terms.iter().enumerate() {
                    if t.trim().is_empty() {
                        e.push(
                            format!("events[{i}].{name}[{j}]"),
                            "is empty; remove it or write the term",
                        );
                    }
                }
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
