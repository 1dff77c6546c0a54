//! The status bar's key reminder, made from the key table: each context's keys with a word
//! each ("p pass  f fail  s submit"), fitted to the terminal's width. The way out (`q`, or
//! Esc while typing) and `?` always show; the keys marked main come next; the rest show while
//! they fit, and `? more` (not `? help`) says that some did not.

use super::{Binding, Context, Scope, bindings};
use crate::tui::action::Action;
use crate::tui::text;
use crossterm::event::KeyCode;

/// Columns between two keys of the footer.
pub const GAP: usize = 2;

/// How much a key's place in the footer matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// The way out and the help: always shown.
    Always,
    /// The context's main steps: shown before the rest.
    Main,
    /// Shown while there is room.
    More,
}

/// One key of the footer: "s" and "submit".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FooterKey {
    pub key: String,
    pub word: String,
    pub rank: Rank,
}

impl FooterKey {
    fn width(&self) -> usize {
        text::width(&self.key) + 1 + text::width(&self.word)
    }
}

/// The footer of a context: its keys in table order, the help key last.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footer {
    pub keys: Vec<FooterKey>,
}

/// Moving keys (arrows, j/k, digits, Tab between criteria) are left to the help.
fn is_movement(action: &Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::SelectCriterion(_)
            | Action::NextCriterion
            | Action::PrevCriterion
            | Action::SelectPoint(_)
            | Action::NextPoint
            | Action::PrevPoint
    )
}

/// The word after a key: the binding's own, else its description's first word without the
/// punctuation after it ("close, filter unchanged" gives "close").
fn word(b: &Binding) -> String {
    if let Some(s) = b.short {
        return s.to_string();
    }
    let first = b.description.split_whitespace().next().unwrap_or("");
    first
        .trim_end_matches(|c: char| c.is_ascii_punctuation())
        .to_string()
}

/// The footer of `ctx`.
pub fn footer(ctx: Context) -> Footer {
    let mut keys: Vec<FooterKey> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let own: Vec<&Binding> = bindings().filter(|b| b.scope == Scope::In(ctx)).collect();
    // The way out: `q` where it is bound, else Esc (while typing).
    let way_out = own
        .iter()
        .find(|b| b.key.code == KeyCode::Char('q'))
        .or_else(|| own.iter().find(|b| b.key.code == KeyCode::Esc))
        .map(|b| b.description);
    for b in own {
        if is_movement(&b.action) || seen.contains(&b.description) {
            continue;
        }
        seen.push(b.description);
        let out = Some(b.description) == way_out;
        let rank = if out {
            Rank::Always
        } else if b.main {
            Rank::Main
        } else {
            Rank::More
        };
        // The way out names `q` even where another key of the same meaning comes first
        // ("n/q no" in a dialog, "?/q close" in the help).
        let mut key = b.key.label();
        if out && !ctx.is_text() && b.key.code != KeyCode::Char('q') {
            key.push_str("/q");
        }
        keys.push(FooterKey {
            key,
            word: word(b),
            rank,
        });
    }
    if !ctx.is_text() && ctx != Context::Help {
        keys.push(FooterKey {
            key: "?".into(),
            word: "help".into(),
            rank: Rank::Always,
        });
    }
    Footer { keys }
}

impl Footer {
    /// The keys that fit in `width` columns with `GAP` between them, in table order. When
    /// some are left out, the help key says "more". The way out and the help key are kept
    /// even if nothing else fits.
    pub fn fit(&self, width: usize) -> Vec<FooterKey> {
        let total = |keys: &[&FooterKey]| -> usize {
            keys.iter().map(|k| k.width()).sum::<usize>() + GAP * keys.len().saturating_sub(1)
        };
        let all: Vec<&FooterKey> = self.keys.iter().collect();
        if total(&all) <= width {
            return self.keys.clone();
        }
        // "? more" is as wide as "? help"; what else fits is chosen by rank, then order.
        let mut chosen: Vec<usize> = Vec::new();
        for rank in [Rank::Always, Rank::Main, Rank::More] {
            for (i, k) in self.keys.iter().enumerate() {
                if k.rank != rank {
                    continue;
                }
                let mut trial: Vec<&FooterKey> = chosen.iter().map(|&j| &self.keys[j]).collect();
                trial.push(k);
                if rank == Rank::Always || total(&trial) <= width {
                    chosen.push(i);
                }
            }
        }
        chosen.sort_unstable();
        chosen
            .into_iter()
            .map(|i| {
                let mut k = self.keys[i].clone();
                if k.key == "?" {
                    k.word = "more".into();
                }
                k
            })
            .collect()
    }

    /// The footer as one line of text, fitted to `width` columns.
    pub fn text(&self, width: usize) -> String {
        let gap = " ".repeat(GAP);
        self.fit(width)
            .iter()
            .map(|k| format!("{} {}", k.key, k.word))
            .collect::<Vec<_>>()
            .join(&gap)
    }
}
