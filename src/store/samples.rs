//! Samples drawn for a release: the accepted pool they are drawn from, and the draft kept
//! until it is frozen.

use super::people::require_role;
use super::{Store, clock};
use crate::domain::item::Difficulty;
use crate::domain::people::Role;
use crate::store::db::ValueRef as SqlValue;
use crate::store::db::{OptionalExtension, TransactionBehavior, params};
use crate::store::detail::detail;
use crate::store::dialect;
use anyhow::{Context, Result, bail};
use std::time::SystemTime;

/// An accepted item that may be sampled, with the values of the plan's keys.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRow {
    pub rowid: i64,
    pub ext_id: String,
    pub revision_no: i64,
    pub difficulty: Option<Difficulty>,
    /// The final departments, as stored (JSON array), if any.
    pub departments: Option<String>,
    /// One value per requested key, in order; `None` when the item has none.
    pub keys: Vec<Option<String>>,
}

/// A sampled item as stored with its sample.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSampleItem {
    pub rowid: i64,
    pub revision_no: i64,
    pub difficulty: Option<Difficulty>,
    pub departments: Option<String>,
    pub stratum: String,
}

/// A stored sample and, once frozen, its release.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSample {
    pub name: String,
    pub plan_name: String,
    pub plan: String,
    pub seed: u64,
    /// The sampling report as JSON.
    pub report: String,
    pub created_by: String,
    pub created_at: String,
    pub items: u64,
    /// (version, frozen_at, frozen_by) once frozen.
    pub release: Option<(String, String, String)>,
}

/// A key's value in SQL as text (attributes may be numbers or booleans).
fn text(v: SqlValue) -> Option<String> {
    match v {
        SqlValue::Null(_) => None,
        SqlValue::Integer(i) => Some(i.to_string()),
        SqlValue::Real(f) => Some(f.to_string()),
        SqlValue::Text(s) => Some(s.to_string()),
        SqlValue::Blob(_) | SqlValue::Integers(_) | SqlValue::Texts(_) => None,
    }
}

/// A sample's row id and, once frozen, its release's version.
pub(crate) fn sample_state(
    conn: &crate::store::db::Connection,
    name: &str,
) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT s.id, r.version FROM samples s LEFT JOIN releases r ON r.sample_id = s.id
             WHERE s.name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

impl Store {
    /// The accepted items of `dataset` with the values of `keys`: `department` is the
    /// item's first final department, any other key the item attribute of that name.
    /// `None` if there is no such dataset.
    pub fn sample_pool(&self, dataset: &str, keys: &[&str]) -> Result<Option<Vec<PoolRow>>> {
        let Some(dataset_id) = self
            .conn
            .prepare_cached("SELECT id FROM datasets WHERE name = ?1")?
            .query_row([dataset], |r| r.get::<_, i64>(0))
            .optional()?
        else {
            return Ok(None);
        };
        // Paths are bound as parameters; a key never becomes SQL text.
        let mut cols = String::new();
        let mut paths: Vec<String> = Vec::new();
        for k in keys {
            if *k == "department" {
                cols.push_str(", ");
                cols.push_str(&dialect::json_value(&self.conn, "i.departments", "'$[0]'"));
            } else {
                paths.push(format!("$.attributes.\"{}\"", k.replace('"', "")));
                cols.push_str(", ");
                cols.push_str(&dialect::json_value(
                    &self.conn,
                    "r.body",
                    &format!("?{}", paths.len() + 1),
                ));
            }
        }
        // The revision body is read only for attribute keys; most datasets need none.
        let join = if paths.is_empty() {
            ""
        } else {
            "JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no"
        };
        let sql = format!(
            "SELECT i.id, i.ext_id, i.revision_no, i.difficulty, i.departments{cols}
             FROM items i INDEXED BY items_by_state {join}
             WHERE i.dataset_id = ?1 AND i.state = 'accepted'"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut bind: Vec<&dyn crate::store::db::ToSql> = vec![&dataset_id];
        for p in &paths {
            bind.push(p);
        }
        let mut rows = stmt.query(&bind[..])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(keys.len());
            for k in 0..keys.len() {
                values.push(text(r.get_ref(5 + k)?));
            }
            out.push(PoolRow {
                rowid: r.get(0)?,
                ext_id: r.get(1)?,
                revision_no: r.get(2)?,
                difficulty: r
                    .get::<_, Option<String>>(3)?
                    .as_deref()
                    .and_then(Difficulty::parse),
                departments: r.get(4)?,
                keys: values,
            });
        }
        Ok(Some(out))
    }

    /// Keeps a draft sample. A draft of the same name is replaced only with `replace`; a
    /// frozen one never.
    #[allow(clippy::too_many_arguments)]
    pub fn save_sample(
        &mut self,
        actor: &str,
        name: &str,
        plan_name: &str,
        plan: &str,
        seed: u64,
        report: &str,
        items: &[NewSampleItem],
        replace: bool,
    ) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, actor, &[Role::Maintainer])?;
        match sample_state(&tx, name)? {
            Some((_, Some(version))) => bail!(
                "{name} is frozen as release {version} and never changes; choose another name"
            ),
            Some((id, None)) if replace => {
                tx.execute("DELETE FROM sample_items WHERE sample_id = ?1", [id])?;
                tx.execute("DELETE FROM samples WHERE id = ?1", [id])?;
            }
            Some(_) => bail!(
                "there is already a draft sample {name}; pass --replace to draw it again, or choose another name"
            ),
            None => {}
        }
        let id = tx
            .insert_id(
                "INSERT INTO samples (name, plan_name, plan, seed, report, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![name, plan_name, plan, seed as i64, report, actor, now],
            )?
            .context("the new sample has no id")?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO sample_items (sample_id, item_id, revision_no, difficulty, departments, stratum)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for it in items {
                stmt.execute(params![
                    id,
                    it.rowid,
                    it.revision_no,
                    it.difficulty.map(Difficulty::as_str),
                    it.departments,
                    it.stratum
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'sample_drawn', ?3)",
            params![
                now,
                actor,
                detail! {"sample" => name, "plan" => plan_name, "seed" => seed as i64, "items" => items.len() as i64}
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A sample by name.
    pub fn sample(&self, name: &str) -> Result<Option<StoredSample>> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.name, s.plan_name, s.plan, s.seed, s.report, s.created_by, s.created_at,
                        (SELECT count(*) FROM sample_items WHERE sample_id = s.id),
                        r.version, r.frozen_at, r.frozen_by
                 FROM samples s LEFT JOIN releases r ON r.sample_id = s.id WHERE s.name = ?1",
                [name],
                |r| {
                    let version: Option<String> = r.get(8)?;
                    Ok(StoredSample {
                        name: r.get(0)?,
                        plan_name: r.get(1)?,
                        plan: r.get(2)?,
                        seed: r.get::<_, i64>(3)? as u64,
                        report: r.get(4)?,
                        created_by: r.get(5)?,
                        created_at: r.get(6)?,
                        items: r.get::<_, i64>(7)? as u64,
                        release: match version {
                            Some(v) => Some((v, r.get(9)?, r.get(10)?)),
                            None => None,
                        },
                    })
                },
            )
            .optional()?)
    }

    /// Every sample, oldest first.
    pub fn samples(&self) -> Result<Vec<StoredSample>> {
        let names: Vec<String> = self
            .conn
            .prepare("SELECT name FROM samples ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<crate::store::db::Result<_>>()?;
        let mut out = Vec::new();
        for n in names {
            if let Some(s) = self.sample(&n)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The dataset and id of each item in a sample, sorted.
    pub fn sample_item_ids(&self, name: &str) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.name, i.ext_id, si.stratum FROM sample_items si
             JOIN samples s ON s.id = si.sample_id JOIN items i ON i.id = si.item_id
             JOIN datasets d ON d.id = i.dataset_id
             WHERE s.name = ?1 ORDER BY d.name, i.ext_id",
        )?;
        let rows = stmt
            .query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<crate::store::db::Result<_>>()?;
        Ok(rows)
    }
}
