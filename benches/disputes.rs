//! Importing model responses and the dispute queue: `cargo bench --bench disputes`.
//!
//! Builds a workspace of open-ended items over three datasets (`medcurate::synth` lines, their
//! rubrics given 3 to 6 points, imported with `medcurate::import::import`), 300 annotators and a
//! maintainer, and a responses file of `MEDCURATE_BENCH_RESPONSES` lines (default 100000, or
//! scaled by `MEDCURATE_BENCH_ITEMS` against its default of 350000): each
//! of 20 models answers every item (one model's run after another, as separate runs would be
//! concatenated), 200 to 800 characters of Chinese clinical text, scored by two AI-judge
//! instances, both with a score, the first (and seven in ten times the second) with a verdict
//! per rubric point and a rationale. One response in five has a judge gap over the default
//! threshold of 0.25; the rest are at most 0.24 apart.
//!
//! Then it measures, through the public API in a fresh process:
//! - `RUNS` times, each on a fresh copy of the workspace: `medcurate::import::responses::
//!   read_responses` and `Store::import_responses` (the path `medcurate responses import`
//!   takes), `Store::disputes` (the per dataset and model counts the dispute screen opens with)
//!   and an expert's first `Store::claim_dispute`: together, the import and the queue ready to
//!   work, the target being under `TARGET_MS`;
//! - on the last copy, `claim_dispute` by 200 experts in turn, 2,000 claims, each followed by
//!   `submit_adjudication` (four in five; every rubric point marked, a score, a reason) or
//!   `release_adjudication` (one in five); with a dataset filter the same; then `disputes`
//!   again, with adjudications in.
//!
//! Times are wall-clock; the cpu columns give the calling thread's CPU time. As in the other
//! benchmarks, setup and measurement each run in their own child process.
#![allow(clippy::disallowed_methods)] // test set-up reads and writes files directly

mod common;

use common::{REVIEWERS, Samples, Scratch, percentiles, reviewer, timed};
use medcurate::domain::item::ItemKind;
use medcurate::domain::judge::{Adjudication, DEFAULT_THRESHOLD};
use medcurate::domain::people::Role;
use medcurate::import::responses::read_responses;
use medcurate::store::{ReviewStatus, Store};
use medcurate::synth::SplitMix64;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

const DEFAULT_RESPONSES: usize = 100_000;
const MAINTAINER: &str = "mnt01";
/// The datasets and their shares of the items, per mille.
const DATASETS: [(&str, usize); 3] = [
    ("MADiagnosis", 400),
    ("MAInspection", 300),
    ("MARecord", 300),
];
const MODELS: [&str; 20] = [
    "GPT-4o",
    "GPT-4.1",
    "o3-mini",
    "Claude-3.7-Sonnet",
    "Gemini-2.0-Flash",
    "Gemini-2.5-Pro",
    "DeepSeek-V3",
    "DeepSeek-R1",
    "Qwen2.5-72B",
    "Qwen3-235B",
    "QwQ-32B",
    "Llama-3.3-70B",
    "Mistral-Large-2",
    "MedGemma-27B",
    "Baichuan-M1-14B",
    "Citrus1.0-Qwen-72B",
    "HuatuoGPT-o1-72B",
    "GLM-4-Plus",
    "Doubao-1.5-Pro",
    "Kimi-k1.5",
];
/// Per cent of responses whose two judge scores are over the threshold apart.
const DISPUTED_PERCENT: usize = 20;

const RUNS: usize = 3;
/// Experts taking turns in the measured claims, and the claims.
const EXPERTS: usize = 200;
const CLAIMS: usize = 2_000;
const TARGET_MS: f64 = 5_000.0;
/// For comparison: the review queue's target for a claim.
const CLAIM_P99_MS: f64 = 5.0;

/// Phrases of a model's answer to a clinical question; no quotes or backslashes.
const ANSWER_PHRASES: &[&str] = &[
    "根据患者的临床表现",
    "结合病史及辅助检查结果",
    "首先考虑",
    "需要与以下疾病相鉴别",
    "建议完善",
    "血常规、C反应蛋白及降钙素原检测",
    "胸部CT平扫",
    "心电图及心肌酶谱",
    "腹部超声检查",
    "头颅磁共振成像",
    "动态监测生命体征",
    "必要时转入重症监护病房",
    "治疗方面",
    "应积极控制感染",
    "给予经验性抗感染治疗",
    "根据药敏结果调整抗生素",
    "注意水电解质平衡",
    "控制血压及血糖",
    "低盐低脂饮食",
    "戒烟限酒",
    "规律随访",
    "如症状加重应及时就医",
    "该患者的诊断依据包括",
    "典型症状",
    "体格检查发现",
    "实验室检查提示",
    "影像学表现符合",
    "急性冠脉综合征",
    "社区获得性肺炎",
    "2型糖尿病酮症酸中毒",
    "急性胰腺炎",
    "上消化道出血",
    "脑梗死急性期",
    "慢性阻塞性肺疾病急性加重",
    "需警惕",
    "并发症的发生",
    "预后取决于",
    "早期诊断和及时治疗",
    "用药剂量应根据肾功能调整",
    "老年患者",
    "妊娠期女性",
    "儿童患者",
    "需注意药物相互作用",
    "不良反应包括",
    "胃肠道反应和肝功能损害",
    "综上所述",
    "最可能的诊断是",
    "下一步处理",
    "多学科会诊",
    "知情同意",
    "，",
    "，",
    "，",
    "。",
    "；",
];

const RATIONALE_PHRASES: &[&str] = &[
    "回答覆盖了主要诊断要点",
    "遗漏了关键的鉴别诊断",
    "治疗方案基本合理",
    "用药剂量表述不准确",
    "未提及必要的检查",
    "逻辑清晰",
    "存在事实性错误",
    "与参考答案一致",
    "部分要点未达到",
    "安全提示充分",
    "，",
    "。",
];

const REASONS: &[&str] = &[
    "第一位评审对要点2的判断过严，回答已提及关键检查。",
    "回答遗漏了鉴别诊断，第二位评审评分偏高。",
    "用药剂量有误，应判为未达到。",
    "两位评审对治疗方案的理解不同，按指南应视为达到。",
];

/// `chars` characters of phrases from `pool`, no punctuation first or twice in a row.
fn text(rng: &mut SplitMix64, pool: &[&str], chars: usize) -> String {
    let punct = |s: &str| s.chars().all(|c| matches!(c, '，' | '。' | '；'));
    let mut out = String::with_capacity(chars * 3);
    let (mut left, mut last_punct) = (chars, true);
    while left > 0 {
        let p = rng.pick(pool);
        if punct(p) && last_punct {
            continue;
        }
        last_punct = punct(p);
        for c in p.chars().take(left) {
            out.push(c);
            left -= 1;
        }
    }
    out
}

fn main() {
    common::run(
        child_setup,
        |paths| child_measure(&paths[0], &paths[1]),
        parent,
    );
}

/// `MEDCURATE_BENCH_RESPONSES`; else `DEFAULT_RESPONSES` scaled as `MEDCURATE_BENCH_ITEMS` scales
/// the other benchmarks' workspace (350000 items: 100000 responses).
fn bench_responses() -> usize {
    common::env_count("MEDCURATE_BENCH_RESPONSES")
        .unwrap_or_else(|| DEFAULT_RESPONSES * common::bench_items() / common::DEFAULT_ITEMS)
}

/// Writes `count` open-ended items for dataset `k` to `file`, each rubric of 3 to 6 points
/// (synth gives 3 to 5; a third of the five-point ones get a sixth); returns the rubric sizes.
fn write_items(file: &Path, k: usize, count: usize) -> Vec<usize> {
    let mut raw = Vec::new();
    medcurate::synth::write_items_of_kind(&mut raw, count, 300 + k as u64, ItemKind::OpenEnded)
        .unwrap();
    let mut rng = SplitMix64::new(400 + k as u64);
    let mut out = BufWriter::new(File::create(file).unwrap());
    let mut sizes = Vec::with_capacity(count);
    for line in raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let mut v: Value = serde_json::from_slice(line).unwrap();
        let rubric = v["rubric"].as_array_mut().unwrap();
        if rubric.len() == 5 && rng.below(3) == 0 {
            let len = rng.between(10, 30);
            let point = text(&mut rng, RATIONALE_PHRASES, len);
            rubric.push(json!({ "text": point, "points": 1 }));
        }
        sizes.push(rubric.len());
        serde_json::to_writer(&mut out, &v).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
    sizes
}

#[derive(Serialize)]
struct Judge {
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    points: Option<Vec<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rationale: Option<String>,
}

#[derive(Serialize)]
struct ResponseLine<'a> {
    dataset: &'a str,
    item: String,
    model: &'a str,
    response: String,
    judges: [Judge; 2],
}

/// One judge's verdict around `hundredths`: points met about as often as the score says.
fn judge(rng: &mut SplitMix64, hundredths: usize, rubric: usize, detailed: bool) -> Judge {
    Judge {
        score: hundredths as f64 / 100.0,
        points: detailed.then(|| (0..rubric).map(|_| rng.below(100) < hundredths).collect()),
        rationale: detailed.then(|| {
            let len = rng.between(30, 120);
            text(rng, RATIONALE_PHRASES, len)
        }),
    }
}

/// Writes the responses file: every model's answers to every item, model after model.
/// Returns the bytes written and the disputes in it.
fn write_responses(file: &Path, items: &[(&str, String, usize)], n: usize) -> (u64, usize) {
    let mut rng = SplitMix64::new(500);
    let mut out = BufWriter::new(File::create(file).unwrap());
    let (mut bytes, mut disputes, mut written) = (0u64, 0usize, 0usize);
    // Each model's skill, in hundredths of a score.
    let skill: Vec<usize> = (0..MODELS.len()).map(|m| 45 + (m * 37) % 40).collect();
    'models: for (m, model) in MODELS.iter().enumerate() {
        for (dataset, id, rubric) in items {
            if written == n {
                break 'models;
            }
            let quality = (skill[m] + rng.below(31)).saturating_sub(15).min(100);
            let (gap, disputed) = if rng.below(100) < DISPUTED_PERCENT {
                (rng.between(26, 70), true)
            } else {
                (rng.between(0, 24), false)
            };
            // The second judge above or below the first, whichever stays within 0..=100.
            let a = quality;
            let b = if (rng.below(2) == 0 && a + gap <= 100) || a < gap {
                a + gap
            } else {
                a - gap
            };
            let (a, b) = if b > 100 {
                (a - (b - 100), 100)
            } else {
                (a, b)
            };
            disputes += usize::from(disputed);
            let len = rng.between(200, 800);
            let response = text(&mut rng, ANSWER_PHRASES, len);
            let first = judge(&mut rng, a, *rubric, true);
            let detailed = rng.below(10) < 7;
            let line = ResponseLine {
                dataset,
                item: id.clone(),
                model,
                response,
                judges: [first, judge(&mut rng, b, *rubric, detailed)],
            };
            let s = serde_json::to_string(&line).unwrap();
            out.write_all(s.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
            bytes += s.len() as u64 + 1;
            written += 1;
        }
    }
    assert_eq!(written, n, "too few items for {n} responses");
    out.flush().unwrap();
    (bytes, disputes)
}

fn child_setup(dir: &Path, db: &Path, n: usize) -> Value {
    let mut timings = serde_json::Map::new();
    fs::create_dir_all(dir).unwrap();
    let n_items = n.div_ceil(MODELS.len());
    let mut items: Vec<(&str, String, usize)> = Vec::new();
    let mut rubric_points: BTreeMap<usize, usize> = BTreeMap::new();
    timed(&mut timings, "workspace", || {
        let mut store = Store::open(db).unwrap();
        let mut left = n_items;
        for (k, (dataset, share)) in DATASETS.iter().enumerate() {
            let count = if k + 1 == DATASETS.len() {
                left
            } else {
                n_items * share / 1000
            };
            left -= count;
            let file = dir.join(format!("{dataset}.jsonl"));
            for (i, size) in write_items(&file, k, count).into_iter().enumerate() {
                items.push((dataset, format!("synth-{i}"), size));
                *rubric_points.entry(size).or_default() += 1;
            }
            common::import_file(&mut store, &file, dataset);
            fs::remove_file(file).unwrap();
        }
        common::add_annotators(&mut store);
        common::add_person(&mut store, MAINTAINER, "Maintainer", Role::Maintainer);
        drop(store);
        common::settle_to_disk(db);
    });

    let (bytes, disputes) = timed(&mut timings, "responses", || {
        write_responses(&dir.join("responses.jsonl"), &items, n)
    });
    json!({
        "items": items.len(),
        "rubric_points": rubric_points,
        "responses": n,
        "disputes": disputes,
        "bytes": bytes,
        "db_bytes": fs::metadata(db).unwrap().len(),
        "seconds": timings,
    })
}

/// A complete decision on the assignment: every point marked, a score, a reason.
fn decision(rng: &mut SplitMix64, rubric: usize) -> Adjudication {
    Adjudication {
        points: (0..rubric).map(|_| Some(rng.below(2) == 0)).collect(),
        score: Some(rng.below(101) as f64 / 100.0),
        reason: rng.pick(REASONS).to_string(),
    }
}

/// Claims by experts in turn, each followed by a decision or (one in five) a release.
fn claims(store: &mut Store, datasets: &[Option<&str>]) -> [Samples; 3] {
    let mut rng = SplitMix64::new(600 + datasets.len() as u64);
    let (mut claim, mut submit, mut release) = Default::default();
    for i in 0..CLAIMS {
        let who = reviewer(i % EXPERTS);
        let dataset = datasets[i % datasets.len()];
        let a = Samples::time(&mut claim, || store.claim_dispute(&who, dataset))
            .unwrap()
            .unwrap_or_else(|| panic!("no dispute left for {who} in {dataset:?}"));
        assert_eq!(a.status, ReviewStatus::Claimed, "a fresh claim");
        assert!(a.gap > DEFAULT_THRESHOLD);
        if i % 5 == 4 {
            Samples::time(&mut release, || {
                store.release_adjudication(&who, a.adjudication_id)
            })
            .unwrap();
        } else {
            let d = decision(&mut rng, a.rubric_len());
            Samples::time(&mut submit, || {
                store.submit_adjudication(&who, a.adjudication_id, &d)
            })
            .unwrap();
        }
        // The worker's idle moment, untimed: the expert is reading.
        store.checkpoint().unwrap();
    }
    [claim, submit, release]
}

fn child_measure(db: &Path, dir: &Path) -> Value {
    let file = dir.join("responses.jsonl");
    let [mut read, mut import, mut counts, mut first, mut total]: [Samples; 5] = Default::default();
    let mut store = None;
    let mut imported = None;
    let mut disputes = 0;
    for run in 0..RUNS {
        let copy = dir.join(format!("run-{run}.sqlite"));
        fs::copy(db, &copy).unwrap();
        // As `medcurate responses import` opens it.
        let mut s = Store::open_existing(&copy).unwrap();
        let rows = Samples::time(&mut read, || read_responses(&file))
            .unwrap()
            .expect("a valid responses file");
        let r = Samples::time(&mut import, || s.import_responses(MAINTAINER, &rows))
            .unwrap()
            .unwrap_or_else(|e| panic!("refused: {:?}", &e[..e.len().min(5)]));
        drop(rows);
        let c = Samples::time(&mut counts, || s.disputes()).unwrap();
        let who = reviewer(EXPERTS);
        let a = Samples::time(&mut first, || s.claim_dispute(&who, None))
            .unwrap()
            .expect("a dispute");
        s.release_adjudication(&who, a.adjudication_id).unwrap();
        total.push_sum(&[&read, &import, &counts, &first], run);
        disputes = c.iter().map(|x| x.disputes).sum::<u64>();
        assert_eq!(disputes as usize, r.disputes);
        assert_eq!(
            c.iter().map(|x| x.responses).sum::<u64>() as usize,
            r.responses
        );
        imported = Some((r.responses, c.len()));
        s.checkpoint().unwrap();
        if run + 1 < RUNS {
            drop(s);
            fs::remove_file(&copy).unwrap();
            for ext in ["-wal", "-shm"] {
                let _ = fs::remove_file(format!("{}{ext}", copy.display()));
            }
        } else {
            store = Some(s);
        }
    }
    let (responses, groups) = imported.unwrap();
    let mut store = store.unwrap();
    // As the dispute screen's worker does: checkpoints between calls, not in commits.
    store.defer_checkpoints().unwrap();

    let mut rows = BTreeMap::new();
    let mut spread = |key: &str, s: &Samples, result: String| {
        rows.insert(key.to_string(), common::spread(s, result));
    };
    spread("01 read_responses", &read, format!("{responses} responses"));
    spread(
        "02 Store::import_responses",
        &import,
        format!("{disputes} disputes"),
    );
    spread(
        "03 Store::disputes",
        &counts,
        format!("{groups} dataset/model rows"),
    );
    spread("04 first claim_dispute", &first, String::new());
    spread("05 total: import and queue ready", &total, String::new());

    let [claim, submit, release] = claims(&mut store, &[None]);
    let mut latency = BTreeMap::new();
    latency.insert("1 claim_dispute, no filter", percentiles(&claim));
    latency.insert("2 submit_adjudication (after 1)", percentiles(&submit));
    latency.insert("3 release_adjudication (after 1)", percentiles(&release));
    let filtered: Vec<Option<&str>> = DATASETS.iter().map(|d| Some(d.0)).collect();
    let [claim, _, _] = claims(&mut store, &filtered);
    latency.insert("4 claim_dispute, dataset filter", percentiles(&claim));
    let mut after = Samples::default();
    let mut adjudicated = 0;
    for _ in 0..RUNS {
        let c = after.time(|| store.disputes()).unwrap();
        adjudicated = c.iter().map(|x| x.adjudicated).sum::<u64>();
    }
    assert_eq!(adjudicated as usize, 2 * (CLAIMS - CLAIMS / 5));
    let mut rows_after = BTreeMap::new();
    rows_after.insert(
        "06 Store::disputes after the claims".to_string(),
        common::spread(&after, format!("{adjudicated} adjudicated")),
    );
    rows.extend(rows_after);
    json!({
        "rows": rows,
        "latency": latency,
        "loadavg": common::loadavg(),
    })
}

fn parent() {
    let n = bench_responses();
    assert!(
        n >= 20_000,
        "MEDCURATE_BENCH_RESPONSES={n}: use at least 20000, enough disputes for the claims"
    );
    let scratch = Scratch::new("disputes.sqlite");
    eprintln!(
        "building a workspace of {} open-ended items, {REVIEWERS} annotators, and {n} responses \
         of {} models",
        n.div_ceil(MODELS.len()),
        MODELS.len()
    );
    let s = scratch.setup(n);
    let t = &s["seconds"];
    let mb = s["bytes"].as_f64().unwrap() / 1e6;
    eprintln!(
        "  workspace {:.1} s ({} items, rubric sizes {}; database {:.0} MB), responses file \
         {:.1} s ({mb:.0} MB, {} disputes)",
        t["workspace"].as_f64().unwrap(),
        s["items"],
        s["rubric_points"],
        s["db_bytes"].as_f64().unwrap() / 1e6,
        t["responses"].as_f64().unwrap(),
        s["disputes"],
    );
    eprintln!("measuring");
    let m = common::run_child("measure", &[&scratch.db, &scratch.data]);

    println!();
    println!(
        "importing {n} responses ({mb:.0} MB, {} disputes) and the dispute queue (ms; {RUNS} \
         runs, each on a fresh copy of the workspace)",
        s["disputes"]
    );
    let (mut worst, mut median, mut import_median) = (0f64, 0f64, 0f64);
    common::print_spread_table(&m["rows"], 40, |name, f| {
        if name.contains("total") {
            (worst, median) = (f("max"), f("median"));
        }
        if name.contains("import_responses") || name.contains("read_responses") {
            import_median += f("median");
        }
    });
    println!(
        "read + import: {:.0} responses/s, {:.1} MB/s (medians)",
        n as f64 / (import_median / 1000.0),
        mb / (import_median / 1000.0)
    );
    println!();
    println!(
        "dispute queue latency ({CLAIMS} claims by {EXPERTS} experts in turn per claim row; \
         ms)"
    );
    let claim_p99 = common::print_percentile_table(&m["latency"], "claim_dispute");
    common::print_clock_note(&m, "");
    println!(
        "{} against target: import {n} responses and the queue ready < {TARGET_MS:.0} ms \
         (slowest of {RUNS} runs: {worst:.1} ms, median {median:.1} ms)",
        common::pass_fail(worst, TARGET_MS)
    );
    println!(
        "for comparison: claim_dispute p99 {claim_p99:.3} ms, {} the review queue's claim target \
         of {CLAIM_P99_MS} ms",
        if claim_p99 < CLAIM_P99_MS {
            "within"
        } else {
            "above"
        }
    );
}
