//! `medcurate review [--as ID] [--dataset NAME]`: the review screen.

use crate::cli::identity::act_as;
use crate::domain::people::Role;
use crate::store::Store;
use anyhow::Result;
use clap::Args;
use std::path::Path;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The registered annotator to review as [default: `identity` in the config file, else
    /// the person bound to your OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
    /// Review only this dataset
    #[arg(long)]
    pub dataset: Option<String>,
}

pub fn run(db: &Path, args: ReviewArgs) -> Result<()> {
    crate::cli::need_terminal("review")?;
    let store = Store::open_existing(db)?;
    let person = act_as(&store, args.as_id.as_deref(), Role::Annotator)?;
    if let Some(ds) = &args.dataset {
        store.check_dataset(ds)?;
    }
    drop(store);
    crate::tui::run_review(db, person, args.dataset)
}
