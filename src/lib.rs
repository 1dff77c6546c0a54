//! medcurate: a terminal workstation for building medical LLM benchmarks.
//!
//! Layers, dependencies pointing one way:
//! `domain` (pure rules) <- `store` (the only SQL) <- `import` (files in) <- `cli` (people).

pub mod cli;
pub mod domain;
pub mod import;
pub mod release;
pub mod sample;
pub mod store;
pub mod synth;
pub mod tui;
