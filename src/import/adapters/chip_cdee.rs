//! CHIP-CDEE: `id`, `text` and `event[core_name, tendency, character, anatomy_list]`.
//! Core names are normalised terms ("疼痛" for "腹痛"), so they are not required to occur
//! in the text.

use super::{Problems, RowContext, provenance, row_id};
use crate::domain::field_error::FieldError;
use crate::domain::item::Event;
use crate::domain::validate::RawItem;
use serde_json::{Map, Value};

pub fn convert(obj: &Map<String, Value>, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
    let mut p = Problems::default();
    let text = p.string(obj, "text");
    let mut events = Vec::new();
    if let Some(list) = p.list(obj, "event") {
        for (i, ev) in list.iter().enumerate() {
            match serde_json::from_value::<Event>(ev.clone()) {
                Ok(e) => events.push(e),
                Err(e) => p.push(
                    format!("event[{i}]"),
                    format!(
                        "is not an event {{core_name, tendency, character, anatomy_list}}: {e}"
                    ),
                ),
            }
        }
    }
    let (id, row) = row_id(obj, ctx);
    p.finish(RawItem {
        id: Some(id),
        kind: Some("extraction".into()),
        task: Some("event".into()),
        text,
        events: Some(events),
        provenance: Some(provenance("CHIP-CDEE", ctx, row)),
        ..RawItem::default()
    })
}
