//! `medcurate evaluate RELEASE --answers FILE...`: scores models on a frozen release as the
//! MLB paper does, in a table by dimension, dataset, difficulty, department or attributes.

use super::identity::act_as;
use super::problems;
use crate::domain::evaluate::render;
use crate::domain::evaluate::table::Table;
use crate::domain::item::Content;
use crate::domain::judge::DEFAULT_THRESHOLD;
use crate::domain::people::Role;
use crate::domain::plan::Plan;
use crate::release::evaluate::{By, Evaluation, evaluate, table};
use crate::release::load_plan;
use crate::store::{NewResult, Store};
use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The frozen release's directory (as `release freeze` or `release export` wrote it)
    pub release: PathBuf,
    /// Model answers, JSONL: {"model","dataset","item","presentation","answer"} for
    /// multiple-choice, the task's field (entities, relations, normalized, events) for
    /// extraction (none needed for a release of open-ended items only: the models with
    /// responses to them are scored)
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub answers: Vec<PathBuf>,
    /// Columns: dimension (Table 4), dataset, difficulty, department, or item attributes
    /// joined by commas (specialty,level)
    #[arg(long, default_value = "dataset")]
    pub by: String,
    /// The plan giving the dimensions [default: the one the release was drawn under]
    #[arg(long)]
    pub plan: Option<String>,
    /// Print the scores while disputes are undecided (the judges' mean stands in)
    #[arg(long)]
    pub provisional: bool,
    /// Print JSON
    #[arg(long, conflicts_with_all = ["markdown", "csv"])]
    pub json: bool,
    /// Print a Markdown table (best in bold, second underlined)
    #[arg(long, conflicts_with = "csv")]
    pub markdown: bool,
    /// After the table, a bar chart of this column across the models (Average, or a
    /// column's name)
    #[arg(long, value_name = "COLUMN", conflicts_with_all = ["json", "markdown", "csv"])]
    pub chart: Option<String>,
    /// Print CSV
    #[arg(long)]
    pub csv: bool,
    /// Keep the scores for `medcurate leaderboard` (maintainer; final scores only)
    #[arg(long, conflicts_with = "provisional")]
    pub record: bool,
    /// Act as this registered person (for --record)
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

/// The plan to use: the one given, else the one the release names if it can be found.
fn plan_for(args_plan: Option<&str>, e: &Evaluation) -> Result<Option<Plan>> {
    match args_plan {
        Some(p) => Ok(Some(load_plan(p)?.0)),
        None => Ok(load_plan(&e.release.plan_source).ok().map(|(p, _)| p)),
    }
}

pub fn run(db: &Path, args: EvaluateArgs) -> Result<()> {
    let by = By::parse(&args.by)?;
    let release = crate::release::released::read(&args.release)?;
    let open_ended: Vec<String> = release
        .datasets
        .iter()
        .filter(|d| {
            release
                .items
                .iter()
                .any(|i| &i.dataset == *d && matches!(i.content, Content::OpenEnded(_)))
        })
        .cloned()
        .collect();
    // The workspace is read only for the judged responses to open-ended items, and written
    // only to keep the scores.
    let store = if open_ended.is_empty() && !args.record {
        None
    } else {
        Some(Store::open_existing(db).map_err(|e| {
            anyhow::anyhow!(
                "{e}; the release's open-ended datasets ({}) are scored from the workspace's judged responses",
                open_ended.join(", ")
            )
        })?)
    };
    let threshold = match &store {
        Some(s) => s.dispute_threshold()?,
        None => DEFAULT_THRESHOLD,
    };
    let e = match evaluate(release, &args.answers, store.as_ref(), threshold)? {
        Ok(e) => e,
        Err(all) => {
            problems::print(&all);
            bail!(
                "{} problem(s) in the answers; nothing was scored",
                all.len()
            );
        }
    };
    if e.models.is_empty() {
        bail!(
            "no model to score: give the models' answers with --answers FILE (open-ended items are scored from the workspace's responses, and none answer this release's items)"
        );
    }
    let undecided: usize = e.undecided.values().sum();
    if undecided > 0 && !args.provisional {
        let shown: Vec<String> = e
            .undecided
            .iter()
            .map(|((m, d), n)| format!("{m} on {d}: {n}"))
            .collect();
        bail!(
            "{undecided} dispute(s) among the responses are undecided ({}): a score is final only \
             once a physician has decided each (`medcurate adjudicate`); pass --provisional to \
             print the scores with the judges' mean standing in",
            shown.join(", ")
        );
    }
    let plan = plan_for(args.plan.as_deref(), &e)?;
    let t = table(&e, &by, plan.as_ref())?;
    // An unknown column is refused before anything is recorded or printed.
    let chart = match &args.chart {
        Some(column) => Some(render::bars(&t, column, 40).map_err(anyhow::Error::msg)?),
        None => None,
    };
    if args.record
        && let Some(store) = store
    {
        // Checked before anything is printed, so a refusal leaves no half report.
        let mut store = store;
        let me = act_as(&store, args.as_id.as_deref(), Role::Maintainer)?;
        let results = results(&e, plan.as_ref())?;
        let added = store.record_results(&me.id, &results)?;
        eprintln!(
            "recorded {added} new result(s) for {} model(s) on {} {} ({} kept already)",
            results.len(),
            e.release.title,
            e.release.version,
            results.len() - added
        );
    }
    let notes = notes(&e, &t, undecided);
    if args.json {
        let v = json!({
            "release": e.release.title,
            "version": e.release.version,
            "root_digest": e.release.digest,
            "by": t.by,
            "final": undecided == 0,
            "columns": t.columns,
            "rows": t.rows,
            "answers": e.answers.files.iter().map(|(f, h)| json!({"file": f, "sha256": h})).collect::<Vec<_>>(),
            "notes": notes,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if args.csv {
        print!("{}", render::csv(&t, &e.release.digest));
    } else if args.markdown {
        println!("{}\n", heading(&e, &t, undecided));
        print!("{}", render::markdown(&t));
        if !notes.is_empty() {
            println!();
            for n in &notes {
                println!("- {n}");
            }
        }
    } else {
        println!("{}", heading(&e, &t, undecided));
        print!("{}", render::terminal(&t));
        for n in &notes {
            println!("  {n}");
        }
        if let Some(chart) = chart {
            println!();
            print!("{chart}");
        }
    }
    Ok(())
}

/// Each model's scores as the leaderboard keeps them: by dimension where the plan gives
/// dimensions, else by dataset, with every dataset's score.
fn results(e: &Evaluation, plan: Option<&Plan>) -> Result<Vec<NewResult>> {
    let has_dims = plan.is_some_and(|p| p.datasets.iter().any(|d| d.dimension.is_some()));
    let main = table(
        e,
        if has_dims {
            &By::Dimension
        } else {
            &By::Dataset
        },
        plan,
    )?;
    let by_dataset = table(e, &By::Dataset, plan)?;
    Ok(main
        .rows
        .iter()
        .zip(&by_dataset.rows)
        .enumerate()
        .map(|(m, (row, ds))| {
            let datasets: serde_json::Map<String, serde_json::Value> = by_dataset
                .columns
                .iter()
                .zip(&ds.cells)
                .map(|(c, cell)| (c.clone(), json!(cell.score)))
                .collect();
            let scores = json!({
                "average": row.average,
                "by": main.by,
                "columns": main.columns,
                "scores": row.cells.iter().map(|c| c.score).collect::<Vec<_>>(),
                "datasets": datasets,
            });
            let mut sha: Vec<&str> = e.answers.model_files[m]
                .iter()
                .map(|&f| e.answers.files[f].1.as_str())
                .collect();
            sha.sort_unstable();
            sha.dedup();
            NewResult {
                root_digest: e.release.digest.clone(),
                release: e.release.title.clone(),
                version: e.release.version.clone(),
                model: row.model.clone(),
                answers_sha256: sha.join(","),
                scores: scores.to_string(),
            }
        })
        .collect())
}

fn heading(e: &Evaluation, t: &Table, undecided: usize) -> String {
    format!(
        "{} {}, root digest {}: {} model(s) by {}{}",
        e.release.title,
        e.release.version,
        e.release.digest,
        t.rows.len(),
        t.by,
        if undecided > 0 {
            format!(" (PROVISIONAL: {undecided} undecided dispute(s) at the judges' mean)")
        } else {
            String::new()
        }
    )
}

/// What a reader of the table must know: missing datasets, unanswered items, responses to
/// another revision, and the answers files' hashes.
fn notes(e: &Evaluation, t: &Table, undecided: usize) -> Vec<String> {
    let mut out = Vec::new();
    for row in &t.rows {
        let mut missing: Vec<&str> = row
            .cells
            .iter()
            .flat_map(|c| c.missing.iter().map(String::as_str))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            out.push(format!(
                "{}: no answers for {} (shown as -, never averaged as zero)",
                row.model,
                missing.join(", ")
            ));
        }
    }
    for ((m, d), n) in &e.unanswered {
        out.push(format!(
            "{m}: {n} item(s) of {d} unanswered, counted as wrong (no score, all gold a false negative)"
        ));
    }
    for ((m, d), n) in &e.incomplete {
        out.push(format!(
            "{m}: {n} question(s) of {d} not answered in every presentation, counted as wrong"
        ));
    }
    if undecided > 0 {
        out.push(format!(
            "{undecided} undecided dispute(s) counted at the judges' mean: not final"
        ));
    }
    if e.other_revision > 0 {
        out.push(format!(
            "{} response(s) answer another revision than the released one and are not counted",
            e.other_revision
        ));
    }
    for (f, h) in &e.answers.files {
        out.push(format!("answers {f}: sha256:{h}"));
    }
    out
}
