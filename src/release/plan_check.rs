//! `medcurate plan check`: per plan dataset, the accepted pool against the target, by
//! difficulty and by each sampling key, and where the pool cannot meet the plan.

use super::sample::{cells, stratum_keys};
use crate::domain::item::Difficulty;
use crate::domain::plan::Plan;
use crate::domain::sampling::{difficulty_name, largest_remainder};
use crate::store::Store;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatasetCheck {
    pub dataset: String,
    pub kind: String,
    /// Whether the workspace has this dataset with this kind of item.
    pub found: bool,
    pub target: u64,
    pub pool: u64,
    /// Accepted items per difficulty (hard, medium, easy, unrated), with the mix's target.
    pub difficulties: Vec<(String, u64, Option<u64>)>,
    /// Per sampling key, accepted items per value.
    pub keys: BTreeMap<String, BTreeMap<String, u64>>,
    /// Where the pool cannot meet the plan.
    pub gaps: Vec<String>,
}

pub fn check(store: &Store, plan: &Plan) -> Result<Vec<DatasetCheck>> {
    let kinds: Vec<(String, String)> = store
        .datasets()?
        .into_iter()
        .map(|(name, kind)| (name, kind.as_str().to_string()))
        .collect();
    let mut out = Vec::new();
    for d in &plan.datasets {
        let keys = stratum_keys(d);
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let target = match &d.strata {
            Some(f) => f.per_cell * cells(d).len() as u64,
            None => d.sampled_n,
        };
        let here = kinds.iter().find(|(n, _)| n == &d.dataset).map(|(_, k)| k);
        let pool = match here {
            Some(k) if *k == d.item_type => store.sample_pool(&d.dataset, &refs)?,
            _ => None,
        };
        let mut c = DatasetCheck {
            dataset: d.dataset.clone(),
            kind: d.item_type.clone(),
            found: pool.is_some(),
            target,
            pool: 0,
            difficulties: Vec::new(),
            keys: BTreeMap::new(),
            gaps: Vec::new(),
        };
        let Some(pool) = pool else {
            c.gaps.push(match here {
                None => "not in the workspace: import it first".to_string(),
                Some(k) => format!(
                    "the workspace's dataset holds {k} items, the plan expects {}",
                    d.item_type
                ),
            });
            out.push(c);
            continue;
        };
        c.pool = pool.len() as u64;
        if c.pool < target {
            c.gaps
                .push(format!("{} accepted items, {target} wanted", c.pool));
        }
        let mut by_diff = [0u64; 4];
        for row in &pool {
            let k = match row.difficulty {
                Some(Difficulty::Hard) => 0,
                Some(Difficulty::Medium) => 1,
                Some(Difficulty::Easy) => 2,
                None => 3,
            };
            by_diff[k] += 1;
            for (key, value) in keys.iter().zip(&row.keys) {
                *c.keys
                    .entry(key.clone())
                    .or_default()
                    .entry(value.clone().unwrap_or_else(|| "(none)".into()))
                    .or_default() += 1;
            }
        }
        let mix = plan
            .difficulty_target
            .map(|t| largest_remainder(target.min(c.pool), &[t.hard, t.medium, t.easy]));
        let names = [
            Some(Difficulty::Hard),
            Some(Difficulty::Medium),
            Some(Difficulty::Easy),
            None,
        ];
        for (k, d) in names.iter().enumerate() {
            let want = mix.as_ref().and_then(|m| m.get(k).copied());
            if d.is_none() && by_diff[3] == 0 {
                continue;
            }
            if let Some(w) = want
                && by_diff[k] < w
            {
                c.gaps.push(format!(
                    "{}: {} accepted, {w} wanted for the mix",
                    difficulty_name(*d),
                    by_diff[k]
                ));
            }
            c.difficulties
                .push((difficulty_name(*d).to_string(), by_diff[k], want));
        }
        if plan.difficulty_target.is_some() && by_diff[3] > 0 {
            c.gaps.push(format!(
                "{} accepted items have no difficulty: run `medcurate calibration import`",
                by_diff[3]
            ));
        }
        if let Some(f) = &d.strata {
            let mut per_cell: BTreeMap<String, u64> = BTreeMap::new();
            for row in &pool {
                let pairs: Vec<(&str, Option<&str>)> = refs
                    .iter()
                    .zip(&row.keys)
                    .map(|(k, v)| (*k, v.as_deref()))
                    .collect();
                *per_cell
                    .entry(crate::domain::sampling::stratum_label(&pairs))
                    .or_default() += 1;
            }
            for cell in cells(d) {
                let have = per_cell.get(&cell).copied().unwrap_or(0);
                if have < f.per_cell {
                    c.gaps
                        .push(format!("{cell}: {have} accepted, {} wanted", f.per_cell));
                }
            }
        }
        out.push(c);
    }
    Ok(out)
}
