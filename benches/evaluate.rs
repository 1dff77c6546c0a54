//! Scoring models on a frozen release: `cargo bench --bench evaluate`.
//!
//! Builds the 4,250-item MLB release: each of the shipped plan's 22 datasets with its
//! `sampled_n` items of the plan's `item_type` (`medcurate::synth` lines; extraction items are
//! NER), imported into a fresh workspace and frozen with `medcurate::domain::release::build`
//! (three presentations per question, task files, card and datapackage). Ten models each have
//! a judged response to every open-ended item (`Store::import_responses`; judges at most 0.2
//! apart, so no dispute waits) and an answers file line for every question in each of its
//! presentations (right about 70% of the time) and every extraction item (the gold entities,
//! about one in four dropped or shifted).
//!
//! Then it measures `RUNS` times the real binary, `medcurate evaluate DIR --answers FILE
//! --by dimension --json`, in a fresh process each time: verifying every file of the release,
//! reading the answers, reading the responses and scoring ten models. Target: under 2 s.
#![allow(clippy::disallowed_methods)] // bench set-up reads and writes files directly

mod common;

use common::{add_person, import_file};
use medcurate::domain::hash::content_hash;
use medcurate::domain::item::{Content, Difficulty, ItemKind};
use medcurate::domain::judge::{JudgeScore, ResponseRow};
use medcurate::domain::people::Role;
use medcurate::domain::plan::Plan;
use medcurate::domain::release::{DatasetSummary, ReleaseInput, ReleaseItem, build};
use medcurate::domain::validate::build_item;
use medcurate::import::native::parse;
use medcurate::release::files::write_dir;
use medcurate::store::Store;
use medcurate::synth::{SplitMix64, write_items_of_kind};
use serde_json::{Value, json};
use std::fs;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;
const TARGET_S: f64 = 2.0;
const MODELS: [&str; 10] = [
    "GPT-4o",
    "Claude-3.7-Sonnet",
    "Gemini-2.5-Pro",
    "DeepSeek-V3",
    "DeepSeek-R1",
    "Qwen2.5-72B",
    "Kimi-K2-Instruct",
    "Llama-3.3-70B",
    "MedGemma-27B",
    "Baichuan-M1-14B",
];

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let db = d.join("bench.db");
    let t0 = Instant::now();
    let mut store = Store::open(&db).unwrap();
    add_person(&mut store, "ops", "ops", Role::Maintainer);
    let plan = Plan::parse(
        medcurate::domain::plan::SHIPPED_PLANS
            .iter()
            .find(|(n, _)| *n == "mlb")
            .unwrap()
            .1,
        "mlb",
    )
    .unwrap();
    let mut items = Vec::new();
    let mut summaries = Vec::new();
    let mut rng = SplitMix64::new(14);
    for (k, pd) in plan.datasets.iter().enumerate() {
        let kind = ItemKind::parse(&pd.item_type).unwrap();
        let file = d.join(format!("{}.jsonl", pd.dataset));
        let mut out = fs::File::create(&file).unwrap();
        write_items_of_kind(&mut out, pd.sampled_n as usize, 1000 + k as u64, kind).unwrap();
        drop(out);
        import_file(&mut store, &file, &pd.dataset);
        for line in fs::read_to_string(&file).unwrap().lines() {
            let it = build_item(parse(line).unwrap(), &pd.dataset).unwrap();
            let difficulty = [Difficulty::Hard, Difficulty::Medium, Difficulty::Easy][rng.below(3)];
            items.push(ReleaseItem {
                dataset: pd.dataset.clone(),
                id: it.id.clone(),
                revision_no: 1,
                content_hash: content_hash(&it.body.canonical_json()),
                departments: it.body.suggested_departments.clone(),
                body: it.body,
                difficulty: Some(difficulty),
                reviews: Vec::new(),
                decision: None,
            });
        }
        summaries.push(DatasetSummary {
            dataset: pd.dataset.clone(),
            kind: pd.item_type.clone(),
            target: pd.sampled_n,
            achieved: pd.sampled_n,
            shortfalls: Vec::new(),
        });
    }
    let input = ReleaseInput {
        name: "mlb-bench".into(),
        version: "1.0.0".into(),
        plan_name: plan.name.clone(),
        plan_ref: "mlb".into(),
        difficulty_target: Some((3.0, 5.0, 2.0)),
        seed: 14,
        datasets: summaries,
        items: items.clone(),
    };
    let files = build(&input).unwrap();
    let rel = d.join("release");
    write_dir(&rel, &files).unwrap();

    // Responses to every open-ended item, and answers to everything else.
    let mut rows = Vec::new();
    let mut answers = String::new();
    let mut lines = 0usize;
    for model in MODELS {
        for it in &items {
            match &it.body.content {
                Content::OpenEnded(_) => {
                    let a = rng.below(101) as f64 / 100.0;
                    let b = (a + (rng.below(41) as f64 - 20.0) / 100.0).clamp(0.0, 1.0);
                    let judge = |score| JudgeScore {
                        score,
                        points: None,
                        rationale: None,
                    };
                    rows.push(ResponseRow {
                        line: rows.len() + 1,
                        dataset: it.dataset.clone(),
                        item_id: it.id.clone(),
                        model: model.to_string(),
                        response: "建议完善检查后复诊。".into(),
                        judges: [judge(a), judge(b)],
                    });
                }
                Content::Mcq(m) => {
                    let n = m.options.len();
                    let labels: Vec<String> = m.options.iter().map(|o| o.label.clone()).collect();
                    let orders = medcurate::domain::release::option_permutations(
                        14,
                        &it.dataset,
                        &it.id,
                        &labels,
                        &m.answer,
                    );
                    for (k, order) in orders.iter().enumerate() {
                        let right: String = order
                            .iter()
                            .enumerate()
                            .filter(|(_, l)| m.answer.contains(l))
                            .map(|(i, _)| (b'A' + i as u8) as char)
                            .collect();
                        let answer = if rng.below(10) < 7 {
                            right
                        } else {
                            ((b'A' + rng.below(n) as u8) as char).to_string()
                        };
                        answers += &json!({"model": model, "dataset": it.dataset, "item": it.id, "presentation": k, "answer": answer}).to_string();
                        answers.push('\n');
                        lines += 1;
                    }
                }
                Content::Extraction(e) => {
                    let mut ents: Vec<Value> = Vec::new();
                    for x in e.entities.iter().flatten() {
                        if rng.below(8) == 0 {
                            continue;
                        }
                        let end = if rng.below(8) == 0 { x.end + 1 } else { x.end };
                        ents.push(json!({"start": x.start, "end": end, "type": x.entity_type}));
                    }
                    answers += &json!({"model": model, "dataset": it.dataset, "item": it.id, "entities": ents}).to_string();
                    answers.push('\n');
                    lines += 1;
                }
            }
        }
    }
    let done = store.import_responses("ops", &rows).unwrap();
    assert!(done.is_ok(), "responses refused");
    drop(store);
    let answers_file = d.join("answers.jsonl");
    fs::write(&answers_file, &answers).unwrap();
    eprintln!(
        "setup: {} items in {} datasets, {} release files, {} answer lines ({:.1} MB), {} responses, {:.1} s",
        items.len(),
        plan.datasets.len(),
        files.len(),
        lines,
        answers.len() as f64 / 1e6,
        rows.len(),
        t0.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    let mut first: Option<Value> = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_medcurate"))
            .arg("--db")
            .arg(&db)
            .args(["evaluate"])
            .arg(&rel)
            .arg("--answers")
            .arg(&answers_file)
            .args(["--by", "dimension", "--json"])
            .output()
            .unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["rows"].as_array().unwrap().len(), MODELS.len());
        assert!(v["rows"][0]["average"].is_f64(), "{}", v["rows"][0]);
        match &first {
            None => first = Some(v),
            Some(f) => assert_eq!(f, &v, "every run gives the same scores"),
        }
    }
    times.sort_by(f64::total_cmp);
    let v = first.unwrap();
    eprintln!("\n{} models, by dimension:", MODELS.len());
    for r in v["rows"].as_array().unwrap() {
        eprintln!(
            "  {:<20} {:>6.2}",
            r["model"].as_str().unwrap(),
            r["average"].as_f64().unwrap()
        );
    }
    let worst = times[times.len() - 1];
    println!(
        "medcurate evaluate, 10 models x 4,250 items (every question in its presentations, every \
         extraction and open-ended item): median {:.3} s, worst of {RUNS} {:.3} s; target < {TARGET_S} s: {}",
        times[times.len() / 2],
        worst,
        if worst < TARGET_S { "met" } else { "NOT met" }
    );
}
