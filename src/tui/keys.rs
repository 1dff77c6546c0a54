//! The terminal's bytes as keys and pastes. The input thread (`event.rs`) reads what the
//! terminal sends and `Decoder` turns it into crossterm's `KeyEvent`s, which the key table and
//! the text inputs take, and into whole pastes.
//!
//! medcurate reads the terminal itself instead of through crossterm's reader: on Linux that
//! reader waits on an edge-triggered epoll and returns after the first read that makes a key,
//! so of a burst longer than its 1,024-byte buffer (a paste without bracketed paste) the rest
//! stays unread until the next key arrives; and it keeps a bracketed paste in memory without
//! bound. Here every byte waiting is read, and a paste over `MAX_PASTE_BYTES` is counted, not
//! kept.
//!
//! Understood: UTF-8 text; the C0 controls (Enter, Tab, Backspace, Ctrl-letter); Esc, and Alt
//! with a key as Esc before it; the xterm and VT220 cursor and editing keys and F1-F12, with
//! their modifiers (CSI and SS3 sequences); bracketed paste (`ESC [200~` … `ESC [201~`).
//! Sequences for anything else (mouse, focus, replies to queries) are dropped whole.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

/// The largest paste taken, in bytes as the terminal sends it (UTF-8): 256 KiB, about 87,000
/// Chinese characters or 260,000 ASCII ones. The editor takes a paste of that size as one
/// edit in well under a second; a larger one is refused whole, never cut.
pub const MAX_PASTE_BYTES: usize = 256 * 1024;

/// Said when a paste arrives where nothing is typed.
pub const NO_PASTE: &str =
    "Nothing here takes a paste: paste where you type (the editor, a reason, a comment, a search)";

/// A paste whose end mark has not come after this long without a byte is given up (the
/// terminal lost it): nothing of it is inserted, and keys work again.
pub const PASTE_STALL: Duration = Duration::from_secs(2);

/// What the terminal sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// A whole paste, its line ends as `\n`, without other control characters but tabs.
    Paste(String),
    /// A paste refused whole; nothing of it is to be inserted.
    Refused(Refused),
}

/// Why a paste was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// It was `bytes` long, over `MAX_PASTE_BYTES`.
    TooLong { bytes: usize },
    /// Its end mark never came; `bytes` had arrived.
    Unended { bytes: usize },
}

impl Refused {
    /// What the person is told.
    pub fn message(self) -> String {
        match self {
            Refused::TooLong { bytes } => format!(
                "Paste refused: it is {} KB, over the {} KB a paste may be; nothing was \
                 inserted. Paste it in parts",
                bytes.div_ceil(1024),
                MAX_PASTE_BYTES / 1024
            ),
            Refused::Unended { bytes } => format!(
                "Paste refused: the terminal did not finish it ({} KB arrived, then nothing); \
                 nothing was inserted. Paste it again",
                bytes.div_ceil(1024)
            ),
        }
    }
}

/// The paste's start and end marks.
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// A key sequence longer than this without its final byte is garbage, dropped.
const MAX_SEQUENCE: usize = 64;

const ESC: u8 = 0x1b;

/// Turns the terminal's bytes into `Input`s, across reads: a sequence or a character split
/// between two reads is finished by the second.
#[derive(Debug, Default)]
pub struct Decoder {
    /// The start of a key sequence or a character that is not complete yet.
    pending: Vec<u8>,
    paste: Option<Paste>,
    /// `pending` was already there at the last quiet moment.
    stale: bool,
}

#[derive(Debug)]
struct Paste {
    /// What arrived, while it is within the limit.
    text: Vec<u8>,
    /// How many bytes arrived.
    bytes: usize,
    /// The last bytes seen (fewer than the end mark), to find an end mark split between reads
    /// once `text` is no longer kept.
    tail: Vec<u8>,
    last: Instant,
}

/// One step of reading keys.
enum Step {
    /// A key, from this many bytes.
    Key(KeyEvent, usize),
    /// A paste starts after this many bytes.
    PasteStart(usize),
    /// This many bytes mean nothing here.
    Skip(usize),
    /// The bytes so far start a sequence or a character: more must come.
    Incomplete,
}

impl Decoder {
    /// A paste is arriving.
    pub fn in_paste(&self) -> bool {
        self.paste.is_some()
    }

    /// Takes bytes read from the terminal at `now`, adding what they complete to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], now: Instant, out: &mut Vec<Input>) {
        self.stale = false;
        while !bytes.is_empty() {
            if self.paste.is_some() {
                let used = self.feed_paste(bytes, now, out);
                bytes = &bytes[used..];
                continue;
            }
            self.pending.extend_from_slice(bytes);
            bytes = &[];
            let mut at = 0;
            while at < self.pending.len() {
                match step(&self.pending[at..]) {
                    Step::Key(k, n) => {
                        out.push(Input::Key(k));
                        at += n;
                    }
                    Step::Skip(n) => at += n,
                    Step::Incomplete => break,
                    Step::PasteStart(n) => {
                        at += n;
                        self.paste = Some(Paste {
                            text: Vec::new(),
                            bytes: 0,
                            tail: Vec::new(),
                            last: now,
                        });
                        // The rest goes through the paste, from the outer loop.
                        let rest = self.pending.split_off(at);
                        self.pending.clear();
                        at = 0;
                        let used = self.feed_paste(&rest, now, out);
                        if used < rest.len() {
                            self.pending.extend_from_slice(&rest[used..]);
                        }
                    }
                }
            }
            self.pending.drain(..at.min(self.pending.len()));
        }
    }

    /// Nothing more is waiting on the terminal right after a read: a lone Esc is the Esc key
    /// (a sequence it starts would have come with it).
    pub fn settled(&mut self, out: &mut Vec<Input>) {
        if self.paste.is_none() && self.pending == [ESC] {
            self.pending.clear();
            out.push(Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
        }
    }

    /// Nothing arrived for a while (the input thread's tick): what is still incomplete since
    /// the last quiet moment is dropped, and a paste stalled for `PASTE_STALL` is refused.
    pub fn quiet(&mut self, now: Instant, out: &mut Vec<Input>) {
        if let Some(p) = &self.paste {
            if now.duration_since(p.last) >= PASTE_STALL {
                let bytes = p.bytes;
                self.paste = None;
                out.push(Input::Refused(Refused::Unended { bytes }));
            }
            return;
        }
        self.settled(out);
        if self.stale {
            self.pending.clear();
        }
        self.stale = !self.pending.is_empty();
    }

    /// Takes bytes of a paste; gives back how many it used (up to and with the end mark).
    fn feed_paste(&mut self, bytes: &[u8], now: Instant, out: &mut Vec<Input>) -> usize {
        let Some(p) = self.paste.as_mut() else {
            return 0;
        };
        p.last = now;
        // An end mark begun in the last read and finished in this one.
        let mut joined = p.tail.clone();
        joined.extend_from_slice(&bytes[..bytes.len().min(PASTE_END.len() - 1)]);
        let t = p.tail.len();
        let found = match find(&joined, PASTE_END) {
            Some(k) if k < t => {
                // The mark's first t - k bytes were taken as text: give them back.
                p.bytes -= t - k;
                p.text.truncate(p.bytes);
                Some((0, k + PASTE_END.len() - t))
            }
            _ => find(bytes, PASTE_END).map(|k| (k, k + PASTE_END.len())),
        };
        let (text, used) = match found {
            Some((end, used)) => (&bytes[..end], used),
            None => (bytes, bytes.len()),
        };
        p.bytes += text.len();
        if p.bytes <= MAX_PASTE_BYTES {
            p.text.extend_from_slice(text);
        } else if !p.text.is_empty() {
            // Over the limit: only counted from now on.
            p.text = Vec::new();
        }
        if found.is_none() {
            let keep = PASTE_END.len() - 1;
            p.tail
                .extend_from_slice(&bytes[bytes.len().saturating_sub(keep)..]);
            let cut = p.tail.len().saturating_sub(keep);
            p.tail.drain(..cut);
            return used;
        }
        let p = self.paste.take().expect("a paste in progress");
        out.push(if p.bytes > MAX_PASTE_BYTES {
            Input::Refused(Refused::TooLong { bytes: p.bytes })
        } else {
            Input::Paste(clean(&String::from_utf8_lossy(&p.text)))
        });
        used
    }
}

/// The first place `needle` stands in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A paste as text: the terminal's line ends (CR, or CR LF) as `\n`, and no control
/// characters but line ends and tabs (an Esc in a paste is not text, and drawn it would reach
/// the terminal as part of a sequence).
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn ctrl(c: char) -> KeyEvent {
    key(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The first key (or paste start) in `b`, which is not empty.
fn step(b: &[u8]) -> Step {
    match b[0] {
        ESC => escape(b),
        b'\r' => Step::Key(key(KeyCode::Enter, KeyModifiers::NONE), 1),
        b'\t' => Step::Key(key(KeyCode::Tab, KeyModifiers::NONE), 1),
        0x7f | 0x08 => Step::Key(key(KeyCode::Backspace, KeyModifiers::NONE), 1),
        0x00 => Step::Key(ctrl(' '), 1),
        c @ 0x01..=0x1a => Step::Key(ctrl((b'a' + c - 1) as char), 1),
        c @ 0x1c..=0x1f => Step::Key(ctrl((b'4' + c - 0x1c) as char), 1),
        _ => utf8(b),
    }
}

/// A UTF-8 character; an upper-case letter carries Shift, as crossterm reports it.
fn utf8(b: &[u8]) -> Step {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Skip(1),
    };
    if b.len() < len {
        // A continuation byte out of place cannot be finished by more.
        return match b[1..].iter().all(|c| c & 0xc0 == 0x80) {
            true => Step::Incomplete,
            false => Step::Skip(1),
        };
    }
    match std::str::from_utf8(&b[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Step::Key(key(KeyCode::Char(c), mods), len)
        }
        None => Step::Skip(1),
    }
}

/// A sequence starting with Esc, or Esc itself.
fn escape(b: &[u8]) -> Step {
    match b.get(1) {
        None => Step::Incomplete,
        Some(b'[') => csi(b),
        Some(b'O') => match b.get(2) {
            None => Step::Incomplete,
            Some(&f) => match final_key(f, 0) {
                Some(k) => Step::Key(k, 3),
                None if f == b'M' => Step::Key(key(KeyCode::Enter, KeyModifiers::NONE), 3),
                None => Step::Skip(3),
            },
        },
        // Esc twice: the first is the Esc key, the second starts again.
        Some(&ESC) => Step::Key(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        // Alt with a key: Esc, then the key.
        Some(_) => match step(&b[1..]) {
            Step::Key(mut k, n) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Key(k, n + 1)
            }
            Step::Incomplete => Step::Incomplete,
            Step::Skip(_) | Step::PasteStart(_) => {
                Step::Key(key(KeyCode::Esc, KeyModifiers::NONE), 1)
            }
        },
    }
}

/// `ESC [` parameters, intermediates and a final byte.
fn csi(b: &[u8]) -> Step {
    let Some(end) = b[2..].iter().position(|c| !(0x20..=0x3f).contains(c)) else {
        return if b.len() > MAX_SEQUENCE {
            Step::Skip(b.len())
        } else {
            Step::Incomplete
        };
    };
    let end = end + 2;
    let len = end + 1;
    let f = b[end];
    if !(0x40..=0x7e).contains(&f) {
        // Not a sequence after all: drop the Esc and the bracket, read on from there.
        return Step::Skip(end);
    }
    let body = &b[2..end];
    if body.first().is_some_and(|c| b"<=>?".contains(c)) {
        return Step::Skip(len);
    }
    let params: Vec<u16> = std::str::from_utf8(body)
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let first = params.first().copied().unwrap_or(0);
    let mods = params.get(1).copied().unwrap_or(0);
    if f == b'~' {
        if b[..len] == *PASTE_START {
            return Step::PasteStart(len);
        }
        let code = match first {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            11..=15 => KeyCode::F((first - 10) as u8),
            17..=21 => KeyCode::F((first - 11) as u8),
            23 | 24 => KeyCode::F((first - 12) as u8),
            _ => return Step::Skip(len),
        };
        return Step::Key(key(code, modifiers(mods)), len);
    }
    if f == b'Z' {
        return Step::Key(key(KeyCode::BackTab, KeyModifiers::SHIFT), len);
    }
    match final_key(f, mods) {
        Some(k) => Step::Key(k, len),
        None => Step::Skip(len),
    }
}

/// The key a CSI or SS3 sequence ending in `f` stands for, with modifier parameter `mods`.
fn final_key(f: u8, mods: u16) -> Option<KeyEvent> {
    let code = match f {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(f - b'P' + 1),
        _ => return None,
    };
    Some(key(code, modifiers(mods)))
}

/// xterm's modifier parameter: 1 + (1 Shift, 2 Alt, 4 Ctrl).
fn modifiers(p: u16) -> KeyModifiers {
    let bits = p.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

#[cfg(test)]
mod tests;
