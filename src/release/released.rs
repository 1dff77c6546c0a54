//! A frozen release directory read back for scoring: verified first, so every figure rests on
//! the bytes its root digest names.

use super::verify::verify;
use crate::domain::item::Content;
use crate::files::user;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One released item as scoring needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleasedItem {
    pub dataset: String,
    pub id: String,
    pub revision: i64,
    pub content: Content,
    /// The option orders of its presentations (mcq only).
    pub orders: Vec<Vec<String>>,
    pub difficulty: Option<String>,
    pub departments: Vec<String>,
    pub attributes: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Released {
    pub title: String,
    pub version: String,
    /// The root digest, `sha256:...`.
    pub digest: String,
    /// The plan as the release names it: its name and where it came from.
    pub plan_name: String,
    pub plan_source: String,
    /// Datasets in file order, each item in id order.
    pub datasets: Vec<String>,
    pub items: Vec<ReleasedItem>,
}

/// Reads and verifies the release in `dir`; refused if any file differs from
/// `datapackage.json`.
pub fn read(dir: &Path) -> Result<Released> {
    let v = verify(dir)?;
    if !v.problems.is_empty() {
        let shown: Vec<&str> = v.problems.iter().take(5).map(String::as_str).collect();
        bail!(
            "{} does not match its datapackage.json ({}); scores are only given on a release \
             that verifies: see `medcurate release verify {}`",
            dir.display(),
            shown.join("; "),
            dir.display()
        );
    }
    let pkg_path = dir.join("datapackage.json");
    let pkg: Value = serde_json::from_slice(
        &user::read(&pkg_path).with_context(|| format!("reading {}", pkg_path.display()))?,
    )
    .with_context(|| format!("{} is not valid JSON", pkg_path.display()))?;
    let mut out = Released {
        title: pkg["title"].as_str().unwrap_or("").to_string(),
        version: pkg["version"].as_str().unwrap_or("").to_string(),
        digest: v.digest,
        plan_name: pkg["medcurate"]["plan"].as_str().unwrap_or("").to_string(),
        plan_source: pkg["medcurate"]["plan_source"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        datasets: Vec::new(),
        items: Vec::new(),
    };
    let resources = pkg["resources"].as_array().cloned().unwrap_or_default();
    for r in resources
        .iter()
        .filter(|r| r["role"].as_str().unwrap_or("items") == "items")
    {
        let path = r["path"].as_str().unwrap_or("");
        let bytes = user::read(&dir.join(path)).with_context(|| format!("reading {path}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut dataset = None;
        for (n, line) in text.lines().enumerate() {
            let at = || format!("{path}:{}", n + 1);
            let v: Value =
                serde_json::from_str(line).with_context(|| format!("{}: not JSON", at()))?;
            let content: Content = serde_json::from_value(v.clone())
                .with_context(|| format!("{}: not an item medcurate can score", at()))?;
            let name = v["dataset"].as_str().unwrap_or("").to_string();
            dataset.get_or_insert_with(|| name.clone());
            out.items.push(ReleasedItem {
                dataset: name,
                id: v["id"].as_str().unwrap_or("").to_string(),
                revision: v["provenance"]["revision"].as_i64().unwrap_or(0),
                content,
                orders: serde_json::from_value(v["option_permutations"].clone())
                    .unwrap_or_default(),
                difficulty: v["difficulty"].as_str().map(str::to_string),
                departments: serde_json::from_value(v["departments"].clone()).unwrap_or_default(),
                attributes: serde_json::from_value(v["attributes"].clone()).unwrap_or_default(),
            });
        }
        if let Some(d) = dataset {
            out.datasets.push(d);
        }
    }
    Ok(out)
}
