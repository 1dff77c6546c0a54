//! Who is running the command: `--as`, else `identity` in the config file, else the OS account.

use crate::domain::identity;
use crate::domain::people::{Person, Role};
use crate::store::Store;
use anyhow::{Context, Result, anyhow};
use directories::ProjectDirs;
use serde::Deserialize;
use std::path::PathBuf;

/// The per-user config file: `MEDCURATE_CONFIG`, else `<config dir>/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MEDCURATE_CONFIG") {
        return Some(PathBuf::from(p));
    }
    ProjectDirs::from("org", "medcurate", "medcurate").map(|d| d.config_dir().join("config.toml"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The person id to act as when `--as` is not given.
    pub identity: Option<String>,
}

/// The config file's contents; an absent file is an empty config.
pub fn load_config() -> Result<Config> {
    let Some(path) = config_path() else {
        return Ok(Config::default());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("reading the config file {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading the config file {}", path.display())),
    }
}

/// The login name of the real user id, not `$USER`, which anyone can set.
pub fn os_account() -> String {
    // SAFETY: getpwuid_r writes into the buffers we own and sets `result` to null or `pwd`.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        if libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) == 0
            && !result.is_null()
            && !pwd.pw_name.is_null()
        {
            return std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned();
        }
        format!("uid{uid}")
    }
}

/// The registered person this command acts as, who must hold `role`.
pub fn act_as(store: &Store, requested: Option<&str>, role: Role) -> Result<Person> {
    let config = load_config()?;
    let people = store.people()?;
    identity::resolve(
        &people,
        requested,
        config.identity.as_deref(),
        &os_account(),
        role,
    )
    .cloned()
    .map_err(|e| anyhow!(e))
}

/// The registered person this command acts as, who must hold at least one of `roles`
/// (the first role's refusal is the one reported).
pub fn act_as_any(store: &Store, requested: Option<&str>, roles: &[Role]) -> Result<Person> {
    let mut first = None;
    for role in roles {
        match act_as(store, requested, *role) {
            Ok(p) => return Ok(p),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_else(|| anyhow!("no role given")))
}
