//! The files that let evaluation harnesses read a release as it is: each mcq dataset's three
//! presentations (options in the permutation's order, relabelled A, B, C ...), an
//! lm-evaluation-harness task file per mcq dataset, OpenCompass `.meta.json` files, an
//! inspect_ai `eval.yaml`, chat messages for open-ended items, and the Hugging Face
//! `configs:` front matter for the card. Built from the items alone, in a fixed order, so the
//! same release gives the same bytes.

use super::{ReleaseFile, ReleaseItem, file_name, option_permutations};
use crate::domain::item::{Content, Mcq};
use serde_json::{Map, Value, json};
use std::fmt::Write;

/// What a release file is for; `datapackage.json` says it per resource so `release verify`
/// counts items only in the item files.
pub const ROLE_ITEMS: &str = "items";
pub const ROLE_PRESENTATION: &str = "presentation";
pub const ROLE_CHAT: &str = "chat";
pub const ROLE_TASK: &str = "task";

/// One harness file with what datapackage.json says of it.
pub struct HarnessFile {
    pub file: ReleaseFile,
    pub role: &'static str,
    pub format: &'static str,
    pub mediatype: &'static str,
    /// Lines, for JSONL files.
    pub count: Option<usize>,
}

/// One `configs:` entry of the card's front matter: a config name and its (split, path) pairs.
pub struct Config {
    pub name: String,
    pub splits: Vec<(String, String)>,
}

/// The letter of option position `i`: A, B, ... Z, then AA, AB ...
pub fn letter(i: usize) -> String {
    let mut n = i;
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// The file holding presentation `k` of `dataset`.
pub fn presentation_path(dataset: &str, k: usize) -> Result<String, String> {
    let base = file_name(dataset)?;
    let stem = base.trim_end_matches(".jsonl");
    Ok(format!("{stem}.presentation-{k}.jsonl"))
}

fn with_ext(dataset: &str, ext: &str) -> Result<String, String> {
    let base = file_name(dataset)?;
    Ok(format!("{}{ext}", base.trim_end_matches(".jsonl")))
}

/// A string as a YAML double-quoted scalar (a JSON string is one).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// One presentation line: the question with its options in `order`, relabelled from A.
fn presentation_line(
    id: &str,
    m: &Mcq,
    order: &[String],
    k: usize,
    letters: usize,
    multi: bool,
) -> Value {
    let text_of = |label: &str| {
        m.options
            .iter()
            .find(|o| o.label == label)
            .map(|o| o.text.clone())
            .unwrap_or_default()
    };
    let choices: Vec<String> = order.iter().map(|l| text_of(l)).collect();
    let right: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, l)| m.answer.contains(l))
        .map(|(i, _)| i)
        .collect();
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    o.insert("presentation".into(), json!(k));
    o.insert("question".into(), json!(m.stem));
    o.insert("choices".into(), json!(choices));
    o.insert(
        "answer_index".into(),
        if multi {
            json!(right)
        } else {
            json!(right.first())
        },
    );
    for i in 0..letters {
        o.insert(letter(i), json!(choices.get(i)));
    }
    let answer: String = right.iter().map(|&i| letter(i)).collect();
    o.insert("answer".into(), json!(answer));
    o.insert("original_labels".into(), json!(order));
    Value::Object(o)
}

fn jsonl(lines: &[Value]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l.to_string().as_bytes());
        bytes.push(b'\n');
    }
    bytes
}

/// The lm-evaluation-harness group of one mcq dataset: one task per presentation, read
/// from the release directory (run from it, or set the paths).
fn lm_eval_yaml(dataset: &str, paths: &[String], multi: bool) -> String {
    let slug: String = dataset
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# lm-evaluation-harness: the {dataset} questions in their three presentations."
    );
    let _ = writeln!(
        s,
        "# A question counts as correct only if all its presentations are answered right; \
         score with `medcurate evaluate`."
    );
    let _ = writeln!(s, "group: {}", q(&format!("medcurate_{slug}")));
    let _ = writeln!(s, "task:");
    for (k, path) in paths.iter().enumerate() {
        let _ = writeln!(s, "  - task: {}", q(&format!("medcurate_{slug}_p{k}")));
        let _ = writeln!(s, "    dataset_path: \"json\"");
        let _ = writeln!(s, "    dataset_kwargs:");
        let _ = writeln!(s, "      data_files:");
        let _ = writeln!(s, "        test: {}", q(path));
        let _ = writeln!(s, "    test_split: \"test\"");
        let _ = writeln!(s, "    output_type: \"multiple_choice\"");
        let _ = writeln!(
            s,
            "    doc_to_text: {}",
            q(
                "{{question}}\n{% for c in choices %}{{ 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[loop.index0] }}. {{c}}\n{% endfor %}Answer:"
            )
        );
        let _ = writeln!(s, "    doc_to_choice: \"{{{{choices}}}}\"");
        let _ = writeln!(s, "    doc_to_target: \"answer_index\"");
        let _ = writeln!(s, "    metric_list:");
        let _ = writeln!(s, "      - metric: \"acc\"");
        let _ = writeln!(s, "    metadata:");
        let _ = writeln!(s, "      presentation: {k}");
        let _ = writeln!(s, "      multiple_answers: {multi}");
    }
    s
}

/// OpenCompass's custom-dataset meta file for one presentation file.
fn opencompass_meta(dataset: &str, k: usize, letters: usize) -> Vec<u8> {
    let cols: Vec<String> = std::iter::once("question".to_string())
        .chain((0..letters).map(letter))
        .collect();
    let options: String = (0..letters)
        .map(|i| format!("{0}. {{{0}}}\n", letter(i)))
        .collect();
    let meta = json!({
        "abbr": format!("{dataset}-p{k}"),
        "data_type": "mcq",
        "infer_method": "gen",
        "human_prompt": format!("{{question}}\n{options}Answer:"),
        "bot_prompt": "{answer}",
        "input_columns": cols,
        "output_column": "answer",
    });
    let mut s = serde_json::to_string_pretty(&meta).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

/// One open-ended item as chat messages, with its rubric and reference answer in metadata.
fn chat_line(it: &ReleaseItem, o: &crate::domain::item::OpenEnded) -> Value {
    json!({
        "id": it.id,
        "messages": [{"role": "user", "content": o.prompt}],
        "metadata": {
            "dataset": it.dataset,
            "rubric": o.rubric,
            "reference_answer": o.reference_answer,
            "difficulty": it.difficulty.map(crate::domain::item::Difficulty::as_str),
            "departments": it.departments,
        },
    })
}

/// Everything the harnesses need, for the items of each dataset (sorted by id, datasets in
/// order), and the card's configs. `eval.yaml` comes last.
pub fn build(
    by_dataset: &[(&str, Vec<&ReleaseItem>)],
    seed: u64,
) -> Result<(Vec<HarnessFile>, Vec<Config>), String> {
    let mut files = Vec::new();
    let mut configs = Vec::new();
    let mut inspect: Vec<(String, String, usize)> = Vec::new();
    for (dataset, items) in by_dataset {
        let items_path = file_name(dataset)?;
        let mcqs: Vec<(&ReleaseItem, &Mcq)> = items
            .iter()
            .filter_map(|it| match &it.body.content {
                Content::Mcq(m) => Some((*it, m)),
                _ => None,
            })
            .collect();
        let chats: Vec<Value> = items
            .iter()
            .filter_map(|it| match &it.body.content {
                Content::OpenEnded(o) => Some(chat_line(it, o)),
                _ => None,
            })
            .collect();
        let mut config = Config {
            name: dataset.to_string(),
            splits: Vec::new(),
        };
        if !mcqs.is_empty() {
            // One column type per dataset: a list of indexes where any question has several
            // answers, else one index.
            let multi = mcqs.iter().any(|(_, m)| m.answer.len() > 1);
            let letters = mcqs.iter().map(|(_, m)| m.options.len()).max().unwrap_or(0);
            let orders: Vec<Vec<Vec<String>>> = mcqs
                .iter()
                .map(|(it, m)| {
                    let labels: Vec<String> = m.options.iter().map(|o| o.label.clone()).collect();
                    option_permutations(seed, &it.dataset, &it.id, &labels, &m.answer)
                })
                .collect();
            let mut paths = Vec::new();
            for k in 0..super::PERMUTATIONS {
                let lines: Vec<Value> = mcqs
                    .iter()
                    .zip(&orders)
                    .filter_map(|((it, m), o)| {
                        o.get(k)
                            .map(|order| presentation_line(&it.id, m, order, k, letters, multi))
                    })
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                let path = presentation_path(dataset, k)?;
                files.push(HarnessFile {
                    file: ReleaseFile {
                        path: path.clone(),
                        bytes: jsonl(&lines),
                    },
                    role: ROLE_PRESENTATION,
                    format: "jsonl",
                    mediatype: "application/jsonl",
                    count: Some(lines.len()),
                });
                files.push(HarnessFile {
                    file: ReleaseFile {
                        path: format!("{path}.meta.json"),
                        bytes: opencompass_meta(dataset, k, letters),
                    },
                    role: ROLE_TASK,
                    format: "json",
                    mediatype: "application/json",
                    count: None,
                });
                config
                    .splits
                    .push((format!("presentation_{k}"), path.clone()));
                inspect.push((dataset.to_string(), path.clone(), k));
                paths.push(path);
            }
            if !paths.is_empty() {
                files.push(HarnessFile {
                    file: ReleaseFile {
                        path: with_ext(dataset, ".lm-eval.yaml")?,
                        bytes: lm_eval_yaml(dataset, &paths, multi).into_bytes(),
                    },
                    role: ROLE_TASK,
                    format: "yaml",
                    mediatype: "application/yaml",
                    count: None,
                });
            }
        }
        if !chats.is_empty() {
            let path = with_ext(dataset, ".chat.jsonl")?;
            files.push(HarnessFile {
                file: ReleaseFile {
                    path: path.clone(),
                    bytes: jsonl(&chats),
                },
                role: ROLE_CHAT,
                format: "jsonl",
                mediatype: "application/jsonl",
                count: Some(chats.len()),
            });
            config.splits.push(("chat".into(), path));
        }
        if config.splits.is_empty() {
            config.splits.push(("test".into(), items_path.clone()));
        }
        configs.push(config);
        configs.push(Config {
            name: format!("{dataset}-items"),
            splits: vec![("test".into(), items_path)],
        });
    }
    if !inspect.is_empty() {
        files.push(HarnessFile {
            file: ReleaseFile {
                path: "eval.yaml".into(),
                bytes: inspect_yaml(&inspect).into_bytes(),
            },
            role: ROLE_TASK,
            format: "yaml",
            mediatype: "application/yaml",
            count: None,
        });
    }
    Ok((files, configs))
}

/// The inspect_ai tasks: one per presentation file, each a `json_dataset` with its field
/// spec, the multiple-choice solver and the choice scorer.
fn inspect_yaml(tasks: &[(String, String, usize)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# inspect_ai: each mcq presentation as a task (json_dataset with this field spec, \
         multiple_choice solver, choice scorer)."
    );
    let _ = writeln!(s, "tasks:");
    for (dataset, path, k) in tasks {
        let _ = writeln!(s, "  - name: {}", q(&format!("{dataset}-p{k}")));
        let _ = writeln!(s, "    dataset: {}", q(dataset));
        let _ = writeln!(s, "    presentation: {k}");
        let _ = writeln!(s, "    data: {}", q(path));
        let _ = writeln!(s, "    sample_fields:");
        let _ = writeln!(s, "      id: \"id\"");
        let _ = writeln!(s, "      input: \"question\"");
        let _ = writeln!(s, "      choices: \"choices\"");
        let _ = writeln!(s, "      target: \"answer\"");
        let _ = writeln!(s, "    solver: \"multiple_choice\"");
        let _ = writeln!(s, "    scorer: \"choice\"");
    }
    s
}

/// The card's YAML front matter: the Hugging Face `configs:` list, so
/// `datasets.load_dataset(DIR, NAME)` finds each dataset's files.
pub fn front_matter(configs: &[Config]) -> String {
    let mut s = String::from("---\nconfigs:\n");
    for c in configs {
        let _ = writeln!(s, "- config_name: {}", q(&c.name));
        let _ = writeln!(s, "  data_files:");
        for (split, path) in &c.splits {
            let _ = writeln!(s, "  - split: {}", q(split));
            let _ = writeln!(s, "    path: {}", q(path));
        }
    }
    s.push_str("---\n\n");
    s
}
