//! `schemas/item.schema.json` and `medcurate import` judge the same lines the same way.
//!
//! Valid items of every kind and extraction task are mutated by a seeded generator of this
//! file's own (delete a key, set it to null, give it another type or value, add a key from
//! another kind or an unknown one, pad ids with spaces, copy or drop list elements ...), and
//! each mutant is checked by the JSON Schema and by the importer's own parse and validation
//! (`import::native::parse` then `domain::validate::build_item`, what `medcurate import` runs
//! on every line). The two must agree, except where the importer refuses a line for one of the
//! checks in `SEMANTIC` that a JSON Schema cannot express. A line the schema refuses and the
//! importer accepts is always a disagreement.
#![allow(clippy::disallowed_methods)] // test set-up reads the schema file directly

use jsonschema::Validator;
use medcurate::domain::field_error::FieldError;
use medcurate::domain::validate::build_item;
use medcurate::import::native;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The importer's checks that the schema cannot express, each with why. A mutant the schema
/// accepts may be refused by the importer only when every error it reports is one of these.
const SEMANTIC: &[(&str, &str)] = &[
    (
        "entity spans against the text",
        "start < end <= the text's length in code points, and the text at start..end equals the \
         entity's text: a schema sees neither the text's length nor its slices",
    ),
    (
        "relation subject and object occur in the text",
        "substring search of one field in another is beyond JSON Schema",
    ),
    (
        "answer letters are option labels, each once",
        "the answer refers to labels listed in another field; repeated letters in a string \
         (\"AA\") need a back-reference",
    ),
    (
        "option labels are unique",
        "uniqueItems compares whole options, not one property of them",
    ),
    (
        "departments are ids or names from schemas/departments.json",
        "names in English or Chinese resolve to ids (Cardiology, 心血管内科), so \"known\", \
         \"listed once\" and \"no-department alone\" hold after that mapping, against another file",
    ),
    (
        "dataset equals the --dataset of the import",
        "the dataset is an argument of the command, not part of the line",
    ),
];

fn semantic_check(e: &FieldError) -> Option<&'static str> {
    let f = e.field.as_str();
    let m = e.message.as_str();
    let in_list = |prefix: &str, fields: &[&str]| {
        f.strip_prefix(prefix)
            .and_then(|rest| rest.split_once("]."))
            .is_some_and(|(n, field)| n.parse::<usize>().is_ok() && fields.contains(&field))
    };
    let name = if in_list("entities[", &["start", "end", "text"])
        && (m.contains("span ") || m.contains("but the text at"))
    {
        SEMANTIC[0].0
    } else if in_list("relations[", &["subject", "object"])
        && m.contains("does not occur in the text")
    {
        SEMANTIC[1].0
    } else if f == "answer"
        && (m.contains("is not one of the option labels") || m.contains("twice"))
    {
        SEMANTIC[2].0
    } else if in_list("options[", &["label"]) && m.contains("is used twice") {
        SEMANTIC[3].0
    } else if f == "suggested_departments" {
        SEMANTIC[4].0
    } else if f == "dataset" && m.contains("but the import is for dataset") {
        SEMANTIC[5].0
    } else {
        return None;
    };
    Some(name)
}

/// SplitMix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Valid items: every kind, every extraction task, every optional field present.
fn base_items() -> Vec<Value> {
    vec![
        json!({
            "id": "mcq-1", "kind": "mcq", "dataset": "T",
            "stem": "上消化道出血表现为呕血还是黑便主要取决于",
            "options": [{"label": "A", "text": "原发病"}, {"label": "B", "text": "出血量和出血速度"},
                        {"label": "C", "text": "出血部位"}],
            "answer": ["B"],
            "explanation": "取决于出血的速度和出血量（B对）",
            "attributes": {"source": "generated", "level": 2, "verified": true},
            "suggested_departments": ["gastroenterology"],
            "difficulty": "easy",
            "provenance": {"source": "CMExam", "file": "val.xlsx", "row": 2, "generator": "none"}
        }),
        json!({
            "id": "mcq-2", "kind": "mcq", "stem": "下列哪些属于抗凝药？",
            "options": [{"label": "A", "text": "华法林"}, {"label": "B", "text": "阿司匹林"},
                        {"label": "C", "text": "肝素"}, {"label": "D", "text": "氯吡格雷"}],
            "answer": "AC"
        }),
        json!({
            "id": "open-1", "kind": "open_ended", "dataset": "T",
            "prompt": "65岁男性，胸痛2小时，请给出诊断和处理。",
            "rubric": ["诊断急性心肌梗死", {"text": "立即行心电图检查", "points": 2}],
            "reference_answer": "急性ST段抬高型心肌梗死……",
            "suggested_departments": ["cardiology", "emergency-medicine"],
            "difficulty": "hard",
            "attributes": {"risk_type": "high"},
            "provenance": {"source": "gpt-4o", "row": "r7"}
        }),
        json!({
            "id": "ner-1", "kind": "extraction", "task": "ner", "text": "患者有2型糖尿病，口服二甲双胍",
            "entities": [{"start": 3, "end": 8, "type": "dis", "text": "2型糖尿病"},
                         {"start": 11, "end": 15, "type": "dru", "text": "二甲双胍"}],
            "difficulty": "medium"
        }),
        json!({
            "id": "rel-1", "kind": "extraction", "task": "relation", "dataset": "T",
            "text": "糖尿病患者常伴有高血压，可用二甲双胍治疗",
            "relations": [
                {"subject": "糖尿病", "subject_type": "疾病", "predicate": "药物治疗",
                 "object": "二甲双胍", "object_type": "药物", "combined": false},
                {"subject": "糖尿病", "predicate": "相关（导致）", "object": "高血压"}
            ]
        }),
        json!({
            "id": "event-1", "kind": "extraction", "task": "event",
            "text": "患者3天前出现左下腹持续性疼痛，无发热",
            "events": [
                {"core_name": "疼痛", "tendency": "", "character": ["持续性"], "anatomy_list": ["左下腹"]},
                {"core_name": "发热", "tendency": "否定"}
            ]
        }),
        json!({
            "id": "norm-1", "kind": "extraction", "task": "normalization", "text": "2型糖尿病伴肾病",
            "normalized": ["2型糖尿病", "糖尿病肾病"],
            "suggested_departments": ["no-department"]
        }),
    ]
}

/// Values a mutation may put anywhere: other types, edge strings, other enums' members.
fn value_pool() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!("  "),
        json!("\u{3000}"),
        json!(" x "),
        json!("x"),
        json!("A"),
        json!("b"),
        json!("Z"),
        json!("AB"),
        json!("AA"),
        json!("BA"),
        json!("a\u{1}b"),
        json!("x".repeat(201)),
        json!(0),
        json!(-1),
        json!(1),
        json!(3),
        json!(40),
        json!(2.5),
        json!(true),
        json!([]),
        json!(["A"]),
        json!(["A", "A"]),
        json!([" "]),
        json!({}),
        json!({"text": "要点"}),
        json!({"label": "A", "text": "甲"}),
        json!("easy"),
        json!("trivial"),
        json!("mcq"),
        json!("open_ended"),
        json!("extraction"),
        json!("ner"),
        json!("relation"),
        json!("event"),
        json!("normalization"),
        json!("否定"),
        json!("不确定"),
        json!("no-department"),
        json!("cardiology"),
        json!("Cardiology"),
        json!("心血管内科"),
        json!(["cardiology", "neurology"]),
        json!(["no-department", "cardiology"]),
        json!("糖尿病"),
        json!("二甲双胍"),
        json!("T"),
        json!("U"),
    ]
}

/// Keys a mutation may add to an object: every field of the format (so a field of another
/// kind or another level) and some that are no field at all.
fn key_pool() -> Vec<(&'static str, Value)> {
    vec![
        ("weight", json!(5)),
        ("stme", json!("题干")),
        ("comment", json!("x")),
        ("stem", json!("题干")),
        (
            "options",
            json!([{"label": "A", "text": "甲"}, {"label": "B", "text": "乙"}]),
        ),
        ("answer", json!(["A"])),
        ("explanation", json!("解析")),
        ("prompt", json!("问题")),
        ("rubric", json!(["要点"])),
        ("reference_answer", json!("参考")),
        ("task", json!("ner")),
        ("text", json!("糖尿病")),
        ("entities", json!([])),
        ("relations", json!([])),
        ("events", json!([])),
        ("normalized", json!(["糖尿病"])),
        ("points", json!(2)),
        ("label", json!("A")),
        ("type", json!("dis")),
        ("tendency", json!("")),
        ("character", json!([])),
        ("dataset", json!("T")),
        ("difficulty", json!("medium")),
        ("attributes", json!({"level": 1})),
        ("provenance", json!({"source": "x"})),
        ("suggested_departments", json!(["neurology"])),
        ("source", json!(7)),
        ("row", json!(1.5)),
    ]
}

/// Where a value sits: a key of an object or an index of a list, from the root.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(Step::Key(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                here.push(Step::Index(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// Applies one random mutation to `item` and says what it did.
fn mutate(item: &mut Value, rng: &mut Rng, values: &[Value], keys: &[(&str, Value)]) -> String {
    let mut all = Vec::new();
    paths(item, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let shown = path
        .iter()
        .map(|s| match s {
            Step::Key(k) => format!(".{k}"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect::<String>();
    let (parent_path, last) = match path.split_last() {
        Some((last, parent)) => (parent.to_vec(), Some(last.clone())),
        None => (Vec::new(), None),
    };
    let target = at(item, &path);
    match rng.below(8) {
        // Remove the value from its object or list.
        0 if last.is_some() => {
            let parent = at(item, &parent_path);
            match (parent, last) {
                (Value::Object(m), Some(Step::Key(k))) => {
                    m.remove(&k);
                }
                (Value::Array(a), Some(Step::Index(i))) => {
                    a.remove(i);
                }
                _ => {}
            }
            format!("remove {shown}")
        }
        1 => {
            *target = Value::Null;
            format!("{shown} = null")
        }
        2 | 3 => {
            let v = rng.pick(values).clone();
            let said = format!("{shown} = {v}");
            *target = v;
            said
        }
        4 if target.is_object() => {
            let (k, v) = rng.pick(keys).clone();
            let said = format!("{shown}.{k} = {v}");
            if let Value::Object(m) = target {
                m.insert(k.to_string(), v);
            }
            said
        }
        5 if target.is_array() => {
            let Value::Array(a) = target else {
                unreachable!()
            };
            if a.is_empty() {
                a.push(rng.pick(values).clone());
                format!("{shown} gets an element")
            } else {
                let i = rng.below(a.len());
                a.push(a[i].clone());
                format!("{shown} repeats element {i}")
            }
        }
        6 if target.is_string() => {
            let s = target.as_str().unwrap_or_default().to_string();
            let edited = match rng.below(4) {
                0 => format!(" {s}"),
                1 => format!("{s} "),
                2 => format!("{s}\u{7}"),
                _ => s.chars().skip(1).collect(),
            };
            let said = format!("{shown} = {edited:?}");
            *target = Value::String(edited);
            said
        }
        7 if target.is_i64() => {
            let n = target.as_i64().unwrap_or_default() + if rng.below(2) == 0 { 1 } else { -1 };
            *target = json!(n);
            format!("{shown} = {n}")
        }
        _ => {
            let mut m = Map::new();
            let (k, v) = rng.pick(keys).clone();
            m.insert(k.to_string(), v.clone());
            if let Value::Object(obj) = target {
                obj.extend(m);
                format!("{shown}.{k} = {v}")
            } else {
                let v = rng.pick(values).clone();
                let said = format!("{shown} = {v}");
                *target = v;
                said
            }
        }
    }
}

fn schema() -> Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/item.schema.json");
    let text = std::fs::read_to_string(path).expect("schemas/item.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("the item schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the item schema is a JSON Schema")
}

/// What `medcurate import --dataset T` says of one line: accepted, or its errors.
fn importer(line: &str) -> Result<(), Vec<FieldError>> {
    let raw = native::parse(line)?;
    build_item(raw, "T").map(|_| ())
}

const SEED: u64 = 0x6d65_6463_7572_6174;
const MUTANTS: usize = 4000;

#[test]
fn schema_and_importer_agree_on_seeded_mutations() {
    let validator = schema();
    let bases = base_items();
    for base in &bases {
        let line = base.to_string();
        assert!(
            validator.is_valid(base),
            "base item not valid by the schema: {line}"
        );
        if let Err(errs) = importer(&line) {
            panic!("base item refused by the importer: {line}: {errs:?}");
        }
    }
    let (values, keys) = (value_pool(), key_pool());
    let mut rng = Rng(SEED);
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for n in 0..MUTANTS {
        let mut item = bases[n % bases.len()].clone();
        let mut said = Vec::new();
        for _ in 0..1 + rng.below(2) {
            said.push(mutate(&mut item, &mut rng, &values, &keys));
        }
        let line = item.to_string();
        let schema_ok = validator.is_valid(&item);
        let verdict = match (schema_ok, importer(&line)) {
            (true, Ok(())) => "accepted by both",
            (false, Err(_)) => "refused by both",
            (true, Err(errs)) => {
                let outside: Vec<&FieldError> = errs
                    .iter()
                    .filter(|e| semantic_check(e).is_none())
                    .collect();
                if outside.is_empty() {
                    for e in &errs {
                        *tally
                            .entry(semantic_check(e).unwrap_or_default())
                            .or_default() += 1;
                    }
                    "refused by the importer for a semantic check"
                } else {
                    disagreements.push(format!(
                        "{}: the schema accepts, the importer refuses: {}\n    {line}",
                        said.join(", "),
                        outside
                            .iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                    "disagreement"
                }
            }
            (false, Ok(())) => {
                let why: Vec<String> = validator
                    .iter_errors(&item)
                    .map(|e| format!("at {}: {e}", e.instance_path()))
                    .collect();
                disagreements.push(format!(
                    "{}: the importer accepts, the schema refuses: {}\n    {line}",
                    said.join(", "),
                    why.join("; ")
                ));
                "disagreement"
            }
        };
        *tally.entry(verdict).or_default() += 1;
    }
    println!("{MUTANTS} mutants (seed {SEED:#x}): {tally:#?}");
    assert!(
        disagreements.is_empty(),
        "{} of {MUTANTS} mutants judged differently by schemas/item.schema.json and the importer \
         (first 25):\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The mutations must reach both outcomes and every listed semantic check, or this test
    // would pass for want of trying.
    for outcome in ["accepted by both", "refused by both"] {
        assert!(
            tally.get(outcome).is_some_and(|n| *n > 100),
            "too few {outcome}: {tally:?}"
        );
    }
    for (name, _why) in SEMANTIC {
        assert!(
            tally.contains_key(name),
            "no mutant reached the check {name:?}: {tally:?}"
        );
    }
}
