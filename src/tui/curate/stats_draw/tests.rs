//! The stats screen rendered into a `TestBackend`, read back as text.

use super::*;
use crate::domain::agreement::Verdicts;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 30 pairs: 25 by li and zhang in 中医诊断, 5 by wang and li in CMExam (below the pair
/// threshold). Item `i`'s verdicts, A then B:
/// - natural_plausible: both always pass, so kappa is undefined (one label).
/// - clinical_validity: A passes i < 15, B passes 5 <= i < 20. Both pass 10, both fail 10,
///   one each way 5 + 5: po = 20/30, pe = 0.5*0.5 + 0.5*0.5 = 0.5,
///   kappa = (2/3 - 1/2) / (1/2) = 1/3, shown 0.33; agreement 66.7%.
/// - answer_correctness: A passes unless i % 3 == 0, B passes unless i % 3 == 1. Both pass
///   10 (i % 3 == 2) and never both fail: po = 1/3; each passes 2/3, so
///   pe = 4/9 + 1/9 = 5/9 and kappa = (3/9 - 5/9) / (4/9) = -0.50; agreement 33.3%.
/// - distractor_plausibility: both pass on even i, fail on odd: kappa 1.00.
/// - rubric_match: never judged, no pairs.
fn report() -> AgreementReport {
    let mut r = AgreementReport::default();
    for i in 0..30 {
        let a: Verdicts = [
            Some(true),
            Some(i < 15),
            Some(i % 3 != 0),
            Some(i % 2 == 0),
            None,
        ];
        let b: Verdicts = [
            Some(true),
            Some((5..20).contains(&i)),
            Some(i % 3 != 1),
            Some(i % 2 == 0),
            None,
        ];
        let db: &[&str] = if i % 2 == 0 {
            &["cardiology"]
        } else {
            &["cardiology", "nephrology"]
        };
        if i < 25 {
            r.add_pair("中医诊断", "zhang", "li", &a, &b, &["cardiology"], db);
        } else {
            r.add_pair("CMExam", "wang", "li", &a, &b, &["cardiology"], db);
        }
    }
    r.add_day("li", "2026-11-20", 12);
    r.add_day("li", "2026-11-21", 8);
    r.add_day("zhang", "2026-11-20", 25);
    r.add_day("wang", "2026-11-21", 5);
    r
}

fn render(r: &AgreementReport, dataset: Option<&str>, w: u16, h: u16, scroll: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| draw_stats(f, f.area(), r, dataset, scroll))
        .unwrap();
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            // The cell after a wide char is blank filler: skip it.
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                let s = buf[(x, y)].symbol();
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                skip = text::width(s).saturating_sub(1);
                row.push_str(s);
            }
            row
        })
        .collect()
}

fn row<'a>(rows: &'a [String], needle: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?} in\n{}", rows.join("\n")))
}

#[test]
fn the_wide_screen_shows_every_section() {
    let rows = render(&report(), None, 120, 40, 0);
    let all = rows.join("\n");
    assert!(
        all.contains("Agreement · all datasets · 30 review pairs"),
        "{all}"
    );
    let np = row(&rows, "natural_plausible");
    assert!(np.contains("undefined: only one label was used"), "{np}");
    assert!(np.contains("100.0%"), "{np}");
    let cv = row(&rows, "clinical_validity");
    assert!(
        cv.contains(" 0.33") && cv.contains("66.7%") && cv.contains("fair"),
        "{cv}"
    );
    let ac = row(&rows, "answer_correctness");
    assert!(
        ac.contains("-0.50") && ac.contains("33.3%") && ac.contains("poor"),
        "{ac}"
    );
    // A negative bar sits left of the axis and leaves the right side empty.
    let inside = ac.trim_matches('│');
    let (left, right) = inside.split_once('│').unwrap();
    assert!(left.ends_with('█'), "{ac}");
    assert!(!right.contains('█'), "{ac}");
    assert!(row(&rows, "distractor_plausibility").contains("1.00"));
    assert!(row(&rows, "rubric_match").contains("no pairs"));
    assert!(row(&rows, "中医诊断").contains("   25"));
    // Departments: the odd items differ, {cardiology} vs {cardiology, nephrology}: 15 of 30
    // identical; Jaccard 1 on the even and 1/2 on the odd items, mean 0.75.
    assert!(all.contains("Same set of departments in 50.0% of 30 pairs · mean Jaccard 0.75"));
    // li and zhang share 25 items; li and wang only 5, below the threshold.
    assert!(row(&rows, "li / zhang").contains("   25"), "{all}");
    assert!(!all.contains("li / wang"));
    assert!(all.contains("1 pair with fewer shared items left out."));
    // zhang first (25 in one day), then li (20 over 2 days: mean 10.0, max 12).
    let li = rows.iter().position(|r| r.contains("li  ")).unwrap();
    let zhang = rows.iter().position(|r| r.starts_with("│zhang")).unwrap();
    assert!(zhang < li, "{all}");
    assert!(
        rows[li].contains("   2     20      10.0       12"),
        "{}",
        rows[li]
    );
    assert!(!all.contains("NaN"));
}

#[test]
fn the_narrow_screen_puts_titles_above_the_figures() {
    let rows = render(&report(), Some("中医诊断"), 80, 24, 0);
    let all = rows.join("\n");
    assert!(
        rows[1].contains("Agreement · 中医诊断 · 30 review pairs"),
        "{all}"
    );
    let at = rows
        .iter()
        .position(|r| r.contains("natural_plausible"))
        .unwrap();
    assert!(
        rows[at + 1].contains("undefined: only one label was used"),
        "{all}"
    );
    let at = rows
        .iter()
        .position(|r| r.contains("answer_correctness"))
        .unwrap();
    assert!(rows[at + 1].contains("-0.50"), "{all}");
    assert!(all.contains("lines 1–22 of"), "{all}");
    assert!(!all.contains("NaN"));
    for r in &rows {
        assert_eq!(text::width(r), 80, "{r}");
    }
}

#[test]
fn scrolling_moves_the_whole_screen() {
    let r = report();
    let top = render(&r, None, 80, 24, 0);
    let down = render(&r, None, 80, 24, 3);
    assert!(top[1].contains("Agreement"));
    assert!(!down[1].contains("Agreement"));
    assert_eq!(down[1], top[4]);
    // Past the end it stops at the last page.
    let end = render(&r, None, 80, 24, 500);
    assert_eq!(end, render(&r, None, 80, 24, u16::MAX));
    assert!(end.join("\n").contains("Reviews per reviewer per day"));
}

#[test]
fn an_empty_report_says_so() {
    let rows = render(&AgreementReport::default(), None, 80, 24, 0);
    let all = rows.join("");
    assert!(all.contains("There are no pairs of reviews yet"), "{all}");
    assert!(all.contains("0 review pairs"));
    assert!(
        !all.contains("Cohen") && !all.contains("Per dataset"),
        "{all}"
    );
    assert!(!all.contains("NaN"));
}

#[test]
fn long_lists_show_the_top_and_count_the_rest() {
    let mut r = report();
    for i in 0..30 {
        r.add_day(&format!("reviewer{i:02}"), "2026-11-22", i);
    }
    let pass: Verdicts = [Some(true); 5];
    for k in 0..20 {
        for _ in 0..MIN_PAIR_ITEMS {
            r.add_pair(
                "CMExam",
                &format!("p{k:02}a"),
                &format!("p{k:02}b"),
                &pass,
                &pass,
                &[],
                &[],
            );
        }
    }
    // 22 visible lines leave room for 18 rows: 21 pairs and 33 reviewers in all.
    let all = (0..4)
        .map(|page| render(&r, None, 80, 24, page * 22).join("\n"))
        .collect::<String>();
    assert!(
        all.contains("li / zhang"),
        "the most shared pair comes first"
    );
    assert!(all.contains("… and 3 more pairs"), "{all}");
    assert!(all.contains("… and 15 more reviewers"), "{all}");
}

#[test]
fn tiny_screens_do_not_panic() {
    let r = report();
    for (w, h) in [(1, 1), (10, 3), (3, 10), (20, 5), (0, 0), (2, 2)] {
        render(&r, None, w, h, 0);
        render(&r, Some("中医诊断"), w, h, 7);
        render(&AgreementReport::default(), None, w, h, 1);
    }
}

#[test]
fn kappa_is_shown_to_two_decimals_without_negative_zero() {
    assert_eq!(two_decimals(1.0 / 3.0), "0.33");
    assert_eq!(two_decimals(-0.004), "0.00");
    assert_eq!(two_decimals(-0.5), "-0.50");
    assert_eq!(strength(0.404), "fair");
    assert_eq!(strength(-0.01), "poor");
}
