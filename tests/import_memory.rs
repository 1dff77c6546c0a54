//! `responses import` and `judge report` read their files one line at a time: their peak
//! memory does not grow with the file. Each file here is about 100 MB; the commands must stay
//! well under that.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{ok, run, words};

use medcurate::domain::judge::Adjudication;
use medcurate::store::Store;
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::Path;

const Q1: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956"; // 4 rubric points
const LINES: usize = 5_000;
/// Characters of each line's long field: 20 KB a line, 100 MB a file.
const LONG: usize = 20_000;
/// Peak resident memory a command may reach, in bytes.
const LIMIT: i64 = 60 << 20;

/// The largest peak resident memory of any child process waited for so far, in bytes.
fn children_peak() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss as i64 * 1024
}

fn write_lines(path: &Path, line: impl Fn(usize) -> String) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..LINES {
        w.write_all(line(i).as_bytes()).unwrap();
        w.write_all(b"\n").unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn responses_import_and_judge_report_run_in_flat_memory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(d, &words("people add ops --name ops --role maintainer"));
    ok(d, &words("people add e1 --name e1 --role annotator"));
    let items = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/MADiagnosis.jsonl");
    ok(
        d,
        &[
            "import",
            items.to_str().unwrap(),
            "--dataset",
            "MADiagnosis",
        ],
    );
    let setup_peak = children_peak();
    assert!(setup_peak < LIMIT, "setup alone took {setup_peak} bytes");

    // Every line a valid response of its own model, written in one transaction.
    let long = "鉴别诊断".repeat(LONG / 12);
    write_lines(&d.join("responses.jsonl"), |i| {
        json!({"dataset":"MADiagnosis","item":Q1,"model":format!("M{i}"),"response":long,
               "judges":[{"score":0.9,"points":[true,true,false,true]},{"score":0.1}]})
        .to_string()
    });
    let out = ok(d, &words("responses import responses.jsonl --as ops"));
    assert!(
        out.starts_with(&format!(
            "{LINES} response(s) imported; {LINES} are disputes"
        )),
        "{out}"
    );
    let peak = children_peak();
    assert!(
        peak < LIMIT,
        "responses import of a 100 MB file peaked at {} MB",
        peak >> 20
    );

    {
        let mut store = Store::open(&common::backend::db_at(d, "t.db")).unwrap();
        let a = store.claim_dispute("e1", None).unwrap().unwrap();
        let decision = Adjudication {
            points: vec![Some(true); a.rubric_len()],
            score: Some(0.8),
            reason: "覆盖了要点".into(),
        };
        store
            .submit_adjudication("e1", a.adjudication_id, &decision)
            .unwrap();
    }
    // Every line a problem (no such dispute): only the first are kept.
    let long_id = "x".repeat(LONG);
    write_lines(&d.join("judge.jsonl"), |i| {
        json!({"dataset":"MADiagnosis","item":format!("{long_id}{i}"),"model":"M","points":[true]})
            .to_string()
    });
    let out = run(d, &words("judge report --judge judge.jsonl"));
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.ends_with(&format!(
            "error: {LINES} problem(s) in the judge file(s); no report\n"
        )),
        "{}",
        &e[e.len().saturating_sub(300)..]
    );
    let peak = children_peak();
    assert!(
        peak < LIMIT,
        "judge report of a 100 MB file peaked at {} MB",
        peak >> 20
    );
}
