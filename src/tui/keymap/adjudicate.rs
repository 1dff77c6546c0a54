//! The adjudication screen's keys: disputes, own adjudications, one dispute and its texts.

use super::{Binding, Context as C, Key, Scope::In, b};
use crate::tui::action::Action;
use crossterm::event::KeyCode as K;

#[rustfmt::skip]
pub(super) static BINDINGS: &[Binding] = &[
    // Judge disputes
    b(Key::ch('k'), In(C::DisputeStart), Action::Up, "previous row"),
    b(Key::plain(K::Up), In(C::DisputeStart), Action::Up, "previous row"),
    b(Key::ch('j'), In(C::DisputeStart), Action::Down, "next row"),
    b(Key::plain(K::Down), In(C::DisputeStart), Action::Down, "next row"),
    b(Key::plain(K::Enter), In(C::DisputeStart), Action::Open, "take the next dispute (of the selected dataset)").main(),
    b(Key::plain(K::Tab), In(C::DisputeStart), Action::SwitchList, "switch to my adjudications"),
    b(Key::ch('g'), In(C::DisputeStart), Action::Top, "first row"),
    b(Key::ch('G'), In(C::DisputeStart), Action::Bottom, "last row"),
    b(Key::ch('R'), In(C::DisputeStart), Action::Refresh, "reload the counts"),
    b(Key::ch('/'), In(C::DisputeStart), Action::FindItem, "find a dispute by item id, text, response or model").main().short("find"),
    b(Key::ch('q'), In(C::DisputeStart), Action::Back, "quit"),
    b(Key::plain(K::Esc), In(C::DisputeStart), Action::Back, "quit"),
    // My adjudications
    b(Key::ch('k'), In(C::MyAdjudications), Action::Up, "previous adjudication"),
    b(Key::plain(K::Up), In(C::MyAdjudications), Action::Up, "previous adjudication"),
    b(Key::ch('j'), In(C::MyAdjudications), Action::Down, "next adjudication"),
    b(Key::plain(K::Down), In(C::MyAdjudications), Action::Down, "next adjudication"),
    b(Key::plain(K::Enter), In(C::MyAdjudications), Action::Open, "reopen (finish a draft or change a decision)").main(),
    b(Key::ch('g'), In(C::MyAdjudications), Action::Top, "first adjudication"),
    b(Key::ch('G'), In(C::MyAdjudications), Action::Bottom, "last adjudication"),
    b(Key::ch('R'), In(C::MyAdjudications), Action::Refresh, "reload the list"),
    b(Key::ch('/'), In(C::MyAdjudications), Action::FindItem, "find a dispute by item id, text, response or model").main().short("find"),
    b(Key::plain(K::Tab), In(C::MyAdjudications), Action::SwitchList, "switch to the disputes"),
    b(Key::ch('q'), In(C::MyAdjudications), Action::Back, "back to the disputes"),
    b(Key::plain(K::Esc), In(C::MyAdjudications), Action::Back, "back to the disputes"),
    // One dispute
    b(Key::ch('k'), In(C::Dispute), Action::Up, "scroll the text up"),
    b(Key::plain(K::Up), In(C::Dispute), Action::Up, "scroll the text up"),
    b(Key::ch('j'), In(C::Dispute), Action::Down, "scroll the text down"),
    b(Key::plain(K::Down), In(C::Dispute), Action::Down, "scroll the text down"),
    b(Key::plain(K::PageUp), In(C::Dispute), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Dispute), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Dispute), Action::Top, "top of the text"),
    b(Key::ch('G'), In(C::Dispute), Action::Bottom, "end of the text"),
    b(Key::plain(K::BackTab), In(C::Dispute), Action::PrevPoint, "previous rubric point"),
    b(Key::plain(K::Tab), In(C::Dispute), Action::NextPoint, "next rubric point"),
    b(Key::ch('1'), In(C::Dispute), Action::SelectPoint(0), "select rubric point 1-9"),
    b(Key::ch('2'), In(C::Dispute), Action::SelectPoint(1), "select rubric point 1-9"),
    b(Key::ch('3'), In(C::Dispute), Action::SelectPoint(2), "select rubric point 1-9"),
    b(Key::ch('4'), In(C::Dispute), Action::SelectPoint(3), "select rubric point 1-9"),
    b(Key::ch('5'), In(C::Dispute), Action::SelectPoint(4), "select rubric point 1-9"),
    b(Key::ch('6'), In(C::Dispute), Action::SelectPoint(5), "select rubric point 1-9"),
    b(Key::ch('7'), In(C::Dispute), Action::SelectPoint(6), "select rubric point 1-9"),
    b(Key::ch('8'), In(C::Dispute), Action::SelectPoint(7), "select rubric point 1-9"),
    b(Key::ch('9'), In(C::Dispute), Action::SelectPoint(8), "select rubric point 1-9"),
    b(Key::ch('m'), In(C::Dispute), Action::MarkMet, "met (the selected point; again: clear)").main(),
    b(Key::ch('n'), In(C::Dispute), Action::MarkNotMet, "not met (the selected point; again: clear)").main().short("unmet"),
    b(Key::ch('u'), In(C::Dispute), Action::ClearMark, "clear the selected point's mark"),
    b(Key::ch('='), In(C::Dispute), Action::EditScore, "score typed in (0 to 1, e.g. 0.75)").main(),
    b(Key::ch(']'), In(C::Dispute), Action::ScoreUp, "raise the score by 0.25 (first press: 0.5)"),
    b(Key::ch('['), In(C::Dispute), Action::ScoreDown, "lower the score by 0.25 (first press: 0.5)"),
    b(Key::ch('%'), In(C::Dispute), Action::ScoreFromPoints, "score from the points: the share of rubric points met").short("points"),
    b(Key::ch('r'), In(C::Dispute), Action::EditReason, "reason for the decision").main(),
    b(Key::ch('s'), In(C::Dispute), Action::Submit, "submit the decision").main(),
    b(Key::ch('x'), In(C::Dispute), Action::Skip, "skip this dispute (give it back); on a changed submitted decision: throw the change away").main(),
    b(Key::ch('q'), In(C::Dispute), Action::Back, "back to the list (the draft is kept)"),
    b(Key::plain(K::Esc), In(C::Dispute), Action::Back, "back to the list (the draft is kept)"),
    // Overall score (text)
    b(Key::plain(K::Enter), In(C::Score), Action::Accept, "keep the score (empty: no score)"),
    b(Key::plain(K::Esc), In(C::Score), Action::Cancel, "cancel: the score is unchanged"),
    // Reason for the decision (text)
    b(Key::plain(K::Enter), In(C::DecisionReason), Action::Accept, "keep the reason"),
    b(Key::plain(K::Esc), In(C::DecisionReason), Action::Cancel, "discard the changes"),
];
