//! The review screen rendered into ratatui's `TestBackend` with real Chinese rows from
//! sample-data/, at 80x24 and 120x40: nothing wider than the screen, no wide char cut, text in
//! order across wrapped lines, the answer key marked, extraction spans highlighted.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::screen::{assert_clean, rows};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use medcurate::domain::item::{Content, Item};
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::ReviewContent;
use medcurate::store::{Assignment, ReviewStatus};
use medcurate::tui::action::Action;
use medcurate::tui::keymap::{Context, action_for};
use medcurate::tui::review::app::ReviewApp;
use medcurate::tui::review::ui;
use medcurate::tui::review::worker::Reply;
use medcurate::tui::widgets::item_view::type_color;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn sample(file: &str, id: &str) -> Item {
    let path = format!("{}/sample-data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"id\": \"{id}\"")))
        .unwrap_or_else(|| panic!("{id} not in {file}"));
    let raw = medcurate::import::native::parse(line).unwrap();
    medcurate::domain::validate::build_item(raw, file.trim_end_matches(".jsonl")).unwrap()
}

fn render(app: &ReviewApp) -> Buffer {
    common::screen::render(app.desk.size, |f| ui::draw(f, app))
}

fn app_for(item: Item, size: (u16, u16)) -> ReviewApp {
    let person = Person {
        id: "li".into(),
        name: "李医生".into(),
        roles: vec![Role::Annotator],
        os_user: None,
    };
    let mut app = ReviewApp::new(person, None, size);
    app.desk.take_commands();
    app.reply(Reply::Loaded(Box::new(Assignment {
        review_id: 1,
        dataset: item.dataset.clone(),
        item,
        revision_no: 2,
        status: ReviewStatus::Claimed,
        content: ReviewContent::default(),
        lease_expires_at: None,
        changes: None,
        changed: false,
    })));
    app
}

fn strip(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of the item box (inside its border), rows joined.
fn item_text(app: &ReviewApp, buf: &Buffer) -> String {
    let main = app.desk.main_area();
    let item = medcurate::tui::review::item::item_viewport(main);
    let mut out = String::new();
    for y in item.top()..item.bottom() {
        let mut x = item.left();
        while x < item.right() {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            x += sym.width().max(1) as u16;
        }
        out.push('\n');
    }
    out
}

/// The position of the first cell showing `ch` inside the item box.
fn find_char(app: &ReviewApp, buf: &Buffer, ch: &str) -> Option<(u16, u16)> {
    let item = medcurate::tui::review::item::item_viewport(app.desk.main_area());
    for y in item.top()..item.bottom() {
        for x in item.left()..item.right() {
            if buf[(x, y)].symbol() == ch {
                return Some((x, y));
            }
        }
    }
    None
}

#[test]
fn mcq_stem_wraps_in_order_and_marks_the_answer() {
    let item = sample("CMExam.jsonl", "cmexam_val_sample:2");
    let Content::Mcq(m) = &item.body.content else {
        panic!()
    };
    let stem = m.stem.clone();
    for size in SIZES {
        let app = app_for(item.clone(), size);
        let buf = render(&app);
        assert_clean(&buf);
        let text = item_text(&app, &buf);
        // The 29-char stem is 58 columns: at 80x24 (item 78 wide) one row, at 120 wrapped.
        assert!(strip(&text).contains(&strip(&stem)), "{size:?}\n{text}");
        let answer_row = text.lines().find(|l| l.contains("C. 出血量")).unwrap();
        assert!(answer_row.contains('✓'), "{answer_row}");
        let not_answer = text.lines().find(|l| l.contains("B. 出血部位")).unwrap();
        assert!(!not_answer.contains('✓'));
        let (x, y) = find_char(&app, &buf, "✓").unwrap();
        assert_eq!(buf[(x, y)].fg, Color::Green);
        let all = rows(&buf).join("\n");
        assert!(all.contains("李医生"), "the status bar names the reviewer");
        assert!(all.contains("CMExam › cmexam_val_sample:2 · rev 2"));
        assert!(all.contains("N/A"), "rubric match is N/A for mcq");
    }
}

#[test]
fn long_mcq_stem_wraps_across_rows_without_cutting() {
    let item = sample("CMExam.jsonl", "cmexam_test_annotated_sample:8");
    let Content::Mcq(m) = &item.body.content else {
        panic!()
    };
    let stem = m.stem.clone();
    for size in SIZES {
        let app = app_for(item.clone(), size);
        let buf = render(&app);
        assert_clean(&buf);
        let text = item_text(&app, &buf);
        let lines_with_stem = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(lines_with_stem >= 3, "{text}");
        assert!(strip(&text).contains(&strip(&stem)), "{size:?}\n{text}");
    }
}

#[test]
fn open_ended_shows_prompt_rubric_points_and_reference() {
    let item = sample(
        "MADiagnosis.jsonl",
        "chinese_medical_dialogue_IM_7specialty_sample:1956",
    );
    for size in SIZES {
        let mut app = app_for(item.clone(), size);
        let buf = render(&app);
        assert_clean(&buf);
        let text = item_text(&app, &buf);
        // The prompt's two paragraphs, wrapped, in order.
        assert!(
            strip(&text).contains("高血压会头晕吗？男朋友是法律管理人员"),
            "{text}"
        );
        assert!(
            text.contains("Rubric 评分标准 (6 points)"),
            "{size:?}\n{text}"
        );
        // Rubric points with their points; long ones wrap under a hanging indent.
        let mut seen_rubric = false;
        let mut seen_reference = false;
        for _ in 0..20 {
            let buf = render(&app);
            assert_clean(&buf);
            let t = item_text(&app, &buf);
            seen_rubric |= t.contains("1. [2] 指出高血压可以引起头晕");
            seen_reference |= strip(&t).contains("到医院做个全面仔细检查来排除其他疾病");
            app.update(Action::Down);
        }
        assert!(seen_rubric && seen_reference, "{size:?}");
    }
}

#[test]
fn ner_spans_are_highlighted_by_type() {
    let item = sample("CMeEE.jsonl", "cmeee-look-1");
    for size in SIZES {
        let app = app_for(item.clone(), size);
        let buf = render(&app);
        assert_clean(&buf);
        // "患儿3天前出现发热…": 发热 is a symptom, 支气管肺炎 a disease, 患 is plain.
        let (x, y) = find_char(&app, &buf, "患").unwrap();
        assert_eq!(buf[(x, y)].bg, Color::Reset);
        let (x, y) = find_char(&app, &buf, "发").unwrap();
        assert_eq!(buf[(x, y)].bg, type_color("sym"));
        let (x, y) = find_char(&app, &buf, "支").unwrap();
        assert_eq!(buf[(x, y)].bg, type_color("dis"));
        assert_ne!(type_color("sym"), type_color("dis"));
        let text = item_text(&app, &buf);
        assert!(text.contains("Entities 实体 (4)"), "{text}");
    }
}

#[test]
fn relation_items_list_their_triples() {
    let item = sample("CMeIE.jsonl", "CMeIE_dev_sample:19");
    for size in SIZES {
        let mut app = app_for(item.clone(), size);
        let buf = render(&app);
        assert_clean(&buf);
        let text = strip(&item_text(&app, &buf));
        assert!(text.contains("普通感冒@[慢性鼻窦炎]"), "{text}");
        // Page down until the relations are in view, checking every page.
        let mut seen = false;
        for _ in 0..20 {
            app.update(Action::PageDown);
            let buf = render(&app);
            assert_clean(&buf);
            seen |= strip(&item_text(&app, &buf))
                .contains("链球菌性扁桃体[疾病]—临床表现→颈部腺体触痛[症状]");
        }
        assert!(seen, "{size:?}");
    }
}

#[test]
fn a_two_thousand_character_text_scrolls_to_its_end() {
    let mut item = sample("CMExam.jsonl", "cmexam_val_sample:2");
    let Content::Mcq(m) = &mut item.body.content else {
        panic!()
    };
    let base = m.explanation.clone().unwrap();
    let mut long: String = base.chars().cycle().take(1995).collect();
    long.push_str("最后五个字");
    assert_eq!(long.chars().count(), 2000);
    m.explanation = Some(long);
    for size in SIZES {
        let mut app = app_for(item.clone(), size);
        let mut pages = 0;
        let mut last = usize::MAX;
        loop {
            let buf = render(&app);
            assert_clean(&buf);
            let scroll = app.review().unwrap().scroll;
            if scroll == last {
                assert!(strip(&item_text(&app, &buf)).contains("最后五个字"));
                break;
            }
            last = scroll;
            app.update(Action::PageDown);
            pages += 1;
        }
        assert!(pages >= 2, "{size:?}: {pages} pages");
    }
}

#[test]
fn overlays_keep_wide_chars_whole() {
    let item = sample("CMeIE.jsonl", "CMeIE_dev_sample:164");
    for size in SIZES {
        let mut app = app_for(item.clone(), size);
        // Department picker with a Chinese search.
        app.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE));
        app.handle_key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
        app.handle_key(KeyEvent::new(KeyCode::Char('内'), KeyModifiers::NONE));
        let buf = render(&app);
        assert_clean(&buf);
        assert!(rows(&buf).join("\n").contains("Gastroenterology 消化内科"));
        app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        // A fail reason in Chinese, longer than the box.
        app.update(Action::Fail);
        for c in "关系抽取遗漏了多个临床表现，且主体类型标注与原文不一致，需要修改".chars()
        {
            app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let buf = render(&app);
        assert_clean(&buf);
        app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        // The editor with the item's JSON (Chinese strings).
        app.update(Action::EditProposal);
        let buf = render(&app);
        assert_clean(&buf);
        app.update(Action::Accept);
        // Help, generated from the key table.
        app.update(Action::ToggleHelp);
        let buf = render(&app);
        assert_clean(&buf);
        assert!(
            rows(&buf)
                .join("\n")
                .contains("pass the selected criterion")
        );
    }
}

#[test]
fn the_submit_dialog_and_queue_render_cleanly() {
    let item = sample("MADiagnosis.jsonl", "madiag-0001");
    let mut app = app_for(item, (80, 24));
    for i in 0..5 {
        app.update(Action::SelectCriterion(i));
        app.update(Action::Pass);
    }
    app.update(Action::Submit);
    let buf = render(&app);
    assert_clean(&buf);
    assert!(
        rows(&buf)
            .join("\n")
            .contains("Submit your review of madiag-0001?")
    );
    app.update(Action::Cancel);
    app.update(Action::Back);
    app.reply(Reply::Queue(vec![medcurate::store::QueueRow {
        dataset: "MADiagnosis".into(),
        kind: medcurate::domain::item::ItemKind::OpenEnded,
        submitted: 1,
        in_progress: 1,
        available: 8,
    }]));
    let buf = render(&app);
    assert_clean(&buf);
    let all = rows(&buf).join("\n");
    assert!(all.contains("MADiagnosis"));
    assert!(all.contains("1/10 submitted"));
}

#[test]
fn keys_map_per_mode() {
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(action_for(Context::Review, q), Some(Action::Back));
    assert_eq!(action_for(Context::Reason, q), Some(Action::Input(q)));
    assert_eq!(action_for(Context::Search, q), Some(Action::Input(q)));
    assert_eq!(action_for(Context::Editor, q), Some(Action::Input(q)));
    assert_eq!(action_for(Context::Confirm, q), Some(Action::Cancel));
    let f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE);
    assert_eq!(action_for(Context::Review, f), Some(Action::Fail));
    let slash = KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE);
    assert_eq!(
        action_for(Context::Departments, slash),
        Some(Action::Search)
    );
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(action_for(Context::Queue, enter), Some(Action::Open));
    assert_eq!(action_for(Context::Reason, enter), Some(Action::Accept));
    let y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(action_for(Context::Confirm, y), Some(Action::Confirm));
}

#[test]
fn tiny_terminals_draw_without_panicking() {
    let item = sample("CMeIE.jsonl", "CMeIE_dev_sample:164");
    for size in [(1, 1), (10, 4), (30, 8), (79, 23)] {
        let mut app = app_for(item.clone(), size);
        for a in [
            Action::PageDown,
            Action::Departments,
            Action::Back,
            Action::Fail,
            Action::Cancel,
            Action::EditProposal,
            Action::Accept,
            Action::ToggleHelp,
        ] {
            app.update(a);
            let buf = render(&app);
            if size.0 >= 2 {
                assert_clean(&buf);
            }
        }
    }
}
