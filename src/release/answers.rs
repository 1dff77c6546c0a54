//! Reading model answers to a frozen release: JSONL, one line per model, item and (for a
//! multiple-choice question) presentation. Every line is checked against the release and
//! every problem is reported, naming the file, line and field.

use super::released::{Released, ReleasedItem};
use crate::domain::evaluate::ExtractionAnswer;
use crate::domain::evaluate::mcq::letter_index;
use crate::domain::hash::sha256_hex;
use crate::domain::item::{Content, ExtractionTask};
use crate::files::user;
use anyhow::{Context, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One model's answer to one item.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ItemAnswer {
    #[default]
    None,
    /// The letters chosen in each presentation, by presentation number.
    Mcq(Vec<Option<Vec<String>>>),
    Extraction(ExtractionAnswer),
}

/// Everything the answers files give: per model (in the order first seen), its answers
/// parallel to the release's items, and which datasets it answered at all.
#[derive(Debug, Default)]
pub struct Answers {
    pub models: Vec<String>,
    pub answers: Vec<Vec<ItemAnswer>>,
    pub answered: Vec<BTreeMap<String, ()>>,
    /// Each file as named, with the SHA-256 of its bytes.
    pub files: Vec<(String, String)>,
    /// Per model, the files (by index in `files`) that held its answers.
    pub model_files: Vec<BTreeSet<usize>>,
    pub problems: Vec<String>,
}

fn field<'a>(o: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match o.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(format!("field `{name}`: give a non-empty string")),
        None => Err(format!("field `{name}`: missing")),
    }
}

/// The letters of an answer given as "B", "BD", "B,D" or ["B", "D"].
fn letters(v: &Value) -> Result<Vec<String>, String> {
    let raw: Vec<String> = match v {
        Value::String(s) => {
            let parts: Vec<&str> = s
                .split([',', ' ', ';', '|'])
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() == 1 {
                parts[0].chars().map(|c| c.to_string()).collect()
            } else {
                parts.iter().map(|p| p.to_string()).collect()
            }
        }
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or("field `answer`: give letters as strings")?,
        _ => {
            return Err(
                "field `answer`: give the letter(s) chosen, e.g. \"B\" or [\"B\", \"D\"]".into(),
            );
        }
    };
    let raw: Vec<String> = raw.iter().map(|l| l.trim().to_ascii_uppercase()).collect();
    if raw.is_empty() {
        return Err("field `answer`: no letter given; give the letter(s) chosen".into());
    }
    Ok(raw)
}

fn mcq_answer(
    o: &Map<String, Value>,
    it: &ReleasedItem,
    options: usize,
) -> Result<(usize, Vec<String>), String> {
    let shown = it.orders.len().max(1);
    let k = match o.get("presentation") {
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|k| k as usize)
            .filter(|&k| k < shown)
            .ok_or_else(|| {
                format!(
                    "field `presentation`: {n} is not one of this question's presentations (0 to {})",
                    shown - 1
                )
            })?,
        Some(_) => return Err("field `presentation`: give the number 0, 1 or 2".into()),
        None => {
            return Err(
                "field `presentation`: missing; give the presentation (0, 1 or 2) the answer is to"
                    .into(),
            );
        }
    };
    let chosen = letters(o.get("answer").ok_or("field `answer`: missing")?)?;
    for l in &chosen {
        if letter_index(l).is_none_or(|i| i >= options) {
            return Err(format!(
                "field `answer`: {l:?} is not an option of this question (A to {})",
                crate::domain::release::harness::letter(options.saturating_sub(1))
            ));
        }
    }
    Ok((k, chosen))
}

fn extraction_answer(
    o: &Map<String, Value>,
    task: ExtractionTask,
) -> Result<ExtractionAnswer, String> {
    let name = task.gold_field();
    let v = o.get(name).ok_or_else(|| {
        format!(
            "field `{name}`: missing; give the {} the model produced (a list, empty if none)",
            task.as_str()
        )
    })?;
    let bad = |e: serde_json::Error| format!("field `{name}`: {e}");
    Ok(match task {
        ExtractionTask::Ner => {
            ExtractionAnswer::Entities(serde_json::from_value(v.clone()).map_err(bad)?)
        }
        ExtractionTask::Relation => {
            ExtractionAnswer::Relations(serde_json::from_value(v.clone()).map_err(bad)?)
        }
        ExtractionTask::Normalization => {
            ExtractionAnswer::Normalized(serde_json::from_value(v.clone()).map_err(bad)?)
        }
        ExtractionTask::Event => {
            ExtractionAnswer::Events(serde_json::from_value(v.clone()).map_err(bad)?)
        }
    })
}

/// Reads every answers file against the release. Problems are collected, not returned as an
/// error, so all of them are shown at once.
pub fn read(release: &Released, paths: &[impl AsRef<Path>]) -> Result<Answers> {
    let index: HashMap<(&str, &str), usize> = release
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| ((it.dataset.as_str(), it.id.as_str()), i))
        .collect();
    let mut out = Answers::default();
    let mut model_no: HashMap<String, usize> = HashMap::new();
    // (model, item, presentation) -> where it was first given.
    let mut seen: HashMap<(usize, usize, usize), (String, usize)> = HashMap::new();
    for path in paths {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let bytes = user::read(path).with_context(|| format!("reading {shown}"))?;
        out.files.push((shown.clone(), sha256_hex(&bytes)));
        let text = String::from_utf8_lossy(&bytes);
        for (n, line) in text.lines().enumerate() {
            let at = format!("{shown}:{}", n + 1);
            if line.trim().is_empty() {
                continue;
            }
            let o = match serde_json::from_str::<Value>(line) {
                Ok(Value::Object(o)) => o,
                Ok(_) => {
                    out.problems.push(format!("{at}: not a JSON object"));
                    continue;
                }
                Err(e) => {
                    out.problems.push(format!("{at}: not JSON ({e})"));
                    continue;
                }
            };
            let got = (|| -> Result<(String, usize, usize, ItemAnswer), String> {
                let model = field(&o, "model")?;
                let dataset = field(&o, "dataset")?;
                let item = field(&o, "item")?;
                let Some(&i) = index.get(&(dataset, item)) else {
                    return Err(if release.datasets.contains(&dataset.to_string()) {
                        format!("field `item`: {dataset}/{item} is not in the release")
                    } else {
                        format!(
                            "field `dataset`: {dataset:?} is not in the release (it has {})",
                            release.datasets.join(", ")
                        )
                    });
                };
                let it = &release.items[i];
                match &it.content {
                    Content::Mcq(m) => {
                        let (k, chosen) = mcq_answer(&o, it, m.options.len())?;
                        let mut v = vec![None; it.orders.len().max(1)];
                        v[k] = Some(chosen);
                        Ok((model.to_string(), i, k, ItemAnswer::Mcq(v)))
                    }
                    Content::Extraction(e) => Ok((
                        model.to_string(),
                        i,
                        0,
                        ItemAnswer::Extraction(extraction_answer(&o, e.task)?),
                    )),
                    Content::OpenEnded(_) => Err(format!(
                        "field `dataset`: {dataset} is open-ended: its scores come from the \
                         workspace's judged responses (`medcurate responses import`), not from \
                         an answers file"
                    )),
                }
            })();
            let (model, i, k, answer) = match got {
                Ok(g) => g,
                Err(e) => {
                    out.problems.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let m = *model_no.entry(model.clone()).or_insert_with(|| {
                out.models.push(model.clone());
                out.answers
                    .push(vec![ItemAnswer::None; release.items.len()]);
                out.answered.push(BTreeMap::new());
                out.model_files.push(BTreeSet::new());
                out.models.len() - 1
            });
            if let Some((file, line)) = seen.get(&(m, i, k)) {
                let it = &release.items[i];
                out.problems.push(format!(
                    "{at}: {model} already answered {}/{}{} on {file}:{line}",
                    it.dataset,
                    it.id,
                    if matches!(it.content, Content::Mcq(_)) {
                        format!(" in presentation {k}")
                    } else {
                        String::new()
                    }
                ));
                continue;
            }
            seen.insert((m, i, k), (shown.clone(), n + 1));
            out.model_files[m].insert(out.files.len() - 1);
            out.answered[m].insert(release.items[i].dataset.clone(), ());
            let slot = &mut out.answers[m][i];
            match (slot, answer) {
                (ItemAnswer::Mcq(have), ItemAnswer::Mcq(new)) => {
                    if let Some(c) = new.into_iter().nth(k) {
                        have[k] = c;
                    }
                }
                (slot, new) => *slot = new,
            }
        }
    }
    Ok(out)
}
