//! Calibration results and the difficulty they give.

use super::{Store, clock};
use crate::domain::difficulty::{CalibrationRow, Outcome, Thresholds, rate};
use crate::domain::item::{Difficulty, ItemKind};
use crate::store::db::{OptionalExtension, TransactionBehavior, params};
use crate::store::detail::detail;
use crate::store::dialect;
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

/// What a calibration import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalibrationSummary {
    pub results: usize,
    pub items: usize,
    /// Items now rated by calibration, per difficulty.
    pub rated: BTreeMap<Difficulty, usize>,
    /// Items whose difficulty changed (including from none).
    pub changed: usize,
    /// Items still missing some plan model's result; they keep their difficulty.
    pub incomplete: usize,
}

fn outcome_json(o: &Outcome) -> Value {
    match o {
        Outcome::Choice(c) => json!({ "choice": c }),
        Outcome::F1(f) => json!({ "f1": f }),
        Outcome::Score(s) => json!({ "score": s }),
    }
}

fn outcome_from(v: &Value) -> Option<Outcome> {
    if let Some(c) = v.get("choice").and_then(Value::as_array) {
        return Some(Outcome::Choice(
            c.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        ));
    }
    if let Some(f) = v.get("f1").and_then(Value::as_f64) {
        return Some(Outcome::F1(f));
    }
    v.get("score").and_then(Value::as_f64).map(Outcome::Score)
}

/// Why `chosen` are not all option labels of an item with `labels`, if they are not.
/// Labels are matched as the item writes them: a lower-case "d" is not the option "D".
fn not_options(chosen: &[String], labels: &[String]) -> Option<String> {
    let bad = chosen.iter().find(|c| !labels.contains(c))?;
    let hint = match labels.iter().find(|l| l.eq_ignore_ascii_case(bad)) {
        Some(l) => format!("; labels are matched as written: give {l:?}"),
        None => "; give the labels of the options the model chose".into(),
    };
    Some(format!(
        "{bad:?} is not an option label ({}){hint}",
        labels.join(", ")
    ))
}

impl Store {
    /// Records calibration results for the items' current revisions, all or nothing, and
    /// rates every item that now has a result from each of `models`. An item missing a
    /// model keeps the difficulty it has. Refusals come back with their line numbers.
    pub fn import_calibration(
        &mut self,
        actor: &str,
        rows: &[CalibrationRow],
        models: &[String],
        thresholds: &Thresholds,
    ) -> Result<Result<CalibrationSummary, Vec<(usize, String)>>> {
        self.calibration(actor, rows, models, thresholds, false)
    }

    /// What `import_calibration` would refuse in `rows`, writing nothing: for a file some
    /// of whose lines do not read, so that every problem is found in one run.
    pub fn check_calibration(
        &mut self,
        rows: &[CalibrationRow],
        models: &[String],
    ) -> Result<Vec<(usize, String)>> {
        let thresholds = Thresholds::default();
        Ok(self
            .calibration("", rows, models, &thresholds, true)?
            .err()
            .unwrap_or_default())
    }

    fn calibration(
        &mut self,
        actor: &str,
        rows: &[CalibrationRow],
        models: &[String],
        thresholds: &Thresholds,
        check_only: bool,
    ) -> Result<Result<CalibrationSummary, Vec<(usize, String)>>> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut refused = Vec::new();
        let mut seen: BTreeMap<(i64, &str), usize> = BTreeMap::new();
        let mut touched: BTreeSet<i64> = BTreeSet::new();
        // Statements prepared once for the whole file: a cached statement handed back per row
        // loses its plan and would be planned again for every line.
        let mut lookup = tx.prepare(&format!(
            "SELECT i.id, i.kind, i.revision_no, {}
             FROM items i
             JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
             WHERE d.name = ?1 AND i.ext_id = ?2",
            dialect::json_labels(&tx, "r.body", "options")
        ))?;
        let mut upsert = tx.prepare(
            "INSERT INTO calibration (item_id, revision_no, model, outcome, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (item_id, revision_no, model)
             DO UPDATE SET outcome = excluded.outcome, imported_at = excluded.imported_at",
        )?;
        for row in rows {
            let what = format!("{}/{}", row.dataset, row.item_id);
            if !models.iter().any(|m| m == &row.model) {
                refused.push((
                    row.line,
                    format!(
                        "field `model`: {:?} is not one of the plan's calibration models ({})",
                        row.model,
                        models.join(", ")
                    ),
                ));
                continue;
            }
            let item: Option<(i64, String, i64, String)> = lookup
                .query_row(params![row.dataset, row.item_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let Some((rowid, kind, revision_no, labels)) = item else {
                refused.push((
                    row.line,
                    format!("field `item`: there is no item {what}; import it first"),
                ));
                continue;
            };
            let fits = matches!(
                (ItemKind::parse(&kind), &row.outcome),
                (Some(ItemKind::Mcq), Outcome::Choice(_))
                    | (Some(ItemKind::Extraction), Outcome::F1(_))
                    | (Some(ItemKind::OpenEnded), Outcome::Score(_))
            );
            if !fits {
                let want = match ItemKind::parse(&kind) {
                    Some(ItemKind::Mcq) => "choice",
                    Some(ItemKind::Extraction) => "f1",
                    _ => "score",
                };
                refused.push((
                    row.line,
                    format!("{what} is {kind}: give its result as `{want}`"),
                ));
                continue;
            }
            if let Outcome::Choice(chosen) = &row.outcome {
                let labels: Vec<String> = serde_json::from_str(&labels).unwrap_or_default();
                if let Some(why) = not_options(chosen, &labels) {
                    refused.push((row.line, format!("field `choice`: {what}: {why}")));
                    continue;
                }
            }
            if let Some(first) = seen.insert((rowid, row.model.as_str()), row.line) {
                refused.push((
                    row.line,
                    format!(
                        "{what} already has a result from {} on line {first}",
                        row.model
                    ),
                ));
                continue;
            }
            upsert.execute(params![
                rowid,
                revision_no,
                row.model,
                outcome_json(&row.outcome).to_string(),
                now
            ])?;
            touched.insert(rowid);
        }
        drop((lookup, upsert));
        // Dropping `tx` rolls back what a check wrote.
        if !refused.is_empty() || check_only {
            return Ok(Err(refused));
        }
        let mut summary = CalibrationSummary {
            results: rows.len(),
            items: touched.len(),
            ..Default::default()
        };
        let mut current = tx.prepare(&format!(
            "SELECT i.revision_no, i.difficulty, {} FROM items i
             JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
             WHERE i.id = ?1",
            dialect::json_value(&tx, "r.body", "'$.answer'")
        ))?;
        let mut results = tx.prepare(
            "SELECT model, outcome FROM calibration WHERE item_id = ?1 AND revision_no = ?2",
        )?;
        let mut changed_event = tx.prepare(
            "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'difficulty_calibrated', ?3, ?4, ?5)",
        )?;
        let mut set = tx.prepare(
            "UPDATE items SET difficulty = ?2, difficulty_source = 'calibration' WHERE id = ?1",
        )?;
        for rowid in touched {
            let (revision_no, old, answer): (i64, Option<String>, Option<String>) =
                current.query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            let mut by_model: BTreeMap<String, Outcome> = BTreeMap::new();
            let found = results.query_map(params![rowid, revision_no], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for f in found {
                let (model, outcome) = f?;
                if let Some(o) = serde_json::from_str(&outcome)
                    .ok()
                    .as_ref()
                    .and_then(outcome_from)
                {
                    by_model.insert(model, o);
                }
            }
            let outcomes: Option<Vec<Outcome>> =
                models.iter().map(|m| by_model.get(m).cloned()).collect();
            let Some(outcomes) = outcomes else {
                summary.incomplete += 1;
                continue;
            };
            let answer: Option<Vec<String>> = answer.and_then(|a| serde_json::from_str(&a).ok());
            let Some(d) = rate(&outcomes, answer.as_deref(), thresholds) else {
                continue;
            };
            *summary.rated.entry(d).or_default() += 1;
            if old.as_deref() != Some(d.as_str()) {
                summary.changed += 1;
                changed_event.execute(params![
                    now,
                    actor,
                    rowid,
                    revision_no,
                    detail! {"from" => old.clone(), "to" => d.as_str(), "models" => models.len() as i64}
                ])?;
            }
            set.execute(params![rowid, d.as_str()])?;
        }
        drop((current, results, changed_event, set));
        tx.execute(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'calibration_import', ?3)",
            params![
                now,
                actor,
                detail! {
                    "results" => summary.results as i64,
                    "items" => summary.items as i64,
                    "changed" => summary.changed as i64,
                    "incomplete" => summary.incomplete as i64
                }
            ],
        )?;
        tx.commit()?;
        Ok(Ok(summary))
    }
}
