//! A shared host whose database is on PostgreSQL over TCP, its password in a file only the
//! service account can read. Needs root (real accounts, a setuid install) and the server over
//! TCP (`MEDCURATE_TEST_PG_TCP`, `MEDCURATE_TEST_PG_PASSWORD`, `MEDCURATE_TEST_PG`, as
//! `.ci/postgres-tests` serves it); otherwise each test says why it is skipped and passes.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

#[path = "common/accounts.rs"]
mod accounts;
#[allow(dead_code)] // the part for TCP
#[path = "common/backend.rs"]
mod backend;

use accounts::{Host, skip_unless_root};
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::Path;
use std::process::Output;

const ITEMS: &str = r#"{"id":"q1","kind":"mcq","stem":"维生素C缺乏可引起","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"}],"answer":"A","difficulty":"easy"}
{"id":"q2","kind":"mcq","stem":"缺铁性贫血的典型血象是","options":[{"label":"A","text":"小细胞低色素性"},{"label":"B","text":"大细胞性"}],"answer":"A","difficulty":"hard"}
"#;

const REVIEW: &str = r#"{"dataset":"Exam","item":"q1","verdicts":{"natural_plausible":"pass","clinical_validity":"pass","answer_correctness":"pass","distractor_plausibility":"pass"},"departments":["hematology"],"comment":""}"#;

/// A host on a new database of the TCP server, with a physician (`a1`, dr-a) and the items
/// of dataset Exam; `None` when the test cannot run.
fn host(tag: &str) -> Option<(Host, backend::Tcp)> {
    if skip_unless_root() {
        return None;
    }
    let tcp = backend::postgres_tcp()?;
    let names = tempfile::tempdir().unwrap();
    let url = backend::tcp_db_at(&tcp, names.path(), tag, "sslmode=prefer");
    let h = Host::on_postgres(&[("a1", "dr-a", "annotator")], &url, &tcp.password);
    assert!(
        !h.setup_output.contains(&tcp.password),
        "{}",
        h.setup_output
    );
    let items = h.write_home(&h.admin, "items.jsonl", ITEMS);
    h.ok(&h.admin, &["import", s(&items), "--dataset", "Exam"]);
    Some((h, tcp))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn physicians_work_on_a_postgres_host_without_ever_holding_its_password() {
    let Some((h, tcp)) = host("work") else { return };
    let dr = h.account("a1");
    let pw_file = h.password_file.clone().unwrap();
    let url = s(&h.db);
    let mut said = vec![h.setup_output.clone()];

    // The password file is the service's alone, and the config names only the file.
    let meta = std::fs::metadata(&pw_file).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!((meta.uid(), meta.mode() & 0o7777), (h.service_uid, 0o600));
    let config = std::fs::read_to_string(&h.config).unwrap();
    assert!(!config.contains(&tcp.password), "{config}");
    assert!(
        config.contains(&format!(
            "database_password_file = \"{}\"",
            pw_file.display()
        )),
        "{config}"
    );

    // A physician's work goes through.
    let sheet = h.write_home(dr, "r.jsonl", &format!("{REVIEW}\n"));
    said.push(h.ok(dr, &["reviews", "import", s(&sheet)]));
    let status = h.ok(dr, &["status"]);
    assert!(status.contains("Exam"), "{status}");
    said.push(status);
    let claimed = h.ok(dr, &["reviews", "claim", "--json"]);
    assert!(claimed.contains("\"q2\""), "{claimed}");
    said.push(claimed);
    // The host's own URL by name is the host's database.
    said.push(h.ok(dr, &["--db", url, "status"]));

    // They cannot read the password, nor reach the database past medcurate.
    let (code, _, err) = h.sh(dr, "cat", &[&pw_file]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("Permission denied"), "{err}");
    let (code, _, err) = h.sh(dr, "head", &[&"-c1", &pw_file]);
    assert_ne!(code, 0, "{err}");

    // Nor find it in any message: a refused database, a URL given its own password, a
    // command the physician may not run, the maintainer's init (which prints the location).
    let other = format!("{url}&application_name=mine");
    let e = h.err(dr, &["--db", &other, "status"]);
    assert!(
        e.contains(&format!(
            "on this shared host the database is {url} (set by the host config)"
        )),
        "{e}"
    );
    said.push(e);
    let guessed = format!("{url}&password={}", tcp.password);
    let e = h.err(dr, &["--db", &guessed, "status"]);
    assert!(e.contains("password=***"), "{e}");
    said.push(e);
    said.push(h.err(
        dr,
        &[
            "people",
            "add",
            "dr-x",
            "--name",
            "x",
            "--role",
            "annotator",
        ],
    ));
    said.push(h.err(dr, &["db", "copy", "--from", url, "--to", "/tmp/x.db"]));
    let init = h.ok(&h.admin, &["init"]);
    assert!(init.contains("password=***"), "{init}");
    said.push(init);
    said.push(text(&h.run(dr, &["host", "check"])));
    for out in &said {
        assert!(!out.contains(&tcp.password), "the password in: {out}");
    }

    // The service account itself (sudo -u SERVICE) copies the host's database out by its
    // URL, which it reaches with the password from its file.
    let svc = h.service_account();
    let copy = h.data_dir.join("copy.db");
    let out = h.ok(&svc, &["db", "copy", "--from", url, "--to", s(&copy)]);
    assert!(
        out.contains("every table has the same rows and digest"),
        "{out}"
    );
    assert!(!out.contains(&tcp.password), "{out}");
    let digest = |db: &str| h.ok(&svc, &["--db", db, "db", "digest"]);
    let on_postgres = digest(url);
    assert!(on_postgres.contains("reviews"), "{on_postgres}");
    assert_eq!(on_postgres, digest(s(&copy)));

    // Root's check reaches the database as the service account, and says so.
    let (code, out) = h.check(&h.config);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!(
            "the database {url} opens as {}: schema version ",
            h.service_user
        )),
        "{out}"
    );
    assert!(out.contains("the host is set up as it should be"), "{out}");
    assert!(!out.contains(&tcp.password), "{out}");
}

#[test]
fn a_password_in_the_url_or_an_open_password_file_is_refused() {
    let Some((h, tcp)) = host("refused") else {
        return;
    };
    let dr = h.account("a1");
    let pw_file = h.password_file.clone().unwrap();
    let pw_shown = pw_file.display().to_string();
    let svc = h.service_user.as_str();

    // A config with the password in its URL: the installed program will not run on it, and
    // says where the password belongs without showing it.
    let url = s(&h.db);
    let with_pw = url.replacen("medcurate@", &format!("medcurate:{}@", tcp.password), 1);
    assert_ne!(with_pw, url);
    let open_config = h.dir.join("etc/open.toml");
    let text = std::fs::read_to_string(&h.config)
        .unwrap()
        .replace(url, &with_pw);
    std::fs::write(&open_config, text).unwrap();
    let out = h
        .command_as(dr, &h.binary)
        .env("MEDCURATE_HOST_CONFIG", &open_config)
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    let shown = url.replacen("medcurate@", "medcurate:***@", 1);
    assert!(
        e.contains(&format!(
            "the database URL {shown} carries a password, and everyone can read this file"
        )),
        "{e}"
    );
    assert!(e.contains("database_password_file"), "{e}");
    assert!(!e.contains(&tcp.password), "{e}");
    let (code, out) = h.check(&open_config);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("carries a password"), "{out}");
    assert!(!out.contains(&tcp.password), "{out}");

    // A password file others can read: refused by every command, named by host check.
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = h.err(dr, &["status"]);
    let what = format!(
        "the database password file {pw_shown} is open to others (mode 644); whoever reads it \
         can connect to the database past medcurate"
    );
    assert!(
        e.contains(&format!("{what}; fix with: chmod 600 {pw_shown}")),
        "{e}"
    );
    assert!(!e.contains(&tcp.password), "{e}");
    let (code, out) = h.check(&h.config);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("problem: {what}\n    fix: chmod 600 {pw_shown}\n")),
        "{out}"
    );
    assert_eq!(out.matches("problem:").count(), 1, "{out}");
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(h.check(&h.config).0, Some(0));

    // Owned by root: the service account could not read it.
    chown(&pw_file, Some(0), Some(0)).unwrap();
    let (code, out) = h.check(&h.config);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "problem: the database password file {pw_shown} is owned by root, not the service \
             account {svc}\n    fix: chown {svc}:{svc} {pw_shown} && chmod 600 {pw_shown}\n"
        )),
        "{out}"
    );
    let e = h.err(dr, &["status"]);
    assert!(
        e.contains("is owned by root, not the service account"),
        "{e}"
    );
    chown(&pw_file, Some(h.service_uid), Some(h.service_account().gid)).unwrap();

    // A wrong password: the check says the server refused it, and what to look at.
    h.write_owned(&pw_file, "not-the-password\n", h.service_uid, 0o600);
    let (code, out) = h.check(&h.config);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("problem: the database {url} cannot be reached: ")),
        "{out}"
    );
    assert!(
        out.contains(&format!("the password in {pw_shown}")),
        "{out}"
    );
    assert!(!out.contains("not-the-password"), "{out}");
    h.write_owned(
        &pw_file,
        &format!("{}\n", tcp.password),
        h.service_uid,
        0o600,
    );
    assert_eq!(h.check(&h.config).0, Some(0));
}

fn borrowed(v: &[(String, String, String)]) -> Vec<(&str, &str, &str)> {
    v.iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect()
}

/// Items for the two installations' sessions, `q100`…
fn many_items(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"q{}","kind":"mcq","stem":"第{}题：维生素C缺乏可引起","options":[{{"label":"A","text":"坏血病"}},{{"label":"B","text":"脚气病"}}],"answer":"A"}}"#,
                100 + i,
                i
            ) + "\n"
        })
        .collect()
}

/// One review session on `h` as `who`: claim, write a passing review line into its own file,
/// import it, until nothing is left. Gives the items it submitted, and any failure.
fn session(h: &Host, who: &accounts::Account, file: &str) -> Result<Vec<String>, String> {
    let mut submitted = Vec::new();
    for _ in 0..200 {
        let claimed = h.run(who, &["reviews", "claim", "--json"]);
        if !claimed.status.success() {
            return Err(format!("claim as {}: {}", who.name, text(&claimed)));
        }
        let v: serde_json::Value = serde_json::from_slice(&claimed.stdout)
            .map_err(|e| format!("claim --json printed {}: {e}", text(&claimed)))?;
        if v.is_null() {
            return Ok(submitted);
        }
        let (Some(dataset), Some(item), Some(criteria)) = (
            v["dataset"].as_str(),
            v["item"].as_str(),
            v["criteria"].as_array(),
        ) else {
            return Err(format!("claim --json printed {v}"));
        };
        let verdicts: serde_json::Map<String, serde_json::Value> = criteria
            .iter()
            .filter_map(|c| c.as_str())
            .map(|c| (c.to_string(), "pass".into()))
            .collect();
        let line = serde_json::json!({"dataset": dataset, "item": item, "verdicts": verdicts});
        let sheet = h.write_home(who, file, &format!("{line}\n"));
        let out = h.run(who, &["reviews", "import", s(&sheet)]);
        let said = text(&out);
        if !out.status.success() {
            return Err(format!("reviews import as {}: {said}", who.name));
        }
        if said.starts_with("1 review(s) submitted") {
            submitted.push(item.to_string());
        }
    }
    Err(format!("{} never ran out of items", who.name))
}

#[test]
fn two_installations_share_one_database_and_its_rules() {
    if skip_unless_root() {
        return;
    }
    let Some(tcp) = backend::postgres_tcp() else {
        return;
    };
    // Sessions at once in all, split over the two hosts' accounts, two per account as a
    // person with two terminals has (the second resumes the first's claim, so more than two
    // only repeat each other's work), and items; MEDCURATE_TEST_SESSIONS asks for more.
    let sessions: usize = std::env::var("MEDCURATE_TEST_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let per_account = 2;
    let accounts_per_host = sessions.div_ceil(2 * per_account);
    let n_items = 3 * sessions;
    let names = tempfile::tempdir().unwrap();
    let url = backend::tcp_db_at(&tcp, names.path(), "two", "sslmode=prefer");
    let people = |host: &str| -> Vec<(String, String)> {
        (0..accounts_per_host)
            .map(|k| (format!("{host}{k}"), format!("dr-{host}{k}")))
            .collect()
    };
    let (pa, pb) = (people("a"), people("b"));
    let spec = |p: &[(String, String)]| -> Vec<(String, String, String)> {
        p.iter()
            .map(|(t, id)| (t.clone(), id.clone(), "annotator".to_string()))
            .collect()
    };
    let (sa, sb) = (spec(&pa), spec(&pb));
    let a = Host::on_postgres(&borrowed(&sa), &url, &tcp.password);
    let b = Host::joining_postgres(&borrowed(&sb), &url, &tcp.password, "ops-b");
    assert_ne!(a.service_user, b.service_user);
    let items = a.write_home(&a.admin, "items.jsonl", &many_items(n_items));
    a.ok(&a.admin, &["import", s(&items), "--dataset", "Exam"]);
    // The other installation sees the same workspace.
    let status = b.ok(&b.admin, &["status"]);
    assert!(status.contains("Exam"), "{status}");

    let results: Vec<Result<Vec<String>, String>> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for h in [&a, &b] {
            for who in &h.accounts {
                for k in 0..per_account {
                    let file = format!("review-{k}.jsonl");
                    handles.push(scope.spawn(move || session(h, who, &file)));
                }
            }
        }
        handles.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let mut submitted = 0;
    for r in &results {
        match r {
            Ok(items) => submitted += items.len(),
            Err(why) => panic!("a session failed: {why}"),
        }
    }
    // Read straight from the server: every item has two submitted reviews from two people,
    // nothing lost, no claim left open.
    let db = backend::raw(Path::new(&format!("{url}&password={}", tcp.password)));
    let (reviews, items_done, most, twice, open): (i64, i64, i64, i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM reviews WHERE status = 'submitted'),
                    (SELECT count(*) FROM items WHERE state <> 'in_review'),
                    (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM reviews
                       WHERE status IN ('claimed', 'submitted') GROUP BY item_id, revision_no) x),
                    (SELECT count(*) FROM (SELECT 1 FROM reviews
                       GROUP BY item_id, revision_no, reviewer HAVING count(*) > 1) y),
                    (SELECT count(*) FROM reviews WHERE status = 'claimed')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(reviews as usize, 2 * n_items, "every item reviewed twice");
    assert_eq!(submitted, 2 * n_items, "every submit reported is stored");
    assert_eq!(items_done as usize, n_items);
    assert_eq!((most, twice, open), (2, 0, 0));
    // Both installations' people did some of it.
    let by_host: Vec<i64> = ["dr-a%", "dr-b%"]
        .iter()
        .map(|p| {
            db.query_row(
                "SELECT count(*) FROM reviews WHERE reviewer LIKE ?1 AND status = 'submitted'",
                [p],
                |r| r.get(0),
            )
            .unwrap()
        })
        .collect();
    assert!(by_host.iter().all(|&n| n > 0), "{by_host:?}");
    eprintln!(
        "two installations, {} sessions: {} reviews of {n_items} items",
        results.len(),
        reviews
    );
}
