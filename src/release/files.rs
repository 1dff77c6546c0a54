//! Writing a release directory: all of it or none of it.

use crate::domain::release::ReleaseFile;
use crate::files::user;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Writes `files` into `dir`, which must not exist or be empty. The files are written into
/// a sibling directory first and renamed into place, so `dir` never holds half a release.
pub fn write_dir(dir: &Path, files: &[ReleaseFile]) -> Result<()> {
    if user::exists(dir) {
        let entries = user::list_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if !entries.is_empty() {
            bail!(
                "{} is not empty; give a new or empty directory (a release is never written over other files)",
                dir.display()
            );
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .with_context(|| format!("{} is not a directory name", dir.display()))?;
    let tmp = parent.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        user::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        for f in files {
            let path = tmp.join(&f.path);
            user::write(&path, &f.bytes)
                .with_context(|| format!("writing {}", dir.join(&f.path).display()))?;
        }
        if user::exists(dir) {
            user::remove_dir(dir).with_context(|| format!("replacing {}", dir.display()))?;
        }
        user::rename(&tmp, dir).with_context(|| format!("writing {}", dir.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = user::remove_dir_all(&tmp);
    }
    result
}
