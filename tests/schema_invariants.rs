//! The review rules the schema holds by itself, whatever writes the rows: at most two reviews
//! in force per revision of an item (any number for a control), never the same reviewer twice,
//! and a control item never joining the pairs.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use medcurate::domain::controls::ControlLine;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::Criterion;
use medcurate::import::{Format, ImportOptions, import};
use medcurate::store::Store;
use medcurate::store::db::Connection;
use std::path::Path;

const ITEMS: &str = concat!(
    r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}"#,
    "\n",
    r#"{"id":"c1","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A"}"#,
    "\n"
);

fn setup(dir: &Path) -> Store {
    let mut store = Store::open(&common::backend::db_at(dir, "t.db")).unwrap();
    for (id, role) in [
        ("m", Role::Maintainer),
        ("a1", Role::Annotator),
        ("a2", Role::Annotator),
        ("a3", Role::Annotator),
        ("a4", Role::Annotator),
    ] {
        let p = Person {
            id: id.into(),
            name: id.into(),
            roles: vec![role],
            os_user: None,
        };
        store.add_person(&p, "m").unwrap();
    }
    std::fs::write(dir.join("items.jsonl"), ITEMS).unwrap();
    let opts = ImportOptions {
        files: vec![dir.join("items.jsonl")],
        dataset: "Exam".into(),
        format: Format::Native,
        revise: false,
        skip_invalid: false,
        rejects_dir: dir.to_path_buf(),
        actor: "m".into(),
    };
    assert!(import(&mut store, &opts, &mut |_, _| {}).unwrap().committed);
    store
}

fn item_id(conn: &Connection, ext: &str) -> i64 {
    conn.query_row("SELECT id FROM items WHERE ext_id = ?1", [ext], |r| {
        r.get(0)
    })
    .unwrap()
}

fn insert(
    conn: &Connection,
    item: i64,
    who: &str,
    status: &str,
) -> medcurate::store::db::Result<usize> {
    conn.execute(
        "INSERT INTO reviews (item_id, revision_no, reviewer, status, claimed_at, updated_at)
         VALUES (?1, 1, ?2, ?3, 'now', 'now')",
        medcurate::sql_params![item, who, status],
    )
}

#[test]
fn a_third_review_in_force_is_refused_by_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let _store = setup(dir.path());
    let conn = common::backend::raw_at(dir.path(), "t.db");
    let q1 = item_id(&conn, "q1");
    insert(&conn, q1, "a1", "submitted").unwrap();
    insert(&conn, q1, "a2", "claimed").unwrap();
    let e = insert(&conn, q1, "a3", "claimed").unwrap_err().to_string();
    assert!(e.contains("at most two reviews in force"), "{e}");
    // Not in force, it may be stored; brought back into force while two are, it is refused.
    insert(&conn, q1, "a3", "expired").unwrap();
    let e = conn
        .execute(
            "UPDATE reviews SET status = 'submitted' WHERE reviewer = 'a3'",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most two reviews in force"), "{e}");
    // Once one gives its place back, it can.
    conn.execute(
        "UPDATE reviews SET status = 'released' WHERE reviewer = 'a2'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE reviews SET status = 'submitted' WHERE reviewer = 'a3'",
        [],
    )
    .unwrap();
    // The same reviewer never twice on one revision.
    let e = insert(&conn, q1, "a1", "released").unwrap_err().to_string();
    assert!(e.contains("UNIQUE") || e.contains("duplicate key"), "{e}");
}

#[test]
fn a_control_takes_any_number_of_reviews_and_stays_out_of_the_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = setup(dir.path());
    let line = ControlLine {
        dataset: "Exam".into(),
        item: "c1".into(),
        expected: [(Criterion::AnswerCorrectness, false)]
            .into_iter()
            .collect(),
    };
    store
        .mark_controls("m", &[(1, line)], false)
        .unwrap()
        .unwrap();
    let conn = common::backend::raw_at(dir.path(), "t.db");
    let c1 = item_id(&conn, "c1");
    for who in ["a1", "a2", "a3", "a4"] {
        insert(&conn, c1, who, "submitted").unwrap();
    }
    for change in [
        "UPDATE items SET state = 'accepted' WHERE ext_id = 'c1'",
        "UPDATE items SET active_reviews = 0 WHERE ext_id = 'c1'",
        "UPDATE items SET revision_no = 2 WHERE ext_id = 'c1'",
    ] {
        let e = conn.execute(change, []).unwrap_err().to_string();
        assert!(e.contains("stays out of the review pairs"), "{change}: {e}");
    }
    let e = conn
        .execute("DELETE FROM controls", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("retired, not removed"), "{e}");
}
