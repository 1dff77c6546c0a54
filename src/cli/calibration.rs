//! `medcurate calibration import FILE [--plan PLAN]`: calibration models' results, and the
//! difficulty they give.

use crate::cli::identity::act_as;
use crate::cli::problems;
use crate::domain::people::Role;
use crate::import::calibration::read_calibration_all;
use crate::import::rows::all_problems;
use crate::release::load_plan;
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CalibrationCommand {
    /// Import results (one JSON line per item and model: dataset, item, model, and choice,
    /// f1 or score) and rate every item that has a result from each of the plan's models
    Import {
        /// The results file
        file: PathBuf,
        /// The plan whose calibration models and thresholds apply: mlb, cmedexam-2800 or a
        /// plan file
        #[arg(long, default_value = "mlb")]
        plan: String,
        /// The maintainer importing
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, cmd: CalibrationCommand) -> Result<()> {
    let CalibrationCommand::Import { file, plan, as_id } = cmd;
    let (plan, plan_ref) = load_plan(&plan)?;
    if plan.calibration_models.is_empty() {
        bail!(
            "the plan {plan_ref} names no calibration models, so it rates no difficulty; give a plan that does (e.g. --plan mlb)"
        );
    }
    let mut store = Store::open_existing(db)?;
    let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
    let read = read_calibration_all(&file)?;
    let shown = file.display().to_string();
    if !read.problems.is_empty() {
        // The readable lines are checked too, so the file is fixed in one round.
        let refused = store.check_calibration(&read.rows, &plan.calibration_models)?;
        let all = all_problems(&shown, read.unit, &read.problems, &refused);
        problems::print(&all);
        bail!("{} problem(s); nothing was imported", all.len());
    }
    match store.import_calibration(
        &me.id,
        &read.rows,
        &plan.calibration_models,
        &plan.thresholds(),
    )? {
        Ok(s) => {
            let rated: Vec<String> = s
                .rated
                .iter()
                .map(|(d, n)| format!("{n} {}", d.as_str()))
                .collect();
            println!(
                "{} result(s) for {} item(s) under {plan_ref}: {} rated ({}), {} changed; {} still lack a result from one of the {} models and keep their difficulty",
                s.results,
                s.items,
                s.rated.values().sum::<usize>(),
                if rated.is_empty() {
                    "none".into()
                } else {
                    rated.join(", ")
                },
                s.changed,
                s.incomplete,
                plan.calibration_models.len()
            );
            Ok(())
        }
        Err(refused) => {
            problems::print(&all_problems(&shown, read.unit, &[], &refused));
            bail!("{} line(s) refused; nothing was imported", refused.len());
        }
    }
}
