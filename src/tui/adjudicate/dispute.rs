//! One disputed response being decided: the expert's marks, score and reason as they stand,
//! and what each action does to them. Drawing is in `dispute_draw.rs`.
//!
//! `DisputeState` is the desk's `Work`: its `update` changes only this decision and reports an
//! `Effect`; the desk turns a change into a draft save and a request into a store step.

use super::dispute_draw::{rubric_total, text_lines, text_viewport};
use super::worker::Command;
use crate::domain::item::{Content, OpenEnded, points_text};
use crate::domain::judge::{Adjudication, MAX_REASON_CHARS};
use crate::store::{DisputeAssignment, ReviewStatus};
use crate::tui::action::Action;
use crate::tui::desk::{Effect, Origin, Request, Words, Work};
use crate::tui::keymap::Context;
use crate::tui::message::Message;
use crate::tui::text::too_long;
use crate::tui::widgets::line_input::LineInput;
use crate::tui::widgets::scroll_view::clamp;
use ratatui::layout::Rect;

/// The reason being typed, and the reason before (restored on Esc).
pub struct ReasonEdit {
    pub before: String,
    pub input: LineInput,
}

pub struct DisputeState {
    pub assignment: DisputeAssignment,
    /// The expert's decision as it stands (the draft).
    pub content: Adjudication,
    pub origin: Origin,
    /// Submitted, and changed since (here or before, the change kept as a draft).
    pub changed: bool,
    /// First line of the text pane shown.
    pub scroll: usize,
    /// The selected rubric point (0-based).
    pub point: usize,
    /// The score being typed.
    pub score_input: Option<LineInput>,
    pub reason: Option<ReasonEdit>,
}

/// A score as the screen shows it: at most three decimals, no trailing zeros.
pub fn fmt_score(s: f64) -> String {
    let t = format!("{s:.3}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() { "0".into() } else { t.into() }
}

/// A typed score: "0.75", ".75", "75%", full-width digits too; empty is no score.
pub fn parse_score(typed: &str) -> Result<Option<f64>, String> {
    let t: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' | ',' | '，' => '.',
            '％' => '%',
            c => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (t.as_str(), 1.0),
    };
    match num.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1.0).contains(&(v / scale)) => Ok(Some(v / scale)),
        Ok(_) => Err(format!(
            "{typed:?} is outside 0 to 1; type e.g. 0.75 (or 75%)"
        )),
        Err(_) => Err(format!(
            "{typed:?} is not a number; type e.g. 0.75 (or 75%)"
        )),
    }
}

impl DisputeState {
    /// The screen for a claimed or reopened dispute; the cursor starts on the first point
    /// not yet marked.
    pub fn new(assignment: DisputeAssignment, origin: Origin) -> DisputeState {
        let mut content = assignment.content.clone();
        let n = assignment.rubric_len();
        if content.points.len() != n {
            content.points.resize(n, None);
        }
        let point = content.points.iter().position(Option::is_none).unwrap_or(0);
        DisputeState {
            changed: assignment.changed,
            assignment,
            content,
            origin,
            scroll: 0,
            point,
            score_input: None,
            reason: None,
        }
    }

    pub fn open_ended(&self) -> Option<&OpenEnded> {
        match &self.assignment.item.body.content {
            Content::OpenEnded(o) => Some(o),
            _ => None,
        }
    }

    pub fn rubric_len(&self) -> usize {
        self.content.points.len()
    }

    /// The score the marked points give, weighted by their point values; `None` until every
    /// point is marked.
    pub fn points_score(&self) -> Option<f64> {
        let o = self.open_ended()?;
        let (met, total) = rubric_total(o, &self.content.points)?;
        let share = if total > 0.0 { met / total } else { 0.0 };
        Some((share * 100.0).round() / 100.0)
    }

    fn update_dispute(&mut self, action: Action, main: Rect) -> Effect {
        let page = text_viewport(main).height.max(2) as isize - 1;
        let n = self.rubric_len();
        match action {
            Action::Up => self.scroll_by(-1, main),
            Action::Down => self.scroll_by(1, main),
            Action::PageUp => self.scroll_by(-page, main),
            Action::PageDown => self.scroll_by(page, main),
            Action::Top => self.scroll_by(isize::MIN / 2, main),
            Action::Bottom => self.scroll_by(isize::MAX / 2, main),
            Action::SelectPoint(i) if i < n => self.point = i,
            Action::SelectPoint(i) => {
                return Effect::error(format!(
                    "The rubric has {}; there is no point {}",
                    points_text(n as f64),
                    i + 1
                ));
            }
            Action::NextPoint if n > 0 => self.point = (self.point + 1) % n,
            Action::PrevPoint if n > 0 => self.point = (self.point + n - 1) % n,
            Action::MarkMet => return self.mark(true),
            Action::MarkNotMet => return self.mark(false),
            Action::ClearMark => {
                return match self.content.points.get_mut(self.point) {
                    Some(p) if p.is_some() => {
                        *p = None;
                        Effect::changed()
                    }
                    _ => Effect::default(),
                };
            }
            Action::ScoreUp => return self.step_score(0.25),
            Action::ScoreDown => return self.step_score(-0.25),
            Action::ScoreFromPoints => return self.score_from_points(),
            Action::EditScore => {
                let now = self.content.score.map(fmt_score).unwrap_or_default();
                self.score_input = Some(LineInput::new(&now));
                return Effect::info(
                    "Type the overall score from 0 to 1 (e.g. 0.75); Enter keeps it",
                );
            }
            Action::EditReason => {
                let before = self.content.reason.clone();
                self.reason = Some(ReasonEdit {
                    input: LineInput::new(&before),
                    before,
                });
            }
            Action::Submit => return Effect::request(Request::Submit),
            Action::Skip => return Effect::request(Request::Skip),
            Action::Back => return Effect::request(Request::Back),
            _ => {}
        }
        Effect::default()
    }

    /// Marks the selected point (the same mark again clears it); a new mark moves the cursor
    /// on to the next unmarked point.
    fn mark(&mut self, met: bool) -> Effect {
        let Some(p) = self.content.points.get_mut(self.point) else {
            return Effect::error("This item has no rubric points to mark");
        };
        if *p == Some(met) {
            *p = None;
        } else {
            *p = Some(met);
            let n = self.content.points.len();
            if let Some(next) = (1..n)
                .map(|k| (self.point + k) % n)
                .find(|&i| self.content.points[i].is_none())
            {
                self.point = next;
            }
        }
        Effect::changed()
    }

    /// Moves the score to the next quarter up or down; with no score yet it starts at 0.5.
    fn step_score(&mut self, delta: f64) -> Effect {
        let next = match self.content.score {
            None => 0.5,
            Some(s) if delta > 0.0 => ((s * 4.0 + 1e-9).floor() / 4.0 + delta).min(1.0),
            Some(s) => ((s * 4.0 - 1e-9).ceil() / 4.0 + delta).max(0.0),
        };
        self.set_score(Some(next))
    }

    fn score_from_points(&mut self) -> Effect {
        match self.points_score() {
            Some(s) => self.set_score(Some(s)),
            None => Effect::error(
                "Mark every rubric point first; then % gives their share as the score",
            ),
        }
    }

    fn set_score(&mut self, score: Option<f64>) -> Effect {
        if self.content.score == score {
            return Effect::default();
        }
        self.content.score = score;
        Effect {
            changed: true,
            message: Some(Message::info(match score {
                Some(s) => format!("Score {}", fmt_score(s)),
                None => "No score".into(),
            })),
            request: None,
        }
    }

    fn update_score(&mut self, action: Action) -> Effect {
        let Some(input) = self.score_input.as_mut() else {
            return Effect::default();
        };
        match action {
            Action::Input(_) | Action::Paste(_) => {
                input.edit(&action);
                Effect::default()
            }
            Action::Accept => match parse_score(&input.value()) {
                Ok(score) => {
                    self.score_input = None;
                    self.set_score(score)
                }
                Err(msg) => Effect::error(msg),
            },
            Action::Cancel => {
                self.score_input = None;
                Effect::info("Score unchanged")
            }
            _ => Effect::default(),
        }
    }

    fn update_reason(&mut self, action: Action) -> Effect {
        let Some(edit) = self.reason.as_mut() else {
            return Effect::default();
        };
        match action {
            // Typed straight into the draft, so a dropped session keeps it.
            Action::Input(_) | Action::Paste(_) if edit.input.edit(&action) => {
                self.content.reason = edit.input.value();
                Effect::changed()
            }
            Action::Accept => {
                if let Some(e) = too_long("reason", &self.content.reason, MAX_REASON_CHARS) {
                    return Effect::error(e);
                }
                self.reason = None;
                Effect::info("Reason kept")
            }
            Action::Cancel => {
                let changed = self.content.reason != edit.before;
                self.content.reason = edit.before.clone();
                self.reason = None;
                Effect {
                    changed,
                    message: Some(Message::info("Reason unchanged")),
                    request: None,
                }
            }
            _ => Effect::default(),
        }
    }

    fn scroll_by(&mut self, delta: isize, main: Rect) {
        let vp = text_viewport(main);
        let total = text_lines(&self.assignment, vp.width as usize).len();
        self.scroll = clamp(self.scroll, delta, total, vp.height as usize);
    }
}

impl Work for DisputeState {
    type Command = Command;
    const WORDS: Words = Words {
        list: "the disputes",
        next: "the next dispute",
        opening: "Opening your adjudication…",
        nothing_left: "No dispute left for you",
        skipped: "Skipped: the dispute goes to another expert",
        cannot_skip: "A submitted decision cannot be given back; q goes back to the list",
        giving_back: "Giving the dispute back…",
        getting: "Getting the dispute…",
        none_open: "No dispute open. q goes back to the list.",
    };
    const WAITING: Context = Context::Dispute;

    fn id(&self) -> i64 {
        self.assignment.adjudication_id
    }

    fn submitted(&self) -> bool {
        matches!(self.assignment.status, ReviewStatus::Submitted)
    }

    fn changed(&self) -> bool {
        self.changed
    }

    fn origin(&self) -> Origin {
        self.origin
    }

    fn problems(&self) -> Vec<String> {
        self.content.problems(self.assignment.rubric_len())
    }

    fn context(&self) -> Context {
        if self.score_input.is_some() {
            Context::Score
        } else if self.reason.is_some() {
            Context::DecisionReason
        } else {
            Context::Dispute
        }
    }

    fn update(&mut self, action: Action, main: Rect) -> Effect {
        let effect = match self.context() {
            Context::Score => self.update_score(action),
            Context::DecisionReason => self.update_reason(action),
            _ => self.update_dispute(action, main),
        };
        if effect.changed && self.submitted() {
            self.changed = true;
        }
        effect
    }

    fn save(&self) -> Command {
        Command::SaveDraft(self.id(), self.content.clone())
    }

    fn submit(&self) -> Command {
        Command::Submit(self.id(), self.content.clone())
    }
}
