//! Calibration, plan check, sampling and frozen releases, through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;
#[path = "common/release_workspace.rs"]
mod workspace;

use common::{err, ok, words};
use workspace::*;

use serde_json::{Value, json};

#[test]
fn calibration_is_validated_and_all_or_nothing() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(
        d.join("bad.jsonl"),
        [
            r#"{"dataset":"Exam","item":"q001","model":"m1","choice":"A"}"#,
            r#"{"dataset":"Exam","item":"q999","model":"m1","choice":"A"}"#,
            r#"{"dataset":"Exam","item":"q002","model":"gpt","choice":"A"}"#,
            r#"{"dataset":"Exam","item":"q003","model":"m1","score":0.5}"#,
            r#"{"dataset":"Exam","item":"q001","model":"m1","choice":"B"}"#,
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    let e = err(
        d,
        &words("calibration import bad.jsonl --plan mini.json --as ops"),
    );
    assert_eq!(
        e,
        "error: bad.jsonl:2: field `item`: there is no item Exam/q999; import it first\n\
         error: bad.jsonl:3: field `model`: \"gpt\" is not one of the plan's calibration models (m1, m2, m3)\n\
         error: bad.jsonl:4: Exam/q003 is mcq: give its result as `choice`\n\
         error: bad.jsonl:5: Exam/q001 already has a result from m1 on line 1\n\
         error: 4 line(s) refused; nothing was imported\n"
    );
    std::fs::write(
        d.join("range.jsonl"),
        "{\"dataset\":\"Exam\",\"item\":\"q001\",\"model\":\"m1\",\"f1\":2}\n",
    )
    .unwrap();
    let e = err(
        d,
        &words("calibration import range.jsonl --plan mini.json --as ops"),
    );
    assert!(
        e.starts_with("error: range.jsonl:1: field `f1`: is 2; give a number from 0 to 1\n"),
        "{e}"
    );
    let e = err(
        d,
        &words("calibration import calibration.jsonl --plan cmedexam-2800 --as ops"),
    );
    assert!(e.contains("names no calibration models"), "{e}");
    let e = err(
        d,
        &words("calibration import calibration.jsonl --plan mini.json --as a"),
    );
    assert!(e.contains("a is not a maintainer"), "{e}");
    // Nothing was written: every item is still unrated.
    let st: Value = serde_json::from_str(&ok(d, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"][0]["difficulty"]["unrated"], 63, "{st}");
    calibrated(d);
    let st: Value = serde_json::from_str(&ok(d, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"][0]["difficulty"]["hard"], 10, "{st}");
}

#[test]
fn an_incomplete_calibration_keeps_an_imported_difficulty() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(d, &words("people add ops --name ops --role maintainer"));
    std::fs::write(
        d.join("i.jsonl"),
        r#"{"id":"x","kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":"A","difficulty":"hard"}
{"id":"y","kind":"mcq","stem":"题二","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":"B","difficulty":"hard"}
"#,
    )
    .unwrap();
    ok(d, &words("import i.jsonl --dataset Exam"));
    std::fs::write(d.join("mini.json"), plan().to_string()).unwrap();
    // x: two of three models only; y: all three right -> easy.
    std::fs::write(
        d.join("c.jsonl"),
        r#"{"dataset":"Exam","item":"x","model":"m1","choice":"A"}
{"dataset":"Exam","item":"x","model":"m2","choice":"A"}
{"dataset":"Exam","item":"y","model":"m1","choice":["B"]}
{"dataset":"Exam","item":"y","model":"m2","choice":"B"}
{"dataset":"Exam","item":"y","model":"m3","choice":"B"}
"#,
    )
    .unwrap();
    let out = ok(
        d,
        &words("calibration import c.jsonl --plan mini.json --as ops"),
    );
    assert!(
        out.contains("1 rated (1 easy), 1 changed; 1 still lack"),
        "{out}"
    );
    let st: Value = serde_json::from_str(&ok(d, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"][0]["difficulty"]["hard"], 1);
    assert_eq!(st["datasets"][0]["difficulty"]["easy"], 1);
}

#[test]
fn plan_check_shows_the_pool_and_its_gaps() {
    let dir = setup();
    let d = dir.path();
    let out = ok(d, &["plan", "check", "mini.json"]);
    assert!(
        out.starts_with(
            "Plan Mini (mini.json): 2 datasets, 25 items wanted; 2 dataset(s) cannot meet it yet\n"
        ),
        "{out}"
    );
    assert!(out.contains("Exam (mcq): 20 wanted, 60 accepted\n  difficulty: hard 0/6, medium 0/10, easy 0/4, unrated 60\n  department: cardiology 20, nephrology 20, neurology 20\n"), "{out}");
    assert!(
        out.contains("cannot meet: 60 accepted items have no difficulty"),
        "{out}"
    );
    assert!(out.contains("Absent (mcq): 5 wanted, 0 accepted\n  cannot meet: not in the workspace: import it first"), "{out}");
    calibrated(d);
    let out = ok(d, &["plan", "check", "mini.json"]);
    assert!(
        out.contains("  difficulty: hard 10/6, medium 20/10, easy 30/4\n"),
        "{out}"
    );
    assert!(
        out.starts_with(
            "Plan Mini (mini.json): 2 datasets, 25 items wanted; 1 dataset(s) cannot meet it yet\n"
        ),
        "{out}"
    );
    // The shipped plans by name.
    let out = ok(d, &["plan", "check", "mlb"]);
    assert!(
        out.starts_with("Plan MLB (mlb): 22 datasets, 4250 items wanted;"),
        "{out}"
    );
    let out = ok(d, &words("plan check cmedexam-2800 --json"));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["target"], 2800);
    let e = err(d, &["plan", "check", "nope.json"]);
    assert!(e.contains("there is no plan \"nope.json\""), "{e}");
}

#[test]
fn sampling_hits_the_mix_reports_shortfalls_and_is_deterministic() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    let out = ok(
        d,
        &words("sample --plan mini.json --seed 7 --name mini-1 --as ops --json"),
    );
    let r: Value = serde_json::from_str(&out).unwrap();
    let exam = &r["datasets"][0];
    assert_eq!(exam["achieved"], 20);
    assert_eq!(exam["pool"], 60, "only accepted items");
    let diffs: Vec<(String, u64, u64)> = exam["difficulties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["difficulty"].as_str().unwrap().to_string(),
                x["target"].as_u64().unwrap(),
                x["achieved"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        diffs,
        vec![
            ("hard".into(), 6, 6),
            ("medium".into(), 10, 10),
            ("easy".into(), 4, 4)
        ]
    );
    // Proportional by department (20 each of 60): 7, 7, 6 by largest remainder.
    let strata: Vec<(String, u64)> = exam["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["stratum"].as_str().unwrap().to_string(),
                x["quota"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        strata,
        vec![
            ("department=cardiology".into(), 7),
            ("department=nephrology".into(), 7),
            ("department=neurology".into(), 6)
        ]
    );
    assert_eq!(exam["shortfalls"], json!([]));
    assert_eq!(
        r["datasets"][1]["shortfalls"],
        json!(["0 of 5 items: the workspace has no such dataset"])
    );
    let text = ok(d, &words("sample show mini-1 --items"));
    assert!(
        text.starts_with(
            "Sample mini-1: plan Mini (mini.json), seed 7: 20 of 25 items; a draft drawn by ops"
        ),
        "{text}"
    );
    assert!(
        text.contains("  shortfall: 0 of 5 items: the workspace has no such dataset"),
        "{text}"
    );
    let ids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("Exam\t"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let first = ids(&text);
    assert_eq!(first.len(), 20);
    assert!(
        first
            .iter()
            .all(|l| !l.contains("q060") && !l.contains("q061") && !l.contains("q062"))
    );
    // Again with the same seed: the same items; another seed: others.
    let e = err(
        d,
        &words("sample --plan mini.json --seed 7 --name mini-1 --as ops"),
    );
    assert!(e.contains("pass --replace"), "{e}");
    ok(
        d,
        &words("sample --plan mini.json --seed 7 --name mini-1 --as ops --replace"),
    );
    assert_eq!(ids(&ok(d, &words("sample show mini-1 --items"))), first);
    ok(
        d,
        &words("sample --plan mini.json --seed 8 --name mini-2 --as ops"),
    );
    assert_ne!(ids(&ok(d, &words("sample show mini-2 --items"))), first);
    let e = err(
        d,
        &words("sample --plan mini.json --seed 8 --name x --as a"),
    );
    assert!(e.contains("a is not a maintainer"), "{e}");
}

#[test]
fn a_frozen_release_is_byte_identical_verifiable_and_never_changes() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 7 --name mini --as ops"),
    );
    // A copy of the database before freezing: the same database and seed. On PostgreSQL the
    // copy is a SQLite file `db copy` made, so the two freezes also compare the backends.
    let copy_db = d.join("copy-of-t.db");
    match common::backend::postgres() {
        None => {
            std::fs::copy(d.join("t.db"), &copy_db).unwrap();
        }
        Some(_) => {
            let from = common::backend::db_at(d, "t.db");
            let out = ok(
                d,
                &[
                    "db",
                    "copy",
                    "--from",
                    from.to_str().unwrap(),
                    "--to",
                    copy_db.to_str().unwrap(),
                ],
            );
            assert!(
                out.contains("every table has the same rows and digest"),
                "{out}"
            );
        }
    }
    let e = err(
        d,
        &words("release freeze mini --version 1.0.0 --out r1 --as ops"),
    );
    assert!(e.contains("pass --yes to confirm"), "{e}");
    let e = err(
        d,
        &words("release freeze mini --version 1.0 --out r1 --as ops --yes"),
    );
    assert!(e.contains("is not X.Y.Z"), "{e}");
    let out = ok(
        d,
        &words("release freeze mini --version 1.0.0 --out r1 --as ops --yes"),
    );
    // What is frozen is shown first: items per dataset, the mix and every shortfall.
    assert_eq!(
        out,
        format!(
            "mini: plan Mini (mini.json), seed 7: 20 of 25 items\n\
             \x20 Exam (mcq)       20 of    20 items\n\
             \x20 Absent (mcq)      0 of     5 items\n\
             Difficulty mix: hard 6 (target 6), medium 10 (target 10), easy 4 (target 4)\n\
             Shortfalls (1):\n\
             \x20 Absent: 0 of 5 items: the workspace has no such dataset\n\
             froze mini as version 1.0.0: 11 file(s) in r1\n\
             root digest {}\n",
            digest_of(&d.join("r1"))
        )
    );
    let copy = std::process::Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .arg("--db")
        .arg(&copy_db)
        .args(words(
            "release freeze mini --version 1.0.0 --out r2 --as ops --yes",
        ))
        .current_dir(d)
        .env_remove("MEDCURATE_DB")
        .env("MEDCURATE_CONFIG", d.join("config.toml"))
        .output()
        .unwrap();
    assert!(copy.status.success());
    let r1 = read_dir(&d.join("r1"));
    assert_eq!(
        r1,
        read_dir(&d.join("r2")),
        "two freezes of the same database and seed"
    );
    let names: Vec<&str> = r1.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Exam.jsonl",
            "Exam.lm-eval.yaml",
            "Exam.presentation-0.jsonl",
            "Exam.presentation-0.jsonl.meta.json",
            "Exam.presentation-1.jsonl",
            "Exam.presentation-1.jsonl.meta.json",
            "Exam.presentation-2.jsonl",
            "Exam.presentation-2.jsonl.meta.json",
            "README.md",
            "datapackage.json",
            "eval.yaml"
        ]
    );
    let file = |name: &str| r1.iter().find(|(n, _)| n == name).unwrap().1.clone();

    // Only accepted items, with their pinned difficulty, departments, reviews and permutations.
    let data = String::from_utf8(file("Exam.jsonl")).unwrap();
    let lines: Vec<Value> = data
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 20);
    for l in &lines {
        assert!(l["id"].as_str().unwrap() < "q060", "{}", l["id"]);
        assert_eq!(l["provenance"]["reviews"].as_array().unwrap().len(), 2);
        assert_eq!(l["option_permutations"].as_array().unwrap().len(), 3);
        assert!(l["difficulty"].is_string());
        assert_eq!(l["departments"].as_array().unwrap().len(), 1);
    }
    let card = String::from_utf8(file("README.md")).unwrap();
    assert!(
        card.contains("| Exam | mcq | 20 | 20 | 6 | 10 | 4 | 0 |"),
        "{card}"
    );
    assert!(
        card.contains("- Absent: 0 of 5 items: the workspace has no such dataset"),
        "{card}"
    );
    assert!(
        card.contains("\n20 items in 1 dataset, sampled with seed 7"),
        "{card}"
    );
    assert!(
        card.contains(&format!("\nRoot digest: `{}`\n", digest_of(&d.join("r1")))),
        "{card}"
    );
    assert_eq!(
        ok(d, &["release", "verify", "r1"]),
        format!(
            "r1: 10 file(s) and 20 item(s) match datapackage.json and the stored release mini 1.0.0; root digest {}\n",
            digest_of(&d.join("r1"))
        )
    );

    // Freezing again is refused; a later revision of a released item changes nothing.
    let e = err(
        d,
        &words("release freeze mini --version 1.0.1 --out r3 --as ops --yes"),
    );
    assert!(e.contains("already frozen as version 1.0.0"), "{e}");
    let id = lines[0]["id"].as_str().unwrap();
    let revised = json!({"id": id, "kind":"mcq","stem":"改写后的题干","options":[{"label":"A","text":"利尿剂"},{"label":"B","text":"抗生素"}],"answer":"A"});
    std::fs::write(d.join("rev.jsonl"), format!("{revised}\n")).unwrap();
    ok(d, &words("import rev.jsonl --dataset Exam --revise"));
    ok(d, &words("release export mini --out again"));
    assert_eq!(
        read_dir(&d.join("again")),
        r1,
        "re-export after a later revision"
    );
    let e = err(d, &words("release export mini --out again"));
    assert!(e.contains("is not empty; pass --force"), "{e}");
    ok(d, &words("release export mini --out again --force"));
    assert_eq!(
        read_dir(&d.join("again")),
        r1,
        "a release replaced by --force"
    );
    std::fs::create_dir(d.join("mine")).unwrap();
    std::fs::write(d.join("mine/notes.txt"), "keep").unwrap();
    let e = err(d, &words("release export mini --out mine --force"));
    assert!(e.contains("holds files but no release"), "{e}");
    assert_eq!(
        std::fs::read_to_string(d.join("mine/notes.txt")).unwrap(),
        "keep"
    );
    let conn = common::backend::raw_at(d, "t.db");
    let e = conn.execute("DELETE FROM release_files", []).unwrap_err();
    assert!(
        e.to_string().contains("a frozen release never changes"),
        "{e}"
    );
    let e = conn.execute("DELETE FROM sample_items", []).unwrap_err();
    assert!(e.to_string().contains("never changes"), "{e}");

    // A draft with a revised item cannot be frozen until it is drawn again.
    ok(
        d,
        &words("sample --plan mini.json --seed 9 --name later --as ops"),
    );
    let sampled = ok(d, &words("sample show later --items"));
    let pick = sampled
        .lines()
        .find(|l| l.starts_with("Exam\t"))
        .unwrap()
        .split('\t')
        .nth(1)
        .unwrap()
        .to_string();
    std::fs::write(d.join("rev2.jsonl"), format!("{}\n", json!({"id": pick, "kind":"mcq","stem":"再次改写","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":"A"}))).unwrap();
    ok(d, &words("import rev2.jsonl --dataset Exam --revise"));
    let e = err(
        d,
        &words("release freeze later --version 1.0.0 --out r4 --as ops --yes"),
    );
    assert!(e.contains("changed since the sample was drawn"), "{e}");
    assert!(
        e.contains(&format!("Exam/{pick}: in_review at revision 2")),
        "{e}"
    );
    assert!(!d.join("r4").exists());
}
