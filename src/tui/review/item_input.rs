//! The review screen's text inputs and pickers: the fail reason, the comment, the department
//! picker and its search, and the proposal editor.

use super::item::{ProposalEditor, ReviewState};
use crate::domain::curation::parse_revision;
use crate::domain::review::{MAX_REASON_CHARS, Verdict};
use crate::tui::action::Action;
use crate::tui::desk::Effect;
use crate::tui::message::Message;
use crate::tui::text::too_long;
use crate::tui::widgets::department_picker;
use ratatui::layout::Rect;
use ratatui_textarea::{TextArea, WrapMode};

impl ReviewState {
    pub(super) fn update_reason(&mut self, action: Action) -> Effect {
        let Some(edit) = self.reason.as_mut() else {
            return Effect::default();
        };
        let c = edit.criterion;
        match action {
            Action::Input(_) | Action::Paste(_) => {
                if edit.input.edit(&action) {
                    let reason = edit.input.value();
                    self.content.verdicts.insert(c, Verdict::Fail { reason });
                    return Effect::changed();
                }
                Effect::default()
            }
            Action::Accept => {
                let reason = edit.input.value();
                if reason.trim().is_empty() {
                    return Effect::error("A fail needs a short reason (Esc cancels the fail)");
                }
                if let Some(e) = too_long("reason", &reason, MAX_REASON_CHARS) {
                    return Effect::error(e);
                }
                self.reason = None;
                self.advance();
                Effect::info(format!("{} failed: {reason}", c.title()))
            }
            Action::Cancel => {
                let before = edit.before.clone();
                self.reason = None;
                match before {
                    Some(v) => self.content.verdicts.insert(c, v),
                    None => self.content.verdicts.remove(&c),
                };
                Effect {
                    changed: true,
                    message: Some(Message::info("Fail cancelled")),
                    request: None,
                }
            }
            _ => Effect::default(),
        }
    }

    pub(super) fn update_comment(&mut self, action: Action) -> Effect {
        let Some(edit) = self.comment.as_mut() else {
            return Effect::default();
        };
        match action {
            Action::Input(_) | Action::Paste(_) => {
                if edit.input.edit(&action) {
                    let v = edit.input.value();
                    self.content.comment = (!v.trim().is_empty()).then_some(v);
                    return Effect::changed();
                }
                Effect::default()
            }
            Action::Accept => {
                self.comment = None;
                Effect::info("Comment kept")
            }
            Action::Cancel => {
                self.content.comment = edit.before.clone();
                self.comment = None;
                Effect::changed()
            }
            _ => Effect::default(),
        }
    }

    pub(super) fn update_picker(&mut self, action: Action, main: Rect) -> Effect {
        let Some(p) = self.picker.as_mut() else {
            return Effect::default();
        };
        let page = main.height.saturating_sub(8).max(1) as isize;
        match action {
            _ if p.update_list(&action, page) => {}
            Action::Back => self.picker = None,
            Action::ToggleDepartment => {
                let Some(id) = p.current() else {
                    return Effect::error("No department matches the search");
                };
                return self.toggle_department(id);
            }
            _ => {}
        }
        Effect::default()
    }

    /// Tags or untags a department; a tag that breaks the rule is refused with its message.
    pub fn toggle_department(&mut self, id: &str) -> Effect {
        match department_picker::toggle(&mut self.content.departments, id) {
            Ok(msg) => Effect {
                changed: true,
                message: Some(Message::info(msg)),
                request: None,
            },
            Err(msg) => Effect::error(msg),
        }
    }

    pub(super) fn update_search(&mut self, action: Action) -> Effect {
        let Some(p) = self.picker.as_mut() else {
            return Effect::default();
        };
        p.update_search(action);
        Effect::default()
    }

    /// Why the proposed correction is not a valid item, checked as a curator's revision is
    /// (`parse_revision`); empty when it is valid or there is none. An invalid proposal may
    /// still be submitted: the curator sees it as text.
    pub fn proposal_problems(&self) -> Vec<String> {
        let Some(p) = &self.content.proposal else {
            return Vec::new();
        };
        let item = &self.assignment.item;
        parse_revision(p, &item.dataset, &item.id, item.body.kind())
            .err()
            .unwrap_or_default()
    }

    pub(super) fn open_editor(&mut self) {
        let original = serde_json::to_string_pretty(self.body()).unwrap_or_default();
        let start = self
            .content
            .proposal
            .clone()
            .unwrap_or_else(|| original.clone());
        let mut area = TextArea::new(start.lines().map(str::to_string).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        self.editor = Some(ProposalEditor { area, original });
    }

    pub(super) fn update_editor(&mut self, action: Action) -> Effect {
        let Some(ed) = self.editor.as_mut() else {
            return Effect::default();
        };
        let edited = match &action {
            Action::Input(k) => ed.area.input(*k),
            // A paste is one edit: one change of the proposal, one draft save.
            Action::Paste(text) => ed.area.insert_str(text),
            _ => false,
        };
        if edited {
            let text = ed.area.lines().join("\n");
            let proposal = (text.trim() != ed.original.trim()).then_some(text);
            if proposal != self.content.proposal {
                self.content.proposal = proposal;
                return Effect::changed();
            }
            return Effect::default();
        }
        match action {
            Action::ResetProposal => {
                let lines = ed.original.lines().map(str::to_string).collect();
                ed.area = TextArea::new(lines);
                ed.area.set_wrap_mode(WrapMode::WordOrGlyph);
                let changed = self.content.proposal.take().is_some();
                Effect {
                    changed,
                    message: Some(Message::info("Back to the item as it is: no proposal")),
                    request: None,
                }
            }
            Action::Accept => {
                self.editor = None;
                if self.content.proposal.is_none() {
                    return Effect::info("No proposal (the text is the item as it is)");
                }
                let problems = self.proposal_problems();
                match problems.as_slice() {
                    [] => Effect::info("Proposal kept for the curator"),
                    [first, rest @ ..] => {
                        let more = match rest.len() {
                            0 => String::new(),
                            n => format!(" (and {n} more, listed in the editor)"),
                        };
                        Effect::error(format!(
                            "Proposal kept, but it is not a valid item: {first}{more}. You may still submit it; the curator sees it as text"
                        ))
                    }
                }
            }
            _ => Effect::default(),
        }
    }
}
