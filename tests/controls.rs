//! Control items: marked all or none, mixed into claims at the maintainer's rate (never
//! alone), reviewed by any number of physicians but never one twice, never settling a pair,
//! never in curation or agreement, scored per physician, and never told apart by a
//! physician through any command.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};
use medcurate::domain::controls::{ControlLine, RATE_SETTING, parse_line};
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::ItemState;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::{ControlsSeen, Store, SubmitOutcome};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn item(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","kind":"mcq","stem":"题干{id}：维生素C缺乏可引起","options":[{{"label":"A","text":"坏血病"}},{{"label":"B","text":"脚气病"}}],"answer":"A"}}"#
    )
}

fn import_items(store: &mut Store, dir: &Path, ids: &[&str], revise: bool) -> bool {
    let lines: String = ids.iter().map(|id| item(id) + "\n").collect();
    let file = dir.join("items.jsonl");
    std::fs::write(&file, lines).unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: "Exam".into(),
        format: Format::Native,
        revise,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "m".into(),
    };
    import(store, &opts, &mut |_, _| {}).unwrap().committed
}

const ANNOTATORS: [&str; 5] = ["a1", "a2", "a3", "a4", "a5"];

fn setup(ids: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    let mut people = vec![("m", Role::Maintainer)];
    people.extend(ANNOTATORS.iter().map(|a| (*a, Role::Annotator)));
    for (id, role) in people {
        let p = Person {
            id: id.into(),
            name: format!("Dr {id}"),
            roles: vec![role],
            os_user: None,
        };
        store.add_person(&p, "m").unwrap();
    }
    assert!(import_items(&mut store, dir.path(), ids, false));
    (dir, store)
}

fn control(item: &str, expected: &[(Criterion, bool)]) -> ControlLine {
    ControlLine {
        dataset: "Exam".into(),
        item: item.into(),
        expected: expected.iter().copied().collect(),
    }
}

/// Marks `items` as controls expecting a failed answer and a valid case.
fn mark(store: &mut Store, items: &[&str]) {
    let lines: Vec<(usize, ControlLine)> = items
        .iter()
        .enumerate()
        .map(|(n, id)| {
            (
                n + 1,
                control(
                    id,
                    &[
                        (Criterion::AnswerCorrectness, false),
                        (Criterion::ClinicalValidity, true),
                    ],
                ),
            )
        })
        .collect();
    let done = store.mark_controls("m", &lines, false).unwrap().unwrap();
    assert_eq!(done.marked, items.len());
}

/// A review passing every criterion, or failing the answer.
fn content(store: &Store, item: &str, fail_answer: bool) -> ReviewContent {
    let body = store.item("Exam", item).unwrap().unwrap().item.body;
    let mut r = ReviewContent::default();
    for c in applicable(&body) {
        let v = if fail_answer && c == Criterion::AnswerCorrectness {
            Verdict::Fail {
                reason: "答案应为B".into(),
            }
        } else {
            Verdict::Pass
        };
        r.verdicts.insert(c, v);
    }
    r.departments = vec!["no-department".into()];
    r
}

/// Claims and submits; gives the item and what the submission did.
fn review(store: &mut Store, who: &str, fail_answer: bool) -> Option<(String, SubmitOutcome)> {
    let a = store.claim_next(who, Some("Exam")).unwrap()?;
    let r = content(store, &a.item.id, fail_answer);
    let out = store.submit_review(who, a.review_id, &r).unwrap();
    Some((a.item.id, out))
}

fn available(store: &Store, who: &str) -> u64 {
    store.review_queue(who).unwrap()[0].available
}

#[test]
fn marking_is_all_or_none_and_names_every_problem() {
    let (_d, mut store) = setup(&["q1", "q2", "q3"]);
    review(&mut store, "a1", false);
    let lines = vec![
        (1, control("q2", &[(Criterion::AnswerCorrectness, false)])),
        (2, control("q1", &[(Criterion::AnswerCorrectness, false)])),
        (3, control("nope", &[(Criterion::AnswerCorrectness, false)])),
        (4, control("q3", &[(Criterion::RubricMatch, true)])),
        (5, control("q2", &[(Criterion::AnswerCorrectness, true)])),
    ];
    let refused = store
        .mark_controls("m", &lines, false)
        .unwrap()
        .unwrap_err();
    let lines_refused: Vec<usize> = refused.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines_refused, [2, 3, 4, 5], "{refused:?}");
    assert!(refused[0].1.contains("has been reviewed"), "{refused:?}");
    assert!(refused[1].1.contains("there is no item"), "{refused:?}");
    assert!(
        refused[2].1.contains("rubric_match does not apply"),
        "{refused:?}"
    );
    assert!(refused[3].1.contains("line 1 too"), "{refused:?}");
    // Nothing written: q2 is still an ordinary item.
    assert!(store.controls("m", None).unwrap().is_empty());
    // Only a maintainer marks.
    let e = store
        .mark_controls("a1", &lines[..1], false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("maintainer"), "{e}");
    // Marked twice with the same verdicts: unchanged; with others: refused.
    mark(&mut store, &["q2"]);
    let again = control(
        "q2",
        &[
            (Criterion::AnswerCorrectness, false),
            (Criterion::ClinicalValidity, true),
        ],
    );
    let done = store
        .mark_controls("m", &[(1, again)], false)
        .unwrap()
        .unwrap();
    assert_eq!((done.marked, done.unchanged), (0, 1));
    let other = control("q2", &[(Criterion::AnswerCorrectness, true)]);
    assert!(
        store
            .mark_controls("m", &[(1, other)], false)
            .unwrap()
            .is_err()
    );
}

#[test]
fn controls_come_at_the_rate_beside_items_and_never_alone() {
    let (_d, mut store) = setup(&["q1", "q2", "c1", "c2"]);
    mark(&mut store, &["c1", "c2"]);
    store.set_setting(RATE_SETTING, "1", "m").unwrap();
    // Every claim gives a control while the queue has an item for the physician too.
    assert_eq!(available(&store, "a1"), 4, "q1, q2 and the two controls");
    let (first, out) = review(&mut store, "a1", false).unwrap();
    assert!(first.starts_with('c'), "{first}");
    assert_eq!(out, SubmitOutcome::Waiting);
    assert_eq!(available(&store, "a1"), 3, "one fewer at every claim");
    let (second, _) = review(&mut store, "a1", false).unwrap();
    assert!(second.starts_with('c') && second != first, "{second}");
    // No control left for a1: the queue's items.
    assert_eq!(review(&mut store, "a1", false).unwrap().0, "q1");
    assert_eq!(review(&mut store, "a1", false).unwrap().0, "q2");
    assert_eq!(review(&mut store, "a1", false), None);

    // a2 and a3 finish the queue's items; a4 then finds only controls, and gets nothing.
    assert!(review(&mut store, "a2", false).unwrap().0.starts_with('c'));
    store.set_setting(RATE_SETTING, "0", "m").unwrap();
    assert_eq!(review(&mut store, "a2", false).unwrap().0, "q1");
    assert_eq!(review(&mut store, "a3", false).unwrap().0, "q2");
    store.set_setting(RATE_SETTING, "1", "m").unwrap();
    assert_eq!(
        available(&store, "a4"),
        0,
        "controls are never counted alone"
    );
    assert!(store.claim_next("a4", Some("Exam")).unwrap().is_none());
}

#[test]
fn a_control_takes_any_number_of_reviewers_once_each_and_never_settles() {
    let (_d, mut store) = setup(&["c1", "q1", "q2", "q3"]);
    mark(&mut store, &["c1"]);
    store.set_setting(RATE_SETTING, "1", "m").unwrap();
    // Five physicians review c1, three of them failing the answer as expected.
    for (n, who) in ANNOTATORS.iter().enumerate() {
        let (id, out) = review(&mut store, who, n < 3).unwrap();
        assert_eq!((id.as_str(), out), ("c1", SubmitOutcome::Waiting), "{who}");
    }
    let c1 = store.item("Exam", "c1").unwrap().unwrap();
    assert_eq!(c1.state.as_str(), "in_review");
    // Never to curation: nothing waits for a curator.
    let status = store.status().unwrap();
    assert_eq!(status[0].count(ItemState::NeedsCuration), 0);
    // Five reviews of one revision, none of them a pair for agreement.
    assert_eq!(store.agreement(None).unwrap().overall.items, 0);
    let rows = store.controls("m", None).unwrap();
    assert_eq!((rows[0].reviews, rows[0].all_right), (5, 3));

    // Accuracy: the criteria expected are answer_correctness (fail) and clinical_validity
    // (pass); every reviewer passed clinical validity.
    let scores = store.control_scores("m", None).unwrap();
    assert_eq!(scores.len(), 5);
    let a1 = &scores["a1"];
    assert_eq!((a1.reviews, a1.criteria, a1.criteria_right), (1, 2, 2));
    assert_eq!(a1.outcomes_right, 1);
    let a5 = &scores["a5"];
    assert_eq!((a5.criteria_right, a5.outcomes_right), (1, 0));
    assert!(
        store.control_scores("a1", None).is_err(),
        "maintainers only"
    );

    // Never twice, and the pair flow goes on beside it: q1 settles with two reviews.
    assert_eq!(
        review(&mut store, "a1", false).unwrap(),
        ("q1".into(), SubmitOutcome::Waiting)
    );
    assert_eq!(
        review(&mut store, "a2", false).unwrap(),
        ("q1".into(), SubmitOutcome::Accepted)
    );
    assert_eq!(store.agreement(None).unwrap().overall.items, 1);
}

#[test]
fn retired_controls_are_given_to_no_one_and_controls_are_never_revised() {
    let (d, mut store) = setup(&["c1", "q1"]);
    mark(&mut store, &["c1"]);
    store.set_setting(RATE_SETTING, "1", "m").unwrap();
    store.retire_control("m", "Exam", "c1").unwrap();
    assert_eq!(available(&store, "a1"), 1);
    assert_eq!(review(&mut store, "a1", false).unwrap().0, "q1");
    assert!(store.retire_control("m", "Exam", "c1").is_err());
    assert!(store.retire_control("m", "Exam", "q1").is_err());

    // A changed c1 with --revise is refused whole: the control keeps its revision.
    let lines = format!(
        "{}\n{}\n",
        item("c1").replace("坏血病", "佝偻病"),
        item("q9")
    );
    std::fs::write(d.path().join("items.jsonl"), lines).unwrap();
    let opts = ImportOptions {
        files: vec![d.path().join("items.jsonl")],
        dataset: "Exam".into(),
        format: Format::Native,
        revise: true,
        skip_invalid: false,
        rejects_dir: d.path().to_path_buf(),
        actor: "m".into(),
    };
    let mut problems = Vec::new();
    let report = import(&mut store, &opts, &mut |_, e| {
        problems.push(format!("{e:?}"))
    })
    .unwrap();
    assert!(!report.committed);
    assert!(store.item("Exam", "q9").unwrap().is_none());
    assert_eq!(store.item("Exam", "c1").unwrap().unwrap().revision_no, 1);
}

#[test]
fn the_item_list_shows_a_control_to_its_reviewer_as_an_item_in_review() {
    let (_d, mut store) = setup(&["c1", "q1"]);
    mark(&mut store, &["c1"]);
    store.set_setting(RATE_SETTING, "1", "m").unwrap();
    for who in ["a1", "a2", "a3"] {
        assert_eq!(review(&mut store, who, false).unwrap().0, "c1");
    }
    let rows = |seen| {
        let mut out = Vec::new();
        store
            .for_each_item(None, None, seen, |r| {
                out.push((r.id, r.submitted, r.in_progress, r.control));
                Ok(())
            })
            .unwrap();
        out
    };
    // Each reviewer sees their own review only, as of an item whose other review is not in.
    assert_eq!(
        rows(ControlsSeen::AsSeenBy(Some("a2")))[0],
        ("c1".into(), 1, 0, false)
    );
    assert_eq!(
        rows(ControlsSeen::AsSeenBy(Some("a4")))[0],
        ("c1".into(), 0, 0, false)
    );
    assert_eq!(
        rows(ControlsSeen::AsSeenBy(None))[0],
        ("c1".into(), 0, 0, false)
    );
    assert_eq!(rows(ControlsSeen::Shown)[0], ("c1".into(), 3, 0, true));
}

#[test]
fn parse_line_reads_the_documented_form() {
    let l =
        parse_line(r#"{"dataset":"Exam","item":"c1","expected":{"answer_correctness":"fail"}}"#)
            .unwrap();
    assert_eq!(l.item, "c1");
}

// The commands a physician can run, as they run them: nothing tells a control apart.

const CLI_ITEMS: &str = concat!(
    r#"{"id":"c1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"B"}"#,
    "\n",
    r#"{"id":"q1","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}"#,
    "\n",
    r#"{"id":"q2","kind":"mcq","stem":"胃溃疡最常见的并发症是","options":[{"label":"A","text":"出血"},{"label":"B","text":"癌变"}],"answer":"A"}"#,
    "\n"
);

fn review_line(item: &str) -> String {
    format!(
        r#"{{"dataset":"Exam","item":"{item}","verdicts":{{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}},"departments":["no-department"]}}"#
    )
}

/// Keys of a JSON value, nested, as paths.
fn keys(v: &Value, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}.{k}");
                out.insert(p.clone());
                if k != "body" {
                    keys(x, &p, out);
                }
            }
        }
        Value::Array(a) => {
            for x in a {
                keys(x, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

fn claim_json(d: &Path, who: &str) -> Value {
    serde_json::from_str(&ok(d, &words(&format!("reviews claim --json --as {who}")))).unwrap()
}

#[test]
fn no_command_a_physician_runs_tells_a_control_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    for who in ["dr-a", "dr-b", "dr-c"] {
        ok(
            d,
            &words(&format!("people add {who} --name {who} --role annotator")),
        );
    }
    std::fs::write(d.join("items.jsonl"), CLI_ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    std::fs::write(
        d.join("controls.jsonl"),
        r#"{"dataset":"Exam","item":"c1","expected":{"answer_correctness":"fail","clinical_validity":"pass"}}
{"dataset":"Exam","item":"q9","expected":{"answer_correctness":"wrong"}}
"#,
    )
    .unwrap();
    // Both lines' problems, by line and field, and nothing marked.
    let e = err(d, &words("controls import controls.jsonl"));
    assert!(
        e.contains("controls.jsonl:2") && e.contains("expected.answer_correctness"),
        "{e}"
    );
    assert!(ok(d, &words("controls list")).contains("no controls yet"));
    std::fs::write(
        d.join("controls.jsonl"),
        r#"{"dataset":"Exam","item":"c1","expected":{"answer_correctness":"fail","clinical_validity":"pass"}}
"#,
    )
    .unwrap();
    let out = ok(d, &words("controls import controls.jsonl"));
    assert!(out.contains("1 control(s) marked"), "{out}");
    ok(d, &words("settings review.control_rate 1"));
    // Physicians cannot list or score controls.
    let e = err(d, &words("controls list --as dr-a"));
    assert!(e.contains("maintainer"), "{e}");
    assert!(err(d, &words("controls scores --as dr-a")).contains("maintainer"));

    // dr-a's claim is the control; dr-b's, with no control... also the control; so take an
    // ordinary item's claim at rate 0 to compare.
    let control_claim = claim_json(d, "dr-a");
    assert_eq!(control_claim["item"], "c1");
    ok(d, &words("settings review.control_rate 0"));
    let item_claim = claim_json(d, "dr-b");
    assert_eq!(item_claim["item"], "q1");
    let (mut kc, mut ki) = (BTreeSet::new(), BTreeSet::new());
    keys(&control_claim, "", &mut kc);
    keys(&item_claim, "", &mut ki);
    assert_eq!(kc, ki, "a control's claim has the fields of any claim");

    // Submitted the same way, with the same answer.
    std::fs::write(d.join("a.jsonl"), review_line("c1") + "\n").unwrap();
    let a_out = ok(d, &words("reviews import a.jsonl --as dr-a"));
    std::fs::write(d.join("b.jsonl"), review_line("q1") + "\n").unwrap();
    let b_out = ok(d, &words("reviews import b.jsonl --as dr-b"));
    assert_eq!(a_out.replace("dr-a", "X"), b_out.replace("dr-b", "X"));
    // A review of an item no one gave them, imported straight away: a control takes it as an
    // open item does.
    std::fs::write(d.join("c.jsonl"), review_line("c1") + "\n").unwrap();
    let c_control = ok(d, &words("reviews import c.jsonl --as dr-c"));
    std::fs::write(d.join("c.jsonl"), review_line("q2") + "\n").unwrap();
    let c_item = ok(d, &words("reviews import c.jsonl --as dr-c"));
    assert_eq!(c_control, c_item);

    // The item list, item and status, as each physician sees them.
    let line_of = |out: &str, id: &str| {
        out.lines()
            .find(|l| l.ends_with(id))
            .unwrap()
            .trim_end_matches(id)
            .to_string()
    };
    let a_items = ok(d, &words("items --as dr-a"));
    let b_items = ok(d, &words("items --as dr-b"));
    assert_eq!(
        line_of(&a_items, "c1"),
        line_of(&b_items, "q1"),
        "{a_items}\n{b_items}"
    );
    let ja: Value = serde_json::from_str(&ok(d, &words("items --json --as dr-a"))).unwrap();
    let jb: Value = serde_json::from_str(&ok(d, &words("items --json --as dr-b"))).unwrap();
    let strip = |v: &Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("id");
        v
    };
    assert_eq!(strip(&ja[0]), strip(&jb[1]), "c1 to dr-a is q1 to dr-b");
    for (who, v) in [("dr-a", &ja), ("dr-b", &jb)] {
        assert!(!v.to_string().contains("control"), "{who}: {v}");
    }
    let show_c = ok(d, &words("items show Exam/c1 --json"));
    let show_q: Value = serde_json::from_str(&ok(d, &words("items show Exam/q1 --json"))).unwrap();
    let show_c: Value = serde_json::from_str(&show_c).unwrap();
    assert_eq!(show_c["state"], show_q["state"]);
    let (mut kc, mut kq) = (BTreeSet::new(), BTreeSet::new());
    keys(&show_c, "", &mut kc);
    keys(&show_q, "", &mut kq);
    assert_eq!(kc, kq);

    // Any command a physician can run, with any of them asking: no word of controls, no
    // expected verdict.
    for who in ["dr-a", "dr-b", "dr-c"] {
        for cmd in [
            format!("items --as {who}"),
            format!("items --json --as {who}"),
            "items show Exam/c1".to_string(),
            "status".into(),
            "status --json".into(),
            format!("agreement --as {who}"),
            format!("agreement --json --as {who}"),
            format!("reviews claim --json --as {who}"),
        ] {
            let out = ok(d, &words(&cmd));
            assert!(
                !out.contains("control") && !out.contains("expected"),
                "{cmd}: {out}"
            );
        }
        // History, workload and coverage are for curators and maintainers.
        for cmd in ["history Exam/c1", "workload", "coverage"] {
            err(d, &words(&format!("{cmd} --as {who}")));
        }
    }

    // The maintainer sees it all: the control, its reviews and each physician's accuracy.
    let items = ok(d, &words("items"));
    assert!(
        line_of(&items, "c1").contains("control: 2 submitted"),
        "{items}"
    );
    let list: Value = serde_json::from_str(&ok(d, &words("controls list --json"))).unwrap();
    assert_eq!(list["controls"][0]["reviews"], 2);
    assert_eq!(list["controls"][0]["reviews_all_right"], 0);
    assert_eq!(
        list["controls"][0]["expected"]["answer_correctness"],
        "fail"
    );
    let scores = ok(d, &words("controls scores"));
    assert!(
        scores.contains("dr-a") && scores.contains("1/2 (50%)"),
        "{scores}"
    );
    let agreement = ok(d, &words("agreement"));
    assert!(
        agreement.contains("Accuracy on control items"),
        "{agreement}"
    );
    let workload: Value = serde_json::from_str(&ok(d, &words("workload --json"))).unwrap();
    let a = workload["reviewers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reviewer"] == "dr-a")
        .unwrap();
    assert_eq!(a["controls"]["criteria_accuracy"], 0.5);
    // History names the marking, never the verdicts expected.
    let history = ok(d, &words("history Exam/c1"));
    assert!(
        history.contains("a control item") && !history.contains("expected"),
        "{history}"
    );
}
