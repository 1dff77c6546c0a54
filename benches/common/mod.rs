//! What the benchmarks share: the workspace they start from (`workspace`: synthetic items
//! imported into three datasets, 300 annotators), two submitted reviews of every item
//! (`reviews`), specialties and departments to route by (`routing`), running this executable again as a child process (`child`), and timing calls
//! by wall clock and by the thread's CPU time, with the tables that show them (`timing`).

// Each benchmark uses only part of what is here.
#![allow(dead_code, unused_imports)]

pub mod child;
pub mod reviews;
pub mod routing;
pub mod timing;
pub mod workspace;

pub use child::*;
pub use timing::*;
pub use workspace::*;
