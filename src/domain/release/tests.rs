use super::*;
use crate::domain::item::{Mcq, McqOption};

fn mcq(id: &str) -> ReleaseItem {
    let mut r = ReviewContent::default();
    for c in [
        Criterion::NaturalPlausible,
        Criterion::ClinicalValidity,
        Criterion::AnswerCorrectness,
        Criterion::DistractorPlausibility,
    ] {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = vec!["cardiology".into()];
    ReleaseItem {
        dataset: "CMExam".into(),
        id: id.into(),
        revision_no: 1,
        content_hash: "h".into(),
        body: ItemBody {
            content: Content::Mcq(Mcq {
                stem: "高血压首选哪类药物？".into(),
                options: ["A", "B", "C", "D"]
                    .iter()
                    .map(|l| McqOption {
                        label: l.to_string(),
                        text: format!("选项{l}"),
                    })
                    .collect(),
                answer: vec!["A".into()],
                explanation: None,
            }),
            provenance: Map::new(),
            attributes: Default::default(),
            suggested_departments: vec!["cardiology".into()],
            difficulty: Some(Difficulty::Easy),
        },
        departments: vec!["cardiology".into()],
        difficulty: Some(Difficulty::Hard),
        reviews: vec![
            ReleaseReview {
                reviewer: "a".into(),
                submitted_at: "t1".into(),
                content: r.clone(),
            },
            ReleaseReview {
                reviewer: "b".into(),
                submitted_at: "t2".into(),
                content: r,
            },
        ],
        decision: None,
    }
}

fn input(items: Vec<ReleaseItem>) -> ReleaseInput {
    ReleaseInput {
        name: "MLB-demo".into(),
        version: "1.0.0".into(),
        plan_name: "MLB".into(),
        plan_ref: "mlb".into(),
        difficulty_target: Some((3.0, 5.0, 2.0)),
        seed: 42,
        datasets: vec![DatasetSummary {
            dataset: "CMExam".into(),
            kind: "mcq".into(),
            target: 2,
            achieved: items.len() as u64,
            shortfalls: vec![],
        }],
        items,
    }
}

#[test]
fn files_are_sorted_hashed_and_the_same_every_time() {
    let a = build(&input(vec![mcq("q2"), mcq("q1")])).unwrap();
    let b = build(&input(vec![mcq("q1"), mcq("q2")])).unwrap();
    assert_eq!(a, b, "input order does not matter");
    let paths: Vec<_> = a.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "CMExam.jsonl",
            "CMExam.presentation-0.jsonl",
            "CMExam.presentation-0.jsonl.meta.json",
            "CMExam.presentation-1.jsonl",
            "CMExam.presentation-1.jsonl.meta.json",
            "CMExam.presentation-2.jsonl",
            "CMExam.presentation-2.jsonl.meta.json",
            "CMExam.lm-eval.yaml",
            "eval.yaml",
            "README.md",
            "datapackage.json"
        ]
    );
    let data = String::from_utf8(a[0].bytes.clone()).unwrap();
    let lines: Vec<Value> = data
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["id"], "q1");
    assert_eq!(lines[1]["id"], "q2");
    // The pinned difficulty and departments, not the imported ones.
    assert_eq!(lines[0]["difficulty"], "hard");
    assert_eq!(lines[0]["departments"][0], "cardiology");
    assert!(lines[0].get("suggested_departments").is_none());
    assert_eq!(lines[0]["provenance"]["reviews"][1]["reviewer"], "b");
    assert_eq!(lines[0]["stem"], "高血压首选哪类药物？");
    let perms = lines[0]["option_permutations"].as_array().unwrap();
    assert_eq!(perms.len(), 3);
    for p in perms {
        let mut labels: Vec<&str> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        labels.sort();
        assert_eq!(labels, ["A", "B", "C", "D"]);
    }
    let n = a.len();
    let pkg: Value = serde_json::from_slice(&a[n - 1].bytes).unwrap();
    let res = &pkg["resources"][0];
    assert_eq!(res["path"], "CMExam.jsonl");
    assert_eq!(res["bytes"], a[0].bytes.len());
    assert_eq!(res["hash"], format!("sha256:{}", sha256_hex(&a[0].bytes)));
    assert_eq!(res["count"], 2);
    assert_eq!(pkg["name"], "mlb-demo");
    // The card's hash is taken with its root digest written as zeros; the digest it gives is
    // datapackage.json's own.
    let (covered, given) = card_for_hash(&a[n - 2].bytes);
    assert_eq!(
        pkg["medcurate"]["card"]["hash"],
        format!("sha256:{}", sha256_hex(&covered))
    );
    assert_ne!(covered, a[n - 2].bytes);
    assert_eq!(given, Some(root_digest(&a[n - 1].bytes)));
    assert_eq!(pkg["medcurate"]["card"]["hash_covers"], CARD_HASH_COVERS);
    let card = String::from_utf8(a[n - 2].bytes.clone()).unwrap();
    assert!(
        card.contains(&format!(
            "\nRoot digest: `{}`\n",
            root_digest(&a[n - 1].bytes)
        )),
        "{card}"
    );
    assert!(
        card.contains("2 items in 1 dataset, sampled with seed 42"),
        "{card}"
    );
    assert!(card.starts_with("---\nconfigs:\n"), "{card}");
    assert!(card.contains("---\n\n# MLB-demo 1.0.0\n"), "{card}");
    assert!(
        card.contains("| CMExam | mcq | 2 | 2 | 2 | 0 | 0 | 0 |"),
        "{card}"
    );
    assert!(
        card.contains("| Cardiology (`cardiology`) | 心血管内科 | 2 |"),
        "{card}"
    );
    assert!(
        card.contains("| natural_plausible | 2 | 100.0% | undefined: only one label was used |"),
        "{card}"
    );
    assert!(!card.contains("NaN"));
}

#[test]
fn the_card_counts_the_datasets_that_have_items() {
    let mut i = input(vec![mcq("q1"), mcq("q2"), mcq("q3")]);
    for name in ["Absent", "Empty"] {
        i.datasets.push(DatasetSummary {
            dataset: name.into(),
            kind: "mcq".into(),
            target: 5,
            achieved: 0,
            shortfalls: vec!["0 of 5 items: the workspace has no such dataset".into()],
        });
    }
    let mut other = mcq("x1");
    other.dataset = "Other".into();
    i.items.push(other);
    i.datasets.push(DatasetSummary {
        dataset: "Other".into(),
        kind: "mcq".into(),
        target: 1,
        achieved: 1,
        shortfalls: vec![],
    });
    let files = build(&i).unwrap();
    let card = files.iter().find(|f| f.path == "README.md").unwrap();
    let card = String::from_utf8(card.bytes.clone()).unwrap();
    assert!(card.contains("\n4 items in 2 datasets, sampled"), "{card}");
}

#[test]
fn a_card_without_a_digest_line_is_covered_as_it_is() {
    let old = b"# R 1.0.0\n\n3 items in 1 dataset\n".to_vec();
    assert_eq!(card_for_hash(&old), (old.clone(), None));
    // A digest line that is not 64 hex digits is not one.
    let odd = b"Root digest: `sha256:abc`\n".to_vec();
    assert_eq!(card_for_hash(&odd), (odd.clone(), None));
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn permutations_depend_on_seed_and_item() {
    let labels = strings(&["A", "B", "C", "D", "E"]);
    let answer = strings(&["C"]);
    let p = option_permutations(1, "D", "q1", &labels, &answer);
    assert_eq!(p, option_permutations(1, "D", "q1", &labels, &answer));
    assert_ne!(p, option_permutations(2, "D", "q1", &labels, &answer));
    assert_ne!(p, option_permutations(1, "D", "q2", &labels, &answer));
}

/// Where the correct labels stand in an order.
fn answer_places(order: &[String], answer: &[String]) -> Vec<usize> {
    (0..order.len())
        .filter(|&i| answer.contains(&order[i]))
        .collect()
}

#[test]
fn permutations_are_distinct_never_the_original_and_move_the_answer() {
    // 10,000 seeded items: 3 to 6 options, one to all-but-one correct answers (and some with
    // every option correct, where only distinctness can hold).
    let mut rng = crate::domain::rng::SplitMix64::new(12);
    let all = ["A", "B", "C", "D", "E", "F"];
    let mut moved = 0;
    for k in 0..10_000 {
        let n = rng.between(3, 6);
        let labels = strings(&all[..n]);
        let m = if k % 50 == 0 {
            n
        } else {
            rng.between(1, n - 1)
        };
        let mut answer = labels.clone();
        rng.shuffle(&mut answer);
        answer.truncate(m);
        let id = format!("q{k}");
        let p = option_permutations(rng.next_u64(), "D", &id, &labels, &answer);
        assert_eq!(p.len(), PERMUTATIONS, "{id}");
        for (i, order) in p.iter().enumerate() {
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(
                sorted, labels,
                "{id}: {order:?} is not an order of the labels"
            );
            assert_ne!(*order, labels, "{id}: the original order");
            assert!(!p[..i].contains(order), "{id}: {order:?} twice");
        }
        if m < n {
            let places: Vec<Vec<usize>> = p.iter().map(|o| answer_places(o, &answer)).collect();
            assert!(
                places[0] != places[1] && places[1] != places[2] && places[0] != places[2],
                "{id}: the answer {answer:?} stands at {places:?}"
            );
            moved += 1;
        }
    }
    assert_eq!(moved, 9_800);
}

#[test]
fn few_options_give_the_orders_there_are() {
    let ab = strings(&["A", "B"]);
    assert_eq!(
        option_permutations(5, "D", "q", &ab, &strings(&["A"])),
        [strings(&["B", "A"])]
    );
    assert!(option_permutations(5, "D", "q", &strings(&["A"]), &strings(&["A"])).is_empty());
    // Three options, one answer: the answer stands once in each place.
    let abc = strings(&["A", "B", "C"]);
    for seed in 0..200 {
        let p = option_permutations(seed, "D", "q", &abc, &strings(&["B"]));
        let mut places: Vec<usize> = p
            .iter()
            .map(|o| answer_places(o, &strings(&["B"]))[0])
            .collect();
        places.sort();
        assert_eq!(places, [0, 1, 2], "seed {seed}: {p:?}");
    }
}

#[test]
fn a_dataset_name_must_be_a_file_name() {
    assert_eq!(file_name("中医诊断").unwrap(), "中医诊断.jsonl");
    assert!(file_name("a/b").is_err());
    assert!(file_name(".hidden").is_err());
}

fn labelled(dataset: &str, id: &str, labels: &[&str], answer: &[&str]) -> ReleaseItem {
    let mut it = mcq(id);
    it.dataset = dataset.into();
    it.body.content = Content::Mcq(Mcq {
        stem: format!("{id}：哪些正确？"),
        options: labels
            .iter()
            .map(|l| McqOption {
                label: l.to_string(),
                text: format!("{dataset}{id}选项{l}"),
            })
            .collect(),
        answer: strings(answer),
        explanation: None,
    });
    it
}

fn open_item(id: &str) -> ReleaseItem {
    let mut it = mcq(id);
    it.dataset = "Consult".into();
    it.body.content = Content::OpenEnded(crate::domain::item::OpenEnded {
        prompt: "头痛三天，怎么办？".into(),
        rubric: vec![crate::domain::item::RubricPoint {
            text: "询问发热".into(),
            points: Some(2.0),
        }],
        reference_answer: Some("先测体温。".into()),
    });
    it
}

#[test]
fn every_presentation_points_at_the_original_answer_and_every_task_file_parses() {
    let items = vec![
        mcq("q1"),
        mcq("q2"),
        labelled("Multi", "m1", &["A", "B", "C", "D", "E"], &["B", "D"]),
        labelled("Multi", "m2", &["A", "B"], &["B"]),
        open_item("o1"),
    ];
    let files = build(&input(items.clone())).unwrap();
    let file = |p: &str| -> &[u8] {
        &files
            .iter()
            .find(|f| f.path == p)
            .unwrap_or_else(|| panic!("no {p}"))
            .bytes
    };
    let card = String::from_utf8(file("README.md").to_vec()).unwrap();
    let yaml = card
        .strip_prefix("---\n")
        .unwrap()
        .split("\n---\n")
        .next()
        .unwrap();
    let front: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let mut splits = Vec::new();
    for c in front["configs"].as_sequence().unwrap() {
        for df in c["data_files"].as_sequence().unwrap() {
            let path = df["path"].as_str().unwrap();
            file(path);
            splits.push(format!(
                "{}/{}",
                c["config_name"].as_str().unwrap(),
                df["split"].as_str().unwrap()
            ));
        }
    }
    assert_eq!(
        splits,
        [
            "CMExam/presentation_0",
            "CMExam/presentation_1",
            "CMExam/presentation_2",
            "CMExam-items/test",
            "Consult/chat",
            "Consult-items/test",
            "Multi/presentation_0",
            "Multi/presentation_1",
            "Multi/presentation_2",
            "Multi-items/test",
        ]
    );
    let mut seen = 0;
    for it in &items {
        let Content::Mcq(m) = &it.body.content else {
            continue;
        };
        for k in 0..PERMUTATIONS {
            let text =
                String::from_utf8(file(&format!("{}.presentation-{k}.jsonl", it.dataset)).to_vec())
                    .unwrap();
            let Some(line) = text
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .find(|l| l["id"] == it.id.as_str())
            else {
                // A two-option question has one other order only.
                assert!(m.options.len() == 2 && k > 0, "{} {k}", it.id);
                continue;
            };
            seen += 1;
            let order: Vec<String> =
                serde_json::from_value(line["original_labels"].clone()).unwrap();
            let choices = line["choices"].as_array().unwrap();
            for (i, label) in order.iter().enumerate() {
                let original = m.options.iter().find(|o| &o.label == label).unwrap();
                assert_eq!(choices[i], original.text.as_str());
                assert_eq!(line[harness::letter(i)], original.text.as_str());
            }
            // A dataset with a multi-answer question gives every answer_index as a list.
            let indexes: Vec<usize> = match &line["answer_index"] {
                Value::Array(a) => a.iter().map(|v| v.as_u64().unwrap() as usize).collect(),
                v => vec![v.as_u64().unwrap() as usize],
            };
            assert_eq!(line["answer_index"].is_array(), it.dataset == "Multi");
            let mut pointed: Vec<String> = indexes.iter().map(|&i| order[i].clone()).collect();
            pointed.sort();
            assert_eq!(pointed, m.answer, "{} presentation {k}", it.id);
            let letters: String = indexes.iter().map(|&i| harness::letter(i)).collect();
            assert_eq!(line["answer"], letters.as_str());
        }
    }
    assert_eq!(seen, 3 + 3 + 3 + 1);
    for d in ["CMExam", "Multi"] {
        let lm: serde_yaml::Value =
            serde_yaml::from_slice(file(&format!("{d}.lm-eval.yaml"))).unwrap();
        let tasks = lm["task"].as_sequence().unwrap();
        assert_eq!(tasks.len(), 3);
        for (k, t) in tasks.iter().enumerate() {
            let path = t["dataset_kwargs"]["data_files"]["test"].as_str().unwrap();
            assert_eq!(path, format!("{d}.presentation-{k}.jsonl"));
            assert_eq!(t["doc_to_target"].as_str(), Some("answer_index"));
            let meta: Value = serde_json::from_slice(file(&format!("{path}.meta.json"))).unwrap();
            assert_eq!(meta["output_column"], "answer");
            assert_eq!(meta["input_columns"][0], "question");
        }
    }
    let inspect: serde_yaml::Value = serde_yaml::from_slice(file("eval.yaml")).unwrap();
    let tasks = inspect["tasks"].as_sequence().unwrap();
    assert_eq!(tasks.len(), 6);
    for t in tasks {
        file(t["data"].as_str().unwrap());
        assert_eq!(t["sample_fields"]["target"].as_str(), Some("answer"));
    }
    let chat: Value = serde_json::from_str(
        std::str::from_utf8(file("Consult.chat.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    assert_eq!(chat["messages"][0]["content"], "头痛三天，怎么办？");
    assert_eq!(chat["metadata"]["rubric"][0]["points"], 2.0);
    assert_eq!(chat["metadata"]["reference_answer"], "先测体温。");
    // Every file but the package itself is listed with its hash; only item files count items.
    let pkg: Value = serde_json::from_slice(file("datapackage.json")).unwrap();
    let listed: Vec<&str> = pkg["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    for f in &files {
        assert!(
            listed.contains(&f.path.as_str())
                || ["README.md", "datapackage.json"].contains(&f.path.as_str()),
            "{}",
            f.path
        );
    }
    assert_eq!(build(&input(items)).unwrap(), files, "byte-reproducible");
}
