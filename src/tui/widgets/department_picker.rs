//! The department picker: the 64 sub-specialties under their 9 major departments, plus
//! "No Department", searchable by id, English or Chinese name. The tagging rule itself (at
//! most three, "No Department" alone) is `departments::check_tags`.

use super::line_input::LineInput;
use crate::domain::departments::{self, Department, MajorDepartment};
use crate::tui::action::Action;
use crate::tui::text;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerState {
    /// Index into the selectable rows of the current filter.
    pub cursor: usize,
    pub query: LineInput,
    /// True while the search box has the keyboard.
    pub searching: bool,
}

/// One row of the picker.
#[derive(Debug, Clone, Copy)]
pub enum Row {
    Major(&'static MajorDepartment),
    Dept(&'static Department),
}

fn matches(d: &Department, q: &str) -> bool {
    q.is_empty() || d.name_contains(q)
}

fn major_matches(m: &MajorDepartment, q: &str) -> bool {
    m.id.contains(q) || m.name_en.to_lowercase().contains(q) || m.name_zh.contains(q)
}

/// The rows shown for a search: a major department with all its sub-specialties when its own
/// name matches, else with the matching ones; "No Department" first when it matches.
pub fn rows(query: &str) -> Vec<Row> {
    let q = query.trim().to_lowercase();
    let tax = departments::taxonomy();
    let mut out = Vec::new();
    if matches(&tax.no_department, &q) {
        out.push(Row::Dept(&tax.no_department));
    }
    let mut groups = Vec::new();
    for (index, m) in tax.primary.iter().enumerate() {
        let whole = !q.is_empty() && major_matches(m, &q);
        let subs: Vec<&Department> = m
            .secondary
            .iter()
            .filter(|d| whole || matches(d, &q))
            .collect();
        if subs.is_empty() {
            continue;
        }
        // A department named exactly as typed comes first, then adult before children's
        // departments (呼吸科 is respiratory medicine before pediatric pulmonology).
        let exact = !q.is_empty() && subs.iter().any(|d| d.is_named(&q));
        groups.push(((!exact, is_pediatric(m), index), m, subs));
    }
    groups.sort_by_key(|(key, _, _)| *key);
    for (_, m, mut subs) in groups {
        if !q.is_empty() {
            subs.sort_by_key(|d| !d.is_named(&q));
        }
        out.push(Row::Major(m));
        out.extend(subs.into_iter().map(Row::Dept));
    }
    out
}

/// The children's departments (儿科, 小儿外科, 儿童保健科).
fn is_pediatric(m: &MajorDepartment) -> bool {
    matches!(
        m.id.as_str(),
        "pediatrics" | "pediatric-surgery" | "child-healthcare"
    )
}

/// The ids that can be selected for a search, in order.
pub fn selectable(query: &str) -> Vec<&'static str> {
    rows(query)
        .into_iter()
        .filter_map(|r| match r {
            Row::Dept(d) => Some(d.id.as_str()),
            Row::Major(_) => None,
        })
        .collect()
}

impl PickerState {
    /// The id under the cursor, if the search shows any.
    pub fn current(&self) -> Option<&'static str> {
        let ids = selectable(&self.query.value());
        ids.get(self.cursor.min(ids.len().saturating_sub(1)))
            .copied()
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = selectable(&self.query.value()).len();
        if n == 0 {
            self.cursor = 0;
            return;
        }
        let cur = self.cursor.min(n - 1) as isize;
        self.cursor = (cur + delta).clamp(0, n as isize - 1) as usize;
    }

    /// A key while the list has the keyboard: a row or a page (`page` rows) up or down, or
    /// `/` to search. False for any other key, left to the screen.
    pub fn update_list(&mut self, action: &Action, page: isize) -> bool {
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Search => self.searching = true,
            _ => return false,
        }
        true
    }

    /// A key while the search box has the keyboard: typing filters, Up and Down move, Enter
    /// keeps the search, Esc clears it. Either way the list gets the keyboard back.
    pub fn update_search(&mut self, action: Action) {
        match action {
            Action::Input(_) | Action::Paste(_) if self.query.edit(&action) => self.cursor = 0,
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::Accept => self.searching = false,
            Action::Cancel => {
                self.query = LineInput::default();
                self.searching = false;
                self.cursor = 0;
            }
            _ => {}
        }
    }
}

/// "English 中文" for a department id.
pub fn label(id: &str) -> String {
    match departments::taxonomy().get(id) {
        Some(d) => format!("{} {}", d.name_en, d.name_zh),
        None => id.to_string(),
    }
}

/// Adds `id` to `chosen`, or removes it if it is there; a tag that breaks the rule (at most
/// three, "No Department" alone) is refused with the rule's message. Ok says what changed.
pub fn toggle(chosen: &mut Vec<String>, id: &str) -> Result<String, String> {
    if let Some(pos) = chosen.iter().position(|d| d == id) {
        chosen.remove(pos);
        return Ok(format!("Untagged {}", label(id)));
    }
    let mut wanted = chosen.clone();
    wanted.push(id.to_string());
    *chosen = departments::check_tags(&wanted)?;
    Ok(format!("Tagged {}", label(id)))
}

/// What the picker's frame says: its title, the line above the search, the keys below.
pub struct Labels<'a> {
    pub title: &'a str,
    pub head: String,
    pub hint: &'a str,
}

/// "Tagged (2/3): …", the head of a picker that tags an item.
pub fn tagged_head(chosen: &[String]) -> String {
    let chosen_text = if chosen.is_empty() {
        "none".to_string()
    } else {
        chosen
            .iter()
            .map(|id| label(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Tagged ({}/{}): {chosen_text}",
        chosen.len(),
        departments::MAX_PER_ITEM
    )
}

/// Draws the picker in `area`: the chosen tags, the search box, and the list.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &PickerState,
    chosen: &[String],
    suggested: &[String],
) {
    let labels = Labels {
        title: " Departments 科室 ",
        head: tagged_head(chosen),
        hint: " Space tag/untag · / search · Esc close ",
    };
    draw_with(frame, area, state, chosen, suggested, &labels);
}

/// `draw` with its own title, head line and key hint.
pub fn draw_with(
    frame: &mut Frame,
    area: Rect,
    state: &PickerState,
    chosen: &[String],
    suggested: &[String],
    labels: &Labels<'_>,
) {
    let block = Block::bordered()
        .title(labels.title)
        .title_bottom(labels.hint);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [top, search, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let w = inner.width as usize;

    frame.render_widget(Paragraph::new(text::truncate(&labels.head, w)), top);

    let query_style = Style::new().add_modifier(Modifier::BOLD);
    if state.searching {
        state.query.draw(frame, search, "/ ", query_style);
    } else {
        let q = state.query.value();
        let shown = if q.is_empty() {
            "/ to search (English or 中文)".to_string()
        } else {
            format!("/ {q}")
        };
        let style = Style::new().fg(Color::DarkGray);
        frame.render_widget(
            Paragraph::new(Span::styled(text::truncate(&shown, w), style)),
            search,
        );
    }

    let all = rows(&state.query.value());
    let ids = selectable(&state.query.value());
    let current = state.current();
    // Keep the cursor row in view: scroll so it sits within the list area.
    let cursor_row = all
        .iter()
        .position(|r| matches!(r, Row::Dept(d) if Some(d.id.as_str()) == current))
        .unwrap_or(0);
    let height = list.height as usize;
    let offset = cursor_row.saturating_sub(height.saturating_sub(1));
    let mut lines = Vec::with_capacity(height);
    if ids.is_empty() {
        lines.push(Line::from(Span::styled(
            "no department matches this search",
            Style::new().fg(Color::DarkGray),
        )));
    }
    for r in all.iter().skip(offset).take(height) {
        lines.push(match r {
            Row::Major(m) => Line::from(Span::styled(
                text::truncate(&format!("{} {}", m.name_en, m.name_zh), w),
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            )),
            Row::Dept(d) => {
                let on = chosen.iter().any(|c| c == &d.id);
                let here = Some(d.id.as_str()) == current;
                let mark = if on { "[x]" } else { "[ ]" };
                let sugg = if suggested.iter().any(|s| s == &d.id) {
                    "  (suggested)"
                } else {
                    ""
                };
                let body = format!(
                    "{} {mark} {} {}{sugg}",
                    if here { "▸" } else { " " },
                    d.name_en,
                    d.name_zh
                );
                let mut style = Style::default();
                if on {
                    style = style.fg(Color::Green);
                }
                if here {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Line::from(Span::styled(text::truncate(&body, w), style))
            }
        });
    }
    frame.render_widget(Paragraph::new(lines), list);
    super::panels::draw_more(frame, area, all.len(), offset, height);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_sixty_four_and_no_department_without_a_search() {
        assert_eq!(selectable("").len(), 65);
        assert_eq!(
            rows("")
                .iter()
                .filter(|r| matches!(r, Row::Major(_)))
                .count(),
            9
        );
    }

    #[test]
    fn search_by_english_or_chinese() {
        assert!(selectable("gastro").contains(&"gastroenterology"));
        assert!(selectable("GASTRO").contains(&"gastroenterology"));
        assert!(selectable("消化").contains(&"gastroenterology"));
        assert!(selectable("zzzz-nothing").is_empty());
    }

    #[test]
    fn everyday_names_find_the_adult_department_first() {
        assert_eq!(selectable("呼吸科")[0], "respiratory-medicine");
        assert!(selectable("呼吸科").contains(&"pediatric-pulmonology"));
        assert_eq!(selectable("心内科")[0], "cardiology");
        assert_eq!(selectable("传染")[0], "infectious-diseases");
        assert_eq!(selectable("骨科")[0], "orthopedic-surgery");
        assert_eq!(selectable("消化科")[0], "gastroenterology");
    }

    #[test]
    fn the_cursor_stays_in_range() {
        let mut p = PickerState::default();
        p.move_by(-3);
        assert_eq!(p.cursor, 0);
        p.move_by(1000);
        assert_eq!(p.cursor, 64);
        assert!(p.current().is_some());
    }
}
