//! The help overlay's state; `widgets/help.rs` draws it.

use super::action::Action;
use super::keymap::Context;

/// The open help: the context it describes (the one under it) and how far it is scrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    pub context: Context,
    pub scroll: usize,
}

impl Help {
    /// The help opened on `under` if it was closed; closed if it was open.
    pub fn toggled(help: Option<Help>, under: Context) -> Option<Help> {
        match help {
            Some(_) => None,
            None => Some(Help {
                context: under,
                scroll: 0,
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
