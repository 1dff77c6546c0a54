//! Finding items by a part of the id or a word of the text (a reviewer's own reviews, every
//! item for curators, disputes for experts), and the outcome of a settled review: shown only
//! once the item is settled, never while the pair is open or a curator has yet to decide.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::ok;
use medcurate::domain::curation::Decision;
use medcurate::domain::find::{Match, Query};
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::ItemState;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::{Assignment, ReviewStatus, Store};
use serde_json::json;

const ITEMS: [(&str, &str); 3] = [
    (
        "q-chest-1",
        "患者男，58岁，胸痛3小时，心电图示ST段抬高，最可能的诊断是",
    ),
    ("q-chest-2", "反复胸痛伴气促2年，活动后加重"),
    ("q-fever-1", "小儿发热3天，体温39℃，咽部充血"),
];

fn item(id: &str, stem: &str) -> String {
    json!({"id": id, "kind": "mcq", "stem": stem,
           "options": [{"label": "A", "text": "急性心肌梗死"}, {"label": "B", "text": "心绞痛"}],
           "answer": "A", "suggested_departments": ["cardiology"]})
    .to_string()
}

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for (id, role) in [
        ("a", Role::Annotator),
        ("b", Role::Annotator),
        ("c", Role::Annotator),
        ("cur", Role::Curator),
    ] {
        let p = Person {
            id: id.into(),
            name: format!("Dr {id}"),
            roles: vec![role],
            os_user: None,
        };
        store.add_person(&p, "test").unwrap();
    }
    let lines: String = ITEMS.iter().map(|(id, s)| item(id, s) + "\n").collect();
    let file = dir.path().join("items.jsonl");
    std::fs::write(&file, lines).unwrap();
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
    (dir, store)
}

fn review(a: &Assignment, fail: Option<(Criterion, &str)>, comment: &str) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(&a.item.body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    if let Some((c, why)) = fail {
        r.verdicts.insert(c, Verdict::Fail { reason: why.into() });
    }
    r.departments = vec!["cardiology".into()];
    r.comment = Some(comment.into());
    r
}

fn q(s: &str) -> Query {
    Query::new(s).unwrap()
}

/// The next item for `who`, which must be `id` (the first imported, half-reviewed first).
fn claim(store: &mut Store, who: &str, id: &str) -> Assignment {
    let a = store.claim_next(who, None).unwrap().expect("an item");
    assert_eq!(a.item.id, id, "{who} was given another item");
    a
}

#[test]
fn a_reviewer_finds_their_own_reviews_by_id_or_text_and_nothing_of_others() {
    let (_d, mut store) = setup();
    let a1 = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review("a", a1.review_id, &review(&a1, None, ""))
        .unwrap();
    let b = claim(&mut store, "b", "q-chest-1");
    store
        .save_draft("b", b.review_id, &review(&b, None, ""))
        .unwrap();

    let found = store.find_my_reviews("a", &q("CHEST-1")).unwrap();
    assert_eq!(found.rows.len(), 1);
    assert_eq!(found.rows[0].0.item_id, "q-chest-1");
    assert_eq!(found.rows[0].1, Match::Id);
    let found = store.find_my_reviews("a", &q("ST段")).unwrap();
    assert_eq!(found.rows.len(), 1);
    assert!(matches!(&found.rows[0].1, Match::Text(s) if s.contains("胸痛3小时")));
    // A word of an option, not of a field name or a label.
    assert_eq!(
        store.find_my_reviews("a", &q("心绞痛")).unwrap().rows.len(),
        1
    );
    for word in ["stem", "label", "mcq"] {
        assert!(
            store
                .find_my_reviews("a", &q(word))
                .unwrap()
                .rows
                .is_empty(),
            "{word}"
        );
    }
    // Another reviewer's item is not among a's, and b finds only their own draft.
    assert!(
        store
            .find_my_reviews("a", &q("发热"))
            .unwrap()
            .rows
            .is_empty()
    );
    let found = store.find_my_reviews("b", &q("q-")).unwrap();
    let ids: Vec<&str> = found.rows.iter().map(|(r, _)| r.item_id.as_str()).collect();
    assert_eq!(ids, ["q-chest-1"]);
    assert_eq!(found.rows[0].0.status, ReviewStatus::Claimed);
    // LIKE's own characters are taken literally.
    assert!(store.find_my_reviews("a", &q("%")).unwrap().rows.is_empty());
    assert!(
        store
            .find_my_reviews("a", &q("q_chest"))
            .unwrap()
            .rows
            .is_empty()
    );
}

#[test]
fn curators_find_any_item_waiting_ones_first_and_annotators_are_refused() {
    let (_d, mut store) = setup();
    // q-chest-1 goes to a curator: one pass, one fail.
    let a = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review("a", a.review_id, &review(&a, None, ""))
        .unwrap();
    let b = claim(&mut store, "b", "q-chest-1");
    store
        .submit_review(
            "b",
            b.review_id,
            &review(&b, Some((Criterion::AnswerCorrectness, "应为B")), ""),
        )
        .unwrap();
    let found = store.find_items("cur", &q("胸痛")).unwrap();
    let got: Vec<(&str, ItemState)> = found
        .rows
        .iter()
        .map(|(i, _)| (i.item_id.as_str(), i.state))
        .collect();
    assert_eq!(
        got,
        [
            ("q-chest-1", ItemState::NeedsCuration),
            ("q-chest-2", ItemState::InReview)
        ]
    );
    assert!(!found.more);
    assert_eq!(
        store.find_items("cur", &q("exam/q-fever")).unwrap().rows[0].1,
        Match::Id
    );
    let e = store.find_items("a", &q("胸痛")).unwrap_err().to_string();
    assert!(e.contains("curator"), "{e}");
}

#[test]
fn the_outcome_shows_only_once_the_item_is_settled() {
    let (_d, mut store) = setup();
    let a = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review("a", a.review_id, &review(&a, None, "题目清楚"))
        .unwrap();
    // The pair is open: nothing of the other reviewer, not even whether there is one.
    let e = store
        .review_outcome("a", a.review_id)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not settled yet"), "{e}");
    let mine = store.my_reviews("a").unwrap();
    assert!(!mine[0].settled && mine[0].changeable);

    let b = claim(&mut store, "b", "q-chest-1");
    store
        .submit_review(
            "b",
            b.review_id,
            &review(
                &b,
                Some((Criterion::AnswerCorrectness, "答案应为B")),
                "答案有误",
            ),
        )
        .unwrap();
    // Waiting for a curator: still not settled, for either of them.
    for (who, id) in [("a", a.review_id), ("b", b.review_id)] {
        let e = store.review_outcome(who, id).unwrap_err().to_string();
        assert!(e.contains("not settled yet"), "{e}");
        assert!(!store.my_reviews(who).unwrap()[0].settled);
    }
    // Not one's own review: nothing at all.
    assert!(store.review_outcome("c", a.review_id).unwrap().is_none());

    store
        .decide(
            "cur",
            "Exam",
            "q-chest-1",
            1,
            Decision::Accept {
                departments: vec!["cardiology".into()],
            },
        )
        .unwrap();
    assert!(store.my_reviews("a").unwrap()[0].settled);
    let o = store.review_outcome("a", a.review_id).unwrap().unwrap();
    assert_eq!((o.state, o.revision_no), (ItemState::Accepted, 1));
    assert_eq!(o.mine.comment.as_deref(), Some("题目清楚"));
    assert_eq!(o.others.len(), 1);
    assert_eq!(o.others[0].comment.as_deref(), Some("答案有误"));
    assert!(matches!(
        o.others[0].verdicts.get(&Criterion::AnswerCorrectness),
        Some(Verdict::Fail { reason }) if reason == "答案应为B"
    ));
    let actions: Vec<&str> = o.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["item_settled", "curator_accept"]);
    assert_eq!(o.steps[1].actor, "cur");
    // b sees a's review the same way.
    let o = store.review_outcome("b", b.review_id).unwrap().unwrap();
    assert_eq!(o.others[0].comment.as_deref(), Some("题目清楚"));
}

#[test]
fn a_revised_item_shows_its_first_pair_only_once_the_item_is_accepted() {
    let (_d, mut store) = setup();
    let a = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review(
            "a",
            a.review_id,
            &review(&a, Some((Criterion::AnswerCorrectness, "应为B")), ""),
        )
        .unwrap();
    let b = claim(&mut store, "b", "q-chest-1");
    store
        .submit_review("b", b.review_id, &review(&b, None, ""))
        .unwrap();
    let mut body = serde_json::to_value(&a.item.body).unwrap();
    body["stem"] = json!("患者男，58岁，胸痛3小时，心电图示ST段抬高，最可能的诊断是哪一项");
    store
        .decide(
            "cur",
            "Exam",
            "q-chest-1",
            1,
            Decision::Revise {
                body: serde_json::from_value(body).unwrap(),
                note: Some("补全题干".into()),
            },
        )
        .unwrap();
    // Revised: the next revision may go to the same two, so nothing shows yet.
    let e = store
        .review_outcome("a", a.review_id)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not settled yet"), "{e}");
    assert!(!store.my_reviews("a").unwrap()[0].settled);
    // Revision 2 passes twice and is accepted: now revision 1's pair and the revise show.
    for who in ["c", "b"] {
        let r2 = claim(&mut store, who, "q-chest-1");
        assert_eq!(r2.revision_no, 2);
        store
            .submit_review(who, r2.review_id, &review(&r2, None, ""))
            .unwrap();
    }
    let o = store.review_outcome("a", a.review_id).unwrap().unwrap();
    assert_eq!((o.revision_no, o.current_revision), (1, 2));
    assert_eq!(o.state, ItemState::Accepted);
    assert_eq!(o.others.len(), 1);
    assert_eq!(o.steps.last().unwrap().action, "curator_revise");
    assert!(
        o.steps
            .last()
            .unwrap()
            .detail
            .as_deref()
            .unwrap()
            .contains("补全题干")
    );
}

#[test]
fn a_passing_pair_settles_itself_with_no_curator() {
    let (_d, mut store) = setup();
    let a = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review("a", a.review_id, &review(&a, None, ""))
        .unwrap();
    let c = claim(&mut store, "c", "q-chest-1");
    store
        .submit_review("c", c.review_id, &review(&c, None, ""))
        .unwrap();
    let o = store.review_outcome("c", c.review_id).unwrap().unwrap();
    assert_eq!(o.state, ItemState::Accepted);
    let actions: Vec<&str> = o.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["item_settled"]);
}

#[test]
fn experts_find_disputes_to_take_and_their_own_and_claim_the_one_they_chose() {
    let dir = common::experts_with_madiagnosis();
    let d = dir.path();
    let q1 = "chinese_medical_dialogue_IM_7specialty_sample:1956";
    let q2 = "chinese_medical_dialogue_IM_7specialty_sample:7215";
    let line = |item: &str, model: &str, text: &str| {
        json!({"dataset": "MADiagnosis", "item": item, "model": model, "response": text,
               "judges": [{"score": 0.9}, {"score": 0.3}]})
        .to_string()
    };
    let lines = [
        line(q1, "GPT-4o", "建议规范测量血压并就医"),
        line(q2, "Qwen", "可能是偏头痛，注意休息"),
    ];
    std::fs::write(d.join("r.jsonl"), lines.join("\n") + "\n").unwrap();
    ok(d, &["responses", "import", "r.jsonl"]);
    let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();

    let found = store.find_disputes("e1", &q("偏头痛")).unwrap();
    assert_eq!(found.rows.len(), 1);
    let d2 = &found.rows[0].0;
    assert_eq!((d2.item_id.as_str(), d2.adjudication), (q2, None));
    assert_eq!(store.find_disputes("e1", &q("qwen")).unwrap().rows.len(), 1);
    // e1 takes the one they chose; it is theirs now, and gone from e2's matches.
    let a = store
        .claim_this_dispute("e1", d2.response_id)
        .unwrap()
        .unwrap();
    assert_eq!(a.item.id, q2);
    let mine = store.find_disputes("e1", &q("偏头痛")).unwrap();
    assert_eq!(
        mine.rows[0].0.adjudication,
        Some((a.adjudication_id, ReviewStatus::Claimed))
    );
    assert!(
        store
            .find_disputes("e2", &q("偏头痛"))
            .unwrap()
            .rows
            .is_empty()
    );
    assert!(
        store
            .claim_this_dispute("e2", d2.response_id)
            .unwrap()
            .is_none()
    );
    // Both disputes match the dataset's id part; e2 may take only the free one.
    let free = store.find_disputes("e2", &q("7specialty")).unwrap();
    let ids: Vec<&str> = free.rows.iter().map(|(d, _)| d.item_id.as_str()).collect();
    assert_eq!(ids, [q1]);
}

#[test]
fn workload_counts_pace_open_claims_and_skips_for_curators_only() {
    let (_d, mut store) = setup();
    let a = claim(&mut store, "a", "q-chest-1");
    store
        .submit_review("a", a.review_id, &review(&a, None, ""))
        .unwrap();
    // b holds a claim; c gives one back.
    claim(&mut store, "b", "q-chest-1");
    let c = claim(&mut store, "c", "q-chest-2");
    store.release_review("c", c.review_id).unwrap();

    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let loads = store.workload("cur", later, 7).unwrap();
    let ids: Vec<&str> = loads.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"], "annotators only, by id");
    let (a, b, c) = (&loads[0], &loads[1], &loads[2]);
    assert_eq!((a.submitted, a.submitted_recent, a.open_claims), (1, 1, 0));
    assert!(a.median_secs.unwrap() < 60.0, "{:?}", a.median_secs);
    assert_eq!((b.submitted, b.open_claims), (0, 1));
    let age = b.oldest_open_secs.unwrap();
    assert!((3590.0..3700.0).contains(&age), "{age}");
    assert_eq!((c.skipped, c.open_claims, c.median_secs), (1, 0, None));
    // Eight days on, the window holds nothing; the totals stay.
    let loads = store
        .workload("cur", later + std::time::Duration::from_secs(8 * 86_400), 7)
        .unwrap();
    assert_eq!((loads[0].submitted, loads[0].submitted_recent), (1, 0));
    assert_eq!(loads[2].skipped, 0);
    assert!(store.workload("a", later, 7).is_err());
}
