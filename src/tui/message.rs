//! The status bar's message: what the last step did, or why it could not be done; and the
//! last messages, kept so they can be read again whole (the message overlay).

use std::collections::VecDeque;

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

/// The last messages a screen said, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageLog {
    entries: VecDeque<Message>,
}

impl MessageLog {
    /// How many messages are kept.
    pub const KEEP: usize = 50;

    /// Keeps `m`; the same message twice in a row is kept once.
    pub fn push(&mut self, m: &Message) {
        if self.entries.back() == Some(m) {
            return;
        }
        if self.entries.len() == Self::KEEP {
            self.entries.pop_front();
        }
        self.entries.push_back(m.clone());
    }

    /// Newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Message> {
        self.entries.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_last_messages_newest_first() {
        let mut log = MessageLog::default();
        for i in 0..MessageLog::KEEP + 5 {
            log.push(&Message::info(format!("m{i}")));
        }
        log.push(&Message::error("again"));
        log.push(&Message::error("again"));
        assert_eq!(log.len(), MessageLog::KEEP);
        let texts: Vec<&str> = log.newest_first().map(|m| m.text.as_str()).collect();
        assert_eq!(texts[0], "again");
        assert_eq!(texts[1], format!("m{}", MessageLog::KEEP + 4));
        assert!(!texts.contains(&"m0"));
    }
}
