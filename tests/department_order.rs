//! An item's final departments keep the order its reviewers gave (primary first), and
//! sampling by `department` stratifies by that primary department; through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{ok, words};
use serde_json::{Value, json};
use std::path::Path;

/// What each group of ten items is given: the first reviewer's list, then the second's (the
/// same set; the first group in another order).
const GROUPS: [(&[&str], &[&str]); 3] = [
    (&["nephrology", "cardiology"], &["cardiology", "nephrology"]),
    (&["neurology", "cardiology"], &["neurology", "cardiology"]),
    (&["cardiology"], &["cardiology"]),
];

/// 30 mcq items, each accepted by two reviewers who agree on its departments' set.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for (id, role) in [
        ("a", "annotator"),
        ("b", "annotator"),
        ("ops", "maintainer"),
    ] {
        ok(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    let (mut items, mut ra, mut rb) = (String::new(), String::new(), String::new());
    let pass = json!({"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"});
    for i in 0..30 {
        let id = format!("q{i:02}");
        items += &json!({"id": id, "kind": "mcq", "stem": format!("第{i}题"),
            "options": [{"label":"A","text":"甲"},{"label":"B","text":"乙"},{"label":"C","text":"丙"}],
            "answer": "A"})
        .to_string();
        items.push('\n');
        let (a, b) = GROUPS[i / 10];
        ra += &json!({"dataset":"Exam","item":id,"verdicts":pass,"departments":a}).to_string();
        ra.push('\n');
        rb += &json!({"dataset":"Exam","item":id,"verdicts":pass,"departments":b}).to_string();
        rb.push('\n');
    }
    std::fs::write(d.join("items.jsonl"), items).unwrap();
    std::fs::write(d.join("a.jsonl"), ra).unwrap();
    std::fs::write(d.join("b.jsonl"), rb).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    ok(d, &words("reviews import a.jsonl --as a"));
    ok(d, &words("reviews import b.jsonl --as b"));
    let plan = json!({
        "name": "Depts", "source": "tests", "difficulty_target": null,
        "difficulty_rules": {}, "calibration_models": [],
        "datasets": [{"dataset": "Exam", "item_type": "mcq", "sampled_n": 15, "sampling_keys": ["department"]}]
    });
    std::fs::write(d.join("plan.json"), plan.to_string()).unwrap();
    dir
}

/// Each item's final departments as the database keeps them.
fn stored(d: &Path) -> Vec<(String, String)> {
    let conn = common::backend::raw_at(d, "t.db");
    let mut stmt = conn
        .prepare("SELECT ext_id, departments FROM items ORDER BY ext_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn expected(i: usize) -> String {
    json!(GROUPS[i / 10].0).to_string()
}

#[test]
fn samples_are_stratified_by_the_primary_department() {
    let dir = setup();
    let d = dir.path();
    for (i, (id, depts)) in stored(d).iter().enumerate() {
        assert_eq!(*depts, expected(i), "{id}: the first reviewer's order");
    }
    let out = ok(
        d,
        &words("sample --plan plan.json --seed 3 --name s --as ops"),
    );
    for stratum in [
        "department=cardiology",
        "department=nephrology",
        "department=neurology",
    ] {
        let line = out.lines().find(|l| l.trim_start().starts_with(stratum));
        let line = line.unwrap_or_else(|| panic!("no stratum {stratum}: {out}"));
        assert!(
            line.contains("pool     10  quota     5  achieved     5"),
            "{line}"
        );
    }
    // Each sampled item sits in the stratum of its primary department.
    let items = ok(d, &words("sample show s --items"));
    let mut n = 0;
    for line in items.lines().filter(|l| l.starts_with("Exam\t")) {
        let parts: Vec<&str> = line.split('\t').collect();
        let i: usize = parts[1][1..].parse().unwrap();
        assert_eq!(
            parts[2],
            format!("department={}", GROUPS[i / 10].0[0]),
            "{line}"
        );
        n += 1;
    }
    assert_eq!(n, 15);
    // The release keeps the order too.
    ok(
        d,
        &words("release freeze s --version 1.0.0 --out rel --as ops --yes"),
    );
    let data = std::fs::read_to_string(d.join("rel/Exam.jsonl")).unwrap();
    for line in data.lines() {
        let item: Value = serde_json::from_str(line).unwrap();
        let i: usize = item["id"].as_str().unwrap()[1..].parse().unwrap();
        assert_eq!(item["departments"].to_string(), expected(i), "{line}");
    }
}

#[test]
fn migration_12_restores_the_reviewers_order() {
    if common::backend::skip_on_postgres("it replays SQLite's migration 12") {
        return;
    }
    let dir = setup();
    let d = dir.path();
    // The database as version 11 left it: final departments sorted; and one item a curator
    // accepted, whose chosen order was not kept.
    {
        let conn = common::backend::raw_at(d, "t.db");
        conn.execute_batch(
            "UPDATE items SET departments = (SELECT json_group_array(value ORDER BY value)
                 FROM json_each(items.departments));
             INSERT INTO decisions (item_id, revision_no, curator, action, departments, at)
             SELECT id, revision_no, 'ops', 'accept', departments, '2026-01-01T00:00:00Z'
             FROM items WHERE ext_id = 'q05';
             PRAGMA user_version = 11;",
        )
        .unwrap();
        conn.execute_batch(include_str!("fixtures/before_routing.sql"))
            .unwrap();
    }
    assert_eq!(stored(d)[0].1, r#"["cardiology","nephrology"]"#);
    ok(d, &["status"]);
    for (i, (id, depts)) in stored(d).iter().enumerate() {
        let want = if id == "q05" {
            r#"["cardiology","nephrology"]"#.to_string()
        } else {
            expected(i)
        };
        assert_eq!(*depts, want, "{id}");
    }
    let conn = common::backend::raw_at(d, "t.db");
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, medcurate::store::SCHEMA_VERSION);
}
