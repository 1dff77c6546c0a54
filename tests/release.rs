//! Calibration, plan check, sampling and frozen releases, through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, run_db, words};

use serde_json::{Value, json};
use std::path::Path;

const DEPTS: [&str; 3] = ["cardiology", "nephrology", "neurology"];
const N: usize = 60;

/// A small plan: Exam (20 of the pool, by department, mixed 3:5:2) and a dataset the
/// workspace does not have.
fn plan() -> Value {
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
fn right_answers(i: usize) -> usize {
    match i {
        0..=9 => 1,
        10..=29 => 2,
        _ => 3,
    }
}

/// 60 mcq items, all accepted by two agreeing reviewers, plus items in other states; a
/// calibration file for them; the plan file.
fn setup() -> tempfile::TempDir {
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

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

fn calibrated(d: &Path) {
    let out = ok(
        d,
        &words("calibration import calibration.jsonl --plan mini.json --as ops"),
    );
    assert_eq!(
        out,
        "189 result(s) for 63 item(s) under mini.json: 63 rated (33 easy, 20 medium, 10 hard), 63 changed; 0 still lack a result from one of the 3 models and keep their difficulty\n"
    );
}

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
{"dataset":"Exam","item":"y","model":"m2","choice":"b"}
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
    // A copy of the database before freezing: the same database and seed.
    std::fs::copy(d.join("t.db"), d.join("copy.db")).unwrap();
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
    assert_eq!(out, "froze mini as version 1.0.0: 3 file(s) in r1\n");
    let copy = run_db(
        d,
        "copy.db",
        &words("release freeze mini --version 1.0.0 --out r2 --as ops --yes"),
    );
    assert!(copy.status.success());
    let r1 = read_dir(&d.join("r1"));
    assert_eq!(
        r1,
        read_dir(&d.join("r2")),
        "two freezes of the same database and seed"
    );
    let names: Vec<&str> = r1.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Exam.jsonl", "README.md", "datapackage.json"]);

    // Only accepted items, with their pinned difficulty, departments, reviews and permutations.
    let data = String::from_utf8(r1[0].1.clone()).unwrap();
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
    let card = String::from_utf8(r1[1].1.clone()).unwrap();
    assert!(
        card.contains("| Exam | mcq | 20 | 20 | 6 | 10 | 4 | 0 |"),
        "{card}"
    );
    assert!(
        card.contains("- Absent: 0 of 5 items: the workspace has no such dataset"),
        "{card}"
    );
    assert_eq!(
        ok(d, &["release", "verify", "r1"]),
        "r1: 2 file(s) and 20 item(s) match datapackage.json\n"
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
    let conn = rusqlite::Connection::open(d.join("t.db")).unwrap();
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

#[test]
fn verify_names_what_differs() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 1 --name v --as ops"),
    );
    ok(
        d,
        &words("release freeze v --version 0.1.0 --out rel --as ops --yes"),
    );
    let fresh = |name: &str| {
        ok(d, &["release", "export", "v", "--out", name]);
        d.join(name)
    };
    // A changed byte.
    let p = fresh("byte");
    let mut bytes = std::fs::read(p.join("Exam.jsonl")).unwrap();
    let at = bytes.iter().position(|b| *b == b'A').unwrap();
    bytes[at] = b'B';
    std::fs::write(p.join("Exam.jsonl"), &bytes).unwrap();
    let e = err(d, &["release", "verify", "byte"]);
    assert!(e.starts_with("differs: Exam.jsonl: hash sha256:"), "{e}");
    assert!(
        e.ends_with("error: 1 difference(s) from datapackage.json\n"),
        "{e}"
    );
    // A missing file.
    let p = fresh("missing");
    std::fs::remove_file(p.join("README.md")).unwrap();
    assert_eq!(
        err(d, &["release", "verify", "missing"]),
        "differs: README.md: missing\nerror: 1 difference(s) from datapackage.json\n"
    );
    // An extra line (a duplicate of the last).
    let p = fresh("extra");
    let text = std::fs::read_to_string(p.join("Exam.jsonl")).unwrap();
    let last = text.lines().last().unwrap().to_string();
    std::fs::write(p.join("Exam.jsonl"), format!("{text}{last}\n")).unwrap();
    let e = err(d, &["release", "verify", "extra"]);
    assert!(e.contains("differs: Exam.jsonl: "), "{e}");
    assert!(e.contains("bytes, datapackage.json says"), "{e}");
    assert!(e.contains("is not after"), "{e}");
    assert!(
        e.contains("differs: Exam.jsonl: 21 items, datapackage.json says 20"),
        "{e}"
    );
    assert!(
        e.contains("differs: the files hold 21 items, datapackage.json says 20"),
        "{e}"
    );
    // An extra file.
    let p = fresh("stray");
    std::fs::write(p.join("notes.txt"), "x").unwrap();
    assert_eq!(
        err(d, &["release", "verify", "stray"]),
        "differs: notes.txt: not part of the release (not in datapackage.json)\nerror: 1 difference(s) from datapackage.json\n"
    );
    let e = err(d, &["release", "verify", "nowhere"]);
    assert!(e.contains("is nowhere a release directory?"), "{e}");
}
