use medcurate::cli::{parse, run};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_sigpipe();
    install_panic_message();
    let cli = parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Not eprintln!: after a hangup stderr is gone, and a failed write must not panic.
            let _ = writeln!(std::io::stderr(), "error: {}", describe(&err));
            ExitCode::FAILURE
        }
    }
}

/// Rust ignores SIGPIPE, so `medcurate status | head` would fail writing; take the Unix
/// default back and end quietly when the reader goes away, like any other command.
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// A bug should read as one plain message, never as a stack trace.
fn install_panic_message() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown error".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: medcurate hit an internal error ({what}{at}). Nothing was committed by the \
             failed step; please report this with the command you ran."
        );
    }));
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
