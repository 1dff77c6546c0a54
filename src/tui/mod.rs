//! The terminal screens, one folder each: reviewing (`review::ReviewApp`), curating
//! (`curate::CurateApp`) and adjudicating AI-judge disputes (`adjudicate::AdjudicateApp`).
//! Each holds its app state, its worker's commands and replies, and its drawing, over a
//! shared core that names no screen.
//!
//! One loop (`session.rs`): the input thread and the store worker send `Event`s; a key goes
//! through the keymap to an `Action` and `update(action)`, a worker's answer to the screen's
//! own `reply`; both change the state and queue store commands; `draw` draws it. Only the
//! worker thread touches the database, so typing never waits on disk. The review and
//! adjudication screens share their claim, draft and submit steps through `desk/`.

// The screens.
pub mod adjudicate;
pub mod curate;
pub mod review;

// The core: the loop and its threads, the key table, and what the screens are built from.
pub mod action;
pub mod desk;
pub mod draft;
pub mod event;
pub mod frame;
mod hangup;
pub mod help;
pub mod keymap;
pub mod keys;
pub mod list_cursor;
pub mod message;
pub mod session;
pub mod text;
pub mod thread;
pub mod widgets;
pub mod worker;

pub use adjudicate::run_adjudicate;
pub use curate::{CurateOptions, run_curate};
pub(crate) use hangup::ignore_hangup;
pub use hangup::{hung_up, session_gone};
pub use review::run_review;

#[cfg(test)]
mod test_support;
