//! The curator-facing store: the queue and its reasons, decisions, revise -> re-review,
//! history, the export's blinding, and agreement from stored reviews.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::curation::{Decision, editable_text, parse_revision};
use medcurate::domain::item::{ItemBody, ItemKind};
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::ItemState;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::{CurationFilter, DecideOutcome, ExportRecord, Store, SubmitOutcome};

const ITEM: &str = r#"{"id":"q{N}","kind":"mcq","stem":"维生素C缺乏可引起（{N}）","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"夜盲症"}],"answer":"A","suggested_departments":["general-practice"]}"#;

fn setup(n: usize, annotators: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for id in annotators {
        store
            .add_person(
                &Person {
                    id: id.to_string(),
                    name: format!("Dr {id}"),
                    roles: vec![Role::Annotator],
                    os_user: None,
                },
                "test",
            )
            .unwrap();
    }
    store
        .add_person(
            &Person {
                id: "cur".into(),
                name: "王主任".into(),
                roles: vec![Role::Curator],
                os_user: None,
            },
            "test",
        )
        .unwrap();
    for (dataset, offset) in [("Exam", 0), ("Other", 1000)] {
        let lines: String = (0..n)
            .map(|i| ITEM.replace("{N}", &(i + offset).to_string()) + "\n")
            .collect();
        let file = dir.path().join(format!("{dataset}.jsonl"));
        std::fs::write(&file, lines).unwrap();
        let opts = ImportOptions {
            files: vec![file],
            dataset: dataset.into(),
            format: Format::Native,
            revise: false,
            skip_invalid: false,
            rejects_dir: dir.path().to_path_buf(),
            actor: "test".into(),
        };
        assert!(import(&mut store, &opts, &mut |_, _| {}).unwrap().committed);
    }
    (dir, store)
}

fn review(body: &ItemBody, fail: &[Criterion], depts: &[&str]) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        let v = if fail.contains(&c) {
            Verdict::Fail {
                reason: "答案有误".into(),
            }
        } else {
            Verdict::Pass
        };
        r.verdicts.insert(c, v);
    }
    r.departments = depts.iter().map(|d| d.to_string()).collect();
    r
}

/// `who` claims the next item (in `dataset`) and submits the review `make` builds for it.
fn review_next(
    store: &mut Store,
    who: &str,
    dataset: &str,
    make: impl Fn(&ItemBody) -> ReviewContent,
) -> (String, SubmitOutcome) {
    let a = store.claim_next(who, Some(dataset)).unwrap().unwrap();
    let out = store
        .submit_review(who, a.review_id, &make(&a.item.body))
        .unwrap();
    (a.item.id, out)
}

const FAIL_CV: [Criterion; 1] = [Criterion::ClinicalValidity];

fn state(store: &Store, dataset: &str, id: &str) -> ItemState {
    store.item(dataset, id).unwrap().unwrap().state
}

#[test]
fn disputes_enter_the_queue_with_their_reasons_and_filters_narrow_it() {
    let (_d, mut store) = setup(3, &["a", "b"]);
    let cv = Criterion::ClinicalValidity;
    // q0: criteria disagree. q1: both fail, departments differ. q2: agreed and accepted.
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[cv], &["cardiology"])
    });
    let (id, out) = review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!((id.as_str(), out), ("q0", SubmitOutcome::NeedsCuration));
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[cv], &["nephrology"])
    });
    review_next(&mut store, "b", "Exam", |b| {
        review(b, &[cv], &["cardiology"])
    });
    review_next(&mut store, "a", "Exam", |b| review(b, &[], &["cardiology"]));
    let (_, out) = review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!(out, SubmitOutcome::Accepted);
    // One dispute in the other dataset, by proposal only.
    review_next(&mut store, "a", "Other", |b| {
        review(b, &[], &["cardiology"])
    });
    review_next(&mut store, "b", "Other", |b| {
        let mut r = review(b, &[], &["cardiology"]);
        r.proposal = Some(editable_text(b).replace("维生素C", "维生素 C"));
        r
    });

    let all = store
        .curation_queue("cur", &CurationFilter::default(), 100)
        .unwrap();
    assert_eq!(all.waiting, 3);
    assert_eq!(
        all.by_reason,
        vec![
            ("criteria_disagree", 1),
            ("both_failed", 1),
            ("departments_disagree", 1),
            ("correction_proposed", 1),
            ("reopened", 0)
        ]
    );
    let ids: Vec<_> = all
        .rows
        .iter()
        .map(|r| format!("{}/{}", r.dataset, r.item_id))
        .collect();
    assert_eq!(ids, ["Exam/q0", "Exam/q1", "Other/q1000"]);
    assert_eq!(
        all.rows[0].reasons,
        vec!["criteria_disagree:clinical_validity"]
    );
    assert_eq!(
        all.rows[1].reasons,
        vec!["both_failed:clinical_validity", "departments_disagree"]
    );

    let f = |dataset: Option<&str>, reason: Option<&str>, dept: Option<&str>| {
        let q = store
            .curation_queue(
                "cur",
                &CurationFilter {
                    dataset: dataset.map(Into::into),
                    reason: reason.map(Into::into),
                    department: dept.map(Into::into),
                },
                100,
            )
            .unwrap();
        assert_eq!(q.matching as usize, q.rows.len());
        q.rows.into_iter().map(|r| r.item_id).collect::<Vec<_>>()
    };
    assert_eq!(f(Some("Exam"), None, None), ["q0", "q1"]);
    assert_eq!(f(None, Some("both_failed"), None), ["q1"]);
    assert_eq!(f(None, None, Some("nephrology")), ["q1"]);
    assert_eq!(
        f(Some("Other"), Some("correction_proposed"), None),
        ["q1000"]
    );
    assert!(f(None, None, Some("urology")).is_empty());
    let e = store
        .curation_queue(
            "cur",
            &CurationFilter {
                reason: Some("bogus".into()),
                ..Default::default()
            },
            10,
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("criteria_disagree, both_failed"),
        "{e}"
    );

    // Only curators see the queue and both reviews.
    let e = store
        .curation_queue("a", &CurationFilter::default(), 10)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "a does not have the curator role; a maintainer can grant it with `medcurate people grant a --role curator`"
    );
    assert!(store.curation_case("a", "Exam", "q0").is_err());
    let case = store.curation_case("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(case.reviews.len(), 2);
    assert_eq!(case.reviews[0].reviewer, "a");
    assert_eq!(case.reviews[0].reviewer_name, "Dr a");
    assert!(!case.reviews[0].content.verdicts[&cv].passed());
    assert!(case.reviews[1].content.verdicts[&cv].passed());
    assert!(store.curation_case("cur", "Exam", "q2").unwrap().is_none());
}

#[test]
fn accept_and_discard_are_kept_with_who_and_when() {
    let (_d, mut store) = setup(2, &["a", "b"]);
    let cv = Criterion::ClinicalValidity;
    for _ in 0..2 {
        review_next(&mut store, "a", "Exam", |b| {
            review(b, &[cv], &["cardiology"])
        });
        review_next(&mut store, "b", "Exam", |b| review(b, &[], &["nephrology"]));
    }
    let out = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Accept {
                departments: vec!["肾脏内科".into(), "cardiology".into()],
            },
        )
        .unwrap();
    assert_eq!(out, DecideOutcome::Accepted);
    assert_eq!(state(&store, "Exam", "q0"), ItemState::Accepted);
    // A second decision on the same item is refused, naming the first.
    let e = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Discard {
                reason: "重复".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("Exam/q0 is accepted, no longer waiting for a curator (cur chose accept at "),
        "{e}"
    );
    // Discard needs a reason.
    assert!(
        store
            .decide(
                "cur",
                "Exam",
                "q1",
                1,
                Decision::Discard { reason: " ".into() }
            )
            .is_err()
    );
    store
        .decide(
            "cur",
            "Exam",
            "q1",
            1,
            Decision::Discard {
                reason: "题干与答案不符".into(),
            },
        )
        .unwrap();
    assert_eq!(state(&store, "Exam", "q1"), ItemState::Discarded);
    assert_eq!(
        store
            .curation_queue("cur", &CurationFilter::default(), 10)
            .unwrap()
            .waiting,
        0
    );
    // An annotator cannot decide.
    assert!(
        store
            .decide(
                "a",
                "Exam",
                "q1",
                1,
                Decision::Accept {
                    departments: vec!["cardiology".into()]
                }
            )
            .is_err()
    );

    // In the curator's order: the first is the primary department.
    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(
        h.final_departments,
        Some(vec!["nephrology".into(), "cardiology".into()])
    );
    assert_eq!(h.decisions.len(), 1);
    assert_eq!(h.decisions[0].curator, "cur");
    assert_eq!(h.decisions[0].action, "accept");
    assert!(
        h.events
            .iter()
            .any(|e| e.action == "curator_accept" && e.actor == "cur")
    );
    let h = store.item_history("cur", "Exam", "q1").unwrap().unwrap();
    assert_eq!(h.decisions[0].reason.as_deref(), Some("题干与答案不符"));
    assert!(store.item_history("a", "Exam", "q1").is_err());
}

#[test]
fn revise_goes_back_to_fresh_reviewers_then_is_accepted() {
    let (_d, mut store) = setup(1, &["a", "b", "c", "d"]);
    let cv = Criterion::ClinicalValidity;
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[cv], &["cardiology"])
    });
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    let case = store.curation_case("cur", "Exam", "q0").unwrap().unwrap();
    let edited = editable_text(&case.item.body).replace("维生素C缺乏", "维生素C严重缺乏");
    let body = parse_revision(&edited, "Exam", "q0", ItemKind::Mcq).unwrap();
    // Saving the same text is refused: that is an accept.
    let same = case.item.body.clone();
    let e = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Revise {
                body: Box::new(same),
                note: None,
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("accept it instead"), "{e}");
    let out = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Revise {
                body: Box::new(body),
                note: None,
            },
        )
        .unwrap();
    assert_eq!(
        out,
        DecideOutcome::Revised {
            revision_no: 2,
            fresh_eyes: true
        }
    );
    assert_eq!(state(&store, "Exam", "q0"), ItemState::InReview);
    // A stale decision (made on revision 1) is refused.
    let e = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Accept {
                departments: vec!["cardiology".into()],
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("changed since you opened it"), "{e}");
    // The first pair is not served the new revision; c and d are.
    assert!(store.claim_next("a", Some("Exam")).unwrap().is_none());
    assert!(store.claim_next("b", Some("Exam")).unwrap().is_none());
    let queue_a = store.review_queue("a").unwrap();
    assert_eq!(
        queue_a
            .iter()
            .find(|q| q.dataset == "Exam")
            .unwrap()
            .available,
        0
    );
    let (id, _) = review_next(&mut store, "c", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!(id, "q0");
    let (_, out) = review_next(&mut store, "d", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!(out, SubmitOutcome::Accepted);
    let stored = store.item("Exam", "q0").unwrap().unwrap();
    assert_eq!(stored.state, ItemState::Accepted);
    assert_eq!(stored.revision_no, 2);
    assert!(matches!(&stored.item.body.content,
        medcurate::domain::item::Content::Mcq(m) if m.stem.contains("严重")));

    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(h.revisions.len(), 2);
    assert_eq!(h.revisions[1].source, "edited by cur");
    assert_eq!(h.reviews.len(), 4);
    assert!(h.reviews.iter().all(|r| r.content.is_some()));
    assert_eq!(h.decisions[0].new_revision, Some(2));
    assert_eq!(h.final_departments, Some(vec!["cardiology".to_string()]));
}

#[test]
fn with_too_few_annotators_the_first_pair_reviews_the_revision() {
    let (_d, mut store) = setup(1, &["a", "b"]);
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[Criterion::AnswerCorrectness], &["cardiology"])
    });
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    let case = store.curation_case("cur", "Exam", "q0").unwrap().unwrap();
    let body = parse_revision(
        &editable_text(&case.item.body).replace("夜盲症", "佝偻病"),
        "Exam",
        "q0",
        ItemKind::Mcq,
    )
    .unwrap();
    let out = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Revise {
                body: Box::new(body),
                note: None,
            },
        )
        .unwrap();
    assert_eq!(
        out,
        DecideOutcome::Revised {
            revision_no: 2,
            fresh_eyes: false
        }
    );
    let (id, _) = review_next(&mut store, "a", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!(id, "q0");
}

#[test]
fn history_and_export_never_unblind_an_open_pair() {
    let (_d, mut store) = setup(2, &["a", "b"]);
    let cv = Criterion::ClinicalValidity;
    // q0 accepted by agreement; q1 has one review only; Other/q1000 waits for a curator.
    review_next(&mut store, "a", "Exam", |b| review(b, &[], &["cardiology"]));
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[cv], &["cardiology"])
    });
    review_next(&mut store, "a", "Other", |b| {
        review(b, &[cv], &["cardiology"])
    });
    review_next(&mut store, "b", "Other", |b| {
        review(b, &[], &["cardiology"])
    });

    let h = store.item_history("cur", "Exam", "q1").unwrap().unwrap();
    assert_eq!(h.reviews.len(), 1);
    assert_eq!(
        h.reviews[0].content, None,
        "withheld while the pair is open"
    );
    assert!(
        h.events
            .iter()
            .filter(|e| e.action.starts_with("review_"))
            .all(|e| e.detail.is_none())
    );

    let collect = |store: &Store, dataset: Option<&str>| {
        let mut out = Vec::new();
        store
            .export_reviews("cur", dataset, |r| {
                out.push(r);
                Ok(())
            })
            .unwrap();
        out
    };
    let recs = collect(&store, None);
    let items: Vec<_> = recs
        .iter()
        .map(|r| match r {
            ExportRecord::Review { item_id, .. } => item_id.clone(),
            ExportRecord::Decision { item_id, .. } => item_id.clone(),
        })
        .collect();
    assert_eq!(items, ["q0", "q0"], "only the settled item's reviews");
    store
        .decide(
            "cur",
            "Other",
            "q1000",
            1,
            Decision::Discard {
                reason: "不适合".into(),
            },
        )
        .unwrap();
    let recs = collect(&store, Some("Other"));
    assert_eq!(recs.len(), 3);
    let line = serde_json::to_value(&recs[2]).unwrap();
    assert_eq!(line["record"], "decision");
    assert_eq!(line["action"], "discard");
    assert_eq!(line["reason"], "不适合");
    let line = serde_json::to_value(&recs[0]).unwrap();
    assert_eq!(line["record"], "review");
    assert_eq!(line["reviewer"], "a");
    assert_eq!(line["verdicts"]["clinical_validity"]["verdict"], "fail");
    // An annotator cannot export.
    assert!(store.export_reviews("a", None, |_| Ok(())).is_err());
}

#[test]
fn agreement_from_stored_reviews_matches_a_hand_count() {
    let (_d, mut store) = setup(4, &["a", "b"]);
    let cv = Criterion::ClinicalValidity;
    // Exam: clinical validity a/b = F/P, P/P, P/P, F/F -> po = 3/4; a passes 2/4, b 3/4;
    // pe = 0.5*0.75 + 0.5*0.25 = 0.5; kappa = 0.5.
    let plan = [(true, false), (false, false), (false, false), (true, true)];
    for (fa, fb) in plan {
        review_next(&mut store, "a", "Exam", |b| {
            review(b, if fa { &FAIL_CV } else { &[] }, &["cardiology"])
        });
        review_next(&mut store, "b", "Exam", |b| {
            review(
                b,
                if fb { &FAIL_CV } else { &[] },
                &["cardiology", "nephrology"],
            )
        });
    }
    let r = store.agreement(Some("Exam")).unwrap();
    assert_eq!(r.overall.items, 4);
    let t = r.overall.criterion(cv);
    assert_eq!(t.total(), 4);
    assert!((t.kappa().value().unwrap() - 0.5).abs() < 1e-9);
    assert_eq!(t.percent_agreement(), Some(75.0));
    // Everyone passed natural plausibility: undefined, not NaN.
    assert_eq!(
        r.overall.criterion(Criterion::NaturalPlausible).kappa(),
        medcurate::domain::agreement::Kappa::OneLabel
    );
    assert_eq!(r.overall.departments.exact, 0);
    assert_eq!(r.overall.departments.mean_jaccard(), Some(0.5));
    assert_eq!(r.per_day["a"].values().sum::<u64>(), 4);
    assert_eq!(store.agreement(Some("Other")).unwrap().overall.items, 0);
    assert!(store.agreement(Some("Nope")).is_err());
}

#[test]
fn a_version_4_database_gains_its_curation_queue_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        medcurate::store::migrations::migrate_to(&mut conn, 4).unwrap();
        let body = r#"{"kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":["A"]}"#;
        let pass = r#"{"verdicts":{"natural_plausible":{"verdict":"pass"},"clinical_validity":{"verdict":"pass"},"answer_correctness":{"verdict":"pass"},"distractor_plausibility":{"verdict":"pass"}},"departments":["nephrology","cardiology"]}"#;
        let fail = r#"{"verdicts":{"natural_plausible":{"verdict":"pass"},"clinical_validity":{"verdict":"fail","reason":"错"},"answer_correctness":{"verdict":"pass"},"distractor_plausibility":{"verdict":"pass"}},"departments":["cardiology"]}"#;
        conn.execute_batch(
            "INSERT INTO people (id, name) VALUES ('a', 'A'), ('b', 'B'), ('cur', 'C');
             INSERT INTO person_roles VALUES ('a', 'annotator'), ('b', 'annotator'), ('cur', 'curator');
             INSERT INTO datasets (name, kind) VALUES ('Exam', 'mcq');
             INSERT INTO imports (actor, format, files) VALUES ('t', 'native', '[]');
             INSERT INTO items (dataset_id, ext_id, kind, state, revision_no, created_at)
             VALUES (1, 'q1', 'mcq', 'needs_curation', 1, 't'), (1, 'q2', 'mcq', 'accepted', 1, 't');",
        )
        .unwrap();
        for item in [1, 2] {
            conn.execute(
                "INSERT INTO revisions (item_id, revision_no, body, content_hash, import_id, created_at)
                 VALUES (?1, 1, ?2, 'h', 1, 't')",
                rusqlite::params![item, body],
            )
            .unwrap();
            for (who, content) in [("a", fail), ("b", pass)] {
                let content = if item == 2 { pass } else { content };
                conn.execute(
                    "INSERT INTO reviews (item_id, revision_no, reviewer, status, content, passed,
                                          claimed_at, updated_at, submitted_at)
                     VALUES (?1, 1, ?2, 'submitted', ?3, 1, '2026-11-01T10:00:00Z',
                             '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z')",
                    rusqlite::params![item, who, content],
                )
                .unwrap();
            }
        }
        conn.execute_batch(
            r#"INSERT INTO events (actor, action, item_id, revision_no, detail) VALUES
               ('medcurate', 'item_settled', 1, 1,
                '{"state":"needs_curation","reasons":["criteria_disagree:clinical_validity","departments_disagree"]}');"#,
        )
        .unwrap();
    }
    let store = Store::open(&db).unwrap();
    let q = store
        .curation_queue("cur", &CurationFilter::default(), 10)
        .unwrap();
    assert_eq!(q.rows.len(), 1);
    assert_eq!(
        q.rows[0].reasons,
        vec![
            "criteria_disagree:clinical_validity",
            "departments_disagree"
        ]
    );
    assert_eq!(
        q.by_reason,
        vec![
            ("criteria_disagree", 1),
            ("both_failed", 0),
            ("departments_disagree", 1),
            ("correction_proposed", 0),
            ("reopened", 0)
        ]
    );
    let only_nephrology = store
        .curation_queue(
            "cur",
            &CurationFilter {
                department: Some("nephrology".into()),
                ..Default::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(only_nephrology.rows.len(), 1);
    let r = store.agreement(None).unwrap();
    assert_eq!(r.overall.items, 2);
    assert_eq!(
        r.overall.criterion(Criterion::ClinicalValidity).counts,
        [[0, 1], [0, 1]]
    );
    assert_eq!(r.overall.criterion(Criterion::RubricMatch).total(), 0);
    // The agreeing pair's departments, in the first review's order (migration 12).
    let h = store.item_history("cur", "Exam", "q2").unwrap().unwrap();
    assert_eq!(
        h.final_departments,
        Some(vec!["nephrology".to_string(), "cardiology".to_string()])
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_revision_note_reaches_its_reviewers_with_the_earlier_text_and_nothing_of_the_reviews() {
    let (_d, mut store) = setup(1, &["a", "b", "c", "d"]);
    let cv = Criterion::ClinicalValidity;
    let first = store.claim_next("a", Some("Exam")).unwrap().unwrap();
    assert_eq!(
        first.changes, None,
        "a first revision has nothing before it"
    );
    let mut a = review(&first.item.body, &[cv], &["cardiology"]);
    a.comment = Some("第一轮评审意见：选项B描述含糊".into());
    store.submit_review("a", first.review_id, &a).unwrap();
    review_next(&mut store, "b", "Exam", |b| {
        let mut r = review(b, &[], &["nephrology"]);
        r.proposal = Some(editable_text(b).replace("脚气病", "脚气病（维生素B1缺乏）"));
        r
    });
    let case = store.curation_case("cur", "Exam", "q0").unwrap().unwrap();
    let before = case.item.body.clone();
    let edited = editable_text(&before).replace("脚气病", "脚气病（维生素B1缺乏症）");
    let body = parse_revision(&edited, "Exam", "q0", ItemKind::Mcq).unwrap();
    let note = "改正选项B；解析已更新";
    store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Revise {
                body: Box::new(body.clone()),
                note: Some(format!("  {note} ")),
            },
        )
        .unwrap();

    // A fresh reviewer of revision 2 gets the note and revision 1's text to diff against.
    let next = store.claim_next("c", Some("Exam")).unwrap().unwrap();
    assert_eq!((next.item.id.as_str(), next.revision_no), ("q0", 2));
    let changes = next.changes.clone().expect("what changed");
    assert_eq!(changes.previous_revision, 1);
    assert_eq!(changes.previous, before);
    assert!(changes.by_curator);
    assert_eq!(changes.note.as_deref(), Some(note));
    // Nothing of the first pair's reviews: no verdict reason, comment, proposal or name.
    let seen = format!("{next:?}");
    for secret in [
        "答案有误",
        "第一轮评审意见",
        "维生素B1缺乏）",
        "nephrology",
        "Dr a",
    ] {
        assert!(!seen.contains(secret), "{secret} leaked: {seen}");
    }
    // Resuming the claim shows the same.
    let again = store.open_review("c", next.review_id).unwrap().unwrap();
    assert_eq!(again.changes, Some(changes));

    // The note is kept with the decision, in its event, in the history and in the export.
    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    let d = h.decisions.last().unwrap();
    assert_eq!(
        (d.action.as_str(), d.note.as_deref()),
        ("revise", Some(note))
    );
    let e = h
        .events
        .iter()
        .find(|e| e.action == "curator_revise")
        .unwrap();
    let detail: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["note"], note);
    let mut notes = Vec::new();
    store
        .export_reviews("cur", None, |r| {
            if let ExportRecord::Decision { note, .. } = r {
                notes.push(note);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(notes, vec![Some(note.to_string())]);

    // An imported revision has no note, and says it was not a curator's.
    let file = _d.path().join("rev.jsonl");
    std::fs::write(
        &file,
        ITEM.replace("{N}", "0")
            .replace("坏血病", "坏血病（维生素C缺乏症）")
            + "\n",
    )
    .unwrap();
    let opts = ImportOptions {
        files: vec![file],
        dataset: "Exam".into(),
        format: Format::Native,
        revise: true,
        skip_invalid: false,
        rejects_dir: _d.path().to_path_buf(),
        actor: "test".into(),
    };
    assert!(import(&mut store, &opts, &mut |_, _| {}).unwrap().committed);
    let next = store.claim_next("d", Some("Exam")).unwrap().unwrap();
    assert_eq!(next.revision_no, 3);
    let changes = next.changes.expect("what changed");
    assert_eq!(changes.previous_revision, 2);
    assert_eq!(changes.previous, body);
    assert!(!changes.by_curator);
    assert_eq!(changes.note, None);
}

#[test]
fn reopen_sends_a_decided_item_back_to_the_queue_with_its_reason() {
    let (_d, mut store) = setup(3, &["a", "b"]);
    let cv = Criterion::ClinicalValidity;
    // q0 disputed then accepted by the curator; q1 accepted by agreement; q2 in review.
    review_next(&mut store, "a", "Exam", |b| {
        review(b, &[cv], &["cardiology"])
    });
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["nephrology"]));
    review_next(&mut store, "a", "Exam", |b| review(b, &[], &["cardiology"]));
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    let accept = |d: &str| Decision::Accept {
        departments: vec![d.into()],
    };
    store
        .decide("cur", "Exam", "q0", 1, accept("cardiology"))
        .unwrap();
    assert_eq!(state(&store, "Exam", "q1"), ItemState::Accepted);
    let reopen = |r: &str| Decision::Reopen { reason: r.into() };

    let out = store
        .decide("cur", "Exam", "q0", 1, reopen(" 新指南更改了推荐 "))
        .unwrap();
    assert_eq!(out, DecideOutcome::Reopened);
    assert_eq!(state(&store, "Exam", "q0"), ItemState::NeedsCuration);
    let q = store
        .curation_queue("cur", &CurationFilter::default(), 10)
        .unwrap();
    assert_eq!(q.rows.len(), 1);
    assert_eq!(
        q.rows[0].reasons,
        vec![
            "reopened",
            "criteria_disagree:clinical_validity",
            "departments_disagree"
        ]
    );
    assert_eq!(q.by_reason.last(), Some(&("reopened", 1)));
    let only = |reason: &str, department: Option<&str>| {
        store
            .curation_queue(
                "cur",
                &CurationFilter {
                    reason: Some(reason.into()),
                    department: department.map(str::to_string),
                    ..Default::default()
                },
                10,
            )
            .unwrap()
            .rows
            .len()
    };
    assert_eq!(only("reopened", None), 1);
    assert_eq!(only("reopened", Some("nephrology")), 1);
    assert_eq!(only("reopened", Some("hematology")), 0);
    // Its case has both reviews again; the final departments are gone until decided again.
    let case = store.curation_case("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(case.reviews.len(), 2);
    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(h.final_departments, None);
    let actions: Vec<_> = h.decisions.iter().map(|d| d.action.as_str()).collect();
    assert_eq!(actions, ["accept", "reopen"]);
    assert_eq!(h.decisions[1].reason.as_deref(), Some("新指南更改了推荐"));
    let e = h.events.last().unwrap();
    assert_eq!(
        (e.actor.as_str(), e.action.as_str()),
        ("cur", "curator_reopen")
    );
    let detail: serde_json::Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["reason"], "新指南更改了推荐");
    assert_eq!(detail["from"], "accepted");
    assert_eq!(detail["state"], "needs_curation");
    // Decided again: out of the queue, accepted with the new departments.
    store
        .decide("cur", "Exam", "q0", 1, accept("nephrology"))
        .unwrap();
    assert_eq!(state(&store, "Exam", "q0"), ItemState::Accepted);

    // An item the pair accepted, then discarded, is reopened too: "reopened" alone.
    store
        .decide("cur", "Exam", "q1", 1, reopen("抽查发现答案有误"))
        .unwrap();
    let q = store
        .curation_queue("cur", &CurationFilter::default(), 10)
        .unwrap();
    assert_eq!(q.rows[0].reasons, vec!["reopened"]);
    let e = store
        .decide("cur", "Exam", "q1", 1, reopen("again"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "Exam/q1 is waiting for a curator already; decide it from the curation queue"
    );
    store
        .decide(
            "cur",
            "Exam",
            "q1",
            1,
            Decision::Discard {
                reason: "答案有误".into(),
            },
        )
        .unwrap();
    store
        .decide("cur", "Exam", "q1", 1, reopen("误删"))
        .unwrap();
    assert_eq!(state(&store, "Exam", "q1"), ItemState::NeedsCuration);

    // Refused: an item in review, an empty reason, an annotator, a stale revision.
    let e = store
        .decide("cur", "Exam", "q2", 1, reopen("x"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "Exam/q2 is in review at revision 1: only accepted or discarded items can be reopened"
        ),
        "{e}"
    );
    let e = store
        .decide("cur", "Exam", "q0", 1, reopen("  "))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "give a reason for reopening the item");
    assert!(store.decide("a", "Exam", "q0", 1, reopen("x")).is_err());
    let e = store
        .decide("cur", "Exam", "q0", 2, reopen("x"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("changed since you opened it"), "{e}");
    // Decisions stay append-only.
    assert_eq!(
        store
            .item_history("cur", "Exam", "q0")
            .unwrap()
            .unwrap()
            .decisions
            .len(),
        3
    );
}

#[test]
fn an_item_in_a_frozen_release_is_never_reopened() {
    let (d, mut store) = setup(1, &["a", "b"]);
    review_next(&mut store, "a", "Exam", |b| review(b, &[], &["cardiology"]));
    review_next(&mut store, "b", "Exam", |b| review(b, &[], &["cardiology"]));
    assert_eq!(state(&store, "Exam", "q0"), ItemState::Accepted);
    {
        let conn = common::backend::raw_at(d.path(), "t.db");
        conn.execute_batch(
            "INSERT INTO samples (name, plan_name, plan, seed, report, created_by, created_at)
             VALUES ('bench', 'plan', '{}', 7, '{}', 'cur', '2026-03-01T00:00:00Z');
             INSERT INTO sample_items (sample_id, item_id, revision_no, stratum)
             SELECT 1, i.id, i.revision_no, 'all' FROM items i JOIN datasets d ON d.id = i.dataset_id
             WHERE d.name = 'Exam' AND i.ext_id = 'q0';
             INSERT INTO releases (sample_id, name, version, frozen_by, frozen_at)
             VALUES (1, 'bench-2026', '1.0.0', 'cur', '2026-03-01T00:00:00Z');",
        )
        .unwrap();
    }
    let e = store
        .decide(
            "cur",
            "Exam",
            "q0",
            1,
            Decision::Reopen {
                reason: "复核".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "Exam/q0 is in the frozen release bench-2026 (version 1.0.0) at revision 1, and releases never change: it cannot be reopened."
        ),
        "{e}"
    );
    assert_eq!(state(&store, "Exam", "q0"), ItemState::Accepted);
    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    assert!(h.decisions.is_empty());
}

#[test]
fn a_version_8_database_keeps_its_decisions_and_can_reopen_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        medcurate::store::migrations::migrate_to(&mut conn, 8).unwrap();
        let body = r#"{"kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":["A"]}"#;
        conn.execute_batch(
            "INSERT INTO people (id, name) VALUES ('cur', 'C');
             INSERT INTO person_roles VALUES ('cur', 'curator');
             INSERT INTO datasets (name, kind) VALUES ('Exam', 'mcq');
             INSERT INTO items (dataset_id, ext_id, kind, state, revision_no, created_at, departments)
             VALUES (1, 'q1', 'mcq', 'accepted', 1, 't', '[\"cardiology\"]');
             INSERT INTO decisions (item_id, revision_no, curator, action, departments, at)
             VALUES (1, 1, 'cur', 'accept', '[\"cardiology\"]', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO revisions (item_id, revision_no, body, content_hash, author, created_at)
             VALUES (1, 1, ?1, 'h', 'cur', 't')",
            [body],
        )
        .unwrap();
    }
    let mut store = Store::open(&db).unwrap();
    let h = store.item_history("cur", "Exam", "q1").unwrap().unwrap();
    assert_eq!(h.decisions.len(), 1);
    assert_eq!(h.decisions[0].action, "accept");
    assert_eq!(h.decisions[0].note, None);
    store
        .decide(
            "cur",
            "Exam",
            "q1",
            1,
            Decision::Reopen {
                reason: "升级后复核".into(),
            },
        )
        .unwrap();
    assert_eq!(state(&store, "Exam", "q1"), ItemState::NeedsCuration);
    // The rebuilt table is still append-only.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let e = conn
        .execute("UPDATE decisions SET reason = 'x'", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("decisions are append-only"), "{e}");
    assert!(conn.execute("DELETE FROM decisions", []).is_err());
}
