//! Shared-host mode under load: the binary installed setuid to a service account, many OS
//! accounts reviewing at once through their own processes.
//!
//! As root it creates OS accounts (a maintainer and `MEDCURATE_BENCH_ACCOUNTS`, default 30,
//! annotators), installs this build setuid to a service account in a root-owned directory,
//! runs `host setup`, imports `MEDCURATE_BENCH_ITEMS` (default 2,000) items as the maintainer
//! and registers one annotator per account, bound to it. Then `MEDCURATE_BENCH_PER_ACCOUNT`
//! (default 10) review processes per account run at once, each a loop of
//! `reviews claim --json`, a passing review line written to a file the account owns, and
//! `reviews import FILE`, until nothing is left. Every invocation runs as its account
//! (`setpriv`, else `runuser`) and is timed by this driver, wall clock.
//!
//! Afterwards the database is read directly: every submit reported is there, every item has
//! exactly two submitted reviews, none ever had more than two reviewers or one reviewer
//! twice, and no process printed a busy or locked error. The accounts are removed at the end,
//! also when the run fails. Without root it prints that it was skipped.
//!
//! `cargo bench --bench shared_host` (the binary is the one cargo builds for the benchmark,
//! `target/release/medcurate`; `MEDCURATE_BENCH_BIN` names another).
#![allow(clippy::disallowed_methods)] // the benchmark sets up files and accounts directly

mod common;

use anyhow::{Context, Result, bail};
use common::timing::rank;
use common::workspace::env_count;
use rusqlite::Connection;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const DEFAULT_ITEMS: usize = 2_000;
const DEFAULT_ACCOUNTS: usize = 30;
const DEFAULT_PER_ACCOUNT: usize = 10;
/// A run that has not finished by then has failed (it must not hang a machine).
const DEFAULT_DEADLINE_SECS: u64 = 600;
/// Failed invocations in a row after which a review process gives up.
const MAX_FAILURES_IN_A_ROW: usize = 3;

const ITEM: &str = r#"{"id":"q{N}","kind":"mcq","stem":"维生素C缺乏可引起（{N}）","options":[{"label":"A","text":"坏血病"},{"label":"B","text":"脚气病"},{"label":"C","text":"夜盲症"}],"answer":"A"}"#;

/// Words in a process's standard error that mean SQLite gave up on a lock.
fn lock_error(stderr: &str) -> bool {
    let lower = stderr.to_lowercase();
    lower.contains("busy") || lower.contains("locked") || stderr.contains("SQLITE")
}

fn main() {
    // SAFETY: geteuid only reads the process's credentials.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: the shared-host benchmark needs root");
        return;
    }
    let code = match run() {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

/// The OS accounts this run created; each is removed when this is dropped.
struct Accounts {
    names: Vec<String>,
}

impl Accounts {
    fn add(&mut self, name: &str) -> Result<Account> {
        let shell = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false"]
            .into_iter()
            .find(|s| Path::new(s).exists())
            .unwrap_or("/bin/false");
        let out = Command::new("useradd")
            .args(["--no-create-home", "--user-group", "--shell", shell, name])
            .output()
            .context("running useradd")?;
        if !out.status.success() {
            bail!(
                "useradd {name}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        self.names.push(name.to_string());
        lookup(name)
    }

    /// An account someone else (host setup) creates: removed with the others.
    fn adopt(&mut self, name: &str) {
        self.names.push(name.to_string());
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        let mut removed = 0;
        for name in self.names.iter().rev() {
            if medcurate::os::account::by_name(name).is_none() {
                continue;
            }
            match Command::new("userdel").arg(name).output() {
                Ok(o) if o.status.success() => removed += 1,
                Ok(o) => eprintln!(
                    "userdel {name}: {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
                Err(e) => eprintln!("userdel {name}: {e}"),
            }
        }
        eprintln!("  removed {removed} OS account(s) the benchmark created");
    }
}

#[derive(Debug, Clone)]
struct Account {
    name: String,
    uid: u32,
    gid: u32,
}

fn lookup(name: &str) -> Result<Account> {
    let a = medcurate::os::account::by_name(name)
        .with_context(|| format!("the account {name} is not there"))?;
    Ok(Account {
        name: a.name,
        uid: a.uid,
        gid: a.gid,
    })
}

/// How a command is run as another account.
#[derive(Clone, PartialEq, Eq)]
enum Switch {
    Setpriv(PathBuf),
    Runuser(PathBuf),
}

/// Everything an invocation needs: the installed program and the host config.
#[derive(Clone)]
struct Host {
    binary: PathBuf,
    config: PathBuf,
    switch: Switch,
}

impl Host {
    /// `medcurate ARGS` as `account`, in `dir`, with a clean environment.
    fn run(&self, account: &Account, dir: &Path, args: &[&str]) -> Result<Output> {
        let mut cmd = match &self.switch {
            Switch::Setpriv(setpriv) => {
                let mut c = Command::new(setpriv);
                c.arg(format!("--reuid={}", account.uid))
                    .arg(format!("--regid={}", account.gid))
                    .arg("--init-groups")
                    .arg("--");
                c
            }
            Switch::Runuser(runuser) => {
                let mut c = Command::new(runuser);
                c.args(["-u", &account.name, "--"]);
                c
            }
        };
        cmd.arg(&self.binary)
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", dir)
            .env("LANG", "C.UTF-8")
            .env("MEDCURATE_HOST_CONFIG", &self.config);
        cmd.output()
            .with_context(|| format!("running medcurate {args:?} as {}", account.name))
    }

    /// The same, which must succeed; its standard output.
    fn ok(&self, account: &Account, dir: &Path, args: &[&str]) -> Result<String> {
        let out = self.run(account, dir, args)?;
        if !out.status.success() {
            bail!(
                "medcurate {args:?} as {} failed: {}{}",
                account.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The absolute path of `program`. Commands are started by absolute path: with a PATH of
/// their own and a bare name, std falls back from posix_spawn to fork, which copies this
/// process's 300 threads' address space every time and costs more than the program run.
fn which(program: &str) -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && path.starts_with('/')).then(|| PathBuf::from(path))
}

fn check(out: Output, what: &str) -> Result<String> {
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A directory owned by `account`, closed to others.
fn own_dir(path: &Path, account: &Account) -> Result<()> {
    fs::create_dir(path).with_context(|| format!("creating {}", path.display()))?;
    chown(path, Some(account.uid), Some(account.gid))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// Writes `text` to `path` and gives the file to `account` (mode 0600).
fn write_owned(path: &Path, text: &str, account: &Account) -> Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    chown(path, Some(account.uid), Some(account.gid))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// What one review process saw.
#[derive(Default)]
struct Tally {
    /// The person the process reviews as.
    person: String,
    /// Wall-clock milliseconds of `reviews claim --json` that gave an item.
    claims: Vec<f64>,
    /// The same when nothing was left.
    empty: Vec<f64>,
    /// `reviews import` of the review line.
    submits: Vec<f64>,
    /// claim + writing the line + import.
    rounds: Vec<f64>,
    /// (dataset, item) this process's import reported as newly submitted.
    submitted: Vec<(String, String)>,
    /// Imports that found the review already stored (another process of the same person
    /// had submitted the same claim).
    already: usize,
    /// Review ids the claims returned.
    review_ids: Vec<i64>,
    /// Invocations that failed: the command and its standard error.
    failures: Vec<String>,
    /// Standard error that speaks of busy or locked databases.
    lock_errors: Vec<String>,
    /// The process stopped at the deadline.
    timed_out: bool,
}

struct Worker {
    host: Host,
    account: Account,
    person: String,
    dir: PathBuf,
    file: String,
    deadline: Instant,
    max_rounds: usize,
}

impl Worker {
    fn run(self, start: Arc<Barrier>) -> Tally {
        let mut t = Tally {
            person: self.person.clone(),
            ..Tally::default()
        };
        start.wait();
        let mut failures_in_a_row = 0;
        for _ in 0..self.max_rounds {
            if Instant::now() > self.deadline {
                t.timed_out = true;
                break;
            }
            if failures_in_a_row >= MAX_FAILURES_IN_A_ROW {
                break;
            }
            let round = Instant::now();
            let claimed = self.invoke(&mut t, &["reviews", "claim", "--json"]);
            let claim_ms = ms(round);
            let Some(stdout) = claimed else {
                failures_in_a_row += 1;
                continue;
            };
            let v: Value = match serde_json::from_str(stdout.trim()) {
                Ok(v) => v,
                Err(e) => {
                    t.failures
                        .push(format!("reviews claim --json printed {stdout:?}: {e}"));
                    failures_in_a_row += 1;
                    continue;
                }
            };
            if v.is_null() {
                t.empty.push(claim_ms);
                break;
            }
            t.claims.push(claim_ms);
            let (Some(dataset), Some(item), Some(criteria)) = (
                v["dataset"].as_str(),
                v["item"].as_str(),
                v["criteria"].as_array(),
            ) else {
                t.failures
                    .push(format!("reviews claim --json printed {stdout:?}"));
                failures_in_a_row += 1;
                continue;
            };
            t.review_ids.push(v["review_id"].as_i64().unwrap_or(-1));
            let verdicts: serde_json::Map<String, Value> = criteria
                .iter()
                .filter_map(Value::as_str)
                .map(|c| (c.to_string(), Value::from("pass")))
                .collect();
            let line = serde_json::json!({"dataset": dataset, "item": item, "verdicts": verdicts});
            if let Err(e) = write_owned(
                &self.dir.join(&self.file),
                &format!("{line}\n"),
                &self.account,
            ) {
                t.failures.push(format!("writing the review line: {e:#}"));
                failures_in_a_row += 1;
                continue;
            }
            let submit = Instant::now();
            let imported = self.invoke(&mut t, &["reviews", "import", &self.file]);
            t.submits.push(ms(submit));
            let Some(stdout) = imported else {
                failures_in_a_row += 1;
                continue;
            };
            failures_in_a_row = 0;
            t.rounds.push(ms(round));
            if stdout.starts_with(&format!("1 review(s) submitted as {}", self.person)) {
                t.submitted.push((dataset.to_string(), item.to_string()));
            } else if stdout.contains("1 already stored") {
                t.already += 1;
            } else {
                t.failures
                    .push(format!("reviews import printed {stdout:?}"));
            }
        }
        t
    }

    /// Runs `args` as this worker's account; its standard output if it succeeded.
    fn invoke(&self, t: &mut Tally, args: &[&str]) -> Option<String> {
        let out = match self.host.run(&self.account, &self.dir, args) {
            Ok(o) => o,
            Err(e) => {
                t.failures.push(format!("{e:#}"));
                return None;
            }
        };
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if lock_error(&stderr) {
            t.lock_errors
                .push(format!("{} {args:?}: {}", self.account.name, stderr.trim()));
        }
        if !out.status.success() {
            t.failures.push(format!(
                "{} medcurate {args:?} ({}): {}",
                self.account.name,
                out.status,
                stderr.trim()
            ));
            return None;
        }
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn run() -> Result<bool> {
    let items = env_count("MEDCURATE_BENCH_ITEMS").unwrap_or(DEFAULT_ITEMS);
    let n_accounts = env_count("MEDCURATE_BENCH_ACCOUNTS").unwrap_or(DEFAULT_ACCOUNTS);
    let per_account = env_count("MEDCURATE_BENCH_PER_ACCOUNT").unwrap_or(DEFAULT_PER_ACCOUNT);
    let deadline_secs =
        env_count("MEDCURATE_BENCH_DEADLINE_SECS").map_or(DEFAULT_DEADLINE_SECS, |s| s as u64);
    if n_accounts < 2 {
        bail!("MEDCURATE_BENCH_ACCOUNTS must be at least 2: every item takes two reviewers");
    }
    let built = std::env::var_os("MEDCURATE_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_medcurate")));
    if !built.exists() {
        bail!(
            "{} does not exist; build it with cargo build --release",
            built.display()
        );
    }
    let switch = match (which("setpriv"), which("runuser")) {
        (Some(p), _) => Switch::Setpriv(p),
        (None, Some(p)) => Switch::Runuser(p),
        (None, None) => {
            bail!("neither setpriv nor runuser is installed; one is needed to run as each account")
        }
    };
    let cores = thread::available_parallelism().map_or(1, |n| n.get());

    // A root-owned directory every account can enter: the program, the host config, the
    // data directory (the service account's alone) and one working directory per account.
    let root = tempfile::Builder::new()
        .prefix("medcurate-shared-host-")
        .tempdir_in("/tmp")?;
    fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755))?;
    let bin_dir = root.path().join("bin");
    fs::create_dir(&bin_dir)?;
    fs::set_permissions(&bin_dir, fs::Permissions::from_mode(0o755))?;
    let work = root.path().join("work");
    fs::create_dir(&work)?;
    fs::set_permissions(&work, fs::Permissions::from_mode(0o755))?;
    let config = root.path().join("host.toml");
    let data_dir = root.path().join("data");

    let prefix = format!("mcsh{}", std::process::id() % 100_000);
    let mut accounts = Accounts { names: Vec::new() };
    let setup_started = Instant::now();
    let service = format!("{prefix}s");
    let maintainer = accounts.add(&format!("{prefix}m"))?;
    let annotators: Vec<Account> = (0..n_accounts)
        .map(|i| accounts.add(&format!("{prefix}a{i:02}")))
        .collect::<Result<_>>()?;

    // host setup creates the service account (it is removed with the others).
    accounts.adopt(&service);
    let setup = Command::new(&built)
        .arg("host")
        .arg("setup")
        .args(["--service-user", &service])
        .arg("--data-dir")
        .arg(&data_dir)
        .args(["--admin", &maintainer.name])
        .arg("--config")
        .arg(&config)
        .env_remove("MEDCURATE_DB")
        .output()?;
    check(setup, "medcurate host setup")?;
    let svc = lookup(&service)?;
    let binary = bin_dir.join("medcurate");
    let install = Command::new("install")
        .args(["-o", &service, "-g", "root", "-m", "4755"])
        .arg(&built)
        .arg(&binary)
        .output()?;
    check(install, "install -o SERVICE -m 4755")?;
    let host_check = Command::new(&binary)
        .args(["host", "check", "--binary"])
        .arg(&binary)
        .arg("--config")
        .arg(&config)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()?;
    let host_check_before = check(host_check, "medcurate host check")?;
    let host = Host {
        binary: binary.clone(),
        config: config.clone(),
        switch: switch.clone(),
    };

    // The maintainer imports the items and registers one annotator per account.
    let maint_dir = work.join(&maintainer.name);
    own_dir(&maint_dir, &maintainer)?;
    let lines: String = (0..items)
        .map(|i| ITEM.replace("{N}", &i.to_string()) + "\n")
        .collect();
    write_owned(&maint_dir.join("items.jsonl"), &lines, &maintainer)?;
    let t = Instant::now();
    host.ok(
        &maintainer,
        &maint_dir,
        &["import", "items.jsonl", "--dataset", "Exam"],
    )?;
    let import_secs = t.elapsed().as_secs_f64();
    let mut people = Vec::new();
    for (i, a) in annotators.iter().enumerate() {
        let id = format!("dr{i:02}");
        host.ok(
            &maintainer,
            &maint_dir,
            &[
                "people",
                "add",
                &id,
                "--name",
                &format!("Dr {i:02}"),
                "--role",
                "annotator",
                "--os-user",
                &a.name,
            ],
        )?;
        own_dir(&work.join(&a.name), a)?;
        people.push(id);
    }
    let setup_secs = setup_started.elapsed().as_secs_f64();
    eprintln!("  {}", host_check_before.trim());
    eprintln!(
        "  setup {setup_secs:.1} s ({} accounts, host setup, import of {items} items {import_secs:.1} s, {} people)",
        accounts.names.len(),
        people.len()
    );

    // The review processes, all started at once.
    let processes = n_accounts * per_account;
    let start = Arc::new(Barrier::new(processes + 1));
    let deadline = Instant::now() + Duration::from_secs(deadline_secs);
    let mut handles = Vec::new();
    for (a, person) in annotators.iter().zip(&people) {
        for k in 0..per_account {
            let w = Worker {
                host: host.clone(),
                account: a.clone(),
                person: person.clone(),
                dir: work.join(&a.name),
                file: format!("review-{k}.jsonl"),
                deadline,
                max_rounds: 2 * items + 10,
            };
            let start = start.clone();
            handles.push(
                thread::Builder::new()
                    .stack_size(256 * 1024)
                    .spawn(move || w.run(start))?,
            );
        }
    }
    start.wait();
    let review_started = Instant::now();
    let mut tallies = Vec::new();
    let mut panicked = 0;
    for h in handles {
        match h.join() {
            Ok(t) => tallies.push(t),
            Err(_) => panicked += 1,
        }
    }
    let review_secs = review_started.elapsed().as_secs_f64();

    // The installation as host check sees it after the load.
    let host_check = Command::new(&binary)
        .args(["host", "check", "--binary"])
        .arg(&binary)
        .arg("--config")
        .arg(&config)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()?;
    let host_check_ok = host_check.status.success();
    let host_check_after = format!(
        "{}{}",
        String::from_utf8_lossy(&host_check.stdout),
        String::from_utf8_lossy(&host_check.stderr)
    );

    let db = Db::read(&data_dir.join("medcurate.db"))?;

    // Figures.
    let all =
        |f: fn(&Tally) -> &Vec<f64>| sorted(tallies.iter().flat_map(|t| f(t).clone()).collect());
    let claims = all(|t| &t.claims);
    let empty = all(|t| &t.empty);
    let submits = all(|t| &t.submits);
    let rounds = all(|t| &t.rounds);
    let submitted: Vec<(String, String, String)> = tallies
        .iter()
        .flat_map(|t| {
            t.submitted
                .iter()
                .map(|(d, i)| (t.person.clone(), d.clone(), i.clone()))
        })
        .collect();
    let already: usize = tallies.iter().map(|t| t.already).sum();
    let mut claims_per_review: HashMap<i64, usize> = HashMap::new();
    for id in tallies.iter().flat_map(|t| &t.review_ids) {
        *claims_per_review.entry(*id).or_default() += 1;
    }
    let resumed: usize = claims_per_review.values().map(|n| n - 1).sum();
    let failures: Vec<&String> = tallies.iter().flat_map(|t| &t.failures).collect();
    let lock_errors: Vec<&String> = tallies.iter().flat_map(|t| &t.lock_errors).collect();
    let timed_out = tallies.iter().filter(|t| t.timed_out).count();

    println!();
    println!(
        "shared host: {items} items, {processes} review processes ({per_account} per account) over {n_accounts} accounts, \
         setuid medcurate (service account {}, uid {}) run through {}; {cores} cores",
        svc.name,
        svc.uid,
        match &switch {
            Switch::Setpriv(_) => "setpriv",
            Switch::Runuser(_) => "runuser",
        }
    );
    println!(
        "{:<40} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "wall-clock ms per invocation", "n", "p50", "p99", "max", "mean"
    );
    let row = |name: &str, v: &[f64]| {
        if v.is_empty() {
            println!("{name:<40} {:>6}", 0);
            return;
        }
        println!(
            "{name:<40} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            v.len(),
            rank(v, 0.50),
            rank(v, 0.99),
            v[v.len() - 1],
            v.iter().sum::<f64>() / v.len() as f64
        );
    };
    row("claim: reviews claim --json (an item)", &claims);
    row("claim: reviews claim --json (null)", &empty);
    row("submit: reviews import FILE", &submits);
    row("round: claim + write line + submit", &rounds);
    println!(
        "total: {} reviews submitted in {review_secs:.1} s of review ({:.1} per s); {} claim and {} submit \
         invocations; setup {setup_secs:.1} s",
        submitted.len(),
        submitted.len() as f64 / review_secs,
        claims.len() + empty.len(),
        submits.len()
    );
    println!(
        "  {resumed} claims resumed an open claim of the same person (another of its processes held it); \
         {already} imports found that review already submitted"
    );

    // Invariants.
    let reported: HashSet<(String, String, String)> = submitted.iter().cloned().collect();
    let lost: Vec<&(String, String, String)> = reported
        .iter()
        .filter(|k| !db.submitted.contains(*k))
        .collect();
    let double_reported = submitted.len() - reported.len();
    let not_two: Vec<(&String, &i64)> = db
        .submitted_per_item
        .iter()
        .filter(|(_, n)| **n != 2)
        .collect();
    let unreported = db.submitted.difference(&reported).count();
    let mut results: Vec<(String, bool, String)> = Vec::new();
    results.push((
        "nothing lost: every submit reported is a submitted review".into(),
        lost.is_empty() && double_reported == 0,
        format!(
            "{} of {} found{}{}",
            reported.len() - lost.len(),
            reported.len(),
            if double_reported > 0 {
                format!(", {double_reported} reported twice")
            } else {
                String::new()
            },
            if unreported > 0 {
                format!(", {unreported} submitted but not reported")
            } else {
                String::new()
            }
        ),
    ));
    results.push((
        "every item has exactly two submitted reviews".into(),
        not_two.is_empty() && db.items == items as i64,
        format!(
            "{} items, {} with other than two{}",
            db.items,
            not_two.len(),
            not_two
                .first()
                .map_or(String::new(), |(i, n)| format!(" (e.g. {i}: {n})"))
        ),
    ));
    results.push((
        "never more than two reviewers on an item".into(),
        db.over_two == 0 && db.max_active <= 2,
        format!(
            "{} items with more than two reviews in force; most rows on one item {}; highest active_reviews {}",
            db.over_two, db.max_rows, db.max_active
        ),
    ));
    results.push((
        "never the same reviewer twice on an item".into(),
        db.same_twice == 0,
        format!("{} (item, reviewer) pairs with two rows", db.same_twice),
    ));
    results.push((
        "every item settled, no claim left open".into(),
        db.settled == items as i64 && db.open_claims == 0,
        format!(
            "{} accepted or sent to curation, {} claims open",
            db.settled, db.open_claims
        ),
    ));
    results.push((
        "no invocation failed".into(),
        failures.is_empty() && panicked == 0 && timed_out == 0,
        match failures.first() {
            None if panicked + timed_out == 0 => "0 failed".into(),
            None => format!(
                "{panicked} driver threads panicked, {timed_out} processes hit the deadline"
            ),
            Some(f) => format!("{} failed, e.g. {f}", failures.len()),
        },
    ));
    results.push((
        "no busy/locked/SQLITE message on any stderr".into(),
        lock_errors.is_empty(),
        match lock_errors.first() {
            None => "none".into(),
            Some(e) => format!("{}, e.g. {e}", lock_errors.len()),
        },
    ));
    results.push((
        "host check passes after the load".into(),
        host_check_ok,
        host_check_after.trim().replace('\n', " | "),
    ));
    println!("invariants (the database read directly as root with rusqlite):");
    for (what, ok, detail) in &results {
        println!(
            "  {:<56} {:<4} {detail}",
            what,
            if *ok { "ok" } else { "FAIL" }
        );
    }
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.1)
        .map(|r| r.0.as_str())
        .collect();
    if failed.is_empty() {
        println!(
            "verdict: PASS: {} reviews of {items} items by {processes} processes over {n_accounts} accounts in {review_secs:.1} s; \
             claim p99 {:.0} ms, submit p99 {:.0} ms; nothing lost, no third or repeated reviewer, no busy error",
            submitted.len(),
            if claims.is_empty() {
                0.0
            } else {
                rank(&claims, 0.99)
            },
            if submits.is_empty() {
                0.0
            } else {
                rank(&submits, 0.99)
            },
        );
    } else {
        println!("verdict: FAIL: {}", failed.join("; "));
        for f in failures.iter().take(5) {
            eprintln!("  failure: {f}");
        }
        for e in lock_errors.iter().take(5) {
            eprintln!("  lock error: {e}");
        }
    }
    drop(root);
    drop(accounts);
    Ok(failed.is_empty())
}

/// What the database holds after the run.
struct Db {
    items: i64,
    /// (reviewer, dataset, item) of every submitted review of an item's current revision.
    submitted: HashSet<(String, String, String)>,
    /// Submitted reviews per item ("dataset/item").
    submitted_per_item: BTreeMap<String, i64>,
    /// Items with more than two claimed or submitted reviews of one revision.
    over_two: i64,
    /// Most review rows (any status) on one item's revision.
    max_rows: i64,
    max_active: i64,
    /// (item, revision, reviewer) with more than one row.
    same_twice: i64,
    settled: i64,
    open_claims: i64,
}

impl Db {
    fn read(path: &Path) -> Result<Db> {
        let conn = Connection::open(path)?;
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let mut submitted = HashSet::new();
        let mut submitted_per_item = BTreeMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT d.name, i.ext_id,
                        (SELECT count(*) FROM reviews r WHERE r.item_id = i.id
                           AND r.revision_no = i.revision_no AND r.status = 'submitted')
                 FROM items i JOIN datasets d ON d.id = i.dataset_id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            for row in rows {
                let (d, i, n) = row?;
                submitted_per_item.insert(format!("{d}/{i}"), n);
            }
            let mut stmt = conn.prepare(
                "SELECT r.reviewer, d.name, i.ext_id FROM reviews r
                 JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
                 WHERE r.status = 'submitted' AND r.revision_no = i.revision_no",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            for row in rows {
                submitted.insert(row?);
            }
        }
        Ok(Db {
            items: count("SELECT count(*) FROM items")?,
            over_two: count(
                "SELECT count(*) FROM items i WHERE 2 < (SELECT count(*) FROM reviews r
                   WHERE r.item_id = i.id AND r.revision_no = i.revision_no
                     AND r.status IN ('claimed', 'submitted'))",
            )?,
            max_rows: count(
                "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM reviews
                   GROUP BY item_id, revision_no)",
            )?,
            max_active: count("SELECT coalesce(max(active_reviews), 0) FROM items")?,
            same_twice: count(
                "SELECT count(*) FROM (SELECT 1 FROM reviews GROUP BY item_id, reviewer
                   HAVING count(*) > 1)",
            )?,
            settled: count(
                "SELECT count(*) FROM items WHERE state IN ('accepted', 'needs_curation')",
            )?,
            open_claims: count("SELECT count(*) FROM reviews WHERE status = 'claimed'")?,
            submitted,
            submitted_per_item,
        })
    }
}
