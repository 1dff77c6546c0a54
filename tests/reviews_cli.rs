//! Reviews made outside the terminal, identities, and settings, through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok};

use std::path::Path;

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for id in ["dr-a", "dr-b", "dr-c"] {
        ok(
            d,
            &["people", "add", id, "--name", id, "--role", "annotator"],
        );
    }
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &["import", "items.jsonl", "--dataset", "Exam"]);
    dir
}

fn write(dir: &Path, name: &str, lines: &[&str]) {
    std::fs::write(
        dir.join(name),
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

const PASS_ALL: &str = r#""verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}"#;

#[test]
fn a_typed_up_review_sheet_is_submitted_under_the_screens_rules() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "a.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["血液内科"]}}"#),
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
        ],
    );
    assert_eq!(
        ok(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]),
        "2 review(s) submitted as dr-a: 0 item(s) accepted, 0 sent to curation, 2 waiting for a second review\n"
    );
    write(
        d,
        "b.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["hematology"]}}"#),
            r#"{"dataset":"Exam","item":"q2","verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{"fail":"答案应为A和B"},"distractor_plausibility":"pass"},"departments":["hematology"]}"#,
        ],
    );
    assert_eq!(
        ok(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"]),
        "2 review(s) submitted as dr-b: 1 item(s) accepted, 1 sent to curation, 0 waiting for a second review\n"
    );
    let status = ok(d, &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["datasets"][0]["states"]["accepted"], 1);
    assert_eq!(v["datasets"][0]["states"]["needs_curation"], 1);
    // A third reviewer, and settled items, are refused; nothing of the file is written.
    write(
        d,
        "c.jsonl",
        &[&format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL}}}"#)],
    );
    assert_eq!(
        err(d, &["reviews", "import", "c.jsonl", "--as", "dr-c"]),
        "error: c.jsonl:1: Exam/q1 is already settled (accepted); it takes no more reviews\nerror: 1 review(s) refused; no review was submitted\n"
    );
}

#[test]
fn an_incomplete_or_malformed_sheet_submits_nothing() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "bad.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL}}}"#),
            r#"{"dataset":"Exam","item":"q2","verdicts":{"natural_plausible":"pass","rubric_match":"pass"}}"#,
        ],
    );
    let e = err(d, &["reviews", "import", "bad.jsonl", "--as", "dr-a"]);
    assert_eq!(
        e,
        "error: bad.jsonl:2: the review is not complete: Clinical validity has no verdict yet; Answer correctness has no verdict yet; Distractor plausibility has no verdict yet; Rubric matches question does not apply to this item\nerror: 1 review(s) refused; no review was submitted\n"
    );
    // Line 1 was valid, but the file is all or nothing: no review row exists.
    let conn = common::backend::raw_at(d, "t.db");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    write(
        d,
        "typo.jsonl",
        &[r#"{"dataset":"Exam","item":"q1","verdicts":{"natural":"pass"}}"#],
    );
    assert_eq!(
        err(d, &["reviews", "import", "typo.jsonl", "--as", "dr-a"]),
        "error: typo.jsonl:1: field `verdicts.natural`: is not a criterion; use natural_plausible, clinical_validity, answer_correctness, distractor_plausibility, rubric_match\nerror: 1 problem(s); no review was submitted\n"
    );
    write(
        d,
        "one.jsonl",
        &[&format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL}}}"#)],
    );
    assert!(
        ok(d, &["reviews", "import", "one.jsonl", "--as", "dr-a"])
            .starts_with("1 review(s) submitted")
    );
}

#[test]
fn identities_are_checked() {
    let dir = setup();
    let d = dir.path();
    ok(
        d,
        &[
            "people", "add", "cur", "--name", "Curator", "--role", "curator",
        ],
    );
    ok(
        d,
        &[
            "people",
            "add",
            "bound",
            "--name",
            "Bound",
            "--role",
            "annotator",
            "--os-user",
            "someone-else-xyz",
        ],
    );
    write(
        d,
        "r.jsonl",
        &[&format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL}}}"#)],
    );
    let e = err(d, &["reviews", "import", "r.jsonl", "--as", "bound"]);
    assert!(
        e.contains("bound is bound to the OS account \"someone-else-xyz\""),
        "{e}"
    );
    let e = err(d, &["reviews", "import", "r.jsonl", "--as", "cur"]);
    assert!(
        e.contains("cur is not an annotator (roles: curator); a maintainer (")
            && e.contains("can grant it: medcurate people grant cur --role annotator"),
        "{e}"
    );
    ok(d, &["people", "grant", "cur", "--role", "annotator"]);
    // The config file names who to act as when --as is not given.
    std::fs::write(d.join("config.toml"), "identity = \"cur\"\n").unwrap();
    assert!(ok(d, &["reviews", "import", "r.jsonl"]).contains("submitted as cur"));
    std::fs::write(d.join("config.toml"), "identity = \"ghost\"\n").unwrap();
    let e = err(d, &["reviews", "import", "r.jsonl"]);
    assert!(
        e.contains("there is no person \"ghost\"; register them with: medcurate people add ghost"),
        "{e}"
    );
}

#[test]
fn the_claim_lease_is_a_workspace_setting() {
    let dir = setup();
    let d = dir.path();
    assert!(ok(d, &["settings"]).starts_with("review.lease_hours = 24 (default)"));
    assert_eq!(
        ok(d, &["settings", "review.lease_hours", "8"]),
        "review.lease_hours = 8\n"
    );
    assert_eq!(ok(d, &["settings", "review.lease_hours"]), "8\n");
    let e = err(d, &["settings", "review.lease_hours", "soon"]);
    assert_eq!(
        e,
        "error: review.lease_hours must be a whole number of hours, at least 1\n"
    );
    let e = err(d, &["settings", "colour", "blue"]);
    assert_eq!(
        e,
        "error: unknown setting \"colour\"; settings are: review.lease_hours, disputes.threshold, review.control_rate, and routing.DATASET\n"
    );
}

fn count(dir: &Path, sql: &str) -> i64 {
    let conn = common::backend::raw_at(dir, "t.db");
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_reviews_file_imported_again_is_already_stored_not_refused() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "a.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["hematology"]}}"#),
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
        ],
    );
    ok(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]);
    let events = "SELECT count(*) FROM events";
    let before = count(d, events);
    // The first run committed (say it was killed just after): a second run of the same file
    // writes nothing and logs nothing, with the items still waiting for a second review.
    assert_eq!(
        ok(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"]),
        "0 review(s) submitted as dr-a: 0 item(s) accepted, 0 sent to curation, 0 waiting for a second review; 2 already stored (unchanged, nothing written)\n"
    );
    assert_eq!(count(d, events), before);
    assert_eq!(
        count(
            d,
            "SELECT count(*) FROM events WHERE action = 'review_changed'"
        ),
        0
    );
    // Once the items are settled, the same file still reads as already stored ...
    write(
        d,
        "b.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["hematology"]}}"#),
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
        ],
    );
    ok(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"]);
    let before = count(d, events);
    assert!(
        ok(d, &["reviews", "import", "b.jsonl", "--as", "dr-b"])
            .ends_with("; 2 already stored (unchanged, nothing written)\n")
    );
    assert!(
        ok(d, &["reviews", "import", "a.jsonl", "--as", "dr-a"])
            .ends_with("; 2 already stored (unchanged, nothing written)\n")
    );
    assert_eq!(count(d, events), before);
    // ... while a review that differs from the stored one is refused, as before.
    write(
        d,
        "changed.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
            &format!(
                r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["gastroenterology"]}}"#
            ),
        ],
    );
    assert_eq!(
        err(d, &["reviews", "import", "changed.jsonl", "--as", "dr-a"]),
        "error: changed.jsonl:2: Exam/q1 is already settled (accepted); reviews of it can no longer change\nerror: 1 review(s) refused; no review was submitted\n"
    );
}

#[test]
fn an_item_twice_in_one_reviews_file_is_refused() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "twice.jsonl",
        &[
            &format!(r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["hematology"]}}"#),
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
            &format!(
                r#"{{"dataset":"Exam","item":"q1",{PASS_ALL},"departments":["gastroenterology"]}}"#
            ),
            r#"{"dataset":"Exam","item":"q2","verdicts":{"natural":"pass"}}"#,
            &format!(r#"{{"dataset":"Exam","item":"q2",{PASS_ALL},"departments":["hematology"]}}"#),
        ],
    );
    // Every problem in one run, in line order; nothing written.
    assert_eq!(
        err(d, &["reviews", "import", "twice.jsonl", "--as", "dr-a"]),
        "error: twice.jsonl:3: field `item`: Exam/q1 is reviewed on line 1 of this file too; give each item once: keep the review you mean and delete the other line\n\
         error: twice.jsonl:4: field `verdicts.natural`: is not a criterion; use natural_plausible, clinical_validity, answer_correctness, distractor_plausibility, rubric_match\n\
         error: twice.jsonl:5: field `item`: Exam/q2 is reviewed on line 2 of this file too; give each item once: keep the review you mean and delete the other line\n\
         error: 3 problem(s); no review was submitted\n"
    );
    assert_eq!(count(d, "SELECT count(*) FROM reviews"), 0);
    assert_eq!(
        count(
            d,
            "SELECT count(*) FROM events WHERE action LIKE 'review_%'"
        ),
        0
    );
}

#[test]
fn verdicts_as_the_export_writes_them_are_read() {
    let dir = setup();
    let d = dir.path();
    write(
        d,
        "x.jsonl",
        &[
            r#"{"record":"review","dataset":"Exam","item_id":"q1","verdicts":{"natural_plausible":{"verdict":"pass"},"clinical_validity":{"verdict":"pass"},"answer_correctness":{"verdict":"fail","reason":"答案应为A和B"},"distractor_plausibility":"pass"}}"#,
        ],
    );
    assert_eq!(
        ok(d, &["reviews", "import", "x.jsonl", "--as", "dr-a"]),
        "1 review(s) submitted as dr-a: 0 item(s) accepted, 0 sent to curation, 1 waiting for a second review\n"
    );
    write(
        d,
        "y.jsonl",
        &[
            r#"{"record":"note","dataset":"Exam","item":"q2","item_id":"q2","verdicts":{"natural_plausible":{"verdict":"fail"}}}"#,
        ],
    );
    assert_eq!(
        err(d, &["reviews", "import", "y.jsonl", "--as", "dr-a"]),
        "error: y.jsonl:1: field `record`: \"note\" is not a record of a reviews file; use \"review\" or \"decision\"\n\
         error: y.jsonl:1: field `item_id`: is given with `item`; they name the same thing: keep one\n\
         error: y.jsonl:1: field `verdicts.natural_plausible`: must be \"pass\" or {\"fail\": \"a short reason\"} (or, as `reviews export` writes them, {\"verdict\": \"pass\"} or {\"verdict\": \"fail\", \"reason\": \"...\"})\n\
         error: 3 problem(s); no review was submitted\n"
    );
}
