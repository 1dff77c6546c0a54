//! `medcurate man [--out DIR]`: manual pages, made from the same definitions as `--help`.

use crate::files::user;
use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write medcurate.1 and a page for every command (medcurate-reviews-export.1 ...) into
    /// this folder, instead of printing medcurate.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replace pages already in --out
    #[arg(long, requires = "out")]
    pub force: bool,
}

pub fn run(args: ManArgs) -> Result<()> {
    let mut cmd = crate::cli::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = args.out else {
        std::io::stdout().write_all(&page(cmd)?.1)?;
        return Ok(());
    };
    let mut pages = Vec::new();
    collect(cmd, &mut pages)?;
    // Every page is checked before any is written, so a refusal leaves the folder as it was.
    for (name, _) in &pages {
        crate::cli::out::check_file(&dir.join(name), args.force)?;
    }
    user::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, page) in &pages {
        user::write_atomically(&dir.join(name), |w| Ok(w.write_all(page)?))?;
    }
    println!("wrote {} manual page(s) to {}", pages.len(), dir.display());
    Ok(())
}

/// Each command's page (file name, roff), its subcommands' first.
fn collect(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        collect(sub, pages)?;
    }
    pages.push(page(cmd)?);
    Ok(())
}

/// One command's page: its file name and its roff.
fn page(cmd: clap::Command) -> Result<(String, Vec<u8>)> {
    // Every page's footer names medcurate and its version, as the main page's does
    // (clap_mangen would take the subcommand's own name, "export", and no version).
    let man = clap_mangen::Man::new(cmd)
        .source(format!("medcurate {}", env!("CARGO_PKG_VERSION")))
        .manual("medcurate manual");
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    Ok((man.get_filename(), roff))
}
