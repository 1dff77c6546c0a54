//! The store: round trips with Chinese text, migrations, history that cannot be rewritten,
//! and re-import semantics (skip, refuse, revise).
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::item::{Content, Difficulty, ExtractionTask};
use medcurate::domain::workflow::ItemState;
use medcurate::import::{Format, ImportOptions, ImportReport, import};
use medcurate::store::{SCHEMA_VERSION, Store, migrations};
use std::path::{Path, PathBuf};

const MCQ: &str = r#"{"id":"q1","kind":"mcq","stem":"上消化道出血可单纯表现为呕血或黑便，也可两者兼有，这取决于","options":[{"label":"A","text":"原发病"},{"label":"B","text":"出血部位"},{"label":"C","text":"出血量"},{"label":"D","text":"在胃内停留时间"},{"label":"E","text":"以上均非"}],"answer":["C"],"explanation":"主要取决于出血的速度和出血量的多少。","provenance":{"source":"CMExam","row":2},"attributes":{"level":"attending","source":"public"},"suggested_departments":["消化内科"],"difficulty":"medium"}"#;
const OPEN: &str = r#"{"id":"o1","kind":"open_ended","prompt":"患者男，58岁，突发胸骨后压榨性疼痛2小时，心电图V1-V4导联ST段抬高。请给出诊断及首要处理。","rubric":[{"text":"诊断急性前壁ST段抬高型心肌梗死","points":2},"尽快再灌注治疗（PCI或溶栓）"],"reference_answer":"急性前壁STEMI，尽快行直接PCI。","suggested_departments":["cardiology","emergency-medicine"]}"#;
const NER: &str = r#"{"id":"e1","kind":"extraction","task":"ner","text":"对儿童SARST细胞亚群的研究表明，与成人SARS相比，儿童细胞下降不明显。","entities":[{"start":3,"end":10,"type":"bod","text":"SARST细胞"},{"start":19,"end":25,"type":"dis","text":"成人SARS"}]}"#;

fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    p
}

fn run_import(
    store: &mut Store,
    dir: &Path,
    file: &Path,
    dataset: &str,
    revise: bool,
) -> ImportReport {
    let opts = ImportOptions {
        files: vec![file.to_path_buf()],
        dataset: dataset.into(),
        format: Format::Native,
        revise,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "tester".into(),
    };
    import(store, &opts, &mut |_, _| {}).unwrap()
}

#[test]
fn each_kind_round_trips_with_chinese_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    for (ds, line) in [("Exam", MCQ), ("Diag", OPEN), ("NER", NER)] {
        let f = write(dir.path(), &format!("{ds}.jsonl"), &[line]);
        let r = run_import(&mut store, dir.path(), &f, ds, false);
        assert!(r.committed && r.error_count == 0, "{:?}", r.errors);
    }
    let q = store.item("Exam", "q1").unwrap().unwrap();
    assert_eq!(q.state, ItemState::InReview);
    assert_eq!(q.revision_no, 1);
    assert_eq!(q.item.body.difficulty, Some(Difficulty::Medium));
    assert_eq!(q.item.body.suggested_departments, vec!["gastroenterology"]);
    let Content::Mcq(m) = &q.item.body.content else {
        panic!("not mcq")
    };
    assert_eq!(
        m.stem,
        "上消化道出血可单纯表现为呕血或黑便，也可两者兼有，这取决于"
    );
    assert_eq!(m.options[3].text, "在胃内停留时间");
    assert_eq!(m.answer, vec!["C"]);

    let o = store.item("Diag", "o1").unwrap().unwrap();
    let Content::OpenEnded(oe) = &o.item.body.content else {
        panic!("not open_ended")
    };
    assert_eq!(oe.rubric[1].text, "尽快再灌注治疗（PCI或溶栓）");
    assert_eq!(oe.rubric[0].points, Some(2.0));

    let e = store.item("NER", "e1").unwrap().unwrap();
    let Content::Extraction(x) = &e.item.body.content else {
        panic!("not extraction")
    };
    assert_eq!(x.task, ExtractionTask::Ner);
    let ents = x.entities.as_ref().unwrap();
    assert_eq!(
        (ents[1].start, ents[1].end, ents[1].text.as_str()),
        (19, 25, "成人SARS")
    );
    // The stored content hashes to what the store says.
    let again = medcurate::domain::hash::content_hash(&e.item.body.canonical_json());
    assert_eq!(again, e.content_hash);
}

#[test]
fn reimport_skips_same_content_refuses_changes_and_revise_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    let f1 = write(dir.path(), "a.jsonl", &[MCQ]);
    assert_eq!(
        run_import(&mut store, dir.path(), &f1, "Exam", false)
            .total()
            .imported,
        1
    );
    let r = run_import(&mut store, dir.path(), &f1, "Exam", false);
    assert_eq!((r.total().imported, r.total().skipped), (0, 1));

    let changed = MCQ.replace("以上均非", "以上都不是");
    let f2 = write(dir.path(), "b.jsonl", &[&changed]);
    let r = run_import(&mut store, dir.path(), &f2, "Exam", false);
    assert!(!r.committed);
    assert_eq!(
        r.errors[0].to_string(),
        format!(
            "{}:1: field `id`: \"q1\" is already in dataset \"Exam\" (revision 1) with different content; pass --revise to record this as a new revision, or give the item a new id",
            f2.display()
        )
    );
    assert_eq!(store.revisions("Exam", "q1").unwrap().len(), 1);

    let r = run_import(&mut store, dir.path(), &f2, "Exam", true);
    assert!(r.committed);
    assert_eq!(r.total().revised, 1);
    let revs = store.revisions("Exam", "q1").unwrap();
    assert_eq!(revs.len(), 2);
    let Content::Mcq(old) = &revs[0].body.content else {
        panic!()
    };
    let Content::Mcq(new) = &revs[1].body.content else {
        panic!()
    };
    assert_eq!(old.options[4].text, "以上均非");
    assert_eq!(new.options[4].text, "以上都不是");
    assert_eq!(store.item("Exam", "q1").unwrap().unwrap().revision_no, 2);
    // Importing the revised content again is a skip, not another revision.
    let r = run_import(&mut store, dir.path(), &f2, "Exam", true);
    assert_eq!((r.total().revised, r.total().skipped), (0, 1));
}

/// An import larger than one of PostgreSQL's batches (2,000 items): a repeated id is told
/// whether its first use is still held back or already sent, ids follow the file's order, and
/// a second import mixing stored, changed and new items stores exactly the new ones.
#[test]
fn a_large_import_tells_repeats_across_batches_and_keeps_the_files_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    let line = |k: usize| MCQ.replace("\"q1\"", &format!("\"q{k}\""));
    let mut lines: Vec<String> = (1..=2500).map(line).collect();
    lines.push(line(1)); // the first batch's, sent by now
    lines.push(line(2499)); // the last batch's, still held
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let f = write(dir.path(), "big.jsonl", &refs);
    let r = run_import(&mut store, dir.path(), &f, "Exam", false);
    assert!(!r.committed);
    let said: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].contains(":2501: field `id`: \"q1\" is already used on line 1"),
        "{}",
        said[0]
    );
    assert!(
        said[1].contains(":2502: field `id`: \"q2499\" is already used on line 2499"),
        "{}",
        said[1]
    );

    lines.truncate(2500);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let f = write(dir.path(), "big.jsonl", &refs);
    assert_eq!(
        run_import(&mut store, dir.path(), &f, "Exam", false)
            .total()
            .imported,
        2500
    );
    let db = common::backend::raw_at(dir.path(), "t.db");
    let out_of_order: i64 = db
        .query_row(
            "SELECT count(*) FROM items a JOIN items b ON b.id > a.id
             JOIN revisions ra ON ra.item_id = a.id JOIN revisions rb ON rb.item_id = b.id
             WHERE rb.import_line < ra.import_line AND a.id % 97 = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(out_of_order, 0, "ids follow the file's lines");

    // Stored, stored, new, new: two imported, two skipped.
    let again: Vec<String> = vec![line(7), line(2400), line(2501), line(2502)];
    let refs: Vec<&str> = again.iter().map(String::as_str).collect();
    let f = write(dir.path(), "again.jsonl", &refs);
    let r = run_import(&mut store, dir.path(), &f, "Exam", false);
    assert!(r.committed, "{:?}", r.errors);
    assert_eq!((r.total().imported, r.total().skipped), (2, 2));
    let (items, revisions): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM revisions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((items, revisions), (2502, 2502));
}

#[test]
fn history_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut store = Store::open(&db).unwrap();
    let f = write(dir.path(), "a.jsonl", &[MCQ]);
    run_import(&mut store, dir.path(), &f, "Exam", false);
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "UPDATE revisions SET body = '{}'",
        "DELETE FROM revisions",
        "UPDATE events SET actor = 'someone else'",
        "DELETE FROM events",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn connections_use_wal_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Every table is STRICT.
    let loose: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 0 AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(loose.is_empty(), "not STRICT: {loose:?}");
}

#[test]
fn migrates_from_empty_and_from_the_first_schema_keeping_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    // Build a version-1 database holding an item with a difficulty, as the first release wrote it.
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        migrations::migrate_to(&mut conn, 1).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        conn.execute_batch(
            r#"INSERT INTO datasets (name, kind) VALUES ('Exam', 'mcq');
               INSERT INTO imports (actor, format, files) VALUES ('t', 'native', '[]');
               INSERT INTO items (dataset_id, ext_id, kind, revision_no, created_at) VALUES (1, 'q1', 'mcq', 1, '2026-01-01T00:00:00Z');
               INSERT INTO revisions (item_id, revision_no, body, content_hash, import_id, created_at)
               VALUES (1, 1, '{"kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":["A"],"difficulty":"hard"}', 'h', 1, '2026-01-01T00:00:00Z');"#,
        )
        .unwrap();
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let item = store.item("Exam", "q1").unwrap().unwrap();
    assert_eq!(item.item.body.difficulty, Some(Difficulty::Hard));
    let st = store.status().unwrap();
    assert_eq!(st[0].by_difficulty.get(&Some(Difficulty::Hard)), Some(&1));
    assert_eq!(store.integrity_check().unwrap(), "ok");

    // From nothing straight to the current version.
    let fresh = Store::open(&common::backend::db_at(dir.path(), "new.db")).unwrap();
    assert_eq!(fresh.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(fresh.item_count().unwrap(), 0);
}

#[test]
fn a_database_from_a_newer_medcurate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    drop(Store::open(&db).unwrap());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap();
    }
    let err = format!("{:#}", Store::open(&db).err().unwrap());
    assert!(
        err.contains(&format!(
            "the database has schema version {} but this medcurate understands up to {SCHEMA_VERSION}",
            SCHEMA_VERSION + 5
        )) && err.contains("upgrade medcurate"),
        "{err}"
    );
}

#[test]
fn a_failed_import_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    let bad = MCQ
        .replace(r#""answer":["C"]"#, r#""answer":["F"]"#)
        .replace("q1", "q2");
    let f = write(dir.path(), "mixed.jsonl", &[MCQ, &bad]);
    let r = run_import(&mut store, dir.path(), &f, "Exam", false);
    assert!(!r.committed);
    assert_eq!(store.item_count().unwrap(), 0);
    assert_eq!(store.event_count().unwrap(), 0);
    assert!(
        store.status().unwrap().is_empty(),
        "the dataset itself must not be left behind"
    );
}
