//! Values crossing into and out of the database, the same on both backends: what SQLite
//! stores (integers, reals, text, blobs, NULL) is all the store writes, so PostgreSQL columns
//! are BIGINT, DOUBLE PRECISION, TEXT and BYTEA and flags are 0/1 integers there too.

use super::Error;

/// A value's type, kept for NULL too: PostgreSQL prepares a statement with its parameters'
/// types, and `?1 IS NULL` has none to infer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Integer,
    Real,
    Text,
    Blob,
    /// Lists, one parameter each: PostgreSQL's `bigint[]` and `text[]`. SQLite has no arrays,
    /// so only PostgreSQL's own statements bind them (an import's batches).
    Integers,
    Texts,
}

/// One value, borrowed from a parameter or from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null(Kind),
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
    Integers(&'a [i64]),
    Texts(&'a [&'a str]),
}

impl<'a> ValueRef<'a> {
    pub fn kind(&self) -> Kind {
        match self {
            ValueRef::Null(k) => *k,
            ValueRef::Integer(_) => Kind::Integer,
            ValueRef::Real(_) => Kind::Real,
            ValueRef::Text(_) => Kind::Text,
            ValueRef::Blob(_) => Kind::Blob,
            ValueRef::Integers(_) => Kind::Integers,
            ValueRef::Texts(_) => Kind::Texts,
        }
    }

    pub fn as_str(&self) -> Result<&'a str, Error> {
        match self {
            ValueRef::Text(s) => Ok(s),
            other => Err(Error::conversion(format!("expected text, found {other:?}"))),
        }
    }

    pub fn as_str_or_null(&self) -> Result<Option<&'a str>, Error> {
        match self {
            ValueRef::Null(_) => Ok(None),
            other => other.as_str().map(Some),
        }
    }
}

/// A Rust value written as a statement's parameter.
pub trait ToSql {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error>;
}

/// A Rust value read from a row's column.
pub trait FromSql: Sized {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error>;
}

/// The type a NULL of this Rust type has.
pub trait SqlKind {
    const KIND: Kind;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
                i64::try_from(*self)
                    .map(ValueRef::Integer)
                    .map_err(|_| Error::conversion(format!("{self} does not fit in a 64-bit integer")))
            }
        }
        impl FromSql for $t {
            fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
                match v {
                    ValueRef::Integer(i) => <$t>::try_from(i).map_err(|_| {
                        Error::conversion(format!("{i} is out of range for {}", stringify!($t)))
                    }),
                    other => Err(Error::conversion(format!("expected an integer, found {other:?}"))),
                }
            }
        }
        impl SqlKind for $t {
            const KIND: Kind = Kind::Integer;
        }
    )*};
}
integer!(i64, i32, i16, u8, u16, u32, u64, usize);

impl ToSql for bool {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Integer(*self as i64))
    }
}
impl FromSql for bool {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        i64::from_sql(v).map(|i| i != 0)
    }
}
impl SqlKind for bool {
    const KIND: Kind = Kind::Integer;
}

impl ToSql for f64 {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Real(*self))
    }
}
impl FromSql for f64 {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        match v {
            ValueRef::Real(f) => Ok(f),
            // SQLite hands back a whole REAL as an integer when it was written as one.
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(Error::conversion(format!(
                "expected a number, found {other:?}"
            ))),
        }
    }
}
impl SqlKind for f64 {
    const KIND: Kind = Kind::Real;
}

impl ToSql for f32 {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Real(*self as f64))
    }
}
impl SqlKind for f32 {
    const KIND: Kind = Kind::Real;
}

impl ToSql for str {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Text(self))
    }
}
impl SqlKind for str {
    const KIND: Kind = Kind::Text;
}
impl ToSql for String {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Text(self))
    }
}
impl FromSql for String {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        v.as_str().map(str::to_string)
    }
}
impl SqlKind for String {
    const KIND: Kind = Kind::Text;
}

impl ToSql for [u8] {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Blob(self))
    }
}
impl ToSql for Vec<u8> {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Blob(self))
    }
}
impl FromSql for Vec<u8> {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(Error::conversion(format!(
                "expected bytes, found {other:?}"
            ))),
        }
    }
}
impl SqlKind for Vec<u8> {
    const KIND: Kind = Kind::Blob;
}

impl ToSql for [i64] {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Integers(self))
    }
}
impl ToSql for [&str] {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        Ok(ValueRef::Texts(self))
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        (**self).to_sql()
    }
}
impl<T: SqlKind + ?Sized> SqlKind for &T {
    const KIND: Kind = T::KIND;
}

impl<T: ToSql + SqlKind> ToSql for Option<T> {
    fn to_sql(&self) -> Result<ValueRef<'_>, Error> {
        match self {
            Some(v) => v.to_sql(),
            None => Ok(ValueRef::Null(T::KIND)),
        }
    }
}
impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        match v {
            ValueRef::Null(_) => Ok(None),
            v => T::from_sql(v).map(Some),
        }
    }
}

impl FromSql for ValueRef<'static> {
    /// Only NULL and numbers: text and bytes are borrowed, read them with `get_ref`.
    fn from_sql(v: ValueRef<'_>) -> Result<Self, Error> {
        match v {
            ValueRef::Null(k) => Ok(ValueRef::Null(k)),
            ValueRef::Integer(i) => Ok(ValueRef::Integer(i)),
            ValueRef::Real(f) => Ok(ValueRef::Real(f)),
            other => Err(Error::conversion(format!("{other:?} is borrowed"))),
        }
    }
}

/// A statement's parameters: `params![…]`, an array of one type, `[]`, or a list built at
/// run time (`&Vec<&dyn ToSql>`).
pub trait Params {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, Error>;
}

impl Params for [&dyn ToSql; 0] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
        Ok(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
        self.iter().map(|p| p.to_sql()).collect()
    }
}

impl Params for &Vec<&dyn ToSql> {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
        self.iter().map(|p| p.to_sql()).collect()
    }
}

impl Params for Vec<&dyn ToSql> {
    fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
        self.iter().map(|p| p.to_sql()).collect()
    }
}

macro_rules! arrays {
    ($($n:literal),*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
                self.iter().map(|p| p.to_sql()).collect()
            }
        }
        impl<T: ToSql> Params for &[T; $n] {
            fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
                self.iter().map(|p| p.to_sql()).collect()
            }
        }
    )*};
}
arrays!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

/// Parameters of mixed types, as rusqlite's `params!`.
#[macro_export]
macro_rules! sql_params {
    () => {
        &[] as &[&dyn $crate::store::db::ToSql]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::store::db::ToSql),+] as &[&dyn $crate::store::db::ToSql]
    };
}

macro_rules! tuples {
    ($(($($t:ident $i:tt),+)),*) => {$(
        impl<$($t: ToSql),+> Params for ($($t,)+) {
            fn values(&self) -> Result<Vec<ValueRef<'_>>, Error> {
                Ok(vec![$(self.$i.to_sql()?),+])
            }
        }
    )*};
}
tuples!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
);
