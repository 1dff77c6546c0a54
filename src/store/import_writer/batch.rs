//! PostgreSQL's side of an import: new items held back and sent 2,000 at a time, each batch
//! in one statement (a round trip per item was most of an import there), each column of the
//! batch one list.

use super::{DatasetRef, ImportWriter, NewRevision, PutOutcome};
use crate::domain::item::Difficulty;
use crate::store::db::params;
use anyhow::Result;
use std::collections::hash_map::{DefaultHasher, Entry};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// New items sent to PostgreSQL per statement (a round trip per item was most of an import
/// there): about 4 MB of bodies at the items' usual size.
pub(super) const BATCH: usize = 2000;

/// The held items as the batch's statement takes them: a list per column (each one
/// parameter, read by the server in binary), the items in order.
#[derive(Default)]
pub(super) struct Pending {
    dataset: Option<DatasetRef>,
    ext_ids: Vec<String>,
    /// Empty where the item has none.
    difficulties: Vec<&'static str>,
    route_masks: Vec<i64>,
    content_hashes: Vec<String>,
    import_files: Vec<i64>,
    import_lines: Vec<i64>,
    bodies: Vec<String>,
    /// Each item's rows in `route_queue`, one per bit of its departments: the item's place in
    /// the lists above (from 1) and the bit.
    bit_items: Vec<i64>,
    bits: Vec<i64>,
    /// Each pending id's file and line, to tell a repeat within the batch.
    ids: HashMap<String, (usize, usize)>,
    /// The rows these items put in `route_queue`, per department bit (64: any department).
    routed: BTreeMap<i64, i64>,
}

impl Pending {
    fn count(&self) -> usize {
        self.ext_ids.len()
    }
}

impl ImportWriter<'_> {
    /// On PostgreSQL: holds `item` back to be sent with others when its id is new for certain
    /// (`Imported`), or tells a repeat of a held one (`Duplicate`). `None`: the stored items
    /// decide, with everything held sent first so that they include it.
    pub(super) fn put_new_batched(
        &self,
        dataset: DatasetRef,
        item: &NewRevision,
    ) -> Result<Option<PutOutcome>> {
        if let Some(&(file_index, line)) = self.pending.borrow().ids.get(item.ext_id) {
            return Ok(Some(PutOutcome::Duplicate { file_index, line }));
        }
        let new = {
            let mut stored = self.stored_ids.borrow_mut();
            let ids = match stored.entry(dataset.id) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(self.id_hashes(dataset.id)?),
            };
            ids.insert(id_hash(item.ext_id))
        };
        if !new {
            self.send_pending()?;
            return Ok(None);
        }
        self.hold(dataset, item)?;
        Ok(Some(PutOutcome::Imported))
    }

    /// Adds `item`, a new item, to the ones held back, and sends them once there are `BATCH`
    /// (or first, when they are of another dataset).
    pub(super) fn hold(&self, dataset: DatasetRef, item: &NewRevision) -> Result<()> {
        if self.pending.borrow().dataset.is_some_and(|d| d != dataset) {
            self.send_pending()?;
        }
        let full = {
            let mut pending = self.pending.borrow_mut();
            pending.dataset = Some(dataset);
            pending
                .ids
                .insert(item.ext_id.to_string(), (item.file_index, item.line));
            let place = pending.count() as i64 + 1;
            if item.route_mask != 0 {
                *pending.routed.entry(64).or_default() += 1;
            }
            for bit in (0..64).filter(|b| item.route_mask & (1i64 << b) != 0) {
                *pending.routed.entry(bit).or_default() += 1;
                pending.bit_items.push(place);
                pending.bits.push(bit);
            }
            pending.ext_ids.push(item.ext_id.to_string());
            pending
                .difficulties
                .push(item.difficulty.map_or("", Difficulty::as_str));
            pending.route_masks.push(item.route_mask);
            pending.content_hashes.push(item.content_hash.to_string());
            pending.import_files.push(i64::try_from(item.file_index)?);
            pending.import_lines.push(i64::try_from(item.line)?);
            pending.bodies.push(item.body_json.to_string());
            pending.count() >= BATCH
        };
        if full {
            self.send_pending()?;
        }
        *self.opened.borrow_mut().entry(dataset.id).or_default() += 1;
        Ok(())
    }

    /// The hashes of the ids `dataset` holds.
    fn id_hashes(&self, dataset: i64) -> Result<HashSet<u64>> {
        let mut out = HashSet::new();
        let mut stmt = self
            .tx
            .prepare("SELECT ext_id FROM items WHERE dataset_id = ?1")?;
        let mut rows = stmt.query([dataset])?;
        while let Some(r) = rows.next()? {
            out.insert(id_hash(r.get_ref(0)?.as_str()?));
        }
        Ok(out)
    }

    /// Sends the held items: each new item, its first revision and its rows in the
    /// per-department queues, all in one statement. None of their ids is stored
    /// (`stored_ids`), so none can conflict; if one did, the statement and with it the import
    /// would fail rather than report an item not written.
    pub(super) fn send_pending(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        let Some(dataset) = pending.dataset else {
            return Ok(());
        };
        // The rows go as one list per column, read back as a table: a statement of thousands
        // of parameters took longer to plan than to run, and rows sent as JSON (the bodies
        // beside them as one text, split on the server) took a tenth of the server's time to
        // read. Each row's id is drawn first, in the rows' order (the function's scan gives
        // them so), and its revision takes it from the same row. Its queue rows are the item
        // as written (as `add_new_to_routing` reads it on SQLite), one per bit of its
        // departments, which the batch brings beside the rows: spreading the mask over all 64
        // bits on the server took longer than writing the rows.
        const SQL: &str = "WITH v AS MATERIALIZED (
                SELECT nextval((SELECT CAST(pg_get_serial_sequence('items', 'id') AS regclass)))
                           AS id,
                       r.*
                FROM unnest(?5::text[], ?6::text[], ?7::bigint[], ?8::text[], ?9::bigint[],
                            ?10::bigint[], ?11::text[]) WITH ORDINALITY
                  AS r (ext_id, difficulty, route_mask, content_hash, import_file, import_line,
                        body, place)),
              i AS (INSERT INTO items (id, dataset_id, ext_id, kind, revision_no, difficulty,
                                       difficulty_source, created_at, route_mask)
                    SELECT v.id, ?1::bigint, v.ext_id, ?2::text, 1, NULLIF(v.difficulty, ''),
                           CASE WHEN v.difficulty = '' THEN NULL ELSE 'import' END,
                           ?3::text, v.route_mask
                    FROM v
                    RETURNING id, dataset_id, active_reviews, revision_no, solo_reviewer,
                              fresh_eyes, route_mask, state),
              r AS (INSERT INTO revisions (item_id, revision_no, body, content_hash, import_id,
                                           import_file, import_line, created_at)
                    SELECT v.id, 1, v.body, v.content_hash, ?4::bigint, v.import_file,
                           v.import_line, ?3::text
                    FROM v
                    RETURNING 1),
              q AS (INSERT INTO route_queue (bit, dataset_id, active_reviews, item_id,
                                             revision_no, solo_reviewer, fresh_eyes, route_mask)
                    SELECT b.bit, i.dataset_id, i.active_reviews, i.id, i.revision_no,
                           i.solo_reviewer, i.fresh_eyes, i.route_mask
                    FROM unnest(?12::bigint[], ?13::bigint[]) AS b (place, bit)
                    JOIN v ON v.place = b.place JOIN i ON i.id = v.id
                    WHERE i.state = 'in_review' AND i.active_reviews < 2 AND i.route_mask <> 0
                    RETURNING 1)
            SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM q)";
        let (written, queued): (i64, i64) = self.tx.prepare_cached(SQL)?.query_row(
            params![
                dataset.id,
                dataset.kind.as_str(),
                self.at,
                self.import_id,
                strs(&pending.ext_ids).as_slice(),
                pending.difficulties.as_slice(),
                pending.route_masks.as_slice(),
                strs(&pending.content_hashes).as_slice(),
                pending.import_files.as_slice(),
                pending.import_lines.as_slice(),
                strs(&pending.bodies).as_slice(),
                pending.bit_items.as_slice(),
                pending.bits.as_slice()
            ],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        anyhow::ensure!(
            written == pending.count() as i64,
            "the database stored {written} of {} new items",
            pending.count()
        );
        // The counts are of the rows held back; the queue must hold just those.
        let expected: i64 = pending
            .routed
            .iter()
            .filter(|&(&bit, _)| bit < 64)
            .map(|(_, n)| n)
            .sum();
        anyhow::ensure!(
            queued == expected,
            "the database queued {queued} of {expected} department rows of new items"
        );
        let mut routed = self.routed.borrow_mut();
        for (bit, n) in pending.routed {
            *routed.entry((dataset.id, bit)).or_default() += n;
        }
        Ok(())
    }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// An id's hash, for `stored_ids`: equal ids hash alike, in every run.
fn id_hash(ext_id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    ext_id.hash(&mut h);
    h.finish()
}
