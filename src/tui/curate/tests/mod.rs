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
use crate::tui::keymap::{BINDINGS, Context, Scope, help_rows};
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

fn reply(r: Reply) -> Action {
    Action::Curation(Box::new(r))
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
    app.update(reply(Reply::Datasets(vec![
        "CMExam".into(),
        "CMeEE".into(),
    ])));
    app.update(reply(Reply::Queue(
        filter,
        queue(&["cmexam_val_sample:2", "next"]),
    )));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(
        app.take_commands(),
        vec![Command::Open {
            dataset: "CMExam".into(),
            item_id: "cmexam_val_sample:2".into()
        }]
    );
    app.update(reply(Reply::Case(case())));
    assert_eq!(app.context(), Context::Case);
    app
}

fn decision(cmds: &[Command]) -> Option<&Decision> {
    cmds.iter().find_map(|c| match c {
        Command::Decide { decision, .. } => Some(decision),
        _ => None,
    })
}

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
    app.update(reply(Reply::Datasets(vec![
        "CMExam".into(),
        "CMeEE".into(),
    ])));
    app.handle_key(key('d'));
    let want = CurationFilter {
        dataset: Some("CMExam".into()),
        ..start.clone()
    };
    assert_eq!(app.take_commands(), vec![Command::Queue(want.clone())]);
    // An answer for an older filter is dropped.
    app.update(reply(Reply::Queue(start, queue(&["old"]))));
    assert!(app.queue.data.rows.is_empty());
    app.update(reply(Reply::Queue(want, queue(&["a"]))));
    assert_eq!(app.queue.data.rows.len(), 1);
    // The reason cycles on past the last one to all reasons.
    app.handle_key(key('r'));
    app.handle_key(key('r'));
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
    app.handle_key(key('x'));
    assert_eq!(app.queue.filter, CurationFilter::default());
    app.handle_key(key('q'));
    assert!(app.quit);
}

#[test]
fn accept_prefills_the_union_and_goes_through_confirm() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('a'));
    assert_eq!(app.context(), Context::FinalDepartments);
    // The reviewers disagree: every department either chose.
    let chosen = match &app.flow {
        Some(super::decide::Flow::Accept { chosen, .. }) => chosen.clone(),
        _ => panic!("no picker"),
    };
    assert_eq!(chosen, vec!["gastroenterology", "emergency-medicine"]);
    // Untag the one under the cursor (gastroenterology), then accept.
    app.handle_key(key(' '));
    app.handle_key(key('a'));
    assert_eq!(app.context(), Context::Confirm);
    assert_eq!(
        app.confirm,
        Some(Pending::Accept(vec!["emergency-medicine".into()]))
    );
    // No: back in the picker, nothing sent.
    app.handle_key(key('n'));
    assert_eq!(app.context(), Context::FinalDepartments);
    assert!(app.take_commands().is_empty());
    app.handle_key(key('a'));
    app.handle_key(key('y'));
    let cmds = app.take_commands();
    assert_eq!(
        decision(&cmds),
        Some(&Decision::Accept {
            departments: vec!["emergency-medicine".into()]
        })
    );
    assert!(matches!(&cmds[0], Command::Decide { revision_no: 1, .. }));
    // Decided: the status says so and the next item of the queue opens.
    app.update(reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Accepted,
    }));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Accepted CMExam/cmexam_val_sample:2"
    );
    let cmds = app.take_commands();
    assert!(cmds.iter().any(|c| matches!(c, Command::Queue(_))));
    assert!(cmds.contains(&Command::Open {
        dataset: "CMExam".into(),
        item_id: "next".into()
    }));
    assert_eq!(app.view, View::Case);
    assert!(app.flow.is_none());
}

#[test]
fn agreeing_departments_are_prefilled_as_they_are() {
    let mut c = case();
    c.reviews[1].content.departments = vec!["gastroenterology".into()];
    let (ids, agreed) = super::case::prefill_departments(&c.reviews);
    assert!(agreed);
    assert_eq!(ids, vec!["gastroenterology"]);
    // A union over three, or with No Department, keeps to the rule.
    c.reviews[0].content.departments = vec!["no-department".into()];
    c.reviews[1].content.departments = vec![
        "cardiology".into(),
        "nephrology".into(),
        "hematology".into(),
    ];
    let (ids, agreed) = super::case::prefill_departments(&c.reviews);
    assert!(!agreed);
    assert_eq!(ids, vec!["no-department"]);
}

#[test]
fn revise_starts_from_a_proposal_and_refuses_an_invalid_edit() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('e'));
    assert_eq!(app.context(), Context::StartText);
    // Current item, then reviewer 2's proposal (reviewer 1 made none).
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Revision);
    // 'q' and 'a' are typed, not commands.
    app.handle_key(ctrl('s'));
    assert_eq!(app.context(), Context::Confirm);
    match &app.confirm {
        Some(Pending::Revise { body, .. }) => match &body.content {
            crate::domain::item::Content::Mcq(m) => assert!(m.stem.contains("这主要取决于")),
            _ => panic!("not an mcq"),
        },
        other => panic!("{other:?}"),
    }
    let (_, lines) = app.confirm_text();
    assert!(
        lines[1].contains("1 line removed, 1 line added"),
        "{lines:?}"
    );
    // No: back to the editor, which breaks the JSON with a typed "q".
    app.handle_key(key('n'));
    assert_eq!(app.context(), Context::Revision);
    app.handle_key(ctrl('a'));
    typed(&mut app, "q");
    app.handle_key(ctrl('s'));
    assert_eq!(app.context(), Context::Revision);
    let m = app.message.as_ref().unwrap();
    assert!(m.error && m.text.contains("not valid JSON"), "{m:?}");
    assert!(!app.quit);
    // Esc keeps the edit; e offers it again first.
    app.handle_key(code(KeyCode::Esc));
    assert_eq!(app.context(), Context::Case);
    app.handle_key(key('e'));
    assert_eq!(
        app.start_label(super::decide::Start::Draft),
        "your unfinished edit"
    );
    match &app.flow {
        Some(super::decide::Flow::Start { options, .. }) => {
            assert_eq!(options[0], super::decide::Start::Draft)
        }
        _ => panic!("no chooser"),
    }
    // The current item unchanged is refused: accept it instead.
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(ctrl('s'));
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("accept it instead")
    );
}

#[test]
fn a_valid_revision_is_sent_and_reported() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('e'));
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(ctrl('s'));
    app.handle_key(code(KeyCode::Enter));
    let cmds = app.take_commands();
    assert!(matches!(decision(&cmds), Some(Decision::Revise { .. })));
    app.update(reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Revised {
            revision_no: 2,
            fresh_eyes: true,
        },
    }));
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Revised CMExam/cmexam_val_sample:2: revision 2 goes back to two new reviewers"
    );
}

#[test]
fn discard_needs_a_reason_and_a_confirm() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('d'));
    assert_eq!(app.context(), Context::DiscardReason);
    app.handle_key(code(KeyCode::Enter));
    assert!(app.message.as_ref().unwrap().error);
    typed(&mut app, "题目与临床实践不符q");
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Confirm);
    let (title, lines) = app.confirm_text();
    assert_eq!(title, "Discard the item");
    assert!(lines[1].contains("题目与临床实践不符q"));
    app.handle_key(key('y'));
    let cmds = app.take_commands();
    assert_eq!(
        decision(&cmds),
        Some(&Decision::Discard {
            reason: "题目与临床实践不符q".into()
        })
    );
    // The store refuses (another curator was first): the case stays, the error shows.
    app.update(reply(Reply::Failed(
        Job::Decide,
        "CMExam/cmexam_val_sample:2 is accepted, no longer waiting for a curator".into(),
    )));
    assert_eq!(app.view, View::Case);
    let m = app.message.as_ref().unwrap();
    assert!(m.error && m.text.starts_with("Not decided: "), "{m:?}");
}

#[test]
fn an_item_decided_meanwhile_returns_to_the_queue() {
    let mut app = CurateApp::new(curator(), CurateOptions::default(), (120, 40));
    app.update(reply(Reply::Queue(
        CurationFilter::default(),
        queue(&["a"]),
    )));
    app.handle_key(code(KeyCode::Enter));
    app.take_commands();
    app.update(reply(Reply::NotWaiting {
        dataset: "CMExam".into(),
        item_id: "a".into(),
    }));
    assert_eq!(app.view, View::Queue);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("no longer waiting")
    );
    assert_eq!(
        app.take_commands(),
        vec![Command::Queue(CurationFilter::default())]
    );
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
    app.update(reply(Reply::History(history())));
    app.handle_key(key('j'));
    assert_eq!(app.history.as_ref().unwrap().scroll, 1);
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Case);
    assert!(app.case.is_some());
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Queue);
    app.take_commands();
    app.handle_key(key('s'));
    assert_eq!(app.take_commands(), vec![Command::Agreement(None)]);
    app.handle_key(key('d'));
    assert_eq!(
        app.take_commands(),
        vec![Command::Agreement(Some("CMExam".into()))]
    );
    // An answer for the other selection is not shown.
    app.update(reply(Reply::Agreement(None, AgreementReport::default())));
    assert!(app.stats.report.is_none());
    app.update(reply(Reply::Agreement(
        Some("CMExam".into()),
        AgreementReport::default(),
    )));
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
    app.update(reply(Reply::Agreement(Some("CMExam".into()), long.clone())));
    app.handle_key(key('j'));
    assert_eq!(app.stats.scroll, 1);
    for _ in 0..500 {
        app.handle_key(key('j'));
    }
    let max = crate::tui::screens::stats::max_scroll(&long, Some("CMExam"), app.main_area());
    assert!(max > 1);
    assert_eq!(app.stats.scroll, max);
    app.handle_key(key('k'));
    assert_eq!(app.stats.scroll, max - 1, "scrolling back starts at once");
    app.handle_key(key('q'));
    assert_eq!(app.view, View::Queue);
}

#[test]
fn every_curation_context_has_help_and_no_key_is_bound_twice() {
    for ctx in [
        Context::CurateQueue,
        Context::Case,
        Context::FinalDepartments,
        Context::DepartmentFilter,
        Context::StartText,
        Context::Revision,
        Context::DiscardReason,
        Context::History,
        Context::Stats,
    ] {
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
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('?'));
    assert_eq!(app.context(), Context::Help);
    assert_eq!(app.help, Some((Context::Case, 0)));
}

/// A store stand-in for the worker's dispatch.
struct Fake;

impl Backend for Fake {
    fn curation_queue(
        &self,
        _: &str,
        _: &CurationFilter,
        _: usize,
    ) -> anyhow::Result<CurationQueue> {
        Ok(queue(&["a"]))
    }
    fn dataset_names(&self) -> anyhow::Result<Vec<String>> {
        Ok(vec!["CMExam".into()])
    }
    fn curation_case(&self, _: &str, _: &str, _: &str) -> anyhow::Result<Option<CurationCase>> {
        Ok(None)
    }
    fn decide(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: i64,
        _: Decision,
    ) -> anyhow::Result<DecideOutcome> {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        Err(anyhow::Error::new(busy).context("deciding"))
    }
    fn item_history(&self, _: &str, _: &str, _: &str) -> anyhow::Result<Option<ItemHistory>> {
        Ok(Some(history()))
    }
    fn agreement(&self, _: Option<&str>) -> anyhow::Result<AgreementReport> {
        anyhow::bail!("there is no dataset \"X\"")
    }
}

#[test]
fn the_worker_answers_each_command_and_never_says_sqlite_busy() {
    let mut f = Fake;
    let open = Command::Open {
        dataset: "CMExam".into(),
        item_id: "a".into(),
    };
    assert_eq!(
        worker::handle(&mut f, "cur", open),
        reply(Reply::NotWaiting {
            dataset: "CMExam".into(),
            item_id: "a".into()
        })
    );
    let decide = Command::Decide {
        dataset: "CMExam".into(),
        item_id: "a".into(),
        revision_no: 1,
        decision: Decision::Discard { reason: "x".into() },
    };
    match worker::handle(&mut f, "cur", decide) {
        Action::Curation(r) => match *r {
            Reply::Failed(Job::Decide, m) => {
                assert!(m.contains("busy with another writer"), "{m}");
                assert!(!m.contains("SQLITE"), "{m}");
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        worker::handle(&mut f, "cur", Command::Agreement(Some("X".into()))),
        Action::Curation(r) if matches!(*r, Reply::Failed(Job::Agreement, _))
    ));
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
            at: "2026-03-02T07:00:00Z".into(),
        }],
        events: vec![HistoryEvent {
            at: "2026-03-02T07:00:00Z".into(),
            actor: "cur".into(),
            action: "curator_revise".into(),
            revision_no: Some(1),
            detail: Some("{\"new_revision\":2}".into()),
        }],
    }
}

mod render;
