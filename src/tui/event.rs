//! The input thread: terminal input in, `Event`s out on the one channel the main loop reads
//! (the worker writes its replies to the same channel).
//!
//! The thread waits for input with poll(2), reads every byte waiting and decodes keys and
//! pastes itself (`keys.rs`; crossterm's reader leaves the rest of a long burst unread until
//! the next key). End-of-file, a hangup or an error on the terminal ends the session.

use super::action::Action;
use super::keys::{Decoder, Input as Decoded};
use super::thread::Bounded;
use crossterm::event::KeyEvent;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// What the main loop receives; `R` is the screen's worker reply.
#[derive(Debug)]
pub enum Event<R> {
    /// A key was pressed; the keymap turns it into an action for the current context.
    Key(KeyEvent),
    /// Something that is already an action: a resize.
    Action(Action),
    /// The worker's answer to one of the screen's store commands.
    Reply(R),
    /// The terminal is gone (hung up, closed, unreadable) or SIGHUP or SIGTERM arrived: the
    /// session ends now, without asking anything.
    Gone,
}

/// How long the reader waits for input before it looks at its stop flag, the hangup flag
/// and the terminal's size.
const TICK: Duration = Duration::from_millis(100);

/// The most read from the terminal at once.
const READ_MAX: usize = 64 * 1024;

/// How long `stop` waits for the reader to notice.
const STOP_WAIT: Duration = Duration::from_millis(500);

/// The thread reading the terminal. It notices `stop` within a tick.
pub struct Input {
    stop: Arc<AtomicBool>,
    thread: Option<Bounded>,
}

impl Input {
    pub fn spawn<R: Send + 'static>(events: Sender<Event<R>>) -> std::io::Result<Input> {
        let tty = Tty::open()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = Bounded::spawn("medcurate-input", move || read_loop(&tty, &events, &flag))?;
        Ok(Input {
            stop,
            thread: Some(thread),
        })
    }

    /// Tells the reader to stop and waits a moment for it; never longer. A reader caught
    /// inside the terminal library by a hangup is left to end with the process.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(mut t) = self.thread.take() {
            let limit = if super::session_gone() {
                Duration::ZERO
            } else {
                STOP_WAIT
            };
            t.join_within(limit);
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop();
    }
}

fn read_loop<R>(tty: &Tty, events: &Sender<Event<R>>, stop: &AtomicBool) {
    let mut size = tty.size();
    let mut decoder = Decoder::default();
    let mut buf = vec![0u8; READ_MAX];
    let mut decoded = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        if super::hung_up() {
            let _ = events.send(Event::Gone);
            return;
        }
        match tty.wait(TICK) {
            Ready::Gone => {
                let _ = events.send(Event::Gone);
                return;
            }
            Ready::Idle => {
                // The size is read here: no library watches SIGWINCH for this thread.
                let now = tty.size();
                if now != size {
                    size = now;
                    if let Some((w, h)) = now
                        && events.send(Event::Action(Action::Resize(w, h))).is_err()
                    {
                        return;
                    }
                }
                decoder.quiet(Instant::now(), &mut decoded);
            }
            Ready::Input(waiting) => match tty.read(&mut buf[..waiting.min(READ_MAX)]) {
                Ok(n) => {
                    decoder.feed(&buf[..n], Instant::now(), &mut decoded);
                    if tty.wait(Duration::ZERO) == Ready::Idle {
                        decoder.settled(&mut decoded);
                    }
                }
                // Nothing after all (a signal, or a descriptor someone made non-blocking).
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock
                    ) => {}
                Err(_) => {
                    let _ = events.send(Event::Gone);
                    return;
                }
            },
        }
        for input in decoded.drain(..) {
            let ev = match input {
                Decoded::Key(k) => Event::Key(k),
                Decoded::Paste(text) => Event::Action(Action::Paste(text)),
                Decoded::Refused(why) => Event::Action(Action::PasteRefused(why.message())),
            };
            if events.send(ev).is_err() {
                return;
            }
        }
    }
}

/// What waiting on the terminal found.
#[derive(Debug, PartialEq, Eq)]
enum Ready {
    /// This many bytes are waiting to be read.
    Input(usize),
    /// Nothing within the tick.
    Idle,
    /// Hung up, end-of-file or an error: nothing will ever come.
    Gone,
}

/// The terminal keys come from: standard input when it is a terminal, else /dev/tty (where
/// crossterm sets raw mode).
struct Tty {
    fd: RawFd,
    owned: bool,
}

impl Tty {
    fn open() -> std::io::Result<Tty> {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Ok(Tty {
                fd: libc::STDIN_FILENO,
                owned: false,
            });
        }
        // SAFETY: a valid C string; the descriptor returned is ours to close.
        let fd = unsafe {
            libc::open(
                c"/dev/tty".as_ptr(),
                libc::O_RDONLY | libc::O_NOCTTY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Tty { fd, owned: true })
    }

    /// Waits up to `timeout` for input.
    fn wait(&self, timeout: Duration) -> Ready {
        wait_readable(self.fd, timeout)
    }

    /// Reads bytes `wait` said are waiting (so it does not block): as many as fit in `buf`.
    fn read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        // SAFETY: `buf` is valid for `buf.len()` bytes of writing.
        let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            n if n > 0 => Ok(n as usize),
            0 => Err(std::io::ErrorKind::UnexpectedEof.into()),
            _ => Err(std::io::Error::last_os_error()),
        }
    }

    /// Columns and rows, None if the terminal does not say.
    fn size(&self) -> Option<(u16, u16)> {
        // SAFETY: a zeroed winsize is a valid out-parameter for TIOCGWINSZ.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is open and `ws` is valid for the ioctl to write.
        let ok = unsafe { libc::ioctl(self.fd, libc::TIOCGWINSZ, &mut ws) } == 0;
        (ok && ws.ws_col > 0 && ws.ws_row > 0).then_some((ws.ws_col, ws.ws_row))
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: the descriptor was opened by `Tty::open` and is closed once.
            unsafe { libc::close(self.fd) };
        }
    }
}

/// Waits up to `timeout` for `fd` to have bytes to read. Readable with nothing to read is
/// end-of-file, which a terminal reports only once it is gone.
fn wait_readable(fd: RawFd, timeout: Duration) -> Ready {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut pfd, 1, ms) };
    if n < 0 {
        return match std::io::Error::last_os_error().kind() {
            std::io::ErrorKind::Interrupted => Ready::Idle,
            _ => Ready::Gone,
        };
    }
    if n == 0 {
        return Ready::Idle;
    }
    if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        return Ready::Gone;
    }
    let mut waiting: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let ok = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut waiting) } == 0;
    if ok && waiting > 0 {
        Ready::Input(waiting as usize)
    } else {
        Ready::Gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe: (read end, write end).
    fn pipe() -> (RawFd, RawFd) {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    }

    fn close(fd: RawFd) {
        // SAFETY: each test closes its own descriptors once.
        unsafe { libc::close(fd) };
    }

    #[test]
    fn waiting_input_is_reported_and_end_of_file_is_gone() {
        let (r, w) = pipe();
        assert_eq!(wait_readable(r, Duration::ZERO), Ready::Idle);
        // SAFETY: writing one byte from a valid buffer.
        assert_eq!(unsafe { libc::write(w, b"q".as_ptr().cast(), 1) }, 1);
        assert_eq!(wait_readable(r, Duration::from_secs(10)), Ready::Input(1));
        let mut buf = [0u8; 1];
        // SAFETY: reading one byte into a valid buffer.
        assert_eq!(unsafe { libc::read(r, buf.as_mut_ptr().cast(), 1) }, 1);
        // The writer goes away: end-of-file, which must not read as input (the terminal
        // library would loop on it).
        close(w);
        assert_eq!(wait_readable(r, Duration::from_secs(10)), Ready::Gone);
        close(r);
    }

    #[test]
    fn a_closed_descriptor_is_gone() {
        let (r, w) = pipe();
        close(r);
        close(w);
        assert_eq!(wait_readable(r, Duration::ZERO), Ready::Gone);
    }
}
