//! The calibration the release benchmark starts from: the plan's five calibration models'
//! results on every item and the difficulty they give, written straight into the database as
//! `Store::import_calibration` writes them, and the SQL checks that the result is what the
//! application would have left.

use super::MAINTAINER;
use crate::common::reviews;
use medcurate::domain::difficulty::{Outcome, rate};
use medcurate::domain::item::Difficulty;
use medcurate::domain::plan::Plan;
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long before now the calibration results came in (before the reviews, which span the
/// last 60 days).
const CALIBRATED_DAYS_AGO: u64 = 75;

/// Per mille of dataset `k`'s items that are hard, medium and easy: about 30/40/30, varying.
fn difficulty_mix(k: usize) -> [usize; 3] {
    let hard = 240 + (k * 70) % 130;
    let easy = 220 + (k * 50) % 150;
    [hard, 1000 - hard - easy, easy]
}

/// One model's result on an item, right or wrong as asked, in the form `import_calibration`
/// stores it.
fn outcome(rng: &mut SplitMix64, kind: &str, answer: &[String], right: bool) -> Outcome {
    match kind {
        "mcq" => Outcome::Choice(if right {
            answer.to_vec()
        } else {
            // A wrong choice: a label that is not (all of) the answer.
            let wrong = ["A", "B", "C", "D", "E"]
                .iter()
                .find(|l| !answer.iter().any(|a| a == *l))
                .unwrap();
            vec![wrong.to_string()]
        }),
        // Correct means an F1 above the plan's 0.8.
        "extraction" => Outcome::F1(if right {
            rng.between(81, 100) as f64 / 100.0
        } else {
            rng.between(20, 80) as f64 / 100.0
        }),
        _ => unreachable!("open-ended results are scores"),
    }
}

fn outcome_json(o: &Outcome) -> String {
    match o {
        Outcome::Choice(c) => json!({ "choice": c }),
        Outcome::F1(f) => json!({ "f1": f }),
        Outcome::Score(s) => json!({ "score": s }),
    }
    .to_string()
}

/// The five calibration models' results on every item and the difficulty they give, as
/// `Store::import_calibration` writes them; returns the items per difficulty.
pub fn write_calibration(db: &Path, plan: &Plan) -> Value {
    let mut conn = reviews::open_for_setup(db);
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    type ItemRow = (i64, i64, String, Option<String>, String, Option<String>);
    let items: Vec<ItemRow> = tx
        .prepare(
            "SELECT i.id, i.revision_no, i.kind, i.difficulty, d.name, r.body ->> '$.answer'
             FROM items i JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions r ON r.item_id = i.id AND r.revision_no = i.revision_no
             ORDER BY i.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let index: BTreeMap<&str, usize> = plan
        .datasets
        .iter()
        .enumerate()
        .map(|(k, d)| (d.dataset.as_str(), k))
        .collect();
    let models = &plan.calibration_models;
    let thresholds = plan.thresholds();
    let now = medcurate::store::clock::iso(
        SystemTime::now() - Duration::from_secs(CALIBRATED_DAYS_AGO * 86_400),
    );
    let mut rng = SplitMix64::new(11);
    let mut rated: BTreeMap<&str, u64> = BTreeMap::new();
    let mut changed = 0i64;
    for (id, revision_no, kind, old, dataset, answer) in &items {
        let [hard, medium, _] = difficulty_mix(index[dataset.as_str()]);
        let band = rng.below(1000);
        let want = if band < hard {
            Difficulty::Hard
        } else if band < hard + medium {
            Difficulty::Medium
        } else {
            Difficulty::Easy
        };
        let answer: Vec<String> = answer
            .as_deref()
            .map(|a| serde_json::from_str(a).unwrap())
            .unwrap_or_default();
        let outcomes: Vec<Outcome> = if kind == "open_ended" {
            // Scores in hundredths around a mean well inside the plan's band.
            let (base, spread) = match want {
                Difficulty::Easy => (85, 10),
                Difficulty::Medium => (65, 4),
                Difficulty::Hard => (40, 15),
            };
            (0..models.len())
                .map(|_| Outcome::Score(rng.between(base - spread, base + spread) as f64 / 100.0))
                .collect()
        } else {
            let right = match want {
                Difficulty::Easy => models.len(),
                Difficulty::Medium => models.len() - 1,
                Difficulty::Hard => rng.below(models.len() - 1),
            };
            let mut who: Vec<bool> = (0..models.len()).map(|m| m < right).collect();
            rng.shuffle(&mut who);
            who.iter()
                .map(|r| outcome(&mut rng, kind, &answer, *r))
                .collect()
        };
        let got = rate(&outcomes, Some(&answer), &thresholds).unwrap();
        assert_eq!(got, want, "{dataset} item {id}: {outcomes:?}");
        for (model, o) in models.iter().zip(&outcomes) {
            tx.prepare_cached(
                "INSERT INTO calibration (item_id, revision_no, model, outcome, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .unwrap()
            .execute(params![id, revision_no, model, outcome_json(o), now])
            .unwrap();
        }
        if old.as_deref() != Some(got.as_str()) {
            changed += 1;
            tx.prepare_cached(
                "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
                 VALUES (?1, ?2, 'difficulty_calibrated', ?3, ?4,
                         json_object('from', ?5, 'to', ?6, 'models', ?7))",
            )
            .unwrap()
            .execute(params![
                now,
                MAINTAINER,
                id,
                revision_no,
                old,
                got.as_str(),
                models.len() as i64
            ])
            .unwrap();
        }
        tx.prepare_cached(
            "UPDATE items SET difficulty = ?2, difficulty_source = 'calibration' WHERE id = ?1",
        )
        .unwrap()
        .execute(params![id, got.as_str()])
        .unwrap();
        *rated.entry(got.as_str()).or_default() += 1;
    }
    tx.execute(
        "INSERT INTO events (at, actor, action, detail)
         VALUES (?1, ?2, 'calibration_import',
                 json_object('results', ?3, 'items', ?4, 'changed', ?5, 'incomplete', 0))",
        params![
            now,
            MAINTAINER,
            (items.len() * models.len()) as i64,
            items.len() as i64,
            changed
        ],
    )
    .unwrap();
    tx.commit().unwrap();
    let mut out = json!(rated);
    out["changed"] = json!(changed);
    out
}

/// Asserts that every item has one result of each calibration model and that their rating, by
/// the plan's rules, is the item's difficulty, and that the events match.
pub fn check_calibration(db: &Path, plan: &Plan, n: usize) {
    let conn = Connection::open(db).unwrap();
    let count = |what: &str, sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let none = |what: &str, sql: &str| assert_eq!(count(what, sql), 0, "{what}");
    let models = plan.calibration_models.len() as i64;
    assert_eq!(
        count("calibration rows", "SELECT count(*) FROM calibration"),
        models * n as i64
    );
    let listed: Vec<String> = plan
        .calibration_models
        .iter()
        .map(|m| format!("'{}'", m.replace('\'', "''")))
        .collect();
    none(
        "items without one result of each model for their current revision",
        &format!(
            "SELECT count(*) FROM items i WHERE {models} != (SELECT count(DISTINCT c.model)
               FROM calibration c WHERE c.item_id = i.id AND c.revision_no = i.revision_no
                 AND c.model IN ({}))",
            listed.join(", ")
        ),
    );
    none(
        "items not rated by calibration",
        "SELECT count(*) FROM items WHERE difficulty IS NULL
            OR difficulty_source IS NOT 'calibration'",
    );
    let t = plan.thresholds();
    // The rating as `rate` does it: open-ended by the mean score, the others by how many
    // models were right (the mcq choice being the answer key, an F1 above the bound).
    none(
        "items whose difficulty is not what their calibration results give",
        &format!(
            "SELECT count(*) FROM items i JOIN revisions r
               ON r.item_id = i.id AND r.revision_no = i.revision_no
             WHERE i.difficulty != (SELECT CASE
                WHEN i.kind = 'open_ended' THEN
                    CASE WHEN avg(c.outcome ->> '$.score') > {easy} THEN 'easy'
                         WHEN avg(c.outcome ->> '$.score') >= {medium} THEN 'medium'
                         ELSE 'hard' END
                ELSE CASE sum(CASE WHEN i.kind = 'mcq' THEN c.outcome -> '$.choice' = r.body -> '$.answer'
                                   ELSE c.outcome ->> '$.f1' > {f1} END)
                         WHEN {models} THEN 'easy' WHEN {models} - 1 THEN 'medium' ELSE 'hard' END
                END
             FROM calibration c WHERE c.item_id = i.id AND c.revision_no = i.revision_no)",
            easy = t.open_ended_easy_above,
            medium = t.open_ended_medium_from,
            f1 = t.extraction_f1_correct_above,
        ),
    );
    none(
        "items whose difficulty_calibrated event is missing, extra, or names other values",
        "SELECT count(*) FROM items i JOIN revisions r
           ON r.item_id = i.id AND r.revision_no = i.revision_no
         WHERE (r.body ->> '$.difficulty' IS NOT i.difficulty) != (SELECT count(*) FROM events e
            WHERE e.item_id = i.id AND e.action = 'difficulty_calibrated'
              AND e.detail ->> '$.to' = i.difficulty
              AND e.detail ->> '$.from' IS r.body ->> '$.difficulty')",
    );
    assert_eq!(
        count(
            "difficulty_calibrated events",
            "SELECT count(*) FROM events WHERE action = 'difficulty_calibrated'"
        ),
        count(
            "calibration_import's changed",
            "SELECT detail ->> '$.changed' FROM events WHERE action = 'calibration_import'"
        )
    );
}
