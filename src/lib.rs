//! medcurate: a terminal workstation for building medical LLM benchmarks.
//!
//! Layers, dependencies pointing one way:
//! `domain` (pure rules) <- `store` (the only SQL) <- `import` (files in) <- `cli` (people).
//! `os` (accounts) and `files` (the only file-system access) sit under all of them; `host`
//! (single-user or shared mode, host setup and check) sits beside `import`.

pub mod cli;
pub mod domain;
pub mod files;
pub mod host;
pub mod import;
pub mod os;
pub mod release;
pub mod sample;
pub mod store;
pub mod synth;
pub mod tui;
