//! The key table: text mode, shared keys, and help generated from it.

use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn q_goes_back_in_command_mode_and_types_in_text_mode() {
    let q = key(KeyCode::Char('q'));
    assert_eq!(action_for(Context::Review, q), Some(Action::Back));
    assert_eq!(action_for(Context::Queue, q), Some(Action::Back));
    for ctx in [
        Context::Reason,
        Context::Search,
        Context::Comment,
        Context::Editor,
    ] {
        assert_eq!(action_for(ctx, q), Some(Action::Input(q)), "{ctx:?}");
    }
}

#[test]
fn help_key_is_text_in_text_mode() {
    let k = key(KeyCode::Char('?'));
    assert_eq!(action_for(Context::Review, k), Some(Action::ToggleHelp));
    assert_eq!(action_for(Context::Reason, k), Some(Action::Input(k)));
}

#[test]
fn ctrl_c_quits_everywhere() {
    let k = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for ctx in [
        Context::Review,
        Context::Editor,
        Context::Reason,
        Context::Confirm,
    ] {
        assert_eq!(action_for(ctx, k), Some(Action::Quit));
    }
}

#[test]
fn shifted_letters_match_their_capital() {
    let k = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(action_for(Context::Review, k), Some(Action::Bottom));
}

#[test]
fn release_events_do_nothing() {
    let mut k = key(KeyCode::Char('p'));
    k.kind = KeyEventKind::Release;
    assert_eq!(action_for(Context::Review, k), None);
}

#[test]
fn every_context_has_help_and_no_key_is_bound_twice() {
    let all = [
        Context::Queue,
        Context::MyReviews,
        Context::Review,
        Context::Departments,
        Context::Search,
        Context::Reason,
        Context::Comment,
        Context::Editor,
        Context::Confirm,
        Context::Help,
        Context::DisputeStart,
        Context::MyAdjudications,
        Context::Dispute,
        Context::Score,
        Context::DecisionReason,
    ];
    for ctx in all {
        assert!(!help_rows(ctx).is_empty(), "{ctx:?}");
        let mine: Vec<_> = bindings().filter(|b| b.scope == Scope::In(ctx)).collect();
        for (i, a) in mine.iter().enumerate() {
            assert!(
                mine[i + 1..].iter().all(|o| o.key != a.key),
                "{:?} bound twice in {ctx:?}",
                a.key
            );
        }
    }
}

#[test]
fn help_is_generated_from_the_table() {
    let rows = help_rows(Context::Review);
    assert!(rows.iter().any(|(k, d)| k == "p" && d.starts_with("pass")));
    assert!(rows.iter().any(|(k, _)| k == "1 2 3 4 5"));
    assert!(rows.iter().any(|(k, _)| k == "?"));
    assert!(rows.iter().any(|(k, _)| k == "k ↑"));
}
