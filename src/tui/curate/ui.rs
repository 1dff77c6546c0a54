//! `draw(&CurateApp)`: the whole frame from the state. Pure: no store, no changes.

use super::app::{CurateApp, View};
use super::case::{CaseView, Pane, review_lines};
use super::history::history_lines;
use super::layout::case_areas;
use super::stats_draw::draw_stats;
use super::{decide_draw, queue, reopen};
use crate::tui::frame::{self, Overlays, waiting};
use crate::tui::keymap;
use crate::tui::text;
use crate::tui::widgets::item_view::item_lines;
use crate::tui::widgets::scroll_view;
use crate::tui::widgets::status_bar::Status;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn draw(frame: &mut Frame, app: &CurateApp) {
    let overlays = Overlays {
        confirm: app.confirm.is_some().then(|| app.confirm_text()),
        help: app.help,
    };
    frame::draw(frame, &status_of(app), overlays, &app.log, |frame, main| {
        draw_view(frame, main, app)
    });
}

fn draw_view(frame: &mut Frame, main: Rect, app: &CurateApp) {
    match app.view {
        View::Queue => queue::draw(frame, main, &app.queue),
        View::Case => match &app.case {
            Some(c) => {
                draw_case(frame, main, c, app.anonymous, app.flow.is_none());
                decide_draw::draw(frame, main, app);
            }
            None => waiting(frame, main, "Opening the item…"),
        },
        View::History => match &app.history {
            Some(h) => {
                let inner = scroll_view::viewport(main);
                let lines = history_lines(&h.history, app.anonymous, inner.width as usize);
                let of = format!("History of {}/{}", h.history.dataset, h.history.item_id);
                let title = text::title(&[&of, "q back"], inner.width as usize);
                scroll_view::draw(frame, main, &title, &lines, h.scroll, true);
            }
            None => waiting(frame, main, "Loading the history…"),
        },
        View::Coverage => super::coverage::draw(frame, main, app),
        View::Stats => match &app.stats.report {
            Some(r) => draw_stats(
                frame,
                main,
                r,
                app.stats.dataset.as_deref(),
                app.stats.scroll,
            ),
            None => waiting(frame, main, "Counting agreement…"),
        },
    }
    reopen::draw(frame, main, app);
}

fn draw_case(frame: &mut Frame, main: Rect, c: &CaseView, anonymous: bool, focused: bool) {
    let a = case_areas(main);
    let item = &c.case.item;
    let rev = format!("rev {}", c.case.revision_no);
    let kind = item.body.kind().to_string();
    // A narrow pane (side by side) leaves the kind out, for the id's sake.
    let parts: Vec<&str> = if a.item.width < 60 {
        vec![&item.dataset, &item.id, &rev]
    } else {
        vec![&item.dataset, &kind, &item.id, &rev]
    };
    let title = text::title(&parts, a.item.width.saturating_sub(2) as usize);
    let w = scroll_view::viewport(a.item).width as usize;
    let lines = item_lines(item, w);
    let on_item = focused && c.focus == Pane::Item;
    scroll_view::draw(frame, a.item, &title, &lines, c.item_scroll, on_item);

    let w = scroll_view::viewport(a.reviews).width as usize;
    let lines = review_lines(&c.case, anonymous, w);
    let on_reviews = focused && c.focus == Pane::Reviews;
    let title = " Reviews side by side · Tab switches pane ";
    scroll_view::draw(
        frame,
        a.reviews,
        title,
        &lines,
        c.reviews_scroll,
        on_reviews,
    );
}

fn status_of(app: &CurateApp) -> Status<'_> {
    let place = match app.view {
        View::Queue => "Curation queue".to_string(),
        View::Case => match (&app.case, &app.opening) {
            (Some(c), _) => format!(
                "{} › {} · rev {}",
                c.case.item.dataset, c.case.item.id, c.case.revision_no
            ),
            (None, Some((ds, id))) => format!("{ds} › {id}"),
            (None, None) => String::new(),
        },
        View::History => match &app.history_of {
            Some((ds, id)) => format!("History › {ds}/{id}"),
            None => "History".into(),
        },
        View::Coverage => format!(
            "Coverage › {}",
            app.queue
                .filter
                .dataset
                .as_deref()
                .unwrap_or("all datasets")
        ),
        View::Stats => format!(
            "Agreement › {}",
            app.stats.dataset.as_deref().unwrap_or("all datasets")
        ),
    };
    let progress = if app.queue.loaded {
        format!("{} waiting", app.queue.data.waiting)
    } else {
        String::new()
    };
    Status {
        who: &app.curator.name,
        place,
        progress,
        save: if app.anonymous { "names hidden" } else { "" },
        message: app.message.as_ref().map(|m| (m.text.as_str(), m.error)),
        hint: keymap::hint(app.context()),
    }
}
