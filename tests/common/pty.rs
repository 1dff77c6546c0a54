//! The real binary in a pseudo-terminal (TERM=xterm-256color), driven by keystrokes, its
//! screen read back through a terminal emulator (vt100). Every wait polls the emulated screen,
//! with a 10 s limit.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long any wait may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// The binary running in a pseudo-terminal, and what it has drawn so far.
///
/// All pty I/O goes through one duplicate of the master descriptor, read only after `poll`
/// says it is readable, on this thread. portable-pty's own writer is not used: dropping it
/// types a newline and Ctrl-D into the terminal, which a dropped connection does not do; and a
/// reader blocked in `read` on another thread would keep the master open after `hang_up`.
pub struct Tui {
    pub child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    io: Option<File>,
    pub screen: vt100::Parser,
    /// Every byte the program wrote.
    pub raw: Vec<u8>,
    /// The slave side is closed (the program exited) or hung up.
    eof: bool,
}

impl Tui {
    /// `medcurate --db DIR/t.db ARGS...` in DIR on a terminal of `cols` x `rows`, with no
    /// environment or config file of the host.
    pub fn spawn(dir: &Path, args: &[&str], (cols, rows): (u16, u16)) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_medcurate"));
        cmd.arg("--db");
        cmd.arg(super::backend::db_at(dir, "t.db"));
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env_remove("MEDCURATE_DB");
        cmd.env("MEDCURATE_CONFIG", dir.join("config.toml"));
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the slave now, so its exit reads as the end of the output.
        drop(pair.slave);
        let fd = pair.master.as_raw_fd().expect("a unix pty master");
        // SAFETY: `fd` is the master's descriptor, open for as long as `pair.master` lives.
        let io = unsafe { BorrowedFd::borrow_raw(fd) }
            .try_clone_to_owned()
            .unwrap();
        Tui {
            child,
            master: Some(pair.master),
            io: Some(File::from(io)),
            screen: vt100::Parser::new(rows.try_into().unwrap(), cols.try_into().unwrap(), 0),
            raw: Vec::new(),
            eof: false,
        }
    }

    /// Reads what the program wrote, waiting at most `timeout` for the first bytes.
    fn pump(&mut self, timeout: Duration) {
        let Some(io) = self.io.as_mut() else { return };
        if self.eof {
            return;
        }
        let mut pfd = libc::pollfd {
            fd: io.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(1000) as libc::c_int;
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n <= 0 {
            return;
        }
        let mut buf = [0u8; 16384];
        match io.read(&mut buf) {
            Ok(0) => self.eof = true,
            Ok(k) => {
                self.screen.process(&buf[..k]);
                self.raw.extend_from_slice(&buf[..k]);
            }
            // EIO: every slave descriptor is closed.
            Err(e) if e.raw_os_error() == Some(libc::EIO) => self.eof = true,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => panic!("reading the pty: {e}"),
        }
    }

    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// The last 40 bytes the program wrote, as text.
    pub fn tail(&self) -> String {
        let out = &self.raw;
        String::from_utf8_lossy(&out[out.len().saturating_sub(40)..]).into_owned()
    }

    /// Waits until the screen shows `needle`; panics with the screen after 10 s.
    pub fn wait_for(&mut self, needle: &str) {
        self.wait_until(needle, |s| s.contains(needle));
    }

    /// Waits until `ok` holds for the screen; panics with the screen after 10 s.
    pub fn wait_until(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
        self.wait_until_within(what, WAIT, ok);
    }

    /// Waits until `ok` holds for the screen; panics with the screen after `limit`.
    pub fn wait_until_within(&mut self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            if ok(&self.text()) {
                return;
            }
            if start.elapsed() > limit || self.eof {
                panic!(
                    "{} waiting for {what:?}; the screen:\n{}",
                    if self.eof {
                        "the program ended"
                    } else {
                        "timed out"
                    },
                    self.text()
                );
            }
            self.pump(Duration::from_millis(100));
        }
    }

    /// Types `keys` as a terminal sends them (UTF-8; "\r" is Enter).
    pub fn send(&mut self, keys: &str) {
        let io = self.io.as_mut().expect("the pty is open");
        io.write_all(keys.as_bytes()).unwrap();
        io.flush().unwrap();
    }

    /// The slave's terminal modes (raw or cooked), read through the master.
    pub fn termios(&self) -> libc::termios {
        let fd = self.io.as_ref().unwrap().as_raw_fd();
        // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is open and `t` is valid.
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        t
    }

    /// Waits for the program to exit; panics with the screen after 10 s.
    pub fn wait_exit(&mut self) -> ExitStatus {
        match self.wait_exit_within(WAIT) {
            Some(status) => status,
            None => panic!("no exit; the screen:\n{}", self.text()),
        }
    }

    /// Waits for the program to exit, reading its output meanwhile; None after `limit`.
    pub fn wait_exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Whatever it wrote last is still in the pty.
                while !self.eof && self.io.is_some() {
                    self.pump(Duration::from_millis(50));
                    if start.elapsed() > limit {
                        break;
                    }
                }
                return Some(status);
            }
            if start.elapsed() > limit {
                return None;
            }
            if self.io.is_some() && !self.eof {
                self.pump(Duration::from_millis(20));
            } else {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Sends `signal` to the program.
    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.process_id().unwrap();
        // SAFETY: signalling our own child by its pid.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
    }

    /// Closes every descriptor of the master side, as sshd does when the connection drops:
    /// the kernel hangs up the terminal and sends SIGHUP to the program.
    pub fn hang_up(&mut self) {
        self.io = None;
        self.master = None;
    }

    /// Closes the master side, as `hang_up`, and waits up to `limit` for the program to
    /// exit, reading its CPU time from /proc meanwhile (before it is reaped). A program still
    /// running at the limit is killed.
    pub fn hang_up_and_wait(&mut self, limit: Duration) -> AfterHangup {
        let pid = self.child.process_id().expect("the program is running");
        let before = cpu_ticks(pid).unwrap_or(0);
        let mut last = before;
        self.hang_up();
        let start = Instant::now();
        loop {
            if let Some(t) = cpu_ticks(pid) {
                last = t;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                return AfterHangup {
                    status: Some(status),
                    cpu: ticks_to_time(last.saturating_sub(before)),
                    elapsed: start.elapsed(),
                };
            }
            if start.elapsed() > limit {
                self.kill();
                return AfterHangup {
                    status: None,
                    cpu: ticks_to_time(last.saturating_sub(before)),
                    elapsed: start.elapsed(),
                };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn kill(&mut self) {
        if let Some(pid) = self.child.process_id() {
            // SAFETY: signalling our own child by its pid.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // Never leave the program behind when a test fails.
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Where `needle` last stands in `hay`.
pub fn position(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// How the program ended after `hang_up_and_wait`.
#[derive(Debug)]
pub struct AfterHangup {
    /// Its exit status; None if it was still running at the limit (it was killed).
    pub status: Option<ExitStatus>,
    /// The CPU time it used from the hang-up on.
    pub cpu: Duration,
    /// How long it ran after the hang-up.
    pub elapsed: Duration,
}

impl AfterHangup {
    /// It exited by itself with status 0, and did not spin.
    pub fn assert_clean_exit(&self, what: &str) {
        let status = self.assert_exited(what);
        assert!(status.success(), "{what}: exit {status:?}");
    }

    /// It exited by itself (not killed by a signal, no abort), whatever its exit code, and
    /// did not spin: less CPU than half the time it ran (with a little allowance for a short
    /// run's rounding to clock ticks).
    pub fn assert_exited(&self, what: &str) -> &ExitStatus {
        let status = self.status.as_ref().unwrap_or_else(|| {
            panic!(
                "{what}: no exit within {:?} of the hang-up (killed; it used {:?} of CPU)",
                self.elapsed, self.cpu
            )
        });
        assert_eq!(status.signal(), None, "{what}: {status:?}");
        assert!(
            self.cpu < self.elapsed / 2 + Duration::from_millis(100),
            "{what}: {:?} of CPU in the {:?} after the hang-up",
            self.cpu,
            self.elapsed
        );
        status
    }
}

/// utime + stime of process `pid` in clock ticks, from /proc; None once it is gone.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let (_, rest) = stat.rsplit_once(')')?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat(5); `rest` starts at field 3.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn ticks_to_time(ticks: u64) -> Duration {
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / per_second)
}
