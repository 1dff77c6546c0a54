//! Every public-format adapter on real rows (licence-clean copies in tests/fixtures/real,
//! and written look-alikes where the source's licence is unclear).
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::item::{Content, Extraction, Mcq};
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::Store;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name)
}

/// Imports `files` as `format` into a fresh store and checks every row went in.
fn load(files: &[&str], format: &str, dataset: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    let opts = ImportOptions {
        files: files.iter().map(|f| fixture(f)).collect(),
        dataset: dataset.into(),
        format: format.parse::<Format>().unwrap(),
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.path().to_path_buf(),
        actor: "tester".into(),
    };
    let report = import(&mut store, &opts, &mut |_, _| {}).unwrap();
    let rows: usize = files
        .iter()
        .map(|f| std::fs::read_to_string(fixture(f)).unwrap().lines().count())
        .sum();
    assert_eq!(report.error_count, 0, "{:#?}", report.errors);
    assert_eq!(report.total().imported, rows as u64);
    (dir, store)
}

fn mcq(store: &Store, ds: &str, id: &str) -> Mcq {
    match store.item(ds, id).unwrap().unwrap().item.body.content {
        Content::Mcq(m) => m,
        other => panic!("{id} is not mcq: {other:?}"),
    }
}

fn extraction(store: &Store, ds: &str, id: &str) -> Extraction {
    match store.item(ds, id).unwrap().unwrap().item.body.content {
        Content::Extraction(x) => x,
        other => panic!("{id} is not extraction: {other:?}"),
    }
}

#[test]
fn cmexam_splits_options_with_literal_or_real_newlines_and_keeps_annotations() {
    let (_d, store) = load(
        &["cmexam_val.jsonl", "cmexam_test_annotated.jsonl"],
        "cmexam",
        "CMExam",
    );
    // val.xlsx stores the option breaks as a literal backslash-n.
    let m = mcq(&store, "CMExam", "cmexam_val:2");
    assert_eq!(
        m.stem,
        "上消化道出血可单纯表现为呕血或黑便，也可两者兼有，这取决于"
    );
    let opts: Vec<(&str, &str)> = m
        .options
        .iter()
        .map(|o| (o.label.as_str(), o.text.as_str()))
        .collect();
    assert_eq!(
        opts,
        vec![
            ("A", "原发病"),
            ("B", "出血部位"),
            ("C", "出血量"),
            ("D", "在胃内停留时间"),
            ("E", "以上均非")
        ]
    );
    assert_eq!(m.answer, vec!["C"]);
    // Several correct letters.
    assert_eq!(
        mcq(&store, "CMExam", "cmexam_val:6089").answer,
        vec!["A", "B", "D", "E"]
    );
    assert_eq!(
        mcq(&store, "CMExam", "cmexam_val:5202").answer,
        vec!["A", "B", "C"]
    );
    // The annotated test split uses real newlines and carries five annotation columns.
    let item = store
        .item("CMExam", "cmexam_test_annotated:2")
        .unwrap()
        .unwrap()
        .item;
    let Content::Mcq(m) = &item.body.content else {
        panic!()
    };
    assert_eq!(m.options.len(), 5);
    assert_eq!(m.options[3].text, "穿心莲");
    assert_eq!(m.answer, vec!["D"]);
    let attr = |k: &str| {
        item.body
            .attributes
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    assert_eq!(attr("clinical_department").as_deref(), Some("中医科"));
    assert_eq!(attr("medical_discipline").as_deref(), Some("中药学"));
    assert_eq!(attr("area_of_competency").as_deref(), Some("疾病治疗"));
    assert_eq!(
        attr("disease_group").as_deref(),
        Some("补充章传统医学病证-模块1")
    );
    assert_eq!(attr("exam_difficulty_level").as_deref(), Some("3"));
    assert_eq!(item.body.provenance["source"], "CMExam");
    assert_eq!(item.body.provenance["row"], 2);
}

#[test]
fn cmeee_inclusive_end_becomes_exclusive_and_nested_entities_survive() {
    let (_d, store) = load(&["cmeee_lookalike.jsonl"], "cmeee", "CMeEE");
    let x = extraction(&store, "CMeEE", "cmeee_lookalike:1");
    let e = &x.entities.unwrap()[0];
    assert_eq!(
        (e.start, e.end, e.text.as_str(), e.entity_type.as_str()),
        (7, 9, "发热", "sym")
    );
    // Line 2 has a nested pair: 肺炎支原体感染 (0..=6) and 肺炎支原体 (0..=4).
    let nested = extraction(&store, "CMeEE", "cmeee_lookalike:2")
        .entities
        .unwrap();
    assert_eq!((nested[0].start, nested[0].end), (0, 7));
    assert_eq!((nested[1].start, nested[1].end), (0, 5));
    // A text with no entities is a valid item with an empty list.
    assert_eq!(
        extraction(&store, "CMeEE", "cmeee_lookalike:8").entities,
        Some(vec![])
    );
}

#[test]
fn cmeie_relations_unwrap_the_value_objects() {
    let (_d, store) = load(&["cmeie.jsonl"], "cmeie", "CMeIE");
    let x = extraction(&store, "CMeIE", "cmeie:1");
    assert!(x.text.starts_with("急性胰腺炎@有研究显示"));
    let r = &x.relations.unwrap()[0];
    assert_eq!(
        (
            r.subject.as_str(),
            r.subject_type.as_str(),
            r.predicate.as_str(),
            r.object.as_str(),
            r.object_type.as_str(),
            r.combined
        ),
        (
            "急性胰腺炎",
            "疾病",
            "影像学检查",
            "ERCP",
            "检查",
            Some(false)
        )
    );
}

#[test]
fn chip_cdn_splits_terms_on_double_hash() {
    let (_d, store) = load(&["chip_cdn.jsonl"], "chip-cdn", "CHIP-CDN");
    let x = extraction(&store, "CHIP-CDN", "chip_cdn:3");
    assert_eq!(x.text, "门诊以胃窦管状腺瘤收入院");
    assert_eq!(x.normalized.unwrap(), vec!["胃良性肿瘤", "管状腺瘤"]);
}

#[test]
fn chip_cdee_keeps_events_and_uses_the_source_id() {
    let (_d, store) = load(&["chip_cdee_lookalike.jsonl"], "chip-cdee", "CHIP-CDEE");
    let x = extraction(&store, "CHIP-CDEE", "chip_cdee_lookalike:1001");
    let ev = x.events.unwrap();
    assert_eq!(ev[0].core_name, "隐痛");
    assert_eq!(ev[0].anatomy_list, vec!["上腹部"]);
    assert_eq!(ev[1].tendency, "否定");
}

#[test]
fn reimporting_a_public_file_finds_the_same_items() {
    let (dir, mut store) = load(&["cmexam_val.jsonl"], "cmexam", "CMExam");
    let opts = ImportOptions {
        files: vec![fixture("cmexam_val.jsonl")],
        dataset: "CMExam".into(),
        format: Format::Public(medcurate::import::adapters::Source::Cmexam),
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.path().to_path_buf(),
        actor: "tester".into(),
    };
    let r = import(&mut store, &opts, &mut |_, _| {}).unwrap();
    assert_eq!((r.total().imported, r.total().skipped), (0, 12));
}
