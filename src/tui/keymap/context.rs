//! Where the keyboard is, and what that place is called in the help.

/// Where the keyboard is: a screen, an overlay, or a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The list of datasets.
    Queue,
    /// The list of the reviewer's own reviews.
    MyReviews,
    /// What became of one of the reviewer's settled reviews.
    Outcome,
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
    /// Typing a note on a revision for its reviewers (text mode).
    RevisionNote,
    /// Typing a part of an id or a word of the text, to find an item (text mode).
    FindItem,
    /// The items found.
    Found,
    /// Typing why a decided item is reopened (text mode).
    ReopenReason,
    /// An item's history.
    History,
    /// The agreement statistics.
    Stats,
    /// The coverage per department.
    Coverage,
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
                | Context::RevisionNote
                | Context::FindItem
                | Context::ReopenReason
                | Context::Score
                | Context::DecisionReason
        )
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Queue => "Datasets",
            Context::MyReviews => "My reviews",
            Context::Outcome => "Outcome of your review",
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
            Context::RevisionNote => "Note for the reviewers",
            Context::FindItem => "Find an item",
            Context::Found => "Items found",
            Context::ReopenReason => "Reason for reopening",
            Context::History => "History",
            Context::Stats => "Agreement",
            Context::Coverage => "Coverage per department",
            Context::DisputeStart => "Judge disputes",
            Context::MyAdjudications => "My adjudications",
            Context::Dispute => "Adjudicating a dispute",
            Context::Score => "Overall score",
            Context::DecisionReason => "Reason for the decision",
        }
    }
}
