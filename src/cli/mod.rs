//! The command line: clap definitions here, one file per command.

mod adjudicate;
mod agreement;
mod calibration;
mod completions;
mod controls;
mod coverage;
mod curate;
mod db;
mod demo;
mod demo_reviews;
mod disputes;
mod evaluate;
mod history;
mod host;
pub mod identity;
mod import;
mod init;
mod items;
mod judge;
mod leaderboard;
mod man;
mod out;
mod paths;
mod people;
mod plan;
mod problems;
mod release;
mod responses;
mod review;
mod reviews;
mod reviews_claim;
mod sample;
mod settings;
mod status;
mod table;
mod workload;

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
    /// The database: a SQLite file or a postgres:// URL [default: a file in the platform data
    /// directory; MEDCURATE_DB overrides]
    #[arg(long, global = true, env = "MEDCURATE_DB", value_name = "PATH_OR_URL")]
    pub db: Option<PathBuf>,

    /// Whether `--db` was typed on the command line (not taken from MEDCURATE_DB): `release
    /// verify` then also compares against the release that database keeps.
    #[arg(skip)]
    pub db_typed: bool,

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
    /// List items with their state and reviewers' progress, or show one as a reviewer sees it
    Items(items::ItemsArgs),
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
    /// Score models on a frozen release: three shuffles per question, micro-F1, judge scores
    Evaluate(evaluate::EvaluateArgs),
    /// Every model scored on a release (`evaluate --record`), best first
    Leaderboard(leaderboard::LeaderboardArgs),
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
    /// Each physician's pace and open work: reviews per day, claim-to-submit time, open claims
    Workload(workload::WorkloadArgs),
    /// Per department: items waiting for review, qualified physicians, pace and days left
    Coverage(coverage::CoverageArgs),
    /// Control items with known verdicts, mixed into queues to measure reviewers' accuracy
    #[command(subcommand)]
    Controls(controls::ControlsCommand),
    /// Set up a demo workspace with the built-in sample items and open the review screen
    Demo,
    /// A shared host: set one up (as root) or check an installation
    #[command(subcommand)]
    Host(host::HostCommand),
    /// Move a workspace between databases (SQLite and PostgreSQL) and compare two
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Print the shell completion script: `medcurate completions bash|zsh|fish`
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per command with --out DIR
    Man(man::ManArgs),
}

/// The command line of this process, parsed (clap's usage errors exit as clap does).
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.db_typed = matches.value_source("db") == Some(ValueSource::CommandLine);
    cli
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    // `host check` must run to say what is wrong even when the host config is; completions
    // come from the definitions alone and open nothing.
    let started = crate::host::startup();
    if !matches!(cli.command, Command::Host(_) | Command::Completions(_)) {
        started?;
    }
    let db = cli.db.clone();
    let db_typed = cli.db_typed;
    let opened = std::cell::RefCell::new(None);
    let open = |db: Option<PathBuf>| -> Result<PathBuf> {
        let path = crate::host::database(db, paths::default_db_path)?;
        protect(&path);
        *opened.borrow_mut() = Some(path.clone());
        Ok(path)
    };
    let result = dispatch(cli.command, db, db_typed, &open);
    match (result, opened.into_inner()) {
        (Err(e), Some(path)) => Err(crate::store::explain(e, &path)),
        (result, _) => result,
    }
}

fn dispatch(
    command: Command,
    db: Option<PathBuf>,
    db_typed: bool,
    open: &dyn Fn(Option<PathBuf>) -> Result<PathBuf>,
) -> Result<()> {
    match command {
        Command::Init => init::run(&open(db)?),
        Command::Import(args) => import::run(&open(db)?, args),
        Command::Status(args) => status::run(&open(db)?, args),
        Command::Items(args) => items::run(&open(db)?, args),
        Command::People(cmd) => people::run(&open(db)?, cmd),
        Command::Review(args) => review::run(&open(db)?, args),
        Command::Curate(args) => curate::run(&open(db)?, args),
        Command::History(args) => history::run(&open(db)?, args),
        Command::Agreement(args) => agreement::run(&open(db)?, args),
        Command::Evaluate(args) => evaluate::run(&open(db)?, args),
        Command::Leaderboard(args) => leaderboard::run(&open(db)?, args),
        Command::Reviews(cmd) => reviews::run(&open(db)?, cmd),
        Command::Calibration(cmd) => calibration::run(&open(db)?, cmd),
        Command::Plan(cmd) => plan::run(&open(db)?, cmd),
        Command::Sample(args) => sample::run(&open(db)?, args),
        Command::Release(cmd) => release::run(&open(db)?, db_typed, cmd),
        Command::Responses(cmd) => responses::run(&open(db)?, cmd),
        Command::Disputes(args) => disputes::run(&open(db)?, args),
        Command::Adjudicate(args) => adjudicate::run(&open(db)?, args),
        Command::Judge(cmd) => judge::run(&open(db)?, cmd),
        Command::Settings(args) => settings::run(&open(db)?, args),
        Command::Workload(args) => workload::run(&open(db)?, args),
        Command::Coverage(args) => coverage::run(&open(db)?, args),
        Command::Controls(cmd) => controls::run(&open(db)?, cmd),
        Command::Demo => {
            if crate::host::is_shared() {
                anyhow::bail!(
                    "the demo builds a workspace of its own; on a shared host run it from your own \
                     build (cargo run --release -- demo), not the installed medcurate"
                );
            }
            let path = match db {
                Some(p) => p,
                None => paths::demo_db_path()?,
            };
            protect(&path);
            demo::run(path)
        }
        Command::Host(cmd) => host::run(cmd),
        Command::Db(cmd) => db::run(&|| open(db.clone()), cmd),
        Command::Completions(args) => {
            completions::run(args);
            Ok(())
        }
        Command::Man(args) => man::run(args),
    }
}

/// A screen draws on the terminal and reads keys from it; without one it says so and nothing
/// else (no escape sequence is written).
pub(crate) fn need_terminal(screen: &str) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the {screen} screen needs a terminal; run it in one (over SSH, with `ssh -t HOST \
             medcurate ...`), not with its input or output redirected"
        );
    }
    Ok(())
}

/// Text from other people (reviewers' comments and reasons, proposals, item text) as it may
/// reach a terminal: control characters other than newline and tab are shown escaped
/// (`\u{1b}`), so nobody's comment can send escape sequences to a curator's terminal.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// How to run medcurate again, as this process was started: `medcurate` when that is the
/// program on the PATH, `cargo run --release --` from a source tree, else the program's path.
pub(crate) fn invocation() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "medcurate".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join("medcurate");
            crate::files::user::same_file(&candidate, &exe)
        })
    });
    if on_path {
        return "medcurate".into();
    }
    // A program cargo built lives in `<target dir>/<profile>/`, and cargo marks every target
    // directory with a CACHEDIR.TAG.
    let profile = exe
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str());
    let in_target = exe
        .parent()
        .and_then(|d| d.parent())
        .is_some_and(|t| crate::files::user::exists(&t.join("CACHEDIR.TAG")));
    match (profile, in_target) {
        (Some("release"), true) => "cargo run --release --".into(),
        (Some("debug"), true) => "cargo run --".into(),
        _ => exe.display().to_string(),
    }
}

/// No output a person names may land on the database, or in the data directory of a
/// shared host.
fn protect(db: &std::path::Path) {
    let data_dir = match crate::host::mode() {
        crate::host::Mode::Shared(h) => Some(h.config.data_dir.clone()),
        crate::host::Mode::Single => None,
    };
    crate::files::user::protect(db, data_dir.as_deref());
}
