//! A release's files, built from the pinned items alone: one JSONL file per dataset (items
//! sorted by id), a dataset card (README.md) and `datapackage.json` (Frictionless Data) with
//! every file's size, SHA-256 and count. Nothing here reads a clock, so the same items, plan
//! and seed give the same bytes.

mod card;
pub mod harness;
mod permutations;

pub use permutations::{PERMUTATIONS, option_permutations};

use super::agreement::{AgreementReport, Verdicts};
use super::hash::sha256_hex;
use super::item::{Content, Difficulty, ItemBody};
use super::review::{Criterion, ReviewContent, Verdict};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A submitted review behind a released item.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseReview {
    pub reviewer: String,
    pub submitted_at: String,
    pub content: ReviewContent,
}

/// The curator's decision behind a released item, if a curator accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseDecision {
    pub curator: String,
    pub at: String,
}

/// One item as pinned in the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseItem {
    pub dataset: String,
    pub id: String,
    pub revision_no: i64,
    pub content_hash: String,
    pub body: ItemBody,
    pub departments: Vec<String>,
    pub difficulty: Option<Difficulty>,
    pub reviews: Vec<ReleaseReview>,
    pub decision: Option<ReleaseDecision>,
}

/// Target against achieved for one dataset, from the sampling report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetSummary {
    pub dataset: String,
    pub kind: String,
    pub target: u64,
    pub achieved: u64,
    pub shortfalls: Vec<String>,
}

/// Everything a release is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseInput {
    pub name: String,
    pub version: String,
    /// The plan's own name (e.g. MLB) and where it came from (e.g. `mlb` or a file name).
    pub plan_name: String,
    pub plan_ref: String,
    pub difficulty_target: Option<(f64, f64, f64)>,
    pub seed: u64,
    pub datasets: Vec<DatasetSummary>,
    pub items: Vec<ReleaseItem>,
}

/// One file of a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A dataset name usable as a file name, or why not.
pub fn file_name(dataset: &str) -> Result<String, String> {
    let bad = dataset.is_empty()
        || dataset.starts_with('.')
        || dataset.chars().any(|c| {
            matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control()
        });
    if bad {
        return Err(format!(
            "dataset {dataset:?} cannot be a file name in a release; rename it"
        ));
    }
    Ok(format!("{dataset}.jsonl"))
}

/// A Frictionless name: lower case letters, digits, `-`, `_`, `.`.
fn slug(s: &str, fallback: &str) -> String {
    let out: String = s
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

fn verdicts_of(c: &ReviewContent) -> Verdicts {
    std::array::from_fn(|k| c.verdicts.get(&Criterion::ALL[k]).map(Verdict::passed))
}

/// One released item as its JSON line.
fn item_line(it: &ReleaseItem, seed: u64) -> Value {
    let mut obj: Map<String, Value> = match serde_json::to_value(&it.body) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let source = obj.remove("provenance").unwrap_or_else(|| json!({}));
    obj.remove("suggested_departments");
    obj.remove("difficulty");
    obj.insert("attributes".into(), json!(it.body.attributes));
    obj.insert("id".into(), json!(it.id));
    obj.insert("dataset".into(), json!(it.dataset));
    obj.insert("departments".into(), json!(it.departments));
    obj.insert(
        "difficulty".into(),
        json!(it.difficulty.map(Difficulty::as_str)),
    );
    let reviews: Vec<Value> = it
        .reviews
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(&r.content).unwrap_or_default();
            v["reviewer"] = json!(r.reviewer);
            v["submitted_at"] = json!(r.submitted_at);
            v
        })
        .collect();
    obj.insert(
        "provenance".into(),
        json!({
            "source": source,
            "revision": it.revision_no,
            "content_hash": it.content_hash,
            "reviews": reviews,
            "decision": it.decision.as_ref().map(|d| json!({
                "curator": d.curator, "action": "accept", "at": d.at,
            })),
        }),
    );
    if let Content::Mcq(m) = &it.body.content {
        let labels: Vec<String> = m.options.iter().map(|o| o.label.clone()).collect();
        obj.insert(
            "option_permutations".into(),
            json!(option_permutations(
                seed,
                &it.dataset,
                &it.id,
                &labels,
                &m.answer
            )),
        );
    }
    Value::Object(obj)
}

/// What the card's hash in datapackage.json is taken over, said in the package itself.
pub const CARD_HASH_COVERS: &str =
    "README.md with the 64 hex digits of its root digest line written as 0";

/// The start of the card's line that gives the root digest.
pub const CARD_DIGEST_PREFIX: &str = "Root digest: `sha256:";

/// A release's root digest: the SHA-256 of its `datapackage.json`, which lists every other
/// file's SHA-256, so this one value pins every byte of the release.
pub fn root_digest(datapackage: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(datapackage))
}

/// Where the 64 hex digits of the card's root digest start, if it has a root digest line.
fn card_digest_at(card: &[u8]) -> Option<usize> {
    let prefix = CARD_DIGEST_PREFIX.as_bytes();
    let mut line_start = 0;
    for line in card.split(|b| *b == b'\n') {
        if line.starts_with(prefix)
            && line.len() >= prefix.len() + 64
            && line[prefix.len()..prefix.len() + 64]
                .iter()
                .all(u8::is_ascii_hexdigit)
        {
            return Some(line_start + prefix.len());
        }
        line_start += line.len() + 1;
    }
    None
}

/// The card as datapackage.json's hash covers it (its root digest written as zeros), and the
/// root digest it gives. A card without a root digest line (releases made before there was
/// one) is covered as it is.
pub fn card_for_hash(card: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut bytes = card.to_vec();
    let Some(at) = card_digest_at(card) else {
        return (bytes, None);
    };
    let given = format!("sha256:{}", String::from_utf8_lossy(&card[at..at + 64]));
    bytes[at..at + 64].fill(b'0');
    (bytes, Some(given))
}

/// Builds every file of the release: data files in dataset order, then README.md, then
/// datapackage.json (whose SHA-256, the root digest, the card gives). Fails only on a
/// dataset name that cannot be a file name.
pub fn build(input: &ReleaseInput) -> Result<Vec<ReleaseFile>, String> {
    let mut by_dataset: BTreeMap<&str, Vec<&ReleaseItem>> = BTreeMap::new();
    for it in &input.items {
        by_dataset.entry(it.dataset.as_str()).or_default().push(it);
    }
    let mut files = Vec::new();
    let mut resources = Vec::new();
    let mut agreement = AgreementReport::default();
    // A plan dataset the workspace could not supply has no items and no file; the card lists it.
    let mut by_dataset: Vec<(&str, Vec<&ReleaseItem>)> = by_dataset
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .collect();
    for (_, items) in &mut by_dataset {
        items.sort_by(|a, b| a.id.cmp(&b.id));
    }
    for (dataset, items) in &by_dataset {
        let path = file_name(dataset)?;
        let mut bytes = Vec::new();
        for it in items {
            bytes.extend_from_slice(item_line(it, input.seed).to_string().as_bytes());
            bytes.push(b'\n');
            if let [a, b] = it.reviews.as_slice() {
                let da: Vec<&str> = a.content.departments.iter().map(String::as_str).collect();
                let db: Vec<&str> = b.content.departments.iter().map(String::as_str).collect();
                agreement.add_pair(
                    dataset,
                    &a.reviewer,
                    &b.reviewer,
                    &verdicts_of(&a.content),
                    &verdicts_of(&b.content),
                    &da,
                    &db,
                );
            }
        }
        resources.push(json!({
            "name": slug(dataset, &format!("dataset-{}", resources.len() + 1)),
            "path": path,
            "format": "jsonl",
            "mediatype": "application/jsonl",
            "encoding": "utf-8",
            "bytes": bytes.len(),
            "hash": format!("sha256:{}", sha256_hex(&bytes)),
            "count": items.len(),
            "role": harness::ROLE_ITEMS,
        }));
        files.push(ReleaseFile { path, bytes });
    }
    let (extra, configs) = harness::build(&by_dataset, input.seed)?;
    for h in extra {
        let mut r = json!({
            "name": slug(&h.file.path, &format!("file-{}", resources.len() + 1)),
            "path": h.file.path,
            "format": h.format,
            "mediatype": h.mediatype,
            "encoding": "utf-8",
            "bytes": h.file.bytes.len(),
            "hash": format!("sha256:{}", sha256_hex(&h.file.bytes)),
            "role": h.role,
        });
        if let Some(c) = h.count {
            r["count"] = json!(c);
        }
        resources.push(r);
        files.push(h.file);
    }
    // The card gives the root digest, the SHA-256 of datapackage.json, and datapackage.json
    // gives the card's SHA-256: the card's hash is taken with the digest's hex digits written
    // as zeros, the package is built around that hash, and its digest is written in last.
    let mut readme = harness::front_matter(&configs);
    readme.push_str(&card::render(input, &agreement, &"0".repeat(64)));
    let mut readme = readme.into_bytes();
    let package = json!({
        "profile": "data-package",
        "name": slug(&input.name, "release"),
        "title": input.name,
        "version": input.version,
        "description": format!(
            "{} items of the {} benchmark plan, sampled from physician-reviewed items with seed {}; see README.md",
            input.items.len(), input.plan_name, input.seed
        ),
        "resources": resources,
        "medcurate": {
            "plan": input.plan_name,
            "plan_source": input.plan_ref,
            "seed": input.seed,
            "count": input.items.len(),
            "card": {
                "path": "README.md",
                "bytes": readme.len(),
                "hash": format!("sha256:{}", sha256_hex(&readme)),
                "hash_covers": CARD_HASH_COVERS,
            },
        },
    });
    let mut pkg = serde_json::to_string_pretty(&package).unwrap_or_default();
    pkg.push('\n');
    let pkg = pkg.into_bytes();
    let digest = sha256_hex(&pkg);
    if let Some(at) = card_digest_at(&readme) {
        readme[at..at + 64].copy_from_slice(digest.as_bytes());
    }
    files.push(ReleaseFile {
        path: "README.md".into(),
        bytes: readme,
    });
    files.push(ReleaseFile {
        path: "datapackage.json".into(),
        bytes: pkg,
    });
    Ok(files)
}

#[cfg(test)]
mod tests;
