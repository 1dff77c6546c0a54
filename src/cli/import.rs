//! `medcurate import FILE... --dataset NAME [--format F] [--revise] [--skip-invalid]`

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::import::{Format, ImportOptions, ImportReport, MAX_SHOWN_ERRORS, import};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files to import: JSONL (one record per line) or a `.json` file holding one JSON array
    /// of records, pretty-printed or not
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The dataset the items belong to, e.g. CMExam
    #[arg(long)]
    pub dataset: String,
    /// Input format: native, cmexam, cmeee, cmeie, chip-cdn, chip-cdee
    #[arg(long, default_value = "native", value_parser = parse_format)]
    pub format: Format,
    /// When an id comes back with different content, record a new revision (the old one is kept)
    #[arg(long)]
    pub revise: bool,
    /// Import the valid lines and write refused ones, with reasons, to FILE.rejects.jsonl
    #[arg(long)]
    pub skip_invalid: bool,
    /// Directory for rejects files [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub rejects_dir: Option<PathBuf>,
    /// The maintainer importing them
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// Files smaller than this import too fast for a progress bar to help.
const PROGRESS_AFTER: Duration = Duration::from_millis(300);

pub fn run(db: &Path, args: ImportArgs) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let me = act_as(&store, args.as_id.as_deref(), Role::Maintainer)?;
    let rejects_dir = match args.rejects_dir {
        Some(d) => d,
        None => {
            std::env::current_dir().context("finding the current directory for the rejects file")?
        }
    };
    let opts = ImportOptions {
        files: args.files,
        dataset: args.dataset,
        format: args.format,
        revise: args.revise,
        skip_invalid: args.skip_invalid,
        rejects_dir,
        actor: me.id,
    };
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} importing [{bar:40}] {decimal_bytes}/{decimal_total_bytes} ({decimal_bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut shown = false;
    let report = import(&mut store, &opts, &mut |done, total| {
        if !shown && started.elapsed() > PROGRESS_AFTER {
            // stderr() draws only on a terminal, so piped output stays clean.
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_length(total);
            shown = true;
        }
        if shown {
            bar.set_position(done);
        }
    })?;
    bar.finish_and_clear();
    print_report(&report, &opts, started.elapsed());
    if !report.file_problems.is_empty() {
        bail!(
            "{} problem(s); nothing was imported (a file without answers is refused whole, \
             even with --skip-invalid)",
            report.error_count
        );
    }
    if report.error_count > 0 && !opts.skip_invalid {
        bail!(
            "{} problem(s) in {} {}; nothing was imported. Fix them and run the import again, \
             or pass --skip-invalid to import the valid {} and write the refused ones to a rejects file",
            report.error_count,
            report.refused_lines,
            report.records_word(),
            report.records_word().trim_end_matches("(s)").to_string() + "s"
        );
    }
    Ok(())
}

fn print_report(report: &ImportReport, opts: &ImportOptions, elapsed: Duration) {
    for p in &report.file_problems {
        eprintln!("error: {p}");
    }
    for e in &report.errors {
        eprintln!(
            "{}: {e}",
            if opts.skip_invalid {
                "refused"
            } else {
                "error"
            }
        );
    }
    let listed = (report.errors.len() + report.file_problems.len()) as u64;
    if report.error_count > listed {
        eprintln!(
            "... and {} more problem(s) (the first {MAX_SHOWN_ERRORS} are shown)",
            report.error_count - listed
        );
    }
    if !report.committed {
        return;
    }
    for (dataset, c) in &report.counts {
        println!(
            "{dataset}: {} imported, {} skipped (unchanged), {} revised",
            c.imported, c.skipped, c.revised
        );
    }
    if report.counts.is_empty() {
        println!("{}: nothing imported", opts.dataset);
    }
    for g in &report.gold_less {
        let more = g.count - g.first.len() as u64;
        println!(
            "{}: {} record(s) have no gold (`{}` empty), imported as they are: {}{}",
            g.file,
            g.count,
            g.field,
            g.first.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    if report.refused_lines > 0 {
        println!(
            "{} {} refused; each is in a rejects file with its reasons:",
            report.refused_lines,
            report.records_word()
        );
        for r in &report.rejects {
            println!("  {}", r.display());
        }
    }
    println!(
        "read {} {}, {:.1} MB in {:.1} s",
        report.lines_read,
        report.records_word(),
        report.bytes_read as f64 / 1e6,
        elapsed.as_secs_f64()
    );
}
