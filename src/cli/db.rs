//! `medcurate db`: moving a whole workspace between databases (a SQLite file and a
//! PostgreSQL server, either way), and the per-table digests that prove two are the same.

use crate::cli::table::padded;
use crate::files::service;
use crate::store::{Store, location};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Copy a whole workspace into a new database, on either backend, and check the copy:
    /// the same rows and digest in every table, or nothing is kept
    Copy(CopyArgs),
    /// Rows and a SHA-256 digest per table: two databases that print the same hold the same
    /// workspace
    Digest,
}

#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The workspace to copy: a SQLite file or a postgres:// URL
    #[arg(long, value_name = "PATH_OR_URL")]
    pub from: PathBuf,
    /// A new database for the copy: a SQLite file that does not exist yet, or a postgres://
    /// URL of a database with no workspace in it
    #[arg(long, value_name = "PATH_OR_URL")]
    pub to: PathBuf,
}

pub fn run(db: &dyn Fn() -> Result<PathBuf>, cmd: DbCommand) -> Result<()> {
    match cmd {
        DbCommand::Copy(args) => copy(&args.from, &args.to),
        DbCommand::Digest => {
            let db = db()?;
            let store = Store::open_existing(&db)?;
            print_digests(&store.table_digests()?);
            Ok(())
        }
    }
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    // The files and servers named here are opened with the service account's rights on a
    // shared host: only its administrators (running as that account) may name them.
    if let crate::host::Mode::Shared(host) = crate::host::mode()
        && crate::os::account::real_name() != host.config.service_user
    {
        bail!(
            "on a shared host `db copy` is for its administrators: run it as the service account \
             (sudo -u {} medcurate db copy ...)",
            host.config.service_user
        );
    }
    if location::postgres_url(to).is_none() && service::exists(to) {
        bail!(
            "{} exists already; copy into a new file (or a postgres:// URL)",
            to.display()
        );
    }
    // The host's own database, named as its config writes it, is reached with its password.
    let (from, to) = (crate::host::reach(from)?, crate::host::reach(to)?);
    let source = Store::open_existing(&from)?;
    let mut target = Store::open(&to)
        .with_context(|| format!("creating the workspace in {}", location::shown(&to)))?;
    println!(
        "copying {} (schema version {}) into {}",
        source.location(),
        source.schema_version()?,
        target.location()
    );
    let digests = source.copy_into(&mut target, |table, rows| {
        println!("  {table:<24} {rows:>10} rows");
    })?;
    let rows: u64 = digests.iter().map(|d| d.rows).sum();
    println!(
        "copied: {} tables, {rows} rows; every table has the same rows and digest in both",
        digests.len()
    );
    Ok(())
}

fn print_digests(digests: &[crate::store::TableDigest]) {
    let head = ["Table", "Rows", "SHA-256"].map(String::from);
    let rows: Vec<Vec<String>> = digests
        .iter()
        .map(|d| vec![d.table.clone(), d.rows.to_string(), d.sha256.clone()])
        .collect();
    print!("{}", padded(&head, &rows));
}
