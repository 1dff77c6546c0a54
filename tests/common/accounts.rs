//! A shared host in a temporary directory, for tests that need root: real OS accounts made
//! with `useradd`, the binary installed setuid to a service account by `medcurate host
//! setup` and `install`, commands run as each account. Everything (accounts, their groups,
//! the directory) goes away when the [`Host`] is dropped, also when a test fails.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly
#![allow(dead_code)] // each test uses its own part

use std::ffi::OsStr;
use std::os::unix::fs::{PermissionsExt, chown};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

/// What a test prints, once, when it cannot run; CI looks for this line.
pub const SKIPPED: &str = "skipped: shared-host tests need root";

/// True (after printing [`SKIPPED`]) when the process is not root.
pub fn skip_unless_root() -> bool {
    // SAFETY: geteuid only reads the process's credentials.
    if unsafe { libc::geteuid() } != 0 {
        // Straight to the process's stderr: the harness would capture eprintln! and CI
        // looks for this line.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "{SKIPPED} (useradd, setuid install)");
        return true;
    }
    false
}

/// useradd and userdel lock /etc/passwd; tests in one process take turns.
static PASSWD: Mutex<()> = Mutex::new(());

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An ordinary OS account made for the test, with its own home directory (0700).
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
    /// The person bound to it, if any.
    pub person: Option<String>,
}

/// A unique, short prefix for this host's account names: `mct` and 8 hex digits.
fn prefix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("mct{:08x}", h.finish() as u32)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ids_of(name: &str) -> Option<(u32, u32)> {
    let out = Command::new("id").arg("-u").arg(name).output().ok()?;
    let uid = text(&out.stdout).trim().parse().ok()?;
    let out = Command::new("id").arg("-g").arg(name).output().ok()?;
    let gid = text(&out.stdout).trim().parse().ok()?;
    Some((uid, gid))
}

/// Runs a root command that must succeed.
pub fn root(program: &str, args: &[&dyn AsRef<OsStr>]) -> Output {
    let out = Command::new(program)
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {:?}: {}{}",
        args.iter().map(|a| a.as_ref()).collect::<Vec<_>>(),
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// One installation: a root-owned directory (0755) holding `bin/medcurate` (setuid to the
/// service account), `etc/host.toml`, the data directory `data/` and the accounts' homes.
pub struct Host {
    pub dir: PathBuf,
    pub service_user: String,
    pub service_uid: u32,
    pub binary: PathBuf,
    pub config: PathBuf,
    pub data_dir: PathBuf,
    /// The database: a file in `data_dir`, or a PostgreSQL URL (see [`Host::on_postgres`]).
    pub db: PathBuf,
    /// The file holding the PostgreSQL database's password, if any: `etc/db-password`.
    pub password_file: Option<PathBuf>,
    /// The first maintainer (person `ops`).
    pub admin: Account,
    pub accounts: Vec<Account>,
    /// What `host setup` printed.
    pub setup_output: String,
    /// Every account name this host may have made, for clean-up.
    made: Vec<String>,
}

impl Host {
    /// A host whose first maintainer `ops` is bound to a fresh account, and one more account
    /// for each `(tag, person, roles)`: bound to `person` with `roles` (comma-separated), or
    /// to nobody when `person` is empty.
    pub fn new(people: &[(&str, &str, &str)]) -> Host {
        Host::set_up(people, None, "ops")
    }

    /// The same host with its database on PostgreSQL at `url` (no password in it), reached
    /// with `password`, which root writes to `etc/db-password` for `host setup` to hand over.
    pub fn on_postgres(people: &[(&str, &str, &str)], url: &str, password: &str) -> Host {
        Host::set_up(people, Some((url, password)), "ops")
    }

    /// Another installation on the database of `on_postgres`, its own accounts, service
    /// account and host config, its first maintainer the person `admin`.
    pub fn joining_postgres(
        people: &[(&str, &str, &str)],
        url: &str,
        password: &str,
        admin: &str,
    ) -> Host {
        Host::set_up(people, Some((url, password)), admin)
    }

    fn set_up(people: &[(&str, &str, &str)], postgres: Option<(&str, &str)>, admin: &str) -> Host {
        let tmp = tempfile::Builder::new()
            .prefix("medcurate-host-")
            .tempdir()
            .unwrap();
        let dir = tmp.keep();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = prefix();
        let service_user = format!("{p}svc");
        let mut host = Host {
            binary: dir.join("bin/medcurate"),
            config: dir.join("etc/host.toml"),
            data_dir: dir.join("data"),
            db: match postgres {
                Some((url, _)) => PathBuf::from(url),
                None => dir.join("data/medcurate.db"),
            },
            password_file: postgres.map(|_| dir.join("etc/db-password")),
            dir,
            service_user: service_user.clone(),
            service_uid: 0,
            admin: Account {
                name: String::new(),
                uid: 0,
                gid: 0,
                home: PathBuf::new(),
                person: None,
            },
            accounts: Vec::new(),
            setup_output: String::new(),
            made: vec![service_user],
        };
        std::fs::create_dir(host.dir.join("home")).unwrap();
        std::fs::set_permissions(
            host.dir.join("home"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        host.admin = host.add_account(&format!("{p}ops"), Some(admin));
        let mut setup = Command::new(env!("CARGO_BIN_EXE_medcurate"));
        setup
            .args(["host", "setup", "--service-user", &host.service_user])
            .arg("--data-dir")
            .arg(&host.data_dir)
            .args(["--admin", &host.admin.name, "--admin-id", admin])
            .arg("--config")
            .arg(&host.config);
        if let (Some((url, password)), Some(file)) = (postgres, &host.password_file) {
            std::fs::create_dir(host.dir.join("etc")).unwrap();
            std::fs::set_permissions(host.dir.join("etc"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            host.write_owned(file, &format!("{password}\n"), 0, 0o600);
            setup
                .args(["--database", url])
                .arg("--database-password-file")
                .arg(file);
        }
        let out = setup
            .env_remove("MEDCURATE_DB")
            .env_remove("MEDCURATE_HOST_CONFIG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "host setup: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        host.setup_output = text(&out.stdout);
        host.service_uid = ids_of(&host.service_user)
            .expect("host setup made the service account")
            .0;
        std::fs::create_dir(host.dir.join("bin")).unwrap();
        std::fs::set_permissions(host.dir.join("bin"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        root(
            "install",
            &[
                &"-o",
                &host.service_user,
                &"-g",
                &"root",
                &"-m",
                &"4755",
                &env!("CARGO_BIN_EXE_medcurate"),
                &host.binary,
            ],
        );
        for (tag, person, roles) in people {
            let bound = (!person.is_empty()).then_some(*person);
            let account = host.add_account(&format!("{p}{tag}"), bound);
            if let Some(person) = bound {
                let mut args = vec!["people", "add", person, "--name", person];
                for r in roles.split(',') {
                    args.extend(["--role", r]);
                }
                args.extend(["--os-user", &account.name]);
                let admin = host.admin.clone();
                host.ok(&admin, &args);
            }
            host.accounts.push(account);
        }
        host
    }

    /// `host check` of `config` as root with the development binary (not setuid): its exit
    /// code and everything it printed.
    pub fn check(&self, config: &Path) -> (Option<i32>, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_medcurate"))
            .args(["host", "check", "--binary"])
            .arg(&self.binary)
            .arg("--config")
            .arg(config)
            .env_remove("MEDCURATE_HOST_CONFIG")
            .env_remove("MEDCURATE_DB")
            .output()
            .unwrap();
        (out.status.code(), text(&out.stdout) + &text(&out.stderr))
    }

    /// The service account, to run programs as it.
    pub fn service_account(&self) -> Account {
        let (uid, gid) = ids_of(&self.service_user).expect("the service account exists");
        Account {
            name: self.service_user.clone(),
            uid,
            gid,
            home: self.data_dir.clone(),
            person: None,
        }
    }

    /// The account made for `tag` (see [`Host::new`]).
    pub fn account(&self, tag: &str) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.name.ends_with(tag) && a.name.len() == 11 + tag.len())
            .unwrap_or_else(|| panic!("no account {tag}"))
    }

    fn add_account(&mut self, name: &str, person: Option<&str>) -> Account {
        self.made.push(name.to_string());
        let home = self.dir.join("home").join(name);
        {
            let _turn = PASSWD.lock().unwrap_or_else(|e| e.into_inner());
            root(
                "useradd",
                &[
                    &"--no-create-home",
                    &"--home-dir",
                    &home,
                    &"--shell",
                    &"/bin/false",
                    &"--user-group",
                    &name,
                ],
            );
        }
        let (uid, gid) = ids_of(name).expect("useradd made the account");
        std::fs::create_dir(&home).unwrap();
        chown(&home, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
        Account {
            name: name.to_string(),
            uid,
            gid,
            home,
            person: person.map(str::to_string),
        }
    }

    /// A command as `who` with a clean environment (their home, the host config, their
    /// own config file), in their home directory.
    pub fn command_as(&self, who: &Account, program: impl AsRef<OsStr>) -> Command {
        let mut c = Command::new(program);
        c.uid(who.uid)
            .gid(who.gid)
            .env_clear()
            .env("PATH", PATH)
            .env("HOME", &who.home)
            .env("MEDCURATE_HOST_CONFIG", &self.config)
            .env("MEDCURATE_CONFIG", who.home.join("config.toml"))
            .current_dir(&who.home)
            .stdin(Stdio::null());
        c
    }

    /// The installed medcurate as `who`.
    pub fn run(&self, who: &Account, args: &[&str]) -> Output {
        self.command_as(who, &self.binary)
            .args(args)
            .output()
            .unwrap()
    }

    /// Standard output of a command that must succeed.
    pub fn ok(&self, who: &Account, args: &[&str]) -> String {
        let out = self.run(who, args);
        assert!(
            out.status.success(),
            "{} {args:?}: {}{}",
            who.name,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// Standard error of a command that must fail with exit code 1.
    pub fn err(&self, who: &Account, args: &[&str]) -> String {
        let out = self.run(who, args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{} {args:?} should fail: {}{}",
            who.name,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stderr)
    }

    /// Any program as `who`: (exit code, stdout, stderr).
    pub fn sh(
        &self,
        who: &Account,
        program: &str,
        args: &[&dyn AsRef<OsStr>],
    ) -> (i32, String, String) {
        let out = self
            .command_as(who, program)
            .args(args.iter().map(|a| a.as_ref()))
            .output()
            .unwrap_or_else(|e| panic!("running {program}: {e}"));
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
        )
    }

    /// Writes `path` as root, then hands it to `uid` with `mode`.
    pub fn write_owned(&self, path: &Path, contents: &str, uid: u32, mode: u32) {
        std::fs::write(path, contents).unwrap();
        chown(path, Some(uid), None).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Writes a file in `who`'s home, theirs (0644), and returns its path.
    pub fn write_home(&self, who: &Account, name: &str, contents: &str) -> PathBuf {
        let path = who.home.join(name);
        std::fs::write(&path, contents).unwrap();
        chown(&path, Some(who.uid), Some(who.gid)).unwrap();
        path
    }

    /// The database as it stands, copied aside while no medcurate runs (so root never opens
    /// the live file and leaves root-owned -wal/-shm files beside it).
    pub fn database_copy(&self) -> rusqlite::Connection {
        let copy = self.dir.join("inspect.db");
        for suffix in ["", "-wal"] {
            let mut from = self.db.as_os_str().to_owned();
            from.push(suffix);
            let mut to = copy.as_os_str().to_owned();
            to.push(suffix);
            let _ = std::fs::remove_file(&to);
            if Path::new(&from).exists() {
                std::fs::copy(&from, &to).unwrap();
            }
        }
        rusqlite::Connection::open(&copy).unwrap()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _turn = PASSWD.lock().unwrap_or_else(|e| e.into_inner());
        for name in &self.made {
            if ids_of(name).is_some() {
                let _ = Command::new("userdel").arg(name).output();
            }
            // The private group goes with the account; one left behind goes now.
            let _ = Command::new("groupdel")
                .arg(name)
                .stderr(Stdio::null())
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
