//! The adjudication screen's frames in ratatui's `TestBackend` at 120x40 and 80x24 with real
//! Chinese open-ended items: nothing wider than the screen, no wide char cut.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use super::*;
use crate::tui::test_support::screen::{assert_clean, screen};
use ratatui::buffer::Buffer;

fn render(app: &AdjudicateApp) -> Buffer {
    crate::tui::test_support::screen::render(app.desk.size, |f| super::super::ui::draw(f, app))
}

/// Every frame the dispute screen goes through while being decided, at one size.
fn frames(size: (u16, u16)) -> Vec<(String, Buffer)> {
    let mut out = Vec::new();
    let mut app = AdjudicateApp::new(expert(), None, size);
    out.push(("loading".into(), render(&app)));
    app.reply(Reply::Overview {
        threshold: 0.25,
        counts: counts(),
    });
    app.reply(Reply::Mine(vec![MyAdjudication {
        adjudication_id: 3,
        dataset: "MADiagnosis".into(),
        item_id: ITEM.into(),
        model: "文心一言 4.0 Turbo 医疗专业版".into(),
        status: ReviewStatus::Claimed,
        changed: false,
        updated_at: "2026-03-01T08:00:00Z".into(),
    }]));
    out.push(("start".into(), render(&app)));
    app.handle_key(code(KeyCode::Enter));
    out.push(("claiming".into(), render(&app)));
    app.reply(Reply::Loaded(Box::new(assignment(7))));
    out.push(("dispute".into(), render(&app)));
    typed(&mut app, "mmn");
    app.handle_key(key('r'));
    typed(&mut app, REASON);
    out.push(("reason".into(), render(&app)));
    app.handle_key(code(KeyCode::Enter));
    app.handle_key(key('='));
    typed(&mut app, "0.6");
    out.push(("score".into(), render(&app)));
    app.handle_key(code(KeyCode::Enter));
    for _ in 0..30 {
        app.handle_key(code(KeyCode::Down));
    }
    out.push(("scrolled".into(), render(&app)));
    app.handle_key(key('m'));
    app.handle_key(key('s'));
    out.push(("confirm".into(), render(&app)));
    app.handle_key(key('n'));
    app.handle_key(key('?'));
    out.push(("help".into(), render(&app)));
    // An item with no reference answer, and a long reason that does not fit the footer.
    let mut a = assignment(8);
    a.item = sample("MADiagnosis.jsonl", "madiag-0004");
    a.content.reason = REASON.repeat(6);
    app.handle_key(key('?'));
    app.reply(Reply::Loaded(Box::new(a)));
    out.push(("no reference".into(), render(&app)));
    // A MACompliance item.
    let mut a = assignment(9);
    let line = std::fs::read_to_string(format!(
        "{}/sample-data/MACompliance.jsonl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let first = line.lines().next().unwrap();
    let raw = crate::import::native::parse(first).unwrap();
    a.item = crate::domain::validate::build_item(raw, "MACompliance").unwrap();
    a.dataset = "MACompliance".into();
    let n = match &a.item.body.content {
        Content::OpenEnded(o) => o.rubric.len(),
        _ => panic!("not open-ended"),
    };
    a.content = Adjudication::blank(n);
    a.judges[0].points = Some(vec![true; n]);
    app.reply(Reply::Loaded(Box::new(a)));
    for _ in 0..n {
        app.handle_key(code(KeyCode::Tab));
    }
    out.push(("compliance".into(), render(&app)));
    out
}

#[test]
fn every_frame_fits_at_120x40_and_80x24_with_no_wide_char_cut() {
    for size in [(120, 40), (80, 24)] {
        for (name, buf) in frames(size) {
            let s = screen(&buf);
            assert!(
                std::panic::catch_unwind(|| assert_clean(&buf)).is_ok(),
                "{name} at {size:?}:\n{s}"
            );
        }
    }
}

#[test]
fn the_dispute_shows_question_rubric_response_and_both_judges() {
    let app = opened((120, 40));
    let buf = render(&app);
    let s = screen(&buf);
    assert!(s.contains("Question 问题"), "{s}");
    assert!(s.contains("高血压会头晕吗？"), "{s}");
    assert!(s.contains("Rubric 评分标准 · 0/4 marked"), "{s}");
    assert!(s.contains("▶1 (2) 指出高血压可以引起头晕"), "{s}");
    assert!(s.contains("A: met"), "{s}");
    assert!(s.contains("B: —"), "{s}");
    assert!(s.contains("Response 模型回答 · GPT-4o"), "{s}");
    assert!(s.contains("Score — · judges 0.9 / 0.3"), "{s}");
    assert!(s.contains("MADiagnosis › chinese_medical"), "{s}");
    // The judges are further down the text: scroll to the end.
    let mut app = app;
    app.handle_key(key('G'));
    let s = screen(&render(&app));
    assert!(s.contains("Judges 评分模型 · gap 0.6"), "{s}");
    assert!(s.contains("Judge A: 0.9 · points 1✓ 2✓ 3✓ 4✓"), "{s}");
    assert!(s.contains("Judge B: 0.3"), "{s}");
    assert!(s.contains("(no rationale given)"), "{s}");
}

#[test]
fn marks_score_and_reason_show_in_the_panel() {
    let mut app = opened((80, 24));
    typed(&mut app, "mn");
    app.handle_key(key(']'));
    app.handle_key(key('r'));
    typed(&mut app, "遗漏鉴别诊断");
    app.handle_key(code(KeyCode::Enter));
    let s = screen(&render(&app));
    assert!(s.contains("[unmet]"), "{s}");
    assert!(s.contains("2/4 marked"), "{s}");
    assert!(s.contains("Score 0.5"), "{s}");
    assert!(s.contains("Reason 遗漏鉴别诊断"), "{s}");
    // The cursor follows the marks onto point 3, and the panel keeps it in view.
    assert!(s.contains("▶3 (1)"), "{s}");
    app.handle_key(key('4'));
    let s = screen(&render(&app));
    assert!(s.contains("▶4 (1)"), "{s}");
    app.handle_key(key('1'));
    let s = screen(&render(&app));
    assert!(s.contains("▶1 (2)"), "{s}");
    assert!(s.contains("[met  ]  A: met  B: —"), "{s}");
}

#[test]
fn the_start_screen_lists_counts_threshold_and_own_adjudications() {
    let mut app = AdjudicateApp::new(expert(), None, (80, 24));
    app.reply(Reply::Overview {
        threshold: 0.25,
        counts: counts(),
    });
    let buf = render(&app);
    assert_clean(&buf);
    let s = screen(&buf);
    assert!(s.contains("scores more than 0.25 apart"), "{s}");
    assert!(s.contains("All datasets"), "{s}");
    assert!(s.contains("MACompliance"), "{s}");
    assert!(s.contains("通义千问"), "{s}");
    assert!(s.contains("No adjudications yet."), "{s}");
    assert!(s.contains("1/6 decided"), "{s}");
}
