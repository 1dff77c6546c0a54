//! `medcurate release freeze|export|verify`.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::domain::release::{ReleaseFile, root_digest};
use crate::release::files::{ReleaseDir, write_dir};
use crate::release::freeze::{build, draft_report};
use crate::release::sample::SampleReport;
use crate::release::verify::{check_digest, check_stored, parse_digest, verify};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

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
    /// Recheck a release directory against its datapackage.json, a cited root digest
    /// (--digest) and, with --db PATH typed, the release that database keeps; exits 1 naming
    /// what differs
    Verify {
        dir: PathBuf,
        /// The root digest the release is cited with (sha256:...), as freeze printed it
        #[arg(long, value_name = "sha256:HEX")]
        digest: Option<String>,
    },
}

/// `db_typed`: `--db` was typed (not taken from MEDCURATE_DB), so `verify` compares against
/// the release that database keeps.
pub fn run(db: &Path, db_typed: bool, cmd: ReleaseCommand) -> Result<()> {
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
            let files = build(&store, &name, &version)?;
            print!("{}", summary(&draft_report(&store, &name)?));
            if !yes && !confirm(&name, &version)? {
                println!("not frozen: {name} is still a draft and nothing was written");
                return Ok(());
            }
            store.freeze_release(&me.id, &name, &version, &files)?;
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
            println!("root digest {}", digest_of(&files));
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
            println!("root digest {}", digest_of(&files));
            Ok(())
        }
        ReleaseCommand::Verify { dir, digest } => {
            let cited = digest.as_deref().map(parse_digest).transpose()?;
            let mut v = verify(&dir)?;
            let mut against = vec!["datapackage.json".to_string()];
            if let Some(cited) = &cited {
                check_digest(&mut v, cited);
                against.push("the cited digest".into());
            }
            if db_typed {
                let store = Store::open_existing(db)?;
                if let Some(what) = check_stored(&dir, &store, &mut v)? {
                    against.push(format!("the stored release {what}"));
                }
            }
            let against = against.join(" and ");
            if v.problems.is_empty() {
                println!(
                    "{}: {} file(s) and {} item(s) match {against}; root digest {}",
                    dir.display(),
                    v.files,
                    v.items,
                    v.digest
                );
                Ok(())
            } else {
                for p in &v.problems {
                    eprintln!("differs: {p}");
                }
                bail!("{} difference(s) from {against}", v.problems.len());
            }
        }
    }
}

/// The root digest of built or stored files.
fn digest_of(files: &[ReleaseFile]) -> String {
    files
        .iter()
        .find(|f| f.path == "datapackage.json")
        .map_or_else(|| "(none)".into(), |f| root_digest(&f.bytes))
}

/// What freezing would make a release of: items per dataset, the difficulty mix and every
/// shortfall, so the question is asked about something seen.
pub fn summary(r: &SampleReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: plan {} ({}), seed {}: {} of {} items",
        r.sample,
        r.plan,
        r.plan_source,
        r.seed,
        r.achieved(),
        r.target()
    );
    // Padded by display width, so Chinese dataset names line up.
    let names: Vec<String> = r
        .datasets
        .iter()
        .map(|d| format!("{} ({})", d.dataset, d.kind))
        .collect();
    let w = names.iter().map(|n| n.width()).max().unwrap_or(0);
    // The mix over all datasets, in the order the sampling report gives difficulties.
    let mut mix: Vec<(String, u64, Option<u64>)> = Vec::new();
    for (d, name) in r.datasets.iter().zip(&names) {
        let _ = writeln!(
            s,
            "  {name}{}  {:>5} of {:>5} items",
            " ".repeat(w - name.width()),
            d.achieved,
            d.target
        );
        for l in &d.difficulties {
            match mix.iter_mut().find(|(name, _, _)| *name == l.difficulty) {
                Some(m) => {
                    m.1 += l.achieved;
                    m.2 = match (m.2, l.target) {
                        (Some(a), Some(b)) => Some(a + b),
                        (a, b) => a.or(b),
                    };
                }
                None => mix.push((l.difficulty.clone(), l.achieved, l.target)),
            }
        }
    }
    if !mix.is_empty() {
        let parts: Vec<String> = mix
            .iter()
            .map(|(name, got, want)| match want {
                Some(w) => format!("{name} {got} (target {w})"),
                None => format!("{name} {got}"),
            })
            .collect();
        let _ = writeln!(s, "Difficulty mix: {}", parts.join(", "));
    }
    let short: Vec<String> = r
        .datasets
        .iter()
        .flat_map(|d| {
            d.shortfalls
                .iter()
                .map(move |f| format!("  {}: {f}", d.dataset))
        })
        .collect();
    if short.is_empty() {
        let _ = writeln!(s, "Every target of the plan is met.");
    } else {
        let _ = writeln!(s, "Shortfalls ({}):", short.len());
        for l in short {
            let _ = writeln!(s, "{l}");
        }
    }
    s
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
