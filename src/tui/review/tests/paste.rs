//! Pastes: one edit where text is typed, refused with a message elsewhere.

use super::*;

#[test]
fn a_paste_in_the_editor_is_one_edit_and_one_draft_save() {
    let mut app = app_with(mcq());
    app.handle_key(key('e'));
    app.desk.take_commands();
    let pasted = "上消化道出血\n可单纯表现为呕血".repeat(2_000);
    app.update(Action::Paste(pasted.clone()));
    assert_eq!(
        saves(&app.desk.take_commands()),
        1,
        "one save for the paste"
    );
    let p = content(&app).proposal.clone().unwrap();
    assert!(p.starts_with(&pasted), "the whole paste, at the cursor");
    // The cursor is after it: typing goes on from there.
    app.handle_key(key('Z'));
    let p = content(&app).proposal.clone().unwrap();
    assert!(p.starts_with(&format!("{pasted}Z")));
}

#[test]
fn a_paste_into_a_reason_or_a_comment_stays_on_one_line() {
    let mut app = app_with(mcq());
    app.handle_key(key('2'));
    app.handle_key(key('f'));
    app.update(Action::Paste("剂量错误\n应为5mg".into()));
    assert_eq!(
        content(&app).verdicts[&Criterion::ClinicalValidity],
        Verdict::Fail {
            reason: "剂量错误 应为5mg".into()
        }
    );
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(key('c'));
    app.update(Action::Paste("题干有歧义".into()));
    app.handle_key(code(KeyCode::Enter));
    assert_eq!(content(&app).comment.as_deref(), Some("题干有歧义"));
}

#[test]
fn a_paste_where_nothing_is_typed_or_refused_says_so() {
    let mut app = app_with(mcq());
    let before = content(&app).clone();
    app.update(Action::Paste("p".into()));
    assert_eq!(content(&app), &before, "not taken as keys");
    let m = app.desk.message.clone().unwrap();
    assert!(
        m.error && m.text.contains("Nothing here takes a paste"),
        "{m:?}"
    );
    app.handle_key(key('e'));
    app.update(Action::PasteRefused("Paste refused: too long".into()));
    assert_eq!(app.context(), Context::Editor);
    assert_eq!(content(&app).proposal, None);
    let m = app.desk.message.clone().unwrap();
    assert!(m.error && m.text == "Paste refused: too long", "{m:?}");
}
