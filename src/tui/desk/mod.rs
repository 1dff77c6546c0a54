//! What the review and adjudication screens share: one piece of work open at a time, claimed
//! or reopened, its draft saved as it is made, submitted or given back through a confirm step.

mod effect;

pub use effect::{Effect, Origin, Request};

/// The step a confirm dialog is asking about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Submit,
    Skip,
    /// Leave the open draft while the store does not have it.
    LeaveUnsaved,
    /// Quit while a draft is NOT SAVED.
    QuitUnsaved,
}
