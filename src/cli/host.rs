//! `medcurate host setup|check`: a shared host, where the binary runs setuid to a service
//! account that alone can read the database.

use crate::host::check::check;
use crate::host::config;
use crate::host::setup::{SetupOptions, setup};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum HostCommand {
    /// As root: create the service account, its data directory and database, the host
    /// config and the first maintainer; print the install command
    Setup {
        /// The unprivileged account that will own the database (created if missing)
        #[arg(long, value_name = "NAME")]
        service_user: String,
        /// The directory for the database, e.g. /var/lib/medcurate (made 0700); with
        /// --database, for the service's own files
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        /// A database on PostgreSQL instead of a file in the data directory: a postgres://
        /// URL without a password
        #[arg(long, value_name = "URL")]
        database: Option<PathBuf>,
        /// The file whose first line is the database password, written by root beforehand;
        /// handed to the service account, mode 0600
        #[arg(long, value_name = "PATH", requires = "database")]
        database_password_file: Option<PathBuf>,
        /// The OS account of the first maintainer
        #[arg(long, value_name = "ACCOUNT")]
        admin: String,
        /// The first maintainer's person id [default: the account name]
        #[arg(long, value_name = "ID")]
        admin_id: Option<String>,
        /// Where to write the host config
        #[arg(long, value_name = "PATH", default_value = config::DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Name every problem of this host's installation, with the command that fixes it
    Check {
        /// The installed program [default: the one running]
        #[arg(long, value_name = "PATH")]
        binary: Option<PathBuf>,
        /// The host config [default: MEDCURATE_HOST_CONFIG, else /etc/medcurate/host.toml]
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
}

pub fn run(cmd: HostCommand) -> Result<()> {
    match cmd {
        HostCommand::Setup {
            service_user,
            data_dir,
            admin,
            admin_id,
            config,
            database,
            database_password_file,
        } => {
            let binary = std::env::current_exe().context("finding this program's path")?;
            let report = setup(
                &SetupOptions {
                    service_user,
                    data_dir,
                    admin,
                    admin_id,
                    config_path: config.clone(),
                    database,
                    database_password_file,
                },
                &binary,
            )?;
            for line in &report.done {
                println!("  {line}");
            }
            println!();
            println!(
                "Now install the program setuid to {}:",
                report.config.service_user
            );
            println!("  {}", report.install_line);
            println!("and check the installation:");
            if config.as_path() == std::path::Path::new(config::DEFAULT_PATH) {
                println!("  medcurate host check");
            } else {
                println!(
                    "  {}={} medcurate host check",
                    config::PATH_VAR,
                    config.display()
                );
            }
            Ok(())
        }
        HostCommand::Check { binary, config } => {
            let binary = match binary {
                Some(b) => b,
                None => std::env::current_exe().context("finding this program's path")?,
            };
            let config = config.unwrap_or_else(config::path);
            let report = check(&config, &binary);
            let problems = report.problems;
            for line in &report.found {
                println!("{line}");
            }
            if problems.is_empty() {
                println!(
                    "{}: the host is set up as it should be ({} is setuid to the service account; \
                     the data directory and database are closed to everyone else)",
                    config.display(),
                    binary.display()
                );
                return Ok(());
            }
            for p in &problems {
                println!("problem: {}\n    fix: {}", p.what, p.fix);
            }
            bail!(
                "{} problem(s) with this host's installation",
                problems.len()
            );
        }
    }
}
