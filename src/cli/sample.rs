//! `medcurate sample --plan PLAN --seed N --name NAME`: draw a draft sample;
//! `medcurate sample show NAME`: inspect it.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::domain::release::root_digest;
use crate::release::load_plan;
use crate::release::sample::{SampleReport, draw};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SampleArgs {
    #[command(subcommand)]
    pub show: Option<SampleCommand>,
    /// mlb, cmedexam-2800, or a plan file (schemas/plan.schema.json)
    #[arg(long)]
    pub plan: Option<String>,
    /// The seed: the same database, plan and seed give the same sample
    #[arg(long)]
    pub seed: Option<u64>,
    /// A name for the sample (later the release's name)
    #[arg(long)]
    pub name: Option<String>,
    /// Draw a draft of this name again
    #[arg(long)]
    pub replace: bool,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    /// The maintainer drawing it
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SampleCommand {
    /// Show a sample's report (and with --items, its items)
    Show {
        name: String,
        /// Also list every sampled item with its stratum
        #[arg(long)]
        items: bool,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the samples and releases
    List,
}

pub fn run(db: &Path, args: SampleArgs) -> Result<()> {
    match args.show {
        Some(SampleCommand::Show { name, items, json }) => show(db, &name, items, json),
        Some(SampleCommand::List) => list(db),
        None => {
            let (Some(plan), Some(seed), Some(name)) = (args.plan, args.seed, args.name) else {
                bail!(
                    "give --plan PLAN --seed N --name NAME (e.g. --plan mlb --seed 1 --name mlb-v1)"
                );
            };
            let (plan, plan_ref) = load_plan(&plan)?;
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, args.as_id.as_deref(), Role::Maintainer)?;
            let report = draw(
                &mut store,
                &me.id,
                &plan,
                &plan_ref,
                seed,
                &name,
                args.replace,
            )?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render(&report, "kept as a draft"));
            }
            Ok(())
        }
    }
}

fn show(db: &Path, name: &str, items: bool, json: bool) -> Result<()> {
    let store = Store::open_existing(db)?;
    let Some(s) = store.sample(name)? else {
        bail!("there is no sample {name}; `medcurate sample list` lists them");
    };
    let report: SampleReport =
        serde_json::from_str(&s.report).context("reading the sample's report")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let state = match &s.release {
            Some((v, at, by)) => {
                let digest = store
                    .release_files(name)?
                    .and_then(|(_, files)| {
                        files
                            .into_iter()
                            .find(|f| f.path == "datapackage.json")
                            .map(|f| root_digest(&f.bytes))
                    })
                    .unwrap_or_else(|| "(none)".into());
                format!("frozen as version {v} by {by} at {at}, root digest {digest}")
            }
            None => format!("a draft drawn by {} at {}", s.created_by, s.created_at),
        };
        print!("{}", render(&report, &state));
    }
    if items {
        for (dataset, id, stratum) in store.sample_item_ids(name)? {
            println!("{dataset}\t{id}\t{stratum}");
        }
    }
    Ok(())
}

fn list(db: &Path) -> Result<()> {
    let store = Store::open_existing(db)?;
    let all = store.samples()?;
    if all.is_empty() {
        println!(
            "no samples yet; draw one with `medcurate sample --plan mlb --seed 1 --name NAME`"
        );
    }
    for s in all {
        let state = match &s.release {
            Some((v, _, _)) => format!("release {v}"),
            None => "draft".into(),
        };
        println!(
            "{}\t{}\tplan {}\tseed {}\t{} items\t{}",
            s.name, state, s.plan_name, s.seed, s.items, s.created_at
        );
    }
    Ok(())
}

/// The report as text: per dataset target against achieved, per difficulty and per
/// stratum, and every shortfall.
pub fn render(r: &SampleReport, state: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Sample {}: plan {} ({}), seed {}: {} of {} items; {state}",
        r.sample,
        r.plan,
        r.plan_source,
        r.seed,
        r.achieved(),
        r.target()
    );
    for d in &r.datasets {
        let _ = writeln!(
            s,
            "\n{} ({}): {} of {} from {} accepted",
            d.dataset, d.kind, d.achieved, d.target, d.pool
        );
        if !d.difficulties.is_empty() {
            let _ = writeln!(
                s,
                "  {:<10} {:>7} {:>7} {:>9}",
                "difficulty", "pool", "target", "achieved"
            );
            for l in &d.difficulties {
                let _ = writeln!(
                    s,
                    "  {:<10} {:>7} {:>7} {:>9}",
                    l.difficulty,
                    l.pool,
                    l.target.map_or("-".into(), |t| t.to_string()),
                    l.achieved
                );
            }
        }
        if !d.strata.is_empty() {
            let keys = if d.keys.is_empty() {
                "none".to_string()
            } else {
                d.keys.join(", ")
            };
            let _ = writeln!(
                s,
                "  strata by {keys} ({} swaps within strata, {} across)",
                d.swaps_within, d.swaps_across
            );
            for l in &d.strata {
                let _ = writeln!(
                    s,
                    "    {:<44} pool {:>6}  quota {:>5}  achieved {:>5}",
                    l.stratum, l.pool, l.quota, l.achieved
                );
            }
        }
        for f in &d.shortfalls {
            let _ = writeln!(s, "  shortfall: {f}");
        }
    }
    s
}
