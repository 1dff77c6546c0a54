//! What scoring a release reads from the workspace (the judged responses to its open-ended
//! items, with the physician's score where a dispute was decided) and the results it keeps
//! for the leaderboard.

use super::people::require_role;
use super::{Store, clock};
use crate::domain::evaluate::JudgedResponse;
use crate::domain::judge::Adjudication;
use crate::domain::people::Role;
use crate::store::db::{TransactionBehavior, params};
use anyhow::{Context, Result};
use std::time::SystemTime;

/// A stored response with the revision it answered.
pub struct StoredResponse {
    pub response: JudgedResponse,
    pub revision: i64,
}

impl Store {
    /// Every response to an item of `dataset`, with the latest submitted adjudication's
    /// score, by item and model.
    pub fn judged_responses(&self, dataset: &str) -> Result<Vec<StoredResponse>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.ext_id, r.revision_no, r.model, r.score_a, r.score_b,
                    (SELECT a.content FROM adjudications a
                     WHERE a.response_id = r.id AND a.status = 'submitted'
                     ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1)
             FROM responses r JOIN items i ON i.id = r.item_id
             JOIN datasets d ON d.id = i.dataset_id
             WHERE d.name = ?1
             ORDER BY i.ext_id, r.model",
        )?;
        let mut rows = stmt.query(params![dataset])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let model: String = r.get(2)?;
            let item: String = r.get(0)?;
            let physician = match r.get::<_, Option<String>>(5)? {
                Some(c) => {
                    serde_json::from_str::<Adjudication>(&c)
                        .with_context(|| format!("reading the adjudication of {dataset}/{item}"))?
                        .score
                }
                None => None,
            };
            out.push(StoredResponse {
                response: JudgedResponse {
                    dataset: dataset.to_string(),
                    item,
                    model,
                    judges: [r.get(3)?, r.get(4)?],
                    physician,
                },
                revision: r.get(1)?,
            });
        }
        Ok(out)
    }
}

/// A model's scores on a release, to keep for the leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult {
    pub root_digest: String,
    pub release: String,
    pub version: String,
    pub model: String,
    pub answers_sha256: String,
    /// JSON, as `evaluate` computes it.
    pub scores: String,
}

/// A kept result.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    pub result: NewResult,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl Store {
    /// Keeps the results in one transaction; a result kept already (the same release, model,
    /// answers and scores) is not added again. Returns how many were added.
    pub fn record_results(&mut self, actor: &str, results: &[NewResult]) -> Result<usize> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, actor, &[Role::Maintainer])?;
        let mut added = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO evaluation_results (root_digest, release, version, model,
                     answers_sha256, scores, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (root_digest, model, answers_sha256, scores) DO NOTHING",
            )?;
            for r in results {
                added += insert.execute(params![
                    r.root_digest,
                    r.release,
                    r.version,
                    r.model,
                    r.answers_sha256,
                    r.scores,
                    actor,
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Every result kept for the release with this root digest, oldest first.
    pub fn results(&self, root_digest: &str) -> Result<Vec<StoredResult>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT root_digest, release, version, model, answers_sha256, scores, recorded_by,
                    recorded_at
             FROM evaluation_results WHERE root_digest = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![root_digest], |r| {
            Ok(StoredResult {
                result: NewResult {
                    root_digest: r.get(0)?,
                    release: r.get(1)?,
                    version: r.get(2)?,
                    model: r.get(3)?,
                    answers_sha256: r.get(4)?,
                    scores: r.get(5)?,
                },
                recorded_by: r.get(6)?,
                recorded_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<crate::store::db::Result<_>>()?)
    }
}
