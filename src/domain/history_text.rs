//! The event log read as sentences: "dr-wang submitted a review: fail on answer correctness",
//! not `review_submitted {"review_id":7,"passed":false}`.

use super::review::Criterion;
use serde_json::Value;

/// What a review that an event names said, when the history may show it (the pair is
/// settled): the criteria it failed.
pub type FailedLookup<'a> = dyn Fn(&str, Option<i64>) -> Option<Vec<Criterion>> + 'a;

/// One event as a sentence. `detail` is the event's JSON detail (absent while the revision is
/// under review); `failed` finds the failed criteria of `actor`'s review of a revision.
pub fn event_sentence(
    actor: &str,
    action: &str,
    revision: Option<i64>,
    detail: Option<&str>,
    failed: &FailedLookup,
) -> String {
    let detail: Option<Value> = detail.and_then(|d| serde_json::from_str(d).ok());
    let field = |k: &str| detail.as_ref().and_then(|d| d.get(k));
    let text = |k: &str| field(k).and_then(Value::as_str).map(str::to_string);
    let int = |k: &str| field(k).and_then(Value::as_i64);
    let rev = revision.map_or(String::new(), |r| format!(" revision {r}"));
    match action {
        "import" => format!("{actor} imported it"),
        "item_revised" => match int("previous_revision") {
            Some(p) => format!("{actor} imported{rev}, replacing revision {p}"),
            None => format!("{actor} imported{rev}"),
        },
        "review_claimed" => format!("{actor} took{rev} for review"),
        "review_released" => format!("{actor} gave{rev} back without a review"),
        "claim_expired" => format!(
            "{}'s claim on{rev} expired",
            text("reviewer").unwrap_or_else(|| "a reviewer".into())
        ),
        "review_submitted" | "review_changed" => {
            let verb = if action == "review_submitted" {
                "submitted a review"
            } else {
                "changed their submitted review"
            };
            match field("passed").and_then(Value::as_bool) {
                None => format!("{actor} {verb} of{rev}"),
                Some(true) => format!("{actor} {verb} of{rev}: pass on every criterion"),
                Some(false) => match failed(actor, revision) {
                    Some(list) if !list.is_empty() => format!(
                        "{actor} {verb} of{rev}: fail on {}",
                        and_list(
                            &list
                                .iter()
                                .map(|c| c.title().to_lowercase())
                                .collect::<Vec<_>>()
                        )
                    ),
                    _ => format!("{actor} {verb} of{rev}: not a pass on every criterion"),
                },
            }
        }
        "item_settled" => {
            let reasons: Vec<String> = field("reasons")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(reason_text)
                        .collect()
                })
                .unwrap_or_default();
            match text("state").as_deref() {
                Some("accepted") => format!("Both reviews of{rev} were in and agreed: accepted"),
                Some("needs_curation") if !reasons.is_empty() => format!(
                    "Both reviews of{rev} were in; it went to a curator: {}",
                    and_list(&reasons)
                ),
                Some(state) => format!("Both reviews of{rev} were in: {}", state.replace('_', " ")),
                None => format!("Both reviews of{rev} were in"),
            }
        }
        "curator_accept" => match field("departments").and_then(Value::as_array) {
            Some(d) if !d.is_empty() => format!(
                "{actor} accepted{rev}, with the departments {}",
                d.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("{actor} accepted{rev}"),
        },
        "curator_revise" => {
            let did = match int("new_revision") {
                Some(n) => format!(
                    "{actor} revised{rev} into revision {n}, which goes back to two reviewers"
                ),
                None => format!("{actor} revised{rev}"),
            };
            match text("note") {
                Some(note) => format!("{did}; the note for them: {note}"),
                None => did,
            }
        }
        "curator_discard" => match text("reason") {
            Some(r) => format!("{actor} discarded{rev}: {r}"),
            None => format!("{actor} discarded{rev}"),
        },
        "curator_reopen" => match text("reason") {
            Some(r) => format!("{actor} reopened{rev}: {r}"),
            None => format!("{actor} reopened{rev}"),
        },
        "difficulty_calibrated" => match (text("from"), text("to")) {
            (Some(from), Some(to)) => {
                format!("{actor}'s calibration rated{rev} {to} (it was {from})")
            }
            (None, Some(to)) => format!("{actor}'s calibration rated{rev} {to}"),
            _ => format!("{actor}'s calibration rated{rev}"),
        },
        // The expected verdicts stay out of the history: it is open to curators.
        "control_marked" => format!("{actor} made{rev} a control item"),
        "control_retired" => format!("{actor} retired the control item"),
        other => {
            let words = other.replace('_', " ");
            match &detail {
                Some(d) => format!("{actor}: {words}{rev} {d}"),
                None => format!("{actor}: {words}{rev}"),
            }
        }
    }
}

/// Why an item went to a curator, in words.
pub fn reason_text(id: &str) -> String {
    // A reason may name its criterion: `criteria_disagree:answer_correctness`.
    let (reason, criterion) = match id.split_once(':') {
        Some((r, c)) => (
            r,
            Criterion::ALL
                .iter()
                .find(|k| k.id() == c)
                .map_or_else(|| c.replace('_', " "), |k| k.title().to_lowercase()),
        ),
        None => (id, "a criterion".to_string()),
    };
    match reason {
        "criteria_disagree" => format!("the reviewers disagree on {criterion}"),
        "both_failed" if criterion == "a criterion" => "both reviewers failed it".into(),
        "both_failed" => format!("both reviewers failed {criterion}"),
        "departments_disagree" => "they chose different departments".into(),
        "correction_proposed" => "a correction was proposed".into(),
        "reopened" => "a curator reopened it".into(),
        other => other.replace('_', " "),
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str, _: Option<i64>) -> Option<Vec<Criterion>> {
        None
    }

    #[test]
    fn events_read_as_sentences() {
        let failed = |who: &str, rev: Option<i64>| {
            (who == "dr-wang" && rev == Some(1)).then(|| vec![Criterion::AnswerCorrectness])
        };
        assert_eq!(
            event_sentence(
                "dr-wang",
                "review_submitted",
                Some(1),
                Some(r#"{"review_id":7,"passed":false}"#),
                &failed
            ),
            "dr-wang submitted a review of revision 1: fail on answer correctness"
        );
        assert_eq!(
            event_sentence(
                "dr-li",
                "review_submitted",
                Some(1),
                Some(r#"{"passed":true}"#),
                &none
            ),
            "dr-li submitted a review of revision 1: pass on every criterion"
        );
        // Withheld while the pair is open: no detail, no verdict.
        assert_eq!(
            event_sentence("dr-li", "review_submitted", Some(2), None, &none),
            "dr-li submitted a review of revision 2"
        );
        assert_eq!(
            event_sentence(
                "medcurate",
                "item_settled",
                Some(1),
                Some(
                    r#"{"state":"needs_curation","reasons":["criteria_disagree:answer_correctness","departments_disagree"]}"#
                ),
                &none
            ),
            "Both reviews of revision 1 were in; it went to a curator: the reviewers disagree on answer correctness and they chose different departments"
        );
        assert_eq!(
            event_sentence(
                "cur-chen",
                "curator_discard",
                Some(1),
                Some(r#"{"reason":"题目超纲"}"#),
                &none
            ),
            "cur-chen discarded revision 1: 题目超纲"
        );
        assert_eq!(
            event_sentence(
                "cur-chen",
                "curator_revise",
                Some(1),
                Some(r#"{"new_revision":2,"note":"改正选项D；解析已更新"}"#),
                &none
            ),
            "cur-chen revised revision 1 into revision 2, which goes back to two reviewers; the note for them: 改正选项D；解析已更新"
        );
        assert_eq!(
            event_sentence(
                "cur-chen",
                "curator_reopen",
                Some(2),
                Some(r#"{"reason":"答案有新证据"}"#),
                &none
            ),
            "cur-chen reopened revision 2: 答案有新证据"
        );
        assert_eq!(reason_text("reopened"), "a curator reopened it");
        assert_eq!(
            event_sentence("x", "something_new", None, Some(r#"{"a":1}"#), &none),
            "x: something new {\"a\":1}"
        );
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
