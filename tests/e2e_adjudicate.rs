//! The adjudication screen end to end: the real binary in a pseudo-terminal (120x40,
//! TERM=xterm-256color), driven by keystrokes, its screen read back through a terminal
//! emulator (vt100), and the result checked with the CLI and rusqlite.
//!
//! The database: the MADiagnosis sample items, a maintainer who imports two model responses
//! whose judges disagree by more than 0.25, and an annotator (the physician).
//! - A dispute decided completely by keystrokes (every rubric point marked, a score, a
//!   reason in Chinese, submit, confirm): `disputes --json` counts it and `disputes export
//!   --format decisions` holds the points, score and reason; the next dispute follows; the
//!   terminal is restored.
//! - SIGTERM halfway through: the draft (marks and the reason being typed) is kept, the
//!   terminal restored, and the next run resumes the same dispute.
//!
//! Every wait polls the emulated screen for an expected string, with a 10 s limit.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use rusqlite::Connection;
use serde_json::Value;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const COLS: u16 = 120;
const ROWS: u16 = 40;
const WAIT: Duration = Duration::from_secs(10);

/// Four rubric points worth 2, 2, 1 and 1; judged 0.9 and 0.3 (the widest gap, so first).
const WIDE: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";
/// Three rubric points; judged 0.7 and 0.3.
const NARROW: &str = "chinese_medical_dialogue_IM_7specialty_sample:7215";
const REASON: &str = "未建议查血常规和血糖，第3条不满足";

fn medcurate(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_medcurate"))
        .arg("--db")
        .arg(dir.join("t.db"))
        .args(args)
        .current_dir(dir)
        .env_remove("MEDCURATE_DB")
        .env("MEDCURATE_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

fn cli(dir: &Path, args: &[&str]) -> String {
    let out = medcurate(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// MADiagnosis from sample-data; `maint` imports two disputed responses; `dr-a` decides.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    cli(d, &["init"]);
    for (id, name, role) in [
        ("maint", "管理员", "maintainer"),
        ("dr-a", "李医生", "annotator"),
    ] {
        cli(d, &["people", "add", id, "--name", name, "--role", role]);
    }
    let items = format!(
        "{}/sample-data/MADiagnosis.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    cli(d, &["import", &items, "--dataset", "MADiagnosis"]);
    let rows = [
        serde_json::json!({
            "dataset": "MADiagnosis", "item": WIDE, "model": "GPT-4o",
            "response": "高血压确实可能引起头晕，但原因很多，比如睡眠不足、过度疲劳、贫血、低血糖等。建议在家规范测量几次血压，血压高应到心内科就诊。如出现一侧肢体无力、言语不清，应立即就医。",
            "judges": [
                {"score": 0.9, "points": [true, true, true, true], "rationale": "四个要点均有涉及"},
                {"score": 0.3}
            ]
        }),
        serde_json::json!({
            "dataset": "MADiagnosis", "item": NARROW, "model": "GPT-4o",
            "response": "头晕无力、脸色发白可能是贫血，建议先查血常规。再生障碍性贫血较少见，确诊需要骨髓检查。",
            "judges": [
                {"score": 0.7, "points": [true, false, true], "rationale": "建议查血常规并说明了再障特点"},
                {"score": 0.3, "points": [true, false, false]}
            ]
        }),
    ];
    let text: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    std::fs::write(d.join("r.jsonl"), text.join("\n") + "\n").unwrap();
    let out = cli(d, &["responses", "import", "r.jsonl", "--as", "maint"]);
    assert!(out.contains("2 are disputes"), "{out}");
    dir
}

/// The binary running in a pseudo-terminal, and what it has drawn so far (as in
/// tests/e2e_review.rs: all pty I/O through one duplicate of the master, on this thread).
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    io: File,
    screen: vt100::Parser,
    raw: Vec<u8>,
    eof: bool,
}

impl Tui {
    fn spawn(dir: &Path, args: &[&str]) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_medcurate"));
        cmd.arg("--db");
        cmd.arg(dir.join("t.db"));
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env_remove("MEDCURATE_DB");
        cmd.env("MEDCURATE_CONFIG", dir.join("config.toml"));
        cmd.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let fd = pair.master.as_raw_fd().expect("a unix pty master");
        // SAFETY: `fd` is the master's descriptor, open for as long as `pair.master` lives.
        let io = unsafe { BorrowedFd::borrow_raw(fd) }
            .try_clone_to_owned()
            .unwrap();
        Tui {
            child,
            _master: pair.master,
            io: File::from(io),
            screen: vt100::Parser::new(ROWS.try_into().unwrap(), COLS.try_into().unwrap(), 0),
            raw: Vec::new(),
            eof: false,
        }
    }

    fn pump(&mut self, timeout: Duration) {
        if self.eof {
            return;
        }
        let mut pfd = libc::pollfd {
            fd: self.io.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(1000) as libc::c_int;
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, ms) } <= 0 {
            return;
        }
        let mut buf = [0u8; 16384];
        match self.io.read(&mut buf) {
            Ok(0) => self.eof = true,
            Ok(k) => {
                self.screen.process(&buf[..k]);
                self.raw.extend_from_slice(&buf[..k]);
            }
            Err(e) if e.raw_os_error() == Some(libc::EIO) => self.eof = true,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => panic!("reading the pty: {e}"),
        }
    }

    fn text(&self) -> String {
        self.screen.screen().contents()
    }

    fn wait_for(&mut self, needle: &str) {
        let start = Instant::now();
        loop {
            if self.text().contains(needle) {
                return;
            }
            if start.elapsed() > WAIT || self.eof {
                panic!(
                    "{} waiting for {needle:?}; the screen:\n{}",
                    if self.eof {
                        "the program ended"
                    } else {
                        "timed out"
                    },
                    self.text()
                );
            }
            self.pump(Duration::from_millis(100));
        }
    }

    fn send(&mut self, keys: &str) {
        self.io.write_all(keys.as_bytes()).unwrap();
        self.io.flush().unwrap();
    }

    fn termios(&self) -> libc::termios {
        // SAFETY: a zeroed termios is a valid out-parameter for tcgetattr.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: the descriptor is open and `t` is valid.
        assert_eq!(unsafe { libc::tcgetattr(self.io.as_raw_fd(), &mut t) }, 0);
        t
    }

    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while !self.eof && start.elapsed() < WAIT {
                    self.pump(Duration::from_millis(50));
                }
                return status;
            }
            assert!(
                start.elapsed() < WAIT,
                "no exit; the screen:\n{}",
                self.text()
            );
            self.pump(Duration::from_millis(20));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        // Never leave the program behind when a test fails.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// (status, content) of dr-a's adjudications, oldest first.
fn adjudications(d: &Path) -> Vec<(String, Value)> {
    let conn = Connection::open(d.join("t.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, content FROM adjudications WHERE expert = 'dr-a' ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        let content: String = r.get(1)?;
        Ok((r.get(0)?, serde_json::from_str(&content).unwrap()))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn position(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The terminal is as it was: the alternate screen left last, the cursor shown again (a cursor
/// move from an open text field may come between), cooked mode and echo back.
fn restored(tui: &Tui) {
    let out = &tui.raw;
    let tail = String::from_utf8_lossy(&out[out.len().saturating_sub(40)..]).into_owned();
    assert!(
        tail.ends_with("\x1b[?1049l") || tail.ends_with("\x1b[?25h"),
        "the output ends with {tail:?}"
    );
    assert!(position(out, b"\x1b[?1049l") > position(out, b"\x1b[?1049h"));
    assert!(position(out, b"\x1b[?25h") > position(out, b"\x1b[?25l"));
    assert!(!tui.screen.screen().alternate_screen());
    assert!(!tui.screen.screen().hide_cursor());
    let cooked = tui.termios();
    assert_ne!(cooked.c_lflag & libc::ICANON, 0, "cooked mode is back");
    assert_ne!(cooked.c_lflag & libc::ECHO, 0, "echo is back");
}

#[test]
fn a_dispute_decided_by_keystrokes_is_stored_and_exported() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"]);

    // The start screen: the threshold and the counts.
    tui.wait_for("scores more than 0.25 apart");
    tui.wait_for("All datasets");
    tui.wait_for("GPT-4o");
    assert_eq!(
        tui.termios().c_lflag & libc::ICANON,
        0,
        "raw mode while the screen runs"
    );

    // Enter takes the widest-gap dispute: the question, the rubric and both judges.
    tui.send("\r");
    tui.wait_for(&format!("MADiagnosis › {WIDE} · GPT-4o"));
    tui.wait_for("高血压会头晕吗？");
    tui.wait_for("Rubric 评分标准 · 0/4 marked");
    tui.wait_for("Judge A: 0.9 · points 1✓ 2✓ 3✓ 4✓");

    // Submit before anything is marked is refused, saying what is missing.
    tui.send("s");
    tui.wait_for("Not ready to submit: mark rubric point(s) 1, 2, 3, 4");

    // Points 1 and 2 met, 3 not met, 4 met; each mark moves on to the next point.
    tui.send("mmnm");
    tui.wait_for("4/4 marked");
    tui.wait_for("points give 0.83");
    // The score, typed.
    tui.send("=");
    tui.wait_for("Overall score, 0 to 1");
    tui.send("0.6\r");
    tui.wait_for("Score 0.6 ·");
    // The reason, in Chinese.
    tui.send("r");
    tui.wait_for("Reason for the decision");
    tui.send(REASON);
    tui.send("\r");
    tui.wait_for("Reason kept");
    tui.wait_for(&format!("Reason {REASON}"));

    // Submit, through the confirm step; the next dispute follows.
    tui.send("s");
    tui.wait_for("Submit your decision on GPT-4o's response to");
    tui.wait_for("Points met: 1, 2, 4 of 4. Score 0.6 (judges 0.9 / 0.3).");
    tui.send("y");
    tui.wait_for(&format!("Submitted. Now deciding GPT-4o on {NARROW}"));
    tui.wait_for("再生障碍性贫血会有前兆吗");

    // Back to the start screen (the second claim is kept as an empty draft), then quit.
    tui.send("q");
    tui.wait_for("Back at the disputes; your draft is kept");
    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    restored(&tui);

    // The counts and the exported decision.
    let json: Value = serde_json::from_str(&cli(d, &["disputes", "--json"])).unwrap();
    assert_eq!(json["threshold"], 0.25);
    let row = &json["counts"][0];
    assert_eq!(
        (
            &row["dataset"],
            &row["model"],
            &row["disputes"],
            &row["adjudicated"]
        ),
        (
            &Value::from("MADiagnosis"),
            &Value::from("GPT-4o"),
            &Value::from(2),
            &Value::from(1)
        ),
        "{json}"
    );
    assert_eq!(
        row["in_progress"], 1,
        "the second dispute is claimed: {json}"
    );
    cli(
        d,
        &[
            "disputes",
            "export",
            "--format",
            "decisions",
            "--out",
            "d.jsonl",
            "--as",
            "maint",
        ],
    );
    let out = std::fs::read_to_string(d.join("d.jsonl")).unwrap();
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    let x = &lines[0];
    assert_eq!(x["item"], WIDE);
    assert_eq!(x["expert"], "dr-a");
    assert_eq!(x["points"], serde_json::json!([true, true, false, true]));
    assert_eq!(x["score"], 0.6);
    assert_eq!(x["reason"], REASON);
    assert_eq!(x["judge_scores"], serde_json::json!([0.9, 0.3]));

    let rows = adjudications(d);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "submitted");
    assert_eq!(rows[1].0, "claimed");
}

#[test]
fn sigterm_keeps_the_draft_and_the_next_run_resumes_it() {
    let dir = setup();
    let d = dir.path();
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"]);
    tui.wait_for("All datasets");
    tui.send("\r");
    tui.wait_for("Rubric 评分标准 · 0/4 marked");
    tui.send("mn");
    tui.wait_for("2/4 marked");
    // The reason is still being typed when the signal comes.
    tui.send("r");
    tui.wait_for("Reason for the decision");
    tui.send(REASON);
    tui.wait_for(&format!("> {REASON}"));
    let pid = tui.child.process_id().unwrap();
    // SAFETY: signalling our own child by its pid.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) }, 0);
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    restored(&tui);

    let rows = adjudications(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "claimed");
    assert_eq!(
        rows[0].1["points"],
        serde_json::json!([true, false, null, null]),
        "{rows:?}"
    );
    assert_eq!(rows[0].1["reason"], REASON, "{rows:?}");

    // The next run resumes the same dispute with the draft.
    let mut tui = Tui::spawn(d, &["adjudicate", "--as", "dr-a"]);
    tui.wait_for("draft");
    tui.send("\r");
    tui.wait_for(&format!("Deciding GPT-4o on {WIDE} in MADiagnosis"));
    tui.wait_for("2/4 marked");
    tui.wait_for(&format!("Reason {REASON}"));
    tui.send("q");
    tui.wait_for("Back at the disputes");
    tui.send("q");
    assert!(tui.wait_exit().success());
    let rows = adjudications(d);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1["reason"], REASON);
}
