//! `medcurate init`

use crate::store::Store;
use anyhow::Result;
use std::path::Path;

pub fn run(db: &Path) -> Result<()> {
    let existed = db.exists();
    let store = Store::open(db)?;
    let verb = if existed { "is ready" } else { "created" };
    println!(
        "database {} {verb} (schema version {})",
        store.path().display(),
        store.schema_version()?
    );
    if !existed {
        println!("next: medcurate people add ID --name NAME --role maintainer");
        println!("      medcurate import FILE.jsonl --dataset NAME");
    }
    Ok(())
}
