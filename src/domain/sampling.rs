//! Stratified sampling to a difficulty mix (paper 3.5), pure and deterministic for a seed:
//! 1. per stratum, a quota proportional to the pool (largest remainder), or a fixed quota
//!    per cell; a seeded random draw within each stratum;
//! 2. the difficulty mix's target counts (largest remainder over the weights) against what
//!    was drawn;
//! 3. gaps filled by swapping items within a stratum (a surplus difficulty out, a missing
//!    one in), and only where no stratum can swap, across strata. What cannot be met is
//!    reported, never hidden.

use super::item::Difficulty;
use super::plan::DifficultyTarget;
use super::rng::SplitMix64;
use std::collections::BTreeMap;

/// One accepted item that may be sampled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub ext_id: String,
    /// The stratum label (see `stratum_label`).
    pub stratum: String,
    pub difficulty: Option<Difficulty>,
}

/// How the quotas per stratum are set.
#[derive(Debug, Clone, PartialEq)]
pub enum Quotas {
    /// `total` items spread over the strata in proportion to the pool.
    Proportional { total: u64 },
    /// A fixed count for each listed cell (other strata get none).
    Fixed { cells: Vec<String>, per_cell: u64 },
}

/// Target against achieved for one stratum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumReport {
    pub stratum: String,
    pub pool: u64,
    pub quota: u64,
    pub achieved: u64,
}

/// Target against achieved for one difficulty (`None`: items without a difficulty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifficultyReport {
    pub difficulty: Option<Difficulty>,
    pub pool: u64,
    /// `None` when the plan sets no difficulty mix.
    pub target: Option<u64>,
    pub achieved: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOutcome {
    /// Chosen items' ids, sorted.
    pub chosen: Vec<String>,
    pub target: u64,
    pub strata: Vec<StratumReport>,
    pub difficulties: Vec<DifficultyReport>,
    /// Swaps made within a stratum and across strata to reach the mix.
    pub swaps_within: u64,
    pub swaps_across: u64,
}

impl SampleOutcome {
    pub fn achieved(&self) -> u64 {
        self.chosen.len() as u64
    }

    /// Everything the sample falls short of, in words; empty when every target is met.
    pub fn shortfalls(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.achieved() < self.target {
            out.push(format!(
                "{} of {} items: the accepted pool has only {}",
                self.achieved(),
                self.target,
                self.strata.iter().map(|s| s.pool).sum::<u64>()
            ));
        }
        for s in &self.strata {
            if s.achieved < s.quota {
                out.push(format!(
                    "stratum {}: {} of {} (pool {})",
                    s.stratum, s.achieved, s.quota, s.pool
                ));
            }
        }
        for d in &self.difficulties {
            if d.difficulty.is_none() && d.target.is_some() && d.achieved > 0 {
                out.push(format!(
                    "{} sampled items have no difficulty, so the mix cannot count them; rate them with `medcurate calibration import`",
                    d.achieved
                ));
            }
            if let Some(t) = d.target
                && d.achieved < t
            {
                out.push(format!(
                    "{}: {} of {} (pool {})",
                    difficulty_name(d.difficulty),
                    d.achieved,
                    t,
                    d.pool
                ));
            }
        }
        out
    }
}

pub fn difficulty_name(d: Option<Difficulty>) -> &'static str {
    d.map_or("unrated", Difficulty::as_str)
}

/// "key=value, key=value"; a missing value shows as "(none)"; no keys: "all".
pub fn stratum_label(pairs: &[(&str, Option<&str>)]) -> String {
    if pairs.is_empty() {
        return "all".into();
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.unwrap_or("(none)")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits `total` over `weights` by largest remainder: floors first, then one more to the
/// largest fractional parts (ties to the earlier entry).
pub fn largest_remainder(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let given: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.partial_cmp(&fa)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(total.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

const DIFFS: [Option<Difficulty>; 4] = [
    Some(Difficulty::Hard),
    Some(Difficulty::Medium),
    Some(Difficulty::Easy),
    None,
];

fn slot(d: Option<Difficulty>) -> usize {
    DIFFS.iter().position(|x| *x == d).unwrap_or(3)
}

/// One stratum's items by difficulty, each list in the seeded preference order, split
/// into those chosen and those still in the pool.
struct Stratum {
    name: String,
    pool: u64,
    quota: u64,
    chosen: [Vec<usize>; 4],
    rest: [std::collections::VecDeque<usize>; 4],
}

impl Stratum {
    fn achieved(&self) -> u64 {
        self.chosen.iter().map(|v| v.len() as u64).sum()
    }
}

/// Samples `pool` for one dataset. `purpose` (the dataset's name) separates its random
/// draws from other datasets' under the same seed.
pub fn sample(
    pool: &[Candidate],
    quotas: &Quotas,
    mix: Option<&DifficultyTarget>,
    seed: u64,
    purpose: &str,
) -> SampleOutcome {
    // Group by stratum in a fixed order: ids sorted, whatever order the store gave.
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in pool.iter().enumerate() {
        groups.entry(c.stratum.as_str()).or_default().push(i);
    }
    if let Quotas::Fixed { cells, .. } = quotas {
        for c in cells {
            groups.entry(c.as_str()).or_default();
        }
    }
    let names: Vec<&str> = groups.keys().copied().collect();
    let sizes: Vec<u64> = groups.values().map(|v| v.len() as u64).collect();
    let n_pool: u64 = sizes.iter().sum();
    let (target, quota): (u64, Vec<u64>) = match quotas {
        Quotas::Proportional { total } => {
            let take = (*total).min(n_pool);
            let w: Vec<f64> = sizes.iter().map(|s| *s as f64).collect();
            (*total, largest_remainder(take, &w))
        }
        Quotas::Fixed { cells, per_cell } => (
            per_cell * cells.len() as u64,
            names
                .iter()
                .map(|n| {
                    if cells.iter().any(|c| c == n) {
                        *per_cell
                    } else {
                        0
                    }
                })
                .collect(),
        ),
    };

    let mut strata: Vec<Stratum> = Vec::new();
    for (k, (name, members)) in groups.into_iter().enumerate() {
        let mut order = members;
        order.sort_by(|a, b| pool[*a].ext_id.cmp(&pool[*b].ext_id));
        SplitMix64::derived(seed, &format!("{purpose}\u{1f}{name}")).shuffle(&mut order);
        let take = quota[k].min(order.len() as u64) as usize;
        let mut s = Stratum {
            name: name.to_string(),
            pool: order.len() as u64,
            quota: quota[k],
            chosen: Default::default(),
            rest: Default::default(),
        };
        for (pos, i) in order.into_iter().enumerate() {
            let d = slot(pool[i].difficulty);
            if pos < take {
                s.chosen[d].push(i);
            } else {
                s.rest[d].push_back(i);
            }
        }
        strata.push(s);
    }

    let achieved_total: u64 = strata.iter().map(Stratum::achieved).sum();
    let targets: Option<[u64; 4]> = mix.map(|m| {
        let t = largest_remainder(
            achieved_total,
            &[
                m.weight(Difficulty::Hard),
                m.weight(Difficulty::Medium),
                m.weight(Difficulty::Easy),
            ],
        );
        [t[0], t[1], t[2], 0]
    });
    let (mut within, mut across) = (0, 0);
    if let Some(targets) = targets {
        let count = |strata: &[Stratum], d: usize| -> u64 {
            strata.iter().map(|s| s.chosen[d].len() as u64).sum()
        };
        for want in 0..3 {
            while count(&strata, want) < targets[want] {
                // Surplus difficulties, unrated first, then the largest surplus.
                let mut surplus: Vec<usize> = (0..4)
                    .filter(|&d| d != want && count(&strata, d) > targets[d])
                    .collect();
                surplus
                    .sort_by_key(|&d| (d != 3, std::cmp::Reverse(count(&strata, d) - targets[d])));
                if surplus.is_empty() || strata.iter().all(|s| s.rest[want].is_empty()) {
                    break;
                }
                // Within one stratum, if any stratum can.
                let same = surplus.iter().find_map(|&out| {
                    strata
                        .iter()
                        .position(|s| !s.chosen[out].is_empty() && !s.rest[want].is_empty())
                        .map(|k| (k, out))
                });
                if let Some((k, out)) = same {
                    let s = &mut strata[k];
                    let gone = s.chosen[out].pop().expect("checked non-empty");
                    s.rest[out].push_front(gone);
                    let new = s.rest[want].pop_front().expect("checked non-empty");
                    s.chosen[want].push(new);
                    within += 1;
                    continue;
                }
                // Across strata: out of the stratum most over its quota, into the one most
                // under it (ties to the first by name).
                let out = surplus[0];
                let from = (0..strata.len())
                    .filter(|&k| !strata[k].chosen[out].is_empty())
                    .max_by_key(|&k| {
                        (
                            strata[k].achieved() as i64 - strata[k].quota as i64,
                            std::cmp::Reverse(k),
                        )
                    });
                let to = (0..strata.len())
                    .filter(|&k| !strata[k].rest[want].is_empty())
                    .min_by_key(|&k| (strata[k].achieved() as i64 - strata[k].quota as i64, k));
                let (Some(from), Some(to)) = (from, to) else {
                    break;
                };
                let gone = strata[from].chosen[out].pop().expect("filtered");
                strata[from].rest[out].push_front(gone);
                let new = strata[to].rest[want].pop_front().expect("filtered");
                strata[to].chosen[want].push(new);
                across += 1;
            }
        }
    }

    let mut difficulties = Vec::new();
    for (d, diff) in DIFFS.iter().enumerate() {
        let pool_n: u64 = strata
            .iter()
            .map(|s| (s.chosen[d].len() + s.rest[d].len()) as u64)
            .sum();
        let achieved: u64 = strata.iter().map(|s| s.chosen[d].len() as u64).sum();
        if diff.is_none() && pool_n == 0 {
            continue;
        }
        difficulties.push(DifficultyReport {
            difficulty: *diff,
            pool: pool_n,
            target: targets.map(|t| t[d]),
            achieved,
        });
    }
    let mut chosen: Vec<String> = strata
        .iter()
        .flat_map(|s| s.chosen.iter().flatten())
        .map(|i| pool[*i].ext_id.clone())
        .collect();
    chosen.sort();
    SampleOutcome {
        chosen,
        target,
        strata: strata
            .iter()
            .map(|s| StratumReport {
                stratum: s.name.clone(),
                pool: s.pool,
                quota: s.quota,
                achieved: s.achieved(),
            })
            .collect(),
        difficulties,
        swaps_within: within,
        swaps_across: across,
    }
}

#[cfg(test)]
mod tests;
