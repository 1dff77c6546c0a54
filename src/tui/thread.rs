//! The screens' threads (keyboard reader, store worker), joined with a time limit: a thread
//! stuck on a dead terminal or waiting on a locked database never keeps the process alive.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A running thread that can be waited for, but only so long.
pub struct Bounded {
    handle: Option<JoinHandle<()>>,
    /// Disconnects when the thread's function has returned (or unwound).
    done: Receiver<()>,
}

impl Bounded {
    /// Runs `f` on a new thread called `name`.
    pub fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> std::io::Result<Bounded> {
        let (done_tx, done) = mpsc::channel::<()>();
        let handle = thread::Builder::new().name(name.into()).spawn(move || {
            // Dropped when `f` returns or panics: that is what `join_within` waits for.
            let _done = done_tx;
            f();
        })?;
        Ok(Bounded {
            handle: Some(handle),
            done,
        })
    }

    /// Waits at most `limit` for the thread to end; true if it ended. A thread still running
    /// is left to end with the process.
    pub fn join_within(&mut self, limit: Duration) -> bool {
        if self.handle.is_none() {
            return true;
        }
        match self.done.recv_timeout(limit) {
            Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                // The function has returned; the thread is at its very end.
                if let Some(handle) = self.handle.take() {
                    let _ = handle.join();
                }
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
        }
    }

    /// The thread's function has returned.
    pub fn finished(&self) -> bool {
        self.handle.is_none()
            || matches!(
                self.done.try_recv(),
                Ok(()) | Err(mpsc::TryRecvError::Disconnected)
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_finished_thread_is_joined() {
        let mut t = Bounded::spawn("t", || {}).unwrap();
        assert!(t.join_within(Duration::from_secs(10)));
        assert!(t.finished());
    }

    #[test]
    fn a_stuck_thread_is_left_behind_after_the_limit() {
        let (tx, rx) = mpsc::channel::<()>();
        let mut t = Bounded::spawn("stuck", move || {
            let _ = rx.recv();
        })
        .unwrap();
        assert!(!t.join_within(Duration::from_millis(20)));
        assert!(!t.finished());
        drop(tx);
    }

    #[test]
    fn a_panicking_thread_counts_as_ended() {
        let mut t = Bounded::spawn("panics", || panic!("on purpose")).unwrap();
        assert!(t.join_within(Duration::from_secs(10)));
    }
}
