//! TLS to PostgreSQL as `sslmode` and `sslrootcert` ask. The tests against a server need
//! one on TCP with TLS and password authentication (`bash .ci/postgres-tests` starts it):
//! `MEDCURATE_TEST_PG_TCP` (its URL, no password), `MEDCURATE_TEST_PG_PASSWORD` and
//! `MEDCURATE_TEST_PG_CA` (the CA that signed the server's certificate, whose names are
//! `localhost` and 127.0.0.1). Without them those tests say `skipped: postgres-tcp: ...`
//! and pass; the others need no server.
#![allow(clippy::disallowed_methods)] // test set-up writes files directly

use medcurate::store::db::Connection;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const OTHER_CA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tls/other-ca.pem"
);

/// The TCP server of `MEDCURATE_TEST_PG_TCP`.
struct Server {
    user: String,
    port: String,
    db: String,
    password: String,
    ca: PathBuf,
}

impl Server {
    /// The server, or None after saying why the test does not run.
    fn from_env() -> Option<Server> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (Some(url), Some(password), Some(ca)) = (
            var("MEDCURATE_TEST_PG_TCP"),
            var("MEDCURATE_TEST_PG_PASSWORD"),
            var("MEDCURATE_TEST_PG_CA"),
        ) else {
            // Straight to the terminal: the harness captures eprintln! of a passing test.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: postgres-tcp: MEDCURATE_TEST_PG_TCP, MEDCURATE_TEST_PG_PASSWORD and \
                 MEDCURATE_TEST_PG_CA are not all set (bash .ci/postgres-tests sets them)"
            );
            return None;
        };
        // postgresql://USER@HOST:PORT/DB
        let rest = url.split_once("://").expect("a postgresql:// URL").1;
        let (authority, db) = rest.split_once('/').unwrap_or((rest, "postgres"));
        let (user, hostport) = authority.split_once('@').expect("USER@HOST:PORT");
        let port = hostport.rsplit_once(':').map_or("5432", |(_, p)| p);
        Some(Server {
            user: user.to_string(),
            port: port.to_string(),
            db: db.split('?').next().unwrap_or("postgres").to_string(),
            password,
            ca: PathBuf::from(ca),
        })
    }

    /// The URL of database `db` at `host`, with the password and `query`.
    fn url_of(&self, host: &str, db: &str, query: &str) -> String {
        let password: String = self
            .password
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!(
            "postgresql://{}:{password}@{host}:{}/{db}?{query}",
            self.user, self.port
        )
    }

    fn url(&self, host: &str, query: &str) -> String {
        self.url_of(host, &self.db, query)
    }

    fn verify_full(&self, host: &str) -> String {
        self.url(
            host,
            &format!("sslmode=verify-full&sslrootcert={}", self.ca.display()),
        )
    }
}

/// Whether the connection is encrypted, as the server sees it.
fn encrypted(conn: &Connection) -> bool {
    let ssl: i64 = conn
        .query_row(
            "SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            [],
            |r| r.get(0),
        )
        .unwrap();
    ssl == 1
}

fn connect_err(url: &str) -> String {
    match Connection::connect_postgres(url) {
        Ok(_) => panic!("{url} connected"),
        Err(e) => e.to_string(),
    }
}

fn medcurate(db: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(dir)
        .env_remove("MEDCURATE_DB")
        .env("MEDCURATE_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn verify_full_with_the_ca_connects_and_a_workspace_works_over_it() {
    let Some(server) = Server::from_env() else {
        return;
    };
    let admin = Connection::connect_postgres(&server.verify_full("localhost")).unwrap();
    assert!(encrypted(&admin));
    let db = format!("mc_tls_{}", std::process::id());
    // One statement each: neither may run in a transaction block.
    admin
        .execute_batch(&format!("DROP DATABASE IF EXISTS {db}"))
        .unwrap();
    admin
        .execute_batch(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let url = server.url_of(
        "localhost",
        &db,
        &format!("sslmode=verify-full&sslrootcert={}", server.ca.display()),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = medcurate(&url, args, dir.path());
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains(&server.password));
        text(&out.stdout)
    };
    run(&["init"]);
    run(&[
        "people",
        "add",
        "dr-a",
        "--name",
        "李医生 Dr. A",
        "--role",
        "annotator",
    ]);
    assert!(run(&["people", "list"]).contains("dr-a"));
    admin
        .execute_batch(&format!("DROP DATABASE {db} WITH (FORCE)"))
        .unwrap();
}

#[test]
fn verify_full_accepts_both_names_the_certificate_holds() {
    let Some(server) = Server::from_env() else {
        return;
    };
    for host in ["localhost", "127.0.0.1"] {
        let conn = Connection::connect_postgres(&server.verify_full(host))
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert!(encrypted(&conn), "{host}");
    }
}

#[test]
fn verify_full_with_another_ca_is_refused_by_the_chain_check() {
    let Some(server) = Server::from_env() else {
        return;
    };
    let url = server.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={OTHER_CA}"),
    );
    let err = connect_err(&url);
    assert!(
        err.contains("failed the chain check (sslmode=verify-full)"),
        "{err}"
    );
    assert!(err.contains(&format!("sslrootcert {OTHER_CA}")), "{err}");
    assert!(
        err.contains("set sslrootcert to the PEM file of the CA"),
        "{err}"
    );
    // As a person sees it, without the password.
    let dir = tempfile::tempdir().unwrap();
    let out = medcurate(&url, &["people", "list"], dir.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("failed the chain check"), "{stderr}");
    assert!(!stderr.contains(&server.password), "{stderr}");
    // With no sslrootcert the public web roots are the ones, and they did not sign it.
    let err = connect_err(&server.url("localhost", "sslmode=verify-ca"));
    assert!(err.contains("not signed by the public web roots"), "{err}");
}

#[test]
fn verify_ca_accepts_a_name_the_certificate_lacks_where_verify_full_refuses() {
    let Some(server) = Server::from_env() else {
        return;
    };
    // The certificate names localhost and 127.0.0.1; the host name checked is another,
    // the address connected to the server's.
    let query = |mode: &str| {
        format!(
            "hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={}",
            server.ca.display()
        )
    };
    let err = connect_err(&server.url("db.medcurate.test", &query("verify-full")));
    assert!(
        err.contains("failed the host name check (sslmode=verify-full)"),
        "{err}"
    );
    assert!(err.contains("db.medcurate.test"), "{err}");
    let conn = Connection::connect_postgres(&server.url("db.medcurate.test", &query("verify-ca")))
        .unwrap();
    assert!(encrypted(&conn));
    // verify-ca still checks the chain.
    let err = connect_err(&server.url(
        "db.medcurate.test",
        &format!("hostaddr=127.0.0.1&sslmode=verify-ca&sslrootcert={OTHER_CA}"),
    ));
    assert!(
        err.contains("failed the chain check (sslmode=verify-ca)"),
        "{err}"
    );
}

#[test]
fn require_encrypts_without_a_ca_and_checks_the_chain_with_one() {
    let Some(server) = Server::from_env() else {
        return;
    };
    let conn = Connection::connect_postgres(&server.url("127.0.0.1", "sslmode=require")).unwrap();
    assert!(encrypted(&conn));
    let err = connect_err(&server.url(
        "127.0.0.1",
        &format!("sslmode=require&sslrootcert={OTHER_CA}"),
    ));
    assert!(
        err.contains("failed the chain check (sslmode=require)"),
        "{err}"
    );
}

#[test]
fn prefer_is_the_default_and_encrypts_when_offered_and_disable_does_not() {
    let Some(server) = Server::from_env() else {
        return;
    };
    let default = Connection::connect_postgres(&server.url("127.0.0.1", "")).unwrap();
    assert!(encrypted(&default));
    let plain = Connection::connect_postgres(&server.url("127.0.0.1", "sslmode=disable")).unwrap();
    assert!(!encrypted(&plain));
}

#[test]
fn a_bogus_sslmode_is_refused_naming_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = medcurate(
        "postgres://m:s3cret@127.0.0.1:1/b?sslmode=bogus",
        &["init"],
        dir.path(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sslmode=\"bogus\" is not a mode"),
        "{stderr}"
    );
    assert!(stderr.contains("verify-full"), "{stderr}");
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn an_unreadable_or_empty_sslrootcert_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "-----BEGIN CERTIFICATE-----\n%%%\n").unwrap();
    let missing = dir.path().join("missing.pem");
    // Port 1: the root file is read before any connection is tried.
    let url = |file: &Path| {
        format!(
            "postgres://m@127.0.0.1:1/b?sslmode=verify-full&sslrootcert={}",
            file.display()
        )
    };
    let err = connect_err(&url(&empty));
    assert!(
        err.starts_with(&format!(
            "sslrootcert {}: holds no certificate",
            empty.display()
        )),
        "{err}"
    );
    let err = connect_err(&url(&junk));
    assert!(
        err.starts_with(&format!(
            "sslrootcert {}: not a PEM certificate file",
            junk.display()
        )),
        "{err}"
    );
    let err = connect_err(&url(&missing));
    assert!(
        err.starts_with(&format!(
            "sslrootcert {}: cannot read it",
            missing.display()
        )),
        "{err}"
    );
}

/// A server that answers the TLS request with "no", as one with ssl off does.
fn server_without_tls() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        stream.read_exact(&mut request).unwrap();
        // Length 8, then the SSLRequest code 80877103.
        assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47]);
        stream.write_all(b"N").unwrap();
    });
    (port, handle)
}

#[test]
fn require_is_refused_by_a_server_without_tls() {
    for mode in ["require", "verify-full"] {
        let (port, server) = server_without_tls();
        let err = connect_err(&format!(
            "postgres://m:s3cret@127.0.0.1:{port}/b?sslmode={mode}&sslrootcert={OTHER_CA}"
        ));
        server.join().unwrap();
        assert!(
            err.starts_with(&format!(
                "the server does not offer TLS, and sslmode={mode} needs it"
            )),
            "{err}"
        );
    }
}
