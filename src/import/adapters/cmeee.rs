//! CMeEE (v1 and v2): `text` and `entities[start_idx, end_idx, type, entity]`, where
//! `end_idx` is inclusive. Stored with `end = end_idx + 1`.

use super::{Problems, RowContext, provenance, row_id};
use crate::domain::field_error::FieldError;
use crate::domain::item::char_slice;
use crate::domain::validate::{RawEntity, RawItem};
use serde_json::{Map, Value};

pub fn convert(obj: &Map<String, Value>, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
    let mut p = Problems::default();
    let text = p.string(obj, "text");
    let mut entities = Vec::new();
    if let Some(list) = p.list(obj, "entities") {
        let n_chars = text.as_deref().map_or(0, |t| t.chars().count());
        for (i, e) in list.iter().enumerate() {
            let f = |k: &str| format!("entities[{i}].{k}");
            let Some(e) = e.as_object() else {
                p.push(
                    format!("entities[{i}]"),
                    "must be an object {start_idx, end_idx, type, entity}",
                );
                continue;
            };
            let start = e.get("start_idx").and_then(Value::as_i64);
            let end = e.get("end_idx").and_then(Value::as_i64);
            let etype = e.get("type").and_then(Value::as_str).map(str::to_string);
            let entity = e.get("entity").and_then(Value::as_str).map(str::to_string);
            for (key, ok) in [
                ("start_idx", start.is_some()),
                ("end_idx", end.is_some()),
                ("type", etype.is_some()),
                ("entity", entity.is_some()),
            ] {
                if !ok {
                    p.push(f(key), "missing or not of the right type (integers for the offsets, strings otherwise)");
                }
            }
            let (Some(start), Some(end), Some(etype), Some(entity)) = (start, end, etype, entity)
            else {
                continue;
            };
            if let Some(t) = &text {
                if start < 0 || end < start || end as usize >= n_chars {
                    p.push(
                        f("end_idx"),
                        format!(
                            "span {start}..={end} does not fit the text ({n_chars} characters); CMeEE offsets are code points and end_idx is inclusive"
                        ),
                    );
                    continue;
                }
                let slice = char_slice(t, start as usize, end as usize + 1).unwrap_or_default();
                if slice != entity {
                    p.push(
                        f("entity"),
                        format!(
                            "is {entity:?} but text[{start}..={end}] is {slice:?}; CMeEE's end_idx is inclusive: fix the offsets or the entity"
                        ),
                    );
                    continue;
                }
            }
            entities.push(RawEntity {
                start: Some(start),
                end: Some(end + 1),
                entity_type: Some(etype),
                text: Some(entity),
            });
        }
    }
    let (id, row) = row_id(obj, ctx);
    p.finish(RawItem {
        id: Some(id),
        kind: Some("extraction".into()),
        task: Some("ner".into()),
        text,
        entities: Some(entities),
        provenance: Some(provenance("CMeEE", ctx, row)),
        ..RawItem::default()
    })
}
