//! A table of scores: one row per model, one column per group (a dimension, a dataset, a
//! difficulty, a department, a combination of attributes). A column's score is the mean over
//! its datasets of each dataset's score on the column's items, as Table 4 takes a dimension's
//! score over its datasets; the Average is the mean of the row's columns.

use super::{DatasetScore, Outcome, dataset_score, mean_of_all};
use serde::Serialize;
use std::collections::BTreeMap;

/// A released item as the table groups it: its dataset and the columns it falls in (an item
/// with two departments is in both; one with no value for the grouping is in none).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemKeys {
    pub dataset: String,
    pub columns: Vec<String>,
}

/// One model's outcomes, parallel to the items; `None` where the model gave no answer for the
/// item's dataset at all (the dataset is missing, not zero).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelOutcomes {
    pub model: String,
    pub outcomes: Vec<Option<Outcome>>,
}

/// One cell: the score (0-100) and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    /// `None` when one of the column's datasets is missing from the model's answers.
    pub score: Option<f64>,
    pub items: usize,
    /// The column's datasets, and those missing from the answers.
    pub datasets: usize,
    pub missing: Vec<String>,
    /// Undecided disputes counted at the judges' mean.
    pub provisional: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub model: String,
    pub average: Option<f64>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// What the columns are (e.g. `dimension`).
    pub by: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// The table of `models` over `items`, with `columns` in the order given (columns no item
/// falls in are left out).
pub fn build(by: &str, columns: &[String], items: &[ItemKeys], models: &[ModelOutcomes]) -> Table {
    // column -> dataset -> the items' indexes.
    let mut members: BTreeMap<&str, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        for c in &it.columns {
            members
                .entry(c.as_str())
                .or_default()
                .entry(it.dataset.as_str())
                .or_default()
                .push(i);
        }
    }
    let shown: Vec<String> = columns
        .iter()
        .filter(|c| members.contains_key(c.as_str()))
        .cloned()
        .collect();
    let rows = models
        .iter()
        .map(|m| {
            let cells: Vec<Cell> = shown
                .iter()
                .map(|c| cell(&members[c.as_str()], &m.outcomes))
                .collect();
            let scores: Vec<Option<f64>> = cells.iter().map(|c| c.score).collect();
            Row {
                model: m.model.clone(),
                average: mean_of_all(&scores),
                cells,
            }
        })
        .collect();
    Table {
        by: by.to_string(),
        columns: shown,
        rows,
    }
}

fn cell(datasets: &BTreeMap<&str, Vec<usize>>, outcomes: &[Option<Outcome>]) -> Cell {
    let mut scores = Vec::new();
    let mut missing = Vec::new();
    let (mut items, mut provisional) = (0, 0);
    for (dataset, idx) in datasets {
        let got: Option<Vec<Outcome>> = idx.iter().map(|&i| outcomes[i]).collect();
        match got {
            Some(o) => {
                let DatasetScore {
                    score,
                    items: n,
                    provisional: p,
                } = dataset_score(&o);
                scores.push(score);
                items += n;
                provisional += p;
            }
            None => {
                missing.push(dataset.to_string());
                scores.push(None);
            }
        }
    }
    Cell {
        score: mean_of_all(&scores),
        items,
        datasets: datasets.len(),
        missing,
        provisional,
    }
}
