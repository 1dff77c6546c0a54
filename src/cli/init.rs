//! `medcurate init`

use crate::cli::identity::{first_maintainer, os_account};
use crate::files::service;
use crate::store::{Store, location};
use anyhow::Result;
use std::path::Path;

pub fn run(db: &Path) -> Result<()> {
    let existed = match location::postgres_url(db) {
        // A server's database exists before medcurate: what matters is its schema.
        Some(_) => Store::open_existing(db).is_ok(),
        None => service::exists(db),
    };
    let store = Store::open(db)?;
    let verb = if existed { "is ready" } else { "created" };
    println!(
        "database {} {verb} (schema version {})",
        store.location(),
        store.schema_version()?
    );
    if let Some(id) = first_maintainer(&store)? {
        println!(
            "{id} (the OS account {}) is its first maintainer",
            os_account()
        );
    }
    if !existed {
        println!("next: medcurate people add ID --name NAME --role annotator");
        println!("      medcurate import FILE.jsonl --dataset NAME");
    }
    Ok(())
}
