//! The one key table. It drives key handling (`action_for`), the help overlay (`help_rows`)
//! and the status bar's key reminder (`hint`), so what the help and the footer say is what
//! the keys do. The rows of each screen live in a file of their own; the rows every screen
//! shares are here.
//!
//! A key means one thing on every screen:
//! - `j` `k` and the arrows move one row: the cursor in a list, else the text scrolls;
//!   PgUp PgDn a page; `g` `G` the top and the end. Rubric points and criteria are chosen
//!   with their number or Tab and Shift-Tab, never with `j` `k`.
//! - Enter opens or chooses what the cursor is on (in a dialog: yes); Space tags or untags
//!   in a list of departments; Tab goes to the next list, pane or criterion.
//! - `q` and Esc go back (quit from the first screen; while typing only Esc); `?` the keys;
//!   `M` the last messages, whole; `R` reloads; `/` searches or finds.
//! - Letters name a step and do that step wherever it exists: `p` pass, `f` fail, `u` clear
//!   (a verdict, a mark, a filter), `s` submit, `x` skip (give it back), `m` met, `n` not
//!   met (in a dialog: no), `t` departments, `e` edit the item, `c` comment, `r` reason, `d`
//!   dataset, `h` history, `a` accept, `o` reopen. Capitals are for what is rarer or weightier: `D`
//!   discard, `N` names shown or hidden, `A` agreement, `R` reload; `%` is the score from
//!   the points, `=` `[` `]` type, lower or raise the score.

mod adjudicate;
mod context;
mod curate;
mod footer;
mod review;
#[cfg(test)]
mod tests;

pub use context::Context;
pub use footer::{Footer, FooterKey, Rank};

use super::action::Action;
use Context as C;
use KeyCode as K;
use Scope::In;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which contexts a binding works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every command-mode context (not while typing).
    Commands,
    /// Every context, text mode included.
    Everywhere,
    /// One context.
    In(Context),
}

impl Scope {
    fn covers(self, ctx: Context) -> bool {
        match self {
            Scope::Commands => !ctx.is_text(),
            Scope::Everywhere => true,
            Scope::In(c) => c == ctx,
        }
    }
}

/// A key with its modifiers. Shift is not part of a char key: 'G' is already upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// The table's form of a key event.
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Key {
            code: ev.code,
            mods,
        }
    }

    /// How the help overlay shows the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

pub struct Binding {
    pub key: Key,
    pub scope: Scope,
    pub action: Action,
    pub description: &'static str,
    /// The word the footer shows after the key; the description's first word if none.
    pub short: Option<&'static str>,
    /// One of the context's main steps: the footer shows it before the others.
    pub main: bool,
}

const fn b(key: Key, scope: Scope, action: Action, description: &'static str) -> Binding {
    Binding {
        key,
        scope,
        action,
        description,
        short: None,
        main: false,
    }
}

impl Binding {
    /// Marks one of the context's main steps, shown first in the footer.
    const fn main(mut self) -> Binding {
        self.main = true;
        self
    }

    /// The footer's word for the key, when the description's first word will not do.
    const fn short(mut self, word: &'static str) -> Binding {
        self.short = Some(word);
        self
    }
}

/// The action a key asks for in `ctx`. In text mode every key not in the table is typed.
pub fn action_for(ctx: Context, ev: KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let key = Key::from_event(&ev);
    let specific = bindings().find(|b| b.key == key && b.scope == Scope::In(ctx));
    let general = || {
        bindings().find(|b| b.key == key && !matches!(b.scope, Scope::In(_)) && b.scope.covers(ctx))
    };
    match specific.or_else(general) {
        Some(b) => Some(b.action.clone()),
        None if ctx.is_text() => Some(Action::Input(ev)),
        None => None,
    }
}

/// The help for `ctx`: (keys, description) rows, keys of the same description joined, the
/// context's own rows first and the general ones after.
pub fn help_rows(ctx: Context) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    let own = bindings().filter(|b| b.scope == Scope::In(ctx));
    let general = bindings().filter(|b| !matches!(b.scope, Scope::In(_)) && b.scope.covers(ctx));
    for bind in own.chain(general) {
        // A key already bound in this context hides the general binding.
        if !matches!(bind.scope, Scope::In(_))
            && bindings().any(|o| o.key == bind.key && o.scope == Scope::In(ctx))
        {
            continue;
        }
        match rows.iter_mut().find(|(_, d)| *d == bind.description) {
            Some((keys, _)) => {
                keys.push(' ');
                keys.push_str(&bind.key.label());
            }
            None => rows.push((bind.key.label(), bind.description)),
        }
    }
    if ctx.is_text() {
        rows.push(("other keys".into(), "type text"));
    }
    rows
}

/// The status bar's key reminder for `ctx`, fitted to a width when drawn
/// (`Footer::fit`): the way out and `?` always, the main steps first.
pub fn hint(ctx: Context) -> Footer {
    footer::footer(ctx)
}

/// Every key binding: the shared rows, then each screen's. Context-specific rows win over
/// `Commands`/`Everywhere` rows.
pub static BINDINGS: &[&[Binding]] = &[
    SHARED,
    review::BINDINGS,
    curate::BINDINGS,
    adjudicate::BINDINGS,
];

/// The rows of the table, in order.
pub fn bindings() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().flat_map(|rows| rows.iter())
}

#[rustfmt::skip]
static SHARED: &[Binding] = &[
    // Everywhere
    b(Key::ctrl('c'), Scope::Everywhere, Action::Quit, "quit (the draft is saved first; asks if it cannot be)"),
    b(Key::ch('?'), Scope::Commands, Action::ToggleHelp, "show or hide this help"),
    b(Key::ch('M'), Scope::Commands, Action::ToggleMessages, "the last messages, whole (again: close)"),
    // Finding an item: the query (text), then the matches
    b(Key::plain(K::Enter), In(C::FindItem), Action::Done, "search").main(),
    b(Key::plain(K::Esc), In(C::FindItem), Action::Cancel, "cancel"),
    b(Key::ch('k'), In(C::Found), Action::Up, "previous match"),
    b(Key::plain(K::Up), In(C::Found), Action::Up, "previous match"),
    b(Key::ch('j'), In(C::Found), Action::Down, "next match"),
    b(Key::plain(K::Down), In(C::Found), Action::Down, "next match"),
    b(Key::ch('g'), In(C::Found), Action::Top, "first match"),
    b(Key::ch('G'), In(C::Found), Action::Bottom, "last match"),
    b(Key::plain(K::Enter), In(C::Found), Action::Open, "open this item").main(),
    b(Key::ch('/'), In(C::Found), Action::FindItem, "search again").main(),
    b(Key::ch('q'), In(C::Found), Action::Back, "back to the lists"),
    b(Key::plain(K::Esc), In(C::Found), Action::Back, "back to the lists"),
    // Confirm
    b(Key::ch('y'), In(C::Confirm), Action::Confirm, "yes"),
    b(Key::plain(K::Enter), In(C::Confirm), Action::Confirm, "yes"),
    b(Key::ch('n'), In(C::Confirm), Action::Cancel, "no"),
    b(Key::ch('q'), In(C::Confirm), Action::Cancel, "no"),
    b(Key::plain(K::Esc), In(C::Confirm), Action::Cancel, "no"),
    // Help
    b(Key::ch('k'), In(C::Help), Action::Up, "scroll up"),
    b(Key::plain(K::Up), In(C::Help), Action::Up, "scroll up"),
    b(Key::ch('j'), In(C::Help), Action::Down, "scroll down"),
    b(Key::plain(K::Down), In(C::Help), Action::Down, "scroll down"),
    b(Key::ch('?'), In(C::Help), Action::ToggleHelp, "close the help"),
    b(Key::ch('q'), In(C::Help), Action::ToggleHelp, "close the help"),
    b(Key::plain(K::Esc), In(C::Help), Action::ToggleHelp, "close the help"),
];
