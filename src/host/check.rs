//! `medcurate host check`: every problem of a shared host's installation, each with the
//! command that fixes it.

use super::config::{self, HostConfig};
use super::password;
use crate::domain::people::Role;
use crate::files::{self, service};
use crate::os::account::{self, Account};
use crate::store::db::Connection;
use crate::store::{Store, location};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub fix: String,
}

fn problem(what: impl Into<String>, fix: impl Into<String>) -> Problem {
    Problem {
        what: what.into(),
        fix: fix.into(),
    }
}

/// What `host check` found: the problems, and what it could see of a sound database.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// What was reached, e.g. the database and its schema version (only as root).
    pub found: Vec<String>,
}

/// Checks the installation described by the host config at `config_path`, with `binary`
/// as the installed program.
pub fn check(config_path: &Path, binary: &Path) -> Report {
    let mut report = Report::default();
    report.problems = check_into(config_path, binary, &mut report.found);
    report
}

fn check_into(config_path: &Path, binary: &Path, found: &mut Vec<String>) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Err(why) = config::trusted(config_path) {
        out.push(problem(
            format!("the host config {} {why}", config_path.display()),
            if why == "does not exist" {
                "medcurate host setup --service-user medcurate --data-dir /var/lib/medcurate --admin ACCOUNT (as root)".to_string()
            } else {
                format!("chown root:root {0} && chmod 644 {0}", config_path.display())
            },
        ));
        if why == "does not exist" {
            return out;
        }
    }
    let host = match config::load(config_path) {
        Ok(h) => h,
        Err(e) => {
            if out.is_empty() {
                out.push(problem(
                    format!("{e:#}"),
                    format!(
                        "rewrite it with medcurate host setup, or fix {}",
                        config_path.display()
                    ),
                ));
            }
            return out;
        }
    };
    let Some(svc) = account::by_name(&host.service_user) else {
        out.push(problem(
            format!("the service account {} does not exist", host.service_user),
            format!(
                "useradd --system --user-group --no-create-home --shell /usr/sbin/nologin {}",
                host.service_user
            ),
        ));
        return out;
    };
    check_binary(binary, &host, svc.uid, &mut out);
    check_private(&host.data_dir, true, &host, svc.uid, &mut out);
    if location::postgres_url(&host.database).is_some() {
        check_postgres(&host, &svc, config_path, &mut out, found);
        return out;
    }
    if !service::exists(&host.database) {
        out.push(problem(
            format!("there is no database at {}", host.database.display()),
            setup_line(&host),
        ));
        return out;
    }
    check_private(&host.database, false, &host, svc.uid, &mut out);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = host.database.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if let Ok(m) = service::symlink_metadata(&p) {
            if m.uid() != svc.uid {
                let owner = account::by_uid(m.uid())
                    .map(|a| a.name)
                    .unwrap_or_else(|| format!("uid {}", m.uid()));
                out.push(problem(
                    format!(
                        "{} is owned by {owner}, not {}: a stale file left by medcurate run as {owner}; \
                         the service account cannot write it",
                        p.display(),
                        host.service_user
                    ),
                    format!("chown {0}:{0} {1}", host.service_user, p.display()),
                ));
            } else if m.mode() & 0o077 != 0 {
                out.push(problem(
                    format!(
                        "{} can be read by others (mode {:o})",
                        p.display(),
                        m.mode() & 0o777
                    ),
                    format!("chmod 600 {}", p.display()),
                ));
            }
        }
    }
    if out.is_empty() {
        let restore = "restore it from the last backup (sqlite3 BACKUP.db \"VACUUM INTO '...'\")";
        check_workspace(&host, &host.database, &svc, restore, &mut out, found);
    }
    out
}

/// A database on PostgreSQL: the password file (the service's alone), then, when nothing
/// else is wrong, the server reached with it as the service account and the workspace there.
fn check_postgres(
    host: &HostConfig,
    svc: &Account,
    config_path: &Path,
    out: &mut Vec<Problem>,
    found: &mut Vec<String>,
) {
    let shown = location::shown(&host.database);
    let password = match &host.database_password_file {
        None => Some(None),
        Some(file) => match as_service(svc, || password::read(file, &host.service_user, svc.uid)) {
            Some(Ok(pw)) => Some(Some(pw)),
            Some(Err(p)) => {
                out.push(p);
                None
            }
            None => None, // not root: the file stays closed to this check
        },
    };
    let Some(password) = password else { return };
    if !out.is_empty() {
        return;
    }
    let reached: PathBuf = match &password {
        Some(pw) => location::with_password(&host.database, pw),
        None => host.database.clone(),
    };
    let url = location::postgres_url(&reached)
        .unwrap_or_default()
        .to_string();
    let connected = as_service(svc, || Connection::connect_postgres(&url).map(drop));
    if let Some(Err(e)) = connected {
        let credentials = match &host.database_password_file {
            Some(file) => format!("the password in {}", file.display()),
            None => "the server's pg_hba.conf (the URL has no password)".to_string(),
        };
        out.push(problem(
            format!("the database {shown} cannot be reached: {e}"),
            format!(
                "check that the server is running and accepts the service account's connection: \
                 the URL in {}, {credentials}",
                config_path.display()
            ),
        ));
        return;
    }
    check_workspace(host, &reached, svc, &setup_line(host), out, found);
}

/// The `host setup` command that makes (or repairs) this host's database and first maintainer.
fn setup_line(host: &HostConfig) -> String {
    let database = match location::postgres_url(&host.database) {
        // The config holds no password, so the URL is shown as it is.
        Some(_) => format!(" --database '{}'", location::shown(&host.database)),
        None => String::new(),
    };
    let password_file = host
        .database_password_file
        .as_ref()
        .map(|p| format!(" --database-password-file {}", p.display()))
        .unwrap_or_default();
    format!(
        "medcurate host setup --service-user {} --data-dir {}{database}{password_file} --admin ACCOUNT (as root)",
        host.service_user,
        host.data_dir.display()
    )
}

/// Runs `f` as the service account: directly through the installed (setuid) program, by
/// switching as root; `None` for anyone else, to whom the service's files stay closed.
fn as_service<T>(svc: &Account, f: impl FnOnce() -> T) -> Option<T> {
    if account::effective().uid == svc.uid {
        return Some(f());
    }
    files::as_account(svc.uid, svc.gid, f).ok()
}

fn check_binary(binary: &Path, host: &HostConfig, svc_uid: u32, out: &mut Vec<Problem>) {
    let Ok(m) = service::metadata(binary) else {
        out.push(problem(
            format!("the program {} cannot be found", binary.display()),
            "give the installed program with --binary PATH".to_string(),
        ));
        return;
    };
    let shown = binary.display();
    if m.uid() != svc_uid {
        let owner = account::by_uid(m.uid())
            .map(|a| a.name)
            .unwrap_or_else(|| format!("uid {}", m.uid()));
        out.push(problem(
            format!(
                "the program {shown} is owned by {owner}, not the service account {}",
                host.service_user
            ),
            format!("chown {} {shown} && chmod 4755 {shown}", host.service_user),
        ));
    }
    if m.mode() & 0o4000 == 0 {
        out.push(problem(
            format!(
                "the program {shown} is not setuid, so people would open the database with their own rights (and cannot)"
            ),
            format!("chmod 4755 {shown}"),
        ));
    }
    if m.mode() & 0o022 != 0 {
        out.push(problem(
            format!(
                "the program {shown} can be changed by others (mode {:o})",
                m.mode() & 0o7777
            ),
            format!("chmod go-w {shown}"),
        ));
    }
}

/// The data directory (0700) or the database (0600): the service account's, closed to others.
fn check_private(path: &Path, dir: bool, host: &HostConfig, svc_uid: u32, out: &mut Vec<Problem>) {
    let shown = path.display();
    let Ok(m) = service::symlink_metadata(path) else {
        out.push(problem(format!("{shown} does not exist"), setup_line(host)));
        return;
    };
    if m.file_type().is_symlink() {
        out.push(problem(
            format!(
                "{shown} is a symbolic link; it must be the real {}",
                if dir { "directory" } else { "file" }
            ),
            format!(
                "replace the link {shown} with the {} itself",
                if dir { "directory" } else { "file" }
            ),
        ));
        return;
    }
    if m.uid() != svc_uid {
        out.push(problem(
            format!(
                "{shown} is not owned by the service account {}",
                host.service_user
            ),
            format!("chown {0}:{0} {1}", host.service_user, shown),
        ));
    }
    if m.mode() & 0o077 != 0 {
        out.push(problem(
            format!(
                "{shown} can be {} by others (mode {:o}); people could read reviews directly",
                if dir { "entered" } else { "read" },
                m.mode() & 0o777
            ),
            format!("chmod {} {shown}", if dir { "700" } else { "600" }),
        ));
    }
}

/// The workspace at `db`, opened as the service account: its schema version, and a maintainer
/// bound to an existing account. `reopen` is the fix when it cannot be opened.
fn check_workspace(
    host: &HostConfig,
    db: &Path,
    svc: &Account,
    reopen: &str,
    out: &mut Vec<Problem>,
    found: &mut Vec<String>,
) {
    let opened = || -> anyhow::Result<(i64, Vec<String>)> {
        let store = Store::open_existing(db)?;
        let bound = store
            .people()?
            .into_iter()
            .filter(|p| p.roles.contains(&Role::Maintainer))
            .filter_map(|p| p.os_user)
            .filter(|u| account::by_name(u).is_some())
            .collect();
        Ok((store.schema_version()?, bound))
    };
    match as_service(svc, opened) {
        Some(Ok((_, bound))) if bound.is_empty() => out.push(problem(
            "no maintainer is bound to an existing OS account, so nobody can manage people",
            setup_line(host),
        )),
        Some(Ok((version, bound))) => found.push(format!(
            "the database {} opens as {}: schema version {version}, maintainer(s) {}",
            location::shown(&host.database),
            host.service_user,
            bound.join(", ")
        )),
        Some(Err(e)) => out.push(problem(
            format!("the database cannot be opened: {e:#}"),
            reopen.to_string(),
        )),
        None => {} // not root: the database stays closed to this check
    }
}
