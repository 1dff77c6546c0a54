//! What a curator decides, the workflow's transitions, and how an edited item is checked.

use super::departments;
use super::item::{ItemBody, ItemKind};
use super::validate::{RawItem, build_item};
use super::workflow::ItemState;
use serde_json::Value;
use std::fmt;

/// The longest discard reason kept; a reason is a sentence, not an essay.
pub const MAX_DISCARD_REASON_CHARS: usize = 500;

/// The longest note on a revision, or reason for reopening, kept.
pub const MAX_NOTE_CHARS: usize = 500;

/// A curator's decision on an item waiting in the curation queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The item is good as it is, with these final departments.
    Accept { departments: Vec<String> },
    /// The item is replaced by a new revision, which goes back to two reviewers; the note
    /// (what changed and why) is shown to them.
    Revise {
        body: Box<ItemBody>,
        note: Option<String>,
    },
    /// The item leaves the benchmark, for this reason.
    Discard { reason: String },
    /// An accepted or discarded item goes back to the curation queue, for this reason.
    Reopen { reason: String },
}

impl Decision {
    pub fn action(&self) -> &'static str {
        match self {
            Decision::Accept { .. } => "accept",
            Decision::Revise { .. } => "revise",
            Decision::Discard { .. } => "discard",
            Decision::Reopen { .. } => "reopen",
        }
    }

    /// The workflow step this decision is.
    pub fn transition(&self) -> Transition {
        match self {
            Decision::Accept { .. } => Transition::Accept,
            Decision::Revise { .. } => Transition::Revise,
            Decision::Discard { .. } => Transition::Discard,
            Decision::Reopen { .. } => Transition::Reopen,
        }
    }

    /// Checks the decision's own content; returns it with departments as ids, in the order
    /// the curator gave them (the first is the primary department sampling stratifies by).
    pub fn checked(self) -> Result<Decision, String> {
        match self {
            Decision::Accept { departments } => {
                let ids = departments::check_tags(&departments)?;
                if ids.is_empty() {
                    return Err("choose at least one department (or No Department)".into());
                }
                Ok(Decision::Accept { departments: ids })
            }
            Decision::Discard { reason } => {
                let reason = reason.trim().to_string();
                if reason.is_empty() {
                    return Err("give a reason for discarding the item".into());
                }
                if reason.chars().count() > MAX_DISCARD_REASON_CHARS {
                    return Err(format!(
                        "the reason is over {MAX_DISCARD_REASON_CHARS} characters; shorten it"
                    ));
                }
                Ok(Decision::Discard { reason })
            }
            Decision::Reopen { reason } => {
                let reason = reason.trim().to_string();
                if reason.is_empty() {
                    return Err("give a reason for reopening the item".into());
                }
                check_length("reason", &reason)?;
                Ok(Decision::Reopen { reason })
            }
            Decision::Revise { body, note } => {
                let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                if let Some(n) = &note {
                    check_length("note", n)?;
                }
                Ok(Decision::Revise { body, note })
            }
        }
    }
}

fn check_length(what: &str, text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(format!(
            "the {what} is over {MAX_NOTE_CHARS} characters; shorten it"
        ));
    }
    Ok(())
}

/// Something that moves an item through the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The second review is in and the pair agrees and passes.
    PairAgrees,
    /// The second review is in and the pair disagrees, fails or proposes a correction.
    PairDisputes,
    Accept,
    Revise,
    Discard,
    /// A curator sends a decided item back to the curation queue.
    Reopen,
    /// A new revision arrives by import (`import --revise`).
    ImportRevision,
}

/// A transition the item's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed {
    pub from: ItemState,
    pub transition: Transition,
}

impl fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.transition {
            Transition::Accept | Transition::Revise | Transition::Discard => write!(
                f,
                "the item is {}, not waiting for a curator; only items in the curation queue can be decided",
                self.from
            ),
            Transition::Reopen => write!(
                f,
                "the item is {}; only accepted or discarded items can be reopened",
                self.from.as_str().replace('_', " ")
            ),
            _ => write!(f, "the item is {}, not in review", self.from),
        }
    }
}

/// The workflow as one table: where each transition takes an item from each state.
pub fn next_state(from: ItemState, t: Transition) -> Result<ItemState, NotAllowed> {
    use ItemState::*;
    use Transition::*;
    match (from, t) {
        (InReview, PairAgrees) => Ok(Accepted),
        (InReview, PairDisputes) => Ok(NeedsCuration),
        (NeedsCuration, Accept) => Ok(Accepted),
        (NeedsCuration, Revise) => Ok(InReview),
        (NeedsCuration, Discard) => Ok(Discarded),
        (Accepted | Discarded, Reopen) => Ok(NeedsCuration),
        // A new revision of any item goes back to review, whatever became of the old one.
        (_, ImportRevision) => Ok(InReview),
        (from, transition) => Err(NotAllowed { from, transition }),
    }
}

/// Reads a curator's edited item (the JSON of its body, as the editor shows it), validated
/// as an import would be. The id and dataset are the item's own and cannot change; nor can
/// the kind.
pub fn parse_revision(
    text: &str,
    dataset: &str,
    ext_id: &str,
    kind: ItemKind,
) -> Result<ItemBody, Vec<String>> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| {
        vec![format!(
            "line {}, column {}: not valid JSON ({e}); fix the text or start again from the item",
            e.line(),
            e.column()
        )]
    })?;
    let Some(obj) = value.as_object_mut() else {
        return Err(vec!["the item must be one JSON object".into()]);
    };
    for (field, own) in [("id", ext_id), ("dataset", dataset)] {
        match obj.get(field) {
            Some(Value::String(s)) if s != own => {
                return Err(vec![format!(
                    "field `{field}`: an item's {field} cannot change (it is {own:?})"
                )]);
            }
            _ => {
                obj.insert(field.into(), Value::String(own.into()));
            }
        }
    }
    let raw: RawItem = serde_json::from_value(value).map_err(|e| vec![e.to_string()])?;
    let item = build_item(raw, dataset)
        .map_err(|errs| errs.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    if item.body.kind() != kind {
        return Err(vec![format!(
            "field `kind`: the item is {}; a revision cannot make it {}",
            kind.as_str(),
            item.body.kind().as_str()
        )]);
    }
    Ok(item.body)
}

/// The text a curator edits: the item body as pretty JSON (the same text a reviewer's
/// proposal starts from).
pub fn editable_text(body: &ItemBody) -> String {
    serde_json::to_string_pretty(body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemState::*;
    use Transition::*;

    #[test]
    fn every_transition_from_every_state() {
        let all = [
            PairAgrees,
            PairDisputes,
            Accept,
            Revise,
            Discard,
            Reopen,
            ImportRevision,
        ];
        // (from, transition, to); anything not listed is refused.
        let table = [
            (InReview, PairAgrees, Accepted),
            (InReview, PairDisputes, NeedsCuration),
            (InReview, ImportRevision, InReview),
            (NeedsCuration, Accept, Accepted),
            (NeedsCuration, Revise, InReview),
            (NeedsCuration, Discard, Discarded),
            (NeedsCuration, ImportRevision, InReview),
            (Accepted, ImportRevision, InReview),
            (Discarded, ImportRevision, InReview),
            (Accepted, Reopen, NeedsCuration),
            (Discarded, Reopen, NeedsCuration),
        ];
        for from in ItemState::ALL {
            for t in all {
                let expected = table
                    .iter()
                    .find(|(f, tt, _)| *f == from && *tt == t)
                    .map(|(_, _, to)| *to);
                match (next_state(from, t), expected) {
                    (Ok(got), Some(want)) => assert_eq!(got, want, "{from} {t:?}"),
                    (Err(_), None) => {}
                    (got, want) => panic!("{from} {t:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn revise_then_re_review_then_accept() {
        let mut s = InReview;
        for t in [PairDisputes, Revise, PairAgrees] {
            s = next_state(s, t).unwrap();
        }
        assert_eq!(s, Accepted);
        // And a second dispute after revision can still be discarded.
        let s = [PairDisputes, Revise, PairDisputes, Discard]
            .into_iter()
            .try_fold(InReview, next_state)
            .unwrap();
        assert_eq!(s, Discarded);
    }

    #[test]
    fn deciding_outside_the_queue_is_refused_in_words() {
        let e = next_state(Accepted, Accept).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the item is accepted, not waiting for a curator; only items in the curation queue can be decided"
        );
        let e = next_state(InReview, Reopen).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the item is in review; only accepted or discarded items can be reopened"
        );
    }

    #[test]
    fn reopen_needs_a_reason_and_a_note_is_trimmed() {
        assert!(Decision::Reopen { reason: " ".into() }.checked().is_err());
        assert_eq!(
            Decision::Reopen {
                reason: " 答案有争议 ".into()
            }
            .checked(),
            Ok(Decision::Reopen {
                reason: "答案有争议".into()
            })
        );
        let body: ItemBody = serde_json::from_str(
            r#"{"kind":"mcq","stem":"题","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":["A"]}"#,
        )
        .unwrap();
        let revise = |note: &str| Decision::Revise {
            body: Box::new(body.clone()),
            note: Some(note.into()),
        };
        assert_eq!(
            revise("  ").checked(),
            Ok(Decision::Revise {
                body: Box::new(body.clone()),
                note: None
            })
        );
        assert!(revise(&"改".repeat(501)).checked().is_err());
    }

    #[test]
    fn decisions_are_checked() {
        let d = Decision::Accept {
            departments: vec!["心血管内科".into(), "nephrology".into()],
        }
        .checked()
        .unwrap();
        assert_eq!(
            d,
            Decision::Accept {
                departments: vec!["cardiology".into(), "nephrology".into()]
            }
        );
        // The curator's order is kept: the first is the primary department.
        let d = Decision::Accept {
            departments: vec!["nephrology".into(), "心血管内科".into()],
        }
        .checked()
        .unwrap();
        assert_eq!(
            d,
            Decision::Accept {
                departments: vec!["nephrology".into(), "cardiology".into()]
            }
        );
        assert!(
            Decision::Accept {
                departments: vec![]
            }
            .checked()
            .is_err()
        );
        assert!(
            Decision::Discard {
                reason: "  ".into()
            }
            .checked()
            .is_err()
        );
        assert!(
            Decision::Discard {
                reason: "题干".repeat(251)
            }
            .checked()
            .is_err()
        );
    }

    #[test]
    fn an_edited_item_is_validated_like_an_import() {
        let text = r#"{"kind":"mcq","stem":"高血压首选哪类药物？","options":[{"label":"A","text":"利尿剂"},{"label":"B","text":"抗生素"}],"answer":"A"}"#;
        let body = parse_revision(text, "CMExam", "q1", ItemKind::Mcq).unwrap();
        assert_eq!(body.kind(), ItemKind::Mcq);
        let errs = parse_revision(text, "CMExam", "q1", ItemKind::OpenEnded).unwrap_err();
        assert!(errs[0].contains("cannot make it mcq"), "{errs:?}");
        let errs = parse_revision(
            &text.replace(r#""answer":"A""#, r#""answer":"Z""#),
            "CMExam",
            "q1",
            ItemKind::Mcq,
        )
        .unwrap_err();
        assert!(errs.iter().any(|e| e.contains("answer")), "{errs:?}");
        let errs = parse_revision("{\"kind\": ", "CMExam", "q1", ItemKind::Mcq).unwrap_err();
        assert!(errs[0].starts_with("line 1, column"), "{errs:?}");
        let errs = parse_revision(
            &text.replace(r#"{"kind""#, r#"{"id":"q2","kind""#),
            "CMExam",
            "q1",
            ItemKind::Mcq,
        )
        .unwrap_err();
        assert!(errs[0].contains("cannot change"), "{errs:?}");
    }
}
