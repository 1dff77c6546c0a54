//! The curation screen's state and `CurateApp::update`, the one place actions change it.
//! Store work leaves as `Command`s in an outbox that the loop hands to the worker.

use super::case::{CaseView, Pane};
use super::coverage::CoverageView;
use super::decide::{Flow, Pending};
use super::history::{HistoryView, history_lines};
use super::queue::{QueueRequest, QueueView, page_rows};
use super::stats::StatsView;
use super::worker::{Command, Job};
use super::{CurateOptions, layout};
use crate::domain::people::Person;
use crate::store::{CurationFilter, FoundItem};
use crate::tui::action::Action;
use crate::tui::help::Help;
use crate::tui::keymap::{self, Context};
use crate::tui::keys::NO_PASTE;
use crate::tui::message::{Message, MessageLog};
use crate::tui::widgets::finder::Finder;
use crate::tui::widgets::item_view::item_lines;
use crate::tui::widgets::line_input::LineInput;
use crate::tui::widgets::scroll_view::clamp;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Queue,
    /// One item; with no case loaded it shows that the item is on its way.
    Case,
    History,
    Stats,
    Coverage,
}

pub struct CurateApp {
    pub curator: Person,
    pub view: View,
    pub queue: QueueView,
    pub case: Option<CaseView>,
    /// The item being opened, until its case arrives.
    pub opening: Option<(String, String)>,
    pub history: Option<HistoryView>,
    /// The item whose history is on its way.
    pub history_of: Option<(String, String)>,
    /// Where the history goes back to.
    pub history_from: View,
    pub stats: StatsView,
    pub coverage: CoverageView,
    /// Reviewers shown as "Reviewer 1" and "Reviewer 2".
    pub anonymous: bool,
    /// A decision being prepared on the open case.
    pub flow: Option<Flow>,
    /// A decision waiting for yes or no.
    pub confirm: Option<Pending>,
    /// Finding an item (decided ones too): the query, then the matches over the queue.
    pub find: Option<Finder<FoundItem>>,
    /// The reason being typed to reopen the decided item whose history is shown.
    pub reopen: Option<LineInput>,
    pub help: Option<Help>,
    pub message: Option<Message>,
    /// The last messages, for the message overlay.
    pub log: MessageLog,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    /// The store job being waited for, shown as "loading".
    pub busy: Option<Job>,
    pub quit: bool,
    /// The item ("dataset/id") whose decision was sent and not yet answered.
    pub(super) deciding: Option<String>,
    /// What the last decision did, said again when the next item opens.
    pub(super) carry: Option<String>,
    /// The item ("dataset/id") last decided here, offered first when finding an item.
    pub(super) last_decided: Option<String>,
    outbox: Vec<Command>,
}

impl CurateApp {
    pub fn new(curator: Person, options: CurateOptions, size: (u16, u16)) -> CurateApp {
        let filter = CurationFilter {
            dataset: options.dataset.clone(),
            reason: options.reason,
            department: options.department,
        };
        let queue = QueueView {
            filter: filter.clone(),
            ..QueueView::default()
        };
        CurateApp {
            curator,
            view: View::Queue,
            queue,
            case: None,
            opening: None,
            history: None,
            history_of: None,
            history_from: View::Queue,
            coverage: CoverageView::default(),
            stats: StatsView {
                dataset: options.dataset,
                ..StatsView::default()
            },
            anonymous: options.anonymous,
            flow: None,
            confirm: None,
            find: None,
            reopen: None,
            help: None,
            message: None,
            log: MessageLog::default(),
            size,
            busy: Some(Job::Queue),
            quit: false,
            deciding: None,
            carry: None,
            last_decided: None,
            outbox: vec![Command::Queue(filter), Command::Datasets],
        }
    }

    /// A decision is on its way to the store: leaving waits a little for it.
    pub fn saving(&self) -> bool {
        self.deciding.is_some()
    }

    /// A decision the store never answered, said plainly.
    pub fn not_saved(&self) -> Option<String> {
        self.deciding.as_ref().map(|what| {
            format!(
                "your decision on {what} was NOT confirmed: the database did not answer before \
                 medcurate closed. See whether it is there with `medcurate history {what}`."
            )
        })
    }

    /// The store commands to send, oldest first.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.outbox)
    }

    /// The person asked to quit, or the session ended.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    pub(super) fn send(&mut self, cmd: Command) {
        self.outbox.push(cmd);
    }

    /// The screen area above the status bar.
    pub fn main_area(&self) -> Rect {
        crate::tui::frame::main_area(self.size)
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.confirm.is_some() {
            return Context::Confirm;
        }
        if let (View::Queue, Some(f)) = (self.view, &self.find) {
            return f.context();
        }
        match self.view {
            View::Queue => self.queue.context(),
            View::Case => match &self.flow {
                Some(f) => f.context(),
                None => Context::Case,
            },
            View::History if self.reopen.is_some() => Context::ReopenReason,
            View::History => Context::History,
            View::Stats => Context::Stats,
            View::Coverage => Context::Coverage,
        }
    }

    /// A key, through the key table for the current context.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if let Some(a) = keymap::action_for(self.context(), key) {
            // A message stays until the next key; then the key hints show again.
            self.message = None;
            self.update(a);
        }
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.say(Message::info(text));
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.say(Message::error(text));
    }

    /// Shows `m` in the status bar and keeps it in the log.
    fn say(&mut self, m: Message) {
        self.log.push(&m);
        self.message = Some(m);
    }

    pub fn update(&mut self, action: Action) {
        match action {
            Action::Resize(w, h) => self.size = (w, h),
            Action::Quit | Action::Exit => self.quit = true,
            Action::PasteRefused(why) => self.error(why),
            Action::Paste(_) if !self.context().is_text() => self.error(NO_PASTE),
            Action::ToggleHelp => self.help = Help::toggled(self.help, self.context()),
            Action::ToggleMessages => self.help = Help::messages_toggled(self.help, self.context()),
            Action::ToggleNames => {
                self.anonymous = !self.anonymous;
                self.info(if self.anonymous {
                    "Reviewers' names hidden: Reviewer 1 and Reviewer 2"
                } else {
                    "Reviewers' names shown"
                });
            }
            other => self.route(other),
        }
    }

    /// Actions that depend on where the keyboard is.
    fn route(&mut self, action: Action) {
        match self.context() {
            Context::Help => {
                if let Some(help) = self.help.as_mut() {
                    help.update(&action);
                }
            }
            Context::Confirm => match action {
                Action::Confirm => self.confirmed(),
                Action::Cancel => {
                    self.confirm = None;
                    self.info("Not decided; change it or Esc to leave the decision");
                }
                _ => {}
            },
            Context::FindItem | Context::Found => self.update_find(action),
            Context::ReopenReason => self.update_reopen(action),
            _ => match self.view {
                View::Queue => self.route_queue(action),
                View::Case => match self.flow {
                    Some(_) => self.update_flow(action),
                    None => self.route_case(action),
                },
                View::History => self.route_history(action),
                View::Stats => self.route_stats(action),
                View::Coverage => self.route_coverage(action),
            },
        }
    }

    fn route_queue(&mut self, action: Action) {
        if action == Action::FindItem {
            return self.start_find();
        }
        let page = page_rows(self.main_area().height);
        match self.queue.update(action, page) {
            Ok(Some(req)) => self.queue_request(req),
            Ok(None) => {}
            Err(msg) => self.error(msg),
        }
    }

    fn queue_request(&mut self, req: QueueRequest) {
        match req {
            QueueRequest::Reload => self.reload_queue(),
            QueueRequest::Open(ds, id) => self.open(ds, id),
            QueueRequest::History(ds, id) => self.open_history(ds, id, View::Queue),
            QueueRequest::Stats => {
                self.view = View::Stats;
                self.load_stats();
            }
            QueueRequest::Coverage => self.load_coverage(),
            QueueRequest::Quit => self.quit = true,
        }
    }

    pub(super) fn reload_queue(&mut self) {
        self.busy = Some(Job::Queue);
        self.outbox.push(Command::Queue(self.queue.filter.clone()));
    }

    /// Opens an item, showing "loading" meanwhile.
    pub(super) fn open(&mut self, dataset: String, item_id: String) {
        self.case = None;
        self.flow = None;
        self.confirm = None;
        self.view = View::Case;
        self.busy = Some(Job::Open);
        self.opening = Some((dataset.clone(), item_id.clone()));
        self.outbox.push(Command::Open { dataset, item_id });
    }

    pub(super) fn open_history(&mut self, dataset: String, item_id: String, from: View) {
        self.history = None;
        self.history_from = from;
        self.view = View::History;
        self.busy = Some(Job::History);
        self.history_of = Some((dataset.clone(), item_id.clone()));
        self.outbox.push(Command::History { dataset, item_id });
    }

    pub(super) fn load_stats(&mut self) {
        self.busy = Some(Job::Agreement);
        self.stats.report = None;
        self.outbox
            .push(Command::Agreement(self.stats.dataset.clone()));
    }

    pub(super) fn back_to_queue(&mut self) {
        self.case = None;
        self.flow = None;
        self.confirm = None;
        self.opening = None;
        self.view = View::Queue;
        self.reload_queue();
    }

    fn route_case(&mut self, action: Action) {
        let main = self.main_area();
        let anonymous = self.anonymous;
        let Some(c) = self.case.as_mut() else {
            // Waiting for the item: only leaving makes sense.
            if action == Action::Back {
                self.back_to_queue();
            }
            return;
        };
        let areas = layout::case_areas(main);
        let (pane, scroll) = match c.focus {
            Pane::Item => (areas.item, &mut c.item_scroll),
            Pane::Reviews => (areas.reviews, &mut c.reviews_scroll),
        };
        let vp = crate::tui::widgets::scroll_view::viewport(pane);
        let page = vp.height.max(2) as isize - 1;
        let delta = match action {
            Action::Up => Some(-1),
            Action::Down => Some(1),
            Action::PageUp => Some(-page),
            Action::PageDown => Some(page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        };
        if let Some(delta) = delta {
            let w = vp.width as usize;
            let total = match c.focus {
                Pane::Item => item_lines(&c.case.item, w).len(),
                Pane::Reviews => super::case::review_lines(&c.case, anonymous, w).len(),
            };
            *scroll = clamp(*scroll, delta, total, vp.height as usize);
            return;
        }
        match action {
            Action::SwitchList => {
                c.focus = match c.focus {
                    Pane::Item => Pane::Reviews,
                    Pane::Reviews => Pane::Item,
                }
            }
            Action::AcceptItem => self.start_accept(),
            Action::ReviseItem => self.start_revise(),
            Action::DiscardItem => self.start_discard(),
            Action::History => {
                let (ds, id) = (c.case.item.dataset.clone(), c.case.item.id.clone());
                self.open_history(ds, id, View::Case);
            }
            Action::Refresh => {
                let (ds, id) = (c.case.item.dataset.clone(), c.case.item.id.clone());
                self.open(ds, id);
            }
            Action::Back => {
                self.back_to_queue();
                self.info("Back at the queue; nothing was decided");
            }
            _ => {}
        }
    }

    fn route_history(&mut self, action: Action) {
        let anonymous = self.anonymous;
        let vp = crate::tui::widgets::scroll_view::viewport(self.main_area());
        let Some(h) = self.history.as_mut() else {
            if action == Action::Back {
                self.leave_history();
            }
            return;
        };
        let page = vp.height.max(2) as isize - 1;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            Action::Back => return self.leave_history(),
            Action::ReopenItem => return self.start_reopen(),
            _ => return,
        };
        let total = history_lines(&h.history, anonymous, vp.width as usize).len();
        h.scroll = clamp(h.scroll, delta, total, vp.height as usize);
    }

    pub(super) fn leave_history(&mut self) {
        self.history = None;
        self.history_of = None;
        self.reopen = None;
        match self.history_from {
            View::Case if self.case.is_some() || self.opening.is_some() => self.view = View::Case,
            _ => self.back_to_queue(),
        }
    }
}
