//! A frozen release read as the evaluation harnesses read it: the card's front matter, the
//! task files and every presentation's answer against the item's own.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;
#[path = "common/release_workspace.rs"]
mod workspace;

use common::{ok, words};
use serde_json::Value;
use std::collections::BTreeMap;
use workspace::*;

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_frozen_release_loads_in_the_harnesses_with_every_answer_where_it_was() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 7 --name mini --as ops"),
    );
    ok(
        d,
        &words("release freeze mini --version 1.0.0 --out r1 --as ops --yes"),
    );
    let r1: BTreeMap<String, Vec<u8>> = read_dir(&d.join("r1")).into_iter().collect();

    // Hugging Face: every config's data files are in the release.
    let card = String::from_utf8(r1["README.md"].clone()).unwrap();
    let yaml = card
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    let front: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let configs = front["configs"].as_sequence().unwrap();
    let names: Vec<&str> = configs
        .iter()
        .map(|c| c["config_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Exam", "Exam-items"]);
    for c in configs {
        for df in c["data_files"].as_sequence().unwrap() {
            assert!(r1.contains_key(df["path"].as_str().unwrap()), "{df:?}");
        }
    }

    // Every presentation's answer_index is the item's own answer, mapped through its order.
    let items: BTreeMap<String, Value> = lines(&r1["Exam.jsonl"])
        .into_iter()
        .map(|l| (l["id"].as_str().unwrap().to_string(), l))
        .collect();
    for k in 0..3 {
        let path = format!("Exam.presentation-{k}.jsonl");
        let shown = lines(&r1[&path]);
        assert_eq!(shown.len(), items.len(), "{path}");
        for p in shown {
            let item = &items[p["id"].as_str().unwrap()];
            let order = item["option_permutations"][k].as_array().unwrap();
            assert_eq!(&p["original_labels"], &item["option_permutations"][k]);
            let i = p["answer_index"].as_u64().unwrap() as usize;
            assert_eq!(&order[i], &item["answer"][0], "{path} {}", p["id"]);
            assert_eq!(p["answer"], ["A", "B", "C", "D"][i]);
            let text = item["options"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["label"] == order[i])
                .unwrap()["text"]
                .clone();
            assert_eq!(p["choices"][i], text);
            assert_eq!(p[["A", "B", "C", "D"][i]], text);
        }
        let meta: Value = serde_json::from_slice(&r1[&format!("{path}.meta.json")]).unwrap();
        assert_eq!(
            meta["input_columns"],
            serde_json::json!(["question", "A", "B", "C", "D"])
        );
    }
    let lm: serde_yaml::Value = serde_yaml::from_slice(&r1["Exam.lm-eval.yaml"]).unwrap();
    assert_eq!(lm["group"].as_str(), Some("medcurate_exam"));
    assert_eq!(lm["task"].as_sequence().unwrap().len(), 3);
    let inspect: serde_yaml::Value = serde_yaml::from_slice(&r1["eval.yaml"]).unwrap();
    for t in inspect["tasks"].as_sequence().unwrap() {
        assert!(r1.contains_key(t["data"].as_str().unwrap()));
    }
    // All of it inside the release's hashes.
    let out = ok(d, &["release", "verify", "r1"]);
    assert!(
        out.starts_with("r1: 10 file(s) and 20 item(s) match"),
        "{out}"
    );
}
