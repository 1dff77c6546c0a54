//! Specialties and departments for routing: every annotator gets one to three of the 64
//! sub-specialties (annotator i has sub-specialty i mod 64, so all 64 are held), and every item
//! one to three of them as its departments. The synthetic items suggest departments from a
//! pool of eight, and three in ten none; so the setup writes each item's departments as its
//! final departments, which routing reads before the suggested ones (the schema turns them into
//! the item's `route_mask`).

use super::workspace::{REVIEWERS, reviewer};
use medcurate::domain::departments::taxonomy;
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

/// One to three distinct sub-specialties, the first `first`.
fn some(rng: &mut SplitMix64, ids: &[&str], first: usize) -> Vec<String> {
    let mut out = vec![ids[first].to_string()];
    let more = rng.below(3);
    while out.len() < 1 + more {
        let d = ids[rng.below(ids.len())].to_string();
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Writes the specialties and departments in one transaction; returns what it wrote.
pub fn write_routing(db: &Path) -> Value {
    let ids: Vec<&str> = taxonomy()
        .sub_specialties()
        .map(|(_, d)| d.id.as_str())
        .collect();
    let mut conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let mut rng = SplitMix64::new(64);
    let mut held = 0;
    for i in 0..REVIEWERS {
        for d in some(&mut rng, &ids, i % ids.len()) {
            tx.prepare_cached(
                "INSERT INTO person_specialties (person_id, department) VALUES (?1, ?2)",
            )
            .unwrap()
            .execute(params![reviewer(i), d])
            .unwrap();
            held += 1;
        }
    }
    let items: Vec<i64> = tx
        .prepare("SELECT id FROM items ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for &item in &items {
        let first = rng.below(ids.len());
        let depts = some(&mut rng, &ids, first);
        tx.prepare_cached("UPDATE items SET departments = ?2 WHERE id = ?1")
            .unwrap()
            .execute(params![item, serde_json::to_string(&depts).unwrap()])
            .unwrap();
    }
    let untagged: i64 = tx
        .query_row("SELECT count(*) FROM items WHERE route_mask = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(untagged, 0, "items without departments to route by");
    tx.commit().unwrap();
    json!({ "specialties_held": held, "items_with_departments": items.len() })
}
