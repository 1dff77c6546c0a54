//! The commands as a maintainer types them: where the database lives, people, status, demo.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use std::path::Path;
use std::process::{Command, Output};

fn medcurate(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("MEDCURATE_DB")
        .current_dir(home)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_database_lives_in_the_data_directory_unless_told_otherwise() {
    let home = tempfile::tempdir().unwrap();
    let out = medcurate(home.path(), &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let default = home.path().join("data/medcurate/medcurate.db");
    assert!(default.exists(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains(&default.display().to_string()));

    // MEDCURATE_DB overrides the default; --db overrides both.
    let env_db = home.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .args(["init"])
        .env("HOME", home.path())
        .env("MEDCURATE_DB", &env_db)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(env_db.exists());
    let flag_db = home.path().join("flag.db");
    let out = Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .args(["--db", flag_db.to_str().unwrap(), "init"])
        .env("MEDCURATE_DB", &env_db)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(flag_db.exists());
}

#[test]
fn commands_on_a_missing_database_say_how_to_create_one() {
    let home = tempfile::tempdir().unwrap();
    let out = medcurate(home.path(), &["--db", "nowhere.db", "status"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: no database at nowhere.db; create one with `medcurate init` (or pass --db / set MEDCURATE_DB)\n"
    );
    assert!(!home.path().join("nowhere.db").exists());
}

#[test]
fn people_have_repeatable_roles_and_unique_ids() {
    let home = tempfile::tempdir().unwrap();
    let db = ["--db", "t.db"];
    assert!(
        medcurate(home.path(), &[&db[..], &["init"]].concat())
            .status
            .success()
    );
    let out = medcurate(
        home.path(),
        &[
            &db[..],
            &[
                "people",
                "add",
                "cur-chen",
                "--name",
                "陈主任",
                "--role",
                "curator",
                "--role",
                "annotator",
            ],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "added cur-chen (陈主任): annotator, curator\n"
    );
    let again = medcurate(
        home.path(),
        &[
            &db[..],
            &[
                "people",
                "add",
                "cur-chen",
                "--name",
                "Someone",
                "--role",
                "annotator",
            ],
        ]
        .concat(),
    );
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr),
        "error: a person with id \"cur-chen\" already exists (陈主任)\n"
    );
    let bad_role = medcurate(
        home.path(),
        &[
            &db[..],
            &["people", "add", "x", "--name", "X", "--role", "boss"],
        ]
        .concat(),
    );
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(
        text(&bad_role.stderr)
            .contains("unknown role \"boss\": use annotator, curator or maintainer")
    );
    let bound = medcurate(
        home.path(),
        &[
            &db[..],
            &[
                "people",
                "add",
                "dr-li",
                "--name",
                "李医生",
                "--role",
                "annotator",
                "--os-user",
                "li",
            ],
        ]
        .concat(),
    );
    assert!(bound.status.success());
    let list = medcurate(
        home.path(),
        &[&db[..], &["people", "list", "--json"]].concat(),
    );
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v[0]["id"], "cur-chen");
    assert_eq!(v[0]["roles"], serde_json::json!(["annotator", "curator"]));
    assert_eq!(v[1]["os_user"], "li");
}

#[test]
fn demo_builds_its_own_workspace_from_the_built_in_samples_and_is_repeatable() {
    let home = tempfile::tempdir().unwrap();
    let out = medcurate(home.path(), &["demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let demo_db = home.path().join("data/medcurate/demo.db");
    assert!(demo_db.exists(), "{stdout}");
    // The demo does not touch the default database.
    assert!(!home.path().join("data/medcurate/medcurate.db").exists());
    assert!(
        stdout.contains("CMExam: 25 new, 0 already there"),
        "{stdout}"
    );
    assert!(stdout.contains("dr-li"), "{stdout}");

    let status = medcurate(
        home.path(),
        &["--db", demo_db.to_str().unwrap(), "status", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let datasets = v["datasets"].as_array().unwrap();
    assert!(datasets.len() >= 6);
    let kinds: std::collections::BTreeSet<&str> = datasets
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 3, "all three kinds: {kinds:?}");
    let total: u64 = datasets.iter().map(|d| d["total"].as_u64().unwrap()).sum();
    let state = |name: &str, st: &str| -> u64 {
        datasets
            .iter()
            .filter(|d| name == "*" || d["dataset"] == name)
            .map(|d| d["states"][st].as_u64().unwrap())
            .sum()
    };
    // Two demo physicians have reviewed CMExam: some accepted, some for the curator;
    // everything else waits for review.
    assert!(
        stdout.contains("dr-wang and dr-zhang reviewed CMExam: 50 reviews"),
        "{stdout}"
    );
    assert_eq!(state("CMExam", "in_review"), 0);
    assert!(state("CMExam", "needs_curation") > 0);
    assert!(state("CMExam", "accepted") > 0);
    assert_eq!(total - 25, state("*", "in_review"));
    assert!(stdout.contains("curate --as cur-chen"), "{stdout}");
    assert!(
        stdout.contains("model responses: 10 with two AI-judge scores each, 6 of them disputes"),
        "{stdout}"
    );

    let again = medcurate(home.path(), &["demo"]);
    assert!(again.status.success());
    let again = text(&again.stdout);
    assert!(again.contains("CMExam: 0 new, 25 already there"));
    assert!(
        !again.contains("reviewed CMExam"),
        "the demo reviews are written once"
    );
}

#[test]
fn status_table_lines_up_and_counts_states() {
    let home = tempfile::tempdir().unwrap();
    let db = ["--db", "t.db"];
    assert!(
        medcurate(home.path(), &[&db[..], &["init"]].concat())
            .status
            .success()
    );
    std::fs::write(
        home.path().join("a.jsonl"),
        "{\"id\":\"1\",\"kind\":\"mcq\",\"stem\":\"题\",\"options\":[{\"label\":\"A\",\"text\":\"甲\"},{\"label\":\"B\",\"text\":\"乙\"}],\"answer\":\"A\",\"difficulty\":\"easy\"}\n",
    )
    .unwrap();
    let imp = medcurate(
        home.path(),
        &[&db[..], &["import", "a.jsonl", "--dataset", "考试题"]].concat(),
    );
    assert!(imp.status.success(), "{}", text(&imp.stderr));
    assert_eq!(
        text(&imp.stdout).lines().next().unwrap(),
        "考试题: 1 imported, 0 skipped (unchanged), 0 revised"
    );
    let out = medcurate(home.path(), &[&db[..], &["status"]].concat());
    let table = text(&out.stdout);
    let widths: Vec<usize> = table
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "ragged table:\n{table}"
    );
    assert!(table.contains("考试题   mcq           1"), "{table}");
    let json = medcurate(home.path(), &[&db[..], &["status", "--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["datasets"][0]["difficulty"]["easy"], 1);
    assert_eq!(v["datasets"][0]["states"]["in_review"], 1);
}

#[test]
fn screens_outside_a_terminal_say_so_and_print_nothing_else() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db = db.to_str().unwrap();
    let out = medcurate(home.path(), &["--db", db, "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The next steps run as printed: not a bare `medcurate` that is not on the PATH.
    let stdout = text(&out.stdout);
    let tries: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "try:")
        .skip(1)
        .collect();
    assert!(!tries.is_empty(), "{stdout}");
    for l in &tries {
        assert!(l.starts_with("  cargo run --"), "{l}");
    }
    for (screen, args) in [
        ("review", vec!["review", "--as", "dr-li"]),
        ("curation", vec!["curate", "--as", "cur-chen"]),
        ("adjudication", vec!["adjudicate", "--as", "dr-zhang"]),
    ] {
        let out = medcurate(home.path(), &[&["--db", db][..], &args].concat());
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty(), "{screen}: {:?}", text(&out.stdout));
        assert_eq!(
            text(&out.stderr),
            format!(
                "error: the {screen} screen needs a terminal; run it in one (over SSH, with `ssh -t HOST medcurate ...`), not with its input or output redirected\n"
            )
        );
    }
}
