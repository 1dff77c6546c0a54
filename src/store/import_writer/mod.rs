//! Writing an import: one `BEGIN IMMEDIATE` transaction for the whole command, so the
//! database holds all of an import or none of it, even if the process is killed.

mod batch;

use batch::{BATCH, Pending};

use super::Store;
use crate::domain::item::{Difficulty, ItemKind};
use crate::store::db::{Backend, OptionalExtension, Transaction, TransactionBehavior, params};
use crate::store::detail::detail;
use anyhow::{Context, Result};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A dataset as the import sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetRef {
    pub id: i64,
    pub kind: ItemKind,
}

/// One item's content, ready to store.
#[derive(Debug, Clone, Copy)]
pub struct NewRevision<'a> {
    pub ext_id: &'a str,
    /// The canonical JSON of the item body.
    pub body_json: &'a str,
    pub content_hash: &'a str,
    pub difficulty: Option<Difficulty>,
    /// Its suggested departments as routing's bits: a new item is stored with them (the
    /// revision's trigger leaves an import's new items alone, migration 16).
    pub route_mask: i64,
    /// Which of the import's files (0-based) and which line of it.
    pub file_index: usize,
    pub line: usize,
}

/// What happened to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new item with its first revision.
    Imported,
    /// Same id and same content as the current revision: nothing written.
    Unchanged,
    /// Same id, new content, `revise` given: a new revision; the item goes back to review.
    Revised { revision_no: i64 },
    /// Same id, new content, no `revise`: refused.
    Conflict { current_revision: i64 },
    /// The id was already stored by this same import, from this file and line.
    Duplicate { file_index: usize, line: usize },
    /// Same id, new content, `revise` given, but the item is a control: refused, as a
    /// control keeps the one revision its expected verdicts are for.
    Control,
}

pub struct ImportWriter<'c> {
    tx: Transaction<'c>,
    import_id: i64,
    actor: String,
    /// One timestamp for everything the import writes: it happened at one moment.
    at: String,
    /// New items per dataset, added to the review queue's counts (`queue_open`) when the
    /// import finishes: in review, open to two reviewers.
    opened: RefCell<BTreeMap<i64, i64>>,
    /// PostgreSQL only: new items not yet sent, all of one dataset.
    pending: RefCell<Pending>,
    /// PostgreSQL only: the rows the sent items put in the per-department queues
    /// (`route_queue`), per dataset and department bit (64: any department), for their
    /// counts (`route_open`) when the import finishes.
    routed: RefCell<BTreeMap<(i64, i64), i64>>,
    /// PostgreSQL only: per dataset, the hashes of the ids it holds (before this import and
    /// sent by it): about 16 bytes an id. An id whose hash is not here is new for certain and
    /// joins `pending`; one that is is looked up (it is stored, or rarely another id's hash).
    stored_ids: RefCell<HashMap<i64, HashSet<u64>>>,
}

impl Store {
    /// Starts an import by `actor`. Nothing is visible to others until `finish`.
    pub fn begin_import(
        &mut self,
        actor: &str,
        format: &str,
        files_json: &str,
    ) -> Result<ImportWriter<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("starting the import transaction")?;
        let (import_id, at): (i64, String) = tx.query_row(
            "INSERT INTO imports (actor, format, files) VALUES (?1, ?2, ?3) RETURNING id, at",
            params![actor, format, files_json],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        // The items this import adds are counted into the routing tables when it finishes
        // (`add_new_to_routing`), not one by one by the triggers (migration 16).
        tx.execute(
            "INSERT INTO import_new_items (first_id) SELECT coalesce(max(id), 0) + 1 FROM items",
            [],
        )?;
        Ok(ImportWriter {
            tx,
            import_id,
            actor: actor.to_string(),
            at,
            opened: RefCell::default(),
            pending: RefCell::default(),
            routed: RefCell::default(),
            stored_ids: RefCell::default(),
        })
    }
}

impl ImportWriter<'_> {
    /// Adds the items this import added to the per-department queues (`route_queue`) and
    /// their counts (`route_open`), in one pass over them in id order: a row per department
    /// each, appended at one place per department. Memory stays flat: the counts are kept per
    /// dataset and department, nothing per item.
    fn add_new_to_routing(&self) -> Result<()> {
        let mut counts: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        if self.tx.backend() == Backend::Postgres {
            // Each batch put its items in the queues as it wrote them (`send_pending`): an
            // import writes its new items once, so those rows and their counts are the
            // items' as they end up.
            counts = self.routed.take();
        } else {
            let first: i64 =
                self.tx
                    .query_row("SELECT first_id FROM import_new_items", [], |r| r.get(0))?;
            let mut insert = self.tx.prepare_cached(
                "INSERT INTO route_queue (bit, dataset_id, active_reviews, item_id, revision_no,
                                          solo_reviewer, fresh_eyes, route_mask)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut items = self.tx.prepare_cached(
                "SELECT id, dataset_id, active_reviews, revision_no, solo_reviewer, fresh_eyes,
                        route_mask
                 FROM items WHERE id >= ?1 AND state = 'in_review' AND active_reviews < 2
                   AND route_mask <> 0",
            )?;
            let mut rows = items.query([first])?;
            while let Some(r) = rows.next()? {
                let (id, dataset, active, revision): (i64, i64, i64, i64) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                let (solo, fresh, mask): (Option<String>, i64, i64) =
                    (r.get(4)?, r.get(5)?, r.get(6)?);
                *counts.entry((dataset, 64)).or_default() += 1;
                for bit in (0..64).filter(|b| mask & (1i64 << b) != 0) {
                    insert.execute(params![
                        bit, dataset, active, id, revision, solo, fresh, mask
                    ])?;
                    *counts.entry((dataset, bit)).or_default() += 1;
                }
            }
        }
        let mut add = self.tx.prepare_cached(
            "INSERT INTO route_open (dataset_id, bit, items) VALUES (?1, ?2, ?3)
             ON CONFLICT (dataset_id, bit) DO UPDATE SET items = route_open.items + excluded.items",
        )?;
        for ((dataset, bit), n) in counts {
            add.execute(params![dataset, bit, n])?;
        }
        self.tx.execute("DELETE FROM import_new_items", [])?;
        Ok(())
    }

    /// How many new items the writer holds back before it sends them (PostgreSQL), if it
    /// does: a reader that runs that far ahead prepares the next batch while the server
    /// stores this one.
    pub fn batch_size(&self) -> Option<usize> {
        (self.tx.backend() == Backend::Postgres).then_some(BATCH)
    }

    /// The dataset called `name`, if it exists.
    pub fn dataset(&self, name: &str) -> Result<Option<DatasetRef>> {
        self.tx
            .prepare_cached("SELECT id, kind FROM datasets WHERE name = ?1")?
            .query_row([name], |r| {
                let kind: String = r.get(1)?;
                Ok((r.get::<_, i64>(0)?, kind))
            })
            .optional()?
            .map(|(id, kind)| {
                let kind = ItemKind::parse(&kind)
                    .with_context(|| format!("dataset {name:?} has an unknown kind {kind:?}"))?;
                Ok(DatasetRef { id, kind })
            })
            .transpose()
    }

    /// Creates the dataset `name` holding items of `kind`.
    pub fn create_dataset(&self, name: &str, kind: ItemKind) -> Result<DatasetRef> {
        let id = self.tx.insert_id(
            "INSERT INTO datasets (name, kind, created_at) VALUES (?1, ?2, ?3)",
            params![name, kind.as_str(), self.at],
        )?;
        Ok(DatasetRef {
            id: id.context("the new dataset has no id")?,
            kind,
        })
    }

    /// Stores one item: new, unchanged, revised or refused, by its content hash.
    pub fn put_item(
        &self,
        dataset: DatasetRef,
        item: &NewRevision,
        revise: bool,
    ) -> Result<PutOutcome> {
        let difficulty = item.difficulty.map(Difficulty::as_str);
        let stored = if self.tx.backend() == Backend::Postgres {
            if let Some(outcome) = self.put_new_batched(dataset, item)? {
                return Ok(outcome);
            }
            // Its id's hash was seen: the id is stored, or (rarely) another id hashes alike.
            match self.stored(dataset, item.ext_id)? {
                Some(stored) => stored,
                None => {
                    self.hold(dataset, item)?;
                    return Ok(PutOutcome::Imported);
                }
            }
        } else {
            if self.insert_new(dataset, item, difficulty)? {
                *self.opened.borrow_mut().entry(dataset.id).or_default() += 1;
                return Ok(PutOutcome::Imported);
            }
            self.stored(dataset, item.ext_id)?
                .context("an item refused as already stored is not there")?
        };
        let (item_id, current, hash, import_id, file, line) = stored;
        if import_id == Some(self.import_id) {
            return Ok(PutOutcome::Duplicate {
                file_index: file.unwrap_or(0) as usize,
                line: line.unwrap_or(0) as usize,
            });
        }
        if hash == item.content_hash {
            return Ok(PutOutcome::Unchanged);
        }
        if !revise {
            return Ok(PutOutcome::Conflict {
                current_revision: current,
            });
        }
        let control: bool = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM controls WHERE item_id = ?1)")?
            .query_row([item_id], |r| r.get(0))?;
        if control {
            return Ok(PutOutcome::Control);
        }
        let next = current + 1;
        self.insert_revision(item_id, next, item)?;
        // A new revision is re-reviewed from scratch.
        self.tx
            .prepare_cached(
                "UPDATE items SET revision_no = ?2, state = 'in_review', difficulty = ?3,
                 difficulty_source = CASE WHEN ?3 IS NULL THEN NULL ELSE 'import' END,
                 active_reviews = 0 WHERE id = ?1",
            )?
            .execute(params![item_id, next, difficulty])?;
        // Claims on the old revision lapse; their reviewers are told when they try to submit.
        self.tx
            .prepare_cached(
                "UPDATE reviews SET status = 'expired', lease_expires_at = NULL
                 WHERE item_id = ?1 AND status = 'claimed'",
            )?
            .execute(params![item_id])?;
        self.tx
            .prepare_cached(
                "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
                 VALUES ((SELECT account FROM temp.session), ?1, ?2, 'item_revised', ?3, ?4, ?5)",
            )?
            .execute(params![
                self.at,
                self.actor,
                item_id,
                next,
                detail! {"import_id" => self.import_id, "previous_revision" => current}
            ])?;
        Ok(PutOutcome::Revised { revision_no: next })
    }

    /// The stored item `ext_id` of `dataset`: its id, current revision and that revision's
    /// content hash, import, file and line.
    #[allow(clippy::type_complexity)]
    fn stored(
        &self,
        dataset: DatasetRef,
        ext_id: &str,
    ) -> Result<Option<(i64, i64, String, Option<i64>, Option<i64>, Option<i64>)>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT i.id, i.revision_no, r.content_hash, r.import_id, r.import_file, r.import_line
                 FROM items i
                 JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
                 WHERE i.dataset_id = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset.id, ext_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?)
    }

    /// On SQLite: inserts `item` as a new item with its first revision; false when the dataset
    /// has an item of that id already (nothing written).
    fn insert_new(
        &self,
        dataset: DatasetRef,
        item: &NewRevision,
        difficulty: Option<&str>,
    ) -> Result<bool> {
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO items (dataset_id, ext_id, kind, revision_no, difficulty,
                                    difficulty_source, created_at, route_mask)
                 VALUES (?1, ?2, ?3, 1, ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE 'import' END, ?5, ?6)
                 ON CONFLICT (dataset_id, ext_id) DO NOTHING",
            )?
            .insert_id(params![
                dataset.id,
                item.ext_id,
                dataset.kind.as_str(),
                difficulty,
                self.at,
                item.route_mask
            ])?;
        let Some(item_id) = inserted else {
            return Ok(false);
        };
        self.insert_revision(item_id, 1, item)?;
        Ok(true)
    }

    fn insert_revision(&self, item_id: i64, revision_no: i64, item: &NewRevision) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO revisions
                 (item_id, revision_no, body, content_hash, import_id, import_file, import_line, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                item_id,
                revision_no,
                item.body_json,
                item.content_hash,
                self.import_id,
                item.file_index as i64,
                item.line as i64,
                self.at
            ])?;
        Ok(())
    }

    /// Records the import in the event log and commits everything.
    pub fn finish(self, summary_json: &str) -> Result<()> {
        self.send_pending()?;
        self.add_new_to_routing()?;
        for (dataset_id, n) in self.opened.take() {
            self.tx
                .prepare_cached("UPDATE queue_open SET items = items + ?2 WHERE dataset_id = ?1")?
                .execute(params![dataset_id, n])?;
        }
        self.tx.execute(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'import', ?3)",
            params![
                self.at,
                self.actor,
                with_import_id(summary_json, self.import_id)?
            ],
        )?;
        self.tx.commit().context("committing the import")?;
        Ok(())
    }
}

/// The import's summary with its id added, as `json_set(summary, '$.import_id', id)` wrote
/// it: at the end, or in place when the summary already has one.
fn with_import_id(summary_json: &str, import_id: i64) -> Result<String> {
    let summary: serde_json::Value =
        serde_json::from_str(summary_json).context("the import summary is not JSON")?;
    let Some(fields) = summary.as_object() else {
        anyhow::bail!("the import summary is not a JSON object");
    };
    let mut out: Vec<(&str, crate::store::detail::Field)> = Vec::new();
    let mut placed = false;
    for (k, v) in fields {
        if k == "import_id" {
            out.push((k, import_id.into()));
            placed = true;
        } else {
            out.push((k, v.clone().into()));
        }
    }
    if !placed {
        out.push(("import_id", import_id.into()));
    }
    Ok(crate::store::detail::object(out))
}
