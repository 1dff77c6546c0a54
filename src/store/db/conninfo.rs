//! The TLS settings of a connection string, taken out of it: libpq's `sslmode` (five modes)
//! and `sslrootcert`, which the `postgres` crate's own parser does not know (it has three
//! modes and no root file). The rest goes to `postgres::Config` as it was written.

use std::fmt;
use std::path::PathBuf;

/// libpq's `sslmode`, with libpq's meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, else plain; the certificate is not checked.
    Prefer,
    /// TLS or no connection; the certificate is checked as by `VerifyCa` only when
    /// `sslrootcert` names the CA.
    Require,
    /// TLS, and the server's certificate chain checked against the roots.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    const NAMES: [(&'static str, SslMode); 5] = [
        ("disable", SslMode::Disable),
        ("prefer", SslMode::Prefer),
        ("require", SslMode::Require),
        ("verify-ca", SslMode::VerifyCa),
        ("verify-full", SslMode::VerifyFull),
    ];

    fn parse(value: &str) -> Result<SslMode, String> {
        Self::NAMES
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, mode)| *mode)
            .ok_or_else(|| {
                format!(
                    "sslmode={value:?} is not a mode: use disable, prefer, require, verify-ca or \
                     verify-full"
                )
            })
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Self::NAMES
            .iter()
            .find(|(_, mode)| mode == self)
            .map_or("?", |(name, _)| name);
        f.write_str(name)
    }
}

/// What a connection string asks of TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// The PEM file of the CAs to trust instead of the public web roots.
    pub rootcert: Option<PathBuf>,
}

/// `conninfo` (a `postgres://` URL or `key=value` words) split into its TLS settings and
/// the rest, for `postgres::Config`. As in libpq the last of a repeated key counts and an
/// absent `sslmode` is `prefer`.
pub fn split(conninfo: &str) -> Result<(TlsSettings, String), String> {
    let (pairs, rest) = match url_query(conninfo) {
        Some((head, query)) => {
            let (pairs, kept) = split_query(query);
            let rest = if kept.is_empty() {
                head.to_string()
            } else {
                format!("{head}?{}", kept.join("&"))
            };
            (pairs, rest)
        }
        None if is_url(conninfo) => (Vec::new(), conninfo.to_string()),
        None => match split_words(conninfo) {
            Some(split) => split,
            // Not words libpq would read either: postgres::Config says what is wrong.
            None => (Vec::new(), conninfo.to_string()),
        },
    };
    let mut settings = TlsSettings {
        mode: SslMode::Prefer,
        rootcert: None,
    };
    for (key, value) in pairs {
        match key {
            Key::Mode => settings.mode = SslMode::parse(&value)?,
            Key::RootCert if value.is_empty() => settings.rootcert = None,
            Key::RootCert => settings.rootcert = Some(PathBuf::from(value)),
        }
    }
    Ok((settings, rest))
}

#[derive(Clone, Copy)]
enum Key {
    Mode,
    RootCert,
}

fn ours(key: &str) -> Option<Key> {
    match key {
        "sslmode" => Some(Key::Mode),
        "sslrootcert" => Some(Key::RootCert),
        _ => None,
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// A URL's part before its query, and the query.
fn url_query(s: &str) -> Option<(&str, &str)> {
    if !is_url(s) {
        return None;
    }
    s.split_once('?')
}

/// The query's TLS pairs (decoded) and its other pairs as written.
fn split_query(query: &str) -> (Vec<(Key, String)>, Vec<&str>) {
    let mut pairs = Vec::new();
    let mut kept = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match ours(&percent_decode(key)) {
            Some(k) => pairs.push((k, percent_decode(value))),
            None => kept.push(part),
        }
    }
    (pairs, kept)
}

/// `%XX` escapes decoded as postgres::Config decodes them; a malformed one is kept as is.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |at: usize| b.get(at).and_then(|c| (*c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `key=value` words (a value bare or in single quotes, `\` escaping the next character,
/// as libpq reads them): the TLS pairs, and the others written again. None when the words
/// do not parse.
fn split_words(s: &str) -> Option<(Vec<(Key, String)>, String)> {
    let mut pairs = Vec::new();
    let mut kept = Vec::new();
    let mut it = s.chars().peekable();
    loop {
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut key = String::new();
        while let Some(c) = it.next_if(|c| !c.is_whitespace() && *c != '=') {
            key.push(c);
        }
        if key.is_empty() {
            break;
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        it.next_if_eq(&'=')?;
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'\'').is_some() {
            loop {
                match it.next()? {
                    '\'' => break,
                    '\\' => value.push(it.next()?),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(c) = it.next_if(|c| !c.is_whitespace()) {
                value.push(if c == '\\' { it.next()? } else { c });
            }
        }
        match ours(&key) {
            Some(k) => pairs.push((k, value)),
            None => kept.push(format!(
                "{key}='{}'",
                value.replace('\\', "\\\\").replace('\'', "\\'")
            )),
        }
    }
    Some((pairs, kept.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(mode: SslMode, rootcert: Option<&str>) -> TlsSettings {
        TlsSettings {
            mode,
            rootcert: rootcert.map(PathBuf::from),
        }
    }

    #[test]
    fn a_url_gives_up_its_tls_settings_and_keeps_the_rest() {
        let cases = [
            (
                "postgres://u:p%40ss@db.example:5432/bench",
                settings(SslMode::Prefer, None),
                "postgres://u:p%40ss@db.example:5432/bench",
            ),
            (
                "postgresql://u@h/b?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&application_name=m",
                settings(SslMode::VerifyFull, Some("/etc/ca x.pem")),
                "postgresql://u@h/b?application_name=m",
            ),
            (
                "postgresql:///b?host=/run/pg&sslmode=require",
                settings(SslMode::Require, None),
                "postgresql:///b?host=/run/pg",
            ),
            (
                "postgres://h/b?sslmode=disable&sslmode=verify-ca&sslrootcert=/a&sslrootcert=",
                settings(SslMode::VerifyCa, None),
                "postgres://h/b",
            ),
            (
                "postgres://h/b?sslrootcert=/ca%2.pem%",
                settings(SslMode::Prefer, Some("/ca%2.pem%")),
                "postgres://h/b",
            ),
            // Keys are decoded as postgres::Config decodes them.
            (
                "postgres://h/b?ssl%6dode=verify-ca&password=x",
                settings(SslMode::VerifyCa, None),
                "postgres://h/b?password=x",
            ),
        ];
        for (url, want, rest) in cases {
            assert_eq!(split(url), Ok((want, rest.to_string())), "{url}");
        }
    }

    #[test]
    fn words_give_up_their_tls_settings_and_keep_the_rest() {
        let cases = [
            (
                "host=db.example dbname=bench",
                settings(SslMode::Prefer, None),
                "host='db.example' dbname='bench'",
            ),
            (
                "host = db sslmode = verify-full sslrootcert='/etc/my ca.pem' password='it\\'s'",
                settings(SslMode::VerifyFull, Some("/etc/my ca.pem")),
                "host='db' password='it\\'s'",
            ),
            (
                "sslrootcert=/a\\ b.pem sslmode=require user=m",
                settings(SslMode::Require, Some("/a b.pem")),
                "user='m'",
            ),
        ];
        for (words, want, rest) in cases {
            assert_eq!(split(words), Ok((want, rest.to_string())), "{words}");
        }
        // Words that do not parse go on whole, for postgres::Config to name the fault.
        assert_eq!(
            split("host='unterminated"),
            Ok((
                settings(SslMode::Prefer, None),
                "host='unterminated".to_string()
            ))
        );
    }

    #[test]
    fn a_mode_libpq_does_not_know_is_refused_by_name() {
        for s in [
            "postgres://h/b?sslmode=bogus",
            "host=h sslmode=bogus",
            "postgres://h/b?sslmode=Verify-Full",
        ] {
            let err = split(s).unwrap_err();
            assert!(err.starts_with("sslmode=\""), "{err}");
            assert!(err.contains("verify-full"), "{err}");
        }
        assert!(
            split("postgres://h/b?sslmode=bogus")
                .unwrap_err()
                .contains("\"bogus\"")
        );
    }

    #[test]
    fn every_mode_reads_back_as_its_name() {
        for (name, mode) in SslMode::NAMES {
            assert_eq!(SslMode::parse(name), Ok(mode));
            assert_eq!(mode.to_string(), name);
        }
    }
}
