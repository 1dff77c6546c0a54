//! Pure domain types and rules: no I/O, no SQL, no terminal.

pub mod agreement;
pub mod coverage;
pub mod curation;
pub mod departments;
pub mod diff;
pub mod difficulty;
pub mod entity_types;
pub mod evaluate;
pub mod field_error;
pub mod find;
pub mod hash;
pub mod history_text;
pub mod identity;
pub mod item;
pub mod judge;
pub mod judge_export;
pub mod people;
pub mod plan;
pub mod release;
pub mod review;
pub mod rng;
pub mod routing;
pub mod sampling;
pub mod validate;
pub mod workflow;
pub mod workload;
