//! Micro-F1 for extraction (MLB paper 3.6): true positives, false positives and false
//! negatives summed over every item and class of a dataset. What counts as a match, per task:
//! - NER: the same span (code-point start and end, end exclusive) and the same type;
//! - relations: the same subject, predicate and object;
//! - normalization: the same term (each item's terms as a set);
//! - events: the same core name, tendency, character set and anatomy set.

use crate::domain::item::{Extraction, ExtractionTask};
use serde::Deserialize;
use std::collections::BTreeSet;

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }

    /// 2TP / (2TP + FP + FN); 1 when there was nothing to find and nothing was found.
    pub fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        if d == 0 {
            1.0
        } else {
            2.0 * self.tp as f64 / d as f64
        }
    }
}

/// A predicted entity: its span and type (the text is not compared; the span names it).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EntityAnswer {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub entity_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RelationAnswer {
    pub subject: String,
    pub predicate: String,
    pub object: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EventAnswer {
    pub core_name: String,
    #[serde(default)]
    pub tendency: String,
    #[serde(default)]
    pub character: Vec<String>,
    #[serde(default)]
    pub anatomy_list: Vec<String>,
}

/// What a model produced for one extraction item, in its task's field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractionAnswer {
    Entities(Vec<EntityAnswer>),
    Relations(Vec<RelationAnswer>),
    Normalized(Vec<String>),
    Events(Vec<EventAnswer>),
}

fn event_key(
    core: &str,
    tendency: &str,
    character: &[String],
    anatomy: &[String],
) -> (String, String, BTreeSet<String>, BTreeSet<String>) {
    (
        core.to_string(),
        tendency.to_string(),
        character.iter().cloned().collect(),
        anatomy.iter().cloned().collect(),
    )
}

fn compare<K: Ord>(gold: BTreeSet<K>, got: BTreeSet<K>) -> Counts {
    let tp = gold.intersection(&got).count() as u64;
    Counts {
        tp,
        fp: got.len() as u64 - tp,
        fn_: gold.len() as u64 - tp,
    }
}

/// The counts of one item: the gold annotation against the answer (duplicates count once),
/// or every gold element a false negative when there is no answer. An answer of another
/// task's shape matches nothing.
pub fn item_counts(gold: &Extraction, answer: Option<&ExtractionAnswer>) -> Counts {
    match gold.task {
        ExtractionTask::Ner => {
            let g = gold
                .entities
                .iter()
                .flatten()
                .map(|e| (e.start, e.end, e.entity_type.clone()))
                .collect();
            let a = match answer {
                Some(ExtractionAnswer::Entities(v)) => v
                    .iter()
                    .map(|e| (e.start, e.end, e.entity_type.clone()))
                    .collect(),
                _ => BTreeSet::new(),
            };
            compare(g, a)
        }
        ExtractionTask::Relation => {
            let g = gold
                .relations
                .iter()
                .flatten()
                .map(|r| (r.subject.clone(), r.predicate.clone(), r.object.clone()))
                .collect();
            let a = match answer {
                Some(ExtractionAnswer::Relations(v)) => v
                    .iter()
                    .map(|r| (r.subject.clone(), r.predicate.clone(), r.object.clone()))
                    .collect(),
                _ => BTreeSet::new(),
            };
            compare(g, a)
        }
        ExtractionTask::Normalization => {
            let g = gold.normalized.iter().flatten().cloned().collect();
            let a = match answer {
                Some(ExtractionAnswer::Normalized(v)) => v.iter().cloned().collect(),
                _ => BTreeSet::new(),
            };
            compare(g, a)
        }
        ExtractionTask::Event => {
            let g = gold
                .events
                .iter()
                .flatten()
                .map(|e| event_key(&e.core_name, &e.tendency, &e.character, &e.anatomy_list))
                .collect();
            let a = match answer {
                Some(ExtractionAnswer::Events(v)) => v
                    .iter()
                    .map(|e| event_key(&e.core_name, &e.tendency, &e.character, &e.anatomy_list))
                    .collect(),
                _ => BTreeSet::new(),
            };
            compare(g, a)
        }
    }
}
