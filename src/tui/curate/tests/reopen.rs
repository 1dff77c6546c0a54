//! Reaching a decided item and reopening it; the note on a revision; the history read as
//! sentences; a proposed correction that is not a valid item marked in the case.

use super::*;
use crate::domain::find::{Match, Query};
use crate::domain::workflow::ItemState;
use crate::store::{Found, FoundItem};
use crate::tui::test_support::screen::{assert_clean, screen};

fn render(app: &CurateApp) -> Buffer {
    crate::tui::test_support::screen::render(app.size, |f| ui::draw(f, app))
}

/// The history of an item the curator accepted.
fn accepted() -> ItemHistory {
    let mut h = history();
    h.state = ItemState::Accepted;
    h.final_departments = Some(vec!["gastroenterology".into()]);
    h
}

/// The queue loaded, nothing open.
fn at_queue() -> CurateApp {
    let mut app = CurateApp::new(curator(), CurateOptions::default(), (120, 40));
    let filter = app.queue.filter.clone();
    app.reply(Reply::Queue(filter, queue(&["next"])));
    app.take_commands();
    app
}

fn found(items: &[(&str, ItemState, Match)]) -> Found<FoundItem> {
    Found {
        rows: items
            .iter()
            .map(|(id, state, m)| {
                (
                    FoundItem {
                        dataset: "CMExam".into(),
                        item_id: id.to_string(),
                        state: *state,
                        revision_no: 2,
                    },
                    m.clone(),
                )
            })
            .collect(),
        more: false,
    }
}

#[test]
fn a_decided_item_is_found_by_id_and_reopened_with_a_reason() {
    let mut app = at_queue();
    app.handle_key(key('/'));
    assert_eq!(app.context(), Context::FindItem);
    // Text mode: 'q' is typed; an empty query is refused in words.
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::FindItem);
    assert!(app.take_commands().is_empty());
    typed(&mut app, "q");
    app.handle_key(code(KeyCode::Backspace));
    typed(&mut app, "val_sample:2");
    let buf = render(&app);
    assert_clean(&buf);
    assert!(screen(&buf).contains("Find 查找"), "{}", screen(&buf));
    app.handle_key(code(KeyCode::Enter));
    let q = Query::new("val_sample:2").unwrap();
    assert_eq!(app.take_commands(), vec![Command::Find(q.clone())]);
    assert!(screen(&render(&app)).contains("Searching…"));
    // One match: its history opens at once.
    app.reply(Reply::Found(
        q,
        found(&[("cmexam_val_sample:2", ItemState::Accepted, Match::Id)]),
    ));
    assert_eq!(
        app.take_commands(),
        vec![Command::History {
            dataset: "CMExam".into(),
            item_id: "cmexam_val_sample:2".into()
        }]
    );
    app.reply(Reply::History(accepted()));
    assert_eq!(app.context(), Context::History);

    // o: the reason ('q' typed), then the confirm; no is back at the reason.
    app.handle_key(key('o'));
    assert_eq!(app.context(), Context::ReopenReason);
    app.handle_key(code(KeyCode::Enter));
    assert!(app.message.as_ref().unwrap().error, "a reason is needed");
    typed(&mut app, "新版指南改变了答案q");
    let buf = render(&app);
    assert_clean(&buf);
    assert!(screen(&buf).contains("Why reopen this item?"));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Confirm);
    let (title, lines) = app.confirm_text();
    assert_eq!(title, "Reopen the item");
    assert_eq!(
        lines[0],
        "Reopen CMExam/cmexam_val_sample:2 (revision 2, accepted)?"
    );
    assert_eq!(lines[2], "Reason: 新版指南改变了答案q");
    assert_clean(&render(&app));
    app.handle_key(key('n'));
    assert_eq!(app.context(), Context::ReopenReason);
    assert!(app.take_commands().is_empty());
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(key('y'));
    assert_eq!(
        app.take_commands(),
        vec![Command::Decide {
            dataset: "CMExam".into(),
            item_id: "cmexam_val_sample:2".into(),
            revision_no: 2,
            decision: Decision::Reopen {
                reason: "新版指南改变了答案q".into()
            },
        }]
    );
    assert!(app.saving());
    // Reopened: the queue reloads and the item's case opens.
    app.reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Reopened,
    });
    let cmds = app.take_commands();
    assert!(cmds.iter().any(|c| matches!(c, Command::Queue(_))));
    assert!(cmds.contains(&Command::Open {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into()
    }));
    assert!(app.history.is_none() && app.reopen.is_none());
    let mut c = case();
    c.reasons.insert(0, "reopened".into());
    app.reply(Reply::Case(c));
    assert_eq!(app.context(), Context::Case);
    let m = &app.message.as_ref().unwrap().text;
    assert!(
        m.starts_with(
            "Reopened CMExam/cmexam_val_sample:2: it is back in the curation queue. Now "
        ),
        "{m}"
    );
}

#[test]
fn only_decided_items_reopen_and_the_store_may_still_refuse() {
    let mut app = at_queue();
    // From the queue's own history (waiting for a curator), and an item in review.
    for (state, says) in [
        (ItemState::NeedsCuration, "waiting for a curator already"),
        (
            ItemState::InReview,
            "only accepted or discarded items can be reopened",
        ),
    ] {
        app.open_history("CMExam".into(), "cmexam_val_sample:2".into(), View::Queue);
        let mut h = history();
        h.state = state;
        app.reply(Reply::History(h));
        app.handle_key(key('o'));
        assert_eq!(app.context(), Context::History);
        let m = app.message.as_ref().unwrap();
        assert!(m.error && m.text.contains(says), "{m:?}");
        app.handle_key(key('q'));
        assert_eq!(app.view, View::Queue);
    }
    // A frozen release: the store says why, and the history stays.
    app.take_commands();
    app.open_history("CMExam".into(), "cmexam_val_sample:2".into(), View::Queue);
    app.reply(Reply::History(accepted()));
    app.handle_key(key('o'));
    typed(&mut app, "复核");
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(key('y'));
    app.reply(Reply::Failed(
        Job::Decide,
        "CMExam/cmexam_val_sample:2 is in the frozen release bench (version 1.0.0) at revision 2, and releases never change: it cannot be reopened".into(),
    ));
    assert_eq!(app.context(), Context::History);
    let m = app.message.as_ref().unwrap();
    assert!(m.error && m.text.contains("releases never change"), "{m:?}");
    assert!(!app.saving());
}

#[test]
fn the_item_last_decided_is_offered_when_finding_one() {
    let mut app = opened(CurateOptions::default());
    app.update(Action::DiscardItem);
    typed(&mut app, "重复题");
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(key('y'));
    app.reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Discarded,
    });
    app.reply(Reply::NotWaiting {
        dataset: "CMExam".into(),
        item_id: "next".into(),
    });
    assert_eq!(app.view, View::Queue);
    app.handle_key(key('/'));
    assert_eq!(
        app.find
            .as_ref()
            .and_then(|f| f.input.as_ref())
            .map(|i| i.value()),
        Some("CMExam/cmexam_val_sample:2".to_string())
    );
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.context(), Context::CurateQueue);
}

#[test]
fn matches_list_every_item_found_and_open_a_waiting_one_as_its_case() {
    let mut app = at_queue();
    app.handle_key(key('/'));
    typed(&mut app, "胸痛");
    app.handle_key(code(KeyCode::Enter));
    let q = Query::new("胸痛").unwrap();
    app.take_commands();
    // An answer for another query is not shown.
    app.reply(Reply::Found(Query::new("other").unwrap(), found(&[])));
    assert!(app.find.as_ref().unwrap().found.is_none());
    app.reply(Reply::Found(
        q,
        found(&[
            (
                "chinese_medical_dialogue_IM_7specialty_sample:12",
                ItemState::NeedsCuration,
                Match::Text("患者胸痛3小时".into()),
            ),
            (
                "chinese_medical_dialogue_IM_7specialty_sample:13",
                ItemState::Accepted,
                Match::Text("反复胸痛".into()),
            ),
        ]),
    ));
    assert_eq!(app.context(), Context::Found);
    app.size = (80, 24);
    let buf = render(&app);
    assert_clean(&buf);
    let text = screen(&buf);
    assert!(
        text.contains("sample:12") && text.contains("sample:13"),
        "{text}"
    );
    assert!(
        text.contains("needs curation") || text.contains("needs_curation"),
        "{text}"
    );
    assert!(text.contains("患者胸痛3小时"), "{text}");
    // Enter on the first (waiting for a curator) opens its case.
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(
        app.take_commands(),
        vec![Command::Open {
            dataset: "CMExam".into(),
            item_id: "chinese_medical_dialogue_IM_7specialty_sample:12".into()
        }]
    );
    assert_eq!(app.view, View::Case);
    // Back at the queue the matches are still there; j and Enter open the other's history.
    app.reply(Reply::NotWaiting {
        dataset: "CMExam".into(),
        item_id: "chinese_medical_dialogue_IM_7specialty_sample:12".into(),
    });
    app.take_commands();
    assert_eq!(app.context(), Context::Found);
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    assert!(
        app.take_commands()
            .iter()
            .any(|c| matches!(c, Command::History { item_id, .. } if item_id.ends_with(":13")))
    );
    // A failed search offers the query again.
    app.view = View::Queue;
    app.handle_key(key('/'));
    app.handle_key(code(KeyCode::Enter));
    app.reply(Reply::Failed(Job::Find, "the database is busy".into()));
    assert_eq!(app.context(), Context::FindItem);
}

#[test]
fn the_history_reads_as_sentences_with_the_note() {
    let lines: Vec<String> = crate::tui::curate::history::history_lines(&history(), false, 200)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let all = lines.join("\n");
    assert!(
        all.contains("cur revised revision 1 into revision 2, which goes back to two reviewers; the note for them: 改正题干措辞"),
        "{all}"
    );
    assert!(
        all.contains("· note for the reviewers: 改正题干措辞"),
        "{all}"
    );
    assert!(!all.contains("curator_revise"), "{all}");
    assert!(!all.contains("{\"new_revision\""), "{all}");
    // The failed criteria of a settled review, by the reviewer's real id even when hidden.
    let mut h = history();
    h.events.push(HistoryEvent {
        at: "2026-03-01T08:15:02Z".into(),
        actor: "dr-b".into(),
        action: "review_submitted".into(),
        revision_no: Some(1),
        detail: Some("{\"review_id\":2,\"passed\":false}".into()),
    });
    h.events.push(HistoryEvent {
        at: "2026-03-01T09:00:00Z".into(),
        actor: "medcurate".into(),
        action: "claim_expired".into(),
        revision_no: Some(1),
        detail: Some("{\"reviewer\":\"dr-a\"}".into()),
    });
    let text = |anonymous: bool| {
        crate::tui::curate::history::history_lines(&h, anonymous, 200)
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let named = text(false);
    assert!(
        named.contains("dr-b submitted a review of revision 1: fail on answer correctness"),
        "{named}"
    );
    assert!(
        named.contains("dr-a's claim on revision 1 expired"),
        "{named}"
    );
    let hidden = text(true);
    assert!(
        hidden.contains("Reviewer 2 submitted a review of revision 1: fail on answer correctness"),
        "{hidden}"
    );
    assert!(
        hidden.contains("Reviewer 1's claim on revision 1 expired"),
        "{hidden}"
    );
    assert!(
        !hidden.contains("dr-a") && !hidden.contains("dr-b"),
        "{hidden}"
    );
}

#[test]
fn a_proposal_that_is_not_a_valid_item_is_marked_in_the_case() {
    let mut c = case();
    let good = c.reviews[1].content.proposal.clone().unwrap();
    // Valid: no mark.
    let text = |c: &CurationCase| {
        crate::tui::curate::case::review_lines(c, false, 110)
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!text(&c).contains("Not a valid item"));
    // An answer that is no option's label: the same words as the revision editor's check.
    let bad = good.replacen("\"answer\": [\n    \"C\"", "\"answer\": [\n    \"Z\"", 1);
    assert_ne!(bad, good, "the sample's answer is C");
    c.reviews[1].content.proposal = Some(bad.clone());
    let item = &c.item;
    let why =
        crate::domain::curation::parse_revision(&bad, &item.dataset, &item.id, item.body.kind())
            .unwrap_err();
    let shown = text(&c);
    assert!(
        shown.contains("✗ Not a valid item, shown as text"),
        "{shown}"
    );
    assert!(shown.contains(&format!("✗ {}", why[0])), "{shown}");
    // And in the revise chooser.
    let mut app = opened(CurateOptions::default());
    app.case.as_mut().unwrap().case = c;
    app.handle_key(key('e'));
    assert!(
        app.start_label(crate::tui::curate::decide::Start::Proposal(1))
            .contains("(not a valid item)")
    );
    let buf = render(&app);
    assert_clean(&buf);
}
