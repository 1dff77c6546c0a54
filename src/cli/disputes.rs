//! `medcurate disputes [--json]`: AI-judge disputes per dataset and model;
//! `medcurate disputes export`: the experts' decisions as training data.

use crate::cli::identity::act_as_any;
use crate::cli::reviews::write_atomically;
use crate::domain::judge_export::sft_example;
use crate::domain::people::Role;
use crate::store::Store;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DisputesArgs {
    #[command(subcommand)]
    pub command: Option<DisputesCommand>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Chat-messages JSONL (system, user, assistant) for fine-tuning a judge
    Sft,
    /// One plain JSON line per expert decision
    Decisions,
}

#[derive(Debug, Subcommand)]
pub enum DisputesCommand {
    /// Write every adjudicated dispute, ordered by dataset, item and model
    Export {
        #[arg(long, value_enum, default_value = "sft")]
        format: ExportFormat,
        /// The file to write (never half written); an existing one only with --force
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace the --out file if it exists
        #[arg(long)]
        force: bool,
        /// Only this dataset
        #[arg(long)]
        dataset: Option<String>,
        /// The curator or maintainer exporting
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, args: DisputesArgs) -> Result<()> {
    match args.command {
        None => list(db, args.json),
        Some(DisputesCommand::Export {
            format,
            out,
            force,
            dataset,
            as_id,
        }) => export(
            db,
            format,
            &out,
            force,
            dataset.as_deref(),
            as_id.as_deref(),
        ),
    }
}

fn list(db: &Path, json_out: bool) -> Result<()> {
    let store = Store::open_existing(db)?;
    let threshold = store.dispute_threshold()?;
    let rows = store.disputes()?;
    if json_out {
        let v: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({"dataset": r.dataset, "model": r.model, "responses": r.responses,
                       "disputes": r.disputes, "adjudicated": r.adjudicated,
                       "in_progress": r.in_progress})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"threshold": threshold, "counts": v}))?
        );
        return Ok(());
    }
    println!("Disputes: judge scores more than {threshold} apart");
    if rows.is_empty() {
        println!("no responses yet; import them with `medcurate responses import FILE`");
        return Ok(());
    }
    let wd = rows
        .iter()
        .map(|r| r.dataset.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let wm = rows
        .iter()
        .map(|r| r.model.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "{:<wd$}  {:<wm$}  {:>9}  {:>8}  {:>11}  {:>11}  {:>7}",
        "dataset", "model", "responses", "disputes", "adjudicated", "in progress", "waiting"
    );
    let (mut t, mut d, mut a, mut p) = (0, 0, 0, 0);
    for r in &rows {
        println!(
            "{:<wd$}  {:<wm$}  {:>9}  {:>8}  {:>11}  {:>11}  {:>7}",
            r.dataset,
            r.model,
            r.responses,
            r.disputes,
            r.adjudicated,
            r.in_progress,
            r.disputes.saturating_sub(r.adjudicated + r.in_progress)
        );
        (t, d, a, p) = (
            t + r.responses,
            d + r.disputes,
            a + r.adjudicated,
            p + r.in_progress,
        );
    }
    println!(
        "{:<wd$}  {:<wm$}  {t:>9}  {d:>8}  {a:>11}  {p:>11}  {:>7}",
        "all",
        "",
        d.saturating_sub(a + p)
    );
    Ok(())
}

fn export(
    db: &Path,
    format: ExportFormat,
    out: &Path,
    force: bool,
    dataset: Option<&str>,
    as_id: Option<&str>,
) -> Result<()> {
    let store = Store::open_existing(db)?;
    act_as_any(&store, as_id, &[Role::Curator, Role::Maintainer])?;
    crate::cli::out::check_file(out, force)?;
    let all = store.adjudicated_disputes(dataset)?;
    write_atomically(out, |w| {
        for d in &all {
            let line = match format {
                ExportFormat::Sft => sft_example(&d.body, &d.response, &d.decision),
                ExportFormat::Decisions => json!({
                    "dataset": d.dataset,
                    "item": d.item_id,
                    "revision": d.revision_no,
                    "model": d.model,
                    "expert": d.expert,
                    "points": d.decision.points.iter().map(|p| p.unwrap_or(false)).collect::<Vec<_>>(),
                    "score": d.decision.score,
                    "reason": d.decision.reason,
                    "judge_scores": d.judges.iter().map(|j| j.score).collect::<Vec<_>>(),
                    "submitted_at": d.submitted_at,
                }),
            };
            serde_json::to_writer(&mut *w, &line)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    println!(
        "wrote {} adjudicated dispute(s) as {} to {}",
        all.len(),
        match format {
            ExportFormat::Sft => "chat-messages training examples",
            ExportFormat::Decisions => "decisions",
        },
        out.display()
    );
    Ok(())
}
