//! Timing calls by wall clock and by the thread's CPU time, summing them up, and printing the
//! tables and verdicts the benchmarks end with.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

pub fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

/// Milliseconds since `t`.
pub fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Runs `call` and records its seconds in `timings` under `key`.
pub fn timed<T>(timings: &mut Map<String, Value>, key: &str, call: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = call();
    timings.insert(key.into(), json!(secs(t)));
    out
}

/// The sum of a setup's step timings (its `seconds` object).
pub fn total_seconds(timings: &Value) -> f64 {
    timings
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_f64)
        .sum()
}

/// CPU time this thread has used: unlike wall-clock time, not inflated when other processes
/// take the machine's cores.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall-clock and CPU milliseconds of each call timed.
#[derive(Default)]
pub struct Samples {
    pub wall: Vec<f64>,
    pub cpu: Vec<f64>,
}

impl Samples {
    pub fn time<T>(&mut self, call: impl FnOnce() -> T) -> T {
        let (wall, cpu) = (Instant::now(), thread_cpu());
        let out = call();
        self.cpu.push((thread_cpu() - cpu).as_secs_f64() * 1000.0);
        self.wall.push(ms(wall));
        out
    }

    /// Adds, as one more sample, the sum of the `k`-th samples of `parts`.
    pub fn push_sum(&mut self, parts: &[&Samples], k: usize) {
        self.wall.push(parts.iter().map(|p| p.wall[k]).sum());
        self.cpu.push(parts.iter().map(|p| p.cpu[k]).sum());
    }
}

/// Nearest-rank percentile `q` of sorted `v`.
pub fn rank(v: &[f64], q: f64) -> f64 {
    v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// min, median and max of the wall-clock and CPU times, and what the call returned.
pub fn spread(s: &Samples, result: String) -> Value {
    let (wall, cpu) = (sorted(&s.wall), sorted(&s.cpu));
    json!({
        "n": wall.len(),
        "min": wall[0],
        "median": rank(&wall, 0.5),
        "max": wall[wall.len() - 1],
        "cpu_min": cpu[0],
        "cpu_median": rank(&cpu, 0.5),
        "cpu_max": cpu[cpu.len() - 1],
        "result": result,
    })
}

/// p50, p95, p99, max, mean and first of the wall-clock times; p50 and p99 of the CPU times.
pub fn percentiles(s: &Samples) -> Value {
    let (wall, cpu) = (sorted(&s.wall), sorted(&s.cpu));
    json!({
        "n": wall.len(),
        "p50": rank(&wall, 0.50),
        "p95": rank(&wall, 0.95),
        "p99": rank(&wall, 0.99),
        "max": wall[wall.len() - 1],
        "mean": wall.iter().sum::<f64>() / wall.len() as f64,
        "first": s.wall[0],
        "cpu_p50": rank(&cpu, 0.50),
        "cpu_p99": rank(&cpu, 0.99),
    })
}

/// The machine's load average, for the measuring child to report.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").unwrap_or_default()
}

/// Prints a table of `spread` rows, keyed by a two-digit order, a space and the name shown in
/// a column `width` wide; `each` then sees each row's key and its numbers by name.
pub fn print_spread_table(
    rows: &Value,
    width: usize,
    mut each: impl FnMut(&str, &dyn Fn(&str) -> f64),
) {
    println!(
        "{:<width$} {:>9} {:>9} {:>9} {:>8} {:>8}  result",
        "", "min", "median", "max", "cpu med", "cpu max"
    );
    for (name, v) in rows.as_object().unwrap() {
        let f = |k: &str| v[k].as_f64().unwrap();
        println!(
            "{:<width$} {:>9.1} {:>9.1} {:>9.1} {:>8.1} {:>8.1}  {}",
            &name[3..],
            f("min"),
            f("median"),
            f("max"),
            f("cpu_median"),
            f("cpu_max"),
            v["result"].as_str().unwrap()
        );
        each(name, &f);
    }
}

/// Prints a table of `percentiles` rows, keyed by a digit, a space and the name; returns the
/// worst p99 of the rows whose key contains `worst_of`.
pub fn print_percentile_table(rows: &Value, worst_of: &str) -> f64 {
    println!(
        "{:<36} {:>5} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "", "n", "p50", "p95", "p99", "max", "mean", "first", "cpu p50", "cpu p99"
    );
    let mut worst = 0f64;
    for (name, v) in rows.as_object().unwrap() {
        let f = |k: &str| v[k].as_f64().unwrap();
        println!(
            "{:<36} {:>5} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            &name[2..],
            v["n"],
            f("p50"),
            f("p95"),
            f("p99"),
            f("max"),
            f("mean"),
            f("first"),
            f("cpu_p50"),
            f("cpu_p99")
        );
        if name.contains(worst_of) {
            worst = worst.max(f("p99"));
        }
    }
    worst
}

/// Prints what the times are and the load average the measuring child reported, with `also`
/// (ending in "; " when given) before the load average.
pub fn print_clock_note(measured: &Value, also: &str) {
    println!(
        "wall-clock times except the cpu columns (this thread's CPU time); {also}load average \
         after measuring: {}",
        measured["loadavg"].as_str().unwrap_or("?").trim()
    );
}

/// "PASS" when `worst` is under `target`, else "FAIL".
pub fn pass_fail(worst: f64, target: f64) -> &'static str {
    if worst < target { "PASS" } else { "FAIL" }
}

/// "met" when `worst` is under `target`, else "MISSED".
pub fn met(worst: f64, target: f64) -> &'static str {
    if worst < target { "met" } else { "MISSED" }
}

/// Prints to stderr how long a child's setup (its result `setup`) took: in all, generating
/// the items (and their megabytes), then each of `steps` as (label, key in `seconds`), and
/// the database's size.
pub fn eprint_setup(setup: &Value, steps: &[(&str, &str)]) {
    let t = &setup["seconds"];
    let f = |k: &str| t[k].as_f64().unwrap();
    let steps: Vec<String> = steps
        .iter()
        .map(|(label, key)| format!("{label} {:.1} s", f(key)))
        .collect();
    eprintln!(
        "  setup {:.1} s: generate {:.1} s ({:.0} MB), {}; database {:.0} MB",
        total_seconds(t),
        f("generate"),
        setup["bytes"].as_f64().unwrap() / 1e6,
        steps.join(", "),
        setup["db_bytes"].as_f64().unwrap() / 1e6,
    );
}
