//! Benchmark items: the three kinds and what every item carries.
//!
//! `ItemBody` is what a revision holds. Its canonical JSON (struct field order, sorted maps)
//! is what the content hash covers, so the same content always hashes the same.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Mcq,
    OpenEnded,
    Extraction,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Mcq, ItemKind::OpenEnded, ItemKind::Extraction];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Mcq => "mcq",
            ItemKind::OpenEnded => "open_ended",
            ItemKind::Extraction => "extraction",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Difficulty> {
        Difficulty::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// An item as imported: its id within a dataset, and the content of its revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub dataset: String,
    #[serde(flatten)]
    pub body: ItemBody,
}

/// Everything a revision holds: the kind-specific content and the item's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemBody {
    #[serde(flatten)]
    pub content: Content,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub provenance: Map<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested_departments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
}

impl ItemBody {
    pub fn kind(&self) -> ItemKind {
        match self.content {
            Content::Mcq(_) => ItemKind::Mcq,
            Content::OpenEnded(_) => ItemKind::OpenEnded,
            Content::Extraction(_) => ItemKind::Extraction,
        }
    }

    /// The canonical JSON stored for a revision and covered by its hash.
    pub fn canonical_json(&self) -> String {
        // Serialising plain structs, strings and sorted maps cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    Mcq(Mcq),
    OpenEnded(OpenEnded),
    Extraction(Extraction),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mcq {
    pub stem: String,
    pub options: Vec<McqOption>,
    /// Correct option labels, in option order.
    pub answer: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McqOption {
    pub label: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenEnded {
    pub prompt: String,
    pub rubric: Vec<RubricPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricPoint {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
}

/// A number of points as said in English: "1 point", "2 points", "1.5 points".
pub fn points_text(p: f64) -> String {
    format!("{p} point{}", if p == 1.0 { "" } else { "s" })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractionTask {
    Ner,
    Relation,
    Event,
    Normalization,
}

impl ExtractionTask {
    pub const ALL: [ExtractionTask; 4] = [
        ExtractionTask::Ner,
        ExtractionTask::Relation,
        ExtractionTask::Event,
        ExtractionTask::Normalization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExtractionTask::Ner => "ner",
            ExtractionTask::Relation => "relation",
            ExtractionTask::Event => "event",
            ExtractionTask::Normalization => "normalization",
        }
    }

    /// The list field this task's gold annotation lives in.
    pub fn gold_field(self) -> &'static str {
        match self {
            ExtractionTask::Ner => "entities",
            ExtractionTask::Relation => "relations",
            ExtractionTask::Event => "events",
            ExtractionTask::Normalization => "normalized",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub task: ExtractionTask,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<Entity>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relations: Option<Vec<Relation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<Event>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<Vec<String>>,
}

/// A gold entity: code-point offsets into the text, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub entity_type: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub subject: String,
    #[serde(default)]
    pub subject_type: String,
    pub predicate: String,
    pub object: String,
    #[serde(default)]
    pub object_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined: Option<bool>,
}

/// A clinical event in the CHIP-CDEE style. Read straight from native lines, so unknown keys
/// are refused and `null` in an optional field means the field is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub core_name: String,
    /// "" (occurred), "不确定" (uncertain) or "否定" (negated).
    #[serde(default, deserialize_with = "null_as_default")]
    pub tendency: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub character: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub anatomy_list: Vec<String>,
}

fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// The tendencies CHIP-CDEE allows.
pub const EVENT_TENDENCIES: [&str; 3] = ["", "不确定", "否定"];

/// The `[start, end)` code-point slice of `text`, if it lies inside the text.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut indices = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let b_start = indices.nth(start)?;
    let b_end = if end == start {
        b_start
    } else {
        indices.nth(end - start - 1)?
    };
    Some(&text[b_start..b_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_slice_counts_code_points() {
        let t = "对儿童SARST细胞亚群的研究";
        assert_eq!(char_slice(t, 3, 10), Some("SARST细胞"));
        assert_eq!(char_slice(t, 0, 1), Some("对"));
        assert_eq!(char_slice(t, 14, 15), Some("究"));
        assert_eq!(char_slice(t, 15, 15), Some(""));
        assert_eq!(char_slice(t, 14, 16), None);
        assert_eq!(char_slice(t, 5, 4), None);
    }

    #[test]
    fn one_point_is_singular() {
        assert_eq!(points_text(1.0), "1 point");
        assert_eq!(points_text(2.0), "2 points");
        assert_eq!(points_text(0.5), "0.5 points");
        assert_eq!(points_text(0.0), "0 points");
    }
}
