//! Open-ended items scored from the workspace's judged responses: the judges' mean, the
//! physician's score for a decided dispute, and no final score while one is undecided.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};
use medcurate::domain::hash::content_hash;
use medcurate::domain::judge::Adjudication;
use medcurate::domain::release::{DatasetSummary, ReleaseInput, ReleaseItem, build};
use medcurate::domain::validate::build_item;
use medcurate::import::native::parse;
use medcurate::store::Store;
use serde_json::json;
use std::path::Path;

const Q1: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956"; // 4 rubric points
const Q2: &str = "chinese_medical_dialogue_IM_7specialty_sample:7215";

fn response(item: &str, model: &str, a: f64, b: f64) -> String {
    json!({"dataset":"MADiagnosis","item":item,"model":model,"response":"建议就医。",
           "judges":[{"score": a}, {"score": b}]})
    .to_string()
}

#[test]
fn open_ended_scores_wait_for_the_physician_where_the_judges_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(d, &words("people add e1 --name e1 --role annotator"));
    ok(d, &words("people add ops --name ops --role maintainer"));
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/MADiagnosis.jsonl");
    ok(
        d,
        &["import", file.to_str().unwrap(), "--dataset", "MADiagnosis"],
    );
    // The release: Q1 and Q2 as imported (revision 1).
    let items: Vec<ReleaseItem> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| build_item(parse(l).unwrap(), "MADiagnosis").unwrap())
        .filter(|it| it.id == Q1 || it.id == Q2)
        .map(|it| ReleaseItem {
            dataset: "MADiagnosis".into(),
            id: it.id.clone(),
            revision_no: 1,
            content_hash: content_hash(&it.body.canonical_json()),
            departments: vec![],
            body: it.body,
            difficulty: None,
            reviews: vec![],
            decision: None,
        })
        .collect();
    assert_eq!(items.len(), 2);
    let files = build(&ReleaseInput {
        name: "open".into(),
        version: "1.0.0".into(),
        plan_name: "Open".into(),
        plan_ref: "none".into(),
        difficulty_target: None,
        seed: 1,
        datasets: vec![DatasetSummary {
            dataset: "MADiagnosis".into(),
            kind: "open_ended".into(),
            target: 2,
            achieved: 2,
            shortfalls: vec![],
        }],
        items,
    })
    .unwrap();
    medcurate::release::files::write_dir(&d.join("rel"), &files).unwrap();
    let e = err(d, &words("evaluate rel"));
    assert!(e.contains("no model to score"), "{e}");
    // GPT-4o: Q1 a dispute (gap 0.5), Q2 0.55. Qwen: Q1 0.625 (a gap of exactly 0.25 is no
    // dispute), Q2 not answered.
    let lines = [
        response(Q1, "GPT-4o", 0.9, 0.4),
        response(Q2, "GPT-4o", 0.6, 0.5),
        response(Q1, "Qwen", 0.75, 0.5),
    ];
    std::fs::write(d.join("responses.jsonl"), lines.join("\n") + "\n").unwrap();
    ok(d, &words("responses import responses.jsonl --as ops"));
    let e = err(d, &words("evaluate rel"));
    assert!(
        e.contains("1 dispute(s) among the responses are undecided (GPT-4o on MADiagnosis: 1)"),
        "{e}"
    );
    let out = ok(d, &words("evaluate rel --provisional"));
    assert!(
        out.contains("(PROVISIONAL: 1 undecided dispute(s) at the judges' mean)"),
        "{out}"
    );
    assert!(out.contains("\nGPT-4o    60.00        60.00\n"), "{out}");
    assert!(out.contains("\nQwen      31.25        31.25\n"), "{out}");
    assert!(
        out.contains("Qwen: 1 item(s) of MADiagnosis unanswered"),
        "{out}"
    );
    let out = common::run(d, &words("evaluate rel --provisional --record --as ops"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "provisional scores are never recorded"
    );
    // The physician decides 0.5: GPT-4o's score is final, (0.5 + 0.55) / 2.
    let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
    let a = store.claim_dispute("e1", None).unwrap().unwrap();
    let decision = Adjudication {
        points: vec![Some(true), Some(false), Some(true), Some(false)],
        score: Some(0.5),
        reason: "漏了鉴别诊断".into(),
    };
    store
        .submit_adjudication("e1", a.adjudication_id, &decision)
        .unwrap();
    drop(store);
    let out = ok(d, &words("evaluate rel"));
    assert!(!out.contains("PROVISIONAL"), "{out}");
    assert!(out.contains("\nGPT-4o    52.50        52.50\n"), "{out}");
}
