//! The release tests' workspace: 60 calibrated mcq items under a small plan, and how to
//! verify a release directory with and without the database.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly
#![allow(dead_code)] // each test file uses its own part

use crate::common::{ok, words};
use medcurate::domain::hash::sha256_hex;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

pub const DEPTS: [&str; 3] = ["cardiology", "nephrology", "neurology"];
pub const N: usize = 60;

/// A small plan: Exam (20 of the pool, by department, mixed 3:5:2) and a dataset the
/// workspace does not have.
pub fn plan() -> Value {
    json!({
        "name": "Mini",
        "source": "tests",
        "difficulty_target": {"hard": 3, "medium": 5, "easy": 2},
        "difficulty_rules": {"mcq": "3 models"},
        "calibration_models": ["m1", "m2", "m3"],
        "datasets": [
            {"dataset": "Exam", "item_type": "mcq", "sampled_n": 20, "sampling_keys": ["department", "difficulty"]},
            {"dataset": "Absent", "item_type": "mcq", "sampled_n": 5, "sampling_keys": ["difficulty"]}
        ]
    })
}

/// The answer a model gives item `i`: how many of the three are right sets its difficulty.
/// Items 0-9 hard (one right), 10-29 medium (two right), 30-59 easy (all right).
pub fn right_answers(i: usize) -> usize {
    match i {
        0..=9 => 1,
        10..=29 => 2,
        _ => 3,
    }
}

/// 60 mcq items, all accepted by two agreeing reviewers, plus items in other states; a
/// calibration file for them; the plan file.
pub fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for (id, role) in [
        ("a", "annotator"),
        ("b", "annotator"),
        ("cur", "curator"),
        ("ops", "maintainer"),
    ] {
        ok(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    let mut items = String::new();
    for i in 0..N + 3 {
        items += &json!({
            "id": format!("q{i:03}"), "kind": "mcq",
            "stem": format!("第{i}题：高血压患者首选哪类降压药？"),
            "options": [{"label":"A","text":"利尿剂"},{"label":"B","text":"抗生素"},{"label":"C","text":"激素"},{"label":"D","text":"维生素"}],
            "answer": "A",
            "attributes": {"type": format!("t{}", i % 2)}
        }).to_string();
        items.push('\n');
    }
    std::fs::write(d.join("items.jsonl"), items).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    let pass = json!({"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"});
    let (mut ra, mut rb) = (String::new(), String::new());
    for i in 0..N + 2 {
        let dept = DEPTS[i % 3];
        ra += &json!({"dataset":"Exam","item":format!("q{i:03}"),"verdicts":pass,"departments":[dept]}).to_string();
        ra.push('\n');
        // q060 is disputed (needs curation); q061 the second reviewer fails; q062 stays in review.
        let verdicts = if i == N + 1 {
            json!({"natural_plausible":"pass","clinical_validity":{"fail":"不对"},"answer_correctness":"pass","distractor_plausibility":"pass"})
        } else {
            pass.clone()
        };
        let dept_b = if i == N { "urology-surgery" } else { dept };
        rb += &json!({"dataset":"Exam","item":format!("q{i:03}"),"verdicts":verdicts,"departments":[dept_b]}).to_string();
        rb.push('\n');
    }
    std::fs::write(d.join("a.jsonl"), ra).unwrap();
    std::fs::write(d.join("b.jsonl"), rb).unwrap();
    ok(d, &words("reviews import a.jsonl --as a"));
    ok(d, &words("reviews import b.jsonl --as b"));
    let mut cal = String::new();
    for i in 0..N + 3 {
        for (m, model) in ["m1", "m2", "m3"].iter().enumerate() {
            let choice = if m < right_answers(i) { "A" } else { "B" };
            cal +=
                &json!({"dataset":"Exam","item":format!("q{i:03}"),"model":model,"choice":choice})
                    .to_string();
            cal.push('\n');
        }
    }
    std::fs::write(d.join("calibration.jsonl"), cal).unwrap();
    std::fs::write(d.join("mini.json"), plan().to_string()).unwrap();
    dir
}

/// `release verify ARGS` with the database named only by MEDCURATE_DB (no `--db` typed): the
/// directory is checked on its own.
pub fn verify_alone(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .args(["release", "verify"])
        .args(args)
        .current_dir(dir)
        .env("MEDCURATE_DB", crate::common::backend::db_at(dir, "t.db"))
        .env("MEDCURATE_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

/// Standard error of a `verify_alone` that must fail with exit code 1.
pub fn verify_alone_err(dir: &Path, args: &[&str]) -> String {
    let out = verify_alone(dir, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `sha256:` and the SHA-256 of a release directory's datapackage.json.
pub fn digest_of(dir: &Path) -> String {
    format!(
        "sha256:{}",
        sha256_hex(&std::fs::read(dir.join("datapackage.json")).unwrap())
    )
}

pub fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn calibrated(d: &Path) {
    let out = ok(
        d,
        &words("calibration import calibration.jsonl --plan mini.json --as ops"),
    );
    assert_eq!(
        out,
        "189 result(s) for 63 item(s) under mini.json: 63 rated (33 easy, 20 medium, 10 hard), 63 changed; 0 still lack a result from one of the 3 models and keep their difficulty\n"
    );
}
