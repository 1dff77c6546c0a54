//! How a command lists what is wrong with a file: the first problems, then a count.

use crate::import::MAX_SHOWN_ERRORS;
use std::fmt::Display;

/// Prints each problem as `error: ...`, the first `MAX_SHOWN_ERRORS` of them, then how many
/// more there are.
pub fn print<T: Display>(problems: &[T]) {
    for p in problems.iter().take(MAX_SHOWN_ERRORS) {
        eprintln!("error: {p}");
    }
    if problems.len() > MAX_SHOWN_ERRORS {
        eprintln!("... and {} more", problems.len() - MAX_SHOWN_ERRORS);
    }
}
