//! `medcurate reviews import FILE --as ID`: reviews made outside the terminal.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::import::MAX_SHOWN_ERRORS;
use crate::import::reviews::read_reviews;
use crate::store::{Store, SubmitOutcome};
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// Submit reviews from a JSONL file (format: schemas/review.schema.json), all or nothing
    Import {
        /// The reviews file
        file: PathBuf,
        /// The annotator who made the reviews
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, cmd: ReviewsCommand) -> Result<()> {
    match cmd {
        ReviewsCommand::Import { file, as_id } => import(db, &file, as_id.as_deref()),
    }
}

fn import(db: &Path, file: &Path, as_id: Option<&str>) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let person = act_as(&store, as_id, Role::Annotator)?;
    let reviews = match read_reviews(file)? {
        Ok(r) => r,
        Err(errors) => {
            report(errors.iter().map(|e| e.to_string()).collect());
            bail!("{} problem(s); no review was submitted", errors.len());
        }
    };
    match store.import_reviews(&person.id, &reviews)? {
        Ok(outcomes) => {
            let count = |o: SubmitOutcome| outcomes.iter().filter(|x| **x == o).count();
            println!(
                "{} review(s) submitted as {}: {} item(s) accepted, {} sent to curation, {} waiting for a second review",
                outcomes.len(),
                person.id,
                count(SubmitOutcome::Accepted),
                count(SubmitOutcome::NeedsCuration),
                count(SubmitOutcome::Waiting)
            );
            Ok(())
        }
        Err(refused) => {
            let shown = file.display();
            report(
                refused
                    .iter()
                    .map(|(line, why)| format!("{shown}:{line}: {why}"))
                    .collect(),
            );
            bail!(
                "{} review(s) refused; no review was submitted",
                refused.len()
            );
        }
    }
}

fn report(lines: Vec<String>) {
    for l in lines.iter().take(MAX_SHOWN_ERRORS) {
        eprintln!("error: {l}");
    }
    if lines.len() > MAX_SHOWN_ERRORS {
        eprintln!("... and {} more", lines.len() - MAX_SHOWN_ERRORS);
    }
}
