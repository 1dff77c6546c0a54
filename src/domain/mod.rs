//! Pure domain types and rules: no I/O, no SQL, no terminal.

pub mod departments;
pub mod field_error;
pub mod hash;
pub mod identity;
pub mod item;
pub mod people;
pub mod review;
pub mod validate;
pub mod workflow;
