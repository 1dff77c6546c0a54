//! Roles in single-user mode: who may change people, settings, items and releases, the first
//! and last maintainer, and the account recorded with every write. Through the real binary.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}
"#;

const REVISED: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起的疾病是","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A"}
"#;

/// The OS account running the tests: the workspace's first maintainer.
fn me() -> String {
    medcurate::os::account::real_name()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(d, &["init"]);
    assert!(
        out.contains(&format!(
            "{} (the OS account {}) is its first maintainer",
            me(),
            me()
        )),
        "{out}"
    );
    ok(d, &words("people add dr-a --name A --role annotator"));
    ok(d, &words("people add cur --name C --role curator"));
    std::fs::write(d.join("items.jsonl"), ITEMS).unwrap();
    ok(d, &words("import items.jsonl --dataset Exam"));
    dir
}

#[test]
fn only_a_maintainer_changes_people_settings_and_items() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("revised.jsonl"), REVISED).unwrap();
    let refusals = [
        "people grant dr-a --role maintainer --as dr-a",
        "people add mallory --name M --role maintainer --as dr-a",
        "people revoke cur --role curator --as dr-a",
        "people bind cur --os-user nobody --as cur",
        "settings disputes.threshold 1 --as dr-a",
        "import revised.jsonl --dataset Exam --revise --as cur",
        "plan check mlb --as cur",
    ];
    for line in refusals {
        let e = err(d, &words(line));
        assert!(
            e.contains("is not a maintainer") && e.contains("--role maintainer"),
            "{line}: {e}"
        );
    }
    // Nothing changed.
    let people = ok(d, &words("people list"));
    assert!(!people.contains("mallory"), "{people}");
    assert!(ok(d, &words("settings disputes.threshold")).contains("0.25"));
    let hist = ok(d, &words("history Exam/q1 --as cur"));
    assert!(!hist.contains("的疾病是"), "{hist}");

    // The maintainer can do each of them.
    ok(d, &words("people grant dr-a --role curator"));
    ok(d, &words("settings disputes.threshold 0.3"));
    ok(d, &words("import revised.jsonl --dataset Exam --revise"));
    ok(d, &words("people bind cur --os-user someone-xyz"));
    let e = err(d, &words("people bind dr-a --os-user someone-xyz"));
    assert!(e.contains("already bound to \"cur\""), "{e}");
    ok(d, &words("people bind cur --none"));
    let out = ok(d, &words("people revoke dr-a --role curator"));
    assert!(out.contains("dr-a now holds: annotator"), "{out}");
}

#[test]
fn curating_and_exporting_reviews_need_a_curator() {
    let dir = setup();
    let d = dir.path();
    let e = err(d, &words("reviews export --out r.jsonl --as dr-a"));
    assert!(e.contains("dr-a is not a curator"), "{e}");
    assert!(!d.join("r.jsonl").exists());
    ok(d, &words("reviews export --out r.jsonl --as cur"));
}

#[test]
fn the_last_maintainer_keeps_the_role() {
    let dir = setup();
    let d = dir.path();
    let e = err(d, &["people", "revoke", &me(), "--role", "maintainer"]);
    assert!(e.contains("is the last maintainer"), "{e}");
    ok(d, &words("people grant cur --role maintainer"));
    ok(d, &["people", "revoke", &me(), "--role", "maintainer"]);
    // Now only cur can manage people.
    let e = err(d, &words("people add x --name X --role annotator"));
    assert!(e.contains("is not a maintainer"), "{e}");
    ok(d, &words("people add x --name X --role annotator --as cur"));
}

#[test]
fn every_write_records_the_person_and_the_os_account() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("settings review.lease_hours 12"));
    let conn = common::backend::raw_at(d, "t.db");
    let rows: Vec<(String, Option<String>, String)> = conn
        .prepare("SELECT actor, account, action FROM events ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.len() >= 4, "{rows:?}");
    for (actor, account, action) in &rows {
        assert_eq!(
            account.as_deref(),
            Some(me().as_str()),
            "{action} by {actor}"
        );
    }
    let (actor, _, _) = rows.iter().find(|r| r.2 == "setting_changed").unwrap();
    assert_eq!(actor, &me());
}

#[test]
fn no_output_lands_on_the_database() {
    if common::backend::skip_on_postgres("it compares the database file's bytes") {
        return;
    }
    let dir = setup();
    let d = dir.path();
    let before = std::fs::read(d.join("t.db")).unwrap();
    for out in ["t.db", "t.db-wal", "t.db-shm", "./sub/../t.db"] {
        let e = err(d, &["reviews", "export", "--out", out, "--as", "cur"]);
        assert!(e.contains("workspace's database"), "{out}: {e}");
    }
    std::os::unix::fs::symlink(d.join("t.db"), d.join("link.jsonl")).unwrap();
    let e = err(d, &words("reviews export --out link.jsonl --as cur"));
    assert!(e.contains("workspace's database"), "{e}");
    assert_eq!(std::fs::read(d.join("t.db")).unwrap(), before);
    assert!(ok(d, &words("status")).contains("Exam"));
}

#[test]
fn a_failure_of_the_disk_or_file_is_said_plainly() {
    if common::backend::skip_on_postgres("it breaks the SQLite file itself") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Not a database at all.
    std::fs::write(
        d.join("t.db"),
        "this is a spreadsheet, not a database\n".repeat(200),
    )
    .unwrap();
    let e = err(d, &words("status"));
    assert!(
        e.contains("is not a medcurate database, or it is damaged") && e.contains(".recover"),
        "{e}"
    );
    assert!(!e.contains("SQLITE"), "{e}");
    if medcurate::os::account::real().uid == 0 {
        println!("note: read-only cases skipped as root (root may write anything)");
        return;
    }
    // A directory the database cannot create its WAL in.
    let ro = d.join("ro");
    std::fs::create_dir(&ro).unwrap();
    ok(&ro, &["init"]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let e = err(&ro, &words("settings review.lease_hours 5"));
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        e.contains("cannot write in") || e.contains("read-only"),
        "{e}"
    );
}

#[test]
fn only_the_account_itself_becomes_the_first_maintainer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A workspace with nobody in it (as an older one upgraded): no maintainer yet.
    drop(medcurate::store::Store::open(&common::backend::db_at(d, "t.db")).unwrap());
    ok(d, &words("people list"));
    // Asking as someone else makes nobody a maintainer.
    let e = err(d, &words("reviews export --out r.jsonl --as ghost"));
    assert!(e.contains("there is no person \"ghost\""), "{e}");
    assert!(ok(d, &words("people list")).contains("nobody registered yet"));
    // The account itself, asking for a maintainer's step, becomes the first one.
    ok(d, &words("settings disputes.threshold 0.3"));
    let people = ok(d, &words("people list"));
    assert!(
        people.contains(&format!("{}  {}  maintainer", me(), me())),
        "{people}"
    );
}

#[test]
fn a_comment_cannot_send_escape_sequences_to_a_curators_terminal() {
    let dir = setup();
    let d = dir.path();
    ok(d, &words("people add dr-b --name B --role annotator"));
    let review = |comment: &str| {
        format!(
            r#"{{"dataset":"Exam","item":"q1","verdicts":{{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}},"comment":"{comment}"}}"#
        )
    };
    // An OSC sequence that would set the curator's window title, then one that rings the bell.
    std::fs::write(
        d.join("a.jsonl"),
        review(r"\u001b]0;owned\u0007看看") + "\n",
    )
    .unwrap();
    std::fs::write(d.join("b.jsonl"), review(r"ok\u001b[2J") + "\n").unwrap();
    ok(d, &words("reviews import a.jsonl --as dr-a"));
    ok(d, &words("reviews import b.jsonl --as dr-b"));
    let h = ok(d, &words("history Exam/q1 --as cur"));
    assert!(!h.contains('\u{1b}') && !h.contains('\u{7}'), "{h:?}");
    assert!(h.contains(r"\u{1b}]0;owned\u{7}看看"), "{h}");
}
