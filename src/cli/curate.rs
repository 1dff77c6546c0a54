//! `medcurate curate [--as ID]`: the curation screen; `--reopen DATASET/ID --reason TEXT`
//! sends a decided item back to the curation queue without it.

use crate::cli::identity::act_as;
use crate::domain::curation::Decision;
use crate::domain::departments::taxonomy;
use crate::domain::people::Role;
use crate::store::{REASON_IDS, Store};
use crate::tui::CurateOptions;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use std::path::Path;

#[derive(Debug, Args)]
pub struct CurateArgs {
    /// The registered curator to act as [default: `identity` in the config file, else the
    /// person bound to your OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
    /// Show only this dataset's items
    #[arg(long)]
    pub dataset: Option<String>,
    /// Show only items sent to curation for this reason: criteria_disagree, both_failed,
    /// departments_disagree, correction_proposed or reopened. With --reopen: why the item is
    /// reopened, in words
    #[arg(long)]
    pub reason: Option<String>,
    /// Show only items where a reviewer chose this department (id, English or Chinese name)
    #[arg(long)]
    pub department: Option<String>,
    /// Hide reviewers' names (shown as Reviewer 1 and Reviewer 2)
    #[arg(long)]
    pub anonymous: bool,
    /// Reopen this accepted or discarded item (DATASET/ID): it goes back to the curation
    /// queue; no screen opens
    #[arg(long, value_name = "DATASET/ID", requires = "reason",
          conflicts_with_all = ["dataset", "department", "anonymous"])]
    pub reopen: Option<String>,
}

pub fn run(db: &Path, args: CurateArgs) -> Result<()> {
    let mut store = Store::open_existing(db)?;
    let person = act_as(&store, args.as_id.as_deref(), Role::Curator)?;
    if let (Some(item), Some(reason)) = (&args.reopen, &args.reason) {
        return reopen(&mut store, &person.id, item, reason);
    }
    if let Some(ds) = &args.dataset {
        store.check_dataset(ds)?;
    }
    if let Some(r) = &args.reason
        && !REASON_IDS.contains(&r.as_str())
    {
        bail!(
            "--reason {r:?} is not a curation reason; use one of {}",
            REASON_IDS.join(", ")
        );
    }
    let department = args
        .department
        .as_deref()
        .map(|d| {
            taxonomy()
                .resolve(d)
                .map(str::to_string)
                .map_err(|e| anyhow!("--department: {e}"))
        })
        .transpose()?;
    drop(store);
    crate::cli::need_terminal("curation")?;
    crate::tui::run_curate(
        db,
        person,
        CurateOptions {
            dataset: args.dataset,
            reason: args.reason,
            department,
            anonymous: args.anonymous,
        },
    )
}

/// `--reopen DATASET/ID --reason TEXT`: the item goes back to the curation queue.
fn reopen(store: &mut Store, curator: &str, item: &str, reason: &str) -> Result<()> {
    let Some((dataset, id)) = item.split_once('/') else {
        bail!("give the item to reopen as DATASET/ID, e.g. CMExam/cmexam:17 (got {item:?})");
    };
    let Some(current) = store.item(dataset, id)? else {
        bail!("there is no item {dataset}/{id}; `medcurate items --dataset {dataset}` lists them");
    };
    store.decide(
        curator,
        dataset,
        id,
        current.revision_no,
        Decision::Reopen {
            reason: reason.to_string(),
        },
    )?;
    println!(
        "Reopened {dataset}/{id} (revision {}, {}): it is back in the curation queue. \
         `medcurate curate` decides it again.",
        current.revision_no, current.state
    );
    Ok(())
}
