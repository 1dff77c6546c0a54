//! Sampling a plan and freezing, exporting and verifying releases: the steps that tie the
//! pure rules in `domain` to the store and to files on disk.

pub mod answers;
pub mod evaluate;
pub mod files;
pub mod freeze;
pub mod plan_check;
pub mod released;
pub mod sample;
pub mod verify;

use crate::domain::plan::{Plan, SHIPPED_PLANS};
use anyhow::{Context, Result, anyhow};
use std::path::Path;

/// A plan by the short name of a shipped one (`mlb`, `cmedexam-2800`) or by file path;
/// with the name it goes by in reports.
pub fn load_plan(arg: &str) -> Result<(Plan, String)> {
    if let Some((name, text)) = SHIPPED_PLANS.iter().find(|(n, _)| *n == arg) {
        let plan = Plan::parse(text, name).map_err(|e| anyhow!(e))?;
        return Ok((plan, name.to_string()));
    }
    let path = Path::new(arg);
    if !crate::files::user::exists(path) {
        let names: Vec<&str> = SHIPPED_PLANS.iter().map(|(n, _)| *n).collect();
        return Err(anyhow!(
            "there is no plan {arg:?}: give a plan file (schemas/plan.schema.json) or one of the shipped plans: {}",
            names.join(", ")
        ));
    }
    let text =
        crate::files::user::read_to_string(path).with_context(|| format!("reading {arg}"))?;
    let plan = Plan::parse(&text, arg).map_err(|e| anyhow!(e))?;
    let shown = path
        .file_name()
        .map_or(arg.to_string(), |f| f.to_string_lossy().into_owned());
    Ok((plan, shown))
}
