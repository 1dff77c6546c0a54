//! Agreement, history and the review export, through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}
"#;

const PASS_ALL: &str = r#""verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}"#;
const FAIL_AC: &str = r#""verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{"fail":"答案应为A和B"},"distractor_plausibility":"pass"}"#;

/// q1 accepted by agreement; q2 disputed on answer correctness.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for (id, role) in [
        ("dr-a", "annotator"),
        ("dr-b", "annotator"),
        ("cur", "curator"),
        ("ops", "maintainer"),
    ] {
        ok(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    let line = |item: &str, verdicts: &str, dept: &str| {
        format!(r#"{{"dataset":"Exam","item":"{item}",{verdicts},"departments":["{dept}"]}}"#)
    };
    std::fs::write(
        d.join("a.jsonl"),
        format!(
            "{}\n{}\n",
            line("q1", PASS_ALL, "hematology"),
            line("q2", PASS_ALL, "hematology")
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("b.jsonl"),
        format!(
            "{}\n{}\n",
            line("q1", PASS_ALL, "hematology"),
            line("q2", FAIL_AC, "血液内科")
        ),
    )
    .unwrap();
    ok(d, &words("reviews import a.jsonl --as dr-a"));
    ok(d, &words("reviews import b.jsonl --as dr-b"));
    dir
}

#[test]
fn agreement_as_json_names_criteria_by_id_and_never_prints_nan() {
    let dir = setup();
    let d = dir.path();
    let out = ok(d, &["agreement", "--json"]);
    assert!(!out.contains("NaN"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pairs"], 2);
    // Answer correctness: one pair agrees (pass/pass), one does not. a passes 2/2, b 1/2:
    // po = 0.5, pe = 1*0.5 + 0*0.5 = 0.5, kappa = 0.
    let ac = &v["criteria"]["answer_correctness"];
    assert_eq!(ac["pairs"], 2);
    assert_eq!(ac["kappa"], 0.0);
    assert_eq!(ac["percent_agreement"], 50.0);
    // Everyone passed clinical validity: kappa undefined, said in words.
    let cv = &v["criteria"]["clinical_validity"];
    assert_eq!(cv["kappa"], serde_json::Value::Null);
    assert_eq!(cv["kappa_note"], "undefined: only one label was used");
    assert_eq!(v["criteria"]["rubric_match"]["kappa_note"], "no pairs");
    assert_eq!(v["departments"]["exact_set_percent"], 100.0);
    assert_eq!(v["datasets"]["Exam"]["pairs"], 2);
    assert_eq!(
        v["reviewer_pairs"].as_array().unwrap().len(),
        0,
        "under 20 items"
    );
    assert_eq!(v["per_reviewer_day"].as_array().unwrap().len(), 2);

    let text = ok(d, &["agreement", "--dataset", "Exam"]);
    assert!(
        text.starts_with("Agreement, Exam: 2 review pair(s)\n"),
        "{text}"
    );
    let row = |id: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(id))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    assert_eq!(
        row("clinical_validity"),
        "clinical_validity 2 100.0% undefined: only one label was used"
    );
    assert_eq!(row("answer_correctness"), "answer_correctness 2 50.0% 0.00");
    assert_eq!(
        err(d, &["agreement", "--dataset", "Nope"]),
        "error: there is no dataset \"Nope\"; `medcurate status` lists them\n"
    );
}

#[test]
fn agreement_on_an_empty_workspace_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    assert_eq!(
        ok(d, &["agreement"]),
        "Agreement, all datasets: 0 review pair(s)\nNo item has two submitted reviews yet; agreement needs pairs of reviews.\n"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(d, &["agreement", "--json"])).unwrap();
    assert_eq!(
        v["criteria"]["natural_plausible"]["kappa"],
        serde_json::Value::Null
    );
}

#[test]
fn history_shows_reviews_only_once_the_pair_is_settled() {
    let dir = setup();
    let d = dir.path();
    let h = ok(d, &words("history Exam/q2 --as cur"));
    assert!(
        h.starts_with("Exam/q2: needs_curation at revision 1\n"),
        "{h}"
    );
    assert!(h.contains("answer_correctness: FAIL (答案应为A和B)"), "{h}");
    // The event log reads as sentences.
    assert!(
        h.contains("submitted a review of revision 1: fail on answer correctness"),
        "{h}"
    );
    assert!(
        h.contains("Both reviews of revision 1 were in; it went to a curator"),
        "{h}"
    );
    assert!(!h.contains("item_settled"), "{h}");
    let h = ok(d, &words("history Exam/q1 --as ops"));
    assert!(
        h.starts_with("Exam/q1: accepted at revision 1, departments hematology\n"),
        "{h}"
    );
    let e = err(d, &words("history Exam/q1 --as dr-a"));
    assert!(e.contains("dr-a is not a curator"), "{e}");
    let e = err(d, &words("history q1 --as cur"));
    assert!(e.contains("give the item as DATASET/ID"), "{e}");
    let e = err(d, &words("history Exam/q9 --as cur"));
    assert!(e.contains("there is no item Exam/q9"), "{e}");
}

#[test]
fn the_export_holds_settled_items_only() {
    let dir = setup();
    let d = dir.path();
    let out = ok(d, &words("reviews export --out reviews.jsonl --as ops"));
    assert_eq!(
        out,
        "wrote 2 review(s) and 0 decision(s) of settled items to reviews.jsonl\n"
    );
    let text = std::fs::read_to_string(d.join("reviews.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .all(|l| l["item_id"] == "q1" && l["record"] == "review")
    );
    assert_eq!(lines[0]["reviewer"], "dr-a");
    assert_eq!(lines[0]["departments"][0], "hematology");
    // The same database exports the same bytes.
    ok(d, &words("reviews export --out again.jsonl --as cur"));
    assert_eq!(
        std::fs::read(d.join("again.jsonl")).unwrap(),
        text.as_bytes()
    );
    let e = err(d, &words("reviews export --out x.jsonl --as dr-a"));
    assert!(e.contains("dr-a is not a curator"), "{e}");
    assert!(!d.join("x.jsonl").exists());
}

#[test]
fn a_curator_reopens_a_decided_item_from_the_command_line() {
    let dir = setup();
    let d = dir.path();
    fn reopen<'a>(item: &'a str, who: &'a str) -> [&'a str; 7] {
        [
            "curate",
            "--reopen",
            item,
            "--reason",
            "抽查：答案需复核",
            "--as",
            who,
        ]
    }
    let a = reopen("Exam/q1", "cur");
    assert_eq!(
        ok(d, &a),
        "Reopened Exam/q1 (revision 1, accepted): it is back in the curation queue. \
         `medcurate curate` decides it again.\n"
    );
    let h = ok(d, &words("history Exam/q1 --as cur"));
    assert!(
        h.starts_with("Exam/q1: needs_curation at revision 1\n"),
        "{h}"
    );
    assert!(h.contains("revision 1: reopen by cur at "), "{h}");
    assert!(h.contains("; reason: 抽查：答案需复核\n"), "{h}");
    assert!(
        h.contains("  cur reopened revision 1: 抽查：答案需复核\n"),
        "{h}"
    );
    let listed = ok(d, &words("items --dataset Exam --state needs_curation"));
    assert!(listed.contains("q1") && listed.contains("q2"), "{listed}");

    // Refused, each in words: waiting already, an annotator, no such item, no DATASET/.
    assert_eq!(
        err(d, &a),
        "error: Exam/q1 is waiting for a curator already; decide it from the curation queue\n"
    );
    let e = err(d, &reopen("Exam/q1", "dr-a"));
    assert!(e.contains("dr-a is not a curator"), "{e}");
    assert_eq!(
        err(d, &reopen("Exam/q9", "cur")),
        "error: there is no item Exam/q9; `medcurate items --dataset Exam` lists them\n"
    );
    let e = err(d, &reopen("q1", "cur"));
    assert!(e.contains("give the item to reopen as DATASET/ID"), "{e}");
    // --reopen needs --reason.
    let out = common::run(d, &words("curate --reopen Exam/q1 --as cur"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reason"));
}

#[test]
fn history_shows_a_revision_note() {
    use medcurate::domain::curation::{Decision, editable_text, parse_revision};
    let dir = setup();
    let d = dir.path();
    {
        let mut store = medcurate::store::Store::open(&common::backend::db_at(d, "t.db")).unwrap();
        let case = store.curation_case("cur", "Exam", "q2").unwrap().unwrap();
        let edited = editable_text(&case.item.body).replace("大细胞性", "大细胞性贫血");
        let body = parse_revision(&edited, "Exam", "q2", case.item.body.kind()).unwrap();
        store
            .decide(
                "cur",
                "Exam",
                "q2",
                1,
                Decision::Revise {
                    body: Box::new(body),
                    note: Some("改正选项B的措辞".into()),
                },
            )
            .unwrap();
    }
    let h = ok(d, &words("history Exam/q2 --as cur"));
    assert!(h.contains("revision 1: revise by cur at "), "{h}");
    assert!(
        h.contains("; new revision 2; note for the reviewers: 改正选项B的措辞\n"),
        "{h}"
    );
    assert!(
        h.contains(
            "cur revised revision 1 into revision 2, which goes back to two reviewers; the note for them: 改正选项B的措辞\n"
        ),
        "{h}"
    );
}

/// A workspace like `setup`'s with the same people and items and no reviews.
fn fresh() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for (id, role) in [
        ("dr-a", "annotator"),
        ("dr-b", "annotator"),
        ("ops", "maintainer"),
    ] {
        ok(d, &["people", "add", id, "--name", id, "--role", role]);
    }
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    dir
}

/// The export's lines without the time each review was stored, which an import sets anew.
fn untimed(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("submitted_at");
            v
        })
        .collect()
}

#[test]
fn an_exported_reviews_file_imports_back_as_it_is() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("reviews export --out reviews.jsonl --as ops"));
    let exported = std::fs::read_to_string(d.join("reviews.jsonl")).unwrap();
    // Into the same workspace: every review is there already.
    assert_eq!(
        ok(d, &words("reviews import reviews.jsonl --as ops")),
        "0 review(s) submitted for dr-a, dr-b by ops: 0 item(s) accepted, 0 sent to curation, 0 waiting for a second review; 2 already stored (unchanged, nothing written)\n"
    );
    // Into a new workspace with the same items, curators' decisions and all: the reviews are
    // the reviewers' again, and export as they were.
    let new = fresh();
    let n = new.path();
    let decision = r#"{"record":"decision","dataset":"Exam","item_id":"q2","revision_no":1,"curator":"cur","action":"accept","departments":["hematology"],"at":"2026-01-01T00:00:00Z"}"#;
    std::fs::write(n.join("reviews.jsonl"), format!("{exported}{decision}\n")).unwrap();
    // Every line of it is a line of a reviews file, by schemas/review.schema.json.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/review.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let schema = jsonschema::draft202012::new(&schema).unwrap();
    for line in exported.lines().chain([decision]) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            schema.is_valid(&v),
            "not a reviews line by the schema: {line}"
        );
    }
    let mut both =
        serde_json::from_str::<serde_json::Value>(exported.lines().next().unwrap()).unwrap();
    both["item"] = both["item_id"].clone();
    assert!(!schema.is_valid(&both), "item and item_id together");
    let e = err(n, &words("reviews import reviews.jsonl --as dr-a"));
    assert!(
        e.contains("reviews.jsonl names its reviewers (dr-a, dr-b); only a maintainer imports reviews for others"),
        "{e}"
    );
    assert_eq!(
        ok(n, &words("reviews import reviews.jsonl --as ops")),
        "2 review(s) submitted for dr-a, dr-b by ops: 1 item(s) accepted, 0 sent to curation, 1 waiting for a second review; 1 curator decision(s) left out (decisions are made on the curation screen)\n"
    );
    ok(n, &words("reviews export --out back.jsonl --as ops"));
    let back = std::fs::read_to_string(n.join("back.jsonl")).unwrap();
    assert_eq!(untimed(&back), untimed(&exported));
    // A review counts only for the revision it was made on.
    let other = fresh();
    let o = other.path();
    std::fs::write(
        o.join("r2.jsonl"),
        exported.replace(r#""revision_no":1"#, r#""revision_no":2"#),
    )
    .unwrap();
    let e = err(o, &words("reviews import r2.jsonl --as ops"));
    assert!(
        e.starts_with("error: r2.jsonl:1: this is dr-a's review of revision 2, but Exam/q1 is at revision 1; a review counts only for the revision it was made on\n"),
        "{e}"
    );
}
