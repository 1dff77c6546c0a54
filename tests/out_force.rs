//! One rule for every `--out`: an existing file is replaced only with `--force`, and is left
//! exactly as it was when refused. (Release folders: tests/release.rs.)
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{err, ok, words};

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["init"]);
    ok(d, &words("people add cur --name cur --role curator"));
    dir
}

#[test]
fn exports_refuse_an_existing_file_unless_forced() {
    let dir = workspace();
    let d = dir.path();
    for command in ["reviews export", "disputes export --format decisions"] {
        std::fs::write(d.join("out.jsonl"), "precious\n").unwrap();
        let e = err(d, &words(&format!("{command} --out out.jsonl --as cur")));
        assert_eq!(
            e, "error: out.jsonl exists; pass --force to replace it, or give another --out\n",
            "{command}"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("out.jsonl")).unwrap(),
            "precious\n",
            "{command} wrote over the file it refused"
        );
        ok(
            d,
            &words(&format!("{command} --out out.jsonl --force --as cur")),
        );
        assert_eq!(
            std::fs::read_to_string(d.join("out.jsonl")).unwrap(),
            "",
            "{command} --force: nothing is settled, so the file is replaced by an empty one"
        );
        // A new file needs no --force; a folder is never replaced by a file.
        std::fs::remove_file(d.join("out.jsonl")).unwrap();
        ok(d, &words(&format!("{command} --out out.jsonl --as cur")));
        std::fs::create_dir_all(d.join("folder")).unwrap();
        let e = err(
            d,
            &words(&format!("{command} --out folder --force --as cur")),
        );
        assert_eq!(e, "error: folder is a folder; give a file name for --out\n");
        std::fs::remove_file(d.join("out.jsonl")).unwrap();
    }
}
