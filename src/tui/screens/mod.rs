//! One file per screen: its state, what actions do to it, and how it is drawn.

pub mod queue;
pub mod review;
mod review_draw;
mod review_input;
pub mod stats;
