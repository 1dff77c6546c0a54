//! `medcurate release verify DIR`: every file against `datapackage.json`.

use crate::domain::hash::sha256_hex;
use crate::files::user;
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

/// Checks every listed file's size, SHA-256 and item count, that each line is a JSON item,
/// ids sorted and unique, the total count, and that no unlisted file is present.
pub fn verify(dir: &Path) -> Result<Verification> {
    let pkg_path = dir.join("datapackage.json");
    let text = user::read_to_string(&pkg_path).with_context(|| {
        format!(
            "reading {}: is {} a release directory?",
            pkg_path.display(),
            dir.display()
        )
    })?;
    let pkg: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", pkg_path.display()))?;
    let Some(resources) = pkg["resources"].as_array() else {
        bail!("{}: no `resources` list", pkg_path.display());
    };
    let mut v = Verification::default();
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
        v.items += count;
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
        check_file(
            dir,
            path,
            card["bytes"].as_u64(),
            card["hash"].as_str(),
            &mut v,
        );
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
