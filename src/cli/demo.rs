//! `medcurate demo`: a workspace with the built-in samples and demo people, ready to explore.

use crate::cli::demo_reviews::{self, DEMO_DATASET, DEMO_PAIR};
use crate::cli::identity::os_account;
use crate::cli::status;
use crate::domain::people::{Person, Role};
use crate::files::user;
use crate::import::{Format, ImportOptions, import};
use crate::sample::SAMPLE_DATASETS;
use crate::store::Store;
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::PathBuf;

/// (id, name, roles) of the demo people.
const DEMO_PEOPLE: &[(&str, &str, &[Role])] = &[
    ("dr-li", "李医生 Dr. Li", &[Role::Annotator]),
    ("dr-wang", "王医生 Dr. Wang", &[Role::Annotator]),
    ("dr-zhang", "张医生 Dr. Zhang", &[Role::Annotator]),
    (
        "cur-chen",
        "陈主任 Curator Chen",
        &[Role::Curator, Role::Annotator],
    ),
    ("admin", "Maintainer", &[Role::Maintainer]),
];

pub fn run(db: PathBuf) -> Result<()> {
    let mut store = Store::open(&db)?;
    let known: Vec<String> = store.people()?.into_iter().map(|p| p.id).collect();
    for (id, name, roles) in DEMO_PEOPLE {
        if !known.iter().any(|k| k == id) {
            let p = Person {
                id: id.to_string(),
                name: name.to_string(),
                roles: roles.to_vec(),
                os_user: None,
            };
            store.add_person(&p, "demo")?;
        }
    }
    // The samples are compiled in; write each to a temporary file so they go through
    // exactly the import a maintainer runs.
    let dir = std::env::temp_dir().join(format!("medcurate-demo-{}", std::process::id()));
    user::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut lines = Vec::new();
    let mut responses = None;
    let result = (|| -> Result<()> {
        for (dataset, jsonl) in SAMPLE_DATASETS {
            let file = dir.join(format!("{dataset}.jsonl"));
            user::write(&file, jsonl.as_bytes())
                .with_context(|| format!("writing {}", file.display()))?;
            let opts = ImportOptions {
                files: vec![file],
                dataset: dataset.to_string(),
                format: Format::Native,
                revise: false,
                skip_invalid: false,
                rejects_dir: dir.clone(),
                actor: os_account(),
            };
            let report = import(&mut store, &opts, &mut |_, _| {})?;
            if report.error_count > 0 {
                anyhow::bail!(
                    "built-in sample {dataset} did not import: {}",
                    report.errors[0]
                );
            }
            let c = report.total();
            lines.push(format!(
                "  {dataset}: {} new, {} already there",
                c.imported, c.skipped
            ));
        }
        responses = demo_reviews::seed_responses(&mut store, &dir)?;
        Ok(())
    })();
    let _ = user::remove_dir_all(&dir);
    result?;
    let seeded = demo_reviews::seed(&mut store)?;
    println!("medcurate demo workspace: {}", db.display());
    println!();
    println!("sample datasets:");
    for l in &lines {
        println!("{l}");
    }
    if let Some(r) = responses {
        println!(
            "  model responses: {} with two AI-judge scores each, {} of them disputes",
            r.responses, r.disputes
        );
    }
    if seeded > 0 {
        println!(
            "  {} and {} reviewed {}: {seeded} reviews, some in disagreement",
            DEMO_PAIR[0], DEMO_PAIR[1], DEMO_DATASET
        );
    }
    println!();
    print!("{}", status::table(&store.status()?));
    println!();
    println!("people:");
    for p in store.people()? {
        let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
        println!("  {:<9} {}  [{}]", p.id, p.name, roles.join(", "));
    }
    println!();
    println!("try:");
    let me = crate::cli::invocation();
    let at = shell_word(&crate::store::location::shown(&db));
    for rest in [
        "review --as dr-wang",
        "curate --as cur-chen",
        "agreement",
        "adjudicate --as dr-zhang",
        "status",
    ] {
        println!("  {me} --db {at} {rest}");
    }
    // On a terminal the demo goes straight to the review screen; piped, it only reports.
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        let reviewer = store
            .person(DEMO_REVIEWER)?
            .context("the demo reviewer is missing from the demo workspace")?;
        drop(store);
        return crate::tui::run_review(&db, reviewer, None);
    }
    Ok(())
}

/// Who the demo reviews as.
const DEMO_REVIEWER: &str = "dr-li";

/// `s` as one shell word, to paste: as it is when a shell reads nothing special in it, else
/// in single quotes (a URL's `&` and `?`).
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "_-./:=@%+,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod shell_word_tests {
    use super::shell_word;

    #[test]
    fn a_url_is_quoted_and_a_plain_path_is_not() {
        assert_eq!(shell_word("/home/李/demo.db"), "/home/李/demo.db");
        assert_eq!(
            shell_word("postgresql:///d?host=/run/pg&user=m"),
            "'postgresql:///d?host=/run/pg&user=m'"
        );
        assert_eq!(shell_word("/tmp/it's.db"), r"'/tmp/it'\''s.db'");
    }
}
