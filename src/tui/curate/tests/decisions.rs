//! Accepting, revising and discarding an item: each goes through its steps and a confirm, and
//! sends one decision.

use super::*;

#[test]
fn accept_prefills_the_union_and_goes_through_confirm() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('a'));
    assert_eq!(app.context(), Context::FinalDepartments);
    // The reviewers disagree: every department either chose.
    let chosen = match &app.flow {
        Some(crate::tui::curate::decide::Flow::Accept { chosen, .. }) => chosen.clone(),
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
    // Until the store answers, leaving waits for it and would say it is not confirmed.
    assert!(app.saving());
    let said = app.not_saved().unwrap();
    assert!(
        said.contains("CMExam/cmexam_val_sample:2 was NOT confirmed"),
        "{said}"
    );
    // Decided: the status says so and the next item of the queue opens.
    app.reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Accepted,
    });
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
    assert!(!app.saving());
    assert_eq!(app.not_saved(), None);
}

#[test]
fn agreeing_departments_are_prefilled_as_they_are() {
    let mut c = case();
    c.reviews[1].content.departments = vec!["gastroenterology".into()];
    let (ids, agreed) = crate::tui::curate::case::prefill_departments(&c.reviews);
    assert!(agreed);
    assert_eq!(ids, vec!["gastroenterology"]);
    // A union over three, or with No Department, keeps to the rule.
    c.reviews[0].content.departments = vec!["no-department".into()];
    c.reviews[1].content.departments = vec![
        "cardiology".into(),
        "nephrology".into(),
        "hematology".into(),
    ];
    let (ids, agreed) = crate::tui::curate::case::prefill_departments(&c.reviews);
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
    // A valid edit asks for the note for its reviewers ('q' is typed there), then confirms.
    app.handle_key(ctrl('s'));
    assert_eq!(app.context(), Context::RevisionNote);
    typed(&mut app, "改正题干措辞q");
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(app.context(), Context::Confirm);
    match &app.confirm {
        Some(Pending::Revise { body, note, .. }) => {
            assert_eq!(note.as_deref(), Some("改正题干措辞q"));
            match &body.content {
                crate::domain::item::Content::Mcq(m) => assert!(m.stem.contains("这主要取决于")),
                _ => panic!("not an mcq"),
            }
        }
        other => panic!("{other:?}"),
    }
    let (_, lines) = app.confirm_text();
    assert!(
        lines[1].contains("1 line removed, 1 line added"),
        "{lines:?}"
    );
    assert_eq!(lines[2], "Note for its reviewers: 改正题干措辞q");
    // No: back to the note; Esc: back to the editor, which breaks the JSON with a typed "q".
    app.handle_key(key('n'));
    assert_eq!(app.context(), Context::RevisionNote);
    app.handle_key(code(KeyCode::Esc));
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
        app.start_label(crate::tui::curate::decide::Start::Draft),
        "your unfinished edit"
    );
    match &app.flow {
        Some(crate::tui::curate::decide::Flow::Start { options, .. }) => {
            assert_eq!(options[0], crate::tui::curate::decide::Start::Draft)
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
    // No note: Enter goes on, and the confirm says there is none.
    app.handle_key(code(KeyCode::Enter));
    assert!(
        app.confirm_text()
            .1
            .contains(&"No note for its reviewers.".to_string())
    );
    app.handle_key(code(KeyCode::Enter));
    let cmds = app.take_commands();
    assert!(matches!(
        decision(&cmds),
        Some(Decision::Revise { note: None, .. })
    ));
    app.reply(Reply::Decided {
        dataset: "CMExam".into(),
        item_id: "cmexam_val_sample:2".into(),
        outcome: DecideOutcome::Revised {
            revision_no: 2,
            fresh_eyes: true,
        },
    });
    assert_eq!(
        app.message.as_ref().unwrap().text,
        "Revised CMExam/cmexam_val_sample:2: revision 2 goes back to two new reviewers"
    );
}

#[test]
fn discard_needs_a_reason_and_a_confirm() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('D'));
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
    app.reply(Reply::Failed(
        Job::Decide,
        "CMExam/cmexam_val_sample:2 is accepted, no longer waiting for a curator".into(),
    ));
    assert_eq!(app.view, View::Case);
    let m = app.message.as_ref().unwrap();
    assert!(m.error && m.text.starts_with("Not decided: "), "{m:?}");
}

#[test]
fn an_item_decided_meanwhile_returns_to_the_queue() {
    let mut app = CurateApp::new(curator(), CurateOptions::default(), (120, 40));
    app.reply(Reply::Queue(CurationFilter::default(), queue(&["a"])));
    app.handle_key(code(KeyCode::Enter));
    app.take_commands();
    app.reply(Reply::NotWaiting {
        dataset: "CMExam".into(),
        item_id: "a".into(),
    });
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
