//! Events' `detail` JSON, built here rather than by SQL's `json_object`: SQLite and
//! PostgreSQL write JSON objects with different spacing, and the log must read the same
//! on both. The bytes are SQLite's `json_object`'s, as the log always held.

use serde_json::Value;

/// One field's value: a JSON value, or JSON text already written compactly (as `json(?)`
/// took it).
pub(crate) enum Field<'a> {
    Value(Value),
    Raw(&'a str),
}

impl<T: Into<Value>> From<T> for Field<'_> {
    fn from(v: T) -> Self {
        Field::Value(v.into())
    }
}

/// A JSON object of `fields` in their order.
pub(crate) fn object(fields: Vec<(&str, Field<'_>)>) -> String {
    let mut out = String::from("{");
    for (k, (key, value)) in fields.into_iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(key).to_string());
        out.push(':');
        match value {
            Field::Value(v) => out.push_str(&v.to_string()),
            Field::Raw(text) => out.push_str(text),
        }
    }
    out.push('}');
    out
}

/// `detail!{"key" => value, ...}`; `raw(text)` for JSON text.
macro_rules! detail {
    ($($k:literal => $v:expr),* $(,)?) => {
        $crate::store::detail::object(vec![$(($k, $crate::store::detail::Field::from($v))),*])
    };
}
pub(crate) use detail;

pub(crate) fn raw(text: &str) -> Field<'_> {
    Field::Raw(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    /// Event details read the same as when SQL's `json_object` wrote them.
    #[test]
    fn object_matches_sqlite_json_object() {
        let conn = Connection::open_in_memory().unwrap();
        let names = [
            "dr-li",
            "王医生",
            "a \"quoted\" \\ name",
            "tab\tnew\nline\r\u{1}\u{1f}\u{7f}",
            "🩺 U+2028:\u{2028}",
            "",
        ];
        let roles = serde_json::to_string(&["annotator", "中文\"x\""]).unwrap();
        for name in names {
            for id in [0_i64, 7, -3, i64::MAX] {
                for score in [0.0_f64, 0.25, 1.0, -2.5] {
                    let ours = detail! {
                        "adjudication_id" => id,
                        "response_id" => id / 2,
                        "expert" => name,
                        "score" => score,
                        "roles" => raw(&roles),
                        "note" => Value::Null,
                    };
                    let sqlite: String = conn
                        .query_row(
                            "SELECT json_object('adjudication_id', ?1, 'response_id', ?2,
                                    'expert', ?3, 'score', ?4, 'roles', json(?5), 'note', NULL)",
                            rusqlite::params![id, id / 2, name, score, roles],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert_eq!(ours, sqlite, "{name:?} {id} {score}");
                }
            }
        }
        assert_eq!(detail! {"review_id" => 5}, r#"{"review_id":5}"#);
    }
}
