//! `medcurate completions SHELL` and `medcurate man`: made from the command definitions, they
//! cover every command.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use clap::CommandFactory;
use common::{err, ok, words};

fn commands() -> Vec<String> {
    medcurate::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[test]
fn completions_name_every_command_for_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let names = commands();
    assert!(names.len() > 20, "{names:?}");
    for shell in ["bash", "zsh", "fish"] {
        let script = ok(d, &["completions", shell]);
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell}: no {name}");
        }
        // Options of subcommands are there too.
        assert!(script.contains("--force"), "{shell}: no --force");
    }
    assert!(ok(d, &["completions", "bash"]).starts_with("_medcurate() {"));
    // Completions open nothing: no database is created.
    assert!(!d.join("t.db").exists());
    let out = common::run(d, &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("invalid value 'tcsh'"), "{e}");
}

#[test]
fn man_prints_the_main_page_and_writes_one_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let page = ok(d, &["man"]);
    assert!(page.contains(".TH medcurate 1"), "{page}");
    for name in commands() {
        assert!(
            page.contains(&format!("medcurate\\-{name}")),
            "main page lacks {name}"
        );
    }
    let out = ok(d, &words("man --out pages"));
    let mut files: Vec<String> = std::fs::read_dir(d.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        out,
        format!("wrote {} manual page(s) to pages\n", files.len())
    );
    for name in commands() {
        assert!(
            files.contains(&format!("medcurate-{name}.1")),
            "{name}: {files:?}"
        );
    }
    let export = std::fs::read_to_string(d.join("pages/medcurate-reviews-export.1")).unwrap();
    assert!(
        export.contains(r#".TH medcurate-reviews-export 1  "medcurate 0.1.0" "medcurate manual""#),
        "{export}"
    );
    assert!(export.contains("\\-\\-force"), "{export}");
    // The --out rule: pages already there are replaced only with --force.
    let e = err(d, &words("man --out pages"));
    assert!(e.contains("exists; pass --force to replace it"), "{e}");
    ok(d, &words("man --out pages --force"));
}
