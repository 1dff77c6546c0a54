//! Control items (migration 15): marking them, listing them, retiring them, and each
//! physician's accuracy on them. Only maintainers reach these: what a control is and what it
//! expects never reaches a physician.

use super::Store;
use super::clock;
use super::people::require_role;
use crate::domain::controls::{ControlLine, ControlScore, DEFAULT_RATE, RATE_SETTING, scores};
use crate::domain::people::Role;
use crate::store::db::{Connection, OptionalExtension, TransactionBehavior, params};
use crate::store::detail::detail;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::time::SystemTime;

/// One control as `controls list` shows it to a maintainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRow {
    pub dataset: String,
    pub item: String,
    pub expected_bits: i64,
    /// Submitted reviews of it, and how many of them matched every expected verdict.
    pub reviews: u64,
    pub all_right: u64,
    /// Claims on it in force now.
    pub open: u64,
    pub marked_by: String,
    pub marked_at: String,
    pub retired_at: Option<String>,
}

/// What marking a file of controls did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marked {
    pub marked: usize,
    /// Already controls with these same expected verdicts: nothing written.
    pub unchanged: usize,
}

impl Store {
    /// Marks each line's item as a control with its expected verdicts, all or none: every
    /// line that cannot be marked is refused with its number and why, and then nothing is
    /// written. An item can be a control only while no one has claimed it, and only for the
    /// criteria that apply to it. `check_only` checks the lines and writes nothing (for a
    /// file with unreadable lines, so all its problems are found at once).
    pub fn mark_controls(
        &mut self,
        actor: &str,
        lines: &[(usize, ControlLine)],
        check_only: bool,
    ) -> Result<Result<Marked, Vec<(usize, String)>>> {
        require_role(&self.conn, actor, &[Role::Maintainer])?;
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut refused = Vec::new();
        let mut done = Marked::default();
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (n, line) in lines {
            let what = format!("{}/{}", line.dataset, line.item);
            if let Some(first) = seen.insert((&line.dataset, &line.item), *n) {
                refused.push((
                    *n,
                    format!("{what} is marked on line {first} too; give each control once"),
                ));
                continue;
            }
            let item: Option<(i64, i64, String, String, i64)> = tx
                .prepare_cached(
                    "SELECT i.id, i.dataset_id, i.state, v.body,
                            (SELECT count(*) FROM reviews r WHERE r.item_id = i.id)
                     FROM items i JOIN datasets d ON d.id = i.dataset_id
                     JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no
                     WHERE d.name = ?1 AND i.ext_id = ?2",
                )?
                .query_row(params![line.dataset, line.item], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            let Some((item_id, dataset_id, state, body, reviews)) = item else {
                refused.push((
                    *n,
                    format!(
                        "there is no item {what}; import it first (a control is an item of the \
                         dataset, so physicians cannot tell it apart)"
                    ),
                ));
                continue;
            };
            let stored: Option<i64> = tx
                .prepare_cached("SELECT expected_bits FROM controls WHERE item_id = ?1")?
                .query_row([item_id], |r| r.get(0))
                .optional()?;
            let bits = line.expected_bits();
            match stored {
                Some(b) if b == bits => {
                    done.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    refused.push((
                        *n,
                        format!(
                            "{what} is a control already, with other expected verdicts; a \
                             control keeps its verdicts: retire it and mark a new item"
                        ),
                    ));
                    continue;
                }
                None => {}
            }
            if state != "in_review" || reviews > 0 {
                refused.push((
                    *n,
                    format!(
                        "{what} has been reviewed ({state}, {reviews} review(s) or claims); a \
                         control must be an item no one has claimed: import it under a new id"
                    ),
                ));
                continue;
            }
            let body: crate::domain::item::ItemBody = serde_json::from_str(&body)?;
            let off: Vec<&str> = line
                .expected
                .keys()
                .filter(|c| !c.applies_to(&body))
                .map(|c| c.id())
                .collect();
            if !off.is_empty() {
                refused.push((
                    *n,
                    format!(
                        "{} not apply to {what} ({}); give verdicts for the criteria its \
                         reviewers judge",
                        if off.len() == 1 {
                            format!("{} does", off[0])
                        } else {
                            format!("{} do", off.join(", "))
                        },
                        body.kind().as_str()
                    ),
                ));
                continue;
            }
            // Held at two reviews in force: out of the review queue and its counts.
            tx.prepare_cached("UPDATE items SET active_reviews = 2 WHERE id = ?1")?
                .execute([item_id])?;
            tx.prepare_cached(
                "INSERT INTO controls (item_id, dataset_id, expected_bits, marked_by, marked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![item_id, dataset_id, bits, actor, now])?;
            tx.prepare_cached(
                "INSERT INTO events (account, at, actor, action, item_id, revision_no, detail)
                 SELECT (SELECT account FROM temp.session), ?1, ?2, 'control_marked', id,
                        revision_no, ?3
                 FROM items WHERE id = ?4",
            )?
            .execute(params![
                now,
                actor,
                detail! {"expected_bits" => bits},
                item_id
            ])?;
            done.marked += 1;
        }
        if !refused.is_empty() {
            return Ok(Err(refused));
        }
        if !check_only {
            tx.commit()?;
        }
        Ok(Ok(done))
    }

    /// Stops giving a control to anyone; its reviews still count for accuracy.
    pub fn retire_control(&mut self, actor: &str, dataset: &str, item: &str) -> Result<()> {
        require_role(&self.conn, actor, &[Role::Maintainer])?;
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(i64, Option<String>)> = tx
            .prepare_cached(
                "SELECT c.item_id, c.retired_at FROM controls c
                 JOIN items i ON i.id = c.item_id JOIN datasets d ON d.id = i.dataset_id
                 WHERE d.name = ?1 AND i.ext_id = ?2",
            )?
            .query_row(params![dataset, item], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            None => {
                bail!("{dataset}/{item} is not a control; `medcurate controls list` lists them")
            }
            Some((_, Some(at))) => bail!("{dataset}/{item} was retired already, at {at}"),
            Some((item_id, None)) => {
                tx.execute(
                    "UPDATE controls SET retired_at = ?2 WHERE item_id = ?1",
                    params![item_id, now],
                )?;
                tx.execute(
                    "INSERT INTO events (account, at, actor, action, item_id, revision_no)
                     SELECT (SELECT account FROM temp.session), ?1, ?2, 'control_retired', id,
                            revision_no FROM items WHERE id = ?3",
                    params![now, actor, item_id],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every control (of `dataset`, if given), by dataset and item, for a maintainer.
    pub fn controls(&self, viewer: &str, dataset: Option<&str>) -> Result<Vec<ControlRow>> {
        require_role(&self.conn, viewer, &[Role::Maintainer])?;
        if let Some(d) = dataset {
            self.check_dataset(d)?;
        }
        let now = clock::iso(SystemTime::now());
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.name, i.ext_id, c.expected_bits,
                    (SELECT count(*) FROM reviews r WHERE r.item_id = c.item_id
                       AND r.status = 'submitted'),
                    (SELECT count(*) FROM reviews r WHERE r.item_id = c.item_id
                       AND r.status = 'submitted'
                       AND (r.verdict_bits & (c.expected_bits & 31)) = (c.expected_bits & 31)
                       AND (r.verdict_bits & ((c.expected_bits & 31) << 8))
                           = (c.expected_bits & ((c.expected_bits & 31) << 8))),
                    (SELECT count(*) FROM reviews r WHERE r.item_id = c.item_id
                       AND r.status = 'claimed' AND r.lease_expires_at > ?2),
                    c.marked_by, c.marked_at, c.retired_at
             FROM controls c JOIN items i ON i.id = c.item_id
             JOIN datasets d ON d.id = c.dataset_id
             WHERE ?1 IS NULL OR d.name = ?1
             ORDER BY d.name, i.ext_id",
        )?;
        let rows = stmt.query_map(params![dataset, now], |r| {
            Ok(ControlRow {
                dataset: r.get(0)?,
                item: r.get(1)?,
                expected_bits: r.get(2)?,
                reviews: r.get::<_, i64>(3)? as u64,
                all_right: r.get::<_, i64>(4)? as u64,
                open: r.get::<_, i64>(5)? as u64,
                marked_by: r.get(6)?,
                marked_at: r.get(7)?,
                retired_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<crate::store::db::Result<_>>()?)
    }

    /// Each physician's accuracy on controls (of `dataset`, if given), by reviewer id.
    /// Maintainers only.
    pub fn control_scores(
        &self,
        viewer: &str,
        dataset: Option<&str>,
    ) -> Result<BTreeMap<String, ControlScore>> {
        require_role(&self.conn, viewer, &[Role::Maintainer])?;
        if let Some(d) = dataset {
            self.check_dataset(d)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.reviewer, c.expected_bits, coalesce(r.verdict_bits, 0)
             FROM controls c JOIN reviews r ON r.item_id = c.item_id
             JOIN datasets d ON d.id = c.dataset_id
             WHERE r.status = 'submitted' AND (?1 IS NULL OR d.name = ?1)
             ORDER BY r.reviewer",
        )?;
        let rows: Vec<(String, i64, i64)> = stmt
            .query_map(params![dataset], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<crate::store::db::Result<_>>()?;
        Ok(scores(rows.iter().map(|(w, e, g)| (w.as_str(), *e, *g))))
    }

    /// One claim in how many gives a control (0: none).
    pub fn control_rate(&self) -> Result<u32> {
        control_rate(&self.conn)
    }
}

/// The rate setting, as `Store::control_rate` reads it.
pub(super) fn control_rate(conn: &Connection) -> Result<u32> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([RATE_SETTING], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| crate::domain::controls::parse_rate(&v).ok())
        .unwrap_or(DEFAULT_RATE))
}
