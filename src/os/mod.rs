//! The operating system's view of who is running: accounts from the kernel and the
//! password database.

pub mod account;
