//! `medcurate reviews import FILE --as ID`: reviews made outside the terminal;
//! `medcurate reviews export --out FILE`: reviews and decisions of settled items.

use crate::cli::identity::{act_as, act_as_any};
use crate::cli::problems;
use crate::domain::people::Role;
use crate::import::reviews::read_reviews;
use crate::store::{ExportRecord, Store, SubmitOutcome};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::fs::File;
use std::io::{BufWriter, Write};
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
        /// The file to write (replaced whole, never half written)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
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
            as_id,
        } => export(db, dataset.as_deref(), &out, as_id.as_deref()),
    }
}

fn export(db: &Path, dataset: Option<&str>, out: &Path, as_id: Option<&str>) -> Result<()> {
    let store = Store::open_existing(db)?;
    let me = act_as_any(&store, as_id, &[Role::Curator, Role::Maintainer])?;
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

/// Writes `path` through a temporary file beside it, renamed into place only when complete.
pub(crate) fn write_atomically<T>(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<T>,
) -> Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let result = (|| {
        let file = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut w = BufWriter::new(file);
        let value = fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn import(db: &Path, file: &Path, as_id: Option<&str>) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let person = act_as(&store, as_id, Role::Annotator)?;
    let reviews = match read_reviews(file)? {
        Ok(r) => r,
        Err(errors) => {
            problems::print(&errors);
            bail!("{} problem(s); no review was submitted", errors.len());
        }
    };
    match store.import_reviews(&person.id, &reviews)? {
        Ok(outcomes) => {
            let count = |o: Option<SubmitOutcome>| outcomes.iter().filter(|x| **x == o).count();
            let unchanged = count(None);
            print!(
                "{} review(s) submitted as {}: {} item(s) accepted, {} sent to curation, {} waiting for a second review",
                outcomes.len() - unchanged,
                person.id,
                count(Some(SubmitOutcome::Accepted)),
                count(Some(SubmitOutcome::NeedsCuration)),
                count(Some(SubmitOutcome::Waiting))
            );
            if unchanged > 0 {
                print!("; {unchanged} already stored (unchanged, nothing written)");
            }
            println!();
            Ok(())
        }
        Err(refused) => {
            problems::print(&problems::refused(file, &refused));
            bail!(
                "{} review(s) refused; no review was submitted",
                refused.len()
            );
        }
    }
}
