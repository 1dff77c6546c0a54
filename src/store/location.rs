//! Where a workspace's database is: a SQLite file, or a PostgreSQL server named by a
//! connection URL (`postgres://…` or `postgresql://…`), given wherever a path is (`--db`,
//! `MEDCURATE_DB`, the host config's `database`).

use super::db;
use std::path::Path;

/// The connection URL, when `location` names a PostgreSQL database.
pub fn postgres_url(location: &Path) -> Option<&str> {
    let s = location.to_str()?;
    (s.starts_with("postgres://") || s.starts_with("postgresql://")).then_some(s)
}

/// The location as a person may read it: a URL's password is never shown (on a shared host
/// only the service account may know it).
pub fn shown(location: &Path) -> String {
    let Some(url) = postgres_url(location) else {
        return location.display().to_string();
    };
    redact(url)
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
            shown(Path::new(
                "postgres://m@h/b?sslmode=verify-full&sslrootcert=/etc/ca.pem&%70assword=s3cret&sslpassword=k3y"
            )),
            "postgres://m@h/b?sslmode=verify-full&sslrootcert=/etc/ca.pem&%70assword=***&sslpassword=***"
        );
        assert_eq!(shown(Path::new("postgres://m@h/b")), "postgres://m@h/b");
        assert_eq!(shown(Path::new("/srv/中文.db")), "/srv/中文.db");
    }
}
