//! The adjudication screen through `AdjudicateApp::update`, the keymap and a fake store; and
//! its frames rendered into ratatui's `TestBackend` with real Chinese open-ended items. No
//! store, no terminal, no sleeps.

use super::app::AdjudicateApp;
use super::dispute::{fmt_score, parse_score};
use super::worker::{self, Backend, Command, Job, Reply};
use crate::domain::item::Content;
use crate::domain::judge::{Adjudication, JudgeScore};
use crate::domain::people::{Person, Role};
use crate::store::{DisputeAssignment, DisputeCount, MyAdjudication, ReviewStatus};
use crate::tui::action::Action;
use crate::tui::desk::{ConfirmKind, Step, View};
use crate::tui::keymap::{Context, help_rows};
use crate::tui::test_support::sample;
use anyhow::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod dispatch;
mod render;

const ITEM: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";
const RESPONSE: &str = "高血压确实可能引起头晕，但头晕的原因很多，比如睡眠不足、过度疲劳、贫血、低血糖、颈椎病等。建议他先在家规范测量几次血压，如果血压确实偏高，应到心内科就诊。如出现一侧肢体无力、言语不清，应立即就医。";
const RATIONALE: &str = "回答指出了高血压可致头晕并列举了多种鉴别原因，建议家庭血压监测并提示了卒中警示症状，但未建议完善血常规、血糖检查。";
const REASON: &str = "未建议完善血常规和血糖检查，第3条不满足";

pub(super) fn assignment(id: i64) -> DisputeAssignment {
    let item = sample("MADiagnosis.jsonl", ITEM);
    let n = match &item.body.content {
        Content::OpenEnded(o) => o.rubric.len(),
        _ => panic!("not open-ended"),
    };
    assert_eq!(n, 4);
    DisputeAssignment {
        adjudication_id: id,
        dataset: "MADiagnosis".into(),
        item,
        revision_no: 1,
        model: "GPT-4o".into(),
        response: RESPONSE.into(),
        judges: vec![
            JudgeScore {
                score: 0.9,
                points: Some(vec![true, true, true, true]),
                rationale: Some(RATIONALE.into()),
            },
            JudgeScore {
                score: 0.3,
                points: None,
                rationale: None,
            },
        ],
        gap: 0.6,
        status: ReviewStatus::Claimed,
        content: Adjudication::blank(n),
        changed: false,
        lease_expires_at: Some("2099-01-01T00:00:00Z".into()),
    }
}

pub(super) fn counts() -> Vec<DisputeCount> {
    vec![
        DisputeCount {
            dataset: "MADiagnosis".into(),
            model: "GPT-4o".into(),
            responses: 10,
            disputes: 4,
            adjudicated: 1,
            in_progress: 1,
        },
        DisputeCount {
            dataset: "MACompliance".into(),
            model: "通义千问-Max".into(),
            responses: 6,
            disputes: 2,
            adjudicated: 0,
            in_progress: 0,
        },
    ]
}

pub(super) fn expert() -> Person {
    Person {
        id: "dr-a".into(),
        name: "李医生".into(),
        roles: vec![Role::Annotator],
        os_user: None,
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn typed(app: &mut AdjudicateApp, s: &str) {
    for c in s.chars() {
        app.handle_key(key(c));
    }
}

/// An app at `size` with the counts loaded and dispute 7 open.
pub(super) fn opened(size: (u16, u16)) -> AdjudicateApp {
    let mut app = AdjudicateApp::new(expert(), None, size);
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::Overview, Command::Mine]
    );
    app.reply(Reply::Overview {
        threshold: 0.25,
        counts: counts(),
    });
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.desk.take_commands(), vec![Command::ClaimNext(None)]);
    app.reply(Reply::Loaded(Box::new(assignment(7))));
    assert_eq!(app.context(), Context::Dispute);
    app
}

fn saves(cmds: &[Command]) -> Vec<&Adjudication> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::SaveDraft(_, a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn marking_scoring_and_a_reason_are_saved_as_drafts_one_at_a_time() {
    let mut app = opened((120, 40));
    let d = app.dispute().unwrap();
    assert_eq!(d.point, 0);
    // m marks point 1 met and moves on to point 2; n marks it not met.
    app.handle_key(key('m'));
    let first = app.desk.take_commands();
    assert_eq!(saves(&first)[0].points, vec![Some(true), None, None, None]);
    assert_eq!(app.dispute().unwrap().point, 1);
    // While that save is in flight, changes wait and go as one save.
    app.handle_key(key('n'));
    app.handle_key(key('4'));
    app.handle_key(key('m'));
    assert!(app.desk.take_commands().is_empty());
    assert_eq!(app.desk.save_state(), "saving…");
    app.reply(Reply::Saved(7));
    let second = app.desk.take_commands();
    assert_eq!(
        saves(&second)[0].points,
        vec![Some(true), Some(false), None, Some(true)]
    );
    app.reply(Reply::Saved(7));
    assert_eq!(app.desk.save_state(), "saved");
    // The same mark again clears it; u clears too.
    app.handle_key(key('4'));
    app.handle_key(key('m'));
    assert_eq!(app.dispute().unwrap().content.points[3], None);
    app.handle_key(key('2'));
    app.handle_key(key('u'));
    assert_eq!(app.dispute().unwrap().content.points[1], None);
    // Tab and Shift-Tab move the cursor, wrapping round; j and k scroll the text.
    app.handle_key(code(KeyCode::BackTab));
    assert_eq!(app.dispute().unwrap().point, 0);
    app.handle_key(code(KeyCode::BackTab));
    assert_eq!(app.dispute().unwrap().point, 3);
    app.handle_key(code(KeyCode::Tab));
    assert_eq!(app.dispute().unwrap().point, 0);
    app.handle_key(key('j'));
    assert_eq!(app.dispute().unwrap().point, 0);
    // A point past the rubric is refused.
    app.handle_key(key('7'));
    assert!(app.desk.message.as_ref().unwrap().error);
    assert_eq!(app.dispute().unwrap().point, 0);

    // The score, typed: a bad number is refused and the input stays open.
    app.handle_key(key('='));
    assert_eq!(app.context(), Context::Score);
    typed(&mut app, "1.5");
    app.handle_key(code(KeyCode::Enter));
    assert!(app.desk.message.as_ref().unwrap().error);
    assert_eq!(app.context(), Context::Score);
    for _ in 0..3 {
        app.handle_key(code(KeyCode::Backspace));
    }
    typed(&mut app, "0.6");
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Dispute);
    assert_eq!(app.dispute().unwrap().content.score, Some(0.6));
    // ] and [ step by quarters from there.
    app.handle_key(key(']'));
    assert_eq!(app.dispute().unwrap().content.score, Some(0.75));
    app.handle_key(key('['));
    app.handle_key(key('['));
    assert_eq!(app.dispute().unwrap().content.score, Some(0.25));

    // The reason in Chinese goes into the draft as it is typed; Esc puts the old one back.
    app.handle_key(key('r'));
    assert_eq!(app.context(), Context::DecisionReason);
    typed(&mut app, "草稿");
    assert_eq!(app.dispute().unwrap().content.reason, "草稿");
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.dispute().unwrap().content.reason, "");
    app.handle_key(key('r'));
    typed(&mut app, REASON);
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.dispute().unwrap().content.reason, REASON);

    // Quitting flushes the last change even with a save in flight.
    app.desk.take_commands();
    app.handle_key(key('1'));
    app.handle_key(key('n'));
    app.update(Action::Quit);
    let last = app.desk.take_commands();
    let s = saves(&last);
    assert_eq!(s.last().unwrap().points[0], Some(false));
    assert_eq!(s.last().unwrap().reason, REASON);
    assert!(app.desk.quit);
}

#[test]
fn submit_is_refused_until_complete_then_confirmed_and_the_next_dispute_follows() {
    let mut app = opened((120, 40));
    app.handle_key(key('s'));
    let msg = app.desk.message.clone().unwrap();
    assert!(msg.error);
    assert!(
        msg.text.contains("mark rubric point(s) 1, 2, 3, 4"),
        "{}",
        msg.text
    );
    assert!(msg.text.contains("give a short reason"), "{}", msg.text);
    assert_eq!(app.desk.confirm, None);

    // % before every point is marked says what to do.
    app.handle_key(key('%'));
    assert!(app.desk.message.as_ref().unwrap().error);
    typed(&mut app, "mmnm");
    // Points 1, 2 and 4 are worth 2 + 2 + 1 of 6.
    app.handle_key(key('%'));
    assert_eq!(app.dispute().unwrap().content.score, Some(0.83));
    app.handle_key(key('r'));
    typed(&mut app, REASON);
    app.handle_key(code(KeyCode::Enter));
    app.desk.take_commands();

    app.handle_key(key('s'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Submit));
    assert_eq!(app.context(), Context::Confirm);
    // No: nothing sent.
    app.handle_key(key('n'));
    assert_eq!(app.desk.confirm, None);
    assert!(app.desk.take_commands().is_empty());
    app.handle_key(key('s'));
    app.handle_key(key('y'));
    let want = Adjudication {
        points: vec![Some(true), Some(true), Some(false), Some(true)],
        score: Some(0.83),
        reason: REASON.into(),
    };
    assert_eq!(app.desk.take_commands(), vec![Command::Submit(7, want)]);
    assert_eq!(app.desk.busy, Some(Step::Submit));

    app.reply(Reply::Submitted(7));
    assert!(app.dispute().is_none());
    let cmds = app.desk.take_commands();
    assert_eq!(cmds[0], Command::ClaimNext(None));
    assert!(cmds.contains(&Command::Overview));
    let mut next = assignment(8);
    next.item = sample("MADiagnosis.jsonl", "madiag-0004");
    next.content = Adjudication::blank(4);
    next.judges[0].points = Some(vec![false, true, false, true]);
    app.reply(Reply::Loaded(Box::new(next)));
    let msg = &app.desk.message.as_ref().unwrap().text;
    assert!(
        msg.starts_with("Submitted. Now deciding GPT-4o on madiag-0004"),
        "{msg}"
    );

    // Nothing left: back at the start, saying so.
    app.handle_key(key('x'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Skip));
    app.handle_key(key('y'));
    assert_eq!(app.desk.take_commands(), vec![Command::Release(8)]);
    app.reply(Reply::Released(8));
    assert_eq!(app.desk.take_commands(), vec![Command::ClaimNext(None)]);
    app.reply(Reply::NothingLeft(None));
    assert_eq!(app.desk.view, View::List);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("No dispute left")
    );
}

#[test]
fn the_start_screen_claims_by_dataset_and_reopens_own_decisions() {
    let mut app = AdjudicateApp::new(expert(), None, (80, 24));
    app.desk.take_commands();
    app.reply(Reply::Overview {
        threshold: 0.25,
        counts: counts(),
    });
    app.reply(Reply::Mine(vec![MyAdjudication {
        adjudication_id: 3,
        dataset: "MADiagnosis".into(),
        item_id: ITEM.into(),
        model: "GPT-4o".into(),
        status: ReviewStatus::Submitted,
        changed: false,
        updated_at: "2026-03-01T08:00:00Z".into(),
    }]));
    // Row 0 is all datasets; row 2 is MACompliance.
    app.handle_key(key('j'));
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(
        app.desk.take_commands(),
        vec![Command::ClaimNext(Some("MACompliance".into()))]
    );
    assert_eq!(app.desk.scope.as_deref(), Some("MACompliance"));
    app.reply(Reply::NothingLeft(Some("MACompliance".into())));
    assert_eq!(app.desk.view, View::List);
    app.desk.take_commands();

    // Reopen a submitted decision: a change to it is saved as its draft, beside the decision
    // submitted, and x offers to throw the change away (it cannot be skipped).
    app.handle_key(code(KeyCode::Tab));
    assert_eq!(app.context(), Context::MyAdjudications);
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.desk.take_commands(), vec![Command::Open(3)]);
    let mut a = assignment(3);
    a.status = ReviewStatus::Submitted;
    a.content = Adjudication {
        points: vec![Some(true); 4],
        score: Some(1.0),
        reason: "全部满足".into(),
    };
    app.reply(Reply::Loaded(Box::new(a)));
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("until you submit it again")
    );
    app.handle_key(key('x'));
    assert!(
        app.desk.message.as_ref().unwrap().error,
        "nothing to throw away"
    );
    assert_eq!(app.desk.confirm, None);
    app.handle_key(key('1'));
    app.handle_key(key('n'));
    assert_eq!(saves(&app.desk.take_commands()).len(), 1);
    app.reply(Reply::Saved(3));
    assert_eq!(app.desk.save_state(), "changed, not resubmitted");
    app.handle_key(key('x'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::DiscardChange));
    app.handle_key(key('n'));
    assert_eq!(app.desk.confirm, None);
    // Submitting again goes back to the start screen, not to a new dispute.
    app.handle_key(key('s'));
    app.handle_key(key('y'));
    let cmds = app.desk.take_commands();
    assert!(matches!(&cmds[..], [Command::Submit(3, a)] if a.points[0] == Some(false)));
    app.reply(Reply::Submitted(3));
    assert_eq!(app.desk.view, View::List);
    assert!(
        !app.desk
            .take_commands()
            .iter()
            .any(|c| matches!(c, Command::ClaimNext(_)))
    );
    // q at the start quits.
    app.handle_key(code(KeyCode::Esc));
    app.handle_key(key('q'));
    assert!(app.desk.quit);
}

#[test]
fn a_given_dataset_goes_straight_to_a_dispute_and_failures_read_well() {
    let mut app = AdjudicateApp::new(expert(), Some("MADiagnosis".into()), (80, 24));
    assert_eq!(
        app.desk.take_commands(),
        vec![
            Command::Overview,
            Command::Mine,
            Command::ClaimNext(Some("MADiagnosis".into()))
        ]
    );
    assert_eq!(app.desk.view, View::Open);
    app.reply(Reply::Loaded(Box::new(assignment(7))));
    app.handle_key(key('m'));
    app.desk.take_commands();
    let busy = "the database is busy with another writer; try again in a moment";
    app.reply(Reply::SaveFailed(7, busy.into()));
    let msg = app.desk.message.clone().unwrap();
    assert!(
        msg.error
            && msg
                .text
                .starts_with("Draft NOT saved: the database is busy"),
        "{}",
        msg.text
    );
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    // Sent again at once; a change meanwhile waits for that answer.
    assert_eq!(saves(&app.desk.take_commands()).len(), 1);
    app.handle_key(key('n'));
    assert!(app.desk.take_commands().is_empty());
    app.reply(Reply::SaveFailed(7, busy.into()));
    let s = app.desk.take_commands();
    assert_eq!(saves(&s)[0].points[..2], [Some(true), Some(false)]);
    // q while it is NOT SAVED asks, and no stays.
    app.handle_key(key('q'));
    assert_eq!(app.desk.confirm, Some(ConfirmKind::LeaveUnsaved));
    assert_eq!(app.desk.view, View::Open);
    app.handle_key(key('n'));
    assert_eq!(app.desk.confirm, None);
    assert_eq!(app.desk.view, View::Open);
    assert_eq!(app.desk.save_state(), "NOT SAVED");
    // Once the store has it, q goes back with the draft kept.
    app.reply(Reply::Saved(7));
    assert_eq!(app.desk.save_state(), "saved");
    assert_eq!(
        app.desk.message.as_ref().unwrap().text,
        "Your draft is saved now"
    );
    app.handle_key(key('q'));
    assert_eq!(app.desk.view, View::List);
    assert!(
        app.desk
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("draft is kept")
    );
}

#[test]
fn scores_are_read_leniently_and_shown_short() {
    assert_eq!(parse_score("0.75"), Ok(Some(0.75)));
    assert_eq!(parse_score(" .5 "), Ok(Some(0.5)));
    assert_eq!(parse_score("75%"), Ok(Some(0.75)));
    assert_eq!(parse_score("０．６"), Ok(Some(0.6)));
    assert_eq!(parse_score("1"), Ok(Some(1.0)));
    assert_eq!(parse_score(""), Ok(None));
    assert!(parse_score("1.2").unwrap_err().contains("outside 0 to 1"));
    assert!(parse_score("-0").is_ok());
    assert!(parse_score("abc").unwrap_err().contains("not a number"));
    assert!(parse_score("NaN").is_err());
    assert_eq!(fmt_score(0.6), "0.6");
    assert_eq!(fmt_score(1.0), "1");
    assert_eq!(fmt_score(0.0), "0");
    assert_eq!(fmt_score(0.8333), "0.833");
}

#[test]
fn the_help_comes_from_the_key_table() {
    let rows = help_rows(Context::Dispute);
    assert!(rows.iter().any(|(k, d)| k == "m" && d.starts_with("met")));
    assert!(rows.iter().any(|(k, _)| k == "1 2 3 4 5 6 7 8 9"));
    assert!(rows.iter().any(|(k, _)| k == "Shift-Tab"));
    assert!(
        rows.iter()
            .any(|(k, d)| k == "k ↑" && d.starts_with("scroll"))
    );
    let mut app = opened((80, 24));
    app.handle_key(key('?'));
    assert_eq!(
        app.desk.help.map(|h| (h.context, h.scroll)),
        Some((Context::Dispute, 0))
    );
    app.handle_key(key('j'));
    assert_eq!(
        app.desk.help.map(|h| (h.context, h.scroll)),
        Some((Context::Dispute, 1))
    );
    app.handle_key(key('?'));
    assert_eq!(app.desk.help, None);
}
