//! `medcurate plan check PLAN [--json]`: can the accepted pool meet the plan?

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::release::load_plan;
use crate::release::plan_check::check;
use crate::store::Store;
use anyhow::Result;
use clap::Subcommand;
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Per dataset: the target, the accepted pool by difficulty and by each sampling key,
    /// and where the pool cannot meet the plan
    Check {
        /// mlb, cmedexam-2800, or a plan file (schemas/plan.schema.json)
        plan: String,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// The maintainer checking it
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
}

pub fn run(db: &Path, cmd: PlanCommand) -> Result<()> {
    let PlanCommand::Check { plan, json, as_id } = cmd;
    let (plan, plan_ref) = load_plan(&plan)?;
    let store = Store::open_existing(db)?;
    act_as(&store, as_id.as_deref(), Role::Maintainer)?;
    let checks = check(&store, &plan)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
        return Ok(());
    }
    let mut s = String::new();
    let gaps = checks.iter().filter(|c| !c.gaps.is_empty()).count();
    let _ = writeln!(
        s,
        "Plan {} ({plan_ref}): {} datasets, {} items wanted; {} dataset(s) cannot meet it yet",
        plan.name,
        checks.len(),
        checks.iter().map(|c| c.target).sum::<u64>(),
        gaps
    );
    for c in &checks {
        let _ = writeln!(
            s,
            "\n{} ({}): {} wanted, {} accepted",
            c.dataset, c.kind, c.target, c.pool
        );
        if c.found {
            let parts: Vec<String> = c
                .difficulties
                .iter()
                .map(|(d, n, want)| match want {
                    Some(w) => format!("{d} {n}/{w}"),
                    None => format!("{d} {n}"),
                })
                .collect();
            let _ = writeln!(s, "  difficulty: {}", parts.join(", "));
            for (key, values) in &c.keys {
                let mut v: Vec<(&String, &u64)> = values.iter().collect();
                v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let parts: Vec<String> = v.iter().map(|(k, n)| format!("{k} {n}")).collect();
                let _ = writeln!(s, "  {key}: {}", parts.join(", "));
            }
        }
        for g in &c.gaps {
            let _ = writeln!(s, "  cannot meet: {g}");
        }
    }
    print!("{s}");
    Ok(())
}
