//! The host config: where a shared host keeps its database, and which account owns it.
//! Root writes it (`medcurate host setup`); it is trusted only when root alone can change
//! it and every directory above it. Everyone can read it, so it never holds a password: a
//! PostgreSQL database's is in `database_password_file`, which the service account alone
//! can read.

use crate::files::service;
use crate::store::location;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Where the host config is looked for.
pub const DEFAULT_PATH: &str = "/etc/medcurate/host.toml";

/// The variable that names another host config; honoured only for a file that passes the
/// same ownership checks, so it can choose among root's configs but never make one.
pub const PATH_VAR: &str = "MEDCURATE_HOST_CONFIG";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    /// The account the binary is installed setuid to; it alone can read the data directory.
    pub service_user: String,
    /// The directory holding the database, mode 0700, owned by the service account.
    pub data_dir: PathBuf,
    /// The database: a file, or a `postgres://` URL without a password.
    pub database: PathBuf,
    /// For a URL: the file whose first line is the password, the service account's, 0600.
    #[serde(default)]
    pub database_password_file: Option<PathBuf>,
}

impl HostConfig {
    pub fn new(service_user: &str, data_dir: &Path) -> HostConfig {
        HostConfig {
            service_user: service_user.to_string(),
            data_dir: data_dir.to_path_buf(),
            database: data_dir.join("medcurate.db"),
            database_password_file: None,
        }
    }

    /// Why this config cannot be used, if it cannot: the checks `load` makes after parsing.
    pub fn refusal(&self) -> Option<String> {
        if !self.data_dir.is_absolute() {
            return Some("data_dir must be an absolute path".into());
        }
        let Some(url) = location::postgres_url(&self.database) else {
            if !self.database.is_absolute() {
                return Some("database must be an absolute path or a postgres:// URL".into());
            }
            if self.database_password_file.is_some() {
                return Some(
                    "database_password_file is for a database on PostgreSQL (a postgres:// URL); \
                     remove it for a database file"
                        .into(),
                );
            }
            return None;
        };
        if location::carries_password(url) {
            return Some(format!(
                "the database URL {} carries a password, and everyone can read this file; \
                 remove the password from the URL and put it on the first line of a file the \
                 service account alone can read (chown {1}:{1} FILE && chmod 600 FILE), named \
                 by database_password_file",
                location::shown(&self.database),
                self.service_user
            ));
        }
        for (key, value) in location::parameters(url) {
            if FILE_PARAMETERS.contains(&key.as_str()) && !Path::new(&value).is_absolute() {
                return Some(format!(
                    "the database URL's {key} must be an absolute path ({value:?} is not)"
                ));
            }
        }
        match &self.database_password_file {
            Some(p) if !p.is_absolute() => {
                Some("database_password_file must be an absolute path".into())
            }
            _ => None,
        }
    }

    pub fn to_toml(&self) -> String {
        // JSON's string escapes are TOML's basic-string escapes.
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut text = format!(
            "# medcurate's shared-host configuration, written by `medcurate host setup`.\n\
             # Keep it owned by root and writable by root alone.\n\
             service_user = {}\ndata_dir = {}\ndatabase = {}\n",
            quote(&self.service_user),
            quote(&self.data_dir.to_string_lossy()),
            quote(&self.database.to_string_lossy()),
        );
        if let Some(p) = &self.database_password_file {
            text.push_str(&format!(
                "database_password_file = {}\n",
                quote(&p.to_string_lossy())
            ));
        }
        text
    }
}

/// The URL parameters that name files: relative, they would be looked up wherever the
/// person running medcurate stands.
const FILE_PARAMETERS: [&str; 4] = ["sslrootcert", "sslcert", "sslkey", "sslcrl"];

/// The host config's path: `MEDCURATE_HOST_CONFIG`, else `/etc/medcurate/host.toml`.
pub fn path() -> PathBuf {
    std::env::var_os(PATH_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PATH))
}

/// Reads and checks the host config at `path`.
pub fn load(path: &Path) -> Result<HostConfig> {
    if let Err(why) = trusted(path) {
        bail!("the host config {}: {why}", path.display());
    }
    let text = service::read_to_string(path)
        .with_context(|| format!("reading the host config {}", path.display()))?;
    parse(&text, path)
}

/// The host config in `text`, read from `path`, checked as `load` checks it.
pub fn parse(text: &str, path: &Path) -> Result<HostConfig> {
    let config: HostConfig = toml::from_str(text)
        .with_context(|| format!("reading the host config {}", path.display()))?;
    if let Some(why) = config.refusal() {
        bail!("the host config {}: {why}", path.display());
    }
    Ok(config)
}

/// Ok when root owns `path` and every directory above it, and nobody else can write to
/// any of them (a world-writable directory counts only with its sticky bit set).
pub fn trusted(path: &Path) -> Result<(), String> {
    if !path.is_absolute() {
        return Err("must be an absolute path".into());
    }
    let meta = service::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "does not exist".to_string(),
        _ => format!("cannot be read ({e})"),
    })?;
    if !meta.is_file() {
        return Err("is not a file".into());
    }
    if meta.uid() != 0 {
        return Err(format!(
            "is owned by uid {}, not root; fix with: chown root:root {}",
            meta.uid(),
            path.display()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "can be changed by others (mode {:o}); fix with: chmod 644 {}",
            meta.mode() & 0o7777,
            path.display()
        ));
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            break;
        }
        let m = service::metadata(d).map_err(|e| format!("{}: {e}", d.display()))?;
        let sticky = m.mode() & 0o1000 != 0;
        if m.uid() != 0 || (m.mode() & 0o022 != 0 && !sticky) {
            return Err(format!(
                "lies in {}, which someone other than root can change; fix with: chown root:root {} && chmod go-w {}",
                d.display(),
                d.display(),
                d.display()
            ));
        }
        dir = d.parent();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<HostConfig, String> {
        parse(text, Path::new("/etc/medcurate/host.toml")).map_err(|e| format!("{e:#}"))
    }

    const HEAD: &str = "service_user = \"medcurate\"\ndata_dir = \"/var/lib/medcurate\"\n";

    #[test]
    fn a_postgres_url_and_its_password_file_are_read() {
        let c = parsed(&format!(
            "{HEAD}database = \"postgres://medcurate@db.example:5432/bench?sslmode=verify-full&sslrootcert=/etc/medcurate/ca.pem\"\n\
             database_password_file = \"/var/lib/medcurate/db-password\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.database,
            Path::new(
                "postgres://medcurate@db.example:5432/bench?sslmode=verify-full&sslrootcert=/etc/medcurate/ca.pem"
            )
        );
        assert_eq!(
            c.database_password_file.as_deref(),
            Some(Path::new("/var/lib/medcurate/db-password"))
        );
        // Written back as read.
        assert_eq!(parsed(&c.to_toml()).unwrap(), c);
        // A URL with no password needs no file (trust, peer or certificate authentication).
        let c = parsed(&format!(
            "{HEAD}database = \"postgresql:///bench?host=/run/postgresql\"\n"
        ))
        .unwrap();
        assert_eq!(c.database_password_file, None);
        assert_eq!(parsed(&c.to_toml()).unwrap(), c);
        // A file database, as before.
        let c = parsed(&format!(
            "{HEAD}database = \"/var/lib/medcurate/medcurate.db\"\n"
        ))
        .unwrap();
        assert_eq!(
            c,
            HostConfig::new("medcurate", Path::new("/var/lib/medcurate"))
        );
        assert!(!c.to_toml().contains("database_password_file"));
    }

    #[test]
    fn a_password_in_the_url_is_refused_without_being_shown() {
        for (url, shown) in [
            (
                "postgres://medcurate:s3cret@db.example/bench",
                "postgres://medcurate:***@db.example/bench",
            ),
            (
                "postgres://medcurate@db.example/bench?sslmode=prefer&password=s3cret",
                "postgres://medcurate@db.example/bench?sslmode=prefer&password=***",
            ),
            (
                "postgres://medcurate@db.example/bench?pass%77ord=s3cret",
                "postgres://medcurate@db.example/bench?pass%77ord=***",
            ),
        ] {
            let e = parsed(&format!("{HEAD}database = \"{url}\"\n")).unwrap_err();
            assert_eq!(
                e,
                format!(
                    "the host config /etc/medcurate/host.toml: the database URL {shown} carries a \
                     password, and everyone can read this file; remove the password from the URL \
                     and put it on the first line of a file the service account alone can read \
                     (chown medcurate:medcurate FILE && chmod 600 FILE), named by \
                     database_password_file"
                )
            );
            assert!(!e.contains("s3cret"), "{e}");
        }
    }

    #[test]
    fn paths_must_be_absolute_and_the_password_file_goes_with_a_url() {
        let refused = |body: &str| parsed(&format!("{HEAD}{body}")).unwrap_err();
        assert_eq!(
            refused("database = \"medcurate.db\"\n"),
            "the host config /etc/medcurate/host.toml: database must be an absolute path or a postgres:// URL"
        );
        assert_eq!(
            refused("database = \"postgres://m@h/db\"\ndatabase_password_file = \"db-password\"\n"),
            "the host config /etc/medcurate/host.toml: database_password_file must be an absolute path"
        );
        assert_eq!(
            refused("database = \"postgres://m@h/db?sslmode=verify-full&sslrootcert=ca.pem\"\n"),
            "the host config /etc/medcurate/host.toml: the database URL's sslrootcert must be an absolute path (\"ca.pem\" is not)"
        );
        assert_eq!(
            refused(
                "database = \"/var/lib/medcurate/medcurate.db\"\ndatabase_password_file = \"/var/lib/medcurate/pw\"\n"
            ),
            "the host config /etc/medcurate/host.toml: database_password_file is for a database on PostgreSQL (a postgres:// URL); remove it for a database file"
        );
        let e = parsed("service_user = \"m\"\ndata_dir = \"var\"\ndatabase = \"/var/m.db\"\n")
            .unwrap_err();
        assert_eq!(
            e,
            "the host config /etc/medcurate/host.toml: data_dir must be an absolute path"
        );
        let e = refused("database = \"/var/m.db\"\ndatabase_password = \"x\"\n");
        assert!(e.contains("unknown field `database_password`"), "{e}");
    }
}
