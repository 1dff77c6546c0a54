//! `medcurate release freeze|export|verify`.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::release::files::{ReleaseDir, write_dir};
use crate::release::freeze::freeze;
use crate::release::verify::verify;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Freeze a draft sample as a release and write its files (it never changes afterwards)
    Freeze {
        /// The sample's name
        name: String,
        /// The release's version, X.Y.Z
        #[arg(long)]
        version: String,
        /// A new or empty directory for the files
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace the release already in --out
        #[arg(long)]
        force: bool,
        /// Skip the confirm question
        #[arg(long)]
        yes: bool,
        /// The maintainer freezing it
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Write a frozen release's files again, byte for byte
    Export {
        name: String,
        /// A new or empty directory for the files
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace the release already in --out
        #[arg(long)]
        force: bool,
        /// The maintainer exporting it
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Recheck a release directory against its datapackage.json; exits 1 naming what differs
    Verify { dir: PathBuf },
}

pub fn run(db: &Path, cmd: ReleaseCommand) -> Result<()> {
    match cmd {
        ReleaseCommand::Freeze {
            name,
            version,
            out,
            force,
            yes,
            as_id,
        } => {
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            // The folder is checked (and its hidden sibling made) before anything is frozen.
            let replaced = crate::cli::out::release_dir(&out, force)?;
            let target = ReleaseDir::prepare(&out)?;
            if !yes && !confirm(&name, &version)? {
                bail!("not frozen");
            }
            let files = freeze(&mut store, &me.id, &name, &version)?;
            target.write(&files).with_context(|| {
                format!(
                    "{name} is frozen, but its files could not be written; write them with \
                     medcurate release export {name} --out DIR"
                )
            })?;
            replaced.done()?;
            println!(
                "froze {name} as version {version}: {} file(s) in {}",
                files.len(),
                out.display()
            );
            Ok(())
        }
        ReleaseCommand::Export {
            name,
            out,
            force,
            as_id,
        } => {
            let store = Store::open_existing(db)?;
            act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            let Some((version, files)) = store.release_files(&name)? else {
                bail!(
                    "there is no frozen release {name}; `medcurate sample list` lists samples and releases"
                );
            };
            let replaced = crate::cli::out::release_dir(&out, force)?;
            write_dir(&out, &files)?;
            replaced.done()?;
            println!(
                "wrote release {name} {version}: {} file(s) in {}",
                files.len(),
                out.display()
            );
            Ok(())
        }
        ReleaseCommand::Verify { dir } => {
            let v = verify(&dir)?;
            if v.problems.is_empty() {
                println!(
                    "{}: {} file(s) and {} item(s) match datapackage.json",
                    dir.display(),
                    v.files,
                    v.items
                );
                Ok(())
            } else {
                for p in &v.problems {
                    eprintln!("differs: {p}");
                }
                bail!("{} difference(s) from datapackage.json", v.problems.len());
            }
        }
    }
}

/// Asks on the terminal; without one, `--yes` is required.
fn confirm(name: &str, version: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("freezing {name} cannot be undone; pass --yes to confirm");
    }
    print!("Freeze {name} as version {version}? A frozen release never changes. [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
