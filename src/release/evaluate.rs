//! `medcurate evaluate`: a verified release, the answers files and the workspace's judged
//! responses become each model's outcome per item, grouped into a table.

use super::answers::{self, Answers, ItemAnswer};
use super::released::{Released, ReleasedItem};
use crate::domain::evaluate::Outcome;
use crate::domain::evaluate::extraction::item_counts;
use crate::domain::evaluate::mcq::all_right;
use crate::domain::evaluate::open_ended::score;
use crate::domain::evaluate::table::{self, ItemKeys, ModelOutcomes, Table};
use crate::domain::item::Content;
use crate::domain::plan::Plan;
use crate::store::Store;
use anyhow::{Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Everything a report of the scores needs.
pub struct Evaluation {
    pub release: Released,
    pub answers: Answers,
    pub models: Vec<ModelOutcomes>,
    /// Per model and dataset: items in an answered dataset the model gave no answer for
    /// (counted wrong, all false negatives or 0).
    pub unanswered: BTreeMap<(String, String), usize>,
    /// Per model and dataset: questions answered in some presentations but not all (wrong).
    pub incomplete: BTreeMap<(String, String), usize>,
    /// Per model and dataset: undecided disputes.
    pub undecided: BTreeMap<(String, String), usize>,
    /// Responses stored for another revision than the released one (not counted).
    pub other_revision: usize,
}

/// Scores the answers on a release read with `released::read`. Refused with every problem
/// of the answers files listed (as `Err` of the inner result).
pub fn evaluate(
    release: Released,
    files: &[impl AsRef<Path>],
    store: Option<&Store>,
    threshold: f64,
) -> Result<Result<Evaluation, Vec<String>>> {
    let mut answers = answers::read(&release, files)?;
    if !answers.problems.is_empty() {
        return Ok(Err(answers.problems));
    }
    let open_datasets: Vec<&str> = release
        .datasets
        .iter()
        .filter(|d| {
            release
                .items
                .iter()
                .any(|i| &i.dataset == *d && matches!(i.content, Content::OpenEnded(_)))
        })
        .map(String::as_str)
        .collect();
    // (model, dataset, item) -> the response's score.
    let mut open = BTreeMap::new();
    let mut other_revision = 0;
    if let Some(store) = store {
        let revision: BTreeMap<(&str, &str), i64> = release
            .items
            .iter()
            .map(|i| ((i.dataset.as_str(), i.id.as_str()), i.revision))
            .collect();
        for d in &open_datasets {
            for r in store.judged_responses(d)? {
                match revision.get(&(*d, r.response.item.as_str())) {
                    Some(&rev) if rev == r.revision => {
                        let s = score(&r.response, threshold);
                        open.insert(
                            (
                                r.response.model.clone(),
                                d.to_string(),
                                r.response.item.clone(),
                            ),
                            s,
                        );
                    }
                    Some(_) => other_revision += 1,
                    None => {}
                }
            }
        }
    }
    // A model with responses but no answers file line is scored on the open-ended datasets.
    let responding: BTreeSet<String> = open.keys().map(|(m, _, _)| m.clone()).collect();
    for m in responding {
        if !answers.models.contains(&m) {
            answers.models.push(m);
            answers
                .answers
                .push(vec![ItemAnswer::None; release.items.len()]);
            answers.answered.push(BTreeMap::new());
            answers.model_files.push(BTreeSet::new());
        }
    }
    let mut unanswered = BTreeMap::new();
    let mut undecided = BTreeMap::new();
    let mut incomplete = BTreeMap::new();
    let mut models = Vec::new();
    for (m, model) in answers.models.iter().enumerate() {
        let answered_open: BTreeSet<&str> = open
            .keys()
            .filter(|(mm, _, _)| mm == model)
            .map(|(_, d, _)| d.as_str())
            .collect();
        let outcomes = release
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let key = (model.clone(), it.dataset.clone());
                let outcome = match &it.content {
                    Content::OpenEnded(_) => {
                        if !answered_open.contains(it.dataset.as_str()) {
                            return None;
                        }
                        match open.get(&(model.clone(), it.dataset.clone(), it.id.clone())) {
                            Some(s) => {
                                if s.undecided {
                                    *undecided.entry(key).or_default() += 1;
                                }
                                Outcome::OpenEnded {
                                    score: s.score,
                                    provisional: s.undecided,
                                }
                            }
                            None => {
                                *unanswered.entry(key).or_default() += 1;
                                Outcome::OpenEnded {
                                    score: 0.0,
                                    provisional: false,
                                }
                            }
                        }
                    }
                    _ if !answers.answered[m].contains_key(&it.dataset) => return None,
                    Content::Mcq(mcq) => {
                        let chosen = match &answers.answers[m][i] {
                            ItemAnswer::Mcq(c) => c.clone(),
                            _ => Vec::new(),
                        };
                        let given = chosen.iter().filter(|c| c.is_some()).count();
                        if given == 0 {
                            *unanswered.entry(key).or_default() += 1;
                        } else if given < it.orders.len().max(1) {
                            *incomplete.entry(key).or_default() += 1;
                        }
                        let labels: Vec<String> =
                            mcq.options.iter().map(|o| o.label.clone()).collect();
                        Outcome::Mcq {
                            correct: all_right(&labels, &it.orders, &mcq.answer, &chosen),
                        }
                    }
                    Content::Extraction(e) => {
                        let a = match &answers.answers[m][i] {
                            ItemAnswer::Extraction(a) => Some(a),
                            _ => None,
                        };
                        if a.is_none() {
                            *unanswered.entry(key).or_default() += 1;
                        }
                        Outcome::Extraction(item_counts(e, a))
                    }
                };
                Some(outcome)
            })
            .collect();
        models.push(ModelOutcomes {
            model: model.clone(),
            outcomes,
        });
    }
    Ok(Ok(Evaluation {
        release,
        answers,
        models,
        unanswered,
        incomplete,
        undecided,
        other_revision,
    }))
}

/// What a table's columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    Dataset,
    Dimension,
    Difficulty,
    Department,
    /// One attribute or a combination (`specialty,level`).
    Attributes(Vec<String>),
}

impl By {
    pub fn parse(s: &str) -> Result<By> {
        Ok(match s {
            "dataset" => By::Dataset,
            "dimension" => By::Dimension,
            "difficulty" => By::Difficulty,
            "department" => By::Department,
            _ => {
                let parts: Vec<String> = s.split(',').map(|p| p.trim().to_string()).collect();
                if parts.iter().any(String::is_empty) {
                    bail!(
                        "--by {s:?}: give dataset, dimension, difficulty, department, or item attributes separated by commas (e.g. specialty,level)"
                    );
                }
                By::Attributes(parts)
            }
        })
    }

    pub fn name(&self) -> String {
        match self {
            By::Dataset => "dataset".into(),
            By::Dimension => "dimension".into(),
            By::Difficulty => "difficulty".into(),
            By::Department => "department".into(),
            By::Attributes(a) => a.join(","),
        }
    }
}

fn attribute_text(it: &ReleasedItem, name: &str) -> Option<String> {
    match it.attributes.get(name)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        v => Some(v.to_string()),
    }
}

/// The table of the evaluation grouped `by`; the plan gives the dimensions and the dataset
/// order.
pub fn table(e: &Evaluation, by: &By, plan: Option<&Plan>) -> Result<Table> {
    let rel = &e.release;
    let dataset_order: Vec<String> = match plan {
        Some(p) => {
            let mut v: Vec<String> = p
                .datasets
                .iter()
                .map(|d| d.dataset.clone())
                .filter(|d| rel.datasets.contains(d))
                .collect();
            v.extend(
                rel.datasets
                    .iter()
                    .filter(|d| !v.contains(d))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            v
        }
        None => rel.datasets.clone(),
    };
    let (columns, keys): (Vec<String>, Vec<ItemKeys>) = match by {
        By::Dataset => (
            dataset_order.clone(),
            rel.items
                .iter()
                .map(|it| ItemKeys {
                    dataset: it.dataset.clone(),
                    columns: vec![it.dataset.clone()],
                })
                .collect(),
        ),
        By::Dimension => {
            let Some(plan) = plan else {
                bail!("--by dimension needs the plan's dimensions: give --plan PLAN");
            };
            let dim: BTreeMap<&str, &str> = plan
                .datasets
                .iter()
                .filter_map(|d| Some((d.dataset.as_str(), d.dimension.as_deref()?)))
                .collect();
            let mut cols: Vec<String> = Vec::new();
            for d in &plan.datasets {
                if let Some(x) = &d.dimension
                    && !cols.contains(x)
                {
                    cols.push(x.clone());
                }
            }
            if cols.is_empty() {
                bail!("the plan {} gives its datasets no dimension", plan.name);
            }
            (
                cols,
                rel.items
                    .iter()
                    .map(|it| ItemKeys {
                        dataset: it.dataset.clone(),
                        columns: dim
                            .get(it.dataset.as_str())
                            .map(|d| vec![d.to_string()])
                            .unwrap_or_default(),
                    })
                    .collect(),
            )
        }
        By::Difficulty => (
            ["hard", "medium", "easy", "unrated"]
                .map(String::from)
                .to_vec(),
            rel.items
                .iter()
                .map(|it| ItemKeys {
                    dataset: it.dataset.clone(),
                    columns: vec![it.difficulty.clone().unwrap_or_else(|| "unrated".into())],
                })
                .collect(),
        ),
        By::Department => {
            let keys: Vec<ItemKeys> = rel
                .items
                .iter()
                .map(|it| ItemKeys {
                    dataset: it.dataset.clone(),
                    columns: it.departments.clone(),
                })
                .collect();
            let cols: BTreeSet<String> = keys.iter().flat_map(|k| k.columns.clone()).collect();
            (cols.into_iter().collect(), keys)
        }
        By::Attributes(names) => {
            let keys: Vec<ItemKeys> = rel
                .items
                .iter()
                .map(|it| {
                    let parts: Option<Vec<String>> =
                        names.iter().map(|n| attribute_text(it, n)).collect();
                    ItemKeys {
                        dataset: it.dataset.clone(),
                        columns: parts.map(|p| vec![p.join(" / ")]).unwrap_or_default(),
                    }
                })
                .collect();
            let cols: BTreeSet<String> = keys.iter().flat_map(|k| k.columns.clone()).collect();
            if cols.is_empty() {
                bail!(
                    "no released item has the attribute(s) {}; --by takes dataset, dimension, difficulty, department or attributes the items carry",
                    names.join(", ")
                );
            }
            (cols.into_iter().collect(), keys)
        }
    };
    Ok(table::build(&by.name(), &columns, &keys, &e.models))
}
