//! The JSON Schemas in `schemas/` and the data that must satisfy them: every line of
//! `sample-data/*.jsonl` against `item.schema.json`, the department taxonomy against
//! `departments.schema.json`, and the benchmark plans against `plan.schema.json`. Negative cases
//! make sure the item schema really refuses what `docs/item-format.md` says is refused.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(rel: &str) -> Value {
    let path = root().join(rel);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

fn validator(rel: &str) -> Validator {
    let schema = read_json(rel);
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("{rel}: not a valid JSON Schema 2020-12: {e}"))
}

/// Every schema error for `instance`, one per line, with the instance location.
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            format!("at {at}: {e}")
        })
        .collect()
}

fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let errs = errors(validator, instance);
    assert!(
        errs.is_empty(),
        "{what} should be valid, but:\n  {}",
        errs.join("\n  ")
    );
}

fn assert_invalid(validator: &Validator, instance: &Value, what: &str) {
    assert!(
        !validator.is_valid(instance),
        "the schema should reject {what}, but accepted:\n{instance:#}"
    );
}

fn sample_files() -> Vec<PathBuf> {
    let dir = root().join("sample-data");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    files
}

fn display(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_sample_item_matches_the_item_schema() {
    let items = validator("schemas/item.schema.json");
    let files = sample_files();
    assert!(
        files.len() >= 8,
        "expected at least 8 sample datasets, found {}",
        files.len()
    );

    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    let mut total = 0usize;
    for path in &files {
        let name = display(path);
        let dataset = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name");
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            failures.push(format!("{name}:1: starts with a byte-order mark"));
        }
        let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
        if text.contains('\r') {
            failures.push(format!("{name}: has CR characters (LF line endings only)"));
        }
        let mut ids = HashSet::new();
        let mut lines = 0usize;
        for (i, line) in text.lines().enumerate() {
            let at = format!("{name}:{}", i + 1);
            if line.trim().is_empty() {
                failures.push(format!("{at}: empty line"));
                continue;
            }
            lines += 1;
            let item: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{at}: invalid JSON: {e}"));
                    continue;
                }
            };
            let errs = errors(&items, &item);
            if !errs.is_empty() {
                failures.push(format!("{at}:\n    {}", errs.join("\n    ")));
            }
            if item.get("dataset").and_then(Value::as_str) != Some(dataset) {
                failures.push(format!("{at}: \"dataset\" must be {dataset:?}"));
            }
            if let Some(id) = item.get("id").and_then(Value::as_str)
                && !ids.insert(id.to_owned())
            {
                failures.push(format!("{at}: duplicate id {id:?}"));
            }
            if let Some(kind) = item.get("kind").and_then(Value::as_str) {
                kinds.insert(kind.to_owned());
            }
        }
        if lines == 0 {
            failures.push(format!("{name}: no items"));
        }
        total += lines;
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in sample-data:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let expected: BTreeSet<String> = ["extraction", "mcq", "open_ended"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(kinds, expected, "sample-data should cover all three kinds");
    assert!(total > 0);
}

#[test]
fn departments_match_their_schema_and_the_paper() {
    let departments = read_json("schemas/departments.json");
    assert_valid(
        &validator("schemas/departments.schema.json"),
        &departments,
        "schemas/departments.json",
    );

    let primary = departments["primary"]
        .as_array()
        .expect("primary is an array");
    assert_eq!(primary.len(), 9, "9 major departments");

    let mut major_ids = HashSet::new();
    let mut sub_ids = HashSet::new();
    let mut subs = 0usize;
    for major in primary {
        let id = major["id"].as_str().expect("major id");
        assert!(major_ids.insert(id), "duplicate major department id {id:?}");
        for sub in major["secondary"]
            .as_array()
            .expect("secondary is an array")
        {
            let sid = sub["id"].as_str().expect("sub-specialty id");
            assert!(sub_ids.insert(sid), "duplicate sub-specialty id {sid:?}");
            for field in ["name_en", "name_zh"] {
                assert!(
                    sub[field].as_str().is_some_and(|s| !s.trim().is_empty()),
                    "{sid}: {field} missing"
                );
            }
            subs += 1;
        }
    }
    assert_eq!(subs, 64, "64 sub-specialties");
    assert_eq!(sub_ids.len(), 64, "64 distinct sub-specialty ids");
    assert_eq!(departments["no_department"]["id"], "no-department");
    assert!(!sub_ids.contains("no-department"));
    assert_eq!(departments["max_per_item"], 3);
}

#[test]
fn sample_departments_are_taxonomy_ids() {
    let departments = read_json("schemas/departments.json");
    let mut known: HashSet<String> = departments["primary"]
        .as_array()
        .expect("primary")
        .iter()
        .flat_map(|m| m["secondary"].as_array().expect("secondary").iter())
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    known.insert("no-department".to_owned());

    let mut failures = Vec::new();
    for path in sample_files() {
        let name = display(&path);
        let text = fs::read_to_string(&path).expect("readable sample file");
        for (i, line) in text.lines().enumerate() {
            let item: Value = serde_json::from_str(line).expect("valid JSON (checked elsewhere)");
            if let Some(depts) = item.get("suggested_departments").and_then(Value::as_array) {
                for d in depts {
                    let d = d.as_str().unwrap_or_default();
                    if !known.contains(d) {
                        failures.push(format!("{name}:{}: unknown department {d:?}", i + 1));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sampled_total(plan: &Value) -> u64 {
    plan["datasets"]
        .as_array()
        .expect("datasets is an array")
        .iter()
        .map(|d| {
            d["sampled_n"]
                .as_u64()
                .expect("sampled_n is a non-negative integer")
        })
        .sum()
}

fn assert_unique_datasets(plan: &Value, what: &str) {
    let mut seen = HashSet::new();
    for d in plan["datasets"].as_array().expect("datasets") {
        let name = d["dataset"].as_str().expect("dataset name");
        assert!(seen.insert(name), "{what}: dataset {name:?} listed twice");
    }
}

#[test]
fn plans_match_the_plan_schema() {
    let plans = validator("schemas/plan.schema.json");

    let mlb = read_json("schemas/plans/mlb.json");
    assert_valid(&plans, &mlb, "schemas/plans/mlb.json");
    assert_eq!(
        mlb["datasets"].as_array().map(Vec::len),
        Some(22),
        "MLB has 22 datasets"
    );
    assert_eq!(sampled_total(&mlb), 4250, "MLB samples 4,250 items");
    assert_eq!(mlb["calibration_models"].as_array().map(Vec::len), Some(5));
    assert_unique_datasets(&mlb, "mlb.json");

    let exam = read_json("schemas/plans/cmedexam-2800.json");
    assert_valid(&plans, &exam, "schemas/plans/cmedexam-2800.json");
    assert_eq!(
        sampled_total(&exam),
        2800,
        "the exam plan samples 2,800 items"
    );
    assert_unique_datasets(&exam, "cmedexam-2800.json");

    // Fixed per-cell targets must add up to sampled_n, over keys that are sampling keys.
    for plan in [&mlb, &exam] {
        for d in plan["datasets"].as_array().expect("datasets") {
            let Some(strata) = d.get("strata") else {
                continue;
            };
            let keys = strata["keys"].as_object().expect("strata.keys");
            let sampling: Vec<&str> = d["sampling_keys"]
                .as_array()
                .expect("sampling_keys")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            for key in keys.keys() {
                assert!(
                    sampling.contains(&key.as_str()),
                    "{}: stratum key {key:?} is not a sampling key",
                    d["dataset"]
                );
            }
            let cells: u64 = keys
                .values()
                .map(|v| v.as_array().expect("values").len() as u64)
                .product();
            let per_cell = strata["per_cell"].as_u64().expect("per_cell");
            assert_eq!(
                cells * per_cell,
                d["sampled_n"].as_u64().unwrap(),
                "{}: cells x per_cell",
                d["dataset"]
            );
        }
    }
    let exam_strata = &exam["datasets"][0]["strata"];
    assert_eq!(
        exam_strata["keys"]["specialty"].as_array().map(Vec::len),
        Some(7)
    );
    assert_eq!(exam_strata["keys"]["level"], json!(["attending", "senior"]));
}

#[test]
fn plan_schema_rejects_bad_plans() {
    let plans = validator("schemas/plan.schema.json");
    let good = json!({
        "name": "t", "source": "test", "difficulty_target": {"hard": 3, "medium": 5, "easy": 2},
        "difficulty_rules": {}, "calibration_models": [],
        "datasets": [{"dataset": "D", "item_type": "mcq", "sampled_n": 10, "sampling_keys": ["difficulty"]}]
    });
    assert_valid(&plans, &good, "the minimal plan");

    let mut bad = good.clone();
    bad["datasets"][0]["item_type"] = json!("essay");
    assert_invalid(&plans, &bad, "an unknown item_type");

    let mut bad = good.clone();
    bad["datasets"][0]["sampled_n"] = json!(-1);
    assert_invalid(&plans, &bad, "a negative sampled_n");

    let mut bad = good.clone();
    bad["datasets"][0]
        .as_object_mut()
        .unwrap()
        .remove("sampling_keys");
    assert_invalid(&plans, &bad, "a dataset without sampling_keys");

    let mut bad = good.clone();
    bad["datasets"][0]["strata"] = json!({"keys": {"level": ["senior"]}});
    assert_invalid(&plans, &bad, "strata without per_cell");
}

fn good_mcq() -> Value {
    json!({
        "id": "neg-1", "kind": "mcq", "dataset": "T",
        "stem": "上消化道出血表现为呕血还是黑便主要取决于",
        "options": [{"label": "A", "text": "原发病"}, {"label": "B", "text": "出血量和出血速度"}],
        "answer": ["B"],
        "attributes": {"source": "generated", "level": 2, "verified": true},
        "suggested_departments": ["gastroenterology"],
        "difficulty": "easy",
        "provenance": {"source": "test", "row": 1}
    })
}

#[test]
fn item_schema_rejects_what_the_format_refuses() {
    let items = validator("schemas/item.schema.json");

    let mcq = good_mcq();
    assert_valid(&items, &mcq, "the base mcq");
    let mut letters = mcq.clone();
    letters["answer"] = json!("AB");
    assert_valid(&items, &letters, "an answer given as a string of letters");

    let open = json!({"id": "neg-2", "kind": "open_ended", "prompt": "请给出诊断。",
                      "rubric": ["诊断正确", {"text": "处理得当", "points": 2}]});
    assert_valid(&items, &open, "the base open_ended item");

    let ner = json!({"id": "neg-3", "kind": "extraction", "task": "ner", "text": "口服二甲双胍",
                     "entities": [{"start": 2, "end": 6, "type": "dru", "text": "二甲双胍"}]});
    assert_valid(&items, &ner, "the base ner item");
    let mut empty_ner = ner.clone();
    empty_ner["entities"] = json!([]);
    assert_valid(
        &items,
        &empty_ner,
        "a ner item with no entities (empty list)",
    );

    let norm = json!({"id": "neg-4", "kind": "extraction", "task": "normalization",
                      "text": "2型糖尿病", "normalized": ["2型糖尿病"]});
    assert_valid(&items, &norm, "the base normalization item");

    let nodept = {
        let mut v = mcq.clone();
        v["suggested_departments"] = json!(["no-department"]);
        v
    };
    assert_valid(&items, &nodept, "no-department alone");

    // --- what must be refused ---
    let mut bad = mcq.clone();
    bad["stme"] = json!("misspelt field");
    assert_invalid(&items, &bad, "an unknown top-level field");

    let mut bad = mcq.clone();
    bad.as_object_mut().unwrap().remove("options");
    assert_invalid(&items, &bad, "an mcq without options");

    let mut bad = mcq.clone();
    bad.as_object_mut().unwrap().remove("answer");
    assert_invalid(&items, &bad, "an mcq without answer");

    let mut bad = mcq.clone();
    bad["options"] = json!([{"label": "A", "text": "only one"}]);
    assert_invalid(&items, &bad, "an mcq with a single option");

    let mut bad = mcq.clone();
    bad["options"][0]["label"] = json!("a");
    assert_invalid(&items, &bad, "a lower-case option label");

    let mut bad = mcq.clone();
    bad["answer"] = json!(["b"]);
    assert_invalid(&items, &bad, "a lower-case answer letter");

    let mut bad = mcq.clone();
    bad["answer"] = json!([]);
    assert_invalid(&items, &bad, "an empty answer");

    let mut bad = ner.clone();
    bad.as_object_mut().unwrap().remove("entities");
    assert_invalid(&items, &bad, "an extraction ner item without entities");

    let mut bad = ner.clone();
    bad["entities"][0]["start"] = json!(-1);
    assert_invalid(&items, &bad, "a negative entity offset");

    let mut bad = ner.clone();
    bad["task"] = json!("relation");
    assert_invalid(&items, &bad, "a relation item without relations");

    let mut bad = ner.clone();
    bad["task"] = json!("classification");
    assert_invalid(&items, &bad, "an unknown extraction task");

    let mut bad = norm.clone();
    bad["normalized"] = json!([]);
    assert_invalid(&items, &bad, "a normalization item with no terms");

    let mut bad = mcq.clone();
    bad["suggested_departments"] =
        json!(["gastroenterology", "hematology", "cardiology", "neurology"]);
    assert_invalid(&items, &bad, "four suggested departments");

    let mut bad = mcq.clone();
    bad["suggested_departments"] = json!(["no-department", "cardiology"]);
    assert_invalid(&items, &bad, "no-department combined with a department");

    let mut bad = mcq.clone();
    bad["suggested_departments"] = json!(["cardiology", "cardiology"]);
    assert_invalid(&items, &bad, "a repeated department");

    let mut bad = mcq.clone();
    bad["difficulty"] = json!("trivial");
    assert_invalid(&items, &bad, "an unknown difficulty");

    let mut bad = mcq.clone();
    bad["kind"] = json!("essay");
    assert_invalid(&items, &bad, "an unknown kind");

    let mut bad = mcq.clone();
    bad["id"] = json!("");
    assert_invalid(&items, &bad, "an empty id");

    let mut bad = mcq.clone();
    bad["id"] = json!("line\nbreak");
    assert_invalid(&items, &bad, "an id with a control character");

    let mut bad = mcq.clone();
    bad["id"] = json!("x".repeat(201));
    assert_invalid(&items, &bad, "an id longer than 200 characters");

    let mut bad = mcq.clone();
    bad["attributes"]["nested"] = json!({"a": 1});
    assert_invalid(&items, &bad, "an attribute value that is an object");

    let mut bad = open.clone();
    bad["rubric"] = json!([]);
    assert_invalid(&items, &bad, "an open_ended item with an empty rubric");

    let mut bad = open.clone();
    bad["rubric"] = json!([{"text": "诊断正确", "points": 0}]);
    assert_invalid(&items, &bad, "a rubric point worth 0 points");

    let mut bad = open.clone();
    bad.as_object_mut().unwrap().remove("prompt");
    assert_invalid(&items, &bad, "an open_ended item without prompt");

    let mut bad = open.clone();
    bad["rubric"][1]["weight"] = json!(5);
    assert_invalid(&items, &bad, "an unknown key in a rubric point");

    let mut bad = mcq.clone();
    bad["prompt"] = json!("请给出诊断。");
    assert_invalid(&items, &bad, "an mcq with an open_ended field");

    let mut bad = ner.clone();
    bad["relations"] = json!([]);
    assert_invalid(&items, &bad, "a ner item with another task's gold field");

    let mut bad = mcq.clone();
    bad["id"] = json!(" neg-1");
    assert_invalid(&items, &bad, "an id with a leading space");

    let mut bad = mcq.clone();
    bad["provenance"]["source"] = json!(7);
    assert_invalid(&items, &bad, "a provenance source that is not a string");

    // null in an optional field is the field left out; in a required one it is missing.
    let mut nulls = mcq.clone();
    for field in [
        "difficulty",
        "explanation",
        "provenance",
        "attributes",
        "prompt",
        "entities",
    ] {
        nulls[field] = Value::Null;
    }
    assert_valid(&items, &nulls, "an mcq with null optional fields");
    let mut bad = mcq.clone();
    bad["stem"] = Value::Null;
    assert_invalid(&items, &bad, "an mcq whose stem is null");
}
