//! One rule for every `--out`: an existing file, or a folder that holds anything, is never
//! written over unless the person passes `--force`.

use crate::files::user;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// `--out FILE` refused when FILE exists, unless `force`; a folder is never replaced by a file.
pub fn check_file(out: &Path, force: bool) -> Result<()> {
    // The database and the data directory are refused first, with or without --force.
    user::check_writable(out).with_context(|| format!("writing {}", out.display()))?;
    if user::metadata(out).is_ok_and(|m| m.is_dir()) {
        bail!("{} is a folder; give a file name for --out", out.display());
    }
    if user::exists(out) && !force {
        bail!(
            "{} exists; pass --force to replace it, or give another --out",
            out.display()
        );
    }
    Ok(())
}

/// A release folder put aside while the new one is written, so a failure leaves the old one.
pub struct Replaced {
    out: PathBuf,
    aside: Option<PathBuf>,
}

/// `--out DIR` for a release: a new or empty folder, or, with `force`, a folder that holds a
/// release (its datapackage.json), which is put aside and replaced. Any other folder with
/// files in it is refused even with `--force`: they are not medcurate's to delete.
pub fn release_dir(out: &Path, force: bool) -> Result<Replaced> {
    let mut replaced = Replaced {
        out: out.to_path_buf(),
        aside: None,
    };
    if !user::exists(out) {
        return Ok(replaced);
    }
    let entries = user::list_dir(out).with_context(|| format!("reading {}", out.display()))?;
    if entries.is_empty() {
        return Ok(replaced);
    }
    if !force {
        bail!(
            "{} is not empty; pass --force to replace the release in it, or give a new or empty folder",
            out.display()
        );
    }
    if !user::exists(&out.join("datapackage.json")) {
        bail!(
            "{} holds files but no release (no datapackage.json); --force replaces only a release folder: give a new or empty folder",
            out.display()
        );
    }
    let name = out
        .file_name()
        .with_context(|| format!("{} is not a folder name", out.display()))?;
    let aside = out.with_file_name(format!(
        ".{}.replaced-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    user::rename(out, &aside).with_context(|| format!("moving {} aside", out.display()))?;
    replaced.aside = Some(aside);
    Ok(replaced)
}

impl Replaced {
    /// The new release is in place: the old one goes.
    pub fn done(mut self) -> Result<()> {
        if let Some(aside) = self.aside.take() {
            user::remove_dir_all(&aside)
                .with_context(|| format!("removing the replaced release {}", aside.display()))?;
        }
        Ok(())
    }
}

impl Drop for Replaced {
    /// Not done: the old release goes back where it was.
    fn drop(&mut self) {
        if let Some(aside) = self.aside.take() {
            let _ = user::remove_dir_all(&self.out);
            let _ = user::rename(&aside, &self.out);
        }
    }
}
