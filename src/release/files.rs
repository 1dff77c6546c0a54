//! Writing a release directory: all of it or none of it.

use crate::domain::release::ReleaseFile;
use crate::files::user;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// A release directory being written: the files go into a hidden sibling first and are renamed
/// into place, so the directory never holds half a release. Preparing it first checks that
/// the directory can be written before anything is frozen.
pub struct ReleaseDir {
    dir: PathBuf,
    tmp: PathBuf,
    done: bool,
}

impl ReleaseDir {
    /// Checks that `dir` is new or empty and writable (by creating its hidden sibling).
    pub fn prepare(dir: &Path) -> Result<ReleaseDir> {
        if user::exists(dir) {
            let entries =
                user::list_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
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
        user::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(ReleaseDir {
            dir: dir.to_path_buf(),
            tmp,
            done: false,
        })
    }

    /// Writes `files` and renames the directory into place.
    pub fn write(mut self, files: &[ReleaseFile]) -> Result<()> {
        let dir = &self.dir;
        for f in files {
            let path = self.tmp.join(&f.path);
            user::write(&path, &f.bytes)
                .with_context(|| format!("writing {}", dir.join(&f.path).display()))?;
        }
        if user::exists(dir) {
            user::remove_dir(dir).with_context(|| format!("replacing {}", dir.display()))?;
        }
        user::rename(&self.tmp, dir).with_context(|| format!("writing {}", dir.display()))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for ReleaseDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = user::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes `files` into `dir`, which must not exist or be empty.
pub fn write_dir(dir: &Path, files: &[ReleaseFile]) -> Result<()> {
    ReleaseDir::prepare(dir)?.write(files)
}
