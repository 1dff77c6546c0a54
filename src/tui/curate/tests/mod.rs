//! The curation screen through `CurateApp::update`, the keymap and a fake store; and its
//! frames rendered into ratatui's `TestBackend` at 120x40 with real Chinese items. No store,
//! no terminal, no sleeps.

use super::app::{CurateApp, View};
use super::decide::Pending;
use super::worker::{self, Backend, Command, Job, Reply};
use super::{CurateOptions, ui};
use crate::domain::agreement::AgreementReport;
use crate::domain::curation::{Decision, editable_text};
use crate::domain::item::Item;
use crate::domain::people::{Person, Role};
use crate::domain::review::{Criterion, ReviewContent, Verdict};
use crate::store::{
    CaseReview, CurationCase, CurationFilter, CurationQueue, CurationRow, DecideOutcome,
    HistoryDecision, HistoryEvent, HistoryReview, HistoryRevision, ItemHistory,
};
use crate::tui::action::Action;
use crate::tui::keymap::Context;
use crate::tui::test_support::sample;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn item() -> Item {
    sample("CMExam.jsonl", "cmexam_val_sample:2")
}

const FAIL_REASON: &str = "出血部位同样决定呕血与黑便，答案应包括B";

/// Two reviews that disagree on answer correctness and on departments; the second proposes
/// a correction of the stem.
fn case() -> CurationCase {
    let item = item();
    let mut a = ReviewContent::default();
    let mut b = ReviewContent::default();
    for c in crate::domain::review::applicable(&item.body) {
        a.verdicts.insert(c, Verdict::Pass);
        b.verdicts.insert(c, Verdict::Pass);
    }
    b.verdicts.insert(
        Criterion::AnswerCorrectness,
        Verdict::Fail {
            reason: FAIL_REASON.into(),
        },
    );
    a.departments = vec!["gastroenterology".into()];
    b.departments = vec!["gastroenterology".into(), "emergency-medicine".into()];
    b.comment = Some("题干表述不够严谨".into());
    let text = editable_text(&item.body);
    b.proposal = Some(text.replace("这取决于", "这主要取决于"));
    CurationCase {
        item,
        revision_no: 1,
        reasons: vec![
            "criteria_disagree:answer_correctness".into(),
            "departments_disagree".into(),
            "correction_proposed".into(),
        ],
        since: "2026-03-01T08:15:02Z".into(),
        reviews: vec![
            CaseReview {
                review_id: 1,
                reviewer: "dr-a".into(),
                reviewer_name: "李医生".into(),
                content: a,
                submitted_at: "2026-03-01T08:00:00Z".into(),
            },
            CaseReview {
                review_id: 2,
                reviewer: "dr-b".into(),
                reviewer_name: "王医生".into(),
                content: b,
                submitted_at: "2026-03-01T08:15:02Z".into(),
            },
        ],
    }
}

fn row(id: &str) -> CurationRow {
    CurationRow {
        dataset: "CMExam".into(),
        item_id: id.into(),
        revision_no: 1,
        reasons: vec!["criteria_disagree:answer_correctness".into()],
        since: "2026-03-01T08:15:02Z".into(),
    }
}

fn queue(ids: &[&str]) -> CurationQueue {
    CurationQueue {
        rows: ids.iter().map(|i| row(i)).collect(),
        matching: ids.len() as u64,
        waiting: ids.len() as u64,
        by_reason: vec![
            ("criteria_disagree", ids.len() as u64),
            ("both_failed", 0),
            ("departments_disagree", 1),
            ("correction_proposed", 1),
            ("reopened", 0),
        ],
    }
}

fn curator() -> Person {
    Person {
        id: "cur".into(),
        name: "张主任".into(),
        roles: vec![Role::Curator],
        os_user: None,
    }
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn typed(app: &mut CurateApp, s: &str) {
    for c in s.chars() {
        app.handle_key(key(c));
    }
}

/// An app at 120x40 with the queue loaded and the first item open.
fn opened(options: CurateOptions) -> CurateApp {
    let mut app = CurateApp::new(curator(), options, (120, 40));
    let filter = app.queue.filter.clone();
    app.take_commands();
    app.reply(Reply::Datasets(vec!["CMExam".into(), "CMeEE".into()]));
    app.reply(Reply::Queue(
        filter,
        queue(&["cmexam_val_sample:2", "next"]),
    ));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(
        app.take_commands(),
        vec![Command::Open {
            dataset: "CMExam".into(),
            item_id: "cmexam_val_sample:2".into()
        }]
    );
    app.reply(Reply::Case(case()));
    assert_eq!(app.context(), Context::Case);
    app
}

fn decision(cmds: &[Command]) -> Option<&Decision> {
    cmds.iter().find_map(|c| match c {
        Command::Decide { decision, .. } => Some(decision),
        _ => None,
    })
}
mod decisions;
mod dispatch;
mod render;
mod reopen;

#[test]
fn the_queue_loads_and_its_filters_reload_it() {
    let options = CurateOptions {
        reason: Some("both_failed".into()),
        ..CurateOptions::default()
    };
    let mut app = CurateApp::new(curator(), options, (120, 40));
    let start = CurationFilter {
        reason: Some("both_failed".into()),
        ..CurationFilter::default()
    };
    assert_eq!(
        app.take_commands(),
        vec![Command::Queue(start.clone()), Command::Datasets]
    );
    // 'd' before the dataset names arrive says so.
    app.handle_key(key('d'));
    assert!(app.message.as_ref().unwrap().error);
    app.reply(Reply::Datasets(vec!["CMExam".into(), "CMeEE".into()]));
    app.handle_key(key('d'));
    let want = CurationFilter {
        dataset: Some("CMExam".into()),
        ..start.clone()
    };
    assert_eq!(app.take_commands(), vec![Command::Queue(want.clone())]);
    // An answer for an older filter is dropped.
    app.reply(Reply::Queue(start, queue(&["old"])));
    assert!(app.queue.data.rows.is_empty());
    app.reply(Reply::Queue(want, queue(&["a"])));
    assert_eq!(app.queue.data.rows.len(), 1);
    // The reason cycles on past the last one to all reasons.
    app.handle_key(key('r'));
    app.handle_key(key('r'));
    app.handle_key(key('r'));
    assert_eq!(app.queue.filter.reason.as_deref(), Some("reopened"));
    app.handle_key(key('r'));
    assert_eq!(app.queue.filter.reason, None);
    // The department filter, through the picker's search in Chinese.
    app.take_commands();
    app.handle_key(key('t'));
    assert_eq!(app.context(), Context::DepartmentFilter);
    app.handle_key(key('/'));
    assert_eq!(app.context(), Context::Search);
    typed(&mut app, "消化内科");
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::CurateQueue);
    assert_eq!(
        app.queue.filter.department.as_deref(),
        Some("gastroenterology")
    );
    assert!(matches!(&app.take_commands()[..], [Command::Queue(f)] if f.department.is_some()));
    app.handle_key(key('u'));
    assert_eq!(app.queue.filter, CurationFilter::default());
    app.handle_key(key('q'));
    assert!(app.quit);
}

#[test]
fn history_and_stats_load_in_the_worker_and_go_back() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('h'));
    assert_eq!(app.view, View::History);
    assert_eq!(
        app.take_commands(),
        vec![Command::History {
            dataset: "CMExam".into(),
            item_id: "cmexam_val_sample:2".into()
        }]
    );
    app.reply(Reply::History(history()));
    app.handle_key(key('j'));
    assert_eq!(app.history.as_ref().unwrap().scroll, 1);
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Case);
    assert!(app.case.is_some());
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Queue);
    app.take_commands();
    app.handle_key(key('A'));
    assert_eq!(app.take_commands(), vec![Command::Agreement(None)]);
    app.handle_key(key('d'));
    assert_eq!(
        app.take_commands(),
        vec![Command::Agreement(Some("CMExam".into()))]
    );
    // An answer for the other selection is not shown.
    app.reply(Reply::Agreement(None, AgreementReport::default()));
    assert!(app.stats.report.is_none());
    app.reply(Reply::Agreement(
        Some("CMExam".into()),
        AgreementReport::default(),
    ));
    assert!(app.stats.report.is_some());
    // Nothing to scroll on a short report.
    app.handle_key(key('j'));
    assert_eq!(app.stats.scroll, 0);
    // A long one (60 datasets) scrolls, and stops at its last page.
    let mut long = AgreementReport::default();
    let pass = [Some(true); 5];
    for d in 0..60 {
        long.add_pair(&format!("数据集{d}"), "a", "b", &pass, &pass, &[], &[]);
    }
    app.reply(Reply::Agreement(Some("CMExam".into()), long.clone()));
    app.handle_key(key('j'));
    assert_eq!(app.stats.scroll, 1);
    for _ in 0..500 {
        app.handle_key(key('j'));
    }
    let max = super::stats_draw::max_scroll(&long, Some("CMExam"), app.main_area());
    assert!(max > 1);
    assert_eq!(app.stats.scroll, max);
    app.handle_key(key('k'));
    assert_eq!(app.stats.scroll, max - 1, "scrolling back starts at once");
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Queue);
}

#[test]
fn the_help_opens_on_the_case_being_curated() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('?'));
    assert_eq!(app.context(), Context::Help);
    assert_eq!(
        app.help.map(|h| (h.context, h.scroll)),
        Some((Context::Case, 0))
    );
}

fn history() -> ItemHistory {
    let c = case();
    let first = c.item.body.clone();
    let text = c.reviews[1].content.proposal.clone().unwrap();
    let second: crate::domain::item::ItemBody = crate::domain::curation::parse_revision(
        &text,
        "CMExam",
        "cmexam_val_sample:2",
        first.kind(),
    )
    .unwrap();
    ItemHistory {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        state: crate::domain::workflow::ItemState::InReview,
        revision_no: 2,
        final_departments: None,
        revisions: vec![
            HistoryRevision {
                revision_no: 1,
                body: first,
                content_hash: "abcdef0123456789".into(),
                source: "import 1, file 1 line 2".into(),
                created_at: "2026-03-01T07:00:00Z".into(),
            },
            HistoryRevision {
                revision_no: 2,
                body: second,
                content_hash: "0123456789abcdef".into(),
                source: "edited by cur".into(),
                created_at: "2026-03-02T07:00:00Z".into(),
            },
        ],
        reviews: c
            .reviews
            .iter()
            .map(|r| HistoryReview {
                revision_no: 1,
                reviewer: r.reviewer.clone(),
                status: "submitted".into(),
                content: Some(r.content.clone()),
                claimed_at: "2026-03-01T07:30:00Z".into(),
                submitted_at: Some(r.submitted_at.clone()),
            })
            .collect(),
        decisions: vec![HistoryDecision {
            revision_no: 1,
            curator: "cur".into(),
            action: "revise".into(),
            departments: None,
            new_revision: Some(2),
            reason: None,
            note: Some("改正题干措辞".into()),
            at: "2026-03-02T07:00:00Z".into(),
        }],
        events: vec![HistoryEvent {
            at: "2026-03-02T07:00:00Z".into(),
            actor: "cur".into(),
            action: "curator_revise".into(),
            revision_no: Some(1),
            detail: Some("{\"new_revision\":2,\"note\":\"改正题干措辞\"}".into()),
        }],
    }
}
