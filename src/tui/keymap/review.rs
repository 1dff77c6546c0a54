//! The review screen's keys: datasets, own reviews, an item, departments and the texts typed.

use super::{Binding, Context as C, Key, Scope::In, b};
use crate::tui::action::Action;
use crossterm::event::KeyCode as K;

#[rustfmt::skip]
pub(super) static BINDINGS: &[Binding] = &[
    // Datasets
    b(Key::ch('k'), In(C::Queue), Action::Up, "previous dataset"),
    b(Key::plain(K::Up), In(C::Queue), Action::Up, "previous dataset"),
    b(Key::ch('j'), In(C::Queue), Action::Down, "next dataset"),
    b(Key::plain(K::Down), In(C::Queue), Action::Down, "next dataset"),
    b(Key::plain(K::Enter), In(C::Queue), Action::Open, "start or resume reviewing this dataset").main().short("review"),
    b(Key::plain(K::Tab), In(C::Queue), Action::SwitchList, "switch to my reviews"),
    b(Key::ch('g'), In(C::Queue), Action::Top, "first dataset"),
    b(Key::ch('G'), In(C::Queue), Action::Bottom, "last dataset"),
    b(Key::ch('R'), In(C::Queue), Action::Refresh, "reload progress"),
    b(Key::ch('q'), In(C::Queue), Action::Back, "quit"),
    b(Key::plain(K::Esc), In(C::Queue), Action::Back, "quit"),
    // My reviews
    b(Key::ch('k'), In(C::MyReviews), Action::Up, "previous review"),
    b(Key::plain(K::Up), In(C::MyReviews), Action::Up, "previous review"),
    b(Key::ch('j'), In(C::MyReviews), Action::Down, "next review"),
    b(Key::plain(K::Down), In(C::MyReviews), Action::Down, "next review"),
    b(Key::plain(K::Enter), In(C::MyReviews), Action::Open, "reopen this review (to finish or change it)").main(),
    b(Key::ch('g'), In(C::MyReviews), Action::Top, "first review"),
    b(Key::ch('G'), In(C::MyReviews), Action::Bottom, "last review"),
    b(Key::ch('R'), In(C::MyReviews), Action::Refresh, "reload the list"),
    b(Key::plain(K::Tab), In(C::MyReviews), Action::SwitchList, "switch to the datasets"),
    b(Key::ch('q'), In(C::MyReviews), Action::Back, "back to the datasets"),
    b(Key::plain(K::Esc), In(C::MyReviews), Action::Back, "back to the datasets"),
    // Review
    b(Key::ch('k'), In(C::Review), Action::Up, "scroll the item up"),
    b(Key::plain(K::Up), In(C::Review), Action::Up, "scroll the item up"),
    b(Key::ch('j'), In(C::Review), Action::Down, "scroll the item down"),
    b(Key::plain(K::Down), In(C::Review), Action::Down, "scroll the item down"),
    b(Key::plain(K::PageUp), In(C::Review), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Review), Action::PageDown, "page down"),
    b(Key::ch('g'), In(C::Review), Action::Top, "top of the item"),
    b(Key::ch('G'), In(C::Review), Action::Bottom, "end of the item"),
    b(Key::ch('1'), In(C::Review), Action::SelectCriterion(0), "select criterion 1-5"),
    b(Key::ch('2'), In(C::Review), Action::SelectCriterion(1), "select criterion 1-5"),
    b(Key::ch('3'), In(C::Review), Action::SelectCriterion(2), "select criterion 1-5"),
    b(Key::ch('4'), In(C::Review), Action::SelectCriterion(3), "select criterion 1-5"),
    b(Key::ch('5'), In(C::Review), Action::SelectCriterion(4), "select criterion 1-5"),
    b(Key::plain(K::Tab), In(C::Review), Action::NextCriterion, "next criterion"),
    b(Key::plain(K::BackTab), In(C::Review), Action::PrevCriterion, "previous criterion"),
    b(Key::ch('p'), In(C::Review), Action::Pass, "pass the selected criterion (again: clear)").main(),
    b(Key::ch('f'), In(C::Review), Action::Fail, "fail the selected criterion, with a reason").main(),
    b(Key::ch('u'), In(C::Review), Action::ClearVerdict, "clear the selected criterion"),
    b(Key::ch('t'), In(C::Review), Action::Departments, "tag departments").main(),
    b(Key::ch('/'), In(C::Review), Action::Search, "search departments to tag"),
    b(Key::ch('e'), In(C::Review), Action::EditProposal, "edit: propose a corrected item (JSON)").main().short("propose"),
    b(Key::ch('c'), In(C::Review), Action::EditComment, "comment for the curator").main(),
    b(Key::ch('s'), In(C::Review), Action::Submit, "submit the review").main(),
    b(Key::ch('x'), In(C::Review), Action::Skip, "skip this item (give it back); on a changed submitted review: throw the change away").main(),
    b(Key::ch('q'), In(C::Review), Action::Back, "back to the queue (the draft is kept)"),
    b(Key::plain(K::Esc), In(C::Review), Action::Back, "back to the queue (the draft is kept)"),
    // Department picker
    b(Key::ch('k'), In(C::Departments), Action::Up, "previous department"),
    b(Key::plain(K::Up), In(C::Departments), Action::Up, "previous department"),
    b(Key::ch('j'), In(C::Departments), Action::Down, "next department"),
    b(Key::plain(K::Down), In(C::Departments), Action::Down, "next department"),
    b(Key::plain(K::PageUp), In(C::Departments), Action::PageUp, "page up"),
    b(Key::plain(K::PageDown), In(C::Departments), Action::PageDown, "page down"),
    b(Key::ch(' '), In(C::Departments), Action::ToggleDepartment, "tag or untag (at most 3)").main(),
    b(Key::plain(K::Enter), In(C::Departments), Action::ToggleDepartment, "tag or untag (at most 3)"),
    b(Key::ch('/'), In(C::Departments), Action::Search, "search (English or 中文)"),
    b(Key::ch('q'), In(C::Departments), Action::Back, "close the picker"),
    b(Key::plain(K::Esc), In(C::Departments), Action::Back, "close the picker"),
    // Department search (text)
    b(Key::plain(K::Enter), In(C::Search), Action::Accept, "keep the search, back to the list"),
    b(Key::plain(K::Esc), In(C::Search), Action::Cancel, "clear the search"),
    b(Key::plain(K::Up), In(C::Search), Action::Up, "previous match"),
    b(Key::plain(K::Down), In(C::Search), Action::Down, "next match"),
    // Reason (text)
    b(Key::plain(K::Enter), In(C::Reason), Action::Accept, "keep the reason"),
    b(Key::plain(K::Esc), In(C::Reason), Action::Cancel, "cancel the fail"),
    // Comment (text)
    b(Key::plain(K::Enter), In(C::Comment), Action::Accept, "keep the comment"),
    b(Key::plain(K::Esc), In(C::Comment), Action::Cancel, "discard the changes"),
    // Editor (text)
    b(Key::plain(K::Esc), In(C::Editor), Action::Accept, "close the editor (the proposal is kept)"),
    b(Key::ctrl('o'), In(C::Editor), Action::ResetProposal, "start again from the item (no proposal)"),
];
