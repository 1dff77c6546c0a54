use clap::Parser;
use medcurate::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", describe(&err));
            ExitCode::FAILURE
        }
    }
}

/// What a person should read: the cause chain, with SQLite's lock errors said plainly.
fn describe(err: &anyhow::Error) -> String {
    if medcurate::store::is_busy(err) {
        return format!(
            "the database is busy: another medcurate has been writing to it for over {} s \
             (a large import?). Try again when it has finished.",
            medcurate::store::BUSY_TIMEOUT.as_secs()
        );
    }
    format!("{err:#}")
}
