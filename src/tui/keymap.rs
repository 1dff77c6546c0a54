//! The one key table. It drives both key handling (`action_for`) and the help overlay
//! (`help_rows`), so what the help says is what the keys do.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where the keyboard is: a screen, an overlay, or a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The list of datasets.
    Queue,
    /// The list of the reviewer's own reviews.
    MyReviews,
    /// Reviewing an item.
    Review,
    /// The department picker.
    Departments,
    /// Typing a department search (text mode).
    Search,
    /// Typing a reason for a fail (text mode).
    Reason,
    /// Typing a comment for the curator (text mode).
    Comment,
    /// Editing a proposed correction (text mode).
    Editor,
    /// A yes/no dialog.
    Confirm,
    /// The key help.
    Help,
    /// The curation queue.
    CurateQueue,
    /// One item waiting for a curator, with both reviews.
    Case,
    /// Choosing the final departments of an item being accepted.
    FinalDepartments,
    /// Choosing the department the curation queue is filtered by.
    DepartmentFilter,
    /// Choosing the text a revision starts from.
    StartText,
    /// Editing a revision of the item (text mode).
    Revision,
    /// Typing why an item is discarded (text mode).
    DiscardReason,
    /// An item's history.
    History,
    /// The agreement statistics.
    Stats,
    /// AI-judge disputes per dataset and model.
    DisputeStart,
    /// The expert's own adjudications.
    MyAdjudications,
    /// Deciding one disputed response.
    Dispute,
    /// Typing the overall score (text mode).
    Score,
    /// Typing the reason for a decision (text mode).
    DecisionReason,
}

impl Context {
    /// Text mode: keys not in the table are typed, so "q" is a letter, not quit.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Context::Search
                | Context::Reason
                | Context::Comment
                | Context::Editor
                | Context::Revision
                | Context::DiscardReason
                | Context::Score
                | Context::DecisionReason
        )
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Queue => "Datasets",
            Context::MyReviews => "My reviews",
            Context::Review => "Review",
            Context::Departments => "Departments",
            Context::Search => "Department search",
            Context::Reason => "Reason for a fail",
            Context::Comment => "Comment",
            Context::Editor => "Proposed correction",
            Context::Confirm => "Confirm",
            Context::Help => "Help",
            Context::CurateQueue => "Curation queue",
            Context::Case => "Curating an item",
            Context::FinalDepartments => "Final departments",
            Context::DepartmentFilter => "Department filter",
            Context::StartText => "Start the revision from",
            Context::Revision => "Revising the item",
            Context::DiscardReason => "Reason for discarding",
            Context::History => "History",
            Context::Stats => "Agreement",
            Context::DisputeStart => "Judge disputes",
            Context::MyAdjudications => "My adjudications",
            Context::Dispute => "Adjudicating a dispute",
            Context::Score => "Overall score",
            Context::DecisionReason => "Reason for the decision",
        }
    }
}

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
}

const fn b(key: Key, scope: Scope, action: Action, description: &'static str) -> Binding {
    Binding {
        key,
        scope,
        action,
        description,
    }
}

use Context as C;
use KeyCode as K;
use Scope::In;

/// Every key binding. Context-specific rows win over `Commands`/`Everywhere` rows.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // Everywhere
    b(Key::ctrl('c'), Scope::Everywhere, Action::Quit, "quit (the draft is saved)"),
    b(Key::ch('?'), Scope::Commands, Action::ToggleHelp, "show or hide this help"),
    // Datasets
    b(Key::ch('k'), In(C::Queue), Action::Up, "previous dataset"),
    b(Key::plain(K::Up), In(C::Queue), Action::Up, "previous dataset"),
    b(Key::ch('j'), In(C::Queue), Action::Down, "next dataset"),
    b(Key::plain(K::Down), In(C::Queue), Action::Down, "next dataset"),
    b(Key::plain(K::Enter), In(C::Queue), Action::Open, "start or resume reviewing this dataset"),
    b(Key::plain(K::Tab), In(C::Queue), Action::SwitchList, "switch to my reviews"),
    b(Key::ch('r'), In(C::Queue), Action::Refresh, "reload progress"),
    b(Key::ch('q'), In(C::Queue), Action::Back, "quit"),
    b(Key::plain(K::Esc), In(C::Queue), Action::Back, "quit"),
    // My reviews
    b(Key::ch('k'), In(C::MyReviews), Action::Up, "previous review"),
    b(Key::plain(K::Up), In(C::MyReviews), Action::Up, "previous review"),
    b(Key::ch('j'), In(C::MyReviews), Action::Down, "next review"),
    b(Key::plain(K::Down), In(C::MyReviews), Action::Down, "next review"),
    b(Key::plain(K::Enter), In(C::MyReviews), Action::Open, "reopen this review (to finish or change it)"),
    b(Key::ch('r'), In(C::MyReviews), Action::Refresh, "reload the list"),
    b(Key::plain(K::Tab), In(C::MyReviews), Action::SwitchList, "switch to the datasets"),
    b(Key::ch('q'), In(C::MyReviews), Action::Back, "back to the datasets"),
    b(Key::plain(K::Esc), In(C::MyReviews), Action::Back, "back to the datasets"),
    // Review
    b(Key::ch('k'), In(C::Review), Action::Up, "scroll the item up"),
    b(Key::plain(K::Up), In(C::Review), Action::Up, "scroll the item up"),
    b(Key::ch('j'), In(C::Review), Action::Down, "scroll the item down"),
    b(Key::plain(K::Down), In(C::Review), Action::Down, "scroll the item down"),
    b(Key::plain(K::PageUp), In(C::Review), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Review), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Review), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Review), Action::Top, "top of the item"),
    b(Key::ch('G'), In(C::Review), Action::Bottom, "end of the item"),
    b(Key::ch('1'), In(C::Review), Action::SelectCriterion(0), "select criterion 1-5"),
    b(Key::ch('2'), In(C::Review), Action::SelectCriterion(1), "select criterion 1-5"),
    b(Key::ch('3'), In(C::Review), Action::SelectCriterion(2), "select criterion 1-5"),
    b(Key::ch('4'), In(C::Review), Action::SelectCriterion(3), "select criterion 1-5"),
    b(Key::ch('5'), In(C::Review), Action::SelectCriterion(4), "select criterion 1-5"),
    b(Key::plain(K::Tab), In(C::Review), Action::NextCriterion, "next criterion"),
    b(Key::plain(K::BackTab), In(C::Review), Action::PrevCriterion, "previous criterion"),
    b(Key::ch('p'), In(C::Review), Action::Pass, "pass the selected criterion (again: clear)"),
    b(Key::ch('f'), In(C::Review), Action::Fail, "fail the selected criterion, with a reason"),
    b(Key::ch('u'), In(C::Review), Action::ClearVerdict, "clear the selected criterion"),
    b(Key::ch('t'), In(C::Review), Action::Departments, "tag departments"),
    b(Key::ch('/'), In(C::Review), Action::Search, "search departments to tag"),
    b(Key::ch('e'), In(C::Review), Action::EditProposal, "propose a corrected item (JSON)"),
    b(Key::ch('c'), In(C::Review), Action::EditComment, "comment for the curator"),
    b(Key::ch('s'), In(C::Review), Action::Submit, "submit the review"),
    b(Key::ch('x'), In(C::Review), Action::Skip, "skip this item (give it back)"),
    b(Key::ch('q'), In(C::Review), Action::Back, "back to the queue (the draft is kept)"),
    b(Key::plain(K::Esc), In(C::Review), Action::Back, "back to the queue (the draft is kept)"),
    // Department picker
    b(Key::ch('k'), In(C::Departments), Action::Up, "previous department"),
    b(Key::plain(K::Up), In(C::Departments), Action::Up, "previous department"),
    b(Key::ch('j'), In(C::Departments), Action::Down, "next department"),
    b(Key::plain(K::Down), In(C::Departments), Action::Down, "next department"),
    b(Key::plain(K::PageUp), In(C::Departments), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Departments), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Departments), Action::ToggleDepartment, "tag or untag (at most 3)"),
    b(Key::plain(K::Enter), In(C::Departments), Action::ToggleDepartment, "tag or untag (at most 3)"),
    b(Key::ch('/'), In(C::Departments), Action::Search, "search (English or 中文)"),
    b(Key::ch('q'), In(C::Departments), Action::Back, "close the picker"),
    b(Key::plain(K::Esc), In(C::Departments), Action::Back, "close the picker"),
    // Department search (text)
    b(Key::plain(K::Enter), In(C::Search), Action::Accept, "keep the search, back to the list"),
    b(Key::plain(K::Esc), In(C::Search), Action::Cancel, "clear the search"),
    b(Key::plain(K::Up), In(C::Search), Action::Up, "previous match"),
    b(Key::plain(K::Down), In(C::Search), Action::Down, "next match"),
    // Reason (text)
    b(Key::plain(K::Enter), In(C::Reason), Action::Accept, "keep the reason"),
    b(Key::plain(K::Esc), In(C::Reason), Action::Cancel, "cancel the fail"),
    // Comment (text)
    b(Key::plain(K::Enter), In(C::Comment), Action::Accept, "keep the comment"),
    b(Key::plain(K::Esc), In(C::Comment), Action::Cancel, "discard the changes"),
    // Editor (text)
    b(Key::plain(K::Esc), In(C::Editor), Action::Accept, "close the editor (the proposal is kept)"),
    b(Key::ctrl('o'), In(C::Editor), Action::ResetProposal, "start again from the item (no proposal)"),
    // Confirm
    b(Key::ch('y'), In(C::Confirm), Action::Confirm, "yes"),
    b(Key::plain(K::Enter), In(C::Confirm), Action::Confirm, "yes"),
    b(Key::ch('n'), In(C::Confirm), Action::Cancel, "no"),
    b(Key::ch('q'), In(C::Confirm), Action::Cancel, "no"),
    b(Key::plain(K::Esc), In(C::Confirm), Action::Cancel, "no"),
    // Curation queue
    b(Key::ch('k'), In(C::CurateQueue), Action::Up, "previous item"),
    b(Key::plain(K::Up), In(C::CurateQueue), Action::Up, "previous item"),
    b(Key::ch('j'), In(C::CurateQueue), Action::Down, "next item"),
    b(Key::plain(K::Down), In(C::CurateQueue), Action::Down, "next item"),
    b(Key::plain(K::PageUp), In(C::CurateQueue), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::CurateQueue), Action::PageDown, "page down"),
    b(Key::plain(K::Enter), In(C::CurateQueue), Action::Open, "open the item with both reviews"),
    b(Key::ch('d'), In(C::CurateQueue), Action::CycleDataset, "dataset filter: next dataset (or all)"),
    b(Key::ch('r'), In(C::CurateQueue), Action::CycleReason, "reason filter: next reason (or all)"),
    b(Key::ch('t'), In(C::CurateQueue), Action::Departments, "department filter (search English or 中文)"),
    b(Key::ch('x'), In(C::CurateQueue), Action::ClearFilters, "clear every filter"),
    b(Key::ch('h'), In(C::CurateQueue), Action::History, "history of the selected item"),
    b(Key::ch('s'), In(C::CurateQueue), Action::Stats, "stats of reviewer agreement (kappa)"),
    b(Key::ch('n'), In(C::CurateQueue), Action::ToggleNames, "names of reviewers shown or hidden (Reviewer 1, 2)"),
    b(Key::ch('R'), In(C::CurateQueue), Action::Refresh, "reload the queue"),
    b(Key::ch('q'), In(C::CurateQueue), Action::Back, "quit"),
    b(Key::plain(K::Esc), In(C::CurateQueue), Action::Back, "quit"),
    // One item with both reviews
    b(Key::ch('k'), In(C::Case), Action::Up, "scroll up"),
    b(Key::plain(K::Up), In(C::Case), Action::Up, "scroll up"),
    b(Key::ch('j'), In(C::Case), Action::Down, "scroll down"),
    b(Key::plain(K::Down), In(C::Case), Action::Down, "scroll down"),
    b(Key::plain(K::PageUp), In(C::Case), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Case), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Case), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Case), Action::Top, "top"),
    b(Key::ch('G'), In(C::Case), Action::Bottom, "end"),
    b(Key::plain(K::Tab), In(C::Case), Action::SwitchList, "switch between the item and the reviews"),
    b(Key::ch('a'), In(C::Case), Action::AcceptItem, "accept (choose final departments, then confirm)"),
    b(Key::ch('e'), In(C::Case), Action::ReviseItem, "revise (edit the item; it goes back to two reviewers)"),
    b(Key::ch('d'), In(C::Case), Action::DiscardItem, "discard (with a reason)"),
    b(Key::ch('h'), In(C::Case), Action::History, "history of this item"),
    b(Key::ch('n'), In(C::Case), Action::ToggleNames, "names of reviewers shown or hidden (Reviewer 1, 2)"),
    b(Key::ch('R'), In(C::Case), Action::Refresh, "reload this item"),
    b(Key::ch('q'), In(C::Case), Action::Back, "back to the queue"),
    b(Key::plain(K::Esc), In(C::Case), Action::Back, "back to the queue"),
    // Final departments of an accepted item
    b(Key::ch('k'), In(C::FinalDepartments), Action::Up, "previous department"),
    b(Key::plain(K::Up), In(C::FinalDepartments), Action::Up, "previous department"),
    b(Key::ch('j'), In(C::FinalDepartments), Action::Down, "next department"),
    b(Key::plain(K::Down), In(C::FinalDepartments), Action::Down, "next department"),
    b(Key::plain(K::PageUp), In(C::FinalDepartments), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::FinalDepartments), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::FinalDepartments), Action::ToggleDepartment, "tag or untag (at most 3)"),
    b(Key::plain(K::Enter), In(C::FinalDepartments), Action::ToggleDepartment, "tag or untag (at most 3)"),
    b(Key::ch('/'), In(C::FinalDepartments), Action::Search, "search (English or 中文)"),
    b(Key::ch('a'), In(C::FinalDepartments), Action::Done, "accept with these departments (confirm next)"),
    b(Key::ch('q'), In(C::FinalDepartments), Action::Cancel, "cancel: no decision"),
    b(Key::plain(K::Esc), In(C::FinalDepartments), Action::Cancel, "cancel: no decision"),
    // Department filter of the queue
    b(Key::ch('k'), In(C::DepartmentFilter), Action::Up, "previous department"),
    b(Key::plain(K::Up), In(C::DepartmentFilter), Action::Up, "previous department"),
    b(Key::ch('j'), In(C::DepartmentFilter), Action::Down, "next department"),
    b(Key::plain(K::Down), In(C::DepartmentFilter), Action::Down, "next department"),
    b(Key::plain(K::PageUp), In(C::DepartmentFilter), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::DepartmentFilter), Action::PageDown, "page down"),
    b(Key::plain(K::Enter), In(C::DepartmentFilter), Action::ToggleDepartment, "show only this department"),
    b(Key::ch(' '), In(C::DepartmentFilter), Action::ToggleDepartment, "show only this department"),
    b(Key::ch('/'), In(C::DepartmentFilter), Action::Search, "search (English or 中文)"),
    b(Key::ch('x'), In(C::DepartmentFilter), Action::ClearFilters, "show every department"),
    b(Key::ch('q'), In(C::DepartmentFilter), Action::Cancel, "close, filter unchanged"),
    b(Key::plain(K::Esc), In(C::DepartmentFilter), Action::Cancel, "close, filter unchanged"),
    // The text a revision starts from
    b(Key::ch('k'), In(C::StartText), Action::Up, "previous text"),
    b(Key::plain(K::Up), In(C::StartText), Action::Up, "previous text"),
    b(Key::ch('j'), In(C::StartText), Action::Down, "next text"),
    b(Key::plain(K::Down), In(C::StartText), Action::Down, "next text"),
    b(Key::plain(K::Enter), In(C::StartText), Action::Open, "edit, starting from this text"),
    b(Key::ch('q'), In(C::StartText), Action::Cancel, "cancel: no decision"),
    b(Key::plain(K::Esc), In(C::StartText), Action::Cancel, "cancel: no decision"),
    // Revision editor (text)
    b(Key::ctrl('s'), In(C::Revision), Action::Done, "check the edited item, then confirm"),
    b(Key::plain(K::Esc), In(C::Revision), Action::Cancel, "close the editor (the edit is kept for e)"),
    // Discard reason (text)
    b(Key::plain(K::Enter), In(C::DiscardReason), Action::Done, "go on to confirm the discard"),
    b(Key::plain(K::Esc), In(C::DiscardReason), Action::Cancel, "cancel: no decision"),
    // History
    b(Key::ch('k'), In(C::History), Action::Up, "scroll up"),
    b(Key::plain(K::Up), In(C::History), Action::Up, "scroll up"),
    b(Key::ch('j'), In(C::History), Action::Down, "scroll down"),
    b(Key::plain(K::Down), In(C::History), Action::Down, "scroll down"),
    b(Key::plain(K::PageUp), In(C::History), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::History), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::History), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::History), Action::Top, "top"),
    b(Key::ch('G'), In(C::History), Action::Bottom, "end"),
    b(Key::ch('n'), In(C::History), Action::ToggleNames, "names of reviewers shown or hidden (Reviewer 1, 2)"),
    b(Key::ch('q'), In(C::History), Action::Back, "back"),
    b(Key::plain(K::Esc), In(C::History), Action::Back, "back"),
    // Agreement statistics
    b(Key::ch('k'), In(C::Stats), Action::Up, "scroll up"),
    b(Key::plain(K::Up), In(C::Stats), Action::Up, "scroll up"),
    b(Key::ch('j'), In(C::Stats), Action::Down, "scroll down"),
    b(Key::plain(K::Down), In(C::Stats), Action::Down, "scroll down"),
    b(Key::plain(K::PageUp), In(C::Stats), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Stats), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Stats), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Stats), Action::Top, "top"),
    b(Key::ch('d'), In(C::Stats), Action::CycleDataset, "dataset shown: the next one (or all)"),
    b(Key::ch('R'), In(C::Stats), Action::Refresh, "reload the statistics"),
    b(Key::ch('q'), In(C::Stats), Action::Back, "back to the queue"),
    b(Key::plain(K::Esc), In(C::Stats), Action::Back, "back to the queue"),
    // Judge disputes
    b(Key::ch('k'), In(C::DisputeStart), Action::Up, "previous row"),
    b(Key::plain(K::Up), In(C::DisputeStart), Action::Up, "previous row"),
    b(Key::ch('j'), In(C::DisputeStart), Action::Down, "next row"),
    b(Key::plain(K::Down), In(C::DisputeStart), Action::Down, "next row"),
    b(Key::plain(K::Enter), In(C::DisputeStart), Action::Open, "take the next dispute (of the selected dataset)"),
    b(Key::plain(K::Tab), In(C::DisputeStart), Action::SwitchList, "switch to my adjudications"),
    b(Key::ch('r'), In(C::DisputeStart), Action::Refresh, "reload the counts"),
    b(Key::ch('q'), In(C::DisputeStart), Action::Back, "quit"),
    b(Key::plain(K::Esc), In(C::DisputeStart), Action::Back, "quit"),
    // My adjudications
    b(Key::ch('k'), In(C::MyAdjudications), Action::Up, "previous adjudication"),
    b(Key::plain(K::Up), In(C::MyAdjudications), Action::Up, "previous adjudication"),
    b(Key::ch('j'), In(C::MyAdjudications), Action::Down, "next adjudication"),
    b(Key::plain(K::Down), In(C::MyAdjudications), Action::Down, "next adjudication"),
    b(Key::plain(K::Enter), In(C::MyAdjudications), Action::Open, "reopen (finish a draft or change a decision)"),
    b(Key::ch('r'), In(C::MyAdjudications), Action::Refresh, "reload the list"),
    b(Key::plain(K::Tab), In(C::MyAdjudications), Action::SwitchList, "switch to the disputes"),
    b(Key::ch('q'), In(C::MyAdjudications), Action::Back, "back to the disputes"),
    b(Key::plain(K::Esc), In(C::MyAdjudications), Action::Back, "back to the disputes"),
    // One dispute
    b(Key::plain(K::Up), In(C::Dispute), Action::Up, "scroll the text up"),
    b(Key::plain(K::Down), In(C::Dispute), Action::Down, "scroll the text down"),
    b(Key::plain(K::PageUp), In(C::Dispute), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Dispute), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Dispute), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Dispute), Action::Top, "top of the text"),
    b(Key::ch('G'), In(C::Dispute), Action::Bottom, "end of the text"),
    b(Key::ch('k'), In(C::Dispute), Action::PrevPoint, "previous rubric point"),
    b(Key::plain(K::BackTab), In(C::Dispute), Action::PrevPoint, "previous rubric point"),
    b(Key::ch('j'), In(C::Dispute), Action::NextPoint, "next rubric point"),
    b(Key::plain(K::Tab), In(C::Dispute), Action::NextPoint, "next rubric point"),
    b(Key::ch('1'), In(C::Dispute), Action::SelectPoint(0), "select rubric point 1-9"),
    b(Key::ch('2'), In(C::Dispute), Action::SelectPoint(1), "select rubric point 1-9"),
    b(Key::ch('3'), In(C::Dispute), Action::SelectPoint(2), "select rubric point 1-9"),
    b(Key::ch('4'), In(C::Dispute), Action::SelectPoint(3), "select rubric point 1-9"),
    b(Key::ch('5'), In(C::Dispute), Action::SelectPoint(4), "select rubric point 1-9"),
    b(Key::ch('6'), In(C::Dispute), Action::SelectPoint(5), "select rubric point 1-9"),
    b(Key::ch('7'), In(C::Dispute), Action::SelectPoint(6), "select rubric point 1-9"),
    b(Key::ch('8'), In(C::Dispute), Action::SelectPoint(7), "select rubric point 1-9"),
    b(Key::ch('9'), In(C::Dispute), Action::SelectPoint(8), "select rubric point 1-9"),
    b(Key::ch('m'), In(C::Dispute), Action::MarkMet, "met (the selected point; again: clear)"),
    b(Key::ch('n'), In(C::Dispute), Action::MarkNotMet, "unmet (the selected point; again: clear)"),
    b(Key::ch('u'), In(C::Dispute), Action::ClearMark, "clear the selected point's mark"),
    b(Key::ch('='), In(C::Dispute), Action::EditScore, "score typed in (0 to 1, e.g. 0.75)"),
    b(Key::ch(']'), In(C::Dispute), Action::ScoreUp, "raise the score by 0.25 (first press: 0.5)"),
    b(Key::ch('['), In(C::Dispute), Action::ScoreDown, "lower the score by 0.25 (first press: 0.5)"),
    b(Key::ch('p'), In(C::Dispute), Action::ScoreFromPoints, "proportional score: the share of rubric points met"),
    b(Key::ch('r'), In(C::Dispute), Action::EditReason, "reason for the decision"),
    b(Key::ch('s'), In(C::Dispute), Action::Submit, "submit the decision"),
    b(Key::ch('x'), In(C::Dispute), Action::Skip, "skip this dispute (give it back)"),
    b(Key::ch('q'), In(C::Dispute), Action::Back, "back to the list (the draft is kept)"),
    b(Key::plain(K::Esc), In(C::Dispute), Action::Back, "back to the list (the draft is kept)"),
    // Overall score (text)
    b(Key::plain(K::Enter), In(C::Score), Action::Accept, "keep the score (empty: no score)"),
    b(Key::plain(K::Esc), In(C::Score), Action::Cancel, "cancel: the score is unchanged"),
    // Reason for the decision (text)
    b(Key::plain(K::Enter), In(C::DecisionReason), Action::Accept, "keep the reason"),
    b(Key::plain(K::Esc), In(C::DecisionReason), Action::Cancel, "discard the changes"),
    // Help
    b(Key::ch('k'), In(C::Help), Action::Up, "scroll up"),
    b(Key::plain(K::Up), In(C::Help), Action::Up, "scroll up"),
    b(Key::ch('j'), In(C::Help), Action::Down, "scroll down"),
    b(Key::plain(K::Down), In(C::Help), Action::Down, "scroll down"),
    b(Key::ch('?'), In(C::Help), Action::ToggleHelp, "close the help"),
    b(Key::ch('q'), In(C::Help), Action::ToggleHelp, "close the help"),
    b(Key::plain(K::Esc), In(C::Help), Action::ToggleHelp, "close the help"),
];

/// The action a key asks for in `ctx`. In text mode every key not in the table is typed.
pub fn action_for(ctx: Context, ev: KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let key = Key::from_event(&ev);
    let specific = BINDINGS
        .iter()
        .find(|b| b.key == key && b.scope == Scope::In(ctx));
    let general = || {
        BINDINGS
            .iter()
            .find(|b| b.key == key && !matches!(b.scope, Scope::In(_)) && b.scope.covers(ctx))
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
    let own = BINDINGS.iter().filter(|b| b.scope == Scope::In(ctx));
    let general = BINDINGS
        .iter()
        .filter(|b| !matches!(b.scope, Scope::In(_)) && b.scope.covers(ctx));
    for bind in own.chain(general) {
        // A key already bound in this context hides the general binding.
        if !matches!(bind.scope, Scope::In(_))
            && BINDINGS
                .iter()
                .any(|o| o.key == bind.key && o.scope == Scope::In(ctx))
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

/// A one-line reminder for the status bar: the context's non-movement keys with the first
/// word of each description ("p pass · f fail · s submit").
pub fn hint(ctx: Context) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for bind in BINDINGS.iter().filter(|b| b.scope == Scope::In(ctx)) {
        let movement = matches!(
            bind.action,
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
        );
        if movement || seen.contains(&bind.description) {
            continue;
        }
        seen.push(bind.description);
        let word = bind.description.split_whitespace().next().unwrap_or("");
        parts.push(format!("{} {word}", bind.key.label()));
    }
    if !ctx.is_text() && ctx != Context::Help {
        parts.push("? help".into());
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn q_goes_back_in_command_mode_and_types_in_text_mode() {
        let q = key(KeyCode::Char('q'));
        assert_eq!(action_for(Context::Review, q), Some(Action::Back));
        assert_eq!(action_for(Context::Queue, q), Some(Action::Back));
        for ctx in [
            Context::Reason,
            Context::Search,
            Context::Comment,
            Context::Editor,
        ] {
            assert_eq!(action_for(ctx, q), Some(Action::Input(q)), "{ctx:?}");
        }
    }

    #[test]
    fn help_key_is_text_in_text_mode() {
        let k = key(KeyCode::Char('?'));
        assert_eq!(action_for(Context::Review, k), Some(Action::ToggleHelp));
        assert_eq!(action_for(Context::Reason, k), Some(Action::Input(k)));
    }

    #[test]
    fn ctrl_c_quits_everywhere() {
        let k = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in [
            Context::Review,
            Context::Editor,
            Context::Reason,
            Context::Confirm,
        ] {
            assert_eq!(action_for(ctx, k), Some(Action::Quit));
        }
    }

    #[test]
    fn shifted_letters_match_their_capital() {
        let k = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Context::Review, k), Some(Action::Bottom));
    }

    #[test]
    fn release_events_do_nothing() {
        let mut k = key(KeyCode::Char('p'));
        k.kind = KeyEventKind::Release;
        assert_eq!(action_for(Context::Review, k), None);
    }

    #[test]
    fn every_context_has_help_and_no_key_is_bound_twice() {
        let all = [
            Context::Queue,
            Context::MyReviews,
            Context::Review,
            Context::Departments,
            Context::Search,
            Context::Reason,
            Context::Comment,
            Context::Editor,
            Context::Confirm,
            Context::Help,
            Context::DisputeStart,
            Context::MyAdjudications,
            Context::Dispute,
            Context::Score,
            Context::DecisionReason,
        ];
        for ctx in all {
            assert!(!help_rows(ctx).is_empty(), "{ctx:?}");
            let mine: Vec<_> = BINDINGS
                .iter()
                .filter(|b| b.scope == Scope::In(ctx))
                .collect();
            for (i, a) in mine.iter().enumerate() {
                assert!(
                    mine[i + 1..].iter().all(|o| o.key != a.key),
                    "{:?} bound twice in {ctx:?}",
                    a.key
                );
            }
        }
    }

    #[test]
    fn help_is_generated_from_the_table() {
        let rows = help_rows(Context::Review);
        assert!(rows.iter().any(|(k, d)| k == "p" && d.starts_with("pass")));
        assert!(rows.iter().any(|(k, _)| k == "1 2 3 4 5"));
        assert!(rows.iter().any(|(k, _)| k == "?"));
        assert!(rows.iter().any(|(k, _)| k == "k ↑"));
    }
}
