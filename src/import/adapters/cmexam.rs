//! CMExam: `Question`, `Options` (one string of "A ..." lines), `Answer` (letters),
//! `Explanation`, and on the annotated test split five annotation columns.
//!
//! The rows come from spreadsheets, where an empty cell is exported as `nan` (pandas) or as
//! nothing: such a cell is taken as absent. Option lines may also be written `(A) text` and
//! answers `(C)`, as XMedBench-style copies of Chinese exam sets write them.

use super::{Problems, RowContext, provenance, row_id};
use crate::domain::field_error::FieldError;
use crate::domain::validate::{RawAnswer, RawItem, RawOption};
use serde_json::{Map, Value};

/// Source column -> attribute name.
const ANNOTATIONS: [(&str, &str); 5] = [
    ("Disease Group", "disease_group"),
    ("Area of Competency", "area_of_competency"),
    ("Clinical Department", "clinical_department"),
    ("Medical Discipline", "medical_discipline"),
    ("Difficulty level", "exam_difficulty_level"),
];

pub fn convert(obj: &Map<String, Value>, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
    let mut p = Problems::default();
    let question = p
        .string(obj, "Question")
        .and_then(|q| cell(q, &mut p, "Question"));
    let options = p
        .string(obj, "Options")
        .and_then(|o| cell(o, &mut p, "Options"))
        .map(|o| split_options(&o, &mut p));
    let answer = p
        .string(obj, "Answer")
        .and_then(|a| cell(a, &mut p, "Answer"))
        .map(|a| parse_answer(&a, &mut p));
    let explanation = p
        .opt_string(obj, "Explanation")
        .filter(|e| !is_placeholder(e));
    let mut attributes = Map::new();
    for (col, attr) in ANNOTATIONS {
        if let Some(v) = p.opt_string(obj, col)
            && !is_placeholder(&v)
        {
            attributes.insert(attr.into(), Value::String(v.trim().to_string()));
        }
    }
    let (id, row) = row_id(obj, ctx);
    p.finish(RawItem {
        id: Some(id),
        kind: Some("mcq".into()),
        stem: question,
        options,
        answer: answer.map(RawAnswer::Labels),
        explanation,
        provenance: Some(provenance("CMExam", ctx, row)),
        attributes: (!attributes.is_empty()).then_some(attributes),
        ..RawItem::default()
    })
}

/// True for what a spreadsheet writes in an empty cell: nothing, or `nan` in any case.
pub fn is_placeholder(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || c.eq_ignore_ascii_case("nan")
}

/// A required cell's text, or `None` with "the ... cell is empty" if it is a placeholder.
fn cell(value: String, p: &mut Problems, column: &str) -> Option<String> {
    if !is_placeholder(&value) {
        return Some(value);
    }
    let what = match column {
        "Answer" => "give the correct option letters, e.g. \"C\" or \"ABD\"",
        "Options" => "give the options as \"A text\" lines",
        _ => "give the question text",
    };
    p.push(
        column,
        format!(
            "the {} cell is empty ({value:?}); {what}",
            column.to_lowercase()
        ),
    );
    None
}

/// Splits "A 原发病\nB 出血部位..." into options. Some copies store the line breaks as a
/// literal backslash-n; both forms are read.
fn split_options(options: &str, p: &mut Problems) -> Vec<RawOption> {
    let normalised = options.replace("\\n", "\n");
    let mut out = Vec::new();
    for (i, line) in normalised
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        // "(A) text" and "（A）text" are read as "A text".
        let line = match line.strip_prefix(['(', '（']).and_then(|rest| {
            let mut c = rest.chars();
            let letter = c.next()?;
            c.as_str()
                .strip_prefix([')', '）'])
                .map(|text| (letter, text))
        }) {
            Some((letter, text)) if letter.is_ascii_uppercase() => {
                format!("{letter} {}", text.trim_start())
            }
            _ => line.to_string(),
        };
        let line = line.as_str();
        let mut chars = line.chars();
        let letter = chars.next().filter(|c| c.is_ascii_uppercase());
        let Some(letter) = letter else {
            p.push(
                "Options",
                format!(
                    "option {} ({line:?}) does not start with an option letter; write each option as \"A text\" on its own line",
                    i + 1
                ),
            );
            continue;
        };
        let rest = chars.as_str();
        let text = rest
            .trim_start_matches([' ', '.', '．', '、', ':', '：', '\t', '\u{3000}'])
            .trim();
        if rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            p.push(
                "Options",
                format!("option {} ({line:?}) has no separator after its letter; write \"{letter} text\"", i + 1),
            );
            continue;
        }
        out.push(RawOption {
            label: Some(letter.to_string()),
            text: Some(text.to_string()),
        });
    }
    out
}

fn parse_answer(answer: &str, p: &mut Problems) -> Vec<String> {
    let letters: Vec<String> = answer
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '、' | '(' | ')' | '（' | '）'))
        .map(String::from)
        .collect();
    if let Some(bad) = letters
        .iter()
        .find(|l| !l.chars().all(|c| c.is_ascii_uppercase()))
    {
        p.push("Answer", format!("{answer:?} contains {bad:?}; the answer must be option letters like \"C\" or \"ABD\""));
    }
    letters
}
