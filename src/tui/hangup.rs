//! A dropped SSH connection or SIGTERM ends a screen cleanly: a signal sets a flag that the
//! loop and the input thread watch, and a terminal that no longer answers counts the same.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by SIGHUP (a dropped SSH connection) or SIGTERM.
static HUNG_UP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_hangup(_signal: libc::c_int) {
    HUNG_UP.store(true, Ordering::Relaxed);
}

/// True once the session has been hung up or asked to terminate.
pub fn hung_up() -> bool {
    HUNG_UP.load(Ordering::Relaxed)
}

/// The session is over: hung up, asked to terminate, or the terminal no longer answers
/// (a hung-up terminal fails `tcgetattr` even when no SIGHUP arrived).
pub fn session_gone() -> bool {
    hung_up() || terminal_gone()
}

/// The terminal no longer answers: a hung-up terminal fails `tcgetattr`.
pub(crate) fn terminal_gone() -> bool {
    // SAFETY: tcgetattr only writes into the struct we own.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0
    }
}

/// SIGHUP's default action kills the process at once, possibly with the latest draft change
/// still queued. Instead the signal sets a flag: the loop and the input thread see it, the
/// session ends without asking anything, and the last draft is saved (waiting at most
/// `session::FINISH_WAIT`) before exit. SIGTERM is treated the same way.
pub(crate) fn ignore_hangup() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_hangup as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}
