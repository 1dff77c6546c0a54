//! Responses, AI-judge disputes, adjudication, the training export and the judge report.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};

use medcurate::domain::judge::Adjudication;
use medcurate::store::{ReviewStatus, Store};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, SystemTime};

const Q1: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956"; // 4 rubric points
const Q2: &str = "chinese_medical_dialogue_IM_7specialty_sample:7215"; // 3 rubric points

fn response(item: &str, model: &str, a: f64, b: f64, points: Option<Vec<bool>>) -> String {
    let mut j0 = json!({"score": a, "rationale": "覆盖了主要鉴别诊断"});
    if let Some(p) = points {
        j0["points"] = json!(p);
    }
    json!({"dataset":"MADiagnosis","item":item,"model":model,
           "response":"高血压可以引起头晕，但也可能是其他原因，建议规范测量血压并就医。",
           "judges":[j0, {"score": b}]})
    .to_string()
}

fn setup() -> tempfile::TempDir {
    let dir = common::experts_with_madiagnosis();
    let d = dir.path();
    let mcq = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/CMExam.jsonl");
    ok(d, &["import", mcq.to_str().unwrap(), "--dataset", "CMExam"]);
    // Gaps: 0.5 (dispute), 0.25 exactly (not), 0.3 (dispute), 0.1 (not).
    let lines = [
        response(Q1, "GPT-4o", 0.9, 0.4, Some(vec![true, true, false, true])),
        response(Q1, "Qwen", 0.75, 0.5, None),
        response(Q2, "GPT-4o", 0.35, 0.05, Some(vec![true, false, false])),
        response(Q2, "Qwen", 0.6, 0.5, None),
    ];
    std::fs::write(d.join("responses.jsonl"), lines.join("\n") + "\n").unwrap();
    dir
}

#[test]
fn responses_are_validated_and_all_or_nothing() {
    let dir = setup();
    let d = dir.path();
    let bad = [
        response(Q1, "GPT-4o", 0.9, 0.4, None),
        response("nope", "GPT-4o", 0.9, 0.4, None),
        json!({"dataset":"CMExam","item":"cmexam_val_sample:2","model":"M","response":"A","judges":[{"score":1},{"score":0}]}).to_string(),
        response(Q2, "GPT-4o", 0.9, 0.4, Some(vec![true])),
        response(Q1, "GPT-4o", 0.8, 0.4, None),
    ];
    std::fs::write(d.join("bad.jsonl"), bad.join("\n") + "\n").unwrap();
    let e = err(d, &words("responses import bad.jsonl --as ops"));
    assert_eq!(
        e,
        format!(
            "error: bad.jsonl:2: field `item`: there is no item MADiagnosis/nope; import it first\n\
             error: bad.jsonl:3: CMExam/cmexam_val_sample:2 is mcq; judge scores are for open_ended items\n\
             error: bad.jsonl:4: field `judges[0].points`: 1 given, but MADiagnosis/{Q2} has 3 rubric points\n\
             error: bad.jsonl:5: a response of GPT-4o to MADiagnosis/{Q1} is already on line 1; one per model and item\n\
             error: 4 line(s) refused; no response was imported\n"
        )
    );
    std::fs::write(
        d.join("shape.jsonl"),
        json!({"dataset":"MADiagnosis","item":Q1,"model":"M","response":"r","judges":[{"score":1.5}]}).to_string() + "\n",
    )
    .unwrap();
    let e = err(d, &words("responses import shape.jsonl --as ops"));
    assert_eq!(
        e,
        "error: shape.jsonl:1: field `judges`: has 1 judge(s); give exactly two (the two judge instances)\nerror: 1 problem(s); no response was imported\n"
    );
    let v: Value = serde_json::from_str(&ok(d, &["disputes", "--json"])).unwrap();
    assert_eq!(v["counts"], json!([]), "nothing was written");
    assert_eq!(
        ok(d, &words("responses import responses.jsonl --as ops")),
        "4 response(s) imported; 2 are disputes (judge scores more than 0.25 apart) for a physician to decide\n"
    );
    // Importing the same responses again stores nothing and says so.
    assert_eq!(
        ok(d, &words("responses import responses.jsonl --as ops")),
        "no new response: all 4 line(s) are already stored (unchanged); nothing was written\n"
    );
}

#[test]
fn the_threshold_decides_what_is_a_dispute() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("responses import responses.jsonl --as ops"));
    let v: Value = serde_json::from_str(&ok(d, &["disputes", "--json"])).unwrap();
    assert_eq!(v["threshold"], 0.25);
    let counts: Vec<(String, u64, u64)> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["model"].as_str().unwrap().into(),
                c["responses"].as_u64().unwrap(),
                c["disputes"].as_u64().unwrap(),
            )
        })
        .collect();
    // 0.25 exactly (Qwen on Q1) is not a dispute; 0.35 - 0.05 = 0.3 is.
    assert_eq!(counts, vec![("GPT-4o".into(), 2, 2), ("Qwen".into(), 2, 0)]);
    ok(d, &["settings", "disputes.threshold", "0.05"]);
    let v: Value = serde_json::from_str(&ok(d, &["disputes", "--json"])).unwrap();
    assert_eq!(v["counts"][1]["disputes"], 2);
    let e = err(d, &["settings", "disputes.threshold", "2"]);
    assert!(e.contains("must be a number from 0 to 1"), "{e}");
    let table = ok(d, &["disputes"]);
    assert!(
        table.starts_with("Disputes: judge scores more than 0.05 apart\n"),
        "{table}"
    );
}

fn complete(n: usize, score: f64) -> Adjudication {
    Adjudication {
        points: (0..n).map(|i| Some(i % 2 == 0)).collect(),
        score: Some(score),
        reason: "遗漏了就医建议".into(),
    }
}

#[test]
fn experts_claim_widest_gap_first_with_leases_and_drafts() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("responses import responses.jsonl --as ops"));
    let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
    let t0 = SystemTime::now();
    let a = store.claim_dispute_at("e1", None, t0).unwrap().unwrap();
    assert_eq!(
        (a.item.id.as_str(), a.model.as_str()),
        (Q1, "GPT-4o"),
        "the 0.5 gap first"
    );
    assert_eq!(a.content, Adjudication::blank(4));
    assert_eq!(
        a.judges[0].points.as_deref(),
        Some(&[true, true, false, true][..])
    );
    let b = store.claim_dispute_at("e2", None, t0).unwrap().unwrap();
    assert_eq!(b.item.id, Q2, "one expert per dispute");
    assert!(
        store
            .claim_dispute_at("e2", None, t0)
            .unwrap()
            .unwrap()
            .adjudication_id
            == b.adjudication_id,
        "resumes"
    );
    // A draft survives a new connection.
    let mut draft = Adjudication::blank(4);
    draft.points[0] = Some(true);
    store
        .save_adjudication_draft("e1", a.adjudication_id, &draft)
        .unwrap();
    drop(store);
    let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
    let again = store.claim_dispute_at("e1", None, t0).unwrap().unwrap();
    assert_eq!(again.adjudication_id, a.adjudication_id);
    assert_eq!(again.content, draft);
    // Incomplete decisions are refused, with what is missing.
    let e = store
        .submit_adjudication("e1", a.adjudication_id, &draft)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the decision is not complete: mark rubric point(s) 2, 3, 4"),
        "{e}"
    );
    store
        .submit_adjudication("e1", a.adjudication_id, &complete(4, 0.5))
        .unwrap();
    assert_eq!(
        store.my_adjudications("e1").unwrap()[0].status,
        ReviewStatus::Submitted
    );
    // A change to the submitted decision is a draft beside it: reopened it shows, and
    // thrown away the decision is what was submitted.
    let change = complete(4, 0.75);
    store
        .save_adjudication_draft("e1", a.adjudication_id, &change)
        .unwrap();
    assert!(store.my_adjudications("e1").unwrap()[0].changed);
    let reopened = store
        .open_adjudication("e1", a.adjudication_id)
        .unwrap()
        .unwrap();
    assert!(reopened.changed);
    assert_eq!(reopened.content, change);
    let back = store
        .discard_adjudication_change("e1", a.adjudication_id)
        .unwrap();
    assert!(!back.changed);
    assert_eq!(back.content, complete(4, 0.5));
    assert!(!store.my_adjudications("e1").unwrap()[0].changed);
    // e2 gives Q2 back: e1 may take it, e2 is not offered it again, nor may submit it.
    store.release_adjudication("e2", b.adjudication_id).unwrap();
    assert!(
        store
            .submit_adjudication("e2", b.adjudication_id, &complete(3, 0.5))
            .is_err()
    );
    assert!(store.claim_dispute_at("e2", None, t0).unwrap().is_none());
    let c = store.claim_dispute_at("e1", None, t0).unwrap().unwrap();
    assert_eq!(c.item.id, Q2);
    // A lapsed claim frees the dispute (24 h lease by default)... for no one else here, so
    // the lapsed expert may still submit it.
    let later = t0 + Duration::from_secs(25 * 3600);
    assert!(store.claim_dispute_at("e2", None, later).unwrap().is_none());
    store
        .submit_adjudication("e1", c.adjudication_id, &complete(3, 1.0))
        .unwrap();
    let counts = store.disputes().unwrap();
    assert_eq!(counts[0].adjudicated, 2);
    // Annotators only.
    assert!(store.claim_dispute("ops", None).is_err());
}

#[test]
fn exports_and_the_judge_report() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("responses import responses.jsonl --as ops"));
    {
        let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
        let a = store.claim_dispute("e1", None).unwrap().unwrap();
        store
            .submit_adjudication(
                "e1",
                a.adjudication_id,
                &Adjudication {
                    points: vec![Some(true), Some(true), Some(false), Some(false)],
                    score: Some(0.5),
                    reason: "未提及鉴别诊断".into(),
                },
            )
            .unwrap();
        let b = store.claim_dispute("e1", None).unwrap().unwrap();
        store
            .submit_adjudication(
                "e1",
                b.adjudication_id,
                &Adjudication {
                    points: vec![Some(true), Some(false), Some(false)],
                    score: Some(0.3),
                    reason: "建议不具体".into(),
                },
            )
            .unwrap();
    }
    let out = ok(
        d,
        &words("disputes export --format sft --out sft.jsonl --as ops"),
    );
    assert_eq!(
        out,
        "wrote 2 adjudicated dispute(s) as chat-messages training examples to sft.jsonl\n"
    );
    let sft = std::fs::read_to_string(d.join("sft.jsonl")).unwrap();
    let lines: Vec<Value> = sft
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    // Ordered by dataset, item, model: Q1 (…:1956) before Q2 (…:7215).
    let roles: Vec<&str> = lines[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant"]);
    let user = lines[0]["messages"][1]["content"].as_str().unwrap();
    assert!(user.starts_with("Question:\n高血压会头晕吗？"), "{user}");
    assert!(user.contains("\n\nRubric:\n1. "), "{user}");
    assert!(
        user.ends_with(
            "Response:\n高血压可以引起头晕，但也可能是其他原因，建议规范测量血压并就医。"
        ),
        "{user}"
    );
    let verdict: Value =
        serde_json::from_str(lines[0]["messages"][2]["content"].as_str().unwrap()).unwrap();
    assert_eq!(verdict["score"], 0.5);
    assert_eq!(verdict["points"][2], json!({"point": 3, "met": false}));
    // Deterministic.
    ok(d, &words("disputes export --out again.jsonl --as ops"));
    assert_eq!(std::fs::read_to_string(d.join("again.jsonl")).unwrap(), sft);
    ok(
        d,
        &words("disputes export --format decisions --out dec.jsonl --as ops"),
    );
    let dec: Vec<Value> = std::fs::read_to_string(d.join("dec.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(dec[1]["points"], json!([true, false, false]));
    assert_eq!(dec[1]["judge_scores"], json!([0.35, 0.05]));
    assert_eq!(dec[1]["expert"], "e1");
    let e = err(d, &words("disputes export --out x.jsonl --as e1"));
    assert!(e.contains("e1 is not a curator"), "{e}");

    // Expert points, 7 in all: T T F F | T F F.
    // Judge A: T T T F | T F T -> TP 3, FP 2, FN 0, TN 2.
    // accuracy 5/7 = 0.7143; precision 3/5 = 0.6; recall 1; F1 = 6/8 = 0.75;
    // kappa: po = 5/7, judge met 5/7, expert met 3/7, pe = 15/49 + 8/49 = 23/49,
    // kappa = (35/49 - 23/49) / (26/49) = 12/26 = 0.4615.
    // Judge B agrees everywhere: all 1.0000.
    let judge = |name: &str, p1: [bool; 4], p2: [bool; 3]| {
        let lines = [
            json!({"dataset":"MADiagnosis","item":Q1,"model":"GPT-4o","points":p1}).to_string(),
            json!({"dataset":"MADiagnosis","item":Q2,"model":"GPT-4o","points":p2}).to_string(),
        ];
        std::fs::write(d.join(name), lines.join("\n") + "\n").unwrap();
    };
    judge(
        "judge-a.jsonl",
        [true, true, true, false],
        [true, false, true],
    );
    judge(
        "judge-b.jsonl",
        [true, true, false, false],
        [true, false, false],
    );
    let report = ok(
        d,
        &words("judge report --judge judge-a.jsonl --judge judge-b.jsonl"),
    );
    let rows: Vec<Vec<&str>> = report
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "Judge",
            "Accuracy",
            "Precision",
            "Recall",
            "F1-Score",
            "Cohen's",
            "Kappa",
            "points",
            "disputes"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "judge-a", "0.7143", "0.6000", "1.0000", "0.7500", "0.4615", "7", "2/2"
        ]
    );
    assert_eq!(
        rows[2],
        [
            "judge-b", "1.0000", "1.0000", "1.0000", "1.0000", "1.0000", "7", "2/2"
        ]
    );
    // A verdict on something no expert decided is refused.
    std::fs::write(
        d.join("judge-c.jsonl"),
        json!({"dataset":"MADiagnosis","item":Q1,"model":"Qwen","points":[true,true,true,true]})
            .to_string()
            + "\n",
    )
    .unwrap();
    let e = err(d, &words("judge report --judge judge-c.jsonl"));
    assert!(e.starts_with(&format!("error: judge-c.jsonl:1: MADiagnosis/{Q1} answered by Qwen is not an adjudicated dispute\n")), "{e}");
    // Every problem in one run: marks that do not read on a response that is no dispute are
    // both named, with a line that is not JSON, in file order.
    std::fs::write(
        d.join("judge-d.jsonl"),
        format!(
            "{}\n{{not json\n",
            json!({"dataset":"MADiagnosis","item":Q1,"model":"Qwen","points":["yes"]})
        ),
    )
    .unwrap();
    let e = err(d, &words("judge report --judge judge-d.jsonl"));
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 4, "{e}");
    assert_eq!(
        lines[0],
        format!(
            "error: judge-d.jsonl:1: MADiagnosis/{Q1} answered by Qwen is not an adjudicated dispute"
        )
    );
    assert_eq!(
        lines[1],
        "error: judge-d.jsonl:1: field `points`: give one true/false (or 1/0, \"met\"/\"not_met\") per rubric point"
    );
    assert!(
        lines[2].starts_with("error: judge-d.jsonl:2: is not a judge verdict line ("),
        "{e}"
    );
    assert_eq!(
        lines[3],
        "error: 3 problem(s) in the judge file(s); no report"
    );
}

fn events(d: &Path, action: &str) -> i64 {
    let conn = common::backend::raw_at(d, "t.db");
    conn.query_row(
        "SELECT count(*) FROM events WHERE action = ?1",
        [action],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_responses_file_imported_again_is_already_stored_not_refused() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("responses import responses.jsonl --as ops"));
    assert_eq!(events(d, "responses_import"), 1);
    // As if the first run was killed just after its commit: the second run succeeds, writes
    // nothing and logs nothing.
    assert_eq!(
        ok(d, &words("responses import responses.jsonl --as ops")),
        "no new response: all 4 line(s) are already stored (unchanged); nothing was written\n"
    );
    assert_eq!(events(d, "responses_import"), 1);
    // Stored lines and new ones together: the new ones are imported.
    let mut more: Vec<String> = std::fs::read_to_string(d.join("responses.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    more.push(response(Q1, "Claude", 0.9, 0.1, None));
    std::fs::write(d.join("more.jsonl"), more.join("\n") + "\n").unwrap();
    assert_eq!(
        ok(d, &words("responses import more.jsonl --as ops")),
        "1 response(s) imported, 4 already stored (unchanged); of the new ones, 1 are disputes (judge scores more than 0.25 apart) for a physician to decide\n"
    );
    // A line that differs from the stored response, or a stored response listed twice, is
    // refused; nothing of the file is written.
    let bad = [
        response(Q1, "Gemini", 0.5, 0.5, None),
        response(Q1, "GPT-4o", 0.9, 0.3, Some(vec![true, true, false, true])),
        response(Q1, "Qwen", 0.75, 0.5, None),
        response(Q1, "Qwen", 0.75, 0.5, None),
    ];
    std::fs::write(d.join("bad.jsonl"), bad.join("\n") + "\n").unwrap();
    assert_eq!(
        err(d, &words("responses import bad.jsonl --as ops")),
        format!(
            "error: bad.jsonl:2: a response of GPT-4o to MADiagnosis/{Q1} is already stored, with a different response or judge scores; one per model and item: remove this line, or name the model differently if it is another model's response\n\
             error: bad.jsonl:4: a response of Qwen to MADiagnosis/{Q1} is on an earlier line of this file too (and is stored already); one per model and item: remove this line\n\
             error: 2 line(s) refused; no response was imported\n"
        )
    );
    let v: Value = serde_json::from_str(&ok(d, &["disputes", "--json"])).unwrap();
    let models: Vec<&str> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["model"].as_str().unwrap())
        .collect();
    assert_eq!(
        models,
        ["Claude", "GPT-4o", "Qwen"],
        "no Gemini: nothing written"
    );
}

#[test]
fn many_bad_lines_list_the_first_fifty_then_a_count() {
    let dir = setup();
    let d = dir.path();
    let lines: Vec<String> = (0..60)
        .map(|i| response(&format!("nope-{i}"), "GPT-4o", 0.9, 0.4, None))
        .collect();
    std::fs::write(d.join("missing.jsonl"), lines.join("\n") + "\n").unwrap();
    let e = err(d, &words("responses import missing.jsonl --as ops"));
    let shown: Vec<&str> = e.lines().collect();
    assert_eq!(shown.len(), 52, "{e}");
    assert_eq!(
        shown[0],
        "error: missing.jsonl:1: field `item`: there is no item MADiagnosis/nope-0; import it first"
    );
    assert_eq!(shown[50], "... and 10 more");
    assert_eq!(
        shown[51],
        "error: 60 line(s) refused; no response was imported"
    );
    // A line that does not read is counted with the refusals, all in one run, in file order.
    let mut lines = lines;
    lines.insert(0, "{not json".into());
    std::fs::write(d.join("missing.jsonl"), lines.join("\n") + "\n").unwrap();
    let e = err(d, &words("responses import missing.jsonl --as ops"));
    assert!(
        e.starts_with("error: missing.jsonl:1: is not a response line ("),
        "{e}"
    );
    assert!(
        e.contains(
            "\nerror: missing.jsonl:2: field `item`: there is no item MADiagnosis/nope-0; import it first\n"
        ),
        "{e}"
    );
    assert!(
        e.ends_with("... and 11 more\nerror: 61 problem(s); no response was imported\n"),
        "{e}"
    );

    ok(d, &words("responses import responses.jsonl --as ops"));
    {
        let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
        let a = store.claim_dispute("e1", None).unwrap().unwrap();
        store
            .submit_adjudication("e1", a.adjudication_id, &complete(a.rubric_len(), 0.5))
            .unwrap();
    }
    let verdicts: Vec<String> = (0..55)
        .map(|i| {
            json!({"dataset":"MADiagnosis","item":format!("x{i}"),"model":"GPT-4o","points":[true]})
                .to_string()
        })
        .collect();
    std::fs::write(d.join("judge.jsonl"), verdicts.join("\n") + "\n").unwrap();
    let e = err(d, &words("judge report --judge judge.jsonl"));
    let shown: Vec<&str> = e.lines().collect();
    assert_eq!(shown.len(), 52, "{e}");
    assert_eq!(
        shown[0],
        "error: judge.jsonl:1: MADiagnosis/x0 answered by GPT-4o is not an adjudicated dispute"
    );
    assert_eq!(shown[50], "... and 5 more");
    assert_eq!(
        shown[51],
        "error: 55 problem(s) in the judge file(s); no report"
    );
}
