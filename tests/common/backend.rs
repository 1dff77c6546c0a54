//! Which database the tests run on. By default each test's workspace is a SQLite file in its
//! temporary directory. With `MEDCURATE_TEST_PG` set to a PostgreSQL URL (its database part
//! is ignored), each gets a new database of its own on that server instead, so the same
//! tests prove both backends (`bash .ci/postgres-tests` starts a throwaway server for them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub const ENV: &str = "MEDCURATE_TEST_PG";

/// The server's URL, when the tests run on PostgreSQL.
pub fn postgres() -> Option<String> {
    std::env::var(ENV).ok().filter(|s| !s.is_empty())
}

/// Prints `line` past the test harness's capture (which takes eprintln!'s output), so a
/// note that a test could not run reaches the person or CI running the suite.
pub fn note(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The server over TCP with password authentication, as `.ci/postgres-tests` also serves it:
/// `MEDCURATE_TEST_PG_TCP` (a URL without a password) and `MEDCURATE_TEST_PG_PASSWORD`.
pub struct Tcp {
    pub url: String,
    pub password: String,
}

/// The TCP server, or `None` after printing why the test does not run: it also needs
/// `MEDCURATE_TEST_PG`, the same server's socket, to create the test's database.
pub fn postgres_tcp() -> Option<Tcp> {
    let var = |name: &str| std::env::var(name).ok().filter(|s| !s.is_empty());
    let (Some(url), Some(password), Some(_)) = (
        var("MEDCURATE_TEST_PG_TCP"),
        var("MEDCURATE_TEST_PG_PASSWORD"),
        postgres(),
    ) else {
        note(&format!(
            "skipped: postgres-tcp: needs MEDCURATE_TEST_PG_TCP, MEDCURATE_TEST_PG_PASSWORD and {ENV}"
        ));
        return None;
    };
    Some(Tcp { url, password })
}

/// A new database for `dir` and `name`, made over the socket, as `tcp` reaches it: its URL
/// with `query` added (no password in it).
pub fn tcp_db_at(tcp: &Tcp, dir: &Path, name: &str, query: &str) -> String {
    let socket = db_at(dir, name);
    let socket = socket.to_str().expect("a URL");
    let db = socket
        .split_once("://")
        .and_then(|(_, rest)| rest.split('?').next())
        .and_then(|path| path.rsplit('/').next())
        .expect("a database name");
    let url = medcurate::store::location::with_database(&tcp.url, db);
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{query}")
}

/// True (after saying so) when on PostgreSQL, for a test of what only SQLite has (its file,
/// its locks, its PRAGMAs).
pub fn skip_on_postgres(why: &str) -> bool {
    if postgres().is_some() {
        eprintln!("on PostgreSQL this test does not apply: {why}");
        return true;
    }
    false
}

/// The database for `name` in the test directory `dir`: `dir/name`, or on PostgreSQL a
/// database made for this directory and name (made once; the same URL after).
pub fn db_at(dir: &Path, name: &str) -> PathBuf {
    let Some(server) = postgres() else {
        return dir.join(name);
    };
    let db = database_name(dir, name);
    static MADE: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap();
    let made = made.get_or_insert_with(HashSet::new);
    if !made.contains(&db) {
        let mut admin = postgres::Client::connect(&server, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connecting to {ENV}={server}: {e}"));
        let exists = !admin
            .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
            .unwrap()
            .is_empty();
        if !exists {
            admin
                .batch_execute(&format!("CREATE DATABASE {db} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'"))
                .unwrap();
        }
        made.insert(db.clone());
    }
    PathBuf::from(medcurate::store::location::with_database(&server, &db))
}

/// A database name unique to the directory and name: temporary directories are unique.
fn database_name(dir: &Path, name: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut h);
    name.hash(&mut h);
    format!("mc_{:016x}", h.finish())
}

/// A connection of the test's own to the database at `location` (a file or a URL from
/// `db_at`), for reading and writing rows straight past the store: the statements are the
/// store's SQL, which the adapter carries to either engine.
pub fn raw(location: &Path) -> medcurate::store::db::Connection {
    use medcurate::store::db::Connection;
    match location.to_str().filter(|s| s.starts_with("postgres")) {
        Some(url) => {
            Connection::connect_postgres(url).unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
        }
        None => Connection::from_sqlite(rusqlite::Connection::open(location).unwrap()),
    }
}

/// `raw` on the database `db_at(dir, name)` names.
pub fn raw_at(dir: &Path, name: &str) -> medcurate::store::db::Connection {
    raw(&db_at(dir, name))
}

/// From now on every UPDATE of `table` fails with `message`, as a full disk would make it
/// (until `let_updates_through`).
pub fn fail_updates(conn: &medcurate::store::db::Connection, table: &str, message: &str) {
    let sql = match postgres() {
        None => format!(
            "CREATE TRIGGER fail_{table}_updates BEFORE UPDATE ON {table}
             BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        ),
        Some(_) => format!(
            "CREATE FUNCTION fail_{table}_updates_fn() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION '{message}'; END $$;
             CREATE TRIGGER fail_{table}_updates BEFORE UPDATE ON {table}
                 FOR EACH ROW EXECUTE FUNCTION fail_{table}_updates_fn();"
        ),
    };
    conn.execute_batch(&sql).unwrap();
}

pub fn let_updates_through(conn: &medcurate::store::db::Connection, table: &str) {
    let sql = match postgres() {
        None => format!("DROP TRIGGER fail_{table}_updates"),
        Some(_) => format!(
            "DROP TRIGGER fail_{table}_updates ON {table}; DROP FUNCTION fail_{table}_updates_fn();"
        ),
    };
    conn.execute_batch(&sql).unwrap();
}
