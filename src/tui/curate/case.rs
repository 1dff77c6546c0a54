//! One item waiting for a curator: its state on screen, why and since when it waits, and its
//! two reviews side by side (`widgets/review_pair.rs`).

use crate::store::{CaseReview, CurationCase};
use crate::tui::text::{wrap_lines, wrap_plain};
use crate::tui::widgets::review_pair::{self, PairReview};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::collections::BTreeSet;

/// Which pane the scroll keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    Item,
    #[default]
    Reviews,
}

pub struct CaseView {
    pub case: CurationCase,
    pub item_scroll: usize,
    pub reviews_scroll: usize,
    pub focus: Pane,
    /// An edit closed without deciding, offered again as a start text.
    pub draft: Option<String>,
}

impl CaseView {
    pub fn new(case: CurationCase) -> CaseView {
        CaseView {
            case,
            item_scroll: 0,
            reviews_scroll: 0,
            focus: Pane::default(),
            draft: None,
        }
    }

    /// "CMExam/12".
    pub fn what(&self) -> String {
        format!("{}/{}", self.case.item.dataset, self.case.item.id)
    }

    /// The reviews shown: the first two (a case has two).
    pub fn reviews(&self) -> &[CaseReview] {
        let r = &self.case.reviews;
        &r[..r.len().min(2)]
    }
}

/// "Reviewer 1", or "Reviewer 1 · 李医生 (dr-a)" when names are shown.
pub fn reviewer_label(i: usize, r: &CaseReview, anonymous: bool) -> String {
    if anonymous {
        format!("Reviewer {}", i + 1)
    } else {
        format!(
            "Reviewer {} · {}",
            i + 1,
            person(&r.reviewer_name, &r.reviewer)
        )
    }
}

/// "Name (id)", or the id alone when the person has no other name.
pub fn person(name: &str, id: &str) -> String {
    if name == id || name.is_empty() {
        id.to_string()
    } else {
        format!("{name} ({id})")
    }
}

const DIM: Style = Style::new().fg(Color::DarkGray);
const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);

/// The departments both reviewers chose, if they chose the same set; else every department
/// either chose, kept to the tagging rule (at most three, "No Department" alone). The flag
/// says whether they agreed.
pub fn prefill_departments(reviews: &[CaseReview]) -> (Vec<String>, bool) {
    let sets: Vec<BTreeSet<&String>> = reviews
        .iter()
        .map(|r| r.content.departments.iter().collect())
        .collect();
    let agreed = sets.len() >= 2 && sets.windows(2).all(|w| w[0] == w[1]);
    let mut out: Vec<String> = Vec::new();
    for id in reviews.iter().flat_map(|r| &r.content.departments) {
        if out.contains(id) {
            continue;
        }
        let mut wanted = out.clone();
        wanted.push(id.clone());
        if let Ok(ids) = crate::domain::departments::check_tags(&wanted) {
            out = ids;
        }
    }
    (out, agreed)
}

/// The reviews pane at `width` columns.
pub fn review_lines(case: &CurationCase, anonymous: bool, width: usize) -> Vec<Line<'static>> {
    let width = width.max(10);
    let mut out = Vec::new();
    out.extend(wrap_lines(
        Span::styled("Sent to curation: ", HEADING),
        &[(&case.reasons.join(", "), Style::new().fg(Color::Yellow))],
        width,
    ));
    out.extend(wrap_plain(
        &format!("Waiting since {}", case.since.replace('T', " ")),
        DIM,
        width,
    ));
    let reviews: Vec<PairReview> = case.reviews[..case.reviews.len().min(2)]
        .iter()
        .enumerate()
        .map(|(i, r)| PairReview {
            heading: reviewer_label(i, r, anonymous),
            who: if anonymous {
                format!("Reviewer {}", i + 1)
            } else {
                person(&r.reviewer_name, &r.reviewer)
            },
            when: format!("submitted {}", r.submitted_at.replace('T', " ")),
            content: &r.content,
        })
        .collect();
    out.extend(review_pair::lines(&case.item, &reviews, width));
    out
}
