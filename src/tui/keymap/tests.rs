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

#[test]
fn the_footer_fits_80_columns_keeping_the_way_out_the_help_and_the_main_keys() {
    let review = hint(Context::Review);
    let fitted = review.fit(79);
    let text = review.text(79);
    assert!(crate::tui::text::width(&text) <= 79, "{text}");
    // Not every key fits: `?` says "more", and the main steps are kept.
    assert!(text.ends_with("q back  ? more"), "{text}");
    for k in ["p", "f", "s", "x", "t", "e", "c"] {
        assert!(fitted.iter().any(|f| f.key == k), "{k} in {text}");
    }
    // Wide enough, everything shows and `?` is the help again.
    let wide = review.text(200);
    assert!(
        wide.contains("u clear") && wide.ends_with("? help"),
        "{wide}"
    );
    // Table order is kept: p before s before q.
    let at = |s: &str| text.find(s).unwrap();
    assert!(at("p pass") < at("s submit") && at("s submit") < at("q back"));
}

#[test]
fn the_footer_names_q_and_has_no_stray_punctuation() {
    // The way out is `q` even where another key with the same meaning comes first.
    assert_eq!(hint(Context::Confirm).text(79), "y yes  n/q no  ? help");
    assert_eq!(hint(Context::Help).text(79), "?/q close");
    // "close, filter unchanged" gives "close".
    let filter = hint(Context::DepartmentFilter).text(79);
    assert!(!filter.contains(','), "{filter}");
    assert!(filter.contains("q close"), "{filter}");
    // While typing, Esc is the way out and `?` is a letter.
    let reason = hint(Context::Reason).text(79);
    assert_eq!(reason, "Enter keep  Esc cancel");
}

#[test]
fn j_and_k_scroll_and_g_and_big_g_go_to_the_ends_on_every_screen() {
    let j = key(KeyCode::Char('j'));
    let big_g = key(KeyCode::Char('G'));
    for ctx in [
        Context::Review,
        Context::Dispute,
        Context::Case,
        Context::History,
    ] {
        assert_eq!(action_for(ctx, j), Some(Action::Down), "{ctx:?}");
    }
    for ctx in [
        Context::Review,
        Context::Dispute,
        Context::Case,
        Context::History,
        Context::Stats,
        Context::Queue,
        Context::CurateQueue,
        Context::DisputeStart,
    ] {
        assert_eq!(action_for(ctx, big_g), Some(Action::Bottom), "{ctx:?}");
    }
    // The message log is on M everywhere in command mode, and in the help.
    let m = key(KeyCode::Char('M'));
    for ctx in [
        Context::Queue,
        Context::Dispute,
        Context::CurateQueue,
        Context::Help,
    ] {
        assert_eq!(action_for(ctx, m), Some(Action::ToggleMessages), "{ctx:?}");
    }
    assert!(
        help_rows(Context::Review)
            .iter()
            .any(|(k, d)| k == "M" && d.contains("messages"))
    );
}
