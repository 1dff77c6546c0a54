//! One item under review: the reviewer's verdicts, departments, proposal and comment as they
//! stand, and what each action does to them. The text inputs are in `item_input.rs`, the
//! drawing in `item_draw.rs`.
//!
//! `ReviewState` is the desk's `Work`: its `update` changes only this review and reports an
//! `Effect`; the desk turns a change into a draft save and a request into a store step.

use super::worker::Command;
use crate::domain::departments;
use crate::domain::item::ItemBody;
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::{Assignment, ReviewStatus};
use crate::tui::action::Action;
use crate::tui::desk::{Effect, Origin, Request, Words, Work};
use crate::tui::keymap::Context;
use crate::tui::message::Message;
use crate::tui::widgets::department_picker::PickerState;
use crate::tui::widgets::item_view::item_lines;
use crate::tui::widgets::line_input::LineInput;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

pub use super::item_draw::{areas, draw, item_viewport};

/// A fail's reason being typed.
pub struct ReasonEdit {
    pub criterion: Criterion,
    /// The verdict before, restored if the fail is cancelled.
    pub before: Option<Verdict>,
    pub input: LineInput,
}

/// The comment being typed.
pub struct CommentEdit {
    pub before: Option<String>,
    pub input: LineInput,
}

/// The proposal editor and the item text it started from.
pub struct ProposalEditor {
    pub area: TextArea<'static>,
    pub original: String,
}

pub struct ReviewState {
    pub assignment: Assignment,
    /// The reviewer's review as it stands (the draft).
    pub content: ReviewContent,
    pub origin: Origin,
    /// Submitted, and changed since (here or before, the change kept as a draft).
    pub changed: bool,
    /// First item line shown.
    pub scroll: usize,
    /// Index into `Criterion::ALL`.
    pub criterion: usize,
    pub reason: Option<ReasonEdit>,
    pub comment: Option<CommentEdit>,
    pub picker: Option<PickerState>,
    pub editor: Option<ProposalEditor>,
    /// The item's lines wrapped at one width: the item does not change during a review, so
    /// they are laid out once per width, not on every key and every frame.
    wrapped: std::cell::RefCell<Option<(usize, std::rc::Rc<[ratatui::text::Line<'static>]>)>>,
}

impl ReviewState {
    /// A review screen for an assignment. A fresh claim starts with the item's suggested
    /// departments preselected.
    pub fn new(assignment: Assignment, origin: Origin) -> ReviewState {
        let mut content = assignment.content.clone();
        let body = &assignment.item.body;
        if content == ReviewContent::default()
            && matches!(assignment.status, ReviewStatus::Claimed)
            && let Ok(ids) = departments::check_tags(&body.suggested_departments)
        {
            content.departments = ids;
        }
        let criterion = Criterion::ALL
            .iter()
            .position(|c| c.applies_to(body) && !content.verdicts.contains_key(c))
            .unwrap_or(0);
        ReviewState {
            changed: assignment.changed,
            assignment,
            content,
            origin,
            scroll: 0,
            criterion,
            reason: None,
            comment: None,
            picker: None,
            editor: None,
            wrapped: std::cell::RefCell::new(None),
        }
    }

    /// The item's lines at `width` columns (see `item_lines`), under what changed in this
    /// revision if it is not the first; laid out once per width.
    pub fn item_lines(&self, width: usize) -> std::rc::Rc<[ratatui::text::Line<'static>]> {
        let mut cache = self.wrapped.borrow_mut();
        match &*cache {
            Some((w, lines)) if *w == width => lines.clone(),
            _ => {
                let mut lines = super::item_draw::change_lines(&self.assignment, width);
                lines.extend(item_lines(&self.assignment.item, width));
                let lines: std::rc::Rc<[_]> = lines.into();
                *cache = Some((width, lines.clone()));
                lines
            }
        }
    }

    pub fn body(&self) -> &ItemBody {
        &self.assignment.item.body
    }

    fn update_review(&mut self, action: Action, main: Rect) -> Effect {
        let page = item_viewport(main).height.max(2) as isize - 1;
        match action {
            Action::Up => self.scroll_by(-1, main),
            Action::Down => self.scroll_by(1, main),
            Action::PageUp => self.scroll_by(-page, main),
            Action::PageDown => self.scroll_by(page, main),
            Action::Top => self.scroll_by(isize::MIN / 2, main),
            Action::Bottom => self.scroll_by(isize::MAX / 2, main),
            Action::SelectCriterion(i) => {
                self.criterion = i.min(Criterion::ALL.len() - 1);
                Effect::default()
            }
            Action::NextCriterion => {
                self.criterion = (self.criterion + 1) % Criterion::ALL.len();
                Effect::default()
            }
            Action::PrevCriterion => {
                self.criterion = (self.criterion + Criterion::ALL.len() - 1) % Criterion::ALL.len();
                Effect::default()
            }
            Action::Pass => self.pass(),
            Action::Fail => self.fail(),
            Action::ClearVerdict => {
                let c = self.selected();
                match self.content.verdicts.remove(&c) {
                    Some(_) => Effect::changed(),
                    None => Effect::default(),
                }
            }
            Action::Departments | Action::Search => {
                let mut p = PickerState {
                    searching: action == Action::Search,
                    ..PickerState::default()
                };
                if let Some(first) = self.content.departments.first() {
                    let ids = crate::tui::widgets::department_picker::selectable("");
                    p.cursor = ids.iter().position(|i| i == first).unwrap_or(0);
                }
                self.picker = Some(p);
                Effect::default()
            }
            Action::EditProposal => {
                self.open_editor();
                Effect::info(
                    "Edit the item as JSON; Esc closes (the proposal is kept), Ctrl-O resets",
                )
            }
            Action::EditComment => {
                let before = self.content.comment.clone();
                let input = LineInput::new(before.as_deref().unwrap_or(""));
                self.comment = Some(CommentEdit { before, input });
                Effect::default()
            }
            Action::Submit => Effect::request(Request::Submit),
            Action::Skip => Effect::request(Request::Skip),
            Action::Back => Effect::request(Request::Back),
            _ => Effect::default(),
        }
    }

    pub fn selected(&self) -> Criterion {
        Criterion::ALL[self.criterion.min(Criterion::ALL.len() - 1)]
    }

    fn not_applicable(&self, c: Criterion) -> Option<Effect> {
        (!c.applies_to(self.body())).then(|| {
            Effect::error(format!(
                "{} does not apply to this item (N/A); nothing to judge",
                c.title()
            ))
        })
    }

    fn pass(&mut self) -> Effect {
        let c = self.selected();
        if let Some(e) = self.not_applicable(c) {
            return e;
        }
        if self.content.verdicts.get(&c) == Some(&Verdict::Pass) {
            self.content.verdicts.remove(&c);
        } else {
            self.content.verdicts.insert(c, Verdict::Pass);
            self.advance();
        }
        Effect::changed()
    }

    /// Moves the cursor to the next applicable criterion without a verdict, if any.
    pub(super) fn advance(&mut self) {
        let body = self.body();
        let n = Criterion::ALL.len();
        let next = (1..n).map(|k| (self.criterion + k) % n).find(|&i| {
            let c = Criterion::ALL[i];
            c.applies_to(body) && !self.content.verdicts.contains_key(&c)
        });
        if let Some(i) = next {
            self.criterion = i;
        }
    }

    fn fail(&mut self) -> Effect {
        let c = self.selected();
        if let Some(e) = self.not_applicable(c) {
            return e;
        }
        let before = self.content.verdicts.get(&c).cloned();
        let reason = match &before {
            Some(Verdict::Fail { reason }) => reason.clone(),
            _ => String::new(),
        };
        self.content.verdicts.insert(
            c,
            Verdict::Fail {
                reason: reason.clone(),
            },
        );
        self.reason = Some(ReasonEdit {
            criterion: c,
            before,
            input: LineInput::new(&reason),
        });
        Effect {
            changed: true,
            message: Some(Message::info(format!(
                "{} fails: type a short reason, Enter to keep, Esc to cancel",
                c.title()
            ))),
            request: None,
        }
    }

    fn scroll_by(&mut self, delta: isize, main: Rect) -> Effect {
        let vp = item_viewport(main);
        let total = self.item_lines(vp.width as usize).len();
        let max = total.saturating_sub(vp.height as usize);
        let next = (self.scroll.min(max) as isize).saturating_add(delta);
        self.scroll = next.clamp(0, max as isize) as usize;
        Effect::default()
    }
}

impl Work for ReviewState {
    type Command = Command;
    const WORDS: Words = Words {
        list: "the queue",
        next: "the next item",
        opening: "Opening your review…",
        nothing_left: "Nothing left for you to review",
        skipped: "Skipped: the item goes to someone else",
        cannot_skip: "A submitted review cannot be skipped; q goes back to the queue",
        giving_back: "Giving the item back…",
        getting: "Getting the next item…",
        none_open: "No item open. q goes back to the queue.",
    };
    const WAITING: Context = Context::Review;

    fn id(&self) -> i64 {
        self.assignment.review_id
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
        self.content.problems(self.body())
    }

    fn context(&self) -> Context {
        if self.editor.is_some() {
            Context::Editor
        } else if self.reason.is_some() {
            Context::Reason
        } else if self.comment.is_some() {
            Context::Comment
        } else if let Some(p) = &self.picker {
            if p.searching {
                Context::Search
            } else {
                Context::Departments
            }
        } else {
            Context::Review
        }
    }

    fn update(&mut self, action: Action, main: Rect) -> Effect {
        let effect = match self.context() {
            Context::Editor => self.update_editor(action),
            Context::Reason => self.update_reason(action),
            Context::Comment => self.update_comment(action),
            Context::Search => self.update_search(action),
            Context::Departments => self.update_picker(action, main),
            _ => self.update_review(action, main),
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
