//! Reads JSONL one line at a time, refusing what a JSON parser would silently mangle:
//! bytes that are not UTF-8, a byte-order mark, Windows line endings.

use crate::domain::field_error::FieldError;
use std::io::{self, BufRead};

/// One line of a file: its 1-based number and its text, or why it cannot be read.
pub struct Line {
    pub number: usize,
    pub text: Result<String, FieldError>,
    /// The raw bytes, for the rejects file.
    pub raw: Vec<u8>,
}

pub struct Lines<R> {
    reader: R,
    number: usize,
    bytes_read: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            number: 0,
            bytes_read: 0,
            buf: Vec::with_capacity(8 * 1024),
        }
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next non-blank line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.bytes_read += n as u64;
            self.number += 1;
            let mut bytes: &[u8] = &self.buf;
            if bytes.last() == Some(&b'\n') {
                bytes = &bytes[..bytes.len() - 1];
            }
            let text = check_line(self.number, bytes);
            if let Ok(t) = &text
                && t.trim().is_empty()
            {
                continue;
            }
            return Ok(Some(Line {
                number: self.number,
                text,
                raw: bytes.to_vec(),
            }));
        }
    }
}

fn check_line(number: usize, bytes: &[u8]) -> Result<String, FieldError> {
    if number == 1 && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(FieldError::new(
            "",
            "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM \
             (e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`)",
        ));
    }
    if bytes.last() == Some(&b'\r') {
        return Err(FieldError::new(
            "",
            "ends with a carriage return (Windows CRLF line ending); save the file with LF line \
             endings (e.g. `sed -i 's/\\r$//' FILE`)",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(FieldError::new(
            "",
            format!(
                "is not valid UTF-8 (bad byte at byte {} of the line); save the file as UTF-8",
                e.valid_up_to() + 1
            ),
        )),
    }
}
