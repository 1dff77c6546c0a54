//! Reviews made outside the terminal (a typed-up review sheet, a spreadsheet), submitted
//! under exactly the rules of the review screen, all or nothing.

use super::SubmitOutcome;
use super::routing::Route;
use super::submit::submit_tx;
use crate::domain::people::Role;
use crate::domain::review::ReviewContent;
use crate::store::db::{OptionalExtension, Transaction, TransactionBehavior, params};
use crate::store::people::require_role;
use crate::store::{Store, clock};
use anyhow::{Context, Result};
use std::time::SystemTime;

/// One review from a file: which item, and the review.
#[derive(Debug, Clone)]
pub struct ExternalReview {
    pub line: usize,
    pub dataset: String,
    pub item_id: String,
    pub content: ReviewContent,
    /// The reviewer the line names (a `reviews export` file); `None` for the importer's own.
    pub reviewer: Option<String>,
    /// The revision the review was made on, when the line says.
    pub revision_no: Option<i64>,
}

/// Each review's outcome (`None` for one submitted already exactly so, which is left as it
/// is), or the refusals with their line numbers.
pub type ImportOutcome = Result<Vec<Option<SubmitOutcome>>, Vec<(usize, String)>>;

impl Store {
    /// Claims and submits every review as `reviewer`. If any is refused, nothing is written
    /// and the refusals come back with their line numbers. A review this reviewer has
    /// submitted already with the same content (a file imported again) is left unchanged: no
    /// write, no event.
    pub fn import_reviews(
        &mut self,
        reviewer: &str,
        reviews: &[ExternalReview],
    ) -> Result<ImportOutcome> {
        self.external_reviews(reviewer, reviews, false)
    }

    /// What `import_reviews` would refuse in `reviews`, writing nothing: for a file some of
    /// whose lines do not read, so that every problem is found in one run.
    pub fn check_reviews(
        &mut self,
        reviewer: &str,
        reviews: &[ExternalReview],
    ) -> Result<Vec<(usize, String)>> {
        Ok(self
            .external_reviews(reviewer, reviews, true)?
            .err()
            .unwrap_or_default())
    }

    fn external_reviews(
        &mut self,
        reviewer: &str,
        reviews: &[ExternalReview],
        check_only: bool,
    ) -> Result<ImportOutcome> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::new();
        let mut refused = Vec::new();
        for r in reviews {
            match submit_one(&tx, reviewer, r, &now) {
                Ok(o) => outcomes.push(o),
                Err(e) => refused.push((r.line, format!("{e:#}"))),
            }
        }
        // Dropping `tx` rolls back what a check wrote.
        if !refused.is_empty() || check_only {
            return Ok(Err(refused));
        }
        tx.commit()?;
        Ok(Ok(outcomes))
    }
}

fn submit_one(
    tx: &Transaction,
    reviewer: &str,
    r: &ExternalReview,
    now: &str,
) -> Result<Option<SubmitOutcome>> {
    let what = format!("{}/{}", r.dataset, r.item_id);
    // The caller lets only a maintainer submit lines that name their reviewer.
    let reviewer = match r.reviewer.as_deref() {
        Some(named) => {
            require_role(tx, named, &[Role::Annotator])?;
            named
        }
        None => reviewer,
    };
    let item: Option<(i64, i64, String, i64)> = tx
        .prepare_cached(
            "SELECT i.id, i.revision_no, i.state, i.active_reviews
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             WHERE d.name = ?1 AND i.ext_id = ?2",
        )?
        .query_row(params![r.dataset, r.item_id], |x| {
            Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?))
        })
        .optional()?;
    let Some((item_id, revision_no, state, active)) = item else {
        anyhow::bail!("there is no item {what}; check the dataset and item id");
    };
    if let Some(made_on) = r.revision_no
        && made_on != revision_no
    {
        // An exported review of an earlier revision, stored already exactly so: nothing to do.
        let stored: Option<String> = tx
            .prepare_cached(
                "SELECT content FROM reviews WHERE item_id = ?1 AND revision_no = ?2
                   AND reviewer = ?3 AND status = 'submitted'",
            )?
            .query_row(params![item_id, made_on, reviewer], |x| x.get(0))
            .optional()?;
        if stored.is_some_and(|c| {
            serde_json::from_str::<ReviewContent>(&c).is_ok_and(|c| c == r.content)
        }) {
            return Ok(None);
        }
        anyhow::bail!(
            "this is {reviewer}'s review of revision {made_on}, but {what} is at revision \
             {revision_no}; a review counts only for the revision it was made on"
        );
    }
    let mine: Option<(i64, String, String)> = tx
        .prepare_cached(
            "SELECT id, status, content FROM reviews
             WHERE item_id = ?1 AND revision_no = ?2 AND reviewer = ?3",
        )?
        .query_row(params![item_id, revision_no, reviewer], |x| {
            Ok((x.get(0)?, x.get(1)?, x.get(2)?))
        })
        .optional()?;
    let review_id = match mine {
        Some((_, status, content))
            if status == "submitted"
                && serde_json::from_str::<ReviewContent>(&content)
                    .is_ok_and(|c| c == r.content) =>
        {
            return Ok(None);
        }
        Some((id, _, _)) => id,
        None => {
            if state != "in_review" {
                anyhow::bail!("{what} is already settled ({state}); it takes no more reviews");
            }
            // A control takes any number of reviews, so to its reviewers it is what it looks
            // like: an item open for review.
            let control: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM controls WHERE item_id = ?1)")?
                .query_row([item_id], |x| x.get(0))?;
            if active >= 2 && !control {
                anyhow::bail!("{what} already has two reviewers; an item takes two reviews");
            }
            if !routed_to(tx, reviewer, item_id)? {
                anyhow::bail!(
                    "{what} goes only to physicians whose specialties meet its departments \
                     ({} routes strictly) and yours do not; a maintainer can add the specialty \
                     (medcurate people specialty {reviewer} --add DEPARTMENT)",
                    r.dataset
                );
            }
            let id = tx
                .prepare_cached(
                    "INSERT INTO reviews (item_id, revision_no, reviewer, status, claimed_at, updated_at)
                     VALUES (?1, ?2, ?3, 'claimed', ?4, ?4)",
                )?
                .insert_id(params![item_id, revision_no, reviewer, now])?
                .context("the new review has no id")?;
            tx.prepare_cached(
                "UPDATE items SET active_reviews = active_reviews + 1
                 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM controls WHERE item_id = ?1)",
            )?
            .execute([item_id])?;
            id
        }
    };
    submit_tx(tx, reviewer, review_id, &r.content, now).map(Some)
}

/// Whether routing lets `reviewer` take the item: in a strict dataset, only an item with no
/// department or one meeting their specialties.
fn routed_to(tx: &Transaction, reviewer: &str, item_id: i64) -> Result<bool> {
    let route = Route::read(tx, reviewer)?;
    Ok(tx
        .prepare_cached(
            "SELECT d.routing <> 'strict' OR i.route_mask = 0 OR (i.route_mask & ?2) <> 0
             FROM items i JOIN datasets d ON d.id = i.dataset_id WHERE i.id = ?1",
        )?
        .query_row(params![item_id, route.mask], |r| r.get(0))?)
}
