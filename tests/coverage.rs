//! `Store::coverage` against a table worked out by hand: items per department waiting for a
//! first and a second review, the physicians whose specialties meet each, the recent pace and
//! the days left; an uncovered department first.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::coverage::CoverageRow;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::Store;
use serde_json::json;
use std::time::{Duration, SystemTime};

fn item(id: &str, departments: &[&str]) -> String {
    let mut v = json!({"id": id, "kind": "mcq", "stem": format!("题干{id}"),
           "options": [{"label": "A", "text": "甲"}, {"label": "B", "text": "乙"}],
           "answer": "A"});
    if !departments.is_empty() {
        v["suggested_departments"] = json!(departments);
    }
    v.to_string()
}

#[test]
fn coverage_matches_a_hand_counted_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for (id, role, specialties) in [
        ("a", Role::Annotator, vec!["cardiology"]),
        ("b", Role::Annotator, vec!["nephrology"]),
        ("c", Role::Annotator, vec![]),
        ("cur", Role::Curator, vec![]),
    ] {
        let p = Person {
            id: id.into(),
            name: id.into(),
            roles: vec![role],
            os_user: None,
        };
        let s: Vec<String> = specialties.iter().map(|s| s.to_string()).collect();
        store.add_person_with_specialties(&p, &s, "test").unwrap();
    }
    let lines = [
        item("q1", &["cardiology"]),
        item("q2", &["cardiology", "nephrology"]),
        item("q3", &[]),
        item("q4", &["dermatology"]),
    ];
    let file = dir.path().join("items.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: "Exam".into(),
        format: Format::Native,
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.path().to_path_buf(),
        actor: "test".into(),
    };
    assert!(import(&mut store, &opts, &mut |_, _| {}).unwrap().committed);
    // a (cardiology) reviews q1: q1 waits for a second review.
    let a = store.claim_next("a", None).unwrap().unwrap();
    assert_eq!(a.item.id, "q1");
    let mut r = ReviewContent::default();
    for c in applicable(&a.item.body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = vec!["cardiology".into()];
    store.submit_review("a", a.review_id, &r).unwrap();

    let now = SystemTime::now() + Duration::from_secs(60);
    let rows = store.coverage("cur", None, now, 7).unwrap();
    let row = |d: Option<&str>| -> CoverageRow {
        rows.iter()
            .find(|r| r.department.as_deref() == d)
            .unwrap()
            .clone()
    };
    let cardio = row(Some("cardiology"));
    // q2 waits for a first review, q1 for a second; one review this week: 3 needed at 1/7 a day.
    assert_eq!(
        (
            cardio.waiting_first,
            cardio.waiting_second,
            cardio.qualified,
            cardio.reviews_recent
        ),
        (1, 1, 1, 1)
    );
    assert!((cardio.days_left().unwrap() - 21.0).abs() < 1e-9);
    let neph = row(Some("nephrology"));
    assert_eq!(
        (neph.waiting_first, neph.qualified, neph.days_left()),
        (1, 1, None)
    );
    let derm = row(Some("dermatology"));
    assert_eq!((derm.waiting_first, derm.qualified), (1, 0));
    assert!(derm.uncovered());
    let none = row(None);
    assert_eq!((none.waiting_first, none.qualified), (1, 3));
    // Uncovered first, then no pace (no department before nephrology), then by days left.
    let order: Vec<Option<&str>> = rows
        .iter()
        .take(4)
        .map(|r| r.department.as_deref())
        .collect();
    assert_eq!(
        order,
        [
            Some("dermatology"),
            None,
            Some("nephrology"),
            Some("cardiology")
        ]
    );
    assert!(rows[4..].iter().all(|r| r.reviews_needed() == 0));
    assert_eq!(rows.len(), 65);
    // A week later the pace is gone; annotators may not look.
    let later = store
        .coverage("cur", None, now + Duration::from_secs(8 * 86_400), 7)
        .unwrap();
    assert!(later.iter().all(|r| r.reviews_recent == 0));
    assert!(store.coverage("a", None, now, 7).is_err());
}

#[test]
fn coverage_and_workload_print_for_curators_and_refuse_annotators() {
    let dir = common::one_annotator(&(item("q1", &["dermatology"]) + "\n"));
    let d = dir.path();
    common::ok(
        d,
        &[
            "people",
            "add",
            "cur",
            "--name",
            "陈主任",
            "--role",
            "curator",
        ],
    );
    let out = common::ok(d, &["coverage", "--as", "cur"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Department") && lines[0].ends_with("Days left"),
        "{out}"
    );
    assert!(lines[1].starts_with("! Dermatology 皮肤科"), "{out}");
    assert!(
        out.contains("no physician's specialties meet them"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&common::ok(d, &["coverage", "--json", "--as", "cur"])).unwrap();
    assert_eq!(json["departments"].as_array().unwrap().len(), 65);
    let out = common::ok(d, &["workload", "--as", "cur"]);
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .starts_with("李医生 Dr. A (dr-a)"),
        "{out}"
    );
    for cmd in ["coverage", "workload"] {
        let e = common::err(d, &[cmd, "--as", "dr-a"]);
        assert!(e.contains("is not a curator"), "{e}");
    }
}
