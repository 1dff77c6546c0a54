//! Files a person names, opened with that person's rights (see [`super::as_person`]).
//!
//! Nothing written here may land on the database, beside it (its `-wal`, `-shm`,
//! `-journal`), or, on a shared host, anywhere in the data directory: [`protect`] names them
//! once the database is known, and every write checks against them.

use super::rights::{as_person, is_setuid, person_umask};
use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

struct Protected {
    /// The database and its sidecar files, as given and as resolved.
    files: Vec<PathBuf>,
    /// Directories nothing may be written into (the data directory on a shared host).
    dirs: Vec<PathBuf>,
}

static PROTECTED: OnceLock<Protected> = OnceLock::new();

/// Names the database (and, on a shared host, its directory) that no output may touch.
/// The first call wins: one process serves one database.
pub fn protect(db: &Path, data_dir: Option<&Path>) {
    let mut files = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        files.push(lexical(&p));
        files.push(resolved(&p));
    }
    let dirs = data_dir
        .map(|d| vec![lexical(d), resolved(d)])
        .unwrap_or_default();
    let _ = PROTECTED.set(Protected { files, dirs });
}

/// An absolute path with `.` and `..` folded, without asking the file system.
fn lexical(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The path with every symlink resolved: the deepest existing ancestor, canonicalized, with
/// the rest appended. Falls back to the lexical form where nothing can be resolved.
fn resolved(path: &Path) -> PathBuf {
    let abs = lexical(path);
    let mut tail = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(cur) {
            let mut out = c;
            for part in tail.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses a write to a protected path.
pub fn check_writable(path: &Path) -> io::Result<()> {
    let Some(p) = PROTECTED.get() else {
        return Ok(());
    };
    let forms = [lexical(path), resolved(path)];
    for form in &forms {
        if p.files.iter().any(|f| f == form) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "that is the workspace's database (or one of its own files); write somewhere else",
            ));
        }
        if p.dirs.iter().any(|d| form.starts_with(d)) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "that is inside the workspace's data directory, which holds only the database; write somewhere else",
            ));
        }
    }
    Ok(())
}

/// Opens a file for reading.
pub fn open(path: &Path) -> io::Result<File> {
    as_person(|| File::open(path))
}

pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    as_person(|| fs::read(path))
}

pub fn read_to_string(path: &Path) -> io::Result<String> {
    as_person(|| fs::read_to_string(path))
}

pub fn metadata(path: &Path) -> io::Result<Metadata> {
    as_person(|| fs::metadata(path))
}

/// True when the path names something the person can see.
pub fn exists(path: &Path) -> bool {
    metadata(path).is_ok()
}

/// A directory's entries: each one's path and whether it is a directory (following symlinks).
pub fn list_dir(path: &Path) -> io::Result<Vec<(PathBuf, bool)>> {
    as_person(|| {
        let mut out = Vec::new();
        for entry in fs::read_dir(path)? {
            let entry = entry?;
            let p = entry.path();
            let is_dir = fs::metadata(&p).map(|m| m.is_dir()).unwrap_or(false);
            out.push((p, is_dir));
        }
        Ok(out)
    })
}

fn file_mode() -> u32 {
    0o666 & !person_umask()
}

/// Creates (or truncates) a file for writing.
pub fn create(path: &Path) -> io::Result<File> {
    check_writable(path)?;
    as_person(|| {
        let new = fs::symlink_metadata(path).is_err();
        let f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(file_mode())
            .open(path)?;
        if new && is_setuid() {
            // The process's own umask (077 when setuid) narrowed the mode; give the file
            // the mode the person's umask gives, as their own tools would.
            f.set_permissions(fs::Permissions::from_mode(file_mode()))?;
        }
        Ok(f)
    })
}

/// True when both paths name the same file (device and inode), as the person sees them.
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (metadata(a), metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Writes a whole file.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Creates a directory and its missing parents.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    check_writable(path)?;
    let mode = 0o777 & !person_umask();
    as_person(|| {
        let missing: Vec<&Path> = path
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
            .collect();
        fs::DirBuilder::new()
            .recursive(true)
            .mode(mode)
            .create(path)?;
        if is_setuid() {
            // As in `create`: the mode the person's umask gives, not the process's.
            for dir in missing {
                fs::set_permissions(dir, fs::Permissions::from_mode(mode))?;
            }
        }
        Ok(())
    })
}

pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    check_writable(to)?;
    as_person(|| fs::rename(from, to))
}

pub fn remove_file(path: &Path) -> io::Result<()> {
    check_writable(path)?;
    as_person(|| fs::remove_file(path))
}

pub fn remove_dir(path: &Path) -> io::Result<()> {
    check_writable(path)?;
    as_person(|| fs::remove_dir(path))
}

pub fn remove_dir_all(path: &Path) -> io::Result<()> {
    check_writable(path)?;
    as_person(|| fs::remove_dir_all(path))
}

/// Writes `path` through a temporary file beside it, renamed into place only when complete.
pub fn write_atomically<T>(
    path: &Path,
    fill: impl FnOnce(&mut io::BufWriter<File>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    use anyhow::Context;
    check_writable(path).with_context(|| format!("writing {}", path.display()))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let result = (|| {
        let file = create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut w = io::BufWriter::new(file);
        let value = fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_folds_dots() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
    }

    #[test]
    fn resolved_appends_what_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            resolved(&dir.path().join("x/y.jsonl")),
            real.join("x").join("y.jsonl")
        );
    }
}
