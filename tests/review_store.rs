//! The reviewer-facing store: claim rules, leases, drafts, blinding, settling a pair.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::ItemState;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::{ReviewStatus, Store, SubmitOutcome};
use std::time::{Duration, SystemTime};

const ITEM: &str = r#"{"id":"q{N}","kind":"mcq","stem":"维生素C缺乏可引起（{N}）","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"夜盲症"}],"answer":"A","suggested_departments":["general-practice"]}"#;

fn setup(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for id in ["a", "b", "c", "d"] {
        let p = Person {
            id: id.into(),
            name: format!("Dr {id}"),
            roles: vec![Role::Annotator],
            os_user: None,
        };
        store.add_person(&p, "test").unwrap();
    }
    let lines: String = (0..n)
        .map(|i| ITEM.replace("{N}", &i.to_string()) + "\n")
        .collect();
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

fn passing(body: &medcurate::domain::item::ItemBody, depts: &[&str]) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = depts.iter().map(|d| d.to_string()).collect();
    r
}

#[test]
fn an_item_never_gets_a_third_reviewer_nor_the_same_one_twice() {
    let (_d, mut store) = setup(1);
    let a = store.claim_next("a", None).unwrap().unwrap();
    let b = store.claim_next("b", None).unwrap().unwrap();
    assert_eq!((a.item.id.as_str(), b.item.id.as_str()), ("q0", "q0"));
    assert!(
        store.claim_next("c", None).unwrap().is_none(),
        "a third reviewer"
    );
    // "a" asking again resumes the same claim rather than taking a new one.
    let again = store.claim_next("a", None).unwrap().unwrap();
    assert_eq!(again.review_id, a.review_id);
    // After submitting, "a" is never served q0 again.
    store
        .submit_review(
            "a",
            a.review_id,
            &passing(&a.item.body, &["general-practice"]),
        )
        .unwrap();
    assert!(store.claim_next("a", None).unwrap().is_none());
}

#[test]
fn half_reviewed_items_are_served_first_so_pairs_finish() {
    let (_d, mut store) = setup(5);
    let a = store.claim_next("a", None).unwrap().unwrap();
    assert_eq!(a.item.id, "q0");
    let b = store.claim_next("b", None).unwrap().unwrap();
    assert_eq!(
        b.item.id, "q0",
        "the item with one reviewer comes before untouched ones"
    );
    let c = store.claim_next("c", None).unwrap().unwrap();
    assert_eq!(c.item.id, "q1");
}

#[test]
fn a_lapsed_claim_frees_the_item_for_someone_else() {
    let (_d, mut store) = setup(1);
    let t0 = SystemTime::now();
    store.claim_next_at("a", None, t0).unwrap().unwrap();
    store.claim_next_at("b", None, t0).unwrap().unwrap();
    assert!(
        store
            .claim_next_at("c", None, t0 + Duration::from_secs(23 * 3600))
            .unwrap()
            .is_none()
    );
    let c = store
        .claim_next_at("c", None, t0 + Duration::from_secs(25 * 3600))
        .unwrap();
    assert_eq!(
        c.map(|x| x.item.id),
        Some("q0".into()),
        "24 h lease by default"
    );
    // The lease is a workspace setting.
    store
        .set_setting(medcurate::store::LEASE_SETTING, "1", "test")
        .unwrap();
    assert_eq!(store.lease().unwrap(), Duration::from_secs(3600));
}

#[test]
fn drafts_survive_and_resume() {
    let (_d, mut store) = setup(2);
    let a = store.claim_next("a", None).unwrap().unwrap();
    let mut draft = ReviewContent::default();
    draft.verdicts.insert(
        Criterion::ClinicalValidity,
        Verdict::Fail {
            reason: "剂量错误".into(),
        },
    );
    draft.departments = vec!["cardiology".into()];
    store.save_draft("a", a.review_id, &draft).unwrap();
    drop(store);
    // A new connection, as after a dropped SSH session.
    let mut store = Store::open(&common::backend::db_at(_d.path(), "t.db")).unwrap();
    let resumed = store.claim_next("a", None).unwrap().unwrap();
    assert_eq!(resumed.review_id, a.review_id);
    assert_eq!(resumed.status, ReviewStatus::Claimed);
    assert_eq!(resumed.content, draft);
    assert_eq!(
        store
            .open_review("a", a.review_id)
            .unwrap()
            .unwrap()
            .content,
        draft
    );
}

#[test]
fn the_reviewer_api_never_shows_another_reviewers_review() {
    let (_d, mut store) = setup(1);
    let a = store.claim_next("a", None).unwrap().unwrap();
    let mut secret = passing(&a.item.body, &["general-practice"]);
    secret.comment = Some("A 的意见".into());
    store.save_draft("a", a.review_id, &secret).unwrap();
    let b = store.claim_next("b", None).unwrap().unwrap();
    assert_eq!(
        b.content,
        ReviewContent::default(),
        "b starts blank, not with a's draft"
    );
    assert!(store.open_review("b", a.review_id).unwrap().is_none());
    assert!(
        store
            .save_draft("b", a.review_id, &ReviewContent::default())
            .is_err()
    );
    assert!(store.submit_review("b", a.review_id, &secret).is_err());
    assert!(store.release_review("b", a.review_id).is_err());
    assert!(
        store
            .my_reviews("b")
            .unwrap()
            .iter()
            .all(|r| r.review_id != a.review_id)
    );
    // a's draft is untouched by b's attempts.
    assert_eq!(
        store
            .open_review("a", a.review_id)
            .unwrap()
            .unwrap()
            .content,
        secret
    );
}

#[test]
fn incomplete_reviews_are_refused_with_reasons() {
    let (_d, mut store) = setup(1);
    let a = store.claim_next("a", None).unwrap().unwrap();
    let mut r = passing(&a.item.body, &[]);
    r.verdicts.insert(
        Criterion::AnswerCorrectness,
        Verdict::Fail { reason: "".into() },
    );
    let err = store
        .submit_review("a", a.review_id, &r)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "the review is not complete: Answer correctness failed: give a short reason"
    );
}

#[test]
fn agreeing_passes_accept_and_disagreement_goes_to_curation() {
    let (_d, mut store) = setup(2);
    // q0: both pass, same departments.
    let a = store.claim_next("a", None).unwrap().unwrap();
    let b = store.claim_next("b", None).unwrap().unwrap();
    let ok = passing(&a.item.body, &["general-practice"]);
    assert_eq!(
        store.submit_review("a", a.review_id, &ok).unwrap(),
        SubmitOutcome::Waiting
    );
    // Changing one's own review before the item is settled is allowed.
    assert_eq!(
        store.submit_review("a", a.review_id, &ok).unwrap(),
        SubmitOutcome::Waiting
    );
    assert_eq!(
        store.submit_review("b", b.review_id, &ok).unwrap(),
        SubmitOutcome::Accepted
    );
    assert_eq!(
        store.item("Exam", "q0").unwrap().unwrap().state,
        ItemState::Accepted
    );
    // Settled: no more changes.
    assert!(store.submit_review("a", a.review_id, &ok).is_err());

    // q1: departments differ.
    let c = store.claim_next("c", None).unwrap().unwrap();
    let d = store.claim_next("d", None).unwrap().unwrap();
    assert_eq!(c.item.id, "q1");
    store
        .submit_review("c", c.review_id, &passing(&c.item.body, &["cardiology"]))
        .unwrap();
    let out = store
        .submit_review("d", d.review_id, &passing(&d.item.body, &["nephrology"]))
        .unwrap();
    assert_eq!(out, SubmitOutcome::NeedsCuration);
    assert_eq!(
        store.item("Exam", "q1").unwrap().unwrap().state,
        ItemState::NeedsCuration
    );
}

#[test]
fn skipping_gives_the_item_back_and_never_serves_it_again() {
    let (_d, mut store) = setup(2);
    let a = store.claim_next("a", None).unwrap().unwrap();
    store.release_review("a", a.review_id).unwrap();
    let next = store.claim_next("a", None).unwrap().unwrap();
    assert_eq!(next.item.id, "q1");
    let b = store.claim_next("b", None).unwrap().unwrap();
    assert_eq!(b.item.id, "q1", "q1 has a reviewer, so it comes first");
    let c = store.claim_next("c", None).unwrap().unwrap();
    assert_eq!(c.item.id, "q0", "the skipped item is free again");
}

#[test]
fn queue_counts_per_dataset() {
    let (_d, mut store) = setup(3);
    let a = store.claim_next("a", Some("Exam")).unwrap().unwrap();
    store
        .submit_review("a", a.review_id, &passing(&a.item.body, &[]))
        .unwrap();
    store.claim_next("a", Some("Exam")).unwrap().unwrap();
    let q = store.review_queue("a").unwrap();
    assert_eq!(
        (q[0].submitted, q[0].in_progress, q[0].available),
        (1, 1, 1)
    );
    let err = store.claim_next("a", Some("Nope")).unwrap_err().to_string();
    assert!(err.contains("there is no dataset \"Nope\""), "{err}");
}

#[test]
fn a_change_to_a_submitted_review_is_a_draft_beside_it_until_submitted_or_thrown_away() {
    let (_d, mut store) = setup(1);
    let a = store.claim_next("a", None).unwrap().unwrap();
    let mut submitted = passing(&a.item.body, &["general-practice"]);
    submitted.verdicts.insert(
        Criterion::AnswerCorrectness,
        Verdict::Fail {
            reason: "答案应为B".into(),
        },
    );
    store.submit_review("a", a.review_id, &submitted).unwrap();
    let db = common::backend::db_at(_d.path(), "t.db");
    let stored = |_: &Store| -> (String, Option<String>) {
        common::backend::raw(&db)
            .query_row(
                "SELECT content, pending FROM reviews WHERE id = ?1",
                [a.review_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let as_submitted = stored(&store).0;

    // The change is saved as a draft; what was submitted stays as it was.
    let change = passing(&a.item.body, &["general-practice"]);
    store.save_draft("a", a.review_id, &change).unwrap();
    let (content, pending) = stored(&store);
    assert_eq!(content, as_submitted, "the submitted review is untouched");
    assert_eq!(
        serde_json::from_str::<ReviewContent>(&pending.unwrap()).unwrap(),
        change
    );
    let mine = store.my_reviews("a").unwrap();
    assert!(mine[0].changed && mine[0].changeable, "{mine:?}");

    // Reopening (a new connection, as after a new session) shows the change.
    drop(store);
    let mut store = Store::open(&common::backend::db_at(_d.path(), "t.db")).unwrap();
    let reopened = store.open_review("a", a.review_id).unwrap().unwrap();
    assert_eq!(reopened.status, ReviewStatus::Submitted);
    assert!(reopened.changed);
    assert_eq!(reopened.content, change);

    // Thrown away: the submitted review again, nothing pending.
    let back = store.discard_review_change("a", a.review_id).unwrap();
    assert!(!back.changed);
    assert_eq!(back.content, submitted);
    assert_eq!(stored(&store), (as_submitted.clone(), None));
    assert!(!store.my_reviews("a").unwrap()[0].changed);

    // Changed again and submitted: the change is the review, nothing pending.
    store.save_draft("a", a.review_id, &change).unwrap();
    store.submit_review("a", a.review_id, &change).unwrap();
    let (content, pending) = stored(&store);
    assert_eq!(
        serde_json::from_str::<ReviewContent>(&content).unwrap(),
        change
    );
    assert_eq!(pending, None);
    let reopened = store.open_review("a", a.review_id).unwrap().unwrap();
    assert!(!reopened.changed);

    // Once the item is settled, a change is refused and nothing is kept.
    let b = store.claim_next("b", None).unwrap().unwrap();
    store.submit_review("b", b.review_id, &change).unwrap();
    let err = store
        .save_draft("a", a.review_id, &submitted)
        .unwrap_err()
        .to_string();
    assert!(err.contains("already settled"), "{err}");
    assert_eq!(stored(&store).1, None);
}
