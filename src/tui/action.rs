//! What a key or the terminal asks of a screen. `ReviewApp::update`, `CurateApp::update` and
//! `AdjudicateApp::update` take one `Action` at a time; what the worker answers is each
//! screen's own `Reply`, taken by its `reply`.

use crossterm::event::KeyEvent;

/// Everything a key or the terminal can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // --- from keys: moving around ---
    /// Move the cursor (or scroll the item) up one row.
    Up,
    /// Move the cursor (or scroll the item) down one row.
    Down,
    /// Scroll up one page.
    PageUp,
    /// Scroll down one page.
    PageDown,
    /// Go to the top.
    Top,
    /// Go to the bottom.
    Bottom,
    /// Open what the cursor is on.
    Open,
    /// Close the overlay or go back a screen; quits from the queue.
    Back,
    /// Quit (the draft is saved first); asks first while a draft is NOT SAVED.
    Quit,
    /// Quit without asking: the terminal is gone, SIGTERM arrived, or the loop has ended.
    /// The last change still goes to the store.
    Exit,
    /// Show or hide the key help.
    ToggleHelp,
    /// Show or hide the last messages, whole.
    ToggleMessages,
    /// Switch between the two lists (datasets, own reviews) or panes (item, reviews).
    SwitchList,
    /// Reload the queue and the list of own reviews.
    Refresh,

    // --- from keys: reviewing ---
    /// Put the criterion cursor on criterion `n` (0-based).
    SelectCriterion(usize),
    /// Move the criterion cursor to the next criterion.
    NextCriterion,
    /// Move the criterion cursor to the previous criterion.
    PrevCriterion,
    /// Pass the selected criterion (again: clear it).
    Pass,
    /// Fail the selected criterion and ask for a reason.
    Fail,
    /// Clear the selected criterion's verdict.
    ClearVerdict,
    /// Open the department picker.
    Departments,
    /// In the picker: add or remove the department under the cursor.
    ToggleDepartment,
    /// In the picker: start typing a search.
    Search,
    /// Open the editor for a proposed correction.
    EditProposal,
    /// In the editor: start again from the item's current text (no proposal).
    ResetProposal,
    /// Write a comment for the curator.
    EditComment,
    /// Ask to submit the review (opens the confirm dialog when it is complete).
    Submit,
    /// Submit for real: the confirm dialog said yes.
    ConfirmSubmit,
    /// Ask to skip the item (give it back).
    Skip,
    /// Skip for real: the confirm dialog said yes.
    ConfirmSkip,
    /// Say yes in a confirm dialog.
    Confirm,
    /// Close a dialog or text input without keeping it.
    Cancel,
    /// Finish a text input and keep what was typed.
    Accept,
    /// A key typed into the text input, search box or editor.
    Input(KeyEvent),

    // --- from keys: curating ---
    /// Show the next dataset (after the last: all of them).
    CycleDataset,
    /// Show the next curation reason (after the last: all of them).
    CycleReason,
    /// Drop the filter (on the queue: every filter).
    ClearFilters,
    /// Show the item's history.
    History,
    /// Show the agreement statistics.
    Stats,
    /// Show the coverage per department.
    Coverage,
    /// Show or hide the reviewers' names.
    ToggleNames,
    /// Accept the item: choose its final departments, then confirm.
    AcceptItem,
    /// Revise the item: choose the text to start from, edit it, then confirm.
    ReviseItem,
    /// Discard the item: give a reason, then confirm.
    DiscardItem,
    /// Finish a decision's step (departments chosen, edit saved) and go on to confirm.
    Done,
    /// Find any item by DATASET/ID, decided ones too, and show its history.
    FindItem,
    /// Reopen the accepted or discarded item shown: give a reason, then confirm.
    ReopenItem,

    // --- from keys: adjudicating judge disputes ---
    /// Put the rubric cursor on point `n` (0-based).
    SelectPoint(usize),
    /// Move the rubric cursor to the next point.
    NextPoint,
    /// Move the rubric cursor to the previous point.
    PrevPoint,
    /// Mark the selected rubric point met (again: clear it).
    MarkMet,
    /// Mark the selected rubric point not met (again: clear it).
    MarkNotMet,
    /// Clear the selected rubric point's mark.
    ClearMark,
    /// Raise the overall score by a quarter.
    ScoreUp,
    /// Lower the overall score by a quarter.
    ScoreDown,
    /// Set the overall score to the share of rubric points met.
    ScoreFromPoints,
    /// Type the overall score.
    EditScore,
    /// Type the reason for the decision.
    EditReason,

    // --- from the terminal ---
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// Text pasted (bracketed paste), line ends as `\n`: inserted as one edit where text is
    /// being typed.
    Paste(String),
    /// A paste refused whole (too long, or never finished); the text says why.
    PasteRefused(String),
}
