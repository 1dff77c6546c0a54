//! The store's one error type over both backends, so that callers ask what went wrong
//! (busy, no row, a trigger's refusal) without naming SQLite or PostgreSQL.

use std::fmt;

#[derive(Debug)]
pub enum Error {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    /// A query that must return a row returned none.
    NoRows,
    /// A column's value is not of the type asked for.
    Conversion(String),
    /// TLS to the server could not be set up as the connection string asks (its settings,
    /// the root file, the server's certificate), said in words.
    Tls(String),
    /// No connection could be made to the server (down, refusing, unreachable).
    Unreachable(postgres::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn conversion(why: impl Into<String>) -> Error {
        Error::Conversion(why.into())
    }

    /// The SQLSTATE of a PostgreSQL error (`40001`, `23505`, ...).
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            Error::Postgres(e) => e.code().map(|c| c.code()),
            _ => None,
        }
    }

    /// A lock not had in time: SQLite's busy timeout, or PostgreSQL's serialization failure,
    /// deadlock or lock timeout.
    pub fn is_busy(&self) -> bool {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            Error::Postgres(_) => {
                matches!(self.sqlstate(), Some("40001" | "40P01" | "55P03"))
            }
            _ => false,
        }
    }

    /// The connection to the database server is gone (stopped, restarted, network down).
    pub fn is_disconnected(&self) -> bool {
        match self {
            Error::Postgres(e) => Error::from_postgres_is_disconnected(e),
            Error::Unreachable(_) => true,
            _ => false,
        }
    }

    pub(super) fn from_postgres_is_disconnected(e: &postgres::Error) -> bool {
        e.is_closed()
            || e.code().is_none() && e.as_db_error().is_none()
            || matches!(
                e.code().map(|c| c.code()),
                Some(s) if s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03"
            )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Sqlite(e) => e.fmt(f),
            // The server's own message (a trigger's refusal reads as it was raised), not the
            // crate's "db error: ERROR: ..." wrapping.
            Error::Postgres(e) if Error::from_postgres_is_disconnected(e) => write!(
                f,
                "the connection to the database server was lost ({}); what this step wrote \
                 was not kept, and the next step connects again",
                match e.as_db_error() {
                    Some(db) => db.message().to_string(),
                    None => e.to_string(),
                }
            ),
            Error::Postgres(e) => match e.as_db_error() {
                Some(db) => f.write_str(db.message()),
                None => e.fmt(f),
            },
            Error::Unreachable(e) => write!(f, "the database server cannot be reached ({e})"),
            Error::NoRows => f.write_str("the query returned no rows"),
            Error::Conversion(why) | Error::Tls(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The wrapped error's own cause: its message is this one's already.
        match self {
            Error::Sqlite(e) => e.source(),
            Error::Postgres(e) if e.as_db_error().is_some() => None,
            Error::Postgres(e) | Error::Unreachable(e) => e.source(),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            e => Error::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        Error::Postgres(e)
    }
}

/// `.optional()` on a query that may find no row.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Error {
    /// A failure to connect, told apart from a connection lost later.
    pub(super) fn on_connect(self) -> Error {
        match self {
            Error::Postgres(e) if Error::from_postgres_is_disconnected(&e) => Error::Unreachable(e),
            other => other,
        }
    }
}
