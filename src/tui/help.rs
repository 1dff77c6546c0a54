//! The help overlay's state: the keys of the context under it, or the last messages;
//! `widgets/help.rs` and `widgets/message_log.rs` draw them.

use super::action::Action;
use super::keymap::Context;

/// The open help: the context it describes (the one under it), how far it is scrolled, and
/// whether it shows the last messages instead of the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    pub context: Context,
    pub scroll: usize,
    pub messages: bool,
}

impl Help {
    /// The help opened on `under` if it was closed; closed if it, or the messages, were
    /// open (`?`, `q` and Esc close either).
    pub fn toggled(help: Option<Help>, under: Context) -> Option<Help> {
        match help {
            Some(_) => None,
            None => Some(Help {
                context: under,
                scroll: 0,
                messages: false,
            }),
        }
    }

    /// The last messages opened over `under`; closed if they were showing; from the keys'
    /// help they take its place.
    pub fn messages_toggled(help: Option<Help>, under: Context) -> Option<Help> {
        match help {
            Some(h) if h.messages => None,
            Some(h) => Some(Help {
                context: h.context,
                scroll: 0,
                messages: true,
            }),
            None => Some(Help {
                context: under,
                scroll: 0,
                messages: true,
            }),
        }
    }

    /// Up and Down scroll; nothing else does anything while the help is open.
    pub fn update(&mut self, action: &Action) {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll += 1,
            _ => {}
        }
    }
}
