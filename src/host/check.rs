//! `medcurate host check`: every problem of a shared host's installation, each with the
//! command that fixes it.

use super::config::{self, HostConfig};
use crate::domain::people::Role;
use crate::files::{self, service};
use crate::os::account;
use crate::store::Store;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

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

/// Checks the installation described by the host config at `config_path`, with `binary`
/// as the installed program.
pub fn check(config_path: &Path, binary: &Path) -> Vec<Problem> {
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
    if !service::exists(&host.database) {
        out.push(problem(
            format!("there is no database at {}", host.database.display()),
            format!(
                "medcurate host setup --service-user {} --data-dir {} --admin ACCOUNT (as root)",
                host.service_user,
                host.data_dir.display()
            ),
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
        check_maintainers(&host, svc.uid, svc.gid, &mut out);
    }
    out
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
        out.push(problem(
            format!("{shown} does not exist"),
            format!(
                "medcurate host setup --service-user {} --data-dir {} --admin ACCOUNT (as root)",
                host.service_user,
                host.data_dir.display()
            ),
        ));
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

fn check_maintainers(host: &HostConfig, uid: u32, gid: u32, out: &mut Vec<Problem>) {
    let bound = || -> anyhow::Result<Vec<String>> {
        let store = Store::open_existing(&host.database)?;
        Ok(store
            .people()?
            .into_iter()
            .filter(|p| p.roles.contains(&Role::Maintainer))
            .filter_map(|p| p.os_user)
            .filter(|u| account::by_name(u).is_some())
            .collect())
    };
    // Through the installed (setuid) program the process already is the service account.
    let result = if account::effective().uid == uid {
        Ok(bound())
    } else {
        files::as_account(uid, gid, bound)
    };
    match result {
        Ok(Ok(bound)) if bound.is_empty() => out.push(problem(
            "no maintainer is bound to an existing OS account, so nobody can manage people",
            format!(
                "medcurate host setup --service-user {} --data-dir {} --admin ACCOUNT (as root)",
                host.service_user,
                host.data_dir.display()
            ),
        )),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => out.push(problem(
            format!("the database cannot be opened: {e:#}"),
            "restore it from the last backup (sqlite3 BACKUP.db \"VACUUM INTO '...'\")".to_string(),
        )),
        Err(_) => {} // not root: the database stays closed to this check
    }
}
