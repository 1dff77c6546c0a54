//! What scoring a release reads from the workspace: the judged responses to its open-ended
//! items, with the physician's score where a dispute was decided.

use super::Store;
use crate::domain::evaluate::JudgedResponse;
use crate::domain::judge::Adjudication;
use anyhow::{Context, Result};
use rusqlite::params;

/// A stored response with the revision it answered.
pub struct StoredResponse {
    pub response: JudgedResponse,
    pub revision: i64,
}

impl Store {
    /// Every response to an item of `dataset` by one of `models`, with the latest submitted
    /// adjudication's score, by item and model.
    pub fn judged_responses(
        &self,
        dataset: &str,
        models: &[String],
    ) -> Result<Vec<StoredResponse>> {
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
            if !models.contains(&model) {
                continue;
            }
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
