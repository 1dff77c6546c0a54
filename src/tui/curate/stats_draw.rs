//! The agreement screen: the figures a paper reports about annotation quality (kappa per
//! criterion, per dataset and per reviewer pair, department agreement, daily workload). Pure:
//! the report in, lines out; the whole screen is one list of lines that scrolls.

use crate::domain::agreement::{AgreementReport, Kappa, MIN_PAIR_ITEMS, PairTable};
use crate::domain::review::Criterion;
use crate::tui::text;
use crate::tui::widgets::bar;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

const TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
const HEADING: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().fg(Color::DarkGray);
const POSITIVE: Style = Style::new().fg(Color::Green);
const NEGATIVE: Style = Style::new().fg(Color::Red);
const VOLUME: Style = Style::new().fg(Color::Cyan);

/// Widest kappa bar; wider ones only spread the same information.
const MAX_BAR: usize = 41;
/// Below this the criterion's title and id get a line of their own above its figures.
const MIN_INLINE_BAR: usize = 21;
/// "100.0%".
const PCT_W: usize = 6;
/// "-0.50".
const KAPPA_W: usize = 5;
/// "almost perfect".
const STRENGTH_W: usize = 14;
const GAP: &str = "  ";

/// The report for `dataset` (`None`: all of them) in a bordered box, `scroll` lines down; the
/// scroll stops at the last page, and the bottom border says which lines show.
pub fn draw_stats(
    frame: &mut Frame,
    area: Rect,
    report: &AgreementReport,
    dataset: Option<&str>,
    scroll: u16,
) {
    let block = Block::bordered();
    let inner = block.inner(area);
    let all = lines(report, dataset, inner.width as usize, inner.height as usize);
    let height = inner.height as usize;
    let max = all.len().saturating_sub(height);
    let top = (scroll as usize).min(max);
    let block = if max > 0 {
        let shown = format!(
            " lines {}–{} of {} ",
            top + 1,
            (top + height).min(all.len()),
            all.len()
        );
        block.title_bottom(Line::from(shown).right_aligned())
    } else {
        block
    };
    frame.render_widget(block, area);
    let shown: Vec<Line> = all.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// The furthest `draw_stats` can scroll in `area`, so a caller can stop counting there.
pub fn max_scroll(report: &AgreementReport, dataset: Option<&str>, area: Rect) -> u16 {
    let inner = Block::bordered().inner(area);
    let all = lines(report, dataset, inner.width as usize, inner.height as usize);
    all.len().saturating_sub(inner.height as usize) as u16
}

/// Every line of the screen, each at most `width` columns. `height` is the visible height:
/// long tables show as many rows as fit in it and count the rest.
fn lines(
    report: &AgreementReport,
    dataset: Option<&str>,
    width: usize,
    height: usize,
) -> Vec<Line<'static>> {
    let n = report.overall.items;
    let title = format!(
        "Agreement · {} · {n} review pair{}",
        dataset.unwrap_or("all datasets"),
        if n == 1 { "" } else { "s" }
    );
    let mut out = vec![Line::styled(title, TITLE)];
    let cap = height.saturating_sub(4).max(3);
    if n == 0 {
        out.push(Line::default());
        out.extend(text::wrap_plain(
            "There are no pairs of reviews yet: agreement needs two submitted reviews of \
             the same item.",
            Style::new(),
            width,
        ));
        if !report.per_day.is_empty() {
            out.extend(per_day(report, width, cap));
        }
    } else {
        out.extend(criteria(report, width));
        out.extend(datasets(report, width));
        out.extend(departments(report));
        out.extend(reviewer_pairs(report, width, cap));
        out.extend(per_day(report, width, cap));
    }
    out.into_iter()
        .map(|l| text::fit(l.spans, width).style(l.style))
        .collect()
}

fn heading(s: String) -> [Line<'static>; 2] {
    [Line::default(), Line::styled(s, HEADING)]
}

fn criteria(report: &AgreementReport, width: usize) -> Vec<Line<'static>> {
    let scope = &report.overall;
    let num_w = num_width(scope.items);
    let label_w = Criterion::ALL
        .iter()
        .map(|c| text::width(c.title()) + 1 + text::width(c.id()))
        .max()
        .unwrap_or(0);
    // agree, pairs and kappa each with a gap before, then the bar, a space and the strength.
    let fixed = 3 * GAP.len() + PCT_W + num_w + KAPPA_W + 2 + STRENGTH_W;
    let inline = width >= label_w + fixed + MIN_INLINE_BAR;
    let indent = if inline { label_w } else { 0 };
    let bar_w = odd(width.saturating_sub(indent + fixed).min(MAX_BAR));

    let mut out = heading("Cohen's kappa per criterion, pass/fail".into()).to_vec();
    let mut head = vec![Span::styled(text::pad("Criterion", indent), DIM)];
    head.extend(figures_head(num_w, "pairs", bar_w));
    out.push(Line::from(head));
    for c in Criterion::ALL {
        let t = scope.criterion(c);
        let label = vec![
            Span::raw(c.title()),
            Span::styled(format!(" {}", c.id()), DIM),
        ];
        let figures = figures(t, t.total(), num_w, bar_w);
        if inline {
            let mut spans = label;
            let used = text::width(c.title()) + 1 + text::width(c.id());
            spans.push(Span::raw(" ".repeat(label_w - used)));
            spans.extend(figures);
            out.push(Line::from(spans));
        } else {
            out.push(Line::from(label));
            out.push(Line::from(figures));
        }
    }
    out
}

/// Column heads for `figures`: agree, count, kappa, then a -1 … 0 … +1 scale over the bar.
fn figures_head(num_w: usize, count: &str, bar_w: usize) -> Vec<Span<'static>> {
    let mut s = format!(
        "{GAP}{}{GAP}{}{GAP}{}",
        right("agree", PCT_W),
        right(count, num_w),
        right("kappa", KAPPA_W)
    );
    if bar_w > 0 {
        s.push(' ');
        s.push_str(&scale(bar_w));
        s.push_str(" strength");
    }
    vec![Span::styled(s, DIM)]
}

/// "-1" at the left, "0" over the axis and "+1" at the right of a bar `width` wide.
fn scale(width: usize) -> String {
    let mut cols = vec![' '; width];
    let mut put = |at: usize, s: &str| {
        for (i, c) in s.chars().enumerate() {
            if let Some(slot) = cols.get_mut(at + i) {
                *slot = c;
            }
        }
    };
    if width >= 7 {
        put(0, "-1");
        put(width - 2, "+1");
    }
    put(width / 2, "0");
    cols.into_iter().collect()
}

/// Percent agreement, a count, kappa to two decimals and, where there is room, its bar and
/// strength; an undefined kappa is explained in words instead.
fn figures(t: &PairTable, count: u64, num_w: usize, bar_w: usize) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(format!(
        "{GAP}{}{GAP}{}{GAP}",
        right(&pct(t.percent_agreement()), PCT_W),
        right(&count.to_string(), num_w)
    ))];
    match t.kappa() {
        Kappa::Value(v) => {
            let style = if v < 0.0 { NEGATIVE } else { Style::new() };
            spans.push(Span::styled(right(&two_decimals(v), KAPPA_W), style));
            if bar_w > 0 {
                let (left, right) = bar::signed(v, bar_w);
                spans.push(Span::raw(" "));
                spans.push(Span::styled(left, NEGATIVE));
                spans.push(Span::styled(bar::AXIS, DIM));
                spans.push(Span::styled(right, POSITIVE));
            }
            spans.push(Span::styled(format!(" {}", strength(v)), DIM));
        }
        k => {
            spans.push(Span::raw(right("—", KAPPA_W)));
            spans.push(Span::styled(format!(" {}", k.explain()), DIM));
        }
    }
    spans
}

fn datasets(report: &AgreementReport, width: usize) -> Vec<Line<'static>> {
    let num_w = num_width(report.overall.items);
    let name_w = column_width("Dataset", report.datasets.keys(), width);
    let mut out = heading("Per dataset, all criteria pooled".into()).to_vec();
    out.push(Line::styled(
        format!(
            "{}{GAP}{}{GAP}{}{GAP}{}{GAP}{}{GAP}kappa",
            text::pad("Dataset", name_w),
            right("pairs", num_w),
            right("agree", PCT_W),
            "same depts",
            "Jaccard",
        ),
        DIM,
    ));
    for (name, s) in &report.datasets {
        let d = &s.departments;
        let mut spans = vec![Span::raw(format!(
            "{}{GAP}{}{GAP}{}{GAP}{}{GAP}{}{GAP}",
            text::pad(name, name_w),
            right(&s.items.to_string(), num_w),
            right(&pct(s.pooled().percent_agreement()), PCT_W),
            right(&pct(d.exact_percent()), 10),
            right(&ratio(d.mean_jaccard()), 7),
        ))];
        spans.extend(kappa_cell(s.pooled().kappa()));
        out.push(Line::from(spans));
    }
    out
}

fn departments(report: &AgreementReport) -> Vec<Line<'static>> {
    let d = &report.overall.departments;
    let mut out = heading("Departments, all pairs".into()).to_vec();
    out.push(Line::raw(match d.exact_percent() {
        Some(p) => format!(
            "Same set of departments in {p:.1}% of {} pairs · mean Jaccard {}",
            d.pairs,
            ratio(d.mean_jaccard())
        ),
        None => "No pairs with departments.".into(),
    }));
    out
}

fn reviewer_pairs(report: &AgreementReport, width: usize, cap: usize) -> Vec<Line<'static>> {
    let pairs = report.pairs_with_at_least(MIN_PAIR_ITEMS);
    let all: usize = report.reviewer_pairs.values().map(|m| m.len()).sum();
    let mut out = heading(format!(
        "Reviewer pairs sharing at least {MIN_PAIR_ITEMS} items, all criteria pooled"
    ))
    .to_vec();
    if pairs.is_empty() {
        out.push(Line::raw(format!(
            "No pair of reviewers shares {MIN_PAIR_ITEMS} items yet."
        )));
    } else {
        let names: Vec<String> = pairs.iter().map(|(a, b, _)| format!("{a} / {b}")).collect();
        let name_w = column_width("Pair", names.iter(), width);
        let num_w = num_width(pairs[0].2.items);
        out.push(Line::styled(
            format!(
                "{}{GAP}{}{GAP}{}{GAP}kappa",
                text::pad("Pair", name_w),
                right("items", num_w),
                right("agree", PCT_W),
            ),
            DIM,
        ));
        for (name, (_, _, s)) in names.iter().zip(&pairs).take(cap) {
            let t = s.pooled();
            let mut spans = vec![Span::raw(format!(
                "{}{GAP}{}{GAP}{}{GAP}",
                text::pad(name, name_w),
                right(&s.items.to_string(), num_w),
                right(&pct(t.percent_agreement()), PCT_W),
            ))];
            spans.extend(kappa_cell(t.kappa()));
            out.push(Line::from(spans));
        }
        if pairs.len() > cap {
            out.push(Line::styled(
                format!("… and {} more pairs", pairs.len() - cap),
                DIM,
            ));
        }
    }
    if all > pairs.len() {
        out.push(Line::styled(
            format!(
                "{} pair{} with fewer shared items left out.",
                all - pairs.len(),
                if all - pairs.len() == 1 { "" } else { "s" }
            ),
            DIM,
        ));
    }
    out
}

/// One reviewer's workload: days with reviews, total, mean and max per day.
struct Workload {
    who: String,
    days: u64,
    total: u64,
    max: u64,
}

impl Workload {
    fn mean(&self) -> f64 {
        if self.days == 0 {
            0.0
        } else {
            self.total as f64 / self.days as f64
        }
    }
}

fn per_day(report: &AgreementReport, width: usize, cap: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<Workload> = report
        .per_day
        .iter()
        .map(|(who, days)| Workload {
            who: who.clone(),
            days: days.values().filter(|n| **n > 0).count() as u64,
            total: days.values().sum(),
            max: days.values().copied().max().unwrap_or(0),
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then(a.who.cmp(&b.who)));
    let mut out = heading("Reviews per reviewer per day".into()).to_vec();
    if rows.is_empty() {
        out.push(Line::raw("No reviews submitted yet."));
        return out;
    }
    let shown = &rows[..rows.len().min(cap)];
    let name_w = column_width("Reviewer", shown.iter().map(|w| &w.who), width);
    let num_w = num_width(shown[0].total);
    let max_mean = shown.iter().map(Workload::mean).fold(0.0, f64::max);
    let mean_w = 8;
    let fixed = name_w + 4 * GAP.len() + 4 + num_w + mean_w + 7 + 1;
    let bar_w = width.saturating_sub(fixed).min(30);
    out.push(Line::styled(
        format!(
            "{}{GAP}{}{GAP}{}{GAP}{}{GAP}{}",
            text::pad("Reviewer", name_w),
            right("days", 4),
            right("total", num_w),
            right("mean/day", mean_w),
            right("max/day", 7),
        ),
        DIM,
    ));
    for w in shown {
        out.push(Line::from(vec![
            Span::raw(format!(
                "{}{GAP}{}{GAP}{}{GAP}{}{GAP}{} ",
                text::pad(&w.who, name_w),
                right(&w.days.to_string(), 4),
                right(&w.total.to_string(), num_w),
                right(&format!("{:.1}", w.mean()), mean_w),
                right(&w.max.to_string(), 7),
            )),
            Span::styled(bar::unsigned(w.mean(), max_mean, bar_w), VOLUME),
        ]));
    }
    if rows.len() > shown.len() {
        out.push(Line::styled(
            format!("… and {} more reviewers", rows.len() - shown.len()),
            DIM,
        ));
    }
    out
}

/// Kappa to two decimals with its strength, or why there is none.
fn kappa_cell(k: Kappa) -> Vec<Span<'static>> {
    match k {
        Kappa::Value(v) => vec![
            Span::styled(
                right(&two_decimals(v), KAPPA_W),
                if v < 0.0 { NEGATIVE } else { Style::new() },
            ),
            Span::styled(format!(" {}", strength(v)), DIM),
        ],
        k => vec![Span::styled(k.explain(), DIM)],
    }
}

/// Landis and Koch's words for kappa, judged on the value as shown.
fn strength(v: f64) -> &'static str {
    let v = (v * 100.0).round() / 100.0;
    match v {
        v if v < 0.0 => "poor",
        v if v <= 0.20 => "slight",
        v if v <= 0.40 => "fair",
        v if v <= 0.60 => "moderate",
        v if v <= 0.80 => "substantial",
        _ => "almost perfect",
    }
}

/// Two decimals, never "-0.00".
fn two_decimals(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    format!("{:.2}", if r == 0.0 { 0.0 } else { r })
}

fn pct(p: Option<f64>) -> String {
    p.map_or("—".into(), |p| format!("{p:.1}%"))
}

fn ratio(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}"))
}

fn num_width(max: u64) -> usize {
    max.to_string().len().max(5)
}

/// A name column as wide as its longest entry, at most a third of the screen.
fn column_width<S: AsRef<str>>(head: &str, names: impl Iterator<Item = S>, width: usize) -> usize {
    names
        .map(|n| text::width(n.as_ref()))
        .fold(text::width(head), usize::max)
        .min((width / 3).max(text::width(head)))
}

/// `s` right-aligned in `cols` columns.
fn right(s: &str, cols: usize) -> String {
    let s = text::truncate(s, cols);
    format!("{}{s}", " ".repeat(cols - text::width(&s)))
}

/// The largest odd number not above `n` (so the axis sits in the middle), or 0.
fn odd(n: usize) -> usize {
    if n == 0 { 0 } else { n - 1 + n % 2 }
}

#[cfg(test)]
mod tests;
