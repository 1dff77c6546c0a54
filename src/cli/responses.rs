//! `medcurate responses import FILE`: model responses with their two AI-judge scores.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::import::responses::import_responses;
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ResponsesCommand {
    /// Import responses (one JSON line each: dataset, item, model, response, and the two
    /// judges' scores with optional points and rationales), all or nothing
    Import {
        file: PathBuf,
        /// The maintainer importing
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, cmd: ResponsesCommand) -> Result<()> {
    let ResponsesCommand::Import { file, as_id } = cmd;
    let mut store = Store::open_existing(db)?;
    let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
    let threshold = store.dispute_threshold()?;
    let report = import_responses(&mut store, &me.id, &file)?;
    let Some(s) = report.imported else {
        for p in &report.problems {
            eprintln!("error: {p}");
        }
        if report.problem_count > report.problems.len() {
            eprintln!(
                "... and {} more",
                report.problem_count - report.problems.len()
            );
        }
        if report.unreadable {
            bail!(
                "{} problem(s); no response was imported",
                report.problem_count
            );
        }
        bail!(
            "{} line(s) refused; no response was imported",
            report.problem_count
        );
    };
    let disputes = format!(
        "{} are disputes (judge scores more than {threshold} apart) for a physician to decide",
        s.disputes
    );
    match (s.responses, s.already_stored) {
        (n, 0) => println!("{n} response(s) imported; {disputes}"),
        (0, stored) => println!(
            "no new response: all {stored} line(s) are already stored (unchanged); nothing was written"
        ),
        (n, stored) => println!(
            "{n} response(s) imported, {stored} already stored (unchanged); of the new ones, {disputes}"
        ),
    }
    Ok(())
}
