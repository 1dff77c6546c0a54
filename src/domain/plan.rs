//! Benchmark plans (schemas/plan.schema.json): which datasets a benchmark holds, how many
//! items to sample from each and by which keys, the difficulty mix and its calibration.

use super::difficulty::Thresholds;
use super::item::{Difficulty, ItemKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The plans that ship with medcurate, by the short name `--plan` accepts.
pub const SHIPPED_PLANS: &[(&str, &str)] = &[
    ("mlb", include_str!("../../schemas/plans/mlb.json")),
    (
        "cmedexam-2800",
        include_str!("../../schemas/plans/cmedexam-2800.json"),
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub name: String,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub difficulty_target: Option<DifficultyTarget>,
    pub difficulty_rules: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty_thresholds: Option<Thresholds>,
    pub calibration_models: Vec<String>,
    pub datasets: Vec<PlanDataset>,
}

/// Relative weights of the difficulty mix (MLB: 3:5:2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DifficultyTarget {
    pub hard: f64,
    pub medium: f64,
    pub easy: f64,
}

impl DifficultyTarget {
    pub fn weight(&self, d: Difficulty) -> f64 {
        match d {
            Difficulty::Hard => self.hard,
            Difficulty::Medium => self.medium,
            Difficulty::Easy => self.easy,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDataset {
    pub dataset: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_n: Option<u64>,
    pub sampled_n: u64,
    pub sampling_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<FixedStrata>,
}

/// Fixed targets per cell of the listed keys' values, instead of proportional sampling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedStrata {
    pub keys: BTreeMap<String, Vec<String>>,
    pub per_cell: u64,
}

impl PlanDataset {
    pub fn kind(&self) -> Option<ItemKind> {
        ItemKind::parse(&self.item_type)
    }

    /// The keys that define strata: the sampling keys except difficulty, which the
    /// difficulty mix balances instead.
    pub fn stratum_keys(&self) -> Vec<&str> {
        self.sampling_keys
            .iter()
            .map(String::as_str)
            .filter(|k| *k != "difficulty")
            .collect()
    }
}

impl Plan {
    /// Reads a plan; `what` names it in errors (a file path or a shipped plan's name).
    pub fn parse(text: &str, what: &str) -> Result<Plan, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let plan: Plan = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." || path.is_empty() {
                format!("{what}: {inner}")
            } else {
                format!("{what}: field `{path}`: {inner}")
            }
        })?;
        plan.check().map_err(|e| format!("{what}: {e}"))?;
        Ok(plan)
    }

    /// A shipped plan by short name.
    pub fn shipped(name: &str) -> Option<Plan> {
        SHIPPED_PLANS
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(n, text)| Plan::parse(text, n).ok())
    }

    fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for (i, d) in self.datasets.iter().enumerate() {
            if !seen.insert(d.dataset.as_str()) {
                return Err(format!(
                    "field `datasets[{i}].dataset`: {:?} appears twice; each dataset once",
                    d.dataset
                ));
            }
            if d.kind().is_none() {
                return Err(format!(
                    "field `datasets[{i}].item_type`: {:?} is not mcq, open_ended or extraction",
                    d.item_type
                ));
            }
            if let Some(s) = &d.strata {
                for k in s.keys.keys() {
                    if !d.sampling_keys.contains(k) {
                        return Err(format!(
                            "field `datasets[{i}].strata.keys.{k}`: not among the sampling_keys"
                        ));
                    }
                }
            }
        }
        if let Some(t) = &self.difficulty_target {
            let sum = t.hard + t.medium + t.easy;
            if sum.is_nan() || sum <= 0.0 || [t.hard, t.medium, t.easy].iter().any(|w| *w < 0.0) {
                return Err(
                    "field `difficulty_target`: weights must be non-negative and not all zero"
                        .into(),
                );
            }
        }
        let t = self.thresholds();
        if t.open_ended_medium_from > t.open_ended_easy_above {
            return Err("field `difficulty_thresholds`: open_ended_medium_from is above open_ended_easy_above".into());
        }
        Ok(())
    }

    pub fn thresholds(&self) -> Thresholds {
        self.difficulty_thresholds.unwrap_or_default()
    }

    pub fn dataset(&self, name: &str) -> Option<&PlanDataset> {
        self.datasets.iter().find(|d| d.dataset == name)
    }

    /// The plan's total target.
    pub fn total(&self) -> u64 {
        self.datasets.iter().map(|d| d.sampled_n).sum()
    }

    /// Canonical JSON, stored with a sample so a release records the plan it followed.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_plans_load() {
        let mlb = Plan::shipped("mlb").unwrap();
        assert_eq!(mlb.datasets.len(), 22);
        assert_eq!(mlb.total(), 4250);
        assert_eq!(mlb.calibration_models.len(), 5);
        assert_eq!(mlb.thresholds(), Thresholds::default());
        let t = mlb.difficulty_target.unwrap();
        assert_eq!((t.hard, t.medium, t.easy), (3.0, 5.0, 2.0));
        assert_eq!(mlb.dataset("MAHalt").unwrap().stratum_keys(), vec!["type"]);
        let exam = Plan::shipped("cmedexam-2800").unwrap();
        assert_eq!(exam.total(), 2800);
        assert!(exam.difficulty_target.is_none());
        assert_eq!(exam.datasets[0].strata.as_ref().unwrap().per_cell, 200);
    }

    #[test]
    fn a_bad_plan_names_the_field() {
        let e = Plan::parse(r#"{"name":"x","source":"y","difficulty_target":null,"difficulty_rules":{},"calibration_models":[],"datasets":[{"dataset":"A","item_type":"essay","sampled_n":1,"sampling_keys":[]}]}"#, "p.json").unwrap_err();
        assert_eq!(
            e,
            "p.json: field `datasets[0].item_type`: \"essay\" is not mcq, open_ended or extraction"
        );
        let e = Plan::parse(r#"{"name":"x","source":"y","difficulty_target":null,"difficulty_rules":{},"calibration_models":[],"datasets":[{"dataset":"A","item_type":"mcq","sampled_n":-1,"sampling_keys":[]}]}"#, "p.json").unwrap_err();
        assert!(
            e.starts_with("p.json: field `datasets[0].sampled_n`: invalid value"),
            "{e}"
        );
    }
}
