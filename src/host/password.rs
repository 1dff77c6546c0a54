//! The password of a shared host's PostgreSQL database: the first line of a file only the
//! service account can read (the host config, which everyone can read, names the file). It
//! is read with the rights the process runs under, which on the host are the service's.

use super::check::Problem;
use crate::files::service;
use crate::os::account;
use std::fs::Metadata;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// More than any password; a larger file is not one.
const MAX_LEN: u64 = 4096;

/// The password in `path`, once the file is a regular file of the service account's, mode
/// 0600 or 0400; otherwise what is wrong with it and the command that fixes it.
pub fn read(path: &Path, service_user: &str, service_uid: u32) -> Result<String, Problem> {
    let shown = path.display();
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => Problem {
            what: format!("the database password file {shown} does not exist"),
            fix: format!(
                "write the database password on the first line of {shown}, then: \
                 chown {service_user}:{service_user} {shown} && chmod 600 {shown}"
            ),
        },
        _ if e.raw_os_error() == Some(libc::ELOOP) => symlink(path),
        _ => Problem {
            what: format!(
                "the database password file {shown} cannot be read by the service account \
                 {service_user} ({e})"
            ),
            fix: format!(
                "chown {service_user}:{service_user} {shown} && chmod 600 {shown}, in a \
                 directory {service_user} can enter"
            ),
        },
    };
    let entry = service::symlink_metadata(path).map_err(unreadable)?;
    if entry.file_type().is_symlink() {
        return Err(symlink(path));
    }
    private(path, &entry, service_user, service_uid)?;
    // The checks again on the file as opened, so a file swapped in between is not read.
    let mut file = service::open_no_follow(path).map_err(unreadable)?;
    let opened = file.metadata().map_err(unreadable)?;
    private(path, &opened, service_user, service_uid)?;
    let mut text = String::new();
    (&mut file)
        .take(MAX_LEN)
        .read_to_string(&mut text)
        .map_err(|e| Problem {
            what: format!("the database password file {shown} is not text ({e})"),
            fix: format!("write the database password on the first line of {shown}"),
        })?;
    let password = text.lines().next().unwrap_or("").trim();
    if password.is_empty() {
        return Err(Problem {
            what: format!("the database password file {shown} has no password on its first line"),
            fix: format!("write the database password on the first line of {shown}"),
        });
    }
    Ok(password.to_string())
}

fn symlink(path: &Path) -> Problem {
    Problem {
        what: format!(
            "the database password file {} is a symbolic link; it must be the file itself",
            path.display()
        ),
        fix: format!(
            "replace the link {} with the file it points to",
            path.display()
        ),
    }
}

/// A regular file, the service account's, that nobody else can read or write.
fn private(path: &Path, m: &Metadata, service_user: &str, service_uid: u32) -> Result<(), Problem> {
    let shown = path.display();
    if !m.is_file() {
        return Err(Problem {
            what: format!("the database password file {shown} is not a regular file"),
            fix: format!("make {shown} a file holding the database password on its first line"),
        });
    }
    if m.uid() != service_uid {
        let owner = account::by_uid(m.uid())
            .map(|a| a.name)
            .unwrap_or_else(|| format!("uid {}", m.uid()));
        return Err(Problem {
            what: format!(
                "the database password file {shown} is owned by {owner}, not the service \
                 account {service_user}"
            ),
            fix: format!("chown {service_user}:{service_user} {shown} && chmod 600 {shown}"),
        });
    }
    let mode = m.mode() & 0o7777;
    if mode != 0o600 && mode != 0o400 {
        let what = if mode & 0o077 != 0 {
            format!(
                "the database password file {shown} is open to others (mode {mode:o}); whoever \
                 reads it can connect to the database past medcurate"
            )
        } else {
            format!("the database password file {shown} has mode {mode:o}, not 600 or 400")
        };
        return Err(Problem {
            what,
            fix: format!("chmod 600 {shown}"),
        });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // the files under test are written directly
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file(dir: &Path, name: &str, text: &str, mode: u32) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn only_a_private_file_of_the_service_gives_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: geteuid only reads the process's credentials.
        let me = unsafe { libc::geteuid() };
        let read = |p: &Path| read(p, "svc", me);
        let good = file(dir.path(), "pw", "  s3cret \nsecond line\n", 0o600);
        assert_eq!(read(&good).unwrap(), "s3cret");
        let ro = file(dir.path(), "ro", "s3cret", 0o400);
        assert_eq!(read(&ro).unwrap(), "s3cret");

        let open = file(dir.path(), "open", "s3cret\n", 0o644);
        let p = read(&open).unwrap_err();
        let shown = open.display();
        assert_eq!(
            p.what,
            format!(
                "the database password file {shown} is open to others (mode 644); whoever reads \
                 it can connect to the database past medcurate"
            )
        );
        assert_eq!(p.fix, format!("chmod 600 {shown}"));
        let odd = file(dir.path(), "odd", "s3cret\n", 0o700);
        assert_eq!(
            read(&odd).unwrap_err().what,
            format!(
                "the database password file {} has mode 700, not 600 or 400",
                odd.display()
            )
        );

        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&good, &link).unwrap();
        let p = read(&link).unwrap_err();
        assert!(
            p.what
                .ends_with("is a symbolic link; it must be the file itself"),
            "{p:?}"
        );

        let empty = file(dir.path(), "empty", "\nsecond\n", 0o600);
        assert_eq!(
            read(&empty).unwrap_err().what,
            format!(
                "the database password file {} has no password on its first line",
                empty.display()
            )
        );
        let missing = dir.path().join("missing");
        let p = read(&missing).unwrap_err();
        assert_eq!(
            p.fix,
            format!(
                "write the database password on the first line of {0}, then: chown svc:svc {0} && chmod 600 {0}",
                missing.display()
            )
        );
        assert_eq!(
            read(dir.path()).unwrap_err().what,
            format!(
                "the database password file {} is not a regular file",
                dir.path().display()
            )
        );
        // Someone else's file, however closed.
        let p = super::read(&good, "svc", me + 1).unwrap_err();
        assert!(p.what.contains("not the service account svc"), "{p:?}");
        assert_eq!(
            p.fix,
            format!("chown svc:svc {0} && chmod 600 {0}", good.display())
        );
    }
}
