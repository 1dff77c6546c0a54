//! SQLite's SQL as PostgreSQL reads it, for the few spellings that differ but mean the same:
//! `?N` placeholders become `$N`, the session's table `temp.session` is the session's
//! setting `medcurate.account` read as a one-row table (`Client::start_session`), SQLite's
//! index hints (`INDEXED BY name` and the join order `CROSS JOIN ... ON` fixes) are dropped
//! (PostgreSQL's planner takes no hints), LIKE is ILIKE, and `json_each(array)` is
//! `json_array_elements_text`.
//! Quoted text and comments are left as they are.

/// The session's account as SQLite's `temp.session` gives it: NULL until it is set.
const SESSION: &str =
    "(SELECT NULLIF(current_setting('medcurate.account', true), '') AS account) AS session";

pub fn to_postgres(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut i = 0;
    let mut next_positional = 1;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' => {
                let end = quoted_end(b, i, c);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = sql[i..].find('\n').map_or(b.len(), |n| i + n);
                out.push_str(&sql[i..end]);
                i = end;
            }
            b'?' => {
                let digits = b[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
                out.push('$');
                if digits == 0 {
                    out.push_str(&next_positional.to_string());
                    next_positional += 1;
                } else {
                    out.push_str(&sql[i + 1..i + 1 + digits]);
                }
                i += 1 + digits;
            }
            c if is_word(c) => {
                let end = i + b[i..].iter().take_while(|&&d| is_word(d)).count();
                let word = &sql[i..end];
                if word.eq_ignore_ascii_case("temp")
                    && sql[end..]
                        .get(..8)
                        .is_some_and(|w| w.eq_ignore_ascii_case(".session"))
                    && !b.get(end + 8).is_some_and(|&d| is_word(d))
                {
                    out.push_str(SESSION);
                    i = end + 8;
                } else if word.eq_ignore_ascii_case("cross")
                    && sql[end..]
                        .trim_start()
                        .get(..4)
                        .is_some_and(|w| w.eq_ignore_ascii_case("join"))
                {
                    // SQLite's CROSS JOIN ... ON is an inner join kept in the written order (the
                    // store writes it only so); PostgreSQL takes no ON after CROSS JOIN.
                    out.push_str("INNER");
                    i = end;
                } else if word.eq_ignore_ascii_case("like") {
                    // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does, under C.
                    out.push_str("ILIKE");
                    i = end;
                } else if word.eq_ignore_ascii_case("json_each")
                    && let Some(close) = matching_paren(b, end)
                {
                    // The one-argument form, over a JSON array: its elements as text in
                    // a column named `value`, as SQLite's.
                    let inner = to_postgres(&sql[end + 1..close]);
                    out.push_str(&format!("json_array_elements_text(CAST({inner} AS json))"));
                    i = close + 1;
                } else if word.eq_ignore_ascii_case("indexed") {
                    // INDEXED BY <name>: skip all three words.
                    let rest = &sql[end..];
                    let by = rest.trim_start();
                    if by.len() >= 2 && by[..2].eq_ignore_ascii_case("by") {
                        let after_by = by[2..].trim_start();
                        let name_len = after_by.bytes().take_while(|&d| is_word(d)).count();
                        i = sql.len() - after_by.len() + name_len;
                    } else {
                        out.push_str(word);
                        i = end;
                    }
                } else {
                    out.push_str(word);
                    i = end;
                }
            }
            _ => {
                let ch = sql[i..].chars().next().expect("inside the string");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// With `open` at a `(`, the index of its `)`; none when the parentheses hold a top-level
/// comma (another form than the one rewritten) or do not close.
fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
    if b.get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                i = quoted_end(b, i, b[i]);
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b',' if depth == 1 => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The index just past a quoted string or identifier starting at `start` (a doubled quote
/// is an escaped one).
fn quoted_end(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::to_postgres;

    #[test]
    fn placeholders_temp_and_index_hints() {
        assert_eq!(
            to_postgres("SELECT a FROM t INDEXED BY t_idx WHERE a = ?1 AND b = ?12 OR ?1 IS NULL"),
            "SELECT a FROM t  WHERE a = $1 AND b = $12 OR $1 IS NULL"
        );
        assert_eq!(
            to_postgres("VALUES ((SELECT account FROM temp.session), ?1)"),
            "VALUES ((SELECT account FROM (SELECT NULLIF(current_setting('medcurate.account', \
             true), '') AS account) AS session), $1)"
        );
        // Any other temporary table is SQLite's alone: left as written, PostgreSQL refuses it
        // (no schema `temp`) rather than reading a table of another meaning.
        assert_eq!(
            to_postgres("SELECT a FROM temp.sessions, temp.x"),
            "SELECT a FROM temp.sessions, temp.x"
        );
        assert_eq!(to_postgres("VALUES (?, ?)"), "VALUES ($1, $2)");
    }

    #[test]
    fn like_and_json_each() {
        assert_eq!(
            to_postgres(
                "WHERE a LIKE ?1 ESCAPE '\\' AND b IN (SELECT CAST(value AS INTEGER) FROM json_each(?2))"
            ),
            "WHERE a ILIKE $1 ESCAPE '\\' AND b IN (SELECT CAST(value AS INTEGER) FROM json_array_elements_text(CAST($2 AS json)))"
        );
        assert_eq!(
            to_postgres("FROM json_each(r.content, '$.x') j"),
            "FROM json_each(r.content, '$.x') j"
        );
        assert_eq!(to_postgres("SELECT likely, liked"), "SELECT likely, liked");
        assert_eq!(
            to_postgres("FROM w CROSS JOIN items i ON i.id = w.item_id"),
            "FROM w INNER JOIN items i ON i.id = w.item_id"
        );
    }

    #[test]
    fn quoted_text_and_comments_are_kept() {
        let sql = "SELECT '?1 temp.x', \"a?\" -- why? INDEXED BY x\nFROM t WHERE x = '它''s ?2' AND y = ?3";
        assert_eq!(
            to_postgres(sql),
            "SELECT '?1 temp.x', \"a?\" -- why? INDEXED BY x\nFROM t WHERE x = '它''s ?2' AND y = $3"
        );
        assert_eq!(to_postgres("SELECT '中文' || ?1"), "SELECT '中文' || $1");
    }
}
