//! The host medcurate runs on: one person's own workspace, or a shared host where the binary
//! is installed setuid to a service account that alone can read the database.
//!
//! - **Single-user mode** (not setuid): the database is wherever `--db`, `MEDCURATE_DB` or
//!   the data directory says, and the file's owner can do anything with it.
//! - **Shared mode** (setuid): the database is the one the root-owned host config names; the
//!   person is the one bound to the real uid's account; the files a person names are opened
//!   with their own rights (`crate::files::user`). A database on PostgreSQL is reached with
//!   the password in the service's own file, which no person can read.

pub mod check;
pub mod config;
pub mod password;
pub mod setup;

use anyhow::{Result, bail};
use config::HostConfig;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone)]
pub enum Mode {
    Single,
    Shared(SharedHost),
}

/// A shared host as loaded: its config, and the database password read from the service's
/// file (kept out of `Debug`, which prints the config alone).
#[derive(Clone)]
pub struct SharedHost {
    pub config: HostConfig,
    password: Option<String>,
}

impl SharedHost {
    /// The host config at `path`, and the password its `database_password_file` holds, read
    /// with the process's rights (the service account's, when setuid).
    pub fn load(path: &Path, service_uid: u32) -> Result<SharedHost> {
        let config = config::load(path)?;
        let password = match &config.database_password_file {
            Some(file) => Some(
                password::read(file, &config.service_user, service_uid)
                    .map_err(|p| anyhow::anyhow!("{}; fix with: {}", p.what, p.fix))?,
            ),
            None => None,
        };
        Ok(SharedHost { config, password })
    }

    /// Where the store connects: the config's database, with the password added for a URL
    /// (`store::location::shown` hides it wherever the location is printed).
    pub fn database(&self) -> PathBuf {
        match &self.password {
            Some(pw) => crate::store::location::with_password(&self.config.database, pw),
            None => self.config.database.clone(),
        }
    }
}

impl std::fmt::Debug for SharedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedHost")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

static MODE: OnceLock<Mode> = OnceLock::new();

/// The mode `startup` found; single-user until then (library callers, tests).
pub fn mode() -> &'static Mode {
    MODE.get().unwrap_or(&Mode::Single)
}

pub fn is_shared() -> bool {
    matches!(mode(), Mode::Shared(_))
}

/// Runs first, while the process has one thread: makes sure stdin, stdout and stderr are
/// open (so the database can never be handed fd 2), fixes the umask and, when setuid, loads
/// the host config and keeps SQLite's temporary files out of directories the caller chose.
pub fn startup() -> Result<&'static Mode> {
    ensure_std_fds();
    crate::files::rights_startup();
    if !crate::files::is_setuid() {
        return Ok(MODE.get_or_init(|| Mode::Single));
    }
    let me = crate::os::account::effective();
    let path = config::path();
    let host = match SharedHost::load(&path, me.uid) {
        Ok(h) => h,
        Err(e) => bail!(
            "medcurate is installed setuid to the account {:?}, but {e:#}. \
             An administrator can set the host up with `medcurate host setup` and check it \
             with `medcurate host check` (as root).",
            me.name
        ),
    };
    if host.config.service_user != me.name {
        bail!(
            "medcurate runs as the account {:?}, but the host config {} names {:?} as the \
             service account; reinstall it with: install -o {} -m 4755 BINARY /usr/local/bin/medcurate",
            me.name,
            path.display(),
            host.config.service_user,
            host.config.service_user
        );
    }
    // SQLite puts sort and temp files in $SQLITE_TMPDIR or $TMPDIR, which the caller sets.
    // SAFETY: the process has one thread here; nothing reads the environment concurrently.
    unsafe {
        std::env::set_var("SQLITE_TMPDIR", &host.config.data_dir);
        std::env::set_var("TMPDIR", &host.config.data_dir);
    }
    Ok(MODE.get_or_init(|| Mode::Shared(host)))
}

/// The database to use: in shared mode the host's (and `--db` may only name that one, as the
/// host config writes it); in single-user mode `--db` / `MEDCURATE_DB`, else `default`.
pub fn database(
    requested: Option<PathBuf>,
    default: impl FnOnce() -> Result<PathBuf>,
) -> Result<PathBuf> {
    match mode() {
        Mode::Single => match requested {
            Some(p) => reach(&p),
            None => default(),
        },
        Mode::Shared(host) => {
            if let Some(p) = requested
                && !same_file(&p, &host.config.database)
            {
                bail!(
                    "on this shared host the database is {} (set by the host config); --db and \
                     MEDCURATE_DB cannot name another file ({} was given)",
                    crate::store::location::shown(&host.config.database),
                    crate::store::location::shown(&p)
                );
            }
            Ok(host.database())
        }
    }
}

/// A database named on the command line, as the store is to reach it: the host's own
/// database (as the host config writes it) is reached with the host's password, through the
/// installed program and by the service account itself (`sudo -u SERVICE medcurate db copy
/// --from URL ...`); anything else as it is.
pub fn reach(location: &Path) -> Result<PathBuf> {
    match mode() {
        Mode::Shared(host) if same_file(location, &host.config.database) => Ok(host.database()),
        Mode::Shared(_) => Ok(location.to_path_buf()),
        Mode::Single => as_the_service(location),
    }
}

/// Not setuid: only the service account, naming its host's PostgreSQL database, is given the
/// password (read with its own rights); everyone else's URL is theirs to complete.
fn as_the_service(location: &Path) -> Result<PathBuf> {
    let unchanged = Ok(location.to_path_buf());
    if crate::store::location::postgres_url(location).is_none() {
        return unchanged;
    }
    let path = config::path();
    let Ok(host) = config::load(&path) else {
        return unchanged; // no shared host here
    };
    let me = crate::os::account::effective();
    if host.service_user != me.name
        || host.database_password_file.is_none()
        || !same_file(location, &host.database)
    {
        return unchanged;
    }
    Ok(SharedHost::load(&path, me.uid)?.database())
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
}

/// Makes sure fds 0-2 are open: a setuid program started with one of them closed would
/// otherwise open the database there, and the next error message would land in it.
fn ensure_std_fds() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only asks whether the descriptor is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            // SAFETY: opening /dev/null takes the lowest free descriptor, which is `fd`.
            unsafe {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
}
