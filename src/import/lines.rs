//! Reads JSONL one line at a time, refusing what a JSON parser would silently mangle:
//! bytes that are not UTF-8, a byte-order mark, Windows line endings (see `check_line`).

use crate::domain::field_error::FieldError;
use std::io::{self, BufRead};

/// One line of a file: its 1-based number and its bytes (without the newline).
pub struct Line {
    pub number: usize,
    pub bytes: Vec<u8>,
}

pub struct Lines<R> {
    reader: R,
    number: usize,
    bytes_read: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            number: 0,
            bytes_read: 0,
        }
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next line that is not blank, or `None` at the end of the file.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            let mut bytes = Vec::new();
            let n = self.reader.read_until(b'\n', &mut bytes)?;
            if n == 0 {
                return Ok(None);
            }
            self.bytes_read += n as u64;
            self.number += 1;
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(Line {
                number: self.number,
                bytes,
            }));
        }
    }
}

pub(super) fn check_line(number: usize, bytes: &[u8]) -> Result<&str, FieldError> {
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
    std::str::from_utf8(bytes).map_err(|e| {
        FieldError::new(
            "",
            format!(
                "is not valid UTF-8 (bad byte at byte {} of the line); save the file as UTF-8",
                e.valid_up_to() + 1
            ),
        )
    })
}
