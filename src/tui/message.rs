//! The status bar's message: what the last step did, or why it could not be done.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

impl Message {
    pub fn info(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            error: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Message {
        Message {
            text: text.into(),
            error: true,
        }
    }
}
