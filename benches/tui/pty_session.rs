//! `medcurate review --as dr-bench` in a pseudo-terminal, its screen read back through vt100:
//! what the start-up and annotator-loop benchmarks drive.
#![allow(clippy::disallowed_methods)] // benchmarks set up files directly

use super::{REVIEWER, SIZE};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;
use std::time::{Duration, Instant};

/// `medcurate review` in a pseudo-terminal, its screen read back through vt100.
pub(super) struct Session {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    io: File,
    screen: vt100::Parser,
}

impl Session {
    pub(super) fn spawn(db: &Path, dir: &Path) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: SIZE.1,
                cols: SIZE.0,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_medcurate"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.args(["review", "--as", REVIEWER]);
        cmd.cwd(dir);
        cmd.env_remove("MEDCURATE_DB");
        cmd.env("MEDCURATE_CONFIG", dir.join("config.toml"));
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let fd = pair.master.as_raw_fd().unwrap();
        // SAFETY: `fd` stays open while the master lives (kept in the session). One duplicate
        // does all the I/O, as in (b).
        let io = File::from(
            unsafe { BorrowedFd::borrow_raw(fd) }
                .try_clone_to_owned()
                .unwrap(),
        );
        Session {
            child,
            _master: pair.master,
            io,
            screen: vt100::Parser::new(SIZE.1.try_into().unwrap(), SIZE.0.try_into().unwrap(), 0),
        }
    }

    pub(super) fn text(&self) -> String {
        self.screen.screen().contents()
    }

    pub(super) fn send(&mut self, keys: &str) {
        self.io.write_all(keys.as_bytes()).unwrap();
    }

    /// Reads the program's output until `ok` holds for the screen; when it first held. The
    /// screen is looked at once everything written so far is read, not after every read.
    pub(super) fn wait(&mut self, what: &str, ok: impl Fn(&str) -> bool) -> Instant {
        let start = Instant::now();
        let mut buf = [0u8; 65536];
        let mut timeout = 0;
        loop {
            let mut pfd = libc::pollfd {
                fd: self.io.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut pfd, 1, timeout) } > 0 {
                match self.io.read(&mut buf) {
                    Ok(0) => panic!("medcurate ended:\n{}", self.text()),
                    Ok(k) => {
                        self.screen.process(&buf[..k]);
                    }
                    Err(e) => panic!("medcurate ended ({e}):\n{}", self.text()),
                }
                // More may be waiting already.
                timeout = 0;
                continue;
            }
            let text = self.text();
            if ok(&text) {
                return Instant::now();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {what}:\n{text}"
            );
            timeout = 100;
        }
    }

    /// `q` until the program ends, reading its output meanwhile.
    pub(super) fn quit(mut self) {
        self.send("q");
        let t = Instant::now();
        let mut buf = [0u8; 65536];
        let mut last_q = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}");
                return;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "medcurate did not quit"
            );
            if last_q.elapsed() > Duration::from_millis(200) {
                // Back at the queue first, then quit.
                let _ = self.io.write_all(b"q");
                last_q = Instant::now();
            }
            let mut pfd = libc::pollfd {
                fd: self.io.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            if unsafe { libc::poll(&mut pfd, 1, 20) } > 0
                && !matches!(self.io.read(&mut buf), Ok(1..))
            {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}
