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
use std::process::{Command, Output};

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

/// `host check` as root with the development binary: exit code and everything it printed.
fn check(h: &Host, config: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .args([
            "host",
            "check",
            "--binary",
            s(&h.binary),
            "--config",
            s(config),
        ])
        .env_remove("MEDCURATE_HOST_CONFIG")
        .env_remove("MEDCURATE_DB")
        .output()
        .unwrap();
    (out.status.code(), text(&out))
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
    let (code, out) = check(&h, &h.config);
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
    let (code, out) = check(&h, &open_config);
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
    let (code, out) = check(&h, &h.config);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("problem: {what}\n    fix: chmod 600 {pw_shown}\n")),
        "{out}"
    );
    assert_eq!(out.matches("problem:").count(), 1, "{out}");
    std::fs::set_permissions(&pw_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(check(&h, &h.config).0, Some(0));

    // Owned by root: the service account could not read it.
    chown(&pw_file, Some(0), Some(0)).unwrap();
    let (code, out) = check(&h, &h.config);
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
    let (code, out) = check(&h, &h.config);
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
    assert_eq!(check(&h, &h.config).0, Some(0));
}
