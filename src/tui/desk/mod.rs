//! What the review and adjudication screens share: a list to choose from, and one piece of
//! work open at a time (a review of an item, a decision on a dispute), claimed or reopened,
//! its draft saved as it is made, submitted or given back through a confirm step.
//!
//! A screen's app holds its list and a `Desk`. `Desk::update` takes the actions that every
//! such screen handles alike and hands back those meant for the list; the screen turns the
//! list's requests and its worker's replies into the desk's steps (`steps.rs`, `saving.rs`).
//! The open work plugs in as a `Work`, its drawing as a `WorkView` (`draw.rs`).

mod draw;
mod effect;
mod saving;
mod steps;

pub use draw::{Dialog, WorkView, draw};
pub use effect::{Effect, Origin, Request};

use crate::tui::action::Action;
use crate::tui::draft::{DraftCommand, DraftSaver};
use crate::tui::help::Help;
use crate::tui::keymap::{self, Context};
use crate::tui::keys::NO_PASTE;
use crate::tui::message::{Message, MessageLog};
use crate::tui::widgets::status_bar::Status;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

/// What the screen shows: the list, or the open work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    /// The open work; with none open it shows that the next one is on its way.
    Open,
}

/// The step a confirm dialog is asking about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKind {
    Submit,
    Skip,
    /// Leave the open draft while the store does not have it.
    LeaveUnsaved,
    /// Quit while a draft is NOT SAVED.
    QuitUnsaved,
    /// Throw away the change to a submitted one: what was submitted stands.
    DiscardChange,
}

/// A store step of the desk's, waited for with "loading" on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Claiming (or resuming) the next one.
    Claim,
    /// Opening one of the person's own.
    Open,
    /// Submitting the open one.
    Submit,
    /// Giving it back.
    Release,
    /// Throwing away the change to a submitted one.
    Discard,
}

/// A piece of work the desk opens: its state, what keys do to it, and its store commands.
pub trait Work {
    type Command: Commands;
    /// How the screen names its work in messages.
    const WORDS: Words;
    /// Where the keyboard is while the next one is on its way.
    const WAITING: Context;
    /// The id the store keeps its draft under.
    fn id(&self) -> i64;
    /// It was submitted before: changes count only when it is submitted again.
    fn submitted(&self) -> bool;
    /// It was submitted before and changed since: the change is a draft of its own, beside
    /// what was submitted, until it is submitted again or thrown away.
    fn changed(&self) -> bool;
    /// How it was reached.
    fn origin(&self) -> Origin;
    /// What is still missing before it can be submitted.
    fn problems(&self) -> Vec<String>;
    /// Which part of it has the keyboard.
    fn context(&self) -> Context;
    /// Applies an action; `main` is the screen area above the status bar (for paging).
    fn update(&mut self, action: Action, main: Rect) -> Effect;
    /// The save of its draft as it stands.
    fn save(&self) -> Self::Command;
    /// Its submit as it stands.
    fn submit(&self) -> Self::Command;
}

/// The store commands the desk sends besides the open work's own.
pub trait Commands: DraftCommand {
    /// Load the list (and the person's own work) again.
    fn reload() -> Vec<Self>;
    /// Load again what the open work shows of the list (its progress), after a submit that
    /// goes on to the next one: the rest is loaded when the list is shown again.
    fn progress() -> Vec<Self> {
        Self::reload()
    }
    /// Resume the open claim or claim the next one (in this dataset, if given).
    fn claim(scope: Option<String>) -> Self;
    /// Open one of the person's own.
    fn open(id: i64) -> Self;
    /// Give it back.
    fn release(id: i64) -> Self;
    /// Throw away the change to submitted one `id`, and load it as it was submitted.
    fn discard_change(id: i64) -> Self;
}

/// How a screen names its work and its list, for the desk's messages.
pub struct Words {
    /// Where leaving goes: "the queue".
    pub list: &'static str,
    /// What a claim gets: "the next item".
    pub next: &'static str,
    /// Said while one of the person's own opens: "Opening your review…".
    pub opening: &'static str,
    /// Nothing is left to claim: "Nothing left for you to review".
    pub nothing_left: &'static str,
    /// A skip went through: "Skipped: the item goes to someone else".
    pub skipped: &'static str,
    /// Skipping a submitted one is refused: "A submitted review cannot be skipped; …".
    pub cannot_skip: &'static str,
    /// Said while it is given back: "Giving the item back…".
    pub giving_back: &'static str,
    /// The open view while the next one is on its way: "Getting the next item…".
    pub getting: &'static str,
    /// The open view with nothing open: "No item open. q goes back to the queue.".
    pub none_open: &'static str,
}

/// The shared part of a review or adjudication screen's state.
pub struct Desk<W: Work> {
    pub view: View,
    pub open: Option<W>,
    pub help: Option<Help>,
    pub confirm: Option<ConfirmKind>,
    pub message: Option<Message>,
    /// The last messages, for the message overlay.
    pub log: MessageLog,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// The store step being waited for, shown as "loading".
    pub busy: Option<Step>,
    /// Where "the next one" comes from: one dataset, or all of them.
    pub scope: Option<String>,
    pub quit: bool,
    draft: DraftSaver<W::Command>,
    /// The draft whose "saved" is to be said when the store confirms it (it was left with
    /// a save on its way).
    announce: Option<i64>,
    /// How the work being loaded was asked for.
    pending_origin: Origin,
    /// What the last step did ("Submitted…"), said again when the next one arrives.
    carry: Option<String>,
    outbox: Vec<W::Command>,
}

impl<W: Work> Desk<W> {
    /// A desk on the list, loading it.
    pub fn new(size: (u16, u16)) -> Desk<W> {
        Desk {
            view: View::List,
            open: None,
            help: None,
            confirm: None,
            message: None,
            log: MessageLog::default(),
            size,
            busy: None,
            scope: None,
            quit: false,
            draft: DraftSaver::default(),
            announce: None,
            pending_origin: Origin::Claim,
            carry: None,
            outbox: W::Command::reload(),
        }
    }

    /// The store commands to send, oldest first.
    pub fn take_commands(&mut self) -> Vec<W::Command> {
        std::mem::take(&mut self.outbox)
    }

    /// The screen area above the status bar.
    pub fn main_area(&self) -> Rect {
        crate::tui::frame::main_area(self.size)
    }

    /// Where the keyboard is now; `list` is where it is on the list.
    pub fn context(&self, list: Context) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        match (self.view, &self.open) {
            (View::Open, Some(w)) => w.context(),
            (View::Open, None) => W::WAITING,
            (View::List, _) => list,
        }
    }

    /// A key, through the key table for the current context (`list` on the list). A message
    /// stays until the next key; then the key hints show again.
    pub fn key_action(&mut self, key: KeyEvent, list: Context) -> Option<Action> {
        let action = keymap::action_for(self.context(list), key)?;
        self.message = None;
        Some(action)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.say(Message::info(text));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.say(Message::error(text));
    }

    /// Shows `m` in the status bar and keeps it in the log.
    fn say(&mut self, m: Message) {
        self.log.push(&m);
        self.message = Some(m);
    }

    /// Takes what every desk screen does alike; gives back an action meant for the list
    /// (the view is on the list and no dialog or help is over it). `list` is the list's
    /// context.
    pub fn update(&mut self, action: Action, list: Context) -> Option<Action> {
        match action {
            Action::Resize(w, h) => self.size = (w, h),
            Action::Quit => self.ask_quit(),
            Action::Exit => self.exit(),
            Action::ToggleHelp => self.help = Help::toggled(self.help, self.context(list)),
            Action::ToggleMessages => {
                self.help = Help::messages_toggled(self.help, self.context(list))
            }
            Action::PasteRefused(why) => self.error(why),
            Action::Paste(_) if !self.context(list).is_text() => self.error(NO_PASTE),
            Action::Confirm => self.confirmed(),
            Action::ConfirmSubmit => self.confirm_submit(),
            Action::ConfirmSkip => self.confirm_skip(),
            other => return self.route(other),
        }
        None
    }

    /// Actions that depend on where the keyboard is.
    fn route(&mut self, action: Action) -> Option<Action> {
        if let Some(help) = self.help.as_mut() {
            help.update(&action);
            return None;
        }
        if self.confirm.is_some() {
            if action == Action::Cancel {
                self.cancelled();
            }
            return None;
        }
        match self.view {
            View::List => return Some(action),
            View::Open => self.route_open(action),
        }
        None
    }

    fn route_open(&mut self, action: Action) {
        let main = self.main_area();
        let Some(w) = self.open.as_mut() else {
            // Waiting for the next one: only leaving makes sense.
            if action == Action::Back {
                self.back_to_list();
            }
            return;
        };
        if self.busy == Some(Step::Discard) {
            // It comes back as it was submitted in a moment; a change now would outlive that.
            return;
        }
        let Effect {
            changed,
            message,
            request,
        } = w.update(action, main);
        if changed {
            self.draft.changed(&mut self.outbox, || save_of(&self.open));
        }
        if let Some(m) = message {
            self.say(m);
        }
        match request {
            Some(Request::Submit) => self.ask_submit(),
            Some(Request::Skip) => self.ask_skip(),
            Some(Request::Back) => self.leave(),
            None => {}
        }
    }

    /// The status bar: `who` at `place` with `progress`; the draft's state, the message and
    /// the key hints are the desk's (`list` is the list's context).
    pub fn status<'a>(
        &'a self,
        who: &'a str,
        place: String,
        progress: String,
        list: Context,
    ) -> Status<'a> {
        Status {
            who,
            place,
            progress,
            save: self.save_state(),
            message: self.message.as_ref().map(|m| (m.text.as_str(), m.error)),
            hint: keymap::hint(self.context(list)),
        }
    }
}

/// The save of the open draft: a claimed one's draft, or a submitted one's change (which the
/// store keeps beside what was submitted).
fn save_of<W: Work>(open: &Option<W>) -> Option<W::Command> {
    open.as_ref().map(W::save)
}
