//! What an update of the open work reports to its screen: the work changed (save the draft),
//! a message, or a step only the screen can take.

use crate::tui::message::Message;

/// How the open work was reached, which decides where to go after submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Claimed: after submit or skip, the next one from the same place.
    Claim,
    /// Reopened from the person's own list: back to the list afterwards.
    Reopen,
}

/// What the app must do after the open work's update.
#[derive(Debug, Default, PartialEq)]
pub struct Effect {
    /// The work changed: save the draft.
    pub changed: bool,
    /// A message for the status bar.
    pub message: Option<Message>,
    /// A step the app takes: submit, skip or leave.
    pub request: Option<Request>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Submit,
    Skip,
    Back,
}

impl Effect {
    pub fn changed() -> Effect {
        Effect {
            changed: true,
            ..Effect::default()
        }
    }
    pub fn info(msg: impl Into<String>) -> Effect {
        Effect {
            message: Some(Message::info(msg)),
            ..Effect::default()
        }
    }
    pub fn error(msg: impl Into<String>) -> Effect {
        Effect {
            message: Some(Message::error(msg)),
            ..Effect::default()
        }
    }
    pub fn request(r: Request) -> Effect {
        Effect {
            request: Some(r),
            ..Effect::default()
        }
    }
}
