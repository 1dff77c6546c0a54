//! The dataset card: what is in the release, how it was drawn, and how well its reviewers
//! agreed, as Markdown.

use super::{CARD_DIGEST_PREFIX, ReleaseInput};
use crate::domain::agreement::{AgreementReport, Kappa};
use crate::domain::departments::taxonomy;
use crate::domain::item::Difficulty;
use crate::domain::review::Criterion;
use std::collections::BTreeMap;
use std::fmt::Write;

fn kappa(k: Kappa) -> String {
    match k {
        Kappa::Value(v) => format!("{v:.2}"),
        other => other.explain().to_string(),
    }
}

fn pct(p: Option<f64>) -> String {
    p.map_or("-".into(), |p| format!("{p:.1}%"))
}

/// The card; `digest_hex` is the root digest's 64 hex digits (zeros while the card's own
/// hash is taken).
pub(super) fn render(
    input: &ReleaseInput,
    agreement: &AgreementReport,
    digest_hex: &str,
) -> String {
    let mut s = String::new();
    let n = input.items.len();
    // Datasets that have items: a plan dataset the workspace could not supply has none.
    let with_items = input
        .datasets
        .iter()
        .filter(|d| input.items.iter().any(|i| i.dataset == d.dataset))
        .count();
    let _ = writeln!(s, "# {} {}\n", input.name, input.version);
    let _ = writeln!(
        s,
        "{n} items in {with_items} {}, sampled with seed {} under the {} plan (`{}`) from items \
         that two physicians reviewed and that passed review or a curator accepted. Built with \
         medcurate; `medcurate release verify DIR` rechecks every file against `datapackage.json`.\n",
        if with_items == 1 {
            "dataset"
        } else {
            "datasets"
        },
        input.seed,
        input.plan_name,
        input.plan_ref
    );
    let _ = writeln!(s, "{CARD_DIGEST_PREFIX}{digest_hex}`\n");
    let _ = writeln!(
        s,
        "The root digest is the SHA-256 of `datapackage.json`, which gives the SHA-256 of every \
         other file (of this card with the digest above written as zeros), so it pins every \
         byte of the release: cite it with the release, and check a copy against it with \
         `medcurate release verify DIR --digest sha256:...`.\n"
    );

    let _ = writeln!(s, "## Datasets\n");
    let _ = writeln!(
        s,
        "| dataset | kind | target | items | hard | medium | easy | unrated |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|");
    let mut totals = [0u64; 4];
    for d in &input.datasets {
        let mut c = [0u64; 4];
        for it in input.items.iter().filter(|i| i.dataset == d.dataset) {
            let k = match it.difficulty {
                Some(Difficulty::Hard) => 0,
                Some(Difficulty::Medium) => 1,
                Some(Difficulty::Easy) => 2,
                None => 3,
            };
            c[k] += 1;
            totals[k] += 1;
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            d.dataset, d.kind, d.target, d.achieved, c[0], c[1], c[2], c[3]
        );
    }
    let target: u64 = input.datasets.iter().map(|d| d.target).sum();
    let _ = writeln!(
        s,
        "| **all** | | {target} | {n} | {} | {} | {} | {} |\n",
        totals[0], totals[1], totals[2], totals[3]
    );
    match input.difficulty_target {
        Some((h, m, e)) => {
            let _ = writeln!(
                s,
                "Target difficulty mix hard:medium:easy = {h}:{m}:{e}; achieved {}:{}:{} ({}).\n",
                totals[0],
                totals[1],
                totals[2],
                if n > 0 {
                    format!(
                        "{:.1}% / {:.1}% / {:.1}%",
                        100.0 * totals[0] as f64 / n as f64,
                        100.0 * totals[1] as f64 / n as f64,
                        100.0 * totals[2] as f64 / n as f64
                    )
                } else {
                    "no items".into()
                }
            );
        }
        None => {
            let _ = writeln!(s, "The plan sets no difficulty mix.\n");
        }
    }
    let short: Vec<String> = input
        .datasets
        .iter()
        .flat_map(|d| {
            d.shortfalls
                .iter()
                .map(move |x| format!("- {}: {x}", d.dataset))
        })
        .collect();
    if short.is_empty() {
        let _ = writeln!(s, "Every target of the plan is met.\n");
    } else {
        let _ = writeln!(s, "Shortfalls against the plan:\n");
        for l in short {
            let _ = writeln!(s, "{l}");
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Departments\n");
    let mut depts: BTreeMap<&str, u64> = BTreeMap::new();
    for it in &input.items {
        for d in &it.departments {
            *depts.entry(d.as_str()).or_default() += 1;
        }
    }
    let mut depts: Vec<(&str, u64)> = depts.into_iter().collect();
    depts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if depts.is_empty() {
        let _ = writeln!(s, "No item carries a department.\n");
    } else {
        let _ = writeln!(s, "| department | 科室 | items |");
        let _ = writeln!(s, "|---|---|---:|");
        for (id, c) in depts {
            let (en, zh) = taxonomy()
                .get(id)
                .map_or((id, ""), |d| (d.name_en.as_str(), d.name_zh.as_str()));
            let _ = writeln!(s, "| {en} (`{id}`) | {zh} | {c} |");
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Reviewer agreement\n");
    let o = &agreement.overall;
    let _ = writeln!(
        s,
        "Over the {} released items with two reviews of the released revision. Cohen's kappa \
         on pass/fail per criterion:\n",
        o.items
    );
    let _ = writeln!(s, "| criterion | pairs | agreement | kappa |");
    let _ = writeln!(s, "|---|---:|---:|---|");
    for c in Criterion::ALL {
        let t = o.criterion(c);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            c.id(),
            t.total(),
            pct(t.percent_agreement()),
            kappa(t.kappa())
        );
    }
    let _ = writeln!(
        s,
        "\nDepartments: identical sets in {}, mean Jaccard {}.\n",
        pct(o.departments.exact_percent()),
        o.departments
            .mean_jaccard()
            .map_or("-".into(), |j| format!("{j:.2}"))
    );

    let _ = writeln!(s, "## Files\n");
    let _ = writeln!(
        s,
        "One JSON object per line, sorted by `id`: the item's content as reviewed, its final \
         `departments` and `difficulty`, its `attributes`, and `provenance` (the source, the \
         revision number and content hash, the two reviews and any curator decision). \
         Multiple-choice items carry `option_permutations`: three distinct orders of the \
         option labels drawn from the seed, none the original and each with the correct \
         answer in a different place, to present each question three times with shuffled \
         options (an item with two options carries its one other order).\n"
    );
    for d in input.datasets.iter().filter(|d| d.achieved > 0) {
        let _ = writeln!(s, "- `{}.jsonl`: {} items", d.dataset, d.achieved);
    }
    let _ = writeln!(s, "\n## Loading and scoring\n");
    let _ = writeln!(
        s,
        "The front matter above lists each dataset for Hugging Face `datasets`: \
         `load_dataset(DIR, NAME)` gives a multiple-choice dataset's three presentations as \
         splits `presentation_0` to `presentation_2`, an open-ended dataset's chat messages as \
         split `chat`, and any other dataset's items as split `test`; `NAME-items` gives the \
         items as reviewed. A presentation file (`NAME.presentation-K.jsonl`) holds one line \
         per question: `question`, `choices` in that presentation's order, relabelled A, B, C \
         ... in the columns `A`, `B`, ..., the `answer` letter(s), `answer_index` (a list of \
         indexes in a dataset where some question has several answers, else one index) and \
         `original_labels`, the item's own labels in the order shown. `NAME.lm-eval.yaml` is \
         an lm-evaluation-harness group of the three presentations, \
         `NAME.presentation-K.jsonl.meta.json` OpenCompass's custom-dataset description, \
         `eval.yaml` the inspect_ai tasks, and `NAME.chat.jsonl` each open-ended prompt as \
         chat messages with the rubric and reference answer in `metadata`. \
         `medcurate evaluate DIR --answers FILE` scores models' answers: a question counts \
         as correct only if every presentation it has is answered right.\n"
    );
    s
}
