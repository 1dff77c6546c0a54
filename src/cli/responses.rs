//! `medcurate responses import FILE`: model responses with their two AI-judge scores.

use crate::cli::identity::act_as;
use crate::cli::problems;
use crate::domain::people::Role;
use crate::import::responses::read_responses;
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
    let rows = match read_responses(&file)? {
        Ok(r) => r,
        Err(errors) => {
            problems::print(&errors);
            bail!("{} problem(s); no response was imported", errors.len());
        }
    };
    let threshold = store.dispute_threshold()?;
    match store.import_responses(&me.id, &rows)? {
        Ok(s) => {
            println!(
                "{} response(s) imported; {} are disputes (judge scores more than {threshold} apart) for a physician to decide",
                s.responses, s.disputes
            );
            Ok(())
        }
        Err(refused) => {
            problems::print(&problems::refused(&file, &refused));
            bail!(
                "{} line(s) refused; no response was imported",
                refused.len()
            );
        }
    }
}
