//! Routing by specialty: each dataset's mode, and what a claim needs to apply it (the
//! physician's specialties as a mask, which datasets are strict and which ignore
//! specialties). Items carry their departments as `items.route_mask` (migration 13).

use crate::domain::routing::Routing;
use crate::store::Store;
use crate::store::db::{Connection, OptionalExtension, TransactionBehavior, params};
use crate::store::detail::detail;
use anyhow::{Result, bail};

/// What a claim routes by, read once per claim.
pub(super) struct Route {
    /// The physician's specialties; 0 for none.
    pub mask: i64,
    /// Datasets in `strict` mode, as a JSON array of ids.
    pub strict: String,
    /// Datasets in `none` mode, as a JSON array of ids.
    pub none: String,
    /// Each dataset's mode, open items and controls, as the kept counts say.
    datasets: Vec<Open>,
}

/// A dataset's open items, from the counts the schema keeps (`queue_open`, `route_open`).
struct Open {
    id: i64,
    strict: bool,
    none: bool,
    /// It has controls in use.
    controls: bool,
    /// Open items, and those of them with any department.
    items: i64,
    with_departments: i64,
    /// Some open item carries one of the physician's specialties.
    matching: bool,
}

impl Route {
    pub(super) fn read(conn: &Connection, reviewer: &str) -> Result<Route> {
        // Per dataset its mode, open items and controls, with the physician's specialties, in
        // one read (datasets are few): a claim's round trips count on a server. No dataset,
        // no claim: the mask is then moot.
        let mut stmt = conn.prepare_cached(
            "WITH m (mask) AS (
                 SELECT CAST(coalesce(sum(DISTINCT CAST(1 AS BIGINT) << b.bit), 0) AS BIGINT)
                 FROM person_specialties s
                 JOIN department_bits b ON b.id = s.department WHERE s.person_id = ?1)
             SELECT d.id, d.routing, m.mask,
                    EXISTS (SELECT 1 FROM controls c INDEXED BY controls_in_use
                            WHERE c.retired_at IS NULL AND c.dataset_id = d.id),
                    coalesce((SELECT q.items FROM queue_open q WHERE q.dataset_id = d.id), 0),
                    coalesce((SELECT t.items FROM route_open t
                              WHERE t.dataset_id = d.id AND t.bit = 64), 0),
                    EXISTS (SELECT 1 FROM route_open o
                            WHERE o.dataset_id = d.id AND o.items > 0 AND o.bit < 64
                              AND ((m.mask >> o.bit) & 1) = 1)
             FROM m, datasets d ORDER BY d.id",
        )?;
        let mut mask = 0;
        let datasets = stmt
            .query_map([reviewer], |r| {
                mask = r.get(2)?;
                let routing: String = r.get(1)?;
                Ok(Open {
                    id: r.get(0)?,
                    strict: routing == Routing::Strict.as_str(),
                    none: routing == Routing::None.as_str(),
                    controls: r.get(3)?,
                    items: r.get(4)?,
                    with_departments: r.get(5)?,
                    matching: r.get(6)?,
                })
            })?
            .collect::<crate::store::db::Result<Vec<_>>>()?;
        let ids = |of: fn(&Open) -> bool| -> Vec<i64> {
            datasets.iter().filter(|d| of(d)).map(|d| d.id).collect()
        };
        Ok(Route {
            mask,
            strict: serde_json::to_string(&ids(|d| d.strict))?,
            none: serde_json::to_string(&ids(|d| d.none))?,
            datasets,
        })
    }

    /// The datasets in scope (`dataset_id`, or every dataset).
    fn in_scope(&self, dataset_id: Option<i64>) -> impl Iterator<Item = &Open> {
        self.datasets
            .iter()
            .filter(move |d| dataset_id.is_none_or(|id| d.id == id))
    }

    /// Whether some dataset in scope has controls in use.
    pub(super) fn controls_in_use(&self, dataset_id: Option<i64>) -> bool {
        self.in_scope(dataset_id).any(|d| d.controls)
    }

    /// Whether specialties come first anywhere in scope (`dataset_id`, or every dataset).
    pub(super) fn prefers_matching(&self, dataset_id: Option<i64>) -> bool {
        self.mask != 0 && self.in_scope(dataset_id).any(|d| !d.none)
    }

    /// Whether some open item in scope carries one of the physician's specialties (in a
    /// dataset that routes by them): else the matching pass would walk the queue for nothing.
    pub(super) fn may_match(&self, dataset_id: Option<i64>) -> bool {
        self.in_scope(dataset_id).any(|d| d.matching && !d.none)
    }

    /// Whether some open item in scope is one routing lets the physician take at all: any,
    /// in a dataset that is not strict; in a strict one, one without departments or with one
    /// of their specialties.
    pub(super) fn may_take(&self, dataset_id: Option<i64>) -> bool {
        self.in_scope(dataset_id)
            .any(|d| d.items > 0 && (!d.strict || d.items > d.with_departments || d.matching))
    }

    /// Whether some dataset in scope routes by none (and must be left out of matching).
    pub(super) fn any_none(&self, dataset_id: Option<i64>) -> bool {
        dataset_id.is_none() && self.datasets.iter().any(|d| d.none)
    }

    /// Whether any dataset in scope is strict.
    pub(super) fn any_strict(&self, dataset_id: Option<i64>) -> bool {
        self.in_scope(dataset_id).any(|d| d.strict)
    }
}

impl Store {
    /// Sets how `dataset`'s items reach physicians, recording who changed it.
    pub fn set_routing(&mut self, dataset: &str, routing: Routing, actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE datasets SET routing = ?2 WHERE name = ?1",
            params![dataset, routing.as_str()],
        )?;
        if changed == 0 {
            bail!("there is no dataset {dataset:?}; `medcurate status` lists them");
        }
        tx.execute(
            "INSERT INTO events (account, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'routing_changed', ?2)",
            params![
                actor,
                detail! {"dataset" => dataset, "routing" => routing.as_str()}
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Each dataset's routing, by name.
    pub fn routings(&self) -> Result<Vec<(String, Routing)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, routing FROM datasets ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (name, mode) = row?;
            out.push((name, mode.parse().unwrap_or_default()));
        }
        Ok(out)
    }

    /// One dataset's routing; `None` if there is no such dataset.
    pub fn routing(&self, dataset: &str) -> Result<Option<Routing>> {
        let mode: Option<String> = self
            .conn
            .prepare_cached("SELECT routing FROM datasets WHERE name = ?1")?
            .query_row([dataset], |r| r.get(0))
            .optional()?;
        Ok(mode.map(|m| m.parse().unwrap_or_default()))
    }
}
