//! `medcurate agreement [--dataset NAME] [--json]`: how well reviewers agree. Open to anyone
//! with the database: it reports counts and coefficients, never a review's content.

use crate::cli::{controls, identity};
use crate::domain::agreement::{AgreementReport, Kappa, MIN_PAIR_ITEMS, PairTable, Scope};
use crate::domain::people::Role;
use crate::domain::review::Criterion;
use crate::store::Store;
use anyhow::Result;
use clap::Args;
use serde_json::{Map, Value, json};
use std::path::Path;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// Only this dataset's reviews
    #[arg(long)]
    pub dataset: Option<String>,
    /// Print JSON (criteria named by id) instead of tables
    #[arg(long)]
    pub json: bool,
    /// Who is asking: a maintainer also sees each physician's accuracy on control items
    /// [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

pub fn run(db: &Path, args: AgreementArgs) -> Result<()> {
    let store = Store::open_existing(db)?;
    let report = store.agreement(args.dataset.as_deref())?;
    // Accuracy on controls only for a maintainer: anyone else could learn from it which of
    // their reviews were of controls.
    let viewer = identity::viewer(&store, args.as_id.as_deref())?;
    let scores = match viewer {
        Some(p) if p.roles.contains(&Role::Maintainer) => {
            Some(store.control_scores(&p.id, args.dataset.as_deref())?)
        }
        _ => None,
    };
    if args.json {
        let mut v = to_json(&report, args.dataset.as_deref());
        if let Some(scores) = &scores {
            v["controls"] = controls::scores_json(scores)["reviewers"].clone();
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", to_text(&report, args.dataset.as_deref()));
        if let Some(scores) = scores.filter(|s| !s.is_empty()) {
            println!("\nAccuracy on control items (shown to maintainers only)");
            print!(
                "{}",
                crate::cli::printable(&controls::scores_table(&scores))
            );
        }
    }
    Ok(())
}

fn kappa_text(t: &PairTable) -> String {
    match t.kappa() {
        Kappa::Value(v) => format!("{v:.2}"),
        k => k.explain().to_string(),
    }
}

fn percent_text(p: Option<f64>) -> String {
    p.map_or("-".into(), |p| format!("{p:.1}%"))
}

/// The report as tables for a terminal.
pub fn to_text(r: &AgreementReport, dataset: Option<&str>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let scope = dataset.unwrap_or("all datasets");
    let _ = writeln!(s, "Agreement, {scope}: {} review pair(s)", r.overall.items);
    if r.overall.items == 0 {
        let _ = writeln!(
            s,
            "No item has two submitted reviews yet; agreement needs pairs of reviews."
        );
        return s;
    }
    let _ = writeln!(s, "\nCohen's kappa per criterion (pass/fail)");
    let _ = writeln!(
        s,
        "  {:<25} {:>8} {:>9}  kappa",
        "criterion", "pairs", "agree"
    );
    for c in Criterion::ALL {
        let t = r.overall.criterion(c);
        let _ = writeln!(
            s,
            "  {:<25} {:>8} {:>9}  {}",
            c.id(),
            t.total(),
            percent_text(t.percent_agreement()),
            kappa_text(t)
        );
    }
    let d = &r.overall.departments;
    let _ = writeln!(
        s,
        "\nDepartments: identical sets in {}, mean Jaccard {}",
        percent_text(d.exact_percent()),
        d.mean_jaccard().map_or("-".into(), |j| format!("{j:.2}"))
    );
    if dataset.is_none() && r.datasets.len() > 1 {
        let _ = writeln!(s, "\nPer dataset (kappa pooled over criteria)");
        let _ = writeln!(
            s,
            "  {:<24} {:>8} {:>9} {:>10} {:>8}  kappa",
            "dataset", "pairs", "agree", "dept same", "jaccard"
        );
        for (name, sc) in &r.datasets {
            let p = sc.pooled();
            let _ = writeln!(
                s,
                "  {:<24} {:>8} {:>9} {:>10} {:>8}  {}",
                name,
                sc.items,
                percent_text(p.percent_agreement()),
                percent_text(sc.departments.exact_percent()),
                sc.departments
                    .mean_jaccard()
                    .map_or("-".into(), |j| format!("{j:.2}")),
                kappa_text(&p)
            );
        }
    }
    if dataset.is_none() && r.datasets.len() > 1 {
        s.push_str(&per_dataset_criteria(r));
    }
    let pairs = r.pairs_with_at_least(MIN_PAIR_ITEMS);
    let _ = writeln!(
        s,
        "\nReviewer pairs with at least {MIN_PAIR_ITEMS} shared items: {}",
        pairs.len()
    );
    if !pairs.is_empty() {
        let _ = writeln!(
            s,
            "  {:<32} {:>8} {:>9}  kappa",
            "reviewers", "items", "agree"
        );
        for (a, b, sc) in &pairs {
            let p = sc.pooled();
            let _ = writeln!(
                s,
                "  {:<32} {:>8} {:>9}  {}",
                format!("{a} + {b}"),
                sc.items,
                percent_text(p.percent_agreement()),
                kappa_text(&p)
            );
        }
    }
    let _ = writeln!(s, "\nReviews submitted per reviewer per day");
    let _ = writeln!(
        s,
        "  {:<24} {:>6} {:>8} {:>9} {:>6}",
        "reviewer", "days", "reviews", "mean/day", "max"
    );
    for (who, days) in &r.per_day {
        let total: u64 = days.values().sum();
        let max = days.values().max().copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "  {:<24} {:>6} {:>8} {:>9.1} {:>6}",
            who,
            days.len(),
            total,
            total as f64 / days.len().max(1) as f64,
            max
        );
    }
    s
}

/// `text` padded with spaces to `width` display columns (Chinese dataset names are double
/// width).
fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// Per dataset, each criterion's pairs, agreement and kappa, as `--json` and the agreement
/// screen give them; a criterion without pairs in a dataset (rubric_match for mcq) is left out.
fn per_dataset_criteria(r: &AgreementReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let name_w = r
        .datasets
        .keys()
        .map(|n| n.width())
        .chain(["dataset".width()])
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        s,
        "\nPer dataset and criterion (criteria without pairs left out)"
    );
    let _ = writeln!(
        s,
        "  {} {:<25} {:>8} {:>9}  kappa",
        pad("dataset", name_w),
        "criterion",
        "pairs",
        "agree"
    );
    for (name, sc) in &r.datasets {
        for c in Criterion::ALL {
            let t = sc.criterion(c);
            if t.total() == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "  {} {:<25} {:>8} {:>9}  {}",
                pad(name, name_w),
                c.id(),
                t.total(),
                percent_text(t.percent_agreement()),
                kappa_text(t)
            );
        }
    }
    s
}

fn table_json(t: &PairTable) -> Value {
    let k = t.kappa();
    let mut m = Map::new();
    m.insert("pairs".into(), json!(t.total()));
    m.insert("kappa".into(), json!(k.value()));
    if k.value().is_none() {
        m.insert("kappa_note".into(), json!(k.explain()));
    }
    m.insert("percent_agreement".into(), json!(t.percent_agreement()));
    m.insert(
        "table".into(),
        json!({
            "both_pass": t.counts[1][1],
            "both_fail": t.counts[0][0],
            "first_pass_second_fail": t.counts[1][0],
            "first_fail_second_pass": t.counts[0][1],
        }),
    );
    Value::Object(m)
}

fn scope_json(sc: &Scope) -> Value {
    let criteria: Map<String, Value> = Criterion::ALL
        .iter()
        .map(|c| (c.id().to_string(), table_json(sc.criterion(*c))))
        .collect();
    json!({
        "pairs": sc.items,
        "criteria": criteria,
        "pooled": table_json(&sc.pooled()),
        "departments": {
            "pairs": sc.departments.pairs,
            "exact_set_percent": sc.departments.exact_percent(),
            "mean_jaccard": sc.departments.mean_jaccard(),
        },
    })
}

/// The report as JSON; criteria are named by their ids. Undefined kappa is `null` with a
/// `kappa_note` saying why, never NaN.
pub fn to_json(r: &AgreementReport, dataset: Option<&str>) -> Value {
    let datasets: Map<String, Value> = r
        .datasets
        .iter()
        .map(|(k, v)| (k.clone(), scope_json(v)))
        .collect();
    let pairs: Vec<Value> = r
        .pairs_with_at_least(MIN_PAIR_ITEMS)
        .into_iter()
        .map(|(a, b, sc)| {
            let mut v = scope_json(sc);
            v["reviewers"] = json!([a, b]);
            v
        })
        .collect();
    let per_day: Vec<Value> = r
        .per_day
        .iter()
        .flat_map(|(who, days)| {
            days.iter()
                .map(move |(day, n)| json!({"reviewer": who, "day": day, "reviews": n}))
        })
        .collect();
    let mut overall = scope_json(&r.overall);
    overall["dataset"] = json!(dataset);
    overall["datasets"] = Value::Object(datasets);
    overall["min_pair_items"] = json!(MIN_PAIR_ITEMS);
    overall["reviewer_pairs"] = Value::Array(pairs);
    overall["per_reviewer_day"] = Value::Array(per_day);
    overall
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: Option<bool> = Some(true);
    const FAIL: Option<bool> = Some(false);

    #[test]
    fn text_gives_each_dataset_its_criteria() {
        let mut r = AgreementReport::default();
        // Exam (mcq, no rubric): two pairs, one disagreeing on answer correctness.
        let exam_ok = [PASS, PASS, PASS, PASS, None];
        let exam_wrong = [PASS, PASS, FAIL, PASS, None];
        r.add_pair(
            "Exam",
            "a",
            "b",
            &exam_ok,
            &exam_ok,
            &["cardiology"],
            &["cardiology"],
        );
        r.add_pair(
            "Exam",
            "a",
            "b",
            &exam_ok,
            &exam_wrong,
            &["cardiology"],
            &["cardiology"],
        );
        // 医学问答 (open-ended): the first two criteria and rubric match.
        let open_a = [PASS, FAIL, None, None, PASS];
        let open_b = [PASS, PASS, None, None, FAIL];
        r.add_pair("医学问答", "a", "c", &open_a, &open_b, &[], &[]);
        r.add_pair("医学问答", "a", "c", &open_b, &open_b, &[], &[]);
        let text = to_text(&r, None);
        let table = text
            .split("\nPer dataset and criterion")
            .nth(1)
            .and_then(|t| t.split("\n\n").next())
            .unwrap_or_default();
        assert_eq!(
            table,
            " (criteria without pairs left out)
  dataset  criterion                    pairs     agree  kappa
  Exam     natural_plausible                2    100.0%  undefined: only one label was used
  Exam     clinical_validity                2    100.0%  undefined: only one label was used
  Exam     answer_correctness               2     50.0%  0.00
  Exam     distractor_plausibility          2    100.0%  undefined: only one label was used
  医学问答 natural_plausible                2    100.0%  undefined: only one label was used
  医学问答 clinical_validity                2     50.0%  0.00
  医学问答 rubric_match                     2     50.0%  0.00"
        );
        // One dataset asked for: its criteria are the overall table, not repeated.
        assert!(!to_text(&r, Some("Exam")).contains("Per dataset and criterion"));
    }
}
