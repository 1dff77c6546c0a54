//! Every screen of the three programs at 80x24 and 120x40, over the demo workspace with the
//! longest real ids of the sample data (`chinese_medical_dialogue_IM_7specialty_sample:…`):
//! the review, curation and adjudication apps are driven by keys, their store commands run
//! against the real database through each screen's own worker `handle`, and every frame is
//! drawn into ratatui's `TestBackend`.
//!
//! On every frame: nothing wider than the screen and no wide char cut; the footer fits and
//! shows the way out and `?` (help or "more") on every screen that has them, and each main
//! key or "? more"; the status bar keeps the save state and the progress. On every list:
//! rows of different items read differently, and a list that does not fit says how many
//! more there are. Messages wrap instead of losing their end; the fail reason box wraps;
//! the adjudication confirm names the points met and not met.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::screen::{assert_clean, rows};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use medcurate::domain::people::Person;
use medcurate::store::Store;
use medcurate::tui::adjudicate::{self, AdjudicateApp};
use medcurate::tui::curate::{self, CurateApp, CurateOptions};
use medcurate::tui::keymap::{self, Context, Rank};
use medcurate::tui::review::{self, ReviewApp};
use ratatui::buffer::Buffer;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const LONG: &str = "chinese_medical_dialogue_IM_7specialty_sample:";
const REASON: &str = "这是一个很长的中文理由：患者头晕的原因很多，题干没有给出血压数值，也没有说明是否服用降压药，所以无法判断答案是否正确。";

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

/// The demo workspace (`medcurate demo`), in a temporary directory.
fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    common::ok(dir.path(), &["demo"]);
    let store = Store::open(&common::backend::db_at(dir.path(), "t.db")).unwrap();
    (dir, store)
}

fn person(store: &Store, id: &str) -> Person {
    store.person(id).unwrap().unwrap()
}

// --- driving each app against the store -------------------------------------------------

fn pump_review(app: &mut ReviewApp, store: &mut Store) {
    for _ in 0..50 {
        let cmds = app.desk.take_commands();
        if cmds.is_empty() {
            return;
        }
        for c in cmds {
            let r = review::worker::handle(store, &app.reviewer.id, c);
            app.reply(r);
        }
    }
}

fn pump_curate(app: &mut CurateApp, store: &mut Store) {
    for _ in 0..50 {
        let cmds = app.take_commands();
        if cmds.is_empty() {
            return;
        }
        for c in cmds {
            let r = curate::worker::handle(store, &app.curator.id, c);
            app.reply(r);
        }
    }
}

fn pump_adjudicate(app: &mut AdjudicateApp, store: &mut Store) {
    for _ in 0..50 {
        let cmds = app.desk.take_commands();
        if cmds.is_empty() {
            return;
        }
        for c in cmds {
            let r = adjudicate::worker::handle(store, &app.expert.id, c);
            app.reply(r);
        }
    }
}

fn review_keys(app: &mut ReviewApp, store: &mut Store, keys: &[KeyEvent]) {
    for k in keys {
        app.handle_key(*k);
        pump_review(app, store);
    }
}

fn typed(s: &str) -> Vec<KeyEvent> {
    s.chars().map(key).collect()
}

/// `who` reviews `n` MADiagnosis items (each passed, or with criterion 2 failed for
/// `REASON`), and leaves the next one open as a draft.
fn review_madiagnosis(store: &mut Store, who: &str, n: usize, fail: bool) {
    let mut app = ReviewApp::new(person(store, who), Some("MADiagnosis".into()), (120, 40));
    pump_review(&mut app, store);
    for _ in 0..n {
        let r = app.review().expect("a MADiagnosis item is open");
        assert!(
            r.assignment.item.id.starts_with(LONG),
            "{}",
            r.assignment.item.id
        );
        let mut keys = typed("1p2p3p5p");
        if fail {
            keys.extend(typed("2f"));
            keys.extend(typed(REASON));
            keys.push(code(KeyCode::Enter));
        }
        keys.extend(typed("sy"));
        review_keys(&mut app, store, &keys);
    }
    assert!(app.review().is_some(), "the next item is open as a draft");
}

/// `who` decides `n` MADiagnosis disputes (every point met, the score from the points, a
/// reason) and leaves the next one open.
fn adjudicate_madiagnosis(store: &mut Store, who: &str, n: usize) -> AdjudicateApp {
    let mut app = AdjudicateApp::new(person(store, who), Some("MADiagnosis".into()), (120, 40));
    pump_adjudicate(&mut app, store);
    for _ in 0..n {
        let d = app.dispute().expect("a dispute is open");
        let points = d.rubric_len();
        for k in std::iter::repeat_n(key('m'), points)
            .chain([key('%'), key('r')])
            .chain(typed("要点齐全"))
            .chain([code(KeyCode::Enter), key('s'), key('y')])
        {
            app.handle_key(k);
            pump_adjudicate(&mut app, store);
        }
    }
    app
}

/// The demo with two reviews of three MADiagnosis items that disagree (so the curation
/// queue holds them), and three decided MADiagnosis disputes.
fn workspace() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = demo();
    review_madiagnosis(&mut store, "dr-wang", 3, false);
    review_madiagnosis(&mut store, "dr-zhang", 3, true);
    adjudicate_madiagnosis(&mut store, "dr-zhang", 3);
    (dir, store)
}

// --- what every frame must show ---------------------------------------------------------

/// The frame at `size` from `draw`.
fn render(size: (u16, u16), draw: impl FnOnce(&mut ratatui::Frame)) -> Buffer {
    common::screen::render(size, draw)
}

/// The footer (last row) of a frame drawn where the keyboard is in `ctx`: it fits, shows
/// the way out and the help key (in command mode), and each main key or "? more".
fn check_frame(name: &str, buf: &Buffer, ctx: Context) {
    assert_clean(buf);
    let all = rows(buf);
    let footer = all.last().unwrap().clone();
    let w = buf.area.width as usize;
    let text = ctx.is_text();
    let hint = keymap::hint(ctx);
    if !text && ctx != Context::Help {
        assert!(
            footer.contains("? help") || footer.contains("? more"),
            "{name}: no ? in the footer: {footer:?}"
        );
    }
    let way_out = if text { "Esc " } else { "q " };
    assert!(
        footer.contains(way_out) || footer.contains("/q "),
        "{name}: no {way_out:?} in the footer: {footer:?}"
    );
    let more = footer.contains("? more");
    for k in &hint.keys {
        let shown = footer.contains(&format!("{} {}", k.key, k.word));
        match k.rank {
            Rank::Always => assert!(shown || k.key == "?", "{name}: {k:?} not shown: {footer:?}"),
            Rank::Main => assert!(shown || more, "{name}: main key {k:?} missing: {footer:?}"),
            Rank::More => assert!(
                shown || more,
                "{name}: {k:?} missing, no ? more: {footer:?}"
            ),
        }
    }
    assert!(!footer.contains(','), "{name}: a stray comma: {footer:?}");
    assert!(footer.trim_end().chars().count() <= w, "{name}: {footer:?}");
}

/// The rows of a frame that show one of `ids` (or a part of one), which must all differ.
fn distinct_rows(name: &str, buf: &Buffer, needle: &str, at_least: usize) {
    let found: Vec<String> = rows(buf)
        .into_iter()
        .filter(|r| r.contains(needle))
        .map(|r| r.trim().to_string())
        .collect();
    assert!(
        found.len() >= at_least,
        "{name}: {} rows with {needle:?}, wanted {at_least}:\n{}",
        found.len(),
        rows(buf).join("\n")
    );
    for (i, a) in found.iter().enumerate() {
        for b in &found[i + 1..] {
            assert_ne!(a, b, "{name}: two rows read the same");
        }
    }
}

/// The status bar's first line: the row that names `who`.
fn status_line(buf: &Buffer, who: &str) -> String {
    rows(buf)
        .into_iter()
        .rev()
        .find(|r| r.contains(who))
        .unwrap_or_default()
}

/// The text inside the box whose top border holds `title`, with no whitespace.
fn box_text(buf: &Buffer, title: &str) -> String {
    let all = rows(buf);
    let y = all
        .iter()
        .position(|r| r.contains(title))
        .unwrap_or_else(|| panic!("no box {title:?}:\n{}", all.join("\n"))) as u16;
    let first = title.chars().next().unwrap().to_string();
    let w = buf.area.width;
    let x0 = (0..w.saturating_sub(2))
        .find(|&x| buf[(x, y)].symbol() == "┌" && buf[(x + 2, y)].symbol() == first)
        .expect("the box's corner");
    let x1 = (x0 + 1..w).find(|&x| buf[(x, y)].symbol() == "┐").unwrap();
    let y1 = (y + 1..buf.area.height)
        .find(|&yy| buf[(x0, yy)].symbol() == "└")
        .unwrap();
    let mut out = String::new();
    for yy in y + 1..y1 {
        let mut x = x0 + 1;
        while x < x1 {
            let sym = buf[(x, yy)].symbol();
            out.push_str(sym);
            x += medcurate::tui::text::width(sym).max(1) as u16;
        }
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}

fn flat(buf: &Buffer) -> String {
    rows(buf)
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c))
        .collect()
}

// --- the review screen -------------------------------------------------------------------

#[test]
fn the_review_screen_fits_with_long_ids() {
    let (_dir, mut store) = workspace();
    for size in SIZES {
        let name = |s: &str| format!("review {s} at {size:?}");
        let mut app = ReviewApp::new(person(&store, "dr-wang"), None, size);
        pump_review(&mut app, &mut store);
        // The datasets: all nine show (or say how many more), above the reviewer's own.
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("queue"), &buf, app.context());
        let screen = rows(&buf).join("\n");
        for ds in [
            "CHIP-CDEE",
            "CHIP-CDN",
            "CMExam",
            "CMeEE",
            "CMeIE",
            "MACompliance",
            "MADiagnosis",
            "MAKnowledge",
            "MASafety",
        ] {
            assert!(
                screen.contains(ds),
                "{}: {ds} missing:\n{screen}",
                name("queue")
            );
        }
        // My reviews: three submitted MADiagnosis reviews and a draft, told apart by their
        // ends; the 25 CMExam ones do not fit at 80x24 and say so.
        distinct_rows(&name("my reviews"), &buf, "MADiagnosis", 4 + 1);
        distinct_rows(&name("my reviews"), &buf, ":", 4);
        if size == (80, 24) {
            assert!(
                screen.contains("more ┘"),
                "{}:\n{screen}",
                name("my reviews")
            );
        }
        app.handle_key(code(KeyCode::Tab));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("my reviews focused"), &buf, Context::MyReviews);

        // The open draft, by its long id: the id's end, "saved" and the progress show.
        app.handle_key(code(KeyCode::Tab));
        for _ in 0..6 {
            app.handle_key(key('j'));
        }
        review_keys(&mut app, &mut store, &[code(KeyCode::Enter)]);
        let r = app.review().expect("the MADiagnosis draft is open");
        let id = r.assignment.item.id.clone();
        assert!(id.starts_with(LONG), "{id}");
        let tail = &id[id.rfind(':').unwrap()..];
        review_keys(&mut app, &mut store, &typed("1p"));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("item"), &buf, Context::Review);
        let status = status_line(&buf, "王医生");
        assert!(status.contains(tail), "{}: {status}", name("item"));
        assert!(status.contains("saved"), "{}: {status}", name("item"));
        assert!(status.contains("submitted"), "{}: {status}", name("item"));

        // A long message wraps and keeps its end, and the footer stays.
        app.handle_key(key('s'));
        let msg = app
            .desk
            .message
            .clone()
            .expect("submit says what is missing");
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("not ready"), &buf, Context::Review);
        let end: String = msg
            .text
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let end: String = end.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            flat(&buf).contains(&end) || flat(&buf).contains("M:allofit"),
            "{}: the message lost its end {end:?}:\n{}",
            name("not ready"),
            rows(&buf).join("\n")
        );
        // The message overlay shows it whole.
        app.handle_key(key('M'));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("messages"), &buf, Context::Help);
        let words: String = msg.text.chars().filter(|c| !c.is_whitespace()).collect();
        let inside = box_text(&buf, "Messages");
        assert!(inside.contains(&words), "{}: {inside}", name("messages"));
        app.handle_key(key('M'));

        // The fail reason box wraps a long Chinese reason and keeps its start.
        review_keys(&mut app, &mut store, &typed("3f"));
        review_keys(&mut app, &mut store, &typed(REASON));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("reason"), &buf, Context::Reason);
        let inside = box_text(&buf, "Why does");
        assert!(inside.contains(REASON), "{}: {inside}", name("reason"));
        review_keys(&mut app, &mut store, &[code(KeyCode::Enter)]);

        for (what, keys, ctx) in [
            ("departments", vec![key('t')], Context::Departments),
            ("search", vec![key('/')], Context::Search),
            (
                "comment",
                vec![code(KeyCode::Esc), code(KeyCode::Esc), key('c')],
                Context::Comment,
            ),
            (
                "editor",
                vec![code(KeyCode::Esc), key('e')],
                Context::Editor,
            ),
            ("help", vec![code(KeyCode::Esc), key('?')], Context::Help),
            ("skip", vec![key('?'), key('x')], Context::Confirm),
        ] {
            review_keys(&mut app, &mut store, &keys);
            assert_eq!(app.context(), ctx, "{}", name(what));
            let buf = render(size, |f| review::ui::draw(f, &app));
            check_frame(&name(what), &buf, ctx);
        }
        review_keys(&mut app, &mut store, &[key('n'), key('q')]);
    }
}

// --- finding items, and the outcome of a settled review ----------------------------------

#[test]
fn matches_and_outcomes_fit_with_long_ids() {
    let (_dir, mut store) = workspace();
    for size in SIZES {
        let name = |s: &str| format!("{s} at {size:?}");
        // Review: `/` over my reviews; the MADiagnosis ones are told apart by their ends.
        let mut app = ReviewApp::new(person(&store, "dr-wang"), None, size);
        pump_review(&mut app, &mut store);
        review_keys(&mut app, &mut store, &[key('/')]);
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("review find"), &buf, Context::FindItem);
        let mut keys = typed("7specialty");
        keys.push(code(KeyCode::Enter));
        review_keys(&mut app, &mut store, &keys);
        assert_eq!(app.context(), Context::Found, "{}", name("review matches"));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("review matches"), &buf, Context::Found);
        distinct_rows(&name("review matches"), &buf, "MADiagnosis/", 4);
        // A settled CMExam review opens its outcome, with the other review.
        review_keys(&mut app, &mut store, &[key('/')]);
        let mut keys = vec![code(KeyCode::Backspace); 12];
        keys.extend(typed("CMExam/"));
        keys.push(code(KeyCode::Enter));
        review_keys(&mut app, &mut store, &keys);
        let rows_found = &app
            .queue
            .find
            .as_ref()
            .unwrap()
            .found
            .as_ref()
            .unwrap()
            .rows;
        let at = rows_found
            .iter()
            .position(|(r, _)| r.settled)
            .expect("a settled review");
        let mut keys = vec![key('j'); at];
        keys.push(code(KeyCode::Enter));
        review_keys(&mut app, &mut store, &keys);
        assert_eq!(app.context(), Context::Outcome, "{}", name("outcome"));
        let buf = render(size, |f| review::ui::draw(f, &app));
        check_frame(&name("outcome"), &buf, Context::Outcome);
        let screen = rows(&buf).join("\n");
        assert!(screen.contains("The other reviewer"), "{screen}");
        assert!(
            !screen.contains("dr-zhang") && !screen.contains("张医生"),
            "{screen}"
        );
        review_keys(&mut app, &mut store, &[key('G')]);
        check_frame(
            &name("outcome end"),
            &render(size, |f| review::ui::draw(f, &app)),
            Context::Outcome,
        );

        // Curation: every item, decided ones too, with its state.
        let mut app = CurateApp::new(person(&store, "cur-chen"), CurateOptions::default(), size);
        pump_curate(&mut app, &mut store);
        for k in [key('/')]
            .into_iter()
            .chain(typed("7specialty"))
            .chain([code(KeyCode::Enter)])
        {
            app.handle_key(k);
            pump_curate(&mut app, &mut store);
        }
        assert_eq!(app.context(), Context::Found, "{}", name("curate matches"));
        let buf = render(size, |f| curate::ui::draw(f, &app));
        check_frame(&name("curate matches"), &buf, Context::Found);
        distinct_rows(&name("curate matches"), &buf, "MADiagnosis/", 4);
        // Coverage per department, from the queue.
        for k in [code(KeyCode::Esc), key('C')] {
            app.handle_key(k);
            pump_curate(&mut app, &mut store);
        }
        assert_eq!(app.context(), Context::Coverage, "{}", name("coverage"));
        let buf = render(size, |f| curate::ui::draw(f, &app));
        check_frame(&name("coverage"), &buf, Context::Coverage);
        let screen = rows(&buf).join("\n");
        assert!(
            screen.contains("No department (anyone)") || screen.contains("! "),
            "{screen}"
        );
        app.handle_key(key('G'));
        check_frame(
            &name("coverage end"),
            &render(size, |f| curate::ui::draw(f, &app)),
            Context::Coverage,
        );
        app.handle_key(key('q'));
        assert_eq!(
            app.context(),
            Context::CurateQueue,
            "{}",
            name("coverage back")
        );

        // Adjudication: disputes to take and the expert's own.
        let mut app = AdjudicateApp::new(person(&store, "dr-zhang"), None, size);
        pump_adjudicate(&mut app, &mut store);
        for k in [key('/')]
            .into_iter()
            .chain(typed("7specialty"))
            .chain([code(KeyCode::Enter)])
        {
            app.handle_key(k);
            pump_adjudicate(&mut app, &mut store);
        }
        assert_eq!(
            app.context(),
            Context::Found,
            "{}",
            name("adjudicate matches")
        );
        let buf = render(size, |f| adjudicate::ui::draw(f, &app));
        check_frame(&name("adjudicate matches"), &buf, Context::Found);
        distinct_rows(&name("adjudicate matches"), &buf, "MADiagnosis/", 3);
    }
}

// --- the curation screen -----------------------------------------------------------------

#[test]
fn the_curation_screen_fits_with_long_ids() {
    let (_dir, mut store) = workspace();
    for size in SIZES {
        let name = |s: &str| format!("curate {s} at {size:?}");
        let mut app = CurateApp::new(person(&store, "cur-chen"), CurateOptions::default(), size);
        pump_curate(&mut app, &mut store);
        let draw = |app: &CurateApp| render(size, |f| curate::ui::draw(f, app));
        let buf = draw(&app);
        check_frame(&name("queue"), &buf, Context::CurateQueue);
        // The three MADiagnosis items and the CMExam ones, each row its own; at 80x24 the
        // last rows wait below and say so.
        let long_rows = if size == (80, 24) { 2 } else { 3 };
        distinct_rows(
            &name("queue"),
            &buf,
            LONG.split('_').next().unwrap(),
            long_rows,
        );
        if size == (80, 24) {
            assert!(
                rows(&buf).join("\n").contains("↓ 1 more"),
                "{}",
                name("queue")
            );
        }
        distinct_rows(&name("queue"), &buf, "cmexam_", 4);
        distinct_rows(&name("queue"), &buf, "2026-", 8);

        app.handle_key(key('t'));
        check_frame(
            &name("department filter"),
            &draw(&app),
            Context::DepartmentFilter,
        );
        app.handle_key(key('/'));
        check_frame(&name("department search"), &draw(&app), Context::Search);
        app.handle_key(code(KeyCode::Esc));
        app.handle_key(code(KeyCode::Esc));
        app.handle_key(key('?'));
        check_frame(&name("help"), &draw(&app), Context::Help);
        app.handle_key(key('?'));

        // The MADiagnosis item with both reviews.
        while !app
            .queue
            .current()
            .is_some_and(|r| r.item_id.starts_with(LONG))
        {
            app.handle_key(key('j'));
        }
        app.handle_key(code(KeyCode::Enter));
        pump_curate(&mut app, &mut store);
        let buf = draw(&app);
        check_frame(&name("case"), &buf, Context::Case);
        let id = app.case.as_ref().unwrap().case.item.id.clone();
        let tail = &id[id.rfind(':').unwrap()..];
        assert!(
            status_line(&buf, "陈主任").contains(tail),
            "{}",
            name("case")
        );
        assert!(
            status_line(&buf, "陈主任").contains("waiting"),
            "{}",
            name("case")
        );

        for (what, keys, ctx) in [
            (
                "final departments",
                vec![key('a')],
                Context::FinalDepartments,
            ),
            // No reviewer proposed a correction: the revision starts from the item.
            (
                "revision",
                vec![code(KeyCode::Esc), key('e')],
                Context::Revision,
            ),
            (
                "discard reason",
                vec![code(KeyCode::Esc), key('D')],
                Context::DiscardReason,
            ),
            (
                "history",
                vec![code(KeyCode::Esc), key('h')],
                Context::History,
            ),
        ] {
            for k in keys {
                app.handle_key(k);
                pump_curate(&mut app, &mut store);
            }
            assert_eq!(app.context(), ctx, "{}", name(what));
            check_frame(&name(what), &draw(&app), ctx);
        }
        // The agreement screen, and G goes to its end.
        for k in [key('q'), key('q'), key('A')] {
            app.handle_key(k);
            pump_curate(&mut app, &mut store);
        }
        check_frame(&name("agreement"), &draw(&app), Context::Stats);
        app.handle_key(key('G'));
        assert!(
            app.stats.scroll > 0 || size.1 >= 40,
            "{}",
            name("agreement G")
        );
        check_frame(&name("agreement end"), &draw(&app), Context::Stats);
    }
}

// --- the adjudication screen -------------------------------------------------------------

#[test]
fn the_adjudication_screen_fits_with_long_ids() {
    let (_dir, mut store) = workspace();
    for size in SIZES {
        let name = |s: &str| format!("adjudicate {s} at {size:?}");
        let mut app = AdjudicateApp::new(person(&store, "dr-zhang"), None, size);
        pump_adjudicate(&mut app, &mut store);
        let draw = |app: &AdjudicateApp| render(size, |f| adjudicate::ui::draw(f, app));
        let buf = draw(&app);
        check_frame(&name("start"), &buf, Context::DisputeStart);
        // Three decided and one open: four MADiagnosis rows, each its own.
        distinct_rows(&name("my adjudications"), &buf, "MADiagnosis ", 4);
        app.handle_key(code(KeyCode::Tab));
        check_frame(
            &name("my adjudications"),
            &draw(&app),
            Context::MyAdjudications,
        );
        app.handle_key(code(KeyCode::Tab));
        app.handle_key(key('?'));
        check_frame(&name("help"), &draw(&app), Context::Help);
        app.handle_key(key('?'));

        // One of the long ids, reopened from my adjudications.
        app.handle_key(code(KeyCode::Tab));
        let at = app
            .start
            .mine
            .iter()
            .position(|m| m.item_id.starts_with(LONG))
            .expect("an adjudication of a long id");
        for _ in 0..at {
            app.handle_key(key('j'));
        }
        app.handle_key(code(KeyCode::Enter));
        pump_adjudicate(&mut app, &mut store);
        assert_eq!(app.context(), Context::Dispute, "{}", name("dispute"));
        let buf = draw(&app);
        check_frame(&name("dispute"), &buf, Context::Dispute);
        let d = app.dispute().unwrap();
        let id = d.assignment.item.id.clone();
        assert!(id.starts_with(LONG), "{id}");
        let status = status_line(&buf, "张医生");
        assert!(status.contains(&id[id.rfind(':').unwrap()..]), "{status}");
        assert!(status.contains("decided"), "{status}");

        // j and k scroll the text; the rubric point stays.
        let point = app.dispute().unwrap().point;
        app.handle_key(key('j'));
        assert_eq!(app.dispute().unwrap().point, point);

        // Only the last point met: the confirm says which are met and which not.
        let n = app.dispute().unwrap().rubric_len();
        let mut keys = Vec::new();
        for i in 1..=n {
            let mark = if i == n { 'm' } else { 'n' };
            keys.extend([
                key(char::from_digit(i as u32, 10).unwrap()),
                key('u'),
                key(mark),
            ]);
        }
        keys.extend([key('%'), key('r')]);
        keys.extend(typed(REASON));
        keys.extend([code(KeyCode::Enter)]);
        for k in keys {
            app.handle_key(k);
            pump_adjudicate(&mut app, &mut store);
        }
        app.handle_key(key('='));
        check_frame(&name("score"), &draw(&app), Context::Score);
        app.handle_key(code(KeyCode::Esc));
        app.handle_key(key('r'));
        let buf = draw(&app);
        check_frame(&name("reason"), &buf, Context::DecisionReason);
        let inside = box_text(&buf, "Reason for the decision");
        assert!(inside.contains(REASON), "{}: {inside}", name("reason"));
        app.handle_key(code(KeyCode::Enter));
        app.handle_key(key('s'));
        let buf = draw(&app);
        check_frame(&name("confirm"), &buf, Context::Confirm);
        let not_met: Vec<String> = (1..n).map(|i| i.to_string()).collect();
        let want = format!("met: {n}; not met: {}", not_met.join(", "));
        assert!(
            flat(&buf).contains(&want.replace(' ', "")),
            "{}: {want}:\n{}",
            name("confirm"),
            rows(&buf).join("\n")
        );
        app.handle_key(key('n'));
        app.handle_key(key('?'));
        check_frame(&name("help"), &draw(&app), Context::Help);
        app.handle_key(key('?'));
        app.handle_key(key('q'));
        pump_adjudicate(&mut app, &mut store);
    }
}

// --- the key table --------------------------------------------------------------------

/// Every command context's footer at 80 columns keeps the way out and `?`, and its main
/// keys (or says "? more"); no key means two things in two command contexts.
#[test]
fn every_footer_fits_80_columns_and_keys_mean_one_thing() {
    use Context as C;
    let all = [
        C::Queue,
        C::MyReviews,
        C::Review,
        C::Departments,
        C::Search,
        C::Reason,
        C::Comment,
        C::Editor,
        C::Confirm,
        C::Help,
        C::CurateQueue,
        C::Case,
        C::FinalDepartments,
        C::DepartmentFilter,
        C::StartText,
        C::Revision,
        C::DiscardReason,
        C::History,
        C::Stats,
        C::DisputeStart,
        C::MyAdjudications,
        C::Dispute,
        C::Score,
        C::DecisionReason,
    ];
    for ctx in all {
        let fitted = keymap::hint(ctx).fit(79);
        let text = keymap::hint(ctx).text(79);
        assert!(medcurate::tui::text::width(&text) <= 79, "{ctx:?}: {text}");
        if !ctx.is_text() && ctx != C::Help {
            assert!(fitted.iter().any(|k| k.key == "?"), "{ctx:?}: {text}");
        }
        assert!(
            fitted
                .iter()
                .any(|k| k.key == "q" || k.key == "Esc" || k.key.ends_with("/q")),
            "{ctx:?}: {text}"
        );
        assert!(!text.contains(','), "{ctx:?}: {text}");
    }
    // One meaning per key: wherever a letter is bound in command mode, its description
    // starts with the same word ("scroll", "clear", "skip", "reload"...). Enter, Esc, Tab,
    // Space and the arrows are the keys of moving and choosing, and `y` `n` `q` answer a
    // dialog; they are not letters of a step.
    let mut seen: Vec<(char, &str, Context)> = Vec::new();
    let word_of = |d: &'static str| {
        d.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(|c: char| c.is_ascii_punctuation())
    };
    // Where a letter's first word is not the step itself but says which way.
    let kin = |a: &str, b: &str| {
        let groups: [&[&str]; 7] = [
            &["previous", "scroll", "up"],
            &["next", "scroll", "down"],
            &["top", "first"],
            &["end", "last"],
            &["no", "not", "cancel", "back", "close", "quit"],
            &["tag", "department"],
            &["search", "find"],
        ];
        a == b || groups.iter().any(|g| g.contains(&a) && g.contains(&b))
    };
    for bind in keymap::bindings() {
        let (keymap::Scope::In(ctx), KeyCode::Char(c)) = (bind.scope, bind.key.code) else {
            continue;
        };
        if ctx.is_text() || c == ' ' || !bind.key.mods.is_empty() {
            continue;
        }
        let w = word_of(bind.description);
        for (k, other, octx) in &seen {
            if *k == c {
                assert!(
                    kin(w, other),
                    "{c:?} is {w:?} in {ctx:?} but {other:?} in {octx:?}"
                );
            }
        }
        seen.push((c, w, ctx));
    }
    // The same action for keys moved to one meaning.
    for (k, a, b) in [
        ('j', C::Review, C::Dispute),
        ('k', C::Review, C::Dispute),
        ('G', C::Review, C::Stats),
        ('R', C::Queue, C::CurateQueue),
        ('R', C::DisputeStart, C::Stats),
        ('x', C::Review, C::Dispute),
        ('s', C::Review, C::Dispute),
        ('N', C::CurateQueue, C::History),
    ] {
        let act = |ctx| keymap::action_for(ctx, key(k));
        assert_eq!(act(a), act(b), "{k} in {a:?} and {b:?}");
        assert!(act(a).is_some(), "{k} in {a:?}");
    }
    // Letters freed from a second meaning.
    for (k, ctx) in [
        ('p', C::Dispute),
        ('s', C::CurateQueue),
        ('x', C::CurateQueue),
        ('d', C::Case),
        ('n', C::Case),
        ('r', C::Queue),
        (' ', C::Review),
    ] {
        assert_eq!(keymap::action_for(ctx, key(k)), None, "{k:?} in {ctx:?}");
    }
}
