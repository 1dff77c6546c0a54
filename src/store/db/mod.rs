//! The store's connection to its database, SQLite or PostgreSQL, behind one API shaped like
//! rusqlite's: the store writes each statement once, in SQL both engines read, and this
//! module carries it to whichever engine the workspace is on.
//!
//! Only what cannot be written portably differs, each in one place: placeholders, the
//! session's temporary table and index hints are rewritten for PostgreSQL (`translate.rs`),
//! values are typed for it (`value.rs`, `pg.rs`), and a write transaction is serialised the
//! way SQLite's `BEGIN IMMEDIATE` serialises it.

mod conninfo;
mod error;
mod pg;
mod tls;
mod translate;
mod value;

pub(crate) use crate::sql_params as params;
pub(crate) use conninfo::percent_decode;
pub use error::{Error, OptionalExtension, Result};
pub use value::{FromSql, Kind, Params, SqlKind, ToSql, ValueRef};

use std::cell::{Cell, RefCell};
use std::ops::Deref;

/// Which engine a connection speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How a transaction takes its lock, as in SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionBehavior {
    /// Readers only until the first write.
    Deferred,
    /// The write lock at once, so a writer waits at the start instead of failing half-way.
    Immediate,
    /// A write that guards itself with row locks: on SQLite the write lock as `Immediate`; on
    /// PostgreSQL it runs beside others of its kind, kept apart only from `Immediate` writers
    /// (whose read-then-write steps assume no writer in between), so many can work at once.
    RowLocked,
}

pub struct Connection {
    inner: Inner,
    /// Set while a transaction is open, so a statement's failure can tell it apart.
    in_tx: Cell<bool>,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(Box<RefCell<pg::Client>>),
}

impl Connection {
    pub fn from_sqlite(conn: rusqlite::Connection) -> Connection {
        Connection {
            inner: Inner::Sqlite(conn),
            in_tx: Cell::new(false),
        }
    }

    /// Connects to the PostgreSQL server a connection string names (`postgres://…` or
    /// `host=… dbname=…`), over TLS as its `sslmode` and `sslrootcert` ask (libpq's meanings,
    /// `prefer` when absent).
    pub fn connect_postgres(url: &str) -> Result<Connection> {
        Ok(Connection {
            inner: Inner::Postgres(Box::new(RefCell::new(pg::Client::connect(url)?))),
            in_tx: Cell::new(false),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (PRAGMAs, checkpoints, busy handler).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    pub fn sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_with(sql, true)
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_with(sql, false)
    }

    fn prepare_with(&self, sql: &str, cached: bool) -> Result<Statement<'_>> {
        Ok(Statement {
            inner: match &self.inner {
                Inner::Sqlite(c) => StmtInner::Sqlite(
                    c,
                    if cached {
                        SqliteStmt::Cached(c.prepare_cached(sql)?)
                    } else {
                        SqliteStmt::Plain(c.prepare(sql)?)
                    },
                ),
                Inner::Postgres(c) => StmtInner::Postgres {
                    client: c,
                    sql: sql.to_string(),
                },
            },
        })
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    pub fn query_row<P, T, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        self.prepare(sql)?.query_row(params, f)
    }

    /// See `Statement::insert_id`.
    pub fn insert_id<P: Params>(&self, sql: &str, params: P) -> Result<Option<i64>> {
        self.prepare(sql)?.insert_id(params)
    }

    fn end_transaction(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(c) => c.borrow_mut().end(sql),
        }
    }

    /// Records the OS account every event of this connection names: in the session's
    /// temporary table on SQLite, in a setting of the session on PostgreSQL, there again on
    /// every new connection after a lost one.
    pub fn start_session(&self, account: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => {
                c.execute_batch(
                    "CREATE TEMP TABLE IF NOT EXISTS session (account TEXT NOT NULL);
                     DELETE FROM temp.session;",
                )?;
                c.execute("INSERT INTO temp.session (account) VALUES (?1)", [account])?;
                Ok(())
            }
            Inner::Postgres(c) => c.borrow_mut().start_session(account),
        }
    }

    /// Runs statements with no parameters, one after another.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(c) => c.borrow_mut().batch_execute(sql),
        }
    }

    /// Runs statements written for this engine itself (PostgreSQL's own DDL), as they are.
    pub fn execute_batch_native(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres(c) => c.borrow_mut().batch_execute_native(sql),
        }
    }

    pub fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<Transaction<'_>> {
        self.transaction_unchecked(behavior)
    }

    /// A transaction started through a shared reference: the caller makes sure none is open.
    pub fn transaction_unchecked(&self, behavior: TransactionBehavior) -> Result<Transaction<'_>> {
        match (&self.inner, behavior) {
            (Inner::Sqlite(c), TransactionBehavior::Deferred) => {
                c.execute_batch("BEGIN DEFERRED")?
            }
            (Inner::Sqlite(c), TransactionBehavior::Immediate | TransactionBehavior::RowLocked) => {
                c.execute_batch("BEGIN IMMEDIATE")?
            }
            (Inner::Postgres(c), behavior) => c.borrow_mut().begin(behavior)?,
        }
        self.in_tx.set(true);
        Ok(Transaction {
            conn: self,
            open: true,
        })
    }

    pub fn unchecked_transaction(&self) -> Result<Transaction<'_>> {
        self.transaction_unchecked(TransactionBehavior::Deferred)
    }

    pub fn is_autocommit(&self) -> bool {
        !self.in_tx.get()
    }
}

/// An open transaction; rolled back when dropped without `commit`.
pub struct Transaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.in_tx.set(false);
        self.conn.end_transaction("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.in_tx.set(false);
        self.conn.end_transaction("ROLLBACK")
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.in_tx.set(false);
            // A rollback that fails leaves nothing to undo: the server or file already ended it.
            let _ = self.conn.end_transaction("ROLLBACK");
        }
    }
}

pub struct Statement<'c> {
    inner: StmtInner<'c>,
}

enum StmtInner<'c> {
    Sqlite(&'c rusqlite::Connection, SqliteStmt<'c>),
    Postgres {
        client: &'c RefCell<pg::Client>,
        sql: String,
    },
}

enum SqliteStmt<'c> {
    Cached(rusqlite::CachedStatement<'c>),
    Plain(rusqlite::Statement<'c>),
}

impl<'c> SqliteStmt<'c> {
    fn get(&mut self) -> &mut rusqlite::Statement<'c> {
        match self {
            SqliteStmt::Cached(s) => s,
            SqliteStmt::Plain(s) => s,
        }
    }

    /// Binds every parameter; a count that does not match the statement's is an error, as a
    /// binding left from an earlier run would otherwise be used.
    fn bind<P: Params>(&mut self, params: &P) -> Result<&mut rusqlite::Statement<'c>> {
        let stmt = self.get();
        let values = params.values()?;
        if values.len() != stmt.parameter_count() {
            return Err(Error::Sqlite(rusqlite::Error::InvalidParameterCount(
                values.len(),
                stmt.parameter_count(),
            )));
        }
        for (i, v) in values.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, SqliteValue(*v))?;
        }
        Ok(stmt)
    }
}

struct SqliteValue<'a>(ValueRef<'a>);

impl rusqlite::ToSql for SqliteValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match self.0 {
            ValueRef::Null(_) => V::Null,
            ValueRef::Integer(i) => V::Integer(i),
            ValueRef::Real(f) => V::Real(f),
            ValueRef::Text(s) => V::Text(s.as_bytes()),
            ValueRef::Blob(b) => V::Blob(b),
            ValueRef::Integers(_) | ValueRef::Texts(_) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    "a list is a PostgreSQL parameter only: SQLite has no arrays".into(),
                ));
            }
        }))
    }
}

impl<'c> Statement<'c> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        match &mut self.inner {
            StmtInner::Sqlite(_, s) => Ok(s.bind(&params)?.raw_execute()?),
            StmtInner::Postgres { client, sql } => {
                let values = params.values()?;
                client.borrow_mut().execute(sql, &values)
            }
        }
    }

    /// Runs an INSERT of one row and gives its id, or None when it inserted nothing (`ON
    /// CONFLICT DO NOTHING`). SQLite reads the id back from the connection: `RETURNING`
    /// would build a scratch table per row there.
    pub fn insert_id<P: Params>(&mut self, params: P) -> Result<Option<i64>> {
        match &mut self.inner {
            StmtInner::Sqlite(c, s) => Ok(match s.bind(&params)?.raw_execute()? {
                0 => None,
                _ => Some(c.last_insert_rowid()),
            }),
            StmtInner::Postgres { client, sql } => {
                let values = params.values()?;
                let rows = client
                    .borrow_mut()
                    .query(&format!("{sql} RETURNING id"), &values)?;
                rows.first().map(|r| Row::Postgres(r).get(0)).transpose()
            }
        }
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        Ok(match &mut self.inner {
            StmtInner::Sqlite(_, s) => Rows::Sqlite(s.bind(&params)?.raw_query()),
            StmtInner::Postgres { client, sql } => {
                let values = params.values()?;
                Rows::Postgres {
                    rows: client.borrow_mut().query(sql, &values)?,
                    next: 0,
                }
            }
        })
    }

    pub fn query_row<P, T, F>(&mut self, params: P, f: F) -> Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(Error::NoRows),
        }
    }

    pub fn query_map<P, T, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        P: Params,
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            f,
        })
    }
}

/// A query's rows, read one at a time.
pub enum Rows<'s> {
    Sqlite(rusqlite::Rows<'s>),
    Postgres {
        rows: Vec<postgres::Row>,
        next: usize,
    },
}

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Postgres { rows, next } => {
                let row = rows.get(*next);
                *next += 1;
                Ok(row.map(Row::Postgres))
            }
        }
    }
}

pub struct MappedRows<'s, F> {
    rows: Rows<'s>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(r)) => Some((self.f)(&r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// One row of a query.
#[derive(Clone, Copy)]
pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl<'r> Row<'r> {
    pub fn get_ref(&self, idx: usize) -> Result<ValueRef<'r>> {
        match *self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef as V;
                Ok(match r.get_ref(idx)? {
                    V::Null => ValueRef::Null(Kind::Text),
                    V::Integer(i) => ValueRef::Integer(i),
                    V::Real(f) => ValueRef::Real(f),
                    V::Text(t) => ValueRef::Text(std::str::from_utf8(t).map_err(|e| {
                        Error::conversion(format!("column {idx} is not UTF-8 text: {e}"))
                    })?),
                    V::Blob(b) => ValueRef::Blob(b),
                })
            }
            Row::Postgres(r) => pg::value(r, idx),
        }
    }

    pub fn get<I: RowIndex, T: FromSql>(&self, idx: I) -> Result<T> {
        let idx = idx.index();
        let v = self.get_ref(idx)?;
        T::from_sql(v).map_err(|e| match e {
            Error::Conversion(why) => Error::Conversion(format!("column {idx}: {why}")),
            e => e,
        })
    }
}

/// A column's position (rusqlite also takes names; the store never uses them).
pub trait RowIndex {
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}
