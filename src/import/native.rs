//! The native format: each line deserialises straight into a `RawItem`.

use crate::domain::field_error::FieldError;
use crate::domain::validate::RawItem;

/// Parses one native line; type errors name the field path (`options[1].text`).
pub fn parse(line: &str) -> Result<RawItem, Vec<FieldError>> {
    // serde would read a JSON list as a struct's fields in order; an item is an object.
    if !line.trim_start().starts_with('{') {
        return Err(vec![FieldError::new(
            "",
            "is not a JSON object; each line must be one item object {...}",
        )]);
    }
    // The plain parse is the fast path; only a failed line is parsed again to find the path.
    if let Ok(raw) = serde_json::from_str(line) {
        return Ok(raw);
    }
    let de = &mut serde_json::Deserializer::from_str(line);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let mut err = describe(e);
        if let Some(format) = sniff_public_format(line) {
            err.message.push_str(&format!(
                " (this line looks like the {format} format: pass --format {format})"
            ));
        }
        vec![err]
    })
}

/// The field that should hold a native item's gold answer, if it has none: `answer` for
/// an mcq, `rubric` for an open_ended item, the extraction task's list (entities,
/// relations, events or normalized) when it is empty or missing.
pub fn lacks_gold(raw: &RawItem) -> Option<&'static str> {
    use crate::domain::validate::RawAnswer;
    let empty = |n: Option<usize>| n.is_none_or(|n| n == 0);
    match raw.kind.as_deref()? {
        "mcq" => match &raw.answer {
            None => Some("answer"),
            Some(RawAnswer::Letters(s)) => s.trim().is_empty().then_some("answer"),
            Some(RawAnswer::Labels(l)) => l.is_empty().then_some("answer"),
        },
        "open_ended" => empty(raw.rubric.as_ref().map(Vec::len)).then_some("rubric"),
        "extraction" => {
            let lists = [
                ("entities", raw.entities.as_ref().map(Vec::len)),
                ("relations", raw.relations.as_ref().map(Vec::len)),
                ("events", raw.events.as_ref().map(Vec::len)),
                ("normalized", raw.normalized.as_ref().map(Vec::len)),
            ];
            let field = match raw.task.as_deref() {
                Some("relation") => "relations",
                Some("event") => "events",
                Some("normalization") => "normalized",
                _ => "entities",
            };
            lists.iter().all(|(_, n)| empty(*n)).then_some(field)
        }
        _ => None,
    }
}

/// Names the public format a line seems to be in, for a hint when it was read as native.
fn sniff_public_format(line: &str) -> Option<&'static str> {
    let serde_json::Value::Object(obj) = serde_json::from_str(line).ok()? else {
        return None;
    };
    let has = |k: &str| obj.contains_key(k);
    if has("Question") && has("Options") {
        Some("cmexam")
    } else if has("spo_list") {
        Some("cmeie")
    } else if has("normalized_result") {
        Some("chip-cdn")
    } else if has("event") {
        Some("chip-cdee")
    } else if has("entities") && line.contains("\"start_idx\"") {
        Some("cmeee")
    } else {
        None
    }
}

fn describe(err: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = err.path().to_string();
    let inner = err.inner();
    if inner.is_syntax() || inner.is_eof() {
        return FieldError::new(
            "",
            format!(
                "is not valid JSON ({} at column {}); each line must be one complete JSON object",
                strip_position(&inner.to_string()),
                inner.column()
            ),
        );
    }
    let msg = strip_position(&inner.to_string());
    let field = if path == "." { String::new() } else { path };
    if let Some(name) = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        // The path already ends with the unknown key; serde lists the fields it expected.
        let expected: Vec<&str> = msg
            .split_once("expected ")
            .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = expected
            .iter()
            .find(|f| edit_distance(name, f) <= 2)
            .map(|f| format!("; did you mean `{f}`?"))
            .unwrap_or_else(|| "; check the spelling (see docs/item-format.md)".into());
        return FieldError::new(
            field,
            format!("is not a field of the native item format{hint}"),
        );
    }
    if msg.contains("expected struct RawItem") {
        return FieldError::new(
            "",
            "is not a JSON object; each line must be one item object {...}",
        );
    }
    if msg.contains("untagged enum RawAnswer") {
        return FieldError::new(
            field,
            "must be a list of option labels like [\"C\"] or a string of letters like \"ABD\"",
        );
    }
    if msg.contains(&format!(
        "expected {}",
        crate::domain::validate::RUBRIC_POINT
    )) {
        return FieldError::new(
            field,
            "must be a string or an object {\"text\": \"...\", \"points\": 2}",
        );
    }
    FieldError::new(field, format!("has the wrong type: {msg}"))
}

/// serde_json appends " at line L column C"; the caller reports the line itself.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Levenshtein distance, for "did you mean" hints on short field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
