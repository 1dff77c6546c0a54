//! CHIP-CDN: a raw diagnosis `text` and its standard terms, `normalized_result`, joined by "##".

use super::{Problems, RowContext, provenance, row_id};
use crate::domain::field_error::FieldError;
use crate::domain::validate::RawItem;
use serde_json::{Map, Value};

pub fn convert(obj: &Map<String, Value>, ctx: &RowContext) -> Result<RawItem, Vec<FieldError>> {
    let mut p = Problems::default();
    let text = p.string(obj, "text");
    let normalized = p.string(obj, "normalized_result").map(|n| {
        let terms: Vec<String> = n.split("##").map(|t| t.trim().to_string()).collect();
        if terms.iter().any(String::is_empty) {
            p.push(
                "normalized_result",
                format!(
                    "{n:?} has an empty term; join standard terms with \"##\" and no empty parts"
                ),
            );
        }
        terms
    });
    let (id, row) = row_id(obj, ctx);
    p.finish(RawItem {
        id: Some(id),
        kind: Some("extraction".into()),
        task: Some("normalization".into()),
        text,
        normalized,
        provenance: Some(provenance("CHIP-CDN", ctx, row)),
        ..RawItem::default()
    })
}
