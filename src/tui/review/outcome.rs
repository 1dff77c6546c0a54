//! What became of one of the reviewer's settled reviews: how the pair settled and what the
//! curator decided, their review beside the other one (without its reviewer's name), and the
//! item as they reviewed it. Read-only; the store gives it only once the item is settled.

use crate::domain::history_text::event_sentence;
use crate::domain::item::Item;
use crate::store::ReviewOutcome;
use crate::tui::action::Action;
use crate::tui::text::{self, wrap_plain};
use crate::tui::widgets::item_view::item_lines;
use crate::tui::widgets::review_pair::{self, PairReview};
use crate::tui::widgets::scroll_view::{self, clamp};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);

#[derive(Debug)]
pub struct OutcomeView {
    pub outcome: ReviewOutcome,
    pub scroll: usize,
}

impl OutcomeView {
    pub fn new(outcome: ReviewOutcome) -> OutcomeView {
        OutcomeView { outcome, scroll: 0 }
    }

    /// Scrolls for the movement keys; true when the action was one.
    pub fn scroll(&mut self, action: &Action, main: Rect) -> bool {
        let vp = scroll_view::viewport(main);
        let page = vp.height.max(2) as isize - 1;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return false,
        };
        let total = lines(&self.outcome, vp.width as usize).len();
        self.scroll = clamp(self.scroll, delta, total, vp.height as usize);
        true
    }
}

/// The outcome at `width` columns.
pub fn lines(o: &ReviewOutcome, width: usize) -> Vec<Line<'static>> {
    let width = width.max(10);
    let mut out = Vec::new();
    let now = if o.current_revision > o.revision_no {
        format!(
            "Revision {} was replaced: revision {} is {} now.",
            o.revision_no, o.current_revision, o.state
        )
    } else {
        format!("Revision {} is {}.", o.revision_no, o.state)
    };
    out.extend(wrap_plain(
        &now,
        Style::new().add_modifier(Modifier::BOLD),
        width,
    ));
    for s in &o.steps {
        let said = event_sentence(
            &s.actor,
            &s.action,
            Some(o.revision_no),
            s.detail.as_deref(),
            &|_, _| None,
        );
        out.extend(wrap_plain(
            &format!("{}  {said}", text::short_time(&s.at)),
            Style::default(),
            width,
        ));
    }
    let item = Item {
        id: o.item_id.clone(),
        dataset: o.dataset.clone(),
        body: o.body.clone(),
    };
    let mut pair = vec![PairReview {
        heading: "You 你".into(),
        who: "you".into(),
        when: String::new(),
        content: &o.mine,
    }];
    pair.extend(o.others.iter().map(|c| PairReview {
        heading: "The other reviewer 另一位".into(),
        who: "the other reviewer".into(),
        when: String::new(),
        content: c,
    }));
    out.extend(review_pair::lines(&item, &pair, width));
    out.push(Line::default());
    out.extend(wrap_plain(
        &format!(
            "── The item as you reviewed it (revision {})",
            o.revision_no
        ),
        HEADING,
        width,
    ));
    out.extend(item_lines(&item, width));
    if o.others.is_empty() {
        out.push(Line::default());
        out.extend(wrap_plain(
            "No other review of this revision was submitted.",
            DIM,
            width,
        ));
    }
    out
}

pub fn draw(frame: &mut Frame, main: Rect, v: &OutcomeView) {
    let inner = scroll_view::viewport(main);
    let o = &v.outcome;
    let what = format!("Outcome of your review of {}/{}", o.dataset, o.item_id);
    let title = text::title(&[&what, "q back"], inner.width as usize);
    let lines = lines(o, inner.width as usize);
    scroll_view::draw(frame, main, &title, &lines, v.scroll, true);
}
