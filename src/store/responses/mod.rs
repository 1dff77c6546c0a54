//! Model responses with their two AI-judge scores, the disputes among them, and the
//! physicians' adjudications of those disputes.

mod adjudicate;

use super::{Store, clock};
use crate::domain::item::{Content, ItemBody, ItemKind};
use crate::domain::judge::{Adjudication, DEFAULT_THRESHOLD, JudgeScore, ResponseRow, is_dispute};
use crate::store::db::{OptionalExtension, Statement, TransactionBehavior, params};
use crate::store::detail::detail;
use anyhow::{Context, Result};
use std::borrow::Borrow;
use std::collections::HashMap;
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
    /// Lines whose response was stored already (by an earlier run of the same file), the
    /// same in every field: nothing written for them.
    pub already_stored: usize,
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
    /// A response stored already, the same in every field, is counted, not refused.
    pub fn import_responses(
        &mut self,
        actor: &str,
        rows: &[ResponseRow],
    ) -> Result<Result<ResponsesImported, Vec<(usize, String)>>> {
        let mut refused = Vec::new();
        let done =
            self.import_response_stream(actor, rows.iter().map(|r| Ok(Some(r))), |l, w| {
                refused.push((l, w))
            })?;
        Ok(done.ok_or(refused))
    }

    /// Stores responses as they are read, all or nothing, in one transaction: memory stays
    /// flat whatever the number of lines. `rows` gives each line's response in file order, or
    /// `None` for a line the reader could not take (its problems are the reader's to report):
    /// after one, the rest are only read through and nothing is stored. Each line refused
    /// here goes to `refused` with its number. Returns what was stored, or `None` if nothing
    /// was (a line was refused or unreadable).
    pub fn import_response_stream<R: Borrow<ResponseRow>>(
        &mut self,
        actor: &str,
        rows: impl IntoIterator<Item = Result<Option<R>>>,
        mut refused: impl FnMut(usize, String),
    ) -> Result<Option<ResponsesImported>> {
        let threshold = self.dispute_threshold()?;
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Each new response's id is `base` plus its line number, so a second response to the
        // same item by the same model finds the first one's line from the id alone, with
        // nothing kept per line in memory.
        let base: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM responses", [], |r| {
            r.get(0)
        })?;
        // Responses stored before this import that its lines have matched, one bit each by
        // id, so that one listed twice is still a duplicate: memory grows with the responses
        // stored (an eighth of a byte each), not with the file.
        let mut matched: Vec<u64> = Vec::new();
        let mut out = ResponsesImported::default();
        let (mut unreadable, mut refusals, mut last_line) = (false, 0usize, 0usize);
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
                "INSERT INTO responses (id, item_id, revision_no, model, response, score_a,
                                        score_b, gap, judges, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (item_id, model) DO NOTHING",
            )?;
            let mut stored = tx.prepare(
                "SELECT id, response, judges FROM responses WHERE item_id = ?1 AND model = ?2",
            )?;
            let mut items = ItemCache::default();
            for row in rows {
                // After a line that does not read, the rest are still checked (nothing will
                // be committed), so that every problem of the file is found in one run.
                let Some(row) = row? else {
                    unreadable = true;
                    continue;
                };
                let row = row.borrow();
                anyhow::ensure!(
                    row.line > last_line,
                    "responses must come in file order (line {} after line {last_line})",
                    row.line
                );
                last_line = row.line;
                let what = || format!("{}/{}", row.dataset, row.item_id);
                let mut refuse = |why: String| {
                    refusals += 1;
                    refused(row.line, why)
                };
                let Some((rowid, revision_no, kind, rubric)) =
                    items.get(&mut lookup, &row.dataset, &row.item_id)?
                else {
                    refuse(format!(
                        "field `item`: there is no item {}; import it first",
                        what()
                    ));
                    continue;
                };
                if kind != ItemKind::OpenEnded {
                    refuse(format!(
                        "{} is {kind}; judge scores are for open_ended items",
                        what()
                    ));
                    continue;
                }
                let mut bad_points = false;
                for (i, j) in row.judges.iter().enumerate() {
                    if let Some(p) = &j.points
                        && p.len() != rubric
                    {
                        refuse(format!(
                            "field `judges[{i}].points`: {} given, but {} has {rubric} rubric points",
                            p.len(),
                            what()
                        ));
                        bad_points = true;
                    }
                }
                if bad_points {
                    continue;
                }
                let (a, b) = (row.judges[0].score, row.judges[1].score);
                let inserted = insert.execute(params![
                    base + row.line as i64,
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
                if inserted == 1 {
                    out.responses += 1;
                    if is_dispute(a, b, threshold) {
                        out.disputes += 1;
                    }
                    continue;
                }
                let (id, response, judges): (i64, String, String) = stored
                    .query_row(params![rowid, row.model], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                let twice = |first: i64| {
                    format!(
                        "a response of {} to {} is already on line {first}; one per model and item",
                        row.model,
                        what()
                    )
                };
                if id > base {
                    refuse(twice(id - base));
                    continue;
                }
                let same = response == row.response
                    && serde_json::from_str::<Vec<JudgeScore>>(&judges)
                        .is_ok_and(|j| j == row.judges);
                if !same {
                    refuse(format!(
                        "a response of {} to {} is already stored, with a different response or \
                         judge scores; one per model and item: remove this line, or name the \
                         model differently if it is another model's response",
                        row.model,
                        what()
                    ));
                    continue;
                }
                if matched.is_empty() {
                    matched = vec![0; base as usize / 64 + 1];
                }
                let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
                if matched[word] & bit != 0 {
                    refuse(format!(
                        "a response of {} to {} is on an earlier line of this file too (and is \
                         stored already); one per model and item: remove this line",
                        row.model,
                        what()
                    ));
                    continue;
                }
                matched[word] |= bit;
                out.already_stored += 1;
            }
        }
        if unreadable || refusals > 0 {
            // Dropping the transaction rolls it back: nothing of this import remains.
            return Ok(None);
        }
        if out.responses == 0 {
            // Every line was stored already: nothing to write, nothing to log.
            return Ok(Some(out));
        }
        tx.execute(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'responses_import', ?3)",
            params![
                now,
                actor,
                detail! {"responses" => out.responses as i64, "disputes" => out.disputes as i64}
            ],
        )?;
        tx.commit()?;
        // A large import leaves a large log; fold it in now rather than in an expert's first
        // claim.
        self.checkpoint()?;
        Ok(Some(out))
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
                        count(*) FILTER (WHERE r.gap > ?1 + 1e-9 OR (r.taken = 1 AND EXISTS (
                            SELECT 1 FROM adjudications a WHERE a.response_id = r.id
                            AND a.status = 'submitted'))) AS disputes,
                        count(*) FILTER (WHERE r.taken = 1 AND EXISTS (SELECT 1 FROM adjudications a
                            WHERE a.response_id = r.id AND a.status = 'submitted')) AS adjudicated,
                        count(*) FILTER (WHERE r.taken = 1 AND EXISTS (SELECT 1 FROM adjudications a
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
        Ok(rows.collect::<crate::store::db::Result<_>>()?)
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

/// An item as a responses import needs it: row id, current revision, kind, rubric points.
type KnownItem = (i64, i64, ItemKind, usize);

/// The items a responses import has looked up, each once however many models answered it.
/// Emptied when it holds `ItemCache::CAP` bytes, so memory stays flat.
#[derive(Default)]
struct ItemCache {
    /// dataset -> item id -> the item, or `None` if there is none.
    by_dataset: HashMap<String, HashMap<String, Option<KnownItem>>>,
    /// About how many bytes it holds.
    bytes: usize,
}

impl ItemCache {
    const CAP: usize = 16 << 20;
    /// What an entry takes besides its names.
    const ENTRY: usize = 96;

    fn get(
        &mut self,
        lookup: &mut Statement,
        dataset: &str,
        item: &str,
    ) -> Result<Option<KnownItem>> {
        if let Some(known) = self.by_dataset.get(dataset).and_then(|m| m.get(item)) {
            return Ok(*known);
        }
        let what = || format!("{dataset}/{item}");
        let found: Option<(i64, i64, String, String)> = lookup
            .query_row(params![dataset, item], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let known = match found {
            None => None,
            Some((rowid, revision_no, kind, body)) => {
                let kind = ItemKind::parse(&kind)
                    .with_context(|| format!("{} has an unknown kind {kind:?}", what()))?;
                let body: ItemBody =
                    serde_json::from_str(&body).with_context(|| format!("reading {}", what()))?;
                let rubric = match &body.content {
                    Content::OpenEnded(o) => o.rubric.len(),
                    _ => 0,
                };
                Some((rowid, revision_no, kind, rubric))
            }
        };
        let bytes = dataset.len() + item.len() + Self::ENTRY;
        if self.bytes + bytes > Self::CAP {
            self.by_dataset.clear();
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.by_dataset
            .entry(dataset.to_string())
            .or_default()
            .insert(item.to_string(), known);
        Ok(known)
    }
}
