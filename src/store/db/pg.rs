//! The PostgreSQL side: a client with its statements prepared once per SQL text and
//! parameter types, values written and read as the store's plain kinds, and write
//! transactions serialised as SQLite's are.

use super::translate::to_postgres;
use super::{Error, Kind, Result, TransactionBehavior, ValueRef};
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use std::collections::HashMap;

/// Prepared statements kept per connection before the cache starts over (SQL built at run
/// time would otherwise grow it without end).
const STATEMENT_CACHE: usize = 512;

/// The advisory lock every write transaction takes first, as `BEGIN IMMEDIATE` takes
/// SQLite's write lock: the store's read-then-write steps rely on no other writer in
/// between.
const WRITE_LOCK: i64 = 0x6d65_6463_7572; // "medcur"

pub struct Client {
    client: postgres::Client,
    cache: HashMap<String, Vec<(Vec<Kind>, postgres::Statement)>>,
    cached: usize,
    /// Where to connect again when the connection is lost.
    url: String,
    /// The OS account this connection's session records (`Connection::start_session`),
    /// recorded again on a new connection.
    account: Option<String>,
    /// A transaction is open: a lost connection then fails it rather than being replaced
    /// under it.
    in_tx: bool,
}

impl Client {
    pub fn connect(url: &str) -> Result<Client> {
        let client = super::tls::connect(url).map_err(Error::on_connect)?;
        Ok(Client {
            client,
            cache: HashMap::new(),
            cached: 0,
            url: url.to_string(),
            account: None,
            in_tx: false,
        })
    }

    /// Records `account` for the session, as every event names it: in a setting of the
    /// session's own, read where SQLite reads its temporary table (`translate`). A temporary
    /// table would write the catalogue on every connection and again when it closes, and
    /// each such write makes every other session plan all its statements again.
    pub fn start_session(&mut self, account: &str) -> Result<()> {
        self.execute(
            "SELECT set_config('medcurate.account', ?1, false)",
            &[ValueRef::Text(account)],
        )?;
        self.account = Some(account.to_string());
        Ok(())
    }

    /// A connection that was lost (the server restarted, the network dropped) is replaced
    /// before the next statement outside a transaction, its session recorded again; one lost
    /// inside a transaction fails that transaction, which the server has undone.
    fn live(&mut self) -> Result<()> {
        if self.in_tx || !self.client.is_closed() {
            return Ok(());
        }
        self.reconnect()
    }

    fn reconnect(&mut self) -> Result<()> {
        self.client = super::tls::connect(&self.url).map_err(Error::on_connect)?;
        self.cache.clear();
        self.cached = 0;
        if let Some(account) = self.account.clone() {
            self.start_session(&account)?;
        }
        Ok(())
    }

    fn statement(&mut self, sql: &str, values: &[ValueRef<'_>]) -> Result<postgres::Statement> {
        let kinds: Vec<Kind> = values.iter().map(ValueRef::kind).collect();
        if let Some(found) = self
            .cache
            .get(sql)
            .and_then(|v| v.iter().find(|(k, _)| *k == kinds))
        {
            return Ok(found.1.clone());
        }
        let types: Vec<Type> = kinds.iter().map(|k| pg_type(*k)).collect();
        let stmt = self
            .client
            .prepare_typed(&to_postgres(sql), &types)
            .inspect_err(|e| {
                if std::env::var_os("MEDCURATE_SQL_DEBUG").is_some() {
                    eprintln!("{e}\nin: {}", to_postgres(sql));
                }
            })?;
        if self.cached >= STATEMENT_CACHE {
            self.cache.clear();
            self.cached = 0;
        }
        self.cached += 1;
        self.cache
            .entry(sql.to_string())
            .or_default()
            .push((kinds, stmt.clone()));
        Ok(stmt)
    }

    pub fn query(&mut self, sql: &str, values: &[ValueRef<'_>]) -> Result<Vec<postgres::Row>> {
        self.on_a_live_connection(|c| {
            let stmt = c.statement(sql, values)?;
            let params: Vec<PgValue> = values.iter().map(|v| PgValue(*v)).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
            Ok(c.client.query(&stmt, &refs)?)
        })
    }

    pub fn execute(&mut self, sql: &str, values: &[ValueRef<'_>]) -> Result<usize> {
        self.on_a_live_connection(|c| {
            let stmt = c.statement(sql, values)?;
            let params: Vec<PgValue> = values.iter().map(|v| PgValue(*v)).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
            Ok(c.client.execute(&stmt, &refs)? as usize)
        })
    }

    /// `run`, on a new connection if this one is found lost; outside a transaction, once more
    /// on a new one when `run` is what found the idle connection lost (the server had
    /// already ended it, so the statement never ran). Inside one the loss fails it.
    fn on_a_live_connection<T>(&mut self, run: impl Fn(&mut Client) -> Result<T>) -> Result<T> {
        self.live()?;
        match run(self) {
            Err(Error::Postgres(e)) if !self.in_tx && Error::from_postgres_is_disconnected(&e) => {
                self.reconnect()?;
                run(self)
            }
            done => done,
        }
    }

    pub fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.live()?;
        Ok(self.client.batch_execute(&to_postgres(sql))?)
    }

    pub fn batch_execute_native(&mut self, sql: &str) -> Result<()> {
        self.live()?;
        Ok(self.client.batch_execute(sql)?)
    }

    pub fn begin(&mut self, behavior: TransactionBehavior) -> Result<()> {
        let begin = match behavior {
            // SQLite's deferred transaction reads one snapshot throughout.
            TransactionBehavior::Deferred => "BEGIN ISOLATION LEVEL REPEATABLE READ".to_string(),
            TransactionBehavior::Immediate => {
                format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
            }
            // The same lock shared: row-locked writers exclude the serialised ones, not each
            // other. Their statements (and their triggers' statements) look rows up by key,
            // so one plan serves every value: without this the server plans several of them
            // anew at each call (a claim alone, commits not waiting for the disk, took
            // 3.2-3.9 ms that way and 2.3-2.8 ms this way).
            TransactionBehavior::RowLocked => format!(
                "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; \
                 SELECT pg_advisory_xact_lock_shared({WRITE_LOCK})"
            ),
        };
        self.live()?;
        match self.client.batch_execute(&begin) {
            // Found lost only now (an idle connection learns it on its next use): nothing
            // was done on it, so the transaction starts on a new one.
            Err(e) if Error::from_postgres_is_disconnected(&e) => {
                self.reconnect()?;
                self.client.batch_execute(&begin)?;
            }
            done => done?,
        }
        self.in_tx = true;
        Ok(())
    }

    /// Ends the open transaction with `COMMIT` or `ROLLBACK`.
    pub fn end(&mut self, sql: &str) -> Result<()> {
        self.in_tx = false;
        Ok(self.client.batch_execute(sql)?)
    }
}

fn pg_type(kind: Kind) -> Type {
    match kind {
        Kind::Integer => Type::INT8,
        Kind::Real => Type::FLOAT8,
        Kind::Text => Type::TEXT,
        Kind::Blob => Type::BYTEA,
        Kind::Integers => Type::INT8_ARRAY,
        Kind::Texts => Type::TEXT_ARRAY,
    }
}

/// A parameter as PostgreSQL's wire format wants it, for the type the statement was
/// prepared with (always the value's own kind, see `Client::statement`).
#[derive(Debug)]
struct PgValue<'a>(ValueRef<'a>);

impl ToSql for PgValue<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            ValueRef::Null(_) => Ok(IsNull::Yes),
            ValueRef::Integer(i) => match *ty {
                Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                Type::FLOAT8 => (i as f64).to_sql(ty, out),
                Type::BOOL => (i != 0).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            ValueRef::Real(f) => f.to_sql(ty, out),
            ValueRef::Text(s) => s.to_sql(ty, out),
            ValueRef::Blob(b) => b.to_sql(ty, out),
            ValueRef::Integers(v) => v.to_sql(ty, out),
            ValueRef::Texts(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column's raw bytes, whatever its type; `value` reads them.
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(
        _: &Type,
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Column `idx` of `row` as one of the store's plain values.
pub fn value(row: &postgres::Row, idx: usize) -> Result<ValueRef<'_>> {
    let Some(column) = row.columns().get(idx) else {
        return Err(Error::conversion(format!("no column {idx} in this row")));
    };
    let ty = column.type_();
    let raw: Raw = row.try_get(idx)?;
    let kind = match *ty {
        Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL | Type::OID => Kind::Integer,
        Type::FLOAT8 | Type::FLOAT4 => Kind::Real,
        Type::BYTEA => Kind::Blob,
        _ => Kind::Text,
    };
    let Some(b) = raw.0 else {
        return Ok(ValueRef::Null(kind));
    };
    let fixed = |n: usize| -> Result<&[u8]> {
        if b.len() == n {
            Ok(b)
        } else {
            Err(Error::conversion(format!(
                "column {idx}: {} bytes for {ty}",
                b.len()
            )))
        }
    };
    Ok(match *ty {
        Type::INT8 => ValueRef::Integer(i64::from_be_bytes(fixed(8)?.try_into().unwrap())),
        Type::INT4 | Type::OID => {
            ValueRef::Integer(i32::from_be_bytes(fixed(4)?.try_into().unwrap()) as i64)
        }
        Type::INT2 => ValueRef::Integer(i16::from_be_bytes(fixed(2)?.try_into().unwrap()) as i64),
        Type::BOOL => ValueRef::Integer((fixed(1)?[0] != 0) as i64),
        Type::FLOAT8 => ValueRef::Real(f64::from_be_bytes(fixed(8)?.try_into().unwrap())),
        Type::FLOAT4 => ValueRef::Real(f32::from_be_bytes(fixed(4)?.try_into().unwrap()) as f64),
        Type::BYTEA => ValueRef::Blob(b),
        // jsonb's binary form is a version byte, then the text.
        Type::JSONB => ValueRef::Text(utf8(idx, b.get(1..).unwrap_or_default())?),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::JSON | Type::UNKNOWN => {
            ValueRef::Text(utf8(idx, b)?)
        }
        _ => {
            return Err(Error::conversion(format!(
                "column {idx} ({}) is of type {ty}, which the store does not read: cast it \
                 to BIGINT, DOUBLE PRECISION or TEXT in the query",
                column.name()
            )));
        }
    })
}

fn utf8(idx: usize, b: &[u8]) -> Result<&str> {
    std::str::from_utf8(b)
        .map_err(|e| Error::conversion(format!("column {idx} is not UTF-8 text: {e}")))
}
