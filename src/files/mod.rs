//! The only place that touches the file system (clippy's `disallowed-methods` keeps
//! `std::fs` out of every other module).
//!
//! - [`user`]: files a person names (inputs, exports, release folders, their config file),
//!   opened with that person's own rights, and never on the database or in its directory.
//! - [`service`]: the workspace's own files (the database's directory, its WAL size, a host's
//!   installation), with the rights the process runs under.
#![allow(clippy::disallowed_methods)]

mod rights;
pub mod service;
pub mod user;

pub use rights::{as_account, as_person, fix_umask as rights_startup, is_setuid, person_umask};
