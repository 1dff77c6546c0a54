//! The curation screen's frames in ratatui's `TestBackend` at 120x40 (and 80x24), with real
//! Chinese items: nothing wider than the screen, no wide char cut, differences coloured.

use super::*;
use crate::tui::test_support::screen::{assert_clean, colour_of, rows, screen};

fn render(app: &CurateApp) -> Buffer {
    crate::tui::test_support::screen::render(app.size, |f| ui::draw(f, app))
}

#[test]
fn the_queue_renders_counts_filters_and_rows() {
    let mut app = CurateApp::new(curator(), CurateOptions::default(), (120, 40));
    app.reply(Reply::Queue(
        CurationFilter::default(),
        queue(&["cmexam_val_sample:2", "next"]),
    ));
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(
        s.contains("Waiting 2 │ criteria_disagree 2 · both_failed 0"),
        "{s}"
    );
    assert!(
        s.contains("Dataset: all · Reason: all · Department: all"),
        "{s}"
    );
    // The id and its dataset in columns of their own.
    let row = rows(&buf)
        .into_iter()
        .find(|r| r.contains("cmexam_val_sample:2"))
        .expect("the row of cmexam_val_sample:2");
    assert!(row.contains("CMExam"), "{row}");
    assert!(s.contains("2026-03-01 08:15"), "{s}");
    assert!(s.contains("张主任"), "{s}");
    // The department filter picker, in Chinese.
    app.handle_key(key('t'));
    app.handle_key(key('/'));
    typed(&mut app, "心");
    let buf = render(&app);
    assert_clean(&buf);
    assert!(screen(&buf).contains("Cardiology 心血管内科"));
}

#[test]
fn the_case_shows_both_reviews_side_by_side_with_differences_marked() {
    let mut app = opened(CurateOptions::default());
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    // The item, wrapped in its pane.
    assert!(s.contains("上消化道出血"), "{s}");
    // Both reviewers by name and id, on one row.
    let header = rows(&buf)
        .into_iter()
        .find(|r| r.contains("Reviewer 1 · 李医生 (dr-a)"))
        .expect("reviewer 1's column");
    assert!(header.contains("Reviewer 2 · 王医生 (dr-b)"), "{header}");
    // The criterion they disagree on is marked; the fail reason is there, in order.
    assert!(s.contains("≠ Answer correctness 答案正确"), "{s}");
    assert_eq!(
        colour_of(&buf, "≠ Answer correctness"),
        Some(crate::tui::widgets::review_pair::DIFFER.fg.unwrap())
    );
    assert!(!s.contains("≠ Clinical validity"), "{s}");
    let flat: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect();
    assert!(flat.contains("出血部位同样决定呕血"), "{s}");
    assert!(s.contains("≠ Departments 科室"), "{s}");
    assert!(
        s.contains("Emergency Medicine 急诊医学科") || s.contains("急诊"),
        "{s}"
    );
    assert!(s.contains("题干表述不够严谨"), "{s}");
    // The proposal as a diff against the current text.
    assert!(s.contains("Correction proposed by 王医生 (dr-b)"), "{s}");
    assert_eq!(
        colour_of(&buf, "-   \"stem\": \"上消化道"),
        Some(Color::Red)
    );
    assert_eq!(
        colour_of(&buf, "+   \"stem\": \"上消化道"),
        Some(Color::Green)
    );
    assert!(flat.contains("这主要取决于"), "{s}");

    // Anonymous: no names anywhere, on the case or in the history.
    app.handle_key(key('N'));
    let s = screen(&render(&app));
    assert!(s.contains("Reviewer 1") && s.contains("Reviewer 2"), "{s}");
    assert!(!s.contains("李医生") && !s.contains("dr-b"), "{s}");
    assert!(s.contains("names hidden"), "{s}");
}

#[test]
fn anonymous_from_the_start_and_in_the_history() {
    let mut app = opened(CurateOptions {
        anonymous: true,
        ..CurateOptions::default()
    });
    assert!(!screen(&render(&app)).contains("李医生"));
    app.handle_key(key('h'));
    app.reply(Reply::History(history()));
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(s.contains("History of CMExam/cmexam_val_sample:2"), "{s}");
    let all: Vec<String> = crate::tui::curate::history::history_lines(&history(), true, 100)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let all = all.join("\n");
    assert!(all.contains("Revision 2 · edited by cur"), "{all}");
    assert!(
        all.contains(
            "+   \"stem\": \"上消化道出血可单纯表现为呕血或黑便，也可两者兼有，这主要取决于\","
        ),
        "{all}"
    );
    assert!(all.contains("Revision 1 · Reviewer 2 · submitted"), "{all}");
    assert!(all.contains(FAIL_REASON), "{all}");
    assert!(!all.contains("dr-a") && !all.contains("dr-b"), "{all}");
    // Scroll to the end: the decision and the event, with who and when.
    app.handle_key(key('G'));
    let s = screen(&render(&app));
    assert!(s.contains("cur chose revise on revision 1"), "{s}");
    assert!(s.contains("cur revised revision 1 into revision 2"), "{s}");
}

#[test]
fn decision_overlays_render_with_chinese_text() {
    let mut app = opened(CurateOptions::default());
    app.handle_key(key('a'));
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(s.contains("Final departments 最终科室"), "{s}");
    assert!(s.contains("Tagged (2/3): Gastroenterology 消化内科"), "{s}");
    app.handle_key(key('a'));
    let buf = render(&app);
    assert_clean(&buf);
    assert!(screen(&buf).contains("Accept CMExam/cmexam_val_sample:2 as it is"));
    app.handle_key(code(KeyCode::Esc));
    app.handle_key(code(KeyCode::Esc));
    app.handle_key(key('e'));
    app.handle_key(key('j'));
    app.handle_key(code(KeyCode::Enter));
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(
        s.contains("Revising, from the correction Reviewer 2 proposed"),
        "{s}"
    );
    assert!(s.contains("这主要取决于"), "{s}");
    app.handle_key(code(KeyCode::Esc));
    app.handle_key(key('D'));
    typed(&mut app, "题目与临床实践不符");
    let buf = render(&app);
    assert_clean(&buf);
    assert!(screen(&buf).contains("> 题目与临床实践不符"));
    // The help overlay, generated from the key table.
    app.handle_key(code(KeyCode::Esc));
    app.handle_key(key('?'));
    let s = screen(&render(&app));
    assert!(s.contains("Keys: Curating an item"), "{s}");
    assert!(s.contains("discard (with a reason)"), "{s}");
}

#[test]
fn narrow_terminals_stack_the_panes() {
    let mut app = opened(CurateOptions::default());
    app.update(Action::Resize(80, 24));
    let buf = render(&app);
    assert_clean(&buf);
    app.handle_key(code(KeyCode::Tab));
    app.handle_key(key('G'));
    assert!(app.case.as_ref().unwrap().item_scroll > 0);
    assert_clean(&render(&app));
}
