//! Model responses with their two AI-judge scores, the disputes among them, and the
//! physicians' adjudications of those disputes.

mod adjudicate;

use super::{Store, clock};
use crate::domain::item::{Content, ItemBody};
use crate::domain::judge::{Adjudication, DEFAULT_THRESHOLD, JudgeScore, is_dispute};
use crate::import::responses::ResponseRow;
use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::SystemTime;

pub use adjudicate::{DisputeAssignment, MyAdjudication};

/// The setting that changes the dispute threshold.
pub const THRESHOLD_SETTING: &str = "disputes.threshold";

/// What a responses import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponsesImported {
    pub responses: usize,
    /// Of them, disputes under the current threshold.
    pub disputes: usize,
}

/// Responses and disputes of one model on one dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeCount {
    pub dataset: String,
    pub model: String,
    pub responses: u64,
    pub disputes: u64,
    pub adjudicated: u64,
    /// Claimed by an expert, not yet decided.
    pub in_progress: u64,
}

/// An adjudicated dispute with everything a training example or a judge report needs.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjudicatedDispute {
    pub dataset: String,
    pub item_id: String,
    pub revision_no: i64,
    pub body: ItemBody,
    pub model: String,
    pub response: String,
    pub judges: Vec<JudgeScore>,
    pub expert: String,
    pub decision: Adjudication,
    pub submitted_at: String,
}

impl Store {
    /// The gap between judge scores above which a response is a dispute.
    pub fn dispute_threshold(&self) -> Result<f64> {
        match self.setting(THRESHOLD_SETTING)? {
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|t| (0.0..=1.0).contains(t))
                .with_context(|| {
                    format!("setting {THRESHOLD_SETTING} is {v:?}, not a number from 0 to 1")
                }),
            None => Ok(DEFAULT_THRESHOLD),
        }
    }

    /// Stores responses, all or nothing: each must name an open-ended item, once per model,
    /// with judge points (if given) matching its rubric. Refusals come back with line numbers.
    pub fn import_responses(
        &mut self,
        actor: &str,
        rows: &[ResponseRow],
    ) -> Result<Result<ResponsesImported, Vec<(usize, String)>>> {
        let threshold = self.dispute_threshold()?;
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut refused = Vec::new();
        let mut out = ResponsesImported::default();
        {
            // Prepared once: a cached statement handed back per row loses its plan, and the
            // item lookup would be planned again 100,000 times.
            let mut lookup = tx.prepare(
                "SELECT i.id, i.revision_no, i.kind, r.body FROM items i
                 JOIN datasets d ON d.id = i.dataset_id
                 JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO responses (item_id, revision_no, model, response, score_a, score_b,
                                        gap, judges, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (item_id, model) DO NOTHING",
            )?;
            // Each item once per import, however many models answered it:
            // (dataset, item) -> (rowid, revision, kind, rubric length), or None if absent.
            type Known = Option<(i64, i64, String, usize)>;
            let mut items: HashMap<(&str, &str), Known> = HashMap::new();
            let mut seen: HashMap<(i64, &str), usize> = HashMap::new();
            for row in rows {
                let what = format!("{}/{}", row.dataset, row.item_id);
                let key = (row.dataset.as_str(), row.item_id.as_str());
                let known = match items.entry(key) {
                    Entry::Occupied(e) => e.get().clone(),
                    Entry::Vacant(v) => {
                        let found: Option<(i64, i64, String, String)> = lookup
                            .query_row(params![row.dataset, row.item_id], |r| {
                                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                            })
                            .optional()?;
                        let known = match found {
                            None => None,
                            Some((rowid, revision_no, kind, body)) => {
                                let body: ItemBody = serde_json::from_str(&body)
                                    .with_context(|| format!("reading {what}"))?;
                                let rubric = match &body.content {
                                    Content::OpenEnded(o) => o.rubric.len(),
                                    _ => 0,
                                };
                                Some((rowid, revision_no, kind, rubric))
                            }
                        };
                        v.insert(known).clone()
                    }
                };
                let Some((rowid, revision_no, kind, rubric)) = known else {
                    refused.push((
                        row.line,
                        format!("field `item`: there is no item {what}; import it first"),
                    ));
                    continue;
                };
                if kind != "open_ended" {
                    refused.push((
                        row.line,
                        format!("{what} is {kind}; judge scores are for open_ended items"),
                    ));
                    continue;
                }
                let mut bad_points = false;
                for (i, j) in row.judges.iter().enumerate() {
                    if let Some(p) = &j.points
                        && p.len() != rubric
                    {
                        refused.push((
                            row.line,
                            format!(
                                "field `judges[{i}].points`: {} given, but {what} has {rubric} rubric points",
                                p.len()
                            ),
                        ));
                        bad_points = true;
                    }
                }
                if bad_points {
                    continue;
                }
                if let Some(first) = seen.insert((rowid, row.model.as_str()), row.line) {
                    refused.push((
                        row.line,
                        format!(
                            "a response of {} to {what} is already on line {first}; one per model and item",
                            row.model
                        ),
                    ));
                    continue;
                }
                let (a, b) = (row.judges[0].score, row.judges[1].score);
                let inserted = insert.execute(params![
                    rowid,
                    revision_no,
                    row.model,
                    row.response,
                    a,
                    b,
                    (a - b).abs(),
                    serde_json::to_string(&row.judges)?,
                    now
                ])?;
                if inserted == 0 {
                    refused.push((
                        row.line,
                        format!(
                            "a response of {} to {what} is already stored; one per model and item",
                            row.model
                        ),
                    ));
                    continue;
                }
                out.responses += 1;
                if is_dispute(a, b, threshold) {
                    out.disputes += 1;
                }
            }
        }
        if !refused.is_empty() {
            return Ok(Err(refused));
        }
        tx.execute(
            "INSERT INTO events (at, actor, action, detail)
             VALUES (?1, ?2, 'responses_import', json_object('responses', ?3, 'disputes', ?4))",
            params![now, actor, out.responses as i64, out.disputes as i64],
        )?;
        tx.commit()?;
        // A large import leaves a large log; fold it in now rather than in an expert's first
        // claim.
        self.checkpoint()?;
        Ok(Ok(out))
    }

    /// Per dataset and model: responses, disputes under the current threshold, adjudicated
    /// and in progress.
    pub fn disputes(&self) -> Result<Vec<DisputeCount>> {
        let threshold = self.dispute_threshold()?;
        let now = clock::iso(SystemTime::now());
        // Adjudications are looked up only for responses someone has taken; grouping by
        // dataset id first leaves the name lookup to the few groups.
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, x.model, x.n, x.disputes, x.adjudicated, x.in_progress FROM (
                 SELECT i.dataset_id AS ds, r.model AS model, count(*) AS n,
                        -- A decided dispute stays one if the threshold is raised later.
                        sum(r.gap > ?1 + 1e-9 OR (r.taken = 1 AND EXISTS (
                            SELECT 1 FROM adjudications a WHERE a.response_id = r.id
                            AND a.status = 'submitted'))) AS disputes,
                        sum(r.taken = 1 AND EXISTS (SELECT 1 FROM adjudications a
                            WHERE a.response_id = r.id AND a.status = 'submitted')) AS adjudicated,
                        sum(r.taken = 1 AND EXISTS (SELECT 1 FROM adjudications a
                            WHERE a.response_id = r.id AND a.status = 'claimed'
                            AND a.lease_expires_at > ?2)) AS in_progress
                 FROM responses r JOIN items i ON i.id = r.item_id
                 GROUP BY i.dataset_id, r.model) x
             JOIN datasets d ON d.id = x.ds ORDER BY d.name, x.model",
        )?;
        let rows = stmt.query_map(params![threshold, now], |r| {
            Ok(DisputeCount {
                dataset: r.get(0)?,
                model: r.get(1)?,
                responses: r.get::<_, i64>(2)? as u64,
                disputes: r.get::<_, i64>(3)? as u64,
                adjudicated: r.get::<_, i64>(4)? as u64,
                in_progress: r.get::<_, i64>(5)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every adjudicated dispute (in `dataset`, if given), by dataset, item and model.
    pub fn adjudicated_disputes(&self, dataset: Option<&str>) -> Result<Vec<AdjudicatedDispute>> {
        let dataset_id = dataset.map(|d| self.dataset_id(d)).transpose()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, i.ext_id, r.revision_no, v.body, r.model, r.response, r.judges,
                    a.expert, a.content, a.submitted_at
             FROM adjudications a JOIN responses r ON r.id = a.response_id
             JOIN items i ON i.id = r.item_id JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions v ON v.item_id = r.item_id AND v.revision_no = r.revision_no
             WHERE a.status = 'submitted' AND (?1 IS NULL OR i.dataset_id = ?1)
             ORDER BY d.name, i.ext_id, r.model",
        )?;
        let mut rows = stmt.query(params![dataset_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let what = format!("{}/{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?);
            out.push(AdjudicatedDispute {
                dataset: r.get(0)?,
                item_id: r.get(1)?,
                revision_no: r.get(2)?,
                body: serde_json::from_str(&r.get::<_, String>(3)?)
                    .with_context(|| format!("reading {what}"))?,
                model: r.get(4)?,
                response: r.get(5)?,
                judges: serde_json::from_str(&r.get::<_, String>(6)?)?,
                expert: r.get(7)?,
                decision: serde_json::from_str(&r.get::<_, String>(8)?)?,
                submitted_at: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
            });
        }
        Ok(out)
    }
}
