//! Routing by specialty in the claim: each mode (strict, prefer, none) with the two-reviewer,
//! never-twice, half-reviewed-first and lease rules, and the queue's "available" count.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{ReviewContent, Verdict, applicable};
use medcurate::domain::routing::Routing;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::Store;
use std::path::Path;
use std::time::{Duration, SystemTime};

fn line(id: &str, depts: &[&str]) -> String {
    let depts = serde_json::to_string(depts).unwrap();
    format!(
        r#"{{"id":"{id}","kind":"mcq","stem":"题干{id}","options":[{{"label":"A","text":"甲"}},{{"label":"B","text":"乙"}}],"answer":"A","suggested_departments":{depts}}}"#
    )
}

fn import_items(
    store: &mut Store,
    dir: &Path,
    dataset: &str,
    items: &[(&str, &[&str])],
    revise: bool,
) {
    let lines: String = items.iter().map(|(id, d)| line(id, d) + "\n").collect();
    let file = dir.join(format!("{dataset}.jsonl"));
    std::fs::write(&file, lines).unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: dataset.into(),
        format: Format::Native,
        revise,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "m".into(),
    };
    assert!(import(store, &opts, &mut |_, _| {}).unwrap().committed);
}

/// Physicians: two cardiologists, a third, a nephrologist, and one with no specialty.
fn setup(items: &[(&str, &[&str])], routing: Routing) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for (id, spec) in [
        ("card1", Some("cardiology")),
        ("card2", Some("cardiology")),
        ("card3", Some("cardiology")),
        ("neph", Some("nephrology")),
        ("anyone", None),
    ] {
        let p = Person {
            id: id.into(),
            name: format!("Dr {id}"),
            roles: vec![Role::Annotator],
            os_user: None,
        };
        let spec: Vec<String> = spec.into_iter().map(String::from).collect();
        store.add_person_with_specialties(&p, &spec, "m").unwrap();
    }
    import_items(&mut store, dir.path(), "Exam", items, false);
    store.set_routing("Exam", routing, "m").unwrap();
    (dir, store)
}

fn claim(store: &mut Store, who: &str) -> Option<String> {
    claim_at(store, who, SystemTime::now())
}

fn claim_at(store: &mut Store, who: &str, at: SystemTime) -> Option<String> {
    store
        .claim_next_at(who, Some("Exam"), at)
        .unwrap()
        .map(|a| a.item.id)
}

fn submit(store: &mut Store, who: &str) {
    let a = store.claim_next(who, Some("Exam")).unwrap().unwrap();
    let mut r = ReviewContent::default();
    for c in applicable(&a.item.body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = vec!["cardiology".into()];
    store.submit_review(who, a.review_id, &r).unwrap();
}

fn available(store: &Store, who: &str) -> u64 {
    store
        .review_queue(who)
        .unwrap()
        .into_iter()
        .find(|q| q.dataset == "Exam")
        .unwrap()
        .available
}

const MIXED: &[(&str, &[&str])] = &[
    ("q1", &["nephrology"]),
    ("q2", &["no-department"]),
    ("q3", &["cardiology", "hematology"]),
    ("q4", &[]),
    ("q5", &["cardiology"]),
];

#[test]
fn prefer_serves_matching_items_first_then_anything() {
    let (_d, mut store) = setup(MIXED, Routing::Prefer);
    assert_eq!(claim(&mut store, "card1").as_deref(), Some("q3"));
    // Matching half-reviewed first, ahead of the older unmatched items.
    assert_eq!(claim(&mut store, "card2").as_deref(), Some("q3"));
    assert_eq!(claim(&mut store, "neph").as_deref(), Some("q1"));
    // No specialty: the queue's own order (half-reviewed q1 first).
    assert_eq!(claim(&mut store, "anyone").as_deref(), Some("q1"));
    submit(&mut store, "card1");
    assert_eq!(claim(&mut store, "card1").as_deref(), Some("q5"));
    submit(&mut store, "card1");
    // Nothing matching left for card1: the rest, oldest first (q1 is full).
    assert_eq!(claim(&mut store, "card1").as_deref(), Some("q2"));
    // q3 has two reviews in force: never a third, even for a cardiologist.
    submit(&mut store, "card2");
    assert_eq!(claim(&mut store, "card3").as_deref(), Some("q5"));
}

#[test]
fn strict_gives_items_with_departments_only_to_matching_physicians() {
    let (_d, mut store) = setup(MIXED, Routing::Strict);
    assert_eq!(available(&store, "neph"), 3, "q1, q2, q4");
    assert_eq!(available(&store, "card1"), 4, "q2, q3, q4, q5");
    assert_eq!(available(&store, "anyone"), 2, "q2, q4");
    // Without a specialty: only the items without departments.
    assert_eq!(claim(&mut store, "anyone").as_deref(), Some("q2"));
    submit(&mut store, "anyone");
    assert_eq!(claim(&mut store, "anyone").as_deref(), Some("q4"));
    submit(&mut store, "anyone");
    assert_eq!(claim(&mut store, "anyone"), None);
    assert_eq!(available(&store, "anyone"), 0);
    // The nephrologist: their item first, then those without departments; never q3 or q5.
    let mut got = Vec::new();
    while let Some(id) = claim(&mut store, "neph") {
        got.push(id);
        submit(&mut store, "neph");
    }
    assert_eq!(got, ["q1", "q2", "q4"]);
    assert_eq!(available(&store, "neph"), 0);
    // Two cardiologists on q3 and q5; the third gets neither, and card1 never twice.
    for who in ["card1", "card2"] {
        assert_eq!(claim(&mut store, who).as_deref(), Some("q3"));
        submit(&mut store, who);
        assert_eq!(claim(&mut store, who).as_deref(), Some("q5"));
        submit(&mut store, who);
    }
    assert_eq!(claim(&mut store, "card1"), None);
    assert_eq!(claim(&mut store, "card3"), None);
    assert_eq!(available(&store, "card3"), 0);
}

#[test]
fn strict_and_leases_a_lapsed_claim_goes_to_another_matching_physician() {
    let (_d, mut store) = setup(&[("q1", &["cardiology"])], Routing::Strict);
    let now = SystemTime::now();
    assert_eq!(claim_at(&mut store, "card1", now).as_deref(), Some("q1"));
    assert_eq!(claim_at(&mut store, "card2", now).as_deref(), Some("q1"));
    assert_eq!(claim_at(&mut store, "card3", now), None);
    let later = now + Duration::from_secs(3 * 24 * 3600);
    assert_eq!(
        claim_at(&mut store, "neph", later),
        None,
        "not a nephrologist's"
    );
    assert_eq!(
        store
            .review_queue_at("card3", later)
            .unwrap()
            .into_iter()
            .find(|q| q.dataset == "Exam")
            .unwrap()
            .available,
        1,
        "the lapsed leases open q1 to card3"
    );
    assert_eq!(claim_at(&mut store, "card3", later).as_deref(), Some("q1"));
}

#[test]
fn none_ignores_specialties() {
    let (_d, mut store) = setup(MIXED, Routing::None);
    assert_eq!(claim(&mut store, "card1").as_deref(), Some("q1"));
    assert_eq!(claim(&mut store, "neph").as_deref(), Some("q1"));
    assert_eq!(claim(&mut store, "card2").as_deref(), Some("q2"));
}

#[test]
fn a_new_revision_routes_by_its_own_departments() {
    let (d, mut store) = setup(
        &[("q1", &["nephrology"]), ("q2", &["nephrology"])],
        Routing::Strict,
    );
    assert_eq!(claim(&mut store, "card1"), None);
    import_items(
        &mut store,
        d.path(),
        "Exam",
        &[("q2", &["cardiology"])],
        true,
    );
    assert_eq!(claim(&mut store, "card1").as_deref(), Some("q2"));
}

#[test]
fn a_claim_in_any_dataset_keeps_each_datasets_routing() {
    let (d, mut store) = setup(&[("q1", &["nephrology"])], Routing::Strict);
    import_items(
        &mut store,
        d.path(),
        "Open",
        &[("o1", &["nephrology"]), ("o2", &["cardiology"])],
        false,
    );
    let next = |store: &mut Store, who: &str| {
        store
            .claim_next(who, None)
            .unwrap()
            .map(|a| format!("{}/{}", a.dataset, a.item.id))
    };
    // Open ignores specialties: its oldest; the strict q1 never reaches a cardiologist.
    store.set_routing("Open", Routing::None, "m").unwrap();
    assert_eq!(next(&mut store, "card1").as_deref(), Some("Open/o1"));
    // Open prefers: o2 matches card2 and comes before the half-reviewed o1.
    store.set_routing("Open", Routing::Prefer, "m").unwrap();
    assert_eq!(next(&mut store, "card2").as_deref(), Some("Open/o2"));
    // Both nephrology items match; the half-reviewed one first.
    assert_eq!(next(&mut store, "neph").as_deref(), Some("Open/o1"));
    assert_eq!(next(&mut store, "anyone").as_deref(), Some("Open/o2"));
    assert_eq!(
        next(&mut store, "card3"),
        None,
        "q1 is strict and not theirs"
    );
}

#[test]
fn specialties_are_kept_and_changes_logged() {
    let (_d, mut store) = setup(&[("q1", &[])], Routing::Prefer);
    let held = store
        .change_specialties("neph", &["hematology".into()], &["nephrology".into()], "m")
        .unwrap();
    assert_eq!(held, ["hematology"]);
    assert!(
        store
            .change_specialties("nobody", &["hematology".into()], &[], "m")
            .unwrap_err()
            .to_string()
            .contains("there is no person \"nobody\"")
    );
    let all = store.specialties().unwrap();
    assert_eq!(all["card1"], ["cardiology"]);
    assert!(!all.contains_key("anyone"));
}

#[test]
fn reviews_from_a_file_keep_to_strict_routing() {
    let (_d, mut store) = setup(MIXED, Routing::Strict);
    // Every item here is an mcq of the same shape: one body gives the criteria of all.
    let a = store.claim_next("anyone", Some("Exam")).unwrap().unwrap();
    store.release_review("anyone", a.review_id).unwrap();
    let b = a.item.body;
    let review = |id: &str| {
        let mut r = ReviewContent::default();
        for c in applicable(&b) {
            r.verdicts.insert(c, Verdict::Pass);
        }
        r.departments = vec!["cardiology".into()];
        medcurate::store::ExternalReview {
            line: 1,
            dataset: "Exam".into(),
            item_id: id.into(),
            content: r,
            reviewer: None,
            revision_no: None,
        }
    };
    let refused = store
        .import_reviews("neph", &[review("q5")])
        .unwrap()
        .unwrap_err();
    assert_eq!(
        refused,
        [(
            1,
            "Exam/q5 goes only to physicians whose specialties meet its departments (Exam routes \
             strictly) and yours do not; a maintainer can add the specialty (medcurate people \
             specialty neph --add DEPARTMENT)"
                .to_string()
        )]
    );
    assert!(
        store
            .import_reviews("neph", &[review("q1")])
            .unwrap()
            .is_ok()
    );
    assert!(
        store
            .import_reviews("card1", &[review("q5")])
            .unwrap()
            .is_ok()
    );
    store.set_routing("Exam", Routing::Prefer, "m").unwrap();
    assert!(
        store
            .import_reviews("neph", &[review("q3")])
            .unwrap()
            .is_ok()
    );
}

#[test]
fn the_migration_routes_the_items_it_finds() {
    if common::backend::skip_on_postgres("it replays SQLite's migrations") {
        return;
    }
    let (d, store) = setup(MIXED, Routing::Prefer);
    drop(store);
    let db = d.path().join("t.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    // q4 as if a curator had set its final departments.
    conn.execute_batch("UPDATE items SET departments = '[\"hematology\"]' WHERE ext_id = 'q4';")
        .unwrap();
    conn.execute_batch(include_str!("fixtures/before_routing.sql"))
        .unwrap();
    conn.pragma_update(None, "user_version", 12).unwrap();
    drop(conn);
    let mut store = Store::open(&db).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let masks: Vec<(String, i64)> = conn
        .prepare("SELECT ext_id, route_mask FROM items ORDER BY ext_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mask = |ids: &[&str]| medcurate::domain::routing::mask_of(ids.iter().copied());
    assert_eq!(
        masks,
        [
            ("q1".to_string(), mask(&["nephrology"])),
            ("q2".to_string(), 0),
            ("q3".to_string(), mask(&["cardiology", "hematology"])),
            ("q4".to_string(), mask(&["hematology"])),
            ("q5".to_string(), mask(&["cardiology"])),
        ]
    );
    // Specialties went with the tables; given again, they route (q3 before the older q1).
    store
        .change_specialties("anyone", &["hematology".into()], &[], "m")
        .unwrap();
    assert_eq!(claim(&mut store, "anyone").as_deref(), Some("q3"));
}
