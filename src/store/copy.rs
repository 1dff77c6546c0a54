//! `db copy`: a whole workspace from one database into a new one, on either backend, row for
//! row, and the proof that nothing changed on the way: the same row count and the same
//! digest for every table on both sides.
//!
//! The target is a new schema at the source's version. Its triggers are off while rows go in
//! (they would count what the copied counters already count, and refuse the append-only
//! tables' history), and the whole copy is one transaction: a failed copy leaves the target
//! without a workspace.

use super::Store;
use super::db::{Backend, Connection, Kind, ValueRef};
use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// One table's rows and digest, as counted on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    /// SHA-256 over the rows in primary-key order, each value with its kind.
    pub sha256: String,
}

impl Store {
    /// Every table of the workspace, with its rows and digest, in name order.
    pub fn table_digests(&self) -> Result<Vec<TableDigest>> {
        tables(&self.conn)?
            .into_iter()
            .map(|t| digest(&self.conn, &t))
            .collect()
    }

    /// True when the workspace has no one in it and nothing has happened in it.
    pub fn is_empty_workspace(&self) -> Result<bool> {
        let used: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM events)",
            [],
            |r| r.get(0),
        )?;
        Ok(used == 0)
    }

    /// Copies every row of `self` into `target`, which must hold a new, empty workspace at
    /// the same schema version, and checks the copy: it is committed only when every table
    /// has the same rows and digest on both sides. Calls `progress` after each table; gives
    /// the digests.
    pub fn copy_into(
        &self,
        target: &mut Store,
        mut progress: impl FnMut(&str, u64),
    ) -> Result<Vec<TableDigest>> {
        if !target.is_empty_workspace()? {
            bail!("the target already holds a workspace; copy into a new, empty database");
        }
        if self.schema_version()? != target.schema_version()? {
            bail!("the two databases are at different schema versions");
        }
        let names = tables(&self.conn)?;
        if names != tables(&target.conn)? {
            bail!("the two databases have different tables");
        }
        let order = parents_first(&target.conn, &names)?;
        let tx = target
            .conn
            .transaction_with_behavior(super::db::TransactionBehavior::Immediate)?;
        let saved_triggers = triggers_off(&tx, &names)?;
        // Rows `init` wrote (the first maintainer) and the schema's own (department bits)
        // give way to the source's.
        for t in order.iter().rev() {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
        // One snapshot of the source for every table.
        let _snapshot = self.conn.unchecked_transaction()?;
        for t in &order {
            let n = copy_table(&self.conn, &tx, t)?;
            progress(t, n);
        }
        triggers_on(&tx, &names, saved_triggers)?;
        restart_ids(&tx, &names)?;
        let mut digests = Vec::new();
        let mut differ = Vec::new();
        for t in &names {
            let (a, b) = (digest(&self.conn, t)?, digest(&tx, t)?);
            if a != b {
                differ.push(format!(
                    "{t}: {} rows ({}…) in the source, {} ({}…) in the copy",
                    a.rows,
                    &a.sha256[..12],
                    b.rows,
                    &b.sha256[..12]
                ));
            }
            digests.push(a);
        }
        if !differ.is_empty() {
            bail!(
                "the copy differs from the source, so nothing was kept:\n  {}",
                differ.join("\n  ")
            );
        }
        tx.commit().context("committing the copy")?;
        Ok(digests)
    }
}

/// The workspace's tables (not SQLite's own, not the session's), by name.
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY name"
        }
        Backend::Postgres => {
            // schema_version is PostgreSQL's user_version, not the workspace's.
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> 'schema_version'
             ORDER BY 1"
        }
    };
    let mut names: Vec<String> = conn
        .prepare(sql)?
        .query_map([], |r| r.get(0))?
        .collect::<super::db::Result<_>>()?;
    names.sort();
    Ok(names)
}

/// A table's columns in order, and the columns its rows are ordered by: its primary key, or
/// every column where it has none.
fn columns(conn: &Connection, table: &str) -> Result<(Vec<String>, Vec<String>)> {
    let rows: Vec<(String, i64)> = match conn.backend() {
        Backend::Sqlite => conn
            .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<super::db::Result<_>>()?,
        Backend::Postgres => conn
            .prepare(
                "SELECT CAST(c.column_name AS TEXT),
                        CAST(coalesce((SELECT k.ordinal_position FROM information_schema.key_column_usage k
                          JOIN information_schema.table_constraints tc
                            ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
                          WHERE tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
                            AND k.table_name = c.table_name AND k.column_name = c.column_name), 0) AS BIGINT)
                 FROM information_schema.columns c
                 WHERE c.table_schema = current_schema() AND c.table_name = ?1
                 ORDER BY c.ordinal_position",
            )?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<super::db::Result<_>>()?,
    };
    let all: Vec<String> = rows.iter().map(|(n, _)| n.clone()).collect();
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .filter(|(_, pk)| *pk > 0)
        .map(|(n, pk)| (*pk, n.clone()))
        .collect();
    key.sort();
    let key: Vec<String> = if key.is_empty() {
        all.clone()
    } else {
        key.into_iter().map(|(_, n)| n).collect()
    };
    Ok((all, key))
}

/// Rows of `table` in key order; SQLite's and PostgreSQL's text order agree (C collation).
fn select_all(conn: &Connection, table: &str) -> Result<(Vec<String>, String)> {
    let (cols, key) = columns(conn, table)?;
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY {}",
        cols.join(", "),
        key.join(", ")
    );
    Ok((cols, sql))
}

fn digest(conn: &Connection, table: &str) -> Result<TableDigest> {
    let (cols, sql) = select_all(conn, table)?;
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut hash = Sha256::new();
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        for i in 0..cols.len() {
            feed(&mut hash, r.get_ref(i)?);
        }
        n += 1;
    }
    Ok(TableDigest {
        table: table.to_string(),
        rows: n,
        sha256: format!("{:x}", hash.finalize()),
    })
}

/// A value into the digest: its kind and its bytes, lengths first, so no two rows run into
/// each other.
fn feed(hash: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null(_) => hash.update([0]),
        ValueRef::Integer(i) => {
            hash.update([1]);
            hash.update(i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            hash.update([2]);
            hash.update(f.to_bits().to_be_bytes());
        }
        ValueRef::Text(s) => {
            hash.update([3]);
            hash.update((s.len() as u64).to_be_bytes());
            hash.update(s.as_bytes());
        }
        ValueRef::Blob(b) => {
            hash.update([4]);
            hash.update((b.len() as u64).to_be_bytes());
            hash.update(b);
        }
        // No column is a list (only PostgreSQL's parameters are); fed whole all the same.
        ValueRef::Integers(v) => {
            hash.update([5]);
            hash.update((v.len() as u64).to_be_bytes());
            v.iter().for_each(|i| hash.update(i.to_be_bytes()));
        }
        ValueRef::Texts(v) => {
            hash.update([6]);
            hash.update((v.len() as u64).to_be_bytes());
            for s in v {
                hash.update((s.len() as u64).to_be_bytes());
                hash.update(s.as_bytes());
            }
        }
    }
}

fn copy_table(from: &Connection, to: &Connection, table: &str) -> Result<u64> {
    let (cols, sql) = select_all(from, table)?;
    let (target_cols, _) = columns(to, table)?;
    if cols != target_cols {
        bail!("the table {table} has other columns in the target");
    }
    // A NULL read from SQLite has no type; PostgreSQL wants the column's.
    let kinds = column_kinds(to, table)?;
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let mut insert = to.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        cols.join(", "),
        marks.join(", ")
    ))?;
    let mut stmt = from.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let values = (0..cols.len())
            .map(|i| {
                r.get_ref(i).map(|v| match v {
                    ValueRef::Null(_) => ValueRef::Null(kinds[i]),
                    v => v,
                })
            })
            .collect::<super::db::Result<Vec<_>>>()?;
        insert
            .execute(Row(&values))
            .with_context(|| format!("copying a row of {table}"))?;
        n += 1;
    }
    Ok(n)
}

/// The kind of each column of `table`, in order, from its declared type.
fn column_kinds(conn: &Connection, table: &str) -> Result<Vec<Kind>> {
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT upper(type) FROM pragma_table_info(?1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT CAST(upper(data_type) AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
        }
    };
    let types: Vec<String> = conn
        .prepare(sql)?
        .query_map([table], |r| r.get(0))?
        .collect::<super::db::Result<_>>()?;
    Ok(types
        .iter()
        .map(|t| match t.as_str() {
            t if t.contains("INT") => Kind::Integer,
            t if t.contains("REAL") || t.contains("DOUBLE") || t.contains("FLOA") => Kind::Real,
            t if t.contains("BLOB") || t.contains("BYTEA") => Kind::Blob,
            _ => Kind::Text,
        })
        .collect())
}

/// A row's values as a statement's parameters.
struct Row<'a, 'v>(&'a [ValueRef<'v>]);

impl super::db::Params for Row<'_, '_> {
    fn values(&self) -> super::db::Result<Vec<ValueRef<'_>>> {
        Ok(self.0.to_vec())
    }
}

/// Tables in an order where every table comes after the tables it refers to.
fn parents_first(conn: &Connection, names: &[String]) -> Result<Vec<String>> {
    let edges: Vec<(String, String)> = match conn.backend() {
        Backend::Sqlite => {
            let mut out = Vec::new();
            for t in names {
                let parents: Vec<String> = conn
                    .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?
                    .query_map([t.as_str()], |r| r.get(0))?
                    .collect::<super::db::Result<_>>()?;
                out.extend(parents.into_iter().map(|p| (t.clone(), p)));
            }
            out
        }
        Backend::Postgres => conn
            .prepare(
                "SELECT CAST(CAST(conrelid AS regclass) AS TEXT), CAST(CAST(confrelid AS regclass) AS TEXT)
                 FROM pg_constraint WHERE contype = 'f'
                   AND connamespace = CAST(current_schema() AS regnamespace)",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<super::db::Result<_>>()?,
    };
    let mut parents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (child, parent) in &edges {
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    let mut done: Vec<String> = Vec::new();
    let mut left: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    while !left.is_empty() {
        let ready: Vec<&str> = left
            .iter()
            .copied()
            .filter(|t| {
                parents
                    .get(t)
                    .is_none_or(|ps| ps.iter().all(|p| !left.contains(p)))
            })
            .collect();
        if ready.is_empty() {
            bail!("the tables' references go round in a circle: {left:?}");
        }
        for t in ready {
            left.remove(t);
            done.push(t.to_string());
        }
    }
    Ok(done)
}

/// Turns the target's triggers off for the copy: SQLite has no switch, so they are dropped
/// and their SQL kept to create them again; PostgreSQL disables them per table.
fn triggers_off(conn: &Connection, names: &[String]) -> Result<Vec<String>> {
    match conn.backend() {
        Backend::Sqlite => {
            let saved: Vec<(String, String)> = conn
                .prepare(
                    "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY rowid",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<super::db::Result<_>>()?;
            for (name, _) in &saved {
                conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
            }
            Ok(saved.into_iter().map(|(_, sql)| sql).collect())
        }
        Backend::Postgres => {
            for t in names {
                conn.execute_batch(&format!("ALTER TABLE {t} DISABLE TRIGGER USER"))?;
            }
            Ok(Vec::new())
        }
    }
}

fn triggers_on(conn: &Connection, names: &[String], saved: Vec<String>) -> Result<()> {
    match conn.backend() {
        Backend::Sqlite => {
            for sql in saved {
                conn.execute_batch(&sql)?;
            }
        }
        Backend::Postgres => {
            for t in names {
                conn.execute_batch(&format!("ALTER TABLE {t} ENABLE TRIGGER USER"))?;
            }
        }
    }
    Ok(())
}

/// PostgreSQL's identity columns go on after the copied ids (SQLite takes the next rowid
/// from the rows themselves).
fn restart_ids(conn: &Connection, names: &[String]) -> Result<()> {
    if conn.backend() != Backend::Postgres {
        return Ok(());
    }
    let identities: Vec<(String, String)> = conn
        .prepare(
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<super::db::Result<_>>()?;
    for (t, c) in identities {
        if names.contains(&t) {
            conn.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), coalesce((SELECT max({c}) FROM {t}), 0) + 1, false)"
            ))?;
        }
    }
    Ok(())
}
