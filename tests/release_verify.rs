//! Verifying a release directory: against its own datapackage.json, a cited root digest and
//! the release the database keeps; and a freeze answered `n`.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;
#[path = "common/release_workspace.rs"]
mod workspace;

use common::{err, ok, words};
use workspace::*;

use medcurate::domain::hash::sha256_hex;
use serde_json::{Value, json};
use std::path::Path;

#[test]
fn verify_names_what_differs() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 1 --name v --as ops"),
    );
    ok(
        d,
        &words("release freeze v --version 0.1.0 --out rel --as ops --yes"),
    );
    let fresh = |name: &str| {
        ok(d, &["release", "export", "v", "--out", name]);
        d.join(name)
    };
    // A changed byte.
    let p = fresh("byte");
    let mut bytes = std::fs::read(p.join("Exam.jsonl")).unwrap();
    let at = bytes.iter().position(|b| *b == b'A').unwrap();
    bytes[at] = b'B';
    std::fs::write(p.join("Exam.jsonl"), &bytes).unwrap();
    let e = verify_alone_err(d, &["byte"]);
    assert!(e.starts_with("differs: Exam.jsonl: hash sha256:"), "{e}");
    assert!(
        e.ends_with("error: 1 difference(s) from datapackage.json\n"),
        "{e}"
    );
    // A missing file.
    let p = fresh("missing");
    std::fs::remove_file(p.join("README.md")).unwrap();
    assert_eq!(
        verify_alone_err(d, &["missing"]),
        "differs: README.md: missing\nerror: 1 difference(s) from datapackage.json\n"
    );
    // An extra line (a duplicate of the last).
    let p = fresh("extra");
    let text = std::fs::read_to_string(p.join("Exam.jsonl")).unwrap();
    let last = text.lines().last().unwrap().to_string();
    std::fs::write(p.join("Exam.jsonl"), format!("{text}{last}\n")).unwrap();
    let e = verify_alone_err(d, &["extra"]);
    assert!(e.contains("differs: Exam.jsonl: "), "{e}");
    assert!(e.contains("bytes, datapackage.json says"), "{e}");
    assert!(e.contains("is not after"), "{e}");
    assert!(
        e.contains("differs: Exam.jsonl: 21 items, datapackage.json says 20"),
        "{e}"
    );
    assert!(
        e.contains("differs: the files hold 21 items, datapackage.json says 20"),
        "{e}"
    );
    // An extra file.
    let p = fresh("stray");
    std::fs::write(p.join("notes.txt"), "x").unwrap();
    assert_eq!(
        verify_alone_err(d, &["stray"]),
        "differs: notes.txt: not part of the release (not in datapackage.json)\nerror: 1 difference(s) from datapackage.json\n"
    );
    let e = verify_alone_err(d, &["nowhere"]);
    assert!(e.contains("is nowhere a release directory?"), "{e}");
}

/// Rewrites `dir/datapackage.json` through `edit`, then writes the new root digest into the
/// card, as someone covering their tracks would: the directory is consistent again.
fn rewrite_consistently(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let old = digest_of(dir);
    let mut pkg: Value =
        serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    edit(&mut pkg);
    let mut text = serde_json::to_string_pretty(&pkg).unwrap();
    text.push('\n');
    std::fs::write(dir.join("datapackage.json"), text).unwrap();
    let card = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(card.contains(&old));
    std::fs::write(dir.join("README.md"), card.replace(&old, &digest_of(dir))).unwrap();
}

#[test]
fn consistent_rewrites_are_caught_by_the_root_digest_and_the_database() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 1 --name v --as ops"),
    );
    let out = ok(
        d,
        &words("release freeze v --version 0.1.0 --out rel --as ops --yes"),
    );
    let digest = digest_of(&d.join("rel"));
    assert!(out.ends_with(&format!("\nroot digest {digest}\n")), "{out}");
    let shown = ok(d, &words("sample show v"));
    assert!(
        shown
            .lines()
            .next()
            .unwrap()
            .ends_with(&format!(", root digest {digest}")),
        "{shown}"
    );
    let export = ok(d, &words("release export v --out again"));
    assert!(
        export.ends_with(&format!("\nroot digest {digest}\n")),
        "{export}"
    );
    let cited = format!("--digest={digest}");
    assert_eq!(
        ok(d, &["release", "verify", "rel", &cited]),
        format!(
            "rel: 10 file(s) and 20 item(s) match datapackage.json and the cited digest and the stored release v 0.1.0; root digest {digest}\n"
        )
    );
    let fresh = |name: &str| {
        ok(d, &["release", "export", "v", "--out", name]);
        d.join(name)
    };

    // An edited description, the card's digest left as it was: the card gives it away.
    let p = fresh("told");
    let mut pkg: Value =
        serde_json::from_slice(&std::fs::read(p.join("datapackage.json")).unwrap()).unwrap();
    pkg["description"] = json!("1,000 items reviewed by 50 physicians");
    std::fs::write(
        p.join("datapackage.json"),
        serde_json::to_string_pretty(&pkg).unwrap() + "\n",
    )
    .unwrap();
    let e = verify_alone_err(d, &["told"]);
    assert_eq!(
        e,
        format!(
            "differs: README.md: gives the root digest {digest}, but datapackage.json's is {}\n\
             error: 1 difference(s) from datapackage.json\n",
            digest_of(&p)
        )
    );

    // The same edit with the card's digest rewritten too: consistent, so the directory alone
    // matches; the cited digest and the stored release do not.
    let p = fresh("description");
    rewrite_consistently(&p, |pkg| {
        pkg["description"] = json!("1,000 items reviewed by 50 physicians");
    });
    let new = digest_of(&p);
    assert!(verify_alone(d, &["description"]).status.success());
    assert_eq!(
        verify_alone_err(d, &["description", &cited]),
        format!(
            "differs: datapackage.json: root digest {new}, but the cited digest is {digest}: this is not the release that was cited\n\
             error: 1 difference(s) from datapackage.json and the cited digest\n"
        )
    );
    assert_eq!(
        err(d, &["release", "verify", "description"]),
        "differs: README.md: differs from the stored release v 0.1.0\n\
         differs: datapackage.json: differs from the stored release v 0.1.0\n\
         error: 2 difference(s) from datapackage.json and the stored release v 0.1.0\n"
    );

    // A changed data byte with its new SHA-256 written into datapackage.json (and the new
    // root digest into the card).
    let p = fresh("data");
    let mut bytes = std::fs::read(p.join("Exam.jsonl")).unwrap();
    // One character of an option's text (same length in UTF-8, so the file stays valid).
    let at = bytes.windows(3).position(|w| w == "利".as_bytes()).unwrap();
    bytes[at..at + 3].copy_from_slice("激".as_bytes());
    std::fs::write(p.join("Exam.jsonl"), &bytes).unwrap();
    rewrite_consistently(&p, |pkg| {
        pkg["resources"][0]["hash"] = json!(format!("sha256:{}", sha256_hex(&bytes)));
    });
    assert!(verify_alone(d, &["data"]).status.success());
    let e = verify_alone_err(d, &["data", &cited]);
    assert!(
        e.starts_with(&format!(
            "differs: datapackage.json: root digest {}, but the cited digest is {digest}",
            digest_of(&p)
        )),
        "{e}"
    );
    assert_eq!(
        err(d, &["release", "verify", "data"]),
        "differs: Exam.jsonl: differs from the stored release v 0.1.0\n\
         differs: README.md: differs from the stored release v 0.1.0\n\
         differs: datapackage.json: differs from the stored release v 0.1.0\n\
         error: 3 difference(s) from datapackage.json and the stored release v 0.1.0\n"
    );

    // Renamed as well: the database keeps no such release.
    let p = fresh("renamed");
    rewrite_consistently(&p, |pkg| pkg["title"] = json!("other"));
    assert_eq!(
        err(d, &["release", "verify", "renamed"]),
        format!(
            "differs: the database keeps no release with root digest {} nor one named \"other\"\n\
             error: 1 difference(s) from datapackage.json\n",
            digest_of(&p)
        )
    );

    // A digest that is not one.
    let e = err(d, &["release", "verify", "rel", "--digest", "sha256:abc"]);
    assert_eq!(
        e,
        "error: --digest \"sha256:abc\" is not a root digest: give `sha256:` and 64 hex digits, as `release freeze` printed it and the dataset card (README.md) gives it\n"
    );
}

#[test]
fn answering_no_at_freeze_leaves_the_draft_and_exits_0() {
    let dir = setup();
    let d = dir.path();
    calibrated(d);
    ok(
        d,
        &words("sample --plan mini.json --seed 1 --name v --as ops"),
    );
    let mut t = common::pty::Tui::spawn(
        d,
        &words("release freeze v --version 1.0.0 --out rel --as ops"),
        (100, 30),
    );
    t.wait_for("[y/N]");
    let asked = t.text();
    assert!(
        asked.contains("v: plan Mini (mini.json), seed 1: 20 of 25 items"),
        "{asked}"
    );
    assert!(
        asked.contains("Absent: 0 of 5 items: the workspace has no such dataset"),
        "{asked}"
    );
    t.send("n\r");
    let status = t.wait_exit();
    assert!(status.success(), "{}", t.text());
    assert!(
        t.text()
            .contains("not frozen: v is still a draft and nothing was written"),
        "{}",
        t.text()
    );
    assert!(!d.join("rel").exists());
    let hidden: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    assert!(ok(d, &words("sample list")).contains("\tdraft\t"));
}
