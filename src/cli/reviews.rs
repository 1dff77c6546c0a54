//! `medcurate reviews import FILE --as ID`: reviews made outside the terminal;
//! `medcurate reviews export --out FILE`: reviews and decisions of settled items.

use crate::cli::identity::{act_as, act_as_any};
use crate::cli::problems;
use crate::domain::people::Role;
use crate::import::reviews::{ReviewsFile, read_reviews_all};
use crate::import::rows::all_problems;
use crate::store::{ExportRecord, Store, SubmitOutcome};
use anyhow::{Result, bail};
use clap::Subcommand;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// Claim the next item to review and print it (for scripts: --json); submit with `reviews import`
    Claim(crate::cli::reviews_claim::ClaimArgs),
    /// Submit reviews from a JSONL file (format: schemas/review.schema.json), all or nothing
    Import {
        /// The reviews file
        file: PathBuf,
        /// The annotator who made the reviews
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Write every review and decision of settled items as JSONL (reviews of items still in
    /// review or waiting for a curator are left out, so blinding holds)
    Export {
        /// Only this dataset
        #[arg(long)]
        dataset: Option<String>,
        /// The file to write (never half written); an existing one only with --force
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace the --out file if it exists
        #[arg(long)]
        force: bool,
        /// The curator or maintainer exporting
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, cmd: ReviewsCommand) -> Result<()> {
    match cmd {
        ReviewsCommand::Claim(args) => crate::cli::reviews_claim::run(db, args),
        ReviewsCommand::Import { file, as_id } => import(db, &file, as_id.as_deref()),
        ReviewsCommand::Export {
            dataset,
            out,
            force,
            as_id,
        } => export(db, dataset.as_deref(), &out, force, as_id.as_deref()),
    }
}

fn export(
    db: &Path,
    dataset: Option<&str>,
    out: &Path,
    force: bool,
    as_id: Option<&str>,
) -> Result<()> {
    let store = Store::open_existing(db)?;
    let me = act_as_any(&store, as_id, &[Role::Curator, Role::Maintainer])?;
    crate::cli::out::check_file(out, force)?;
    let (reviews, decisions) = write_atomically(out, |w| {
        let (mut reviews, mut decisions) = (0u64, 0u64);
        store.export_reviews(&me.id, dataset, |rec| {
            match rec {
                ExportRecord::Review { .. } => reviews += 1,
                ExportRecord::Decision { .. } => decisions += 1,
            }
            serde_json::to_writer(&mut *w, &rec)?;
            w.write_all(b"\n")?;
            Ok(())
        })?;
        Ok((reviews, decisions))
    })?;
    println!(
        "wrote {reviews} review(s) and {decisions} decision(s) of settled items to {}",
        out.display()
    );
    Ok(())
}

pub(crate) use crate::files::user::write_atomically;

fn import(db: &Path, file: &Path, as_id: Option<&str>) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let ReviewsFile { read, decisions } = read_reviews_all(file)?;
    // An annotator imports their own reviews; a file that names its reviewers (as
    // `reviews export` writes it) is imported for them, by a maintainer. Nothing is written
    // before this check.
    let named: BTreeSet<&str> = read
        .rows
        .iter()
        .filter_map(|r| r.reviewer.as_deref())
        .collect();
    let person = if named.is_empty() {
        act_as(&store, as_id, Role::Annotator)?
    } else {
        act_as(&store, as_id, Role::Maintainer).map_err(|e| {
            e.context(format!(
                "{} names its reviewers ({}); only a maintainer imports reviews for others",
                file.display(),
                named.iter().copied().collect::<Vec<_>>().join(", ")
            ))
        })?
    };
    let by = if named.is_empty() {
        format!("as {}", person.id)
    } else {
        format!(
            "for {} by {}",
            named.iter().copied().collect::<Vec<_>>().join(", "),
            person.id
        )
    };
    let shown = file.display().to_string();
    if !read.problems.is_empty() {
        // The readable lines are checked too, so the file is fixed in one round.
        let refused = store.check_reviews(&person.id, &read.rows)?;
        let all = all_problems(&shown, read.unit, &read.problems, &refused);
        problems::print(&all);
        bail!("{} problem(s); no review was submitted", all.len());
    }
    let reviews = read.rows;
    match store.import_reviews(&person.id, &reviews)? {
        Ok(outcomes) => {
            let count = |o: Option<SubmitOutcome>| outcomes.iter().filter(|x| **x == o).count();
            let unchanged = count(None);
            print!(
                "{} review(s) submitted {by}: {} item(s) accepted, {} sent to curation, {} waiting for a second review",
                outcomes.len() - unchanged,
                count(Some(SubmitOutcome::Accepted)),
                count(Some(SubmitOutcome::NeedsCuration)),
                count(Some(SubmitOutcome::Waiting))
            );
            if unchanged > 0 {
                print!("; {unchanged} already stored (unchanged, nothing written)");
            }
            if decisions > 0 {
                print!(
                    "; {decisions} curator decision(s) left out (decisions are made on the curation screen)"
                );
            }
            println!();
            Ok(())
        }
        Err(refused) => {
            problems::print(&all_problems(&shown, read.unit, &[], &refused));
            bail!(
                "{} review(s) refused; no review was submitted",
                refused.len()
            );
        }
    }
}
