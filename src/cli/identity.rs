//! Who is running the command.
//!
//! Single-user mode: `--as`, else `identity` in the config file, else the person bound to
//! the OS account, else the person whose id is the OS user name. Shared host: the person
//! bound to the real uid's account, and nobody else.

use crate::domain::identity;
use crate::domain::people::{Person, Role};
use crate::files::user;
use crate::host;
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

/// The config file's contents, read with the person's own rights; an absent file is an
/// empty config.
pub fn load_config() -> Result<Config> {
    let Some(path) = config_path() else {
        return Ok(Config::default());
    };
    match user::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("reading the config file {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("reading the config file {}", path.display())),
    }
}

/// The login name of the real user id, not `$USER`, which anyone can set.
pub fn os_account() -> String {
    crate::os::account::real_name()
}

/// The registered person this command acts as, who must hold `role`.
pub fn act_as(store: &Store, requested: Option<&str>, role: Role) -> Result<Person> {
    act_as_any(store, requested, &[role])
}

/// The registered person this command acts as, who must hold at least one of `roles`
/// (the first role's refusal is the one reported).
pub fn act_as_any(store: &Store, requested: Option<&str>, roles: &[Role]) -> Result<Person> {
    let config = load_config()?;
    // The account itself asks (no --as, no identity in the config file) for a maintainer's
    // step on a workspace that has none: it becomes the first one, as `init` would make it.
    if roles.contains(&Role::Maintainer) && requested.is_none() && config.identity.is_none() {
        first_maintainer(store)?;
    }
    let people = store.people()?;
    let os_user = os_account();
    let resolve = if host::is_shared() {
        identity::resolve_shared
    } else {
        identity::resolve
    };
    let mut first = None;
    for role in roles {
        match resolve(
            &people,
            requested,
            config.identity.as_deref(),
            &os_user,
            *role,
        ) {
            Ok(p) => return Ok(p.clone()),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(anyhow!(first.unwrap_or_else(|| "no role given".into())))
}

/// Single-user mode: a workspace with no maintainer makes the account using it the first
/// one, as `init` does (the account owns the file, so it could do anything with it anyway).
/// On a shared host the first maintainer is named by `host setup`. Returns who was made one.
pub fn first_maintainer(store: &Store) -> Result<Option<String>> {
    if host::is_shared() {
        return Ok(None);
    }
    let people = store.people()?;
    if people.iter().any(|p| p.roles.contains(&Role::Maintainer)) {
        return Ok(None);
    }
    let account = os_account();
    store.add_first_maintainer(&account)
}

/// The registered person running a command that shows some things only to some roles
/// (`--as` if given), with whatever roles they hold; `None` if the command runs for no one
/// registered. Never makes anyone a maintainer.
pub fn viewer(store: &Store, requested: Option<&str>) -> Result<Option<Person>> {
    let config = load_config()?;
    let people = store.people()?;
    let os_user = os_account();
    let resolve = if host::is_shared() {
        identity::resolve_shared
    } else {
        identity::resolve
    };
    let mut first = None;
    for role in [Role::Maintainer, Role::Curator, Role::Annotator] {
        match resolve(
            &people,
            requested,
            config.identity.as_deref(),
            &os_user,
            role,
        ) {
            Ok(p) => return Ok(Some(p.clone())),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    // `--as` someone this account may not act as is refused, as every command refuses it.
    match (requested, first) {
        (Some(_), Some(e)) => Err(anyhow!(e)),
        _ => Ok(None),
    }
}

/// Whether the person running the command is a maintainer (for what only they may see).
pub fn viewer_is_maintainer(store: &Store, requested: Option<&str>) -> Result<bool> {
    Ok(viewer(store, requested)?.is_some_and(|p| p.roles.contains(&Role::Maintainer)))
}
