//! The review screen's latency: `cargo bench --bench tui`.
//!
//! (a) Key press to finished frame, in process. A `ReviewApp` in its review state, on a long
//! multiple-choice item (stem 600 characters, five options, explanation 1,500) and on an
//! extraction item with 80 entities in 1,000 characters, takes `MEDCURATE_BENCH_KEYS` key
//! presses (default 10,000, half on each item) in a realistic mix: j/k scrolling and paging,
//! criteria selection, pass and fail (with a reason typed in Chinese), the department picker
//! opened, moved in, searched (English and Chinese) and closed, the help, a submit cancelled.
//! Each key is timed from `ReviewApp::handle_key` (key table, then `ReviewApp::update`)
//! through the store commands taken from the outbox to `Terminal::draw(ui::draw)` on a 120x40
//! `TestBackend`, then again on 80x24. The worker's answers (`Saved`) are fed back untimed.
//! Target: p99 under 2 ms at both sizes.
//!
//! (b) Start to first frame. `medcurate --db DB review --as dr-bench` is spawned in a 120x40
//! pseudo-terminal on a database of `MEDCURATE_BENCH_ITEMS` items (default 350,000:
//! `medcurate::synth` files imported with `medcurate::import::import` into three datasets, 60%
//! mcq, 20% extraction, 20% open-ended, as in the other benchmarks); dr-bench has 300 submitted
//! reviews and one draft. Timed from just before the spawn until the emulated screen (vt100)
//! shows the first frame, and until it shows the queue's rows; one warm-up run, then
//! `MEDCURATE_BENCH_RUNS` runs (default 10). Target: queue on screen in under 200 ms. Also
//! shown: three starts with the database file dropped from the page cache first, and the
//! worker's first query (`Store::review_queue`) timed alone. The database is built once and
//! kept in cargo's target tmpdir (`tui-bench/`).
//!
//! (c) The annotator loop (`tui/annotator.rs`): the same binary on the same database, a
//! reviewer submitting item after item; each confirming key timed to the next item fully
//! drawn, and the queue's counts after a cold start.
//!
//! `cargo bench --bench tui -- keys`, `-- startup` or `-- loop` runs one part.

#[path = "tui/annotator.rs"]
mod annotator;
mod common;
#[path = "tui/pty_session.rs"]
mod pty_session;
#[path = "tui/startup.rs"]
mod startup;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use medcurate::domain::item::Item;
use medcurate::domain::people::{Person, Role};
use medcurate::domain::review::ReviewContent;
use medcurate::store::{Assignment, ReviewStatus};
use medcurate::tui::keymap::Context;
use medcurate::tui::review::app::ReviewApp;
use medcurate::tui::review::ui;
use medcurate::tui::review::worker::{Command, Reply};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const SIZE: (u16, u16) = (120, 40);
const KEY_TARGET_P99_US: f64 = 2_000.0;
const REVIEWER: &str = "dr-bench";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // cargo passes `--bench`; anything else names the parts to run.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |p: &str| parts.is_empty() || parts.iter().any(|a| a == p);
    if run("keys") {
        keys();
    }
    if run("startup") {
        startup::startup();
    }
    if run("loop") {
        annotator::annotator();
    }
}

/// SplitMix64: a tiny deterministic generator, so every run presses the same keys.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// --- (a) key press to finished frame -------------------------------------------------------

const PHRASES: &[&str] = &[
    "患者男性",
    "六十二岁",
    "因反复胸闷气促三年",
    "加重伴双下肢水肿一周入院",
    "既往有高血压病史十余年",
    "血压控制不佳",
    "查体",
    "神志清楚",
    "颈静脉怒张",
    "双肺底可闻及湿啰音",
    "心界向左下扩大",
    "心尖部可闻及三级收缩期杂音",
    "肝肋下三指",
    "实验室检查示血红蛋白偏低",
    "脑钠肽明显升高",
    "心电图提示心房颤动",
    "超声心动图示左心室射血分数降低",
    "给予利尿",
    "扩血管及控制心室率治疗后症状缓解",
    "下列关于该患者的处理",
    "最恰当的是",
    "应注意监测电解质及肾功能",
    "必要时调整药物剂量",
];

/// Chinese clinical text of exactly `n` characters, phrases joined by commas.
fn chinese(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < n {
        s.push_str(rng.pick(PHRASES));
        s.push('，');
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('。');
    out
}

fn build(line: &str, dataset: &str) -> Item {
    let raw = medcurate::import::native::parse(line).expect("a valid item line");
    medcurate::domain::validate::build_item(raw, dataset).expect("a valid item")
}

/// A long multiple-choice item: stem 600 characters, five options, explanation 1,500.
fn long_mcq() -> Item {
    let mut rng = Rng(7);
    let options: Vec<serde_json::Value> = ["A", "B", "C", "D", "E"]
        .iter()
        .map(|l| {
            let n = 12 + rng.below(18);
            serde_json::json!({"label": l, "text": chinese(&mut rng, n)})
        })
        .collect();
    let item = serde_json::json!({
        "id": "bench-mcq-long",
        "kind": "mcq",
        "stem": chinese(&mut rng, 600),
        "options": options,
        "answer": ["C"],
        "explanation": chinese(&mut rng, 1500),
        "suggested_departments": ["cardiology"],
    });
    build(&item.to_string(), "BenchMcq")
}

/// An NER item with 80 entities in 1,000 characters.
fn busy_extraction() -> Item {
    const ENTITIES: &[(&str, &str)] = &[
        ("dis", "心力衰竭"),
        ("sym", "胸闷"),
        ("dru", "呋塞米"),
        ("pro", "超声心动图"),
        ("bod", "左心室"),
        ("ite", "脑钠肽"),
        ("mic", "肺炎链球菌"),
        ("equ", "心脏起搏器"),
        ("dep", "心内科"),
        ("sym", "双下肢水肿"),
        ("dis", "心房颤动"),
        ("dru", "美托洛尔"),
    ];
    let mut rng = Rng(11);
    let mut text = String::new();
    let mut len = 0;
    let mut entities = Vec::new();
    for _ in 0..80 {
        let filler = rng.pick(PHRASES);
        text.push_str(filler);
        text.push('，');
        len += filler.chars().count() + 1;
        let (ty, name) = rng.pick(ENTITIES);
        let n = name.chars().count();
        entities.push(serde_json::json!({"start": len, "end": len + n, "type": ty, "text": name}));
        text.push_str(name);
        len += n;
    }
    while len < 999 {
        text.push('，');
        let f = rng.pick(PHRASES);
        let take = f.chars().count().min(999 - len - 1);
        text.extend(f.chars().take(take));
        len += 1 + take;
    }
    text.push('。');
    let item = serde_json::json!({
        "id": "bench-ner-busy",
        "kind": "extraction",
        "task": "ner",
        "text": text,
        "entities": entities,
        "suggested_departments": ["cardiology"],
    });
    build(&item.to_string(), "BenchNer")
}

fn review_app(item: Item, size: (u16, u16)) -> ReviewApp {
    let person = Person {
        id: REVIEWER.into(),
        name: "李医生 Dr. Bench".into(),
        roles: vec![Role::Annotator],
        os_user: None,
    };
    let mut app = ReviewApp::new(person, None, size);
    app.desk.take_commands();
    app.reply(Reply::Loaded(Box::new(Assignment {
        review_id: 1,
        dataset: item.dataset.clone(),
        item,
        revision_no: 1,
        status: ReviewStatus::Claimed,
        content: ReviewContent::default(),
        lease_expires_at: None,
        changes: None,
        changed: false,
    })));
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

const REASONS: &[&str] = &[
    "题干信息不足以推出答案",
    "干扰项C与正确答案含义相近",
    "解析与指南不符需更新",
    "实体边界标注有误",
];
const SEARCHES: &[&str] = &["心", "内科", "card", "neuro", "儿科", "外"];

/// Chooses realistic keys from where the keyboard is: a reviewer reads (scrolls), judges,
/// types a reason now and then, tags departments through the picker and its search.
struct Typist {
    rng: Rng,
    /// Characters still to type in the open text input, then Enter (or Esc), last first.
    pending: Vec<KeyEvent>,
    /// The text input they are meant for; dropped if the keyboard is elsewhere (a fail of a
    /// criterion that does not apply opens no reason box).
    pending_for: Context,
}

impl Typist {
    fn next(&mut self, ctx: Context) -> KeyEvent {
        if ctx != self.pending_for {
            self.pending.clear();
        }
        if let Some(k) = self.pending.pop() {
            return k;
        }
        let r = self.rng.below(100);
        match ctx {
            Context::Review => match r {
                0..=24 => ch('j'),
                25..=36 => ch('k'),
                37..=40 => key(KeyCode::PageDown),
                41..=42 => key(KeyCode::PageUp),
                43 => ch('g'),
                44 => ch('G'),
                45..=56 => ch((b'1' + self.rng.below(5) as u8) as char),
                57..=59 => key(KeyCode::Tab),
                60..=69 => ch('p'),
                70..=74 => {
                    // A fail: the reason follows, then Enter (one in ten cancelled with Esc).
                    let reason = self.rng.pick(REASONS);
                    let end = if self.rng.below(10) == 0 {
                        key(KeyCode::Esc)
                    } else {
                        key(KeyCode::Enter)
                    };
                    let mut keys = vec![end];
                    keys.extend(reason.chars().rev().map(ch));
                    self.pending = keys;
                    self.pending_for = Context::Reason;
                    ch('f')
                }
                75..=76 => ch('u'),
                77..=85 => ch('t'),
                86..=89 => ch('/'),
                90..=92 => ch('?'),
                93..=95 => ch('s'),
                _ => ch('j'),
            },
            Context::Reason => key(KeyCode::Enter),
            Context::Departments => match r {
                0..=39 => ch('j'),
                40..=54 => ch('k'),
                55..=59 => key(KeyCode::PageDown),
                60..=74 => ch(' '),
                75..=82 => ch('/'),
                _ => ch('q'),
            },
            Context::Search => {
                // A query typed (with a slip corrected), moved in, then kept or cleared.
                let q = self.rng.pick(SEARCHES);
                let end = match self.rng.below(3) {
                    0 => key(KeyCode::Esc),
                    _ => key(KeyCode::Enter),
                };
                let mut keys = vec![end, key(KeyCode::Down)];
                keys.extend(q.chars().rev().map(ch));
                keys.push(key(KeyCode::Backspace));
                keys.push(ch('x'));
                self.pending = keys;
                self.pending_for = Context::Search;
                self.pending.pop().unwrap()
            }
            Context::Help => match r {
                0..=59 => ch('j'),
                60..=79 => ch('k'),
                _ => ch('?'),
            },
            // A submit is always cancelled: the review stays open for the next keys.
            Context::Confirm => ch('n'),
            Context::Comment | Context::Editor => key(KeyCode::Esc),
            Context::Queue | Context::MyReviews => panic!("the review was left"),
            // The curation screen's contexts; the review screen never has them.
            _ => panic!("the review was left"),
        }
    }
}

fn label(k: &KeyEvent) -> String {
    match k.code {
        KeyCode::Char(c) if c.is_ascii() => c.to_string(),
        KeyCode::Char(_) => "汉字".into(),
        other => format!("{other:?}"),
    }
}

struct Sample {
    total: Duration,
    update: Duration,
    draw: Duration,
    ctx: Context,
    key: String,
}

/// Presses `n` keys on `app`, timing each to a finished frame.
fn press(app: &mut ReviewApp, n: usize, seed: u64, warmup: usize) -> Vec<Sample> {
    let (w, h) = app.desk.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    let mut typist = Typist {
        rng: Rng(seed),
        pending: Vec::new(),
        pending_for: Context::Review,
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..warmup + n {
        let ctx = app.context();
        let k = typist.next(ctx);
        let t0 = Instant::now();
        app.handle_key(k);
        let cmds = app.desk.take_commands();
        let t1 = Instant::now();
        terminal.draw(|f| ui::draw(f, app)).unwrap();
        let t2 = Instant::now();
        // The worker's answers, untimed (each is its own event and frame in the real loop).
        for c in cmds {
            match c {
                Command::SaveDraft(id, _) => app.reply(Reply::Saved(id)),
                Command::Queue | Command::MyReviews => {}
                other => panic!("unexpected store command {other:?}"),
            }
        }
        assert!(app.review().is_some(), "the review stays open");
        if i >= warmup {
            out.push(Sample {
                total: t2 - t0,
                update: t1 - t0,
                draw: t2 - t1,
                ctx,
                key: label(&k),
            });
        }
    }
    out
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn micros(xs: impl Iterator<Item = Duration>) -> Vec<f64> {
    let mut v: Vec<f64> = xs.map(|d| d.as_secs_f64() * 1e6).collect();
    v.sort_by(f64::total_cmp);
    v
}

fn row(name: &str, v: &[f64]) {
    println!(
        "  {name:<34} {:>6} {:>9.0} {:>9.0} {:>9.0} {:>9.0}",
        v.len(),
        pct(v, 0.5),
        pct(v, 0.9),
        pct(v, 0.99),
        v.last().copied().unwrap_or(f64::NAN)
    );
}

fn keys() {
    // The wide terminal the screen is designed for, then the smallest it is made to fit.
    for size in [SIZE, (80, 24)] {
        keys_at(size);
    }
}

fn keys_at((w, h): (u16, u16)) {
    let n = env_usize("MEDCURATE_BENCH_KEYS", 10_000);
    println!(
        "(a) key press to finished frame: ReviewApp::handle_key + ui::draw on a {w}x{h} TestBackend"
    );
    let mut all = Vec::new();
    for (name, item, seed) in [
        ("mcq: stem 600, explanation 1,500", long_mcq(), 1),
        ("extraction: 80 entities in 1,000", busy_extraction(), 2),
    ] {
        let mut app = review_app(item, (w, h));
        let samples = press(&mut app, n / 2, seed, 200);
        all.push((name, samples));
    }
    println!(
        "  {:<34} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "µs", "keys", "p50", "p90", "p99", "max"
    );
    let every: Vec<&Sample> = all.iter().flat_map(|(_, s)| s.iter()).collect();
    row("all keys", &micros(every.iter().map(|s| s.total)));
    row(
        "  of which ReviewApp::update",
        &micros(every.iter().map(|s| s.update)),
    );
    row("  of which draw", &micros(every.iter().map(|s| s.draw)));
    for (name, s) in &all {
        row(name, &micros(s.iter().map(|s| s.total)));
    }
    println!("  by where the keyboard was:");
    for ctx in [
        Context::Review,
        Context::Reason,
        Context::Departments,
        Context::Search,
        Context::Help,
        Context::Confirm,
    ] {
        let v = micros(every.iter().filter(|s| s.ctx == ctx).map(|s| s.total));
        if !v.is_empty() {
            row(&format!("  {ctx:?}"), &v);
        }
    }
    // The keys behind the slowest 1%.
    let mut slow: Vec<&&Sample> = every.iter().collect();
    slow.sort_by_key(|s| std::cmp::Reverse(s.total));
    let top = (every.len() / 100).max(1);
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in &slow[..top] {
        let k = format!("{:?} {}", s.ctx, s.key);
        match counts.iter_mut().find(|(x, _)| *x == k) {
            Some((_, c)) => *c += 1,
            None => counts.push((k, 1)),
        }
    }
    counts.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
    let list: Vec<String> = counts
        .iter()
        .take(8)
        .map(|(k, c)| format!("{k} ×{c}"))
        .collect();
    println!("  slowest 1% ({top} keys): {}", list.join(", "));
    let p99 = pct(&micros(every.iter().map(|s| s.total)), 0.99);
    println!(
        "  target p99 < {KEY_TARGET_P99_US:.0} µs: {}",
        common::met(p99, KEY_TARGET_P99_US)
    );
    println!();
}
