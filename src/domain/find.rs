//! Finding an item by a part of its id or a word of its text, as people look for one: the
//! query is matched without regard to ASCII case (Chinese has none), in `DATASET/ID` and in
//! the text a reviewer reads (stem, options, prompt, reference, rubric, extraction text,
//! explanation), never in field names or option labels.

use serde_json::Value;

/// Longest query taken, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Characters of context kept either side of a match in a snippet.
const BEFORE: usize = 10;
const AFTER: usize = 30;

/// Fields whose strings are not text a person searches for.
const NOT_TEXT: [&str; 4] = ["kind", "label", "answer", "type"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    text: String,
}

/// Where a query matched an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// In `DATASET/ID`.
    Id,
    /// In its text: the match with a little context, on one line.
    Text(String),
}

impl Query {
    /// The query with its ends trimmed; `None` when nothing is left.
    pub fn new(text: &str) -> Option<Query> {
        let text = text.trim();
        (!text.is_empty()).then(|| Query {
            text: text.chars().take(MAX_QUERY_CHARS).collect(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A `LIKE … ESCAPE '\'` pattern that holds every row this query can match, whether in
    /// the id or in the stored JSON body: the query as JSON writes it inside a string, with
    /// LIKE's own characters escaped. The store narrows with it; `matches` decides.
    pub fn like_pattern(&self) -> String {
        let json = serde_json::to_string(&self.text).unwrap_or_default();
        let inner = json
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(&json);
        let mut p = String::with_capacity(inner.len() + 2);
        p.push('%');
        for c in inner.chars() {
            if matches!(c, '%' | '_' | '\\') {
                p.push('\\');
            }
            p.push(c);
        }
        p.push('%');
        p
    }

    /// Whether the item `dataset/id` with this stored body matches, and where.
    pub fn matches(&self, dataset: &str, id: &str, body: Option<&Value>) -> Option<Match> {
        if self.in_id(dataset, id) {
            return Some(Match::Id);
        }
        body.and_then(|b| self.in_text(b)).map(Match::Text)
    }

    /// Whether `DATASET/ID` holds the query.
    pub fn in_id(&self, dataset: &str, id: &str) -> bool {
        find_ci(&format!("{dataset}/{id}"), &self.text).is_some()
    }

    /// The first text in `v` that holds the query, as a snippet around it.
    pub fn in_text(&self, v: &Value) -> Option<String> {
        let mut found = None;
        visit_text(v, None, &mut |s| {
            if found.is_none()
                && let Some(at) = find_ci(s, &self.text)
            {
                found = Some(snippet(s, at, self.text.len()));
            }
        });
        found
    }
}

/// Every string of the body that is text a person reads.
fn visit_text(v: &Value, key: Option<&str>, f: &mut impl FnMut(&str)) {
    if key.is_some_and(|k| NOT_TEXT.contains(&k)) {
        return;
    }
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| visit_text(x, key, f)),
        Value::Object(o) => o.iter().for_each(|(k, x)| visit_text(x, Some(k), f)),
        _ => {}
    }
}

/// The byte offset of `needle` in `hay`, ASCII letters matching either case. A match of
/// valid UTF-8 always starts on a character boundary (a lead byte never equals a
/// continuation byte).
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The match at byte `at` (`len` bytes) with some characters either side, on one line.
fn snippet(s: &str, at: usize, len: usize) -> String {
    let before: Vec<char> = s[..at].chars().collect();
    let start = before.len().saturating_sub(BEFORE);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&before[start..]);
    out.push_str(&s[at..at + len]);
    let mut rest = s[at + len..].chars();
    out.extend(rest.by_ref().take(AFTER));
    if rest.next().is_some() {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(s: &str) -> Query {
        Query::new(s).unwrap()
    }

    #[test]
    fn an_empty_query_is_none() {
        assert_eq!(Query::new("  "), None);
    }

    #[test]
    fn a_part_of_the_id_matches_in_either_case() {
        let m = q("VAL_SAMPLE:2").matches("CMExam", "cmexam_val_sample:27", None);
        assert_eq!(m, Some(Match::Id));
        assert_eq!(
            q("cmexam/cm").matches("CMExam", "cmexam_1", None),
            Some(Match::Id)
        );
        assert_eq!(q("other").matches("CMExam", "cmexam_1", None), None);
    }

    #[test]
    fn a_word_of_the_text_matches_with_its_context() {
        let body = json!({"kind": "mcq", "stem": "患者男，58岁，胸痛3小时，心电图示ST段抬高，最可能的诊断是",
                          "options": [{"label": "A", "text": "急性心肌梗死"}], "answer": ["A"]});
        assert_eq!(
            q("胸痛").matches("d", "1", Some(&body)),
            Some(Match::Text(
                "患者男，58岁，胸痛3小时，心电图示ST段抬高，最可能的诊断是".into()
            ))
        );
        assert_eq!(
            q("心肌梗死").matches("d", "1", Some(&body)),
            Some(Match::Text("急性心肌梗死".into()))
        );
        assert!(q("st段").matches("d", "1", Some(&body)).is_some());
    }

    #[test]
    fn field_names_labels_and_kinds_are_not_text() {
        let body = json!({"kind": "mcq", "stem": "题干", "options": [{"label": "A", "text": "x"}],
                          "answer": ["A"]});
        for word in ["mcq", "stem", "label", "A"] {
            assert_eq!(q(word).matches("d", "1", Some(&body)), None, "{word}");
        }
    }

    #[test]
    fn a_long_text_is_cut_around_the_match_on_char_boundaries() {
        let text = format!("{}胸痛{}", "前".repeat(40), "后".repeat(40));
        let Some(Match::Text(s)) = q("胸痛").matches("d", "1", Some(&json!({ "text": text })))
        else {
            panic!("no match");
        };
        assert_eq!(s, format!("…{}胸痛{}…", "前".repeat(10), "后".repeat(30)));
    }

    #[test]
    fn the_pattern_escapes_like_and_json() {
        assert_eq!(q("50%_a\\b").like_pattern(), r"%50\%\_a\\\\b%");
        assert_eq!(q("say \"hi\"").like_pattern(), r#"%say \\"hi\\"%"#);
        assert_eq!(q("胸痛").like_pattern(), "%胸痛%");
    }
}
