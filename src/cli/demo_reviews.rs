//! The demo's first reviews: two demo physicians review the CMExam sample so the curation
//! queue and the agreement report have something to show. Written through the same path as
//! `reviews import`, once (a workspace that already has reviews is left alone).

use crate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use crate::import::responses::read_responses;
use crate::sample::{SAMPLE_DATASETS, SAMPLE_RESPONSES};
use crate::store::{ExternalReview, ResponsesImported, Store};
use anyhow::{Context, Result, anyhow};
use std::path::Path;

/// The dataset the demo reviews, and by whom.
pub const DEMO_DATASET: &str = "CMExam";
pub const DEMO_PAIR: [&str; 2] = ["dr-wang", "dr-zhang"];

/// Submits both demo physicians' reviews of the demo dataset unless anything there has been
/// reviewed. Returns how many reviews were written.
pub fn seed(store: &mut Store) -> Result<usize> {
    if store.agreement(Some(DEMO_DATASET))?.overall.items > 0
        || store
            .status()?
            .iter()
            .find(|d| d.dataset == DEMO_DATASET)
            .is_some_and(|d| d.count(crate::domain::workflow::ItemState::InReview) < d.total())
    {
        return Ok(0);
    }
    let jsonl = SAMPLE_DATASETS
        .iter()
        .find(|(name, _)| *name == DEMO_DATASET)
        .map(|(_, j)| *j)
        .ok_or_else(|| anyhow!("the {DEMO_DATASET} sample is missing"))?;
    let mut written = 0;
    for (who, reviewer) in DEMO_PAIR.iter().enumerate() {
        let mut reviews = Vec::new();
        for (n, line) in jsonl.lines().enumerate() {
            let id = serde_json::from_str::<serde_json::Value>(line)?["id"]
                .as_str()
                .map(str::to_string)
                .context("a sample item without an id")?;
            let item = store
                .item(DEMO_DATASET, &id)?
                .with_context(|| format!("{DEMO_DATASET}/{id} is not in the workspace"))?;
            let body = &item.item.body;
            let mut content = ReviewContent::default();
            for c in applicable(body) {
                // Each physician doubts some answer keys and distractor sets, sometimes the
                // same ones: disagreements and joint failures for the curator, and kappas
                // that are neither 0 nor 1.
                let doubt = match (who, c) {
                    (0, Criterion::AnswerCorrectness) => n % 6 == 1,
                    (1, Criterion::AnswerCorrectness) => n % 4 == 1,
                    (0, Criterion::DistractorPlausibility) => n % 7 == 3 || n % 11 == 5,
                    (1, Criterion::DistractorPlausibility) => n % 7 == 3,
                    _ => false,
                };
                let v = if doubt {
                    Verdict::Fail {
                        reason: match c {
                            Criterion::AnswerCorrectness => "答案存疑，请核对教材".into(),
                            _ => "干扰项过于明显".into(),
                        },
                    }
                } else {
                    Verdict::Pass
                };
                content.verdicts.insert(c, v);
            }
            content.departments = if body.suggested_departments.is_empty() {
                vec!["general-practice".into()]
            } else {
                body.suggested_departments.clone()
            };
            // The first physician adds a second department now and then.
            if who == 0 && n % 5 == 2 && content.departments.len() < 3 {
                content.departments.push("general-practice".into());
                content.departments.dedup();
            }
            reviews.push(ExternalReview {
                line: n + 1,
                dataset: DEMO_DATASET.into(),
                item_id: id,
                content,
                reviewer: None,
                revision_no: None,
            });
        }
        match store.import_reviews(reviewer, &reviews)? {
            Ok(done) => written += done.len(),
            Err(refused) => {
                let (line, why) = &refused[0];
                anyhow::bail!("the demo reviews were refused (line {line}): {why}");
            }
        }
    }
    Ok(written)
}

/// Imports the sample model responses (through a file in `dir`, as `responses import`
/// reads them) unless the workspace has responses already.
pub fn seed_responses(store: &mut Store, dir: &Path) -> Result<Option<ResponsesImported>> {
    if !store.disputes()?.is_empty() {
        return Ok(None);
    }
    let file = dir.join("model-responses.jsonl");
    crate::files::user::write(&file, SAMPLE_RESPONSES.as_bytes())
        .with_context(|| format!("writing {}", file.display()))?;
    let rows = read_responses(&file)?
        .map_err(|e| anyhow!("the sample responses do not read: {}", e[0]))?;
    match store.import_responses("demo", &rows)? {
        Ok(done) => Ok(Some(done)),
        Err(refused) => {
            let (line, why) = &refused[0];
            anyhow::bail!("the sample responses were refused (line {line}): {why}")
        }
    }
}
