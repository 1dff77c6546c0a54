//! A shared host as its people use it: the real binary installed setuid to a service account,
//! run by real OS accounts. Needs root (useradd, a setuid install); otherwise each test prints
//! `skipped: shared-host tests need root` and passes.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

#[path = "common/accounts.rs"]
mod accounts;

use accounts::{Host, skip_unless_root};
use serde_json::{Value, json};
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::Path;
use std::process::{Command, Stdio};

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A","difficulty":"easy"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A","difficulty":"hard"}
"#;

const PASS_ALL: &str = r#""verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"}"#;

/// A review line passing every criterion of `item`.
/// Two physicians (a1, a2) pass q1 and q2, so both items are accepted.
fn both_pass_both_items(h: &Host) {
    for who in [h.account("a1"), h.account("a2")] {
        let sheet = h.write_home(
            who,
            "r.jsonl",
            &format!("{}\n{}\n", pass("q1", ""), pass("q2", "")),
        );
        h.ok(who, &["reviews", "import", s(&sheet)]);
    }
}

fn pass(item: &str, comment: &str) -> String {
    format!(
        r#"{{"dataset":"Exam","item":"{item}",{PASS_ALL},"departments":["hematology"],"comment":"{comment}"}}"#
    )
}

/// A host with two physicians (`a1` dr-a, `a2` dr-b), a curator (`cu` cur), an account
/// bound to nobody (`zz`), and the items of dataset Exam imported by the maintainer.
fn host() -> Host {
    let h = Host::new(&[
        ("a1", "dr-a", "annotator"),
        ("a2", "dr-b", "annotator"),
        ("cu", "cur", "curator"),
        ("zz", "", ""),
    ]);
    let items = h.write_home(&h.admin, "items.jsonl", ITEMS);
    h.ok(
        &h.admin,
        &["import", items.to_str().unwrap(), "--dataset", "Exam"],
    );
    h
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sidecar(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

#[test]
fn a_physician_cannot_open_the_database_or_its_directory() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let dr = h.account("a1");
    let (code, _, e) = h.sh(dr, "ls", &[&h.data_dir]);
    assert_ne!(code, 0);
    assert!(e.contains("Permission denied"), "ls: {e}");
    let (code, out, e) = h.sh(dr, "cat", &[&h.db]);
    assert_ne!(code, 0);
    assert!(out.is_empty());
    assert!(e.contains("Permission denied"), "cat: {e}");

    // While the service account holds the database open (WAL), its -wal and -shm exist and
    // are closed to the physician too.
    let has_sqlite3 = Command::new("sqlite3").arg("-version").output().is_ok();
    let mut holder = None;
    if has_sqlite3 {
        let svc = h.service_account();
        let mut child = h
            .command_as(&svc, "sqlite3")
            .arg(&h.db)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        let stdin = child.stdin.as_mut().unwrap();
        stdin
            .write_all(b"BEGIN; SELECT count(*) FROM people;\n")
            .unwrap();
        stdin.flush().unwrap();
        let wait = std::time::Instant::now();
        while !(sidecar(&h.db, "-wal").exists() && sidecar(&h.db, "-shm").exists()) {
            assert!(
                wait.elapsed().as_secs() < 10,
                "the service account's sqlite3 made no -wal/-shm"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        holder = Some(child);
    } else {
        eprintln!("sqlite3 is not installed: -wal/-shm checked by path only");
    }
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(&h.db, suffix);
        if holder.is_some() {
            let m = std::fs::metadata(&p).unwrap();
            assert_eq!(m.uid(), h.service_uid, "{}", p.display());
            assert_eq!(m.mode() & 0o077, 0, "{} mode {:o}", p.display(), m.mode());
        }
        for program in ["cat", "head"] {
            let (code, out, e) = if program == "head" {
                h.sh(dr, "head", &[&"-c1", &p])
            } else {
                h.sh(dr, "cat", &[&p])
            };
            assert_ne!(code, 0, "{program} {}", p.display());
            assert!(out.is_empty());
            assert!(
                e.contains("Permission denied"),
                "{program} {}: {e}",
                p.display()
            );
        }
    }
    if has_sqlite3 {
        let (code, out, e) = h.sh(dr, "sqlite3", &[&h.db, &"SELECT count(*) FROM reviews"]);
        assert_ne!(code, 0, "sqlite3 as a physician: {out}");
        assert!(
            e.contains("unable to open") || e.contains("Permission denied"),
            "sqlite3: {e}"
        );
    }
    if let Some(mut child) = holder {
        drop(child.stdin.take());
        child.wait().unwrap();
    }
}

#[test]
fn no_other_database_can_be_named() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let dr = h.account("a1");
    let other = dr.home.join("mine.db");
    let want = format!(
        "on this shared host the database is {} (set by the host config); --db and MEDCURATE_DB cannot name another file ({} was given)",
        h.db.display(),
        other.display()
    );
    let e = h.err(dr, &["--db", s(&other), "status"]);
    assert!(e.contains(&want), "--db: {e}");
    let out = h
        .command_as(dr, &h.binary)
        .env("MEDCURATE_DB", &other)
        .args(["init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains(&want), "MEDCURATE_DB: {e}");
    assert!(
        !other.exists(),
        "no database was made at {}",
        other.display()
    );
    // The host's own database by name is fine.
    h.ok(dr, &["--db", s(&h.db), "status"]);
}

#[test]
fn files_are_read_with_the_persons_own_rights() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let dr = h.account("a1");
    let shared = h.dir.join("drop");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Items only the service account may read.
    let secret = shared.join("secret.jsonl");
    h.write_owned(&secret, ITEMS, h.service_uid, 0o600);
    let svc = h.service_account();
    let (code, _, e) = h.sh(&svc, "head", &[&"-c1", &secret]);
    assert_eq!(code, 0, "the service account can read it: {e}");
    let e = h.err(&h.admin, &["import", s(&secret), "--dataset", "Secret"]);
    assert!(e.contains("Permission denied"), "{e}");
    let e = h.err(
        dr,
        &[
            "reviews",
            "import",
            s(&{
                let r = shared.join("reviews.jsonl");
                h.write_owned(&r, &format!("{}\n", pass("q1", "")), h.service_uid, 0o600);
                r
            }),
        ],
    );
    assert!(e.contains("Permission denied"), "{e}");
    // The database itself, named as an input or as the config file.
    let e = h.err(dr, &["reviews", "import", s(&h.db)]);
    assert!(e.contains("Permission denied"), "{e}");
    assert!(!e.contains("SQLite format"), "{e}");
    let out = h
        .command_as(dr, &h.binary)
        .env("MEDCURATE_CONFIG", &h.db)
        .args(["reviews", "import", s(&h.db)])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{e}");
    assert!(e.contains("Permission denied"), "{e}");
    assert!(!e.contains("SQLite format"), "{e}");
    // Another physician's file in their own home.
    let theirs = h.write_home(h.account("a2"), "items.jsonl", ITEMS);
    let e = h.err(&h.admin, &["import", s(&theirs), "--dataset", "Theirs"]);
    assert!(e.contains("Permission denied"), "{e}");
    let st: Value = serde_json::from_str(&h.ok(&h.admin, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"].as_array().unwrap().len(), 1, "{st}");

    // The maintainer's own file imports.
    let own = h.write_home(&h.admin, "more.jsonl", ITEMS);
    let out = h.ok(&h.admin, &["import", s(&own), "--dataset", "More"]);
    assert!(out.contains("2"), "{out}");
    let st: Value = serde_json::from_str(&h.ok(&h.admin, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"].as_array().unwrap().len(), 2, "{st}");
}

#[test]
fn exports_never_land_on_the_database_or_in_its_directory() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let cur = h.account("cu");
    let before = std::fs::read(&h.db).unwrap();
    for target in [
        h.db.clone(),
        sidecar(&h.db, "-wal"),
        sidecar(&h.db, "-shm"),
        sidecar(&h.db, "-journal"),
        h.data_dir.join("reviews.jsonl"),
        h.data_dir.join("sub/reviews.jsonl"),
    ] {
        let e = h.err(cur, &["reviews", "export", "--out", s(&target)]);
        assert!(
            e.contains("that is the workspace's database")
                || e.contains("inside the workspace's data directory"),
            "{}: {e}",
            target.display()
        );
    }
    // Through links in the curator's own directory (which the service account cannot
    // enter, so it cannot see where they lead): the export replaces the link itself, or is
    // refused; the database is never written.
    let link = cur.home.join("link.jsonl");
    std::os::unix::fs::symlink(&h.db, &link).unwrap();
    let out = h.run(cur, &["reviews", "export", "--out", "link.jsonl"]);
    let m = std::fs::symlink_metadata(&link).unwrap();
    assert!(
        !out.status.success() || (m.is_file() && m.uid() == cur.uid),
        "export through a link to the database: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&h.db).unwrap(),
        before,
        "the database through a link"
    );
    std::os::unix::fs::symlink(&h.data_dir, cur.home.join("data")).unwrap();
    let e = h.err(cur, &["reviews", "export", "--out", "data/x.jsonl"]);
    assert!(
        e.contains("inside the workspace's data directory") || e.contains("Permission denied"),
        "link: {e}"
    );
    // The maintainer's release and rejects files are held to the same rule.
    let bad = h.write_home(&h.admin, "bad.jsonl", "{\"id\":\"x\",\"kind\":\"mcq\"}\n");
    let e = h.err(
        &h.admin,
        &[
            "import",
            s(&bad),
            "--dataset",
            "Bad",
            "--skip-invalid",
            "--rejects-dir",
            s(&h.data_dir),
        ],
    );
    assert!(e.contains("inside the workspace's data directory"), "{e}");
    let names: Vec<_> = std::fs::read_dir(&h.data_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("medcurate.db"))
        .collect();
    assert!(
        names.is_empty(),
        "written into the data directory: {names:?}"
    );
    let after = std::fs::read(&h.db).unwrap();
    assert!(
        after.len() >= before.len() && after.starts_with(b"SQLite format 3\0"),
        "the database is intact"
    );

    let out = h.ok(cur, &["reviews", "export", "--out", "mine.jsonl"]);
    assert!(out.contains("mine.jsonl"), "{out}");
    let m = std::fs::metadata(cur.home.join("mine.jsonl")).unwrap();
    assert_eq!(
        m.uid(),
        cur.uid,
        "the export is the curator's, not the service account's"
    );
    assert_eq!(m.gid(), cur.gid);
    // Files get the modes the person's umask gives, not the service process's own 077.
    for (mask, want) in [("022", 0o644), ("077", 0o600)] {
        let name = format!("umask{mask}.jsonl");
        let out = h
            .command_as(cur, "/bin/sh")
            .arg("-c")
            .arg(format!(
                "umask {mask} && exec \"$0\" reviews export --out {name}"
            ))
            .arg(&h.binary)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let m = std::fs::metadata(cur.home.join(&name)).unwrap();
        assert_eq!(m.mode() & 0o777, want, "umask {mask}");
    }
    h.ok(&h.admin, &["status"]);
}

#[test]
fn nobody_acts_as_someone_else() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let dr = h.account("a1");
    let sheet = h.write_home(dr, "r.jsonl", &format!("{}\n", pass("q1", "")));
    let e = h.err(dr, &["reviews", "import", s(&sheet), "--as", "dr-b"]);
    assert!(
        e.contains(&format!(
            "you are dr-a (the OS account {:?}); --as cannot name \"dr-b\"",
            dr.name
        )),
        "{e}"
    );
    let e = h.err(dr, &["history", "Exam/q1", "--as", "cur"]);
    assert!(e.contains("you are dr-a"), "{e}");
    h.write_home(dr, "config.toml", "identity = \"dr-b\"\n");
    let e = h.err(dr, &["reviews", "import", s(&sheet)]);
    assert!(
        e.contains("you are dr-a") && e.contains("the config file's identity cannot name \"dr-b\""),
        "{e}"
    );
    std::fs::remove_file(dr.home.join("config.toml")).unwrap();
    // Naming oneself is fine.
    let out = h.ok(dr, &["reviews", "import", s(&sheet), "--as", "dr-a"]);
    assert!(out.contains("submitted as dr-a"), "{out}");
    // An account bound to nobody is nobody.
    let zz = h.account("zz");
    let sheet = h.write_home(zz, "r.jsonl", &format!("{}\n", pass("q2", "")));
    let e = h.err(zz, &["reviews", "import", s(&sheet), "--as", "dr-b"]);
    assert!(
        e.contains(&format!(
            "your OS account {:?} is not bound to any person on this host",
            zz.name
        )),
        "{e}"
    );
}

#[test]
fn only_a_maintainer_manages_people_settings_and_items() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let dr = h.account("a1");
    let zz = h.account("zz");
    let revised = ITEMS.replace("维生素C缺乏可引起", "维生素C严重缺乏可引起");
    let rev = h.write_home(dr, "rev.jsonl", &revised);
    let refused = |args: &[&str]| {
        let e = h.err(dr, args);
        assert!(
            e.contains("dr-a is not a maintainer (roles: annotator)")
                && e.contains("medcurate people grant dr-a --role maintainer"),
            "{args:?}: {e}"
        );
    };
    refused(&["people", "grant", "dr-a", "--role", "maintainer"]);
    refused(&["people", "grant", "dr-a", "--role", "curator"]);
    refused(&[
        "people",
        "add",
        "dr-x",
        "--name",
        "X",
        "--role",
        "annotator",
        "--os-user",
        &zz.name,
    ]);
    refused(&["people", "bind", "dr-b", "--os-user", &dr.name]);
    refused(&["people", "revoke", "ops", "--role", "maintainer"]);
    refused(&["settings", "review.lease_hours", "8"]);
    refused(&["import", s(&rev), "--dataset", "Exam", "--revise"]);
    let list: Value = serde_json::from_str(&h.ok(dr, &["people", "list", "--json"])).unwrap();
    let roles = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["roles"].clone())
    };
    assert_eq!(roles("dr-a"), Some(json!(["annotator"])));
    assert_eq!(roles("dr-x"), None);
    assert_eq!(
        h.ok(dr, &["settings", "review.lease_hours"]),
        "24\n",
        "unchanged"
    );

    // The maintainer can.
    let admin = &h.admin;
    let rev = h.write_home(admin, "rev.jsonl", &revised);
    h.ok(admin, &["people", "grant", "dr-a", "--role", "curator"]);
    h.ok(
        admin,
        &[
            "people",
            "add",
            "dr-x",
            "--name",
            "X",
            "--role",
            "annotator",
            "--os-user",
            &zz.name,
        ],
    );
    assert_eq!(
        h.ok(admin, &["settings", "review.lease_hours", "8"]),
        "review.lease_hours = 8\n"
    );
    let out = h.ok(admin, &["import", s(&rev), "--dataset", "Exam", "--revise"]);
    assert!(out.contains("1"), "{out}");
    let list: Value = serde_json::from_str(&h.ok(dr, &["people", "list", "--json"])).unwrap();
    let p = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "dr-a")
        .unwrap();
    assert_eq!(p["roles"], json!(["annotator", "curator"]), "{list}");
    assert_eq!(h.ok(dr, &["settings", "review.lease_hours"]), "8\n");
    // The new person is who the account is now.
    let e = h.err(zz, &["people", "grant", "dr-x", "--role", "curator"]);
    assert!(e.contains("dr-x is not a maintainer"), "{e}");
}

#[test]
fn reviewers_are_blind_to_each_other_until_the_item_is_settled() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let (a, b, cur) = (h.account("a1"), h.account("a2"), h.account("cu"));
    const SECRET_A: &str = "AAA-comment-of-dr-a";
    const SECRET_B: &str = "BBB-fail-of-dr-b";
    let sheet = h.write_home(a, "a.jsonl", &format!("{}\n", pass("q1", SECRET_A)));
    let out = h.ok(a, &["reviews", "import", s(&sheet)]);
    assert!(out.contains("1 waiting for a second review"), "{out}");

    // Everything dr-b can ask before submitting.
    let mut seen = String::new();
    for args in [
        &["history", "Exam/q1"][..],
        &["reviews", "export", "--out", "x.jsonl"],
        &["disputes", "export", "--out", "d.jsonl"],
    ] {
        let out = h.run(b, args);
        assert_eq!(out.status.code(), Some(1), "{args:?} is for curators");
        let e = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(e.contains("dr-b is not a curator"), "{args:?}: {e}");
        seen += &String::from_utf8_lossy(&out.stdout);
        seen += &e;
    }
    assert!(!b.home.join("x.jsonl").exists());
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["agreement"],
        &["agreement", "--json"],
        &["people", "list", "--json"],
    ] {
        let out = h.run(b, args);
        seen += &String::from_utf8_lossy(&out.stdout);
        seen += &String::from_utf8_lossy(&out.stderr);
    }
    assert!(!seen.contains(SECRET_A), "dr-b saw dr-a's review: {seen}");

    let sheet = h.write_home(
        b,
        "b.jsonl",
        &format!(
            "{}\n",
            json!({"dataset":"Exam","item":"q1","verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":{"fail":SECRET_B},"distractor_plausibility":"pass"},"departments":["hematology"]})
        ),
    );
    let out = h.ok(b, &["reviews", "import", s(&sheet)]);
    assert!(out.contains("1 sent to curation"), "{out}");
    // Waiting for a curator is not settled: still blind, also the first reviewer.
    let out = h.run(a, &["agreement", "--json"]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains(SECRET_B), "{text}");
    let e = h.err(a, &["history", "Exam/q1"]);
    assert!(e.contains("dr-a is not a curator"), "{e}");

    let history = h.ok(cur, &["history", "Exam/q1"]);
    assert!(history.contains(SECRET_A), "{history}");
    assert!(history.contains(SECRET_B), "{history}");
    assert!(
        history.contains("dr-a") && history.contains("dr-b"),
        "{history}"
    );
}

#[test]
fn a_frozen_release_cannot_be_changed() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    both_pass_both_items(&h);
    let st: Value = serde_json::from_str(&h.ok(&h.admin, &["status", "--json"])).unwrap();
    assert_eq!(st["datasets"][0]["states"]["accepted"], 2, "{st}");
    let admin = &h.admin;
    let plan = h.write_home(admin, "tiny.json", &tiny_plan().to_string());
    let sample = |extra: &[&str]| {
        let mut args = vec![
            "sample",
            "--plan",
            s(&plan),
            "--seed",
            "1",
            "--name",
            "tiny",
        ];
        args.extend(extra);
        h.run(admin, &args)
    };
    let out = sample(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = h.ok(
        admin,
        &[
            "release",
            "freeze",
            "tiny",
            "--version",
            "1.0.0",
            "--yes",
            "--out",
            "rel",
        ],
    );
    assert!(out.contains("\nfroze tiny as version 1.0.0"), "{out}");
    let rel = admin.home.join("rel");
    assert_eq!(std::fs::metadata(&rel).unwrap().uid(), admin.uid);
    for f in std::fs::read_dir(&rel).unwrap() {
        let f = f.unwrap();
        assert_eq!(f.metadata().unwrap().uid(), admin.uid, "{:?}", f.path());
    }
    let e = h.err(
        admin,
        &[
            "release",
            "freeze",
            "tiny",
            "--version",
            "1.0.1",
            "--yes",
            "--out",
            "rel2",
        ],
    );
    assert!(e.contains("already frozen as version 1.0.0"), "{e}");
    let out = sample(&["--replace"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "sample --replace of a frozen release"
    );
    let e = String::from_utf8_lossy(&out.stderr);
    eprintln!("sample --replace of a frozen release: {e}");
    assert!(e.contains("frozen"), "{e}");
    assert!(!admin.home.join("rel2").exists());
    let out = h.ok(admin, &["release", "verify", "rel"]);
    assert!(
        out.starts_with("rel: 6 file(s) and 2 item(s) match datapackage.json; root digest sha256:"),
        "{out}"
    );
    // Written again, but never into the data directory.
    let e = h.err(
        admin,
        &[
            "release",
            "export",
            "tiny",
            "--out",
            s(&h.data_dir.join("rel")),
        ],
    );
    assert!(e.contains("inside the workspace's data directory"), "{e}");
    assert!(!h.data_dir.join("rel").exists());
}

#[test]
fn a_freeze_refused_its_folder_freezes_nothing() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    both_pass_both_items(&h);
    let admin = &h.admin;
    let plan = h.write_home(admin, "tiny.json", &tiny_plan().to_string());
    h.ok(
        admin,
        &[
            "sample",
            "--plan",
            s(&plan),
            "--seed",
            "1",
            "--name",
            "tiny",
        ],
    );
    let e = h.err(
        admin,
        &[
            "release",
            "freeze",
            "tiny",
            "--version",
            "1.0.0",
            "--yes",
            "--out",
            s(&h.data_dir.join("rel")),
        ],
    );
    eprintln!("freeze into the data directory: {e}");
    assert!(e.contains("inside the workspace's data directory"), "{e}");
    assert!(!h.data_dir.join("rel").exists());
    // The refusal came before anything was frozen: the maintainer can freeze it elsewhere.
    let out = h.run(
        admin,
        &[
            "release",
            "freeze",
            "tiny",
            "--version",
            "1.0.0",
            "--yes",
            "--out",
            "rel",
        ],
    );
    assert!(
        out.status.success(),
        "freezing after a refused folder: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tiny_plan() -> Value {
    json!({
        "name": "Tiny",
        "source": "tests",
        "difficulty_rules": {},
        "calibration_models": [],
        "datasets": [{"dataset": "Exam", "item_type": "mcq", "sampled_n": 2, "sampling_keys": ["department"]}]
    })
}

fn assert_good(h: &Host) {
    let (code, out) = h.check(&h.config);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("problem:"), "{out}");
    assert!(out.contains("the host is set up as it should be"), "{out}");
}

/// `host check` names exactly these problems, each with its fix.
fn assert_problems(h: &Host, config: &Path, want: &[(&str, &str)]) {
    let (code, out) = h.check(config);
    assert_eq!(code, Some(1), "{out}");
    for (what, fix) in want {
        let line = format!("problem: {what}\n    fix: {fix}\n");
        assert!(out.contains(&line), "want\n{line}\ngot\n{out}");
    }
    assert_eq!(out.matches("problem:").count(), want.len(), "{out}");
    assert!(
        out.contains(&format!(
            "error: {} problem(s) with this host's installation",
            want.len()
        )),
        "{out}"
    );
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn host_check_names_each_misconfiguration_and_its_fix() {
    if skip_unless_root() {
        return;
    }
    let h = Host::new(&[("a1", "dr-a", "annotator")]);
    let dr = h.account("a1");
    let svc = h.service_user.as_str();
    let (bin, cfg, dir, db) = (s(&h.binary), s(&h.config), s(&h.data_dir), s(&h.db));
    assert!(
        h.setup_output.contains(&format!(
            "install -o {svc} -g root -m 4755 {} /usr/local/bin/medcurate",
            env!("CARGO_BIN_EXE_medcurate")
        )),
        "{}",
        h.setup_output
    );
    assert_good(&h);
    // The installed program run by root, as the setup's own instructions say.
    let out = Command::new(&h.binary)
        .args(["host", "check"])
        .env("MEDCURATE_HOST_CONFIG", &h.config)
        .env_remove("MEDCURATE_DB")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "installed host check as root: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    chmod(&h.binary, 0o755);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!(
                "the program {bin} is not setuid, so people would open the database with their own rights (and cannot)"
            ),
            &format!("chmod 4755 {bin}"),
        )],
    );
    chmod(&h.binary, 0o4755);
    assert_good(&h);

    chown(&h.binary, Some(0), None).unwrap();
    chmod(&h.binary, 0o4755);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!("the program {bin} is owned by root, not the service account {svc}"),
            &format!("chown {svc} {bin} && chmod 4755 {bin}"),
        )],
    );
    chown(&h.binary, Some(h.service_uid), None).unwrap();
    chmod(&h.binary, 0o4755);
    assert_good(&h);

    chmod(&h.binary, 0o4777);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!("the program {bin} can be changed by others (mode 4777)"),
            &format!("chmod go-w {bin}"),
        )],
    );
    chmod(&h.binary, 0o4755);

    chmod(&h.data_dir, 0o755);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!(
                "{dir} can be entered by others (mode 755); people could read reviews directly"
            ),
            &format!("chmod 700 {dir}"),
        )],
    );
    chmod(&h.data_dir, 0o700);
    assert_good(&h);

    chmod(&h.db, 0o644);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!("{db} can be read by others (mode 644); people could read reviews directly"),
            &format!("chmod 600 {db}"),
        )],
    );
    chmod(&h.db, 0o600);
    assert_good(&h);

    chown(&h.db, Some(0), Some(0)).unwrap();
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!("{db} is not owned by the service account {svc}"),
            &format!("chown {svc}:{svc} {db}"),
        )],
    );
    chown(&h.db, Some(h.service_uid), Some(h.service_account().gid)).unwrap();
    assert_good(&h);

    let wal = sidecar(&h.db, "-wal");
    std::fs::write(&wal, b"").unwrap();
    chown(&wal, Some(dr.uid), Some(dr.gid)).unwrap();
    chmod(&wal, 0o600);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!(
                "{} is owned by {}, not {svc}: a stale file left by medcurate run as {}; the service account cannot write it",
                wal.display(),
                dr.name,
                dr.name
            ),
            &format!("chown {svc}:{svc} {}", wal.display()),
        )],
    );
    chown(&wal, Some(h.service_uid), Some(h.service_account().gid)).unwrap();
    chmod(&wal, 0o644);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!("{} can be read by others (mode 644)", wal.display()),
            &format!("chmod 600 {}", wal.display()),
        )],
    );
    std::fs::remove_file(&wal).unwrap();
    assert_good(&h);

    chmod(&h.config, 0o666);
    assert_problems(
        &h,
        &h.config,
        &[(
            &format!(
                "the host config {cfg} can be changed by others (mode 666); fix with: chmod 644 {cfg}"
            ),
            &format!("chown root:root {cfg} && chmod 644 {cfg}"),
        )],
    );
    // The installed program refuses to run on it.
    let e = h.err(dr, &["status"]);
    assert!(e.contains("can be changed by others"), "{e}");
    chmod(&h.config, 0o644);
    assert_good(&h);

    let missing = h.dir.join("etc/missing.toml");
    assert_problems(
        &h,
        &missing,
        &[(
            &format!("the host config {} does not exist", missing.display()),
            "medcurate host setup --service-user medcurate --data-dir /var/lib/medcurate --admin ACCOUNT (as root)",
        )],
    );

    // A config naming an account that is not there.
    let ghost = h.dir.join("etc/ghost.toml");
    let text = std::fs::read_to_string(&h.config)
        .unwrap()
        .replace(&format!("\"{svc}\""), "\"mctnosuchsvc\"");
    std::fs::write(&ghost, text).unwrap();
    assert_problems(
        &h,
        &ghost,
        &[(
            "the service account mctnosuchsvc does not exist",
            "useradd --system --user-group --no-create-home --shell /usr/sbin/nologin mctnosuchsvc",
        )],
    );

    // The only maintainer's account is gone: nobody can manage people.
    let out = Command::new("userdel").arg(&h.admin.name).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_problems(
        &h,
        &h.config,
        &[(
            "no maintainer is bound to an existing OS account, so nobody can manage people",
            &format!(
                "medcurate host setup --service-user {svc} --data-dir {dir} --admin ACCOUNT (as root)"
            ),
        )],
    );
    // Also through the installed program, as setup's instructions run it.
    let out = Command::new(&h.binary)
        .args(["host", "check"])
        .env("MEDCURATE_HOST_CONFIG", &h.config)
        .env_remove("MEDCURATE_DB")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "installed host check as root: {text}"
    );
    assert!(
        text.contains("problem: no maintainer is bound to an existing OS account"),
        "{text}"
    );
}

#[test]
fn the_event_log_records_the_verified_account() {
    if skip_unless_root() {
        return;
    }
    let h = host();
    let (a, b) = (h.account("a1"), h.account("a2"));
    let sheet = h.write_home(a, "r.jsonl", &format!("{}\n", pass("q1", "")));
    // $USER and $LOGNAME say nothing about who it is.
    let out = h
        .command_as(a, &h.binary)
        .env("USER", &b.name)
        .env("LOGNAME", &b.name)
        .args(["reviews", "import", s(&sheet)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = h.database_copy();
    let rows: Vec<(Option<String>, String)> = conn
        .prepare("SELECT account, actor FROM events WHERE action = 'review_submitted'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, vec![(Some(a.name.clone()), "dr-a".to_string())]);
    let rows: Vec<(Option<String>, String)> = conn
        .prepare("SELECT account, actor FROM events WHERE action = 'person_added' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // ops by root through host setup, then the others by the maintainer's account.
    assert_eq!(
        rows[0],
        (Some("root".to_string()), "host-setup".to_string())
    );
    assert!(rows.len() >= 4, "{rows:?}");
    for r in &rows[1..] {
        assert_eq!(r, &(Some(h.admin.name.clone()), "ops".to_string()));
    }
}
