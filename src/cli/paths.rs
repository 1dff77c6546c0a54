//! Where the database lives: `--db`, else `MEDCURATE_DB`, else the platform data directory.

use anyhow::{Context, Result};
use directories::ProjectDirs;
use std::path::PathBuf;

fn data_dir() -> Result<PathBuf> {
    let dirs = ProjectDirs::from("org", "medcurate", "medcurate").context(
        "cannot find a home directory for the data directory; pass --db PATH or set MEDCURATE_DB",
    )?;
    Ok(dirs.data_dir().to_path_buf())
}

/// The default database: `<data dir>/medcurate.db`.
pub fn default_db_path() -> Result<PathBuf> {
    Ok(data_dir()?.join("medcurate.db"))
}

/// The demo workspace's own database: `<data dir>/demo.db`.
pub fn demo_db_path() -> Result<PathBuf> {
    Ok(data_dir()?.join("demo.db"))
}
