//! Preparing a decision on the open case: the final departments of an accept, the text a
//! revision starts from, its editor and the note for its reviewers, the reason for a
//! discard; then the confirm step, and only then the store. (Reopening a decided item, from
//! its history, is in `reopen.rs`.)

use super::app::CurateApp;
use super::case::{person, prefill_departments};
use super::worker::{Command, Job};
use crate::domain::curation::{
    Decision, MAX_DISCARD_REASON_CHARS, MAX_NOTE_CHARS, editable_text, parse_revision,
};
use crate::domain::diff::differs;
use crate::domain::item::ItemBody;
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::list_cursor;
use crate::tui::text::too_long;
use crate::tui::widgets::department_picker::{self, PickerState, label};
use crate::tui::widgets::line_input::LineInput;
use ratatui_textarea::{TextArea, WrapMode};

/// A decision being prepared.
pub enum Flow {
    /// Choosing the final departments.
    Accept {
        picker: PickerState,
        chosen: Vec<String>,
    },
    /// Choosing the text a revision starts from.
    Start { options: Vec<Start>, cursor: usize },
    /// Editing the revision.
    Edit(Box<RevisionEditor>),
    /// The edit is a valid item: the note for its reviewers.
    Note(Box<NoteStep>),
    /// Typing the reason for a discard.
    Discard(LineInput),
}

/// A text a revision can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The item as it is now.
    Current,
    /// The correction proposed in review `n` (0 or 1).
    Proposal(usize),
    /// The curator's own edit, closed earlier without deciding.
    Draft,
}

pub struct RevisionEditor {
    pub area: TextArea<'static>,
    /// What the edit started from, for the editor's title.
    pub from: String,
    /// Why the last save was refused.
    pub problems: Vec<String>,
    /// The note typed for the reviewers so far, kept while the curator edits again.
    pub note: String,
}

/// Typing the note on a checked revision.
pub struct NoteStep {
    /// The editor, to go back to.
    pub editor: RevisionEditor,
    pub body: ItemBody,
    pub text: String,
    pub input: LineInput,
}

/// A decision waiting for the confirm step.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Accept(Vec<String>),
    Revise {
        body: Box<ItemBody>,
        text: String,
        /// What changed and why, for the new revision's reviewers.
        note: Option<String>,
    },
    Discard(String),
    /// Reopening the decided item whose history is shown, for this reason.
    Reopen(String),
}

impl Flow {
    pub fn context(&self) -> Context {
        match self {
            Flow::Accept { picker, .. } if picker.searching => Context::Search,
            Flow::Accept { .. } => Context::FinalDepartments,
            Flow::Start { .. } => Context::StartText,
            Flow::Edit(_) => Context::Revision,
            Flow::Note(_) => Context::RevisionNote,
            Flow::Discard(_) => Context::DiscardReason,
        }
    }
}

impl CurateApp {
    /// Accept: the picker, prefilled with the reviewers' departments.
    pub(super) fn start_accept(&mut self) {
        let Some(c) = &self.case else { return };
        let (chosen, agreed) = prefill_departments(c.reviews());
        let mut picker = PickerState::default();
        if let Some(first) = chosen.first() {
            let ids = department_picker::selectable("");
            picker.cursor = ids.iter().position(|i| i == first).unwrap_or(0);
        }
        let text = if agreed {
            "Both reviewers chose these departments; a accepts with them, Space changes them"
        } else {
            "Prefilled with the departments either reviewer chose; adjust, then a to accept"
        };
        self.flow = Some(Flow::Accept { picker, chosen });
        self.info(text);
    }

    /// Revise: the start texts there are; straight to the editor when there is only one.
    pub(super) fn start_revise(&mut self) {
        let Some(c) = &self.case else { return };
        let mut options = vec![Start::Current];
        for (i, r) in c.reviews().iter().enumerate() {
            if r.content.proposal.is_some() {
                options.push(Start::Proposal(i));
            }
        }
        if c.draft.is_some() {
            options.insert(0, Start::Draft);
        }
        if options.len() == 1 {
            self.open_editor(Start::Current);
        } else {
            self.flow = Some(Flow::Start { options, cursor: 0 });
            self.info("Choose the text to start the revision from");
        }
    }

    pub(super) fn start_discard(&mut self) {
        self.flow = Some(Flow::Discard(LineInput::default()));
        self.info("Why is the item discarded? Enter goes on to confirm, Esc cancels");
    }

    /// What `start` reads as in the chooser and the editor's title.
    pub fn start_label(&self, start: Start) -> String {
        let Some(c) = &self.case else {
            return String::new();
        };
        match start {
            Start::Current => format!("the item as it is (revision {})", c.case.revision_no),
            Start::Draft => "your unfinished edit".into(),
            Start::Proposal(i) => {
                let item = &c.case.item;
                let invalid = c
                    .reviews()
                    .get(i)
                    .and_then(|r| r.content.proposal.as_deref())
                    .is_some_and(|p| {
                        parse_revision(p, &item.dataset, &item.id, item.body.kind()).is_err()
                    });
                let mark = if invalid { " (not a valid item)" } else { "" };
                match c.reviews().get(i) {
                    Some(r) if !self.anonymous => format!(
                        "the correction Reviewer {} proposed{mark} · {}",
                        i + 1,
                        person(&r.reviewer_name, &r.reviewer)
                    ),
                    _ => format!("the correction Reviewer {} proposed{mark}", i + 1),
                }
            }
        }
    }

    fn open_editor(&mut self, start: Start) {
        let from = self.start_label(start);
        let Some(c) = &self.case else { return };
        let text = match start {
            Start::Current => editable_text(&c.case.item.body),
            Start::Draft => c.draft.clone().unwrap_or_default(),
            Start::Proposal(i) => c
                .reviews()
                .get(i)
                .and_then(|r| r.content.proposal.clone())
                .unwrap_or_default(),
        };
        let mut area = TextArea::new(text.lines().map(str::to_string).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        self.flow = Some(Flow::Edit(Box::new(RevisionEditor {
            area,
            from,
            problems: Vec::new(),
            note: String::new(),
        })));
        self.info("Edit the item as JSON; Ctrl-S checks it and asks to confirm, Esc closes");
    }

    pub(super) fn update_flow(&mut self, action: Action) {
        let page = self.main_area().height.saturating_sub(8).max(1) as isize;
        let Some(flow) = self.flow.as_mut() else {
            return;
        };
        match flow {
            Flow::Accept { picker, .. } if picker.searching => picker.update_search(action),
            Flow::Accept { picker, chosen } => match action {
                _ if picker.update_list(&action, page) => {}
                Action::ToggleDepartment => {
                    let Some(id) = picker.current() else {
                        return self.error("No department matches the search");
                    };
                    match department_picker::toggle(chosen, id) {
                        Ok(msg) => self.info(msg),
                        Err(msg) => self.error(msg),
                    }
                }
                Action::Done => {
                    let chosen = chosen.clone();
                    self.ask(Pending::Accept(chosen));
                }
                Action::Cancel => self.cancel_flow(),
                _ => {}
            },
            Flow::Start { options, cursor } => match action {
                _ if list_cursor::step(cursor, options.len(), &action) => {}
                Action::Open => {
                    let start = options[(*cursor).min(options.len() - 1)];
                    self.open_editor(start);
                }
                Action::Cancel => self.cancel_flow(),
                _ => {}
            },
            Flow::Edit(ed) => match action {
                Action::Input(k) => {
                    ed.area.input(k);
                }
                // One edit, however long.
                Action::Paste(text) => {
                    ed.area.insert_str(text);
                }
                Action::Done => self.check_edit(),
                Action::Cancel => {
                    let text = ed.area.lines().join("\n");
                    self.flow = None;
                    if let Some(c) = self.case.as_mut() {
                        c.draft = Some(text);
                    }
                    self.info("Editor closed, nothing decided; e offers your edit again");
                }
                _ => {}
            },
            Flow::Discard(input) => match action {
                Action::Input(_) | Action::Paste(_) => {
                    input.edit(&action);
                }
                Action::Done => {
                    let reason = input.value().trim().to_string();
                    if reason.is_empty() {
                        self.error("A discard needs a reason (Esc cancels)");
                    } else if let Some(e) = too_long("reason", &reason, MAX_DISCARD_REASON_CHARS) {
                        self.error(e);
                    } else {
                        self.ask(Pending::Discard(reason));
                    }
                }
                Action::Cancel => self.cancel_flow(),
                _ => {}
            },
            Flow::Note(step) => match action {
                Action::Input(_) | Action::Paste(_) => {
                    step.input.edit(&action);
                }
                Action::Done => {
                    let note = step.input.value().trim().to_string();
                    if let Some(e) = too_long("note", &note, MAX_NOTE_CHARS) {
                        return self.error(e);
                    }
                    let pending = Pending::Revise {
                        body: Box::new(step.body.clone()),
                        text: step.text.clone(),
                        note: (!note.is_empty()).then_some(note),
                    };
                    self.ask(pending);
                }
                Action::Cancel => {
                    if let Some(Flow::Note(step)) = self.flow.take() {
                        let NoteStep {
                            mut editor, input, ..
                        } = *step;
                        editor.note = input.value();
                        self.flow = Some(Flow::Edit(Box::new(editor)));
                    }
                    self.info("Back in the editor; your note is kept");
                }
                _ => {}
            },
        }
    }

    fn cancel_flow(&mut self) {
        self.flow = None;
        self.info("Cancelled; nothing decided");
    }

    /// Checks the edited text as an import would; a valid, changed item goes to confirm.
    fn check_edit(&mut self) {
        let (Some(c), Some(Flow::Edit(ed))) = (&self.case, self.flow.as_mut()) else {
            return;
        };
        let text = ed.area.lines().join("\n");
        let item = &c.case.item;
        let current = editable_text(&item.body);
        let problems = match parse_revision(&text, &item.dataset, &item.id, item.body.kind()) {
            Ok(_) if !differs(&current, &text) => {
                vec!["the text is the item as it is: accept it instead, or change something".into()]
            }
            Ok(body) => {
                ed.problems.clear();
                if let Some(Flow::Edit(editor)) = self.flow.take() {
                    let input = LineInput::new(&editor.note);
                    self.flow = Some(Flow::Note(Box::new(NoteStep {
                        editor: *editor,
                        body,
                        text,
                        input,
                    })));
                }
                return self.info(
                    "The edit is a valid item. A note for its reviewers (optional): what changed and why",
                );
            }
            Err(problems) => problems,
        };
        let first = problems.first().cloned().unwrap_or_default();
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" (and {} more, listed under the editor)", n - 1),
        };
        ed.problems = problems;
        self.error(format!("Not a valid revision: {first}{more}"));
    }

    pub(super) fn ask(&mut self, pending: Pending) {
        if self.busy == Some(Job::Decide) {
            return self.error("A decision is being saved; wait for it");
        }
        if let Pending::Accept(ids) = &pending
            && ids.is_empty()
        {
            return self.error("Choose at least one department (or No Department) to accept");
        }
        self.confirm = Some(pending);
    }

    /// The confirm step said yes: the decision goes to the store.
    pub(super) fn confirmed(&mut self) {
        if let Some(Pending::Reopen(reason)) = &self.confirm {
            let reason = reason.clone();
            self.confirm = None;
            return self.confirmed_reopen(reason);
        }
        let (Some(pending), Some(c)) = (self.confirm.take(), self.case.as_mut()) else {
            return;
        };
        let decision = match pending {
            Pending::Accept(departments) => Decision::Accept { departments },
            Pending::Discard(reason) => Decision::Discard { reason },
            Pending::Revise { body, text, note } => {
                // Kept until the store answers, so a refused revision is not lost.
                c.draft = Some(text);
                Decision::Revise { body, note }
            }
            Pending::Reopen(_) => return,
        };
        let cmd = Command::Decide {
            dataset: c.case.item.dataset.clone(),
            item_id: c.case.item.id.clone(),
            revision_no: c.case.revision_no,
            decision,
        };
        self.busy = Some(Job::Decide);
        self.deciding = Some(format!("{}/{}", c.case.item.dataset, c.case.item.id));
        self.send(cmd);
        self.info("Saving the decision…");
    }

    /// The confirm dialog's title and lines.
    pub fn confirm_text(&self) -> (&'static str, Vec<String>) {
        if let Some(Pending::Reopen(reason)) = &self.confirm {
            return self.reopen_text(reason);
        }
        let (Some(p), Some(c)) = (&self.confirm, &self.case) else {
            return ("Confirm", vec!["Nothing to confirm.".into()]);
        };
        let what = c.what();
        match p {
            Pending::Accept(ids) => {
                let names: Vec<String> = ids.iter().map(|id| label(id)).collect();
                (
                    "Accept the item",
                    vec![
                        format!("Accept {what} as it is (revision {})?", c.case.revision_no),
                        format!("Final departments: {}", names.join(", ")),
                    ],
                )
            }
            Pending::Revise { text, note, .. } => {
                let diff = crate::domain::diff::diff_lines(&editable_text(&c.case.item.body), text);
                let (removed, added) = crate::tui::widgets::diff_view::counts(&diff);
                (
                    "Revise the item",
                    vec![
                        format!(
                            "Save your edit of {what} as revision {}?",
                            c.case.revision_no + 1
                        ),
                        format!("{} removed, {} added.", lines(removed), lines(added)),
                        match note {
                            Some(n) => format!("Note for its reviewers: {n}"),
                            None => "No note for its reviewers.".into(),
                        },
                        "It leaves the curation queue and goes back to two reviewers.".into(),
                    ],
                )
            }
            Pending::Reopen(reason) => self.reopen_text(reason),
            Pending::Discard(reason) => (
                "Discard the item",
                vec![
                    format!("Discard {what}? It leaves the benchmark; its history is kept."),
                    format!("Reason: {reason}"),
                ],
            ),
        }
    }
}

/// "1 line", "3 lines".
fn lines(n: usize) -> String {
    if n == 1 {
        "1 line".into()
    } else {
        format!("{n} lines")
    }
}
