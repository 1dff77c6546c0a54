//! A dropped SSH connection or SIGTERM ends a screen cleanly: a signal sets a flag that the
//! loop and the input thread watch, and a terminal that no longer answers counts the same.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// Set by SIGHUP (a dropped SSH connection) or SIGTERM.
static HUNG_UP: AtomicBool = AtomicBool::new(false);

/// The read end of an empty pipe that never ends (its write end stays open): reading it says
/// "nothing yet" instead of end-of-file.
static QUIET: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_hangup(signal: libc::c_int) {
    HUNG_UP.store(true, Ordering::Relaxed);
    // A terminal that is really gone reads as end-of-file for ever, and the keyboard library
    // loops on that inside its reader, where nothing can stop it: put the quiet pipe in the
    // terminal's place, so the reader sees "nothing yet" and returns. Only when the terminal
    // no longer answers: a SIGHUP sent by hand must leave a live terminal alone.
    let quiet = QUIET.load(Ordering::Relaxed);
    if signal == libc::SIGHUP && quiet >= 0 {
        // SAFETY: tcgetattr and dup2 are async-signal-safe; `t` is ours.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
                libc::dup2(quiet, libc::STDIN_FILENO);
            }
        }
    }
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
fn terminal_gone() -> bool {
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
    // SAFETY: pipe2 fills the two descriptors; both stay open for the life of the process.
    unsafe {
        let mut fds = [-1; 2];
        if QUIET.load(Ordering::Relaxed) < 0
            && libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) == 0
        {
            QUIET.store(fds[0], Ordering::Relaxed);
        }
    }
    // SAFETY: the handler only stores to atomics and calls async-signal-safe functions.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_hangup as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}
