//! The curator-facing store: the queue and its reasons, decisions, revise -> re-review,
//! history, the export's blinding, and agreement from stored reviews.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

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
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
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
            ("correction_proposed", 1)
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

    let h = store.item_history("cur", "Exam", "q0").unwrap().unwrap();
    assert_eq!(
        h.final_departments,
        Some(vec!["cardiology".into(), "nephrology".into()])
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
        .decide("cur", "Exam", "q0", 1, Decision::Revise { body: same })
        .unwrap_err();
    assert!(e.to_string().contains("accept it instead"), "{e}");
    let out = store
        .decide("cur", "Exam", "q0", 1, Decision::Revise { body })
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
        .decide("cur", "Exam", "q0", 1, Decision::Revise { body })
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
            ("correction_proposed", 0)
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
    let h = store.item_history("cur", "Exam", "q2").unwrap().unwrap();
    assert_eq!(
        h.final_departments,
        Some(vec!["cardiology".to_string(), "nephrology".to_string()])
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
