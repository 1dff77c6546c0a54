//! The input thread: terminal events in, `Event`s out on the one channel the main loop reads
//! (the worker writes its results to the same channel).

use super::action::Action;
use crossterm::event::{self as ct, KeyEvent};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// What the main loop receives.
#[derive(Debug)]
pub enum Event {
    /// A key was pressed; the keymap turns it into an action for the current context.
    Key(KeyEvent),
    /// Something that is already an action: a resize, or a worker's result.
    Action(Action),
}

/// The thread reading the terminal. It polls, so it notices `stop` within a quarter second.
pub struct Input {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Input {
    pub fn spawn(events: Sender<Event>) -> std::io::Result<Input> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::Builder::new()
            .name("medcurate-input".into())
            .spawn(move || read_loop(&events, &flag))?;
        Ok(Input {
            stop,
            handle: Some(handle),
        })
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            // After a hangup the reader can be stuck inside the terminal library reading
            // end-of-file; it is left to end with the process rather than waited for.
            if !super::session_gone() {
                let _ = h.join();
            }
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_loop(events: &Sender<Event>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        if super::session_gone() {
            // The session is gone: quit, which saves the draft.
            let _ = events.send(Event::Action(Action::Quit));
            return;
        }
        match ct::poll(Duration::from_millis(250)) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(_) => {
                // The terminal is gone (a dropped session): quit, which saves the draft.
                let _ = events.send(Event::Action(Action::Quit));
                return;
            }
        }
        let ev = match ct::read() {
            Ok(ev) => ev,
            Err(_) => {
                let _ = events.send(Event::Action(Action::Quit));
                return;
            }
        };
        let out = match ev {
            ct::Event::Key(k) => Event::Key(k),
            ct::Event::Resize(w, h) => Event::Action(Action::Resize(w, h)),
            _ => continue,
        };
        if events.send(out).is_err() {
            return;
        }
    }
}
