//! Reads the elements of a JSON array file (`[ {...}, {...} ]`, pretty-printed or not) one at
//! a time, as CBLUE ships its splits: each element's bytes are found by tracking strings and
//! brackets, so memory holds one element, never the file.

use crate::domain::field_error::FieldError;
use std::io::{self, BufRead};

/// Where the reader stands between elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// After `[`: an element or `]` comes next.
    First,
    /// After an element: `,` or `]` comes next.
    After,
    /// After `]`, or after a problem that ends the reading.
    Done,
}

pub struct ArrayElements<R> {
    reader: R,
    state: State,
    number: usize,
    bytes_read: u64,
}

/// What the next read found.
pub enum Element {
    /// Element `number` (1-based) and its bytes.
    Value(usize, Vec<u8>),
    /// The array is malformed at element `number`; nothing after it can be read.
    Broken(usize, FieldError),
}

impl<R: BufRead> ArrayElements<R> {
    pub fn new(reader: R) -> Self {
        ArrayElements {
            reader,
            state: State::Start,
            number: 0,
            bytes_read: 0,
        }
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.reader.fill_buf()?.first().copied())
    }

    fn consume(&mut self, n: usize) {
        self.reader.consume(n);
        self.bytes_read += n as u64;
    }

    /// Skips JSON whitespace; returns the next byte, not consumed.
    fn skip_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(None);
            }
            let n = buf
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
            match n {
                Some(i) => {
                    let next = buf[i];
                    self.consume(i);
                    return Ok(Some(next));
                }
                None => {
                    let len = buf.len();
                    self.consume(len);
                }
            }
        }
    }

    fn broken(&mut self, message: impl Into<String>) -> Option<Element> {
        self.state = State::Done;
        Some(Element::Broken(
            self.number.max(1),
            FieldError::new("", message),
        ))
    }

    /// The next element, a problem that ends the reading, or `None` after the closing `]`.
    pub fn next_element(&mut self) -> io::Result<Option<Element>> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    if self.reader.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) {
                        return Ok(self.broken(
                            "the file starts with a byte-order mark (BOM); save it as UTF-8 \
                             without BOM (e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`)",
                        ));
                    }
                    if self.skip_space()? != Some(b'[') {
                        return Ok(self.broken("is not a JSON array; the file must start with ["));
                    }
                    self.consume(1);
                    self.state = State::First;
                }
                State::First | State::After => {
                    let first = self.state == State::First;
                    match self.skip_space()? {
                        Some(b']') => {
                            self.consume(1);
                            self.state = State::Done;
                            if self.skip_space()?.is_some() {
                                self.number += 1;
                                return Ok(self.broken(
                                    "comes after the array's closing ]; a JSON array file holds \
                                     one array",
                                ));
                            }
                            return Ok(None);
                        }
                        Some(b',') if !first => {
                            self.consume(1);
                            if self.skip_space()? == Some(b']') {
                                self.number += 1;
                                return Ok(self.broken(
                                    "is missing: the array ends with a comma; remove the comma \
                                     after the last record",
                                ));
                            }
                        }
                        None => {
                            self.number += 1;
                            return Ok(self.broken(
                                "is cut short: the file ends before the array's closing ]",
                            ));
                        }
                        Some(_) if !first => {
                            self.number += 1;
                            return Ok(self.broken(
                                "does not follow a comma; separate the records of the array with \
                                 commas",
                            ));
                        }
                        Some(_) => {}
                    }
                    self.number += 1;
                    self.state = State::After;
                    return match self.read_value()? {
                        Some(bytes) => Ok(Some(Element::Value(self.number, bytes))),
                        None => Ok(self.broken(
                            "is cut short: the file ends inside it; the array must end with ]",
                        )),
                    };
                }
            }
        }
    }

    /// One JSON value's bytes, from here to its end; `None` if the file ends inside it.
    /// Brackets inside strings do not count; a scalar ends at `,`, `]` or whitespace.
    fn read_value(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let scalar = !matches!(self.peek()?, Some(b'{' | b'['));
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(if scalar && !out.is_empty() && !in_string {
                    Some(out)
                } else {
                    None
                });
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if !scalar => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    b',' | b']' | b' ' | b'\t' | b'\n' | b'\r' if scalar && depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let n = end.unwrap_or(buf.len());
            out.extend_from_slice(&buf[..n]);
            self.consume(n);
            if end.is_some() {
                return Ok(Some(out));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        // A tiny buffer, so elements and strings cross buffer boundaries.
        let mut a = ArrayElements::new(io::BufReader::with_capacity(3, text.as_bytes()));
        let mut out = Vec::new();
        while let Some(e) = a.next_element().unwrap() {
            out.push(match e {
                Element::Value(n, b) => format!("{n}={}", String::from_utf8(b).unwrap()),
                Element::Broken(n, e) => format!("{n}! {e}"),
            });
        }
        out
    }

    #[test]
    fn elements_of_a_pretty_printed_array() {
        let text = "[\n  {\n    \"text\": \"a]}\\\"[\",\n    \"e\": [1, {\"x\": 2}]\n  },\n  {\"text\": \"心\"}\n]\n";
        assert_eq!(
            read(text),
            vec![
                "1={\n    \"text\": \"a]}\\\"[\",\n    \"e\": [1, {\"x\": 2}]\n  }",
                "2={\"text\": \"心\"}"
            ]
        );
        assert_eq!(read("[ ]"), Vec::<String>::new());
        assert_eq!(read("[1, \"s\" ,null]"), vec!["1=1", "2=\"s\"", "3=null"]);
    }

    #[test]
    fn a_malformed_array_names_the_record() {
        assert_eq!(
            read("[{\"a\":1},]"),
            vec![
                "1={\"a\":1}",
                "2! is missing: the array ends with a comma; remove the comma after the last record"
            ]
        );
        assert_eq!(
            read("[{\"a\":1} {\"b\":2}]"),
            vec![
                "1={\"a\":1}",
                "2! does not follow a comma; separate the records of the array with commas"
            ]
        );
        assert_eq!(
            read("[{\"a\":1},\n{\"b\":"),
            vec![
                "1={\"a\":1}",
                "2! is cut short: the file ends inside it; the array must end with ]"
            ]
        );
        assert_eq!(
            read("[{\"a\":1}"),
            vec![
                "1={\"a\":1}",
                "2! is cut short: the file ends before the array's closing ]"
            ]
        );
        assert_eq!(
            read("[{}] [{}]"),
            vec![
                "1={}",
                "2! comes after the array's closing ]; a JSON array file holds one array"
            ]
        );
    }
}
