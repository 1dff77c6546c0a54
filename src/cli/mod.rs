//! The command line: clap definitions here, one file per command.

mod adjudicate;
mod agreement;
mod calibration;
mod curate;
mod demo;
mod demo_reviews;
mod disputes;
mod history;
pub mod identity;
mod import;
mod init;
mod judge;
mod paths;
mod people;
mod plan;
mod problems;
mod release;
mod responses;
mod review;
mod reviews;
mod sample;
mod settings;
mod status;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub use paths::{default_db_path, demo_db_path};

#[derive(Debug, Parser)]
#[command(
    name = "medcurate",
    version,
    about = "Build medical LLM benchmarks: dual physician review, curation, frozen releases"
)]
pub struct Cli {
    /// The database file [default: the platform data directory; MEDCURATE_DB overrides]
    #[arg(long, global = true, env = "MEDCURATE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database (or bring an existing one up to date)
    Init,
    /// Import items from JSONL files, validating every line first
    Import(import::ImportArgs),
    /// Item counts per dataset and workflow state
    Status(status::StatusArgs),
    /// Register people and their roles
    #[command(subcommand)]
    People(people::PeopleCommand),
    /// Review items as a physician: the review screen
    Review(review::ReviewArgs),
    /// Settle disputed items as a curator: the curation screen
    Curate(curate::CurateArgs),
    /// Everything that happened to an item: revisions, reviews, decisions, events
    History(history::HistoryArgs),
    /// Agreement between reviewers: Cohen's kappa per criterion, per dataset, per pair
    Agreement(agreement::AgreementArgs),
    /// Reviews made outside the terminal, and the export of settled reviews
    #[command(subcommand)]
    Reviews(reviews::ReviewsCommand),
    /// Calibration models' results, and the difficulty they give
    #[command(subcommand)]
    Calibration(calibration::CalibrationCommand),
    /// Check a benchmark plan against the accepted pool
    #[command(subcommand)]
    Plan(plan::PlanCommand),
    /// Draw a stratified sample for a plan (kept as a draft), or show one
    Sample(sample::SampleArgs),
    /// Freeze, export and verify releases
    #[command(subcommand)]
    Release(release::ReleaseCommand),
    /// Model responses with their two AI-judge scores
    #[command(subcommand)]
    Responses(responses::ResponsesCommand),
    /// AI-judge disputes per dataset and model; `disputes export` writes the experts' decisions
    Disputes(disputes::DisputesArgs),
    /// Decide AI-judge disputes as a physician: the adjudication screen
    Adjudicate(adjudicate::AdjudicateArgs),
    /// Rate AI judges against the experts' decisions
    #[command(subcommand)]
    Judge(judge::JudgeCommand),
    /// Show or change workspace settings (e.g. how long a review claim lasts)
    Settings(settings::SettingsArgs),
    /// Set up a demo workspace with the built-in sample items and open the review screen
    Demo,
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    let db = cli.db.clone();
    match cli.command {
        Command::Init => init::run(&paths::resolve(db)?),
        Command::Import(args) => import::run(&paths::resolve(db)?, args),
        Command::Status(args) => status::run(&paths::resolve(db)?, args),
        Command::People(cmd) => people::run(&paths::resolve(db)?, cmd),
        Command::Review(args) => review::run(&paths::resolve(db)?, args),
        Command::Curate(args) => curate::run(&paths::resolve(db)?, args),
        Command::History(args) => history::run(&paths::resolve(db)?, args),
        Command::Agreement(args) => agreement::run(&paths::resolve(db)?, args),
        Command::Reviews(cmd) => reviews::run(&paths::resolve(db)?, cmd),
        Command::Calibration(cmd) => calibration::run(&paths::resolve(db)?, cmd),
        Command::Plan(cmd) => plan::run(&paths::resolve(db)?, cmd),
        Command::Sample(args) => sample::run(&paths::resolve(db)?, args),
        Command::Release(cmd) => release::run(&paths::resolve(db)?, cmd),
        Command::Responses(cmd) => responses::run(&paths::resolve(db)?, cmd),
        Command::Disputes(args) => disputes::run(&paths::resolve(db)?, args),
        Command::Adjudicate(args) => adjudicate::run(&paths::resolve(db)?, args),
        Command::Judge(cmd) => judge::run(&paths::resolve(db)?, cmd),
        Command::Settings(args) => settings::run(&paths::resolve(db)?, args),
        Command::Demo => demo::run(match db {
            Some(p) => p,
            None => paths::demo_db_path()?,
        }),
    }
}
