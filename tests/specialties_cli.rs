//! Physicians' specialties and each dataset's routing, through the real binary: what a
//! maintainer types, what they read back, and what is refused.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A","suggested_departments":["nephrology"]}
{"id":"q2","kind":"mcq","stem":"高血压的诊断标准","options":[{"label":"A","text":"140/90"},{"label":"B","text":"120/80"}],"answer":"A","suggested_departments":["cardiology"]}
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    dir
}

#[test]
fn specialties_are_given_by_name_alias_or_major_department_and_listed() {
    let dir = setup();
    let d = dir.path();
    assert_eq!(
        ok(
            d,
            &words(
                "people add dr-b --name B --role annotator --specialty 心内科 --specialty surgery"
            )
        ),
        "added dr-b (B): annotator  specialties: burn-surgery, cardiology, cardiovascular-surgery, \
         general-surgery, neurosurgery, orthopedic-surgery, plastic-surgery, thoracic-surgery, \
         urology-surgery\n"
    );
    assert_eq!(
        ok(
            d,
            &words("people specialty dr-b --add nephrology --remove surgery --remove 心内科")
        ),
        "dr-b now has the specialties: nephrology\n"
    );
    let list = ok(d, &words("people list"));
    assert!(
        list.contains("dr-b  B  annotator  specialties: nephrology\n"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(d, &words("people list --json"))).unwrap();
    let b = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "dr-b")
        .unwrap();
    assert_eq!(b["specialties"], serde_json::json!(["nephrology"]));
    assert_eq!(
        ok(d, &words("people specialty dr-b --remove nephrology")),
        "dr-b now has no specialties: items are offered to them in queue order\n"
    );
    // Each change is in the event log.
    let conn = common::backend::raw_at(d, "t.db");
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE action = 'specialties_changed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 3);
}

#[test]
fn every_bad_specialty_is_named_at_once_and_nothing_is_written() {
    let dir = setup();
    let d = dir.path();
    let e = err(
        d,
        &words(
            "people add dr-c --name C --role annotator --specialty cardio --specialty no-department --specialty xyz",
        ),
    );
    assert_eq!(
        e,
        "error: --specialty: unknown department \"cardio\"; did you mean \"cardiology\" or \
         \"cardiovascular-surgery\" or \"pediatric-cardiology\"? (ids are in schemas/departments.json)\n\
         --specialty: \"no-department\" is not a specialty: items without a department go to \
         anyone; give a sub-specialty or a major department\n\
         --specialty: unknown department \"xyz\"; use a sub-specialty id from \
         schemas/departments.json (e.g. \"cardiology\", \"gastroenterology\") or \"no-department\"\n"
    );
    assert!(!ok(d, &words("people list")).contains("dr-c"));
    ok(d, &words("people add dr-c --name C --role annotator"));
    let e = err(d, &words("people specialty dr-c --add xyz --remove cardio"));
    assert!(
        e.starts_with("error: --add: unknown department \"xyz\""),
        "{e}"
    );
    assert!(
        e.contains("\n--remove: unknown department \"cardio\""),
        "{e}"
    );
}

#[test]
fn only_a_maintainer_changes_specialties_and_routing() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("people add dr-b --name B --role annotator"));
    for line in [
        "people specialty dr-b --add nephrology --as dr-b",
        "settings routing.Exam strict --as dr-b",
    ] {
        let e = err(d, &words(line));
        assert!(e.contains("dr-b is not a maintainer"), "{line}: {e}");
    }
    assert_eq!(ok(d, &words("settings routing.Exam")), "prefer\n");
}

#[test]
fn routing_is_set_per_dataset_and_steers_the_claim() {
    let dir = setup();
    let d = dir.path();
    ok(
        d,
        &words("people add dr-n --name N --role annotator --specialty 肾内科"),
    );
    ok(
        d,
        &words("people add dr-k --name K --role annotator --specialty cardiology"),
    );
    assert_eq!(
        ok(d, &words("settings routing.Exam strict")),
        "routing.Exam = strict\n"
    );
    let all = ok(d, &["settings"]);
    assert!(
        all.contains("routing.Exam = strict\n    how Exam's items reach physicians"),
        "{all}"
    );
    assert_eq!(
        err(d, &words("settings routing.Exam always")),
        "error: routing.Exam: unknown routing \"always\": use strict, prefer or none\n"
    );
    assert_eq!(
        err(d, &words("settings routing.Nope strict")),
        "error: there is no dataset \"Nope\" for routing.Nope; `medcurate status` lists them\n"
    );
    // The cardiologist is offered q2 though q1 is older; in strict mode never q1.
    let claim = |who: &str| {
        let out = ok(
            d,
            &words(&format!("reviews claim --dataset Exam --json --as {who}")),
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["item"].as_str().map(String::from)
    };
    assert_eq!(claim("dr-k").as_deref(), Some("q2"));
    assert_eq!(claim("dr-n").as_deref(), Some("q1"));
}
