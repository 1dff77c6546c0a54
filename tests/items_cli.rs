//! `medcurate items` and `items show`: finding an item and its reviewers' progress, never
//! what the reviews say.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};
use serde_json::Value;

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A","difficulty":"easy"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}
"#;

const FAIL_ANSWER: &str = r#"{"dataset":"Exam","item":"q1","verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{"fail":"答案应为B"},"distractor_plausibility":"pass"},"comment":"秘密的意见"}"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(d, &words("people add dr-a --name A --role annotator"));
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    dir
}

#[test]
fn items_lists_state_revision_difficulty_and_progress_only() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("r.jsonl"), format!("{FAIL_ANSWER}\n")).unwrap();
    ok(d, &words("reviews import r.jsonl --as dr-a"));
    let out = ok(d, &words("items"));
    let q1 = out.lines().find(|l| l.ends_with("q1")).unwrap();
    assert!(q1.contains("in_review") && q1.contains("easy"), "{out}");
    assert!(q1.contains("1 of 2 submitted"), "{out}");
    let q2 = out.lines().find(|l| l.ends_with("q2")).unwrap();
    assert!(q2.contains("none yet") && q2.contains(" - "), "{out}");
    for text in [&out, &ok(d, &words("items --json"))] {
        assert!(!text.contains("秘密") && !text.contains("答案应为B") && !text.contains("fail"));
    }

    let v: Value = serde_json::from_str(&ok(d, &words("items --json --dataset Exam"))).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "q1");
    assert_eq!(rows[0]["reviews_submitted"], 1);
    assert_eq!(rows[0]["revision"], 1);
    assert_eq!(rows[1]["difficulty"], Value::Null);

    let v: Value = serde_json::from_str(&ok(d, &words("items --json --state accepted"))).unwrap();
    assert_eq!(v, serde_json::json!([]));
    assert!(ok(d, &words("items --state accepted")).contains("no items match"));
    let e = err(d, &words("items --dataset Nope"));
    assert!(e.contains("Nope"), "{e}");
}

#[test]
fn items_show_prints_one_item_as_a_reviewer_sees_it() {
    let dir = setup();
    let d = dir.path();
    let out = ok(d, &words("items show Exam/q2"));
    assert!(
        out.starts_with("Exam/q2, revision 1 (mcq), in_review"),
        "{out}"
    );
    assert!(
        out.contains("缺铁性贫血的典型血象是") && out.contains("小细胞低色素性"),
        "{out}"
    );
    let v: Value = serde_json::from_str(&ok(d, &words("items show Exam/q2 --json"))).unwrap();
    assert_eq!(v["body"]["stem"], "缺铁性贫血的典型血象是");
    let e = err(d, &words("items show Exam/q9"));
    assert!(e.contains("there is no item \"q9\" in Exam"), "{e}");
    let e = err(d, &words("items show q2"));
    assert!(e.contains("give the item as DATASET/ID"), "{e}");
}
