//! `medcurate release verify DIR`: every file against `datapackage.json`, and the release as
//! a whole against a cited root digest or the release stored in the database.

use crate::domain::hash::sha256_hex;
use crate::domain::release::{card_for_hash, root_digest};
use crate::files::user;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// What a verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Files checked and items counted.
    pub files: usize,
    pub items: u64,
    /// The root digest: `sha256:` and the SHA-256 of `datapackage.json` as found.
    pub digest: String,
    /// The release's name as `datapackage.json` gives it (its `title`).
    pub title: Option<String>,
    /// Every difference, naming the file.
    pub problems: Vec<String>,
}

fn check_file(
    dir: &Path,
    path: &str,
    bytes_want: Option<u64>,
    hash_want: Option<&str>,
    v: &mut Verification,
) -> Option<Vec<u8>> {
    let full = dir.join(path);
    let Ok(bytes) = user::read(&full) else {
        v.problems.push(format!("{path}: missing"));
        return None;
    };
    v.files += 1;
    if let Some(want) = bytes_want
        && bytes.len() as u64 != want
    {
        v.problems.push(format!(
            "{path}: {} bytes, datapackage.json says {want}",
            bytes.len()
        ));
    }
    match hash_want {
        Some(h) => {
            let got = format!("sha256:{}", sha256_hex(&bytes));
            if got != h {
                v.problems
                    .push(format!("{path}: hash {got}, datapackage.json says {h}"));
            }
        }
        None => v
            .problems
            .push(format!("{path}: datapackage.json gives no hash")),
    }
    Some(bytes)
}

/// The card: its size and hash as datapackage.json gives them (the hash taken with the root
/// digest written as zeros), and the root digest it gives against datapackage.json's own.
fn check_card(dir: &Path, path: &str, card: &Value, v: &mut Verification) {
    let Ok(bytes) = user::read(&dir.join(path)) else {
        v.problems.push(format!("{path}: missing"));
        return;
    };
    v.files += 1;
    if let Some(want) = card["bytes"].as_u64()
        && bytes.len() as u64 != want
    {
        v.problems.push(format!(
            "{path}: {} bytes, datapackage.json says {want}",
            bytes.len()
        ));
    }
    let (covered, given) = card_for_hash(&bytes);
    match card["hash"].as_str() {
        Some(h) => {
            let got = format!("sha256:{}", sha256_hex(&covered));
            if got != h {
                v.problems
                    .push(format!("{path}: hash {got}, datapackage.json says {h}"));
            }
        }
        None => v
            .problems
            .push(format!("{path}: datapackage.json gives no hash")),
    }
    if let Some(given) = given
        && !given.eq_ignore_ascii_case(&v.digest)
    {
        v.problems.push(format!(
            "{path}: gives the root digest {given}, but datapackage.json's is {}",
            v.digest
        ));
    }
}

/// Checks every listed file's size and SHA-256, each JSONL file's line count, that each line is a JSON item,
/// ids sorted and unique, the total count, and that no unlisted file is present.
pub fn verify(dir: &Path) -> Result<Verification> {
    let pkg_path = dir.join("datapackage.json");
    let raw = user::read(&pkg_path).with_context(|| {
        format!(
            "reading {}: is {} a release directory?",
            pkg_path.display(),
            dir.display()
        )
    })?;
    let pkg: Value = serde_json::from_slice(&raw)
        .with_context(|| format!("{} is not valid JSON", pkg_path.display()))?;
    let Some(resources) = pkg["resources"].as_array() else {
        bail!("{}: no `resources` list", pkg_path.display());
    };
    let mut v = Verification {
        digest: root_digest(&raw),
        title: pkg["title"].as_str().map(str::to_string),
        ..Verification::default()
    };
    let mut listed: BTreeSet<String> = BTreeSet::from(["datapackage.json".to_string()]);
    for r in resources {
        let Some(path) = r["path"].as_str() else {
            v.problems
                .push("datapackage.json: a resource without a path".into());
            continue;
        };
        listed.insert(path.to_string());
        let Some(bytes) = check_file(dir, path, r["bytes"].as_u64(), r["hash"].as_str(), &mut v)
        else {
            continue;
        };
        // Task files (YAML, JSON) are checked by size and hash; only item files count
        // towards the release's items (older releases name no role: all item files).
        let role = r["role"].as_str().unwrap_or("items");
        if r["format"].as_str().is_some_and(|f| f != "jsonl") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        let mut count = 0u64;
        let mut last: Option<String> = None;
        for (n, line) in text.lines().enumerate() {
            count += 1;
            match serde_json::from_str::<Value>(line) {
                Ok(item) => {
                    let id = item["id"].as_str().unwrap_or("").to_string();
                    if let Some(prev) = &last
                        && *prev >= id
                    {
                        v.problems.push(format!(
                            "{path}:{}: id {id:?} is not after {prev:?}; items are sorted by id, each once",
                            n + 1
                        ));
                    }
                    last = Some(id);
                }
                Err(e) => v
                    .problems
                    .push(format!("{path}:{}: not a JSON item ({e})", n + 1)),
            }
        }
        if role == "items" {
            v.items += count;
        }
        match r["count"].as_u64() {
            Some(want) if want != count => v.problems.push(format!(
                "{path}: {count} items, datapackage.json says {want}"
            )),
            None => v
                .problems
                .push(format!("{path}: datapackage.json gives no count")),
            _ => {}
        }
    }
    let card = &pkg["medcurate"]["card"];
    if let Some(path) = card["path"].as_str() {
        listed.insert(path.to_string());
        check_card(dir, path, card, &mut v);
    }
    if let Some(total) = pkg["medcurate"]["count"].as_u64()
        && total != v.items
    {
        v.problems.push(format!(
            "the files hold {} items, datapackage.json says {total}",
            v.items
        ));
    }
    for (entry, _) in user::list_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !listed.contains(&name) {
            v.problems.push(format!(
                "{name}: not part of the release (not in datapackage.json)"
            ));
        }
    }
    Ok(v)
}

/// A root digest as a person gives it: `sha256:` and 64 hex digits, in lower case.
pub fn parse_digest(text: &str) -> Result<String> {
    let t = text.trim();
    match t.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            Ok(format!("sha256:{}", hex.to_ascii_lowercase()))
        }
        _ => bail!(
            "--digest {text:?} is not a root digest: give `sha256:` and 64 hex digits, as \
             `release freeze` printed it and the dataset card (README.md) gives it"
        ),
    }
}

/// The cited root digest against the one found.
pub fn check_digest(v: &mut Verification, cited: &str) {
    if v.digest != cited {
        v.problems.push(format!(
            "datapackage.json: root digest {}, but the cited digest is {cited}: this is not the \
             release that was cited",
            v.digest
        ));
    }
}

/// The directory against the release the database keeps: the one with this root digest,
/// else the one named as datapackage.json's title. Returns the release it was compared with,
/// as "NAME VERSION", if there was one.
pub fn check_stored(dir: &Path, store: &Store, v: &mut Verification) -> Result<Option<String>> {
    let name = match store.release_by_digest(&v.digest)? {
        Some((name, _)) => name,
        None => {
            let Some(title) = v.title.clone() else {
                v.problems.push(format!(
                    "the database keeps no release with root digest {}, and datapackage.json \
                     names none (no `title`)",
                    v.digest
                ));
                return Ok(None);
            };
            title
        }
    };
    let Some((version, files)) = store.release_files(&name)? else {
        v.problems.push(format!(
            "the database keeps no release with root digest {} nor one named {name:?}",
            v.digest
        ));
        return Ok(None);
    };
    let what = format!("{name} {version}");
    for f in &files {
        match user::read(&dir.join(&f.path)) {
            Ok(bytes) if bytes == f.bytes => {}
            Ok(_) => v.problems.push(format!(
                "{}: differs from the stored release {what}",
                f.path
            )),
            Err(_) => v.problems.push(format!(
                "{}: missing (the stored release {what} has it)",
                f.path
            )),
        }
    }
    for (entry, _) in user::list_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let file = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !files.iter().any(|f| f.path == file) {
            v.problems
                .push(format!("{file}: not in the stored release {what}"));
        }
    }
    Ok(Some(what))
}
