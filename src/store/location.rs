//! Where a workspace's database is: a SQLite file, or a PostgreSQL server named by a
//! connection URL (`postgres://…` or `postgresql://…`), given wherever a path is (`--db`,
//! `MEDCURATE_DB`, the host config's `database`).

use super::db;
use std::path::{Path, PathBuf};

/// The connection URL, when `location` names a PostgreSQL database.
pub fn postgres_url(location: &Path) -> Option<&str> {
    let s = location.to_str()?;
    (s.starts_with("postgres://") || s.starts_with("postgresql://")).then_some(s)
}

/// The URL `url` with its database replaced by `db` (`postgres://AUTH/DB?QUERY`), for a
/// tool that makes databases on one server (the test suite, the benchmarks).
pub fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgresql", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or("");
    match query {
        Some(q) => format!("{scheme}://{authority}/{db}?{q}"),
        None => format!("{scheme}://{authority}/{db}"),
    }
}

/// The location as a person may read it: a URL's password is never shown (on a shared host
/// only the service account may know it).
pub fn shown(location: &Path) -> String {
    let Some(url) = postgres_url(location) else {
        return location.display().to_string();
    };
    redact(url)
}

/// Whether the URL carries a password, read as the driver reads it: after the user name
/// (`user:password@`) or as a `password` parameter, percent-encoded or not.
pub fn carries_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    // The driver takes everything before the first `@` as the credentials.
    let in_credentials = rest
        .split_once('@')
        .is_some_and(|(credentials, _)| credentials.contains(':'));
    in_credentials || parameters(url).iter().any(|(k, _)| k == "password")
}

/// The URL's query parameters, keys and values percent-decoded as the driver decodes them.
pub fn parameters(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (db::percent_decode(k), db::percent_decode(v))
        })
        .collect()
}

/// `location` with `password` as its `password` parameter, percent-encoded: what the store
/// connects with. [`shown`] hides it again wherever the location is printed.
pub fn with_password(location: &Path, password: &str) -> PathBuf {
    let url = location.to_string_lossy();
    let joiner = match url.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some(_) => "&",
    };
    PathBuf::from(format!("{url}{joiner}password={}", encode(password)))
}

fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_string(),
    };
    // A password may also come as a query parameter, its key escaped (`%70assword` is read
    // as `password`), or as libpq's `sslpassword`; `sslmode` and `sslrootcert` stay shown.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if is_secret(&db::percent_decode(k)) => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// Percent-encoding of everything but the unreserved characters, so any password survives
/// the URL's `&`, `=`, `%` and `#`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_secret(key: &str) -> bool {
    key.eq_ignore_ascii_case("password") || key.eq_ignore_ascii_case("sslpassword")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_apart_from_files_and_passwords_are_hidden() {
        assert_eq!(postgres_url(Path::new("/srv/m.db")), None);
        assert_eq!(postgres_url(Path::new("postgres.db")), None);
        assert!(postgres_url(Path::new("postgresql:///m?host=/run/pg")).is_some());
        assert_eq!(
            shown(Path::new(
                "postgres://medcurate:s3cret@db.example:5432/bench?sslmode=require"
            )),
            "postgres://medcurate:***@db.example:5432/bench?sslmode=require"
        );
        assert_eq!(
            shown(Path::new(
                "postgresql:///bench?host=/run/pg&password=s3cret&user=m"
            )),
            "postgresql:///bench?host=/run/pg&password=***&user=m"
        );
        assert_eq!(
            shown(Path::new("postgresql:///bench?pass%77ord=s3cret")),
            "postgresql:///bench?pass%77ord=***"
        );
        assert_eq!(
            shown(Path::new(
                "postgres://m@h/b?sslmode=verify-full&sslrootcert=/etc/ca.pem&%70assword=s3cret&sslpassword=k3y"
            )),
            "postgres://m@h/b?sslmode=verify-full&sslrootcert=/etc/ca.pem&%70assword=***&sslpassword=***"
        );
        assert_eq!(shown(Path::new("postgres://m@h/b")), "postgres://m@h/b");
        assert_eq!(
            with_database("postgresql:///postgres?host=/run/pg&port=5", "mc_1"),
            "postgresql:///mc_1?host=/run/pg&port=5"
        );
        assert_eq!(
            with_database("postgres://m@h:5/a", "b"),
            "postgres://m@h:5/b"
        );
        assert_eq!(shown(Path::new("/srv/中文.db")), "/srv/中文.db");
    }

    #[test]
    fn a_password_is_found_wherever_the_driver_reads_one() {
        for url in [
            "postgres://m:pw@h/db",
            "postgres://m:@h/db",
            "postgres://m@h/db?password=pw",
            "postgres://m@h/db?sslmode=prefer&pass%77ord=pw",
        ] {
            assert!(carries_password(url), "{url}");
        }
        for url in [
            "postgres://m@h:5432/db?sslmode=prefer",
            "postgres://h/db",
            "postgresql:///db?host=/run/pg&user=m",
            "postgres://m@h/db?passwordless=1",
        ] {
            assert!(!carries_password(url), "{url}");
        }
    }

    #[test]
    fn a_password_is_added_encoded_and_shown_hidden() {
        let url = Path::new("postgres://m@127.0.0.1:5432/db?sslmode=prefer");
        let with = with_password(url, "p&w=%# 中");
        assert_eq!(
            with.to_str().unwrap(),
            "postgres://m@127.0.0.1:5432/db?sslmode=prefer&password=p%26w%3D%25%23%20%E4%B8%AD"
        );
        assert_eq!(
            shown(&with),
            "postgres://m@127.0.0.1:5432/db?sslmode=prefer&password=***"
        );
        assert_eq!(
            parameters(with.to_str().unwrap()),
            vec![
                ("sslmode".to_string(), "prefer".to_string()),
                ("password".to_string(), "p&w=%# 中".to_string())
            ]
        );
        assert_eq!(
            with_password(Path::new("postgres://m@h/db"), "x")
                .to_str()
                .unwrap(),
            "postgres://m@h/db?password=x"
        );
        // The driver reads it back as it was written.
        let config: postgres::Config = with.to_str().unwrap().parse().unwrap();
        assert_eq!(config.get_password(), Some("p&w=%# 中".as_bytes()));
    }
}
