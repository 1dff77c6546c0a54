//! `medcurate host setup`: the service account, its data directory and database, the host
//! config and the first maintainer, as root in one command.

use super::config::{self, HostConfig};
use super::password;
use crate::domain::people::{Person, Role, check_person_id};
use crate::files::{self, service};
use crate::os::account::{self, Account};
use crate::store::{Store, location};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SetupOptions {
    pub service_user: String,
    pub data_dir: PathBuf,
    /// The OS account of the first maintainer.
    pub admin: String,
    /// Their person id (default: the account name).
    pub admin_id: Option<String>,
    pub config_path: PathBuf,
    /// A PostgreSQL database (a URL without a password) instead of a file in `data_dir`.
    pub database: Option<PathBuf>,
    /// The file holding that database's password, handed to the service account (0600).
    pub database_password_file: Option<PathBuf>,
}

/// What setup did, line by line, and the install command still to run.
pub struct SetupReport {
    pub done: Vec<String>,
    pub install_line: String,
    pub config: HostConfig,
}

pub fn setup(opts: &SetupOptions, binary: &Path) -> Result<SetupReport> {
    if account::real().uid != 0 || files::is_setuid() {
        bail!(
            "host setup must run as root (e.g. sudo medcurate host setup ...), not through the installed binary"
        );
    }
    let Some(admin) = account::by_name(&opts.admin) else {
        bail!(
            "there is no OS account {:?} for the first maintainer; create it first (useradd {})",
            opts.admin,
            opts.admin
        );
    };
    let admin_id = opts.admin_id.clone().unwrap_or_else(|| opts.admin.clone());
    check_person_id(&admin_id).map_err(anyhow::Error::msg)?;
    if !opts.data_dir.is_absolute() {
        bail!("--data-dir must be an absolute path, e.g. /var/lib/medcurate");
    }
    let mut host = HostConfig::new(&opts.service_user, &opts.data_dir);
    if let Some(db) = &opts.database {
        if location::postgres_url(db).is_none() {
            bail!(
                "--database takes a postgres:// URL (a database file is always {} in the data directory)",
                host.database.display()
            );
        }
        host.database = db.clone();
        host.database_password_file = opts.database_password_file.clone();
    } else if opts.database_password_file.is_some() {
        bail!("--database-password-file goes with --database postgres://...");
    }
    if let Some(why) = host.refusal() {
        bail!("cannot write this host config: {why}");
    }
    let mut done = Vec::new();
    let service_account = match account::by_name(&opts.service_user) {
        Some(a) => {
            done.push(format!("service account {} exists (uid {})", a.name, a.uid));
            a
        }
        None => {
            create_service_account(&opts.service_user, &opts.data_dir)?;
            let a = account::by_name(&opts.service_user).with_context(|| {
                format!(
                    "useradd reported success but {} is not there",
                    opts.service_user
                )
            })?;
            done.push(format!(
                "created the service account {} (uid {})",
                a.name, a.uid
            ));
            a
        }
    };
    if service_account.uid == 0 {
        bail!("the service account must not be root; name an unprivileged account");
    }
    if service_account.uid == admin.uid {
        bail!("the first maintainer's account cannot be the service account");
    }

    if let Some(parent) = opts.data_dir.parent() {
        service::create_dir_all(parent, 0o755)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    service::create_dir_all(&opts.data_dir, 0o700)
        .with_context(|| format!("creating {}", opts.data_dir.display()))?;
    service::chown(&opts.data_dir, service_account.uid, service_account.gid).with_context(
        || {
            format!(
                "handing {} to {}",
                opts.data_dir.display(),
                opts.service_user
            )
        },
    )?;
    service::set_mode(&opts.data_dir, 0o700)?;
    done.push(format!(
        "{} is {}'s alone (0700)",
        opts.data_dir.display(),
        opts.service_user
    ));

    if let Some(file) = &host.database_password_file {
        hand_over(file, &service_account)?;
        done.push(format!(
            "database password file {} is {}'s alone (0600)",
            file.display(),
            opts.service_user
        ));
    }
    let added = files::as_account(service_account.uid, service_account.gid, || {
        // Read as the service will read it, with its checks.
        let db = match &host.database_password_file {
            Some(file) => location::with_password(
                &host.database,
                &password::read(file, &service_account.name, service_account.uid)
                    .map_err(|p| anyhow::anyhow!("{}; fix with: {}", p.what, p.fix))?,
            ),
            None => host.database.clone(),
        };
        first_maintainer(&db, &admin, &admin_id)
    })
    .context("opening the database as the service account")??;
    if location::postgres_url(&host.database).is_some() {
        done.push(format!(
            "database {} (schema ready)",
            location::shown(&host.database)
        ));
    } else {
        service::set_mode(&host.database, 0o600)?;
        done.push(format!(
            "database {} (schema ready, mode 0600)",
            host.database.display()
        ));
    }
    done.push(added);

    if let Some(dir) = opts.config_path.parent() {
        service::create_dir_all(dir, 0o755)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    service::write_replacing(&opts.config_path, host.to_toml().as_bytes(), 0o644)
        .with_context(|| format!("writing {}", opts.config_path.display()))?;
    service::chown(&opts.config_path, 0, 0)?;
    done.push(format!(
        "host config {} (root's, 0644)",
        opts.config_path.display()
    ));

    let install_line = format!(
        "install -o {} -g root -m 4755 {} /usr/local/bin/medcurate",
        opts.service_user,
        binary.display()
    );
    Ok(SetupReport {
        done,
        install_line,
        config: host,
    })
}

/// Makes the password file the service account's alone (0600); it must be there already,
/// written by root, and be a regular file (not a link to one elsewhere).
fn hand_over(file: &Path, service: &Account) -> Result<()> {
    let shown = file.display();
    let meta = service::symlink_metadata(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "the database password file {shown} does not exist; write the database password on \
             its first line first (as root), then run host setup again"
        ),
        _ => anyhow::anyhow!("the database password file {shown} cannot be read ({e})"),
    })?;
    if !meta.file_type().is_file() {
        bail!(
            "the database password file {shown} is not a regular file; name the file itself, \
             holding the database password on its first line"
        );
    }
    service::chown(file, service.uid, service.gid)
        .with_context(|| format!("handing {shown} to {}", service.name))?;
    service::set_mode(file, 0o600).with_context(|| format!("making {shown} mode 0600"))?;
    Ok(())
}

fn create_service_account(name: &str, home: &Path) -> Result<()> {
    let shell = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false"]
        .into_iter()
        .find(|s| service::exists(Path::new(s)))
        .unwrap_or("/bin/false");
    let out = Command::new("useradd")
        .args([
            "--system",
            "--user-group",
            "--no-create-home",
            "--shell",
            shell,
            "--home-dir",
        ])
        .arg(home)
        .arg(name)
        .output()
        .context("running useradd to create the service account")?;
    if !out.status.success() {
        bail!(
            "useradd {name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Creates (or upgrades) the database and makes `admin` a maintainer bound to their account.
fn first_maintainer(db: &Path, admin: &Account, admin_id: &str) -> Result<String> {
    let mut store = Store::open(db)?;
    let people = store.people()?;
    if let Some(p) = people
        .iter()
        .find(|p| p.os_user.as_deref() == Some(&admin.name))
    {
        if !p.roles.contains(&Role::Maintainer) {
            store.grant_roles(&p.id, &[Role::Maintainer], "host-setup")?;
            return Ok(format!("{} ({}) is now a maintainer", p.id, admin.name));
        }
        return Ok(format!("{} ({}) is a maintainer", p.id, admin.name));
    }
    if let Some(p) = people.iter().find(|p| p.id == admin_id) {
        bail!(
            "the person {} exists and is bound to {:?}, not to {}; choose another id with --admin-id",
            p.id,
            p.os_user.as_deref().unwrap_or("no account"),
            admin.name
        );
    }
    store.add_person(
        &Person {
            id: admin_id.to_string(),
            name: admin.name.clone(),
            roles: vec![Role::Maintainer],
            os_user: Some(admin.name.clone()),
        },
        "host-setup",
    )?;
    Ok(format!(
        "first maintainer {admin_id}, bound to the account {}",
        admin.name
    ))
}

/// The default place for the host config.
pub fn default_config_path() -> PathBuf {
    PathBuf::from(config::DEFAULT_PATH)
}
