//! A revision under re-review shows what changed and the curator's note above the item; a
//! proposed correction is checked as a curator's revision is, and may still be submitted.

use super::*;
use crate::domain::curation::{editable_text, parse_revision};
use crate::store::RevisionChange;
use crate::tui::desk::WorkView;
use crate::tui::test_support::screen::{assert_clean, render, screen};

const NOTE: &str = "改正题干措辞；解析已更新";

/// Revision 2 of the sample item, whose revision 1 said "这主要取决于".
fn revised(note: Option<&str>) -> Assignment {
    let item = mcq();
    let before = editable_text(&item.body).replace("这取决于", "这主要取决于");
    let previous = parse_revision(&before, &item.dataset, &item.id, item.body.kind()).unwrap();
    assert_ne!(previous, item.body);
    let mut a = assignment(item, ReviewContent::default());
    a.revision_no = 2;
    a.changes = Some(RevisionChange {
        previous_revision: 1,
        previous,
        by_curator: true,
        note: note.map(str::to_string),
    });
    a
}

fn texts(app: &ReviewApp, width: usize) -> Vec<String> {
    app.review()
        .unwrap()
        .item_lines(width)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

#[test]
fn a_revised_item_shows_the_note_and_what_changed_above_it() {
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.reply(Reply::Loaded(Box::new(revised(Some(NOTE)))));
    let lines = texts(&app, 78);
    assert_eq!(
        lines[0],
        "Changed in this revision 本次修订 (revision 1 → 2)"
    );
    assert_eq!(lines[1], format!("Curator's note: {NOTE}"));
    let removed = lines
        .iter()
        .position(|l| l.starts_with("- ") && l.contains("这主要取决于"));
    let added = lines
        .iter()
        .position(|l| l.starts_with("+ ") && l.contains("这取决于"));
    assert!(removed.is_some() && added.is_some(), "{lines:#?}");
    let rule = lines.iter().position(|l| l.starts_with('─')).unwrap();
    assert!(added.unwrap() < rule, "the block ends before the item");
    // The item follows, whole.
    let item = &lines[rule + 1..].join("\n");
    assert!(item.contains("上消化道出血"), "{item}");
    // At 80x24 the frame is clean and the block is at the top of the item pane.
    let buf = render(app.desk.size, |f| super::super::ui::draw(f, &app));
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(s.contains("Changed in this revision"), "{s}");
    assert!(s.contains("Curator's note: 改正题干措辞"), "{s}");
    assert!(s.contains("rev 2"), "{s}");
    // Scrolling reaches the end of the item below the block.
    app.update(Action::Bottom);
    assert!(app.review().unwrap().scroll > 0);
}

#[test]
fn no_note_and_a_first_revision_say_so_or_show_nothing() {
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.reply(Reply::Loaded(Box::new(revised(None))));
    assert_eq!(texts(&app, 78)[1], "A curator revised it; no note.");
    let app = app_with(mcq());
    assert!(
        !texts(&app, 78)
            .iter()
            .any(|l| l.contains("Changed in this revision"))
    );
}

#[test]
fn a_proposal_that_is_not_a_valid_item_says_why_and_may_still_be_submitted() {
    let item = mcq();
    let bad = editable_text(&item.body).replacen(
        "\"answer\": [\n    \"C\"",
        "\"answer\": [\n    \"Z\"",
        1,
    );
    assert_ne!(bad, editable_text(&item.body), "the sample's answer is C");
    let why = parse_revision(&bad, &item.dataset, &item.id, item.body.kind()).unwrap_err();
    let content = ReviewContent {
        proposal: Some(bad.clone()),
        ..ReviewContent::default()
    };
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.reply(Reply::Loaded(Box::new(assignment(item, content))));
    assert_eq!(app.review().unwrap().proposal_problems(), why);
    // The editor lists the problems under the text; closing it says the first.
    app.update(Action::EditProposal);
    let buf = render(app.desk.size, |f| super::super::ui::draw(f, &app));
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(s.contains("Not a valid item"), "{s}");
    app.handle_key(code(KeyCode::Esc));
    let m = app.desk.message.as_ref().unwrap();
    assert!(m.error, "{m:?}");
    assert!(
        m.text.starts_with(&format!(
            "Proposal kept, but it is not a valid item: {}",
            why[0]
        )),
        "{m:?}"
    );
    assert!(m.text.contains("You may still submit it"), "{m:?}");
    // The submit dialog says it too, and submitting sends the proposal as it is.
    complete(&mut app);
    app.update(Action::Submit);
    assert_eq!(app.desk.confirm, Some(ConfirmKind::Submit));
    let (_, lines) = app.review().unwrap().submit_dialog();
    let said = lines.join("\n");
    assert!(
        said.contains("With a proposed correction that is not a valid item"),
        "{said}"
    );
    app.desk.take_commands();
    app.update(Action::Confirm);
    let cmds = app.desk.take_commands();
    assert!(
        matches!(&cmds[..], [Command::Submit(7, c)] if c.proposal.as_deref() == Some(bad.as_str())),
        "{cmds:?}"
    );
}

#[test]
fn a_valid_proposal_is_kept_without_a_warning() {
    let item = mcq();
    let good = editable_text(&item.body).replace("这取决于", "这主要取决于");
    let content = ReviewContent {
        proposal: Some(good),
        ..ReviewContent::default()
    };
    let mut app = ReviewApp::new(person(), None, (80, 24));
    app.reply(Reply::Loaded(Box::new(assignment(item, content))));
    assert!(app.review().unwrap().proposal_problems().is_empty());
    app.update(Action::EditProposal);
    app.handle_key(code(KeyCode::Esc));
    let m = app.desk.message.as_ref().unwrap();
    assert_eq!(
        (m.error, m.text.as_str()),
        (false, "Proposal kept for the curator")
    );
}
