//! What the screens' unit tests share: real items from sample-data, and frames as text.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

pub mod screen;

use crate::domain::item::Item;

/// Item `id` of `sample-data/{file}`, in a dataset named after the file.
pub fn sample(file: &str, id: &str) -> Item {
    let path = format!("{}/sample-data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("\"id\": \"{id}\"")))
        .unwrap_or_else(|| panic!("{id} not in {file}"));
    let raw = crate::import::native::parse(line).unwrap();
    crate::domain::validate::build_item(raw, file.trim_end_matches(".jsonl")).unwrap()
}
