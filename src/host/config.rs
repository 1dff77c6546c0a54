//! The host config: where a shared host keeps its database, and which account owns it.
//! Root writes it (`medcurate host setup`); it is trusted only when root alone can change
//! it and every directory above it.

use crate::files::service;
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
    /// The database file.
    pub database: PathBuf,
}

impl HostConfig {
    pub fn new(service_user: &str, data_dir: &Path) -> HostConfig {
        HostConfig {
            service_user: service_user.to_string(),
            data_dir: data_dir.to_path_buf(),
            database: data_dir.join("medcurate.db"),
        }
    }

    pub fn to_toml(&self) -> String {
        // JSON's string escapes are TOML's basic-string escapes.
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        format!(
            "# medcurate's shared-host configuration, written by `medcurate host setup`.\n\
             # Keep it owned by root and writable by root alone.\n\
             service_user = {}\ndata_dir = {}\ndatabase = {}\n",
            quote(&self.service_user),
            quote(&self.data_dir.to_string_lossy()),
            quote(&self.database.to_string_lossy()),
        )
    }
}

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
    let config: HostConfig = toml::from_str(&text)
        .with_context(|| format!("reading the host config {}", path.display()))?;
    if !config.data_dir.is_absolute() || !config.database.is_absolute() {
        bail!(
            "the host config {}: data_dir and database must be absolute paths",
            path.display()
        );
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
