//! Synthetic items for benchmarks and tests: a deterministic generator of native-format JSONL
//! lines of realistic size (hundreds of Chinese characters per item), so an import of hundreds
//! of thousands of items can be measured or interrupted without shipping real data.
//!
//! Not for anything a person reads: the text is medical-sounding phrases drawn at random from a
//! fixed pool. The same `(n, seed, kind)` always gives the same bytes (the generator is a
//! hand-written SplitMix64), and every line passes `medcurate import`'s checks; since a dataset
//! holds one kind of item, a file from [`write_items_of_kind`] imports whole into one dataset.
//!
//! Shapes, per kind (lengths count characters, i.e. code points):
//! - `mcq`: stem 100-600, five options A-E of 5-30 each, an answer of one letter (about one item
//!   in ten has two or three), an explanation of 50-200.
//! - `extraction`: always task `ner`; text 100-400 with 3-8 entities whose `start`/`end` are
//!   code-point offsets (`end` exclusive) and whose `text` is exactly that slice.
//! - `open_ended`: prompt 100-400, 3-5 rubric points, a reference answer of 50-200.
//!
//! Ids are `synth-{i}` for line `i` (from 0), unique within one call.

use crate::domain::item::ItemKind;
use serde::Serialize;
use std::io::{self, Write};

mod pool;

use pool::{DEPARTMENTS, DIFFICULTIES, ENTITIES, LABELS, OPEN_ENDINGS, PHRASES, QUESTION_ENDINGS};

pub use crate::domain::rng::SplitMix64;

/// Appends phrases from the pool to `out` until it holds exactly `chars` more characters.
fn push_text(rng: &mut SplitMix64, out: &mut String, chars: usize) {
    let mut left = chars;
    while left > 0 {
        let phrase = rng.pick(PHRASES);
        // No punctuation at the start or twice in a row.
        if is_punctuation(phrase) && out.chars().next_back().is_none_or(is_punctuation_char) {
            continue;
        }
        for c in phrase.chars().take(left) {
            out.push(c);
            left -= 1;
        }
    }
}

fn is_punctuation(phrase: &str) -> bool {
    phrase.chars().all(is_punctuation_char)
}

fn is_punctuation_char(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；')
}

/// Filler of `lo..=hi` characters.
fn text(rng: &mut SplitMix64, lo: usize, hi: usize) -> String {
    let chars = rng.between(lo, hi);
    let mut s = String::with_capacity(chars * 3);
    push_text(rng, &mut s, chars);
    s
}

/// `lo..=hi` characters of filler ending with one of `endings` (which counts towards the length).
fn text_ending(rng: &mut SplitMix64, lo: usize, hi: usize, endings: &[&str]) -> String {
    let chars = rng.between(lo, hi);
    let ending = rng.pick(endings);
    let mut s = String::with_capacity(chars * 3);
    push_text(rng, &mut s, chars.saturating_sub(ending.chars().count()));
    s.push_str(ending);
    s
}

// One line of each kind, in the field order of docs/item-format.md.

#[derive(Serialize)]
struct Meta {
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<Provenance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_departments: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    difficulty: Option<&'static str>,
}

#[derive(Serialize)]
struct Provenance {
    source: &'static str,
    seed: u64,
    row: usize,
}

#[derive(Serialize)]
struct McqLine<'a> {
    id: &'a str,
    kind: &'static str,
    stem: String,
    options: Vec<McqOption>,
    answer: Vec<&'static str>,
    explanation: String,
    #[serde(flatten)]
    meta: Meta,
}

#[derive(Serialize)]
struct McqOption {
    label: &'static str,
    text: String,
}

#[derive(Serialize)]
struct NerLine<'a> {
    id: &'a str,
    kind: &'static str,
    task: &'static str,
    text: String,
    entities: Vec<Entity>,
    #[serde(flatten)]
    meta: Meta,
}

#[derive(Serialize)]
struct Entity {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    entity_type: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct OpenLine<'a> {
    id: &'a str,
    kind: &'static str,
    prompt: String,
    rubric: Vec<RubricPoint>,
    reference_answer: String,
    #[serde(flatten)]
    meta: Meta,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RubricPoint {
    Plain(String),
    Scored { text: String, points: u32 },
}

fn meta(rng: &mut SplitMix64, seed: u64, row: usize) -> Meta {
    let provenance = rng.percent(80).then_some(Provenance {
        source: "medcurate-synth",
        seed,
        row,
    });
    let suggested_departments = rng.percent(70).then(|| {
        let first = rng.below(DEPARTMENTS.len());
        let mut tags = vec![DEPARTMENTS[first]];
        if rng.percent(30) {
            tags.push(
                DEPARTMENTS[(first + 1 + rng.below(DEPARTMENTS.len() - 1)) % DEPARTMENTS.len()],
            );
        }
        tags
    });
    let difficulty = rng.percent(60).then(|| rng.pick(DIFFICULTIES));
    Meta {
        provenance,
        suggested_departments,
        difficulty,
    }
}

fn write_mcq(
    rng: &mut SplitMix64,
    buf: &mut Vec<u8>,
    id: &str,
    seed: u64,
    row: usize,
) -> serde_json::Result<()> {
    let stem = text_ending(rng, 100, 600, QUESTION_ENDINGS);
    let options = LABELS
        .iter()
        .map(|&label| McqOption {
            label,
            text: text(rng, 5, 30),
        })
        .collect();
    let mut answer = vec![LABELS[rng.below(LABELS.len())]];
    if rng.percent(10) {
        // A multiple-answer item: two or three distinct letters, in option order.
        let mut picked = [false; 5];
        for _ in 0..rng.between(2, 3) {
            picked[rng.below(LABELS.len())] = true;
        }
        let letters: Vec<&'static str> = LABELS
            .iter()
            .zip(picked)
            .filter_map(|(l, p)| p.then_some(*l))
            .collect();
        if letters.len() >= 2 {
            answer = letters;
        }
    }
    let explanation = text(rng, 50, 200);
    let line = McqLine {
        id,
        kind: "mcq",
        stem,
        options,
        answer,
        explanation,
        meta: meta(rng, seed, row),
    };
    serde_json::to_writer(buf, &line)
}

fn write_ner(
    rng: &mut SplitMix64,
    buf: &mut Vec<u8>,
    id: &str,
    seed: u64,
    row: usize,
) -> serde_json::Result<()> {
    let total = rng.between(100, 400);
    let count = rng.between(3, 8);
    let picked: Vec<(&'static str, &'static str)> = (0..count)
        .map(|_| {
            let (ty, pool) = ENTITIES[rng.below(ENTITIES.len())];
            (ty, rng.pick(pool))
        })
        .collect();
    let entity_chars: usize = picked.iter().map(|(_, t)| t.chars().count()).sum();
    // Split the filler into count + 1 gaps: the gaps between entities have at least one
    // character, so entities never touch; the first and the last may be empty.
    let filler = total.saturating_sub(entity_chars).max(count);
    let free = filler - (count - 1);
    let mut cuts: Vec<usize> = (0..count).map(|_| rng.between(0, free)).collect();
    cuts.sort_unstable();
    let mut text_out = String::with_capacity((filler + entity_chars) * 3);
    let mut pos = 0;
    let mut entities = Vec::with_capacity(count);
    for (i, (ty, etext)) in picked.into_iter().enumerate() {
        let gap = if i == 0 {
            cuts[0]
        } else {
            cuts[i] - cuts[i - 1] + 1
        };
        push_text(rng, &mut text_out, gap);
        pos += gap;
        let len = etext.chars().count();
        text_out.push_str(etext);
        entities.push(Entity {
            start: pos,
            end: pos + len,
            entity_type: ty,
            text: etext,
        });
        pos += len;
    }
    push_text(rng, &mut text_out, free - cuts[count - 1]);
    let line = NerLine {
        id,
        kind: "extraction",
        task: "ner",
        text: text_out,
        entities,
        meta: meta(rng, seed, row),
    };
    serde_json::to_writer(buf, &line)
}

fn write_open(
    rng: &mut SplitMix64,
    buf: &mut Vec<u8>,
    id: &str,
    seed: u64,
    row: usize,
) -> serde_json::Result<()> {
    let prompt = text_ending(rng, 100, 400, OPEN_ENDINGS);
    let rubric = (0..rng.between(3, 5))
        .map(|_| {
            let text = text(rng, 10, 50);
            if rng.percent(80) {
                RubricPoint::Scored {
                    text,
                    points: rng.between(1, 3) as u32,
                }
            } else {
                RubricPoint::Plain(text)
            }
        })
        .collect();
    let reference_answer = text(rng, 50, 200);
    let line = OpenLine {
        id,
        kind: "open_ended",
        prompt,
        rubric,
        reference_answer,
        meta: meta(rng, seed, row),
    };
    serde_json::to_writer(buf, &line)
}

fn write_lines(
    out: &mut impl Write,
    n: usize,
    seed: u64,
    mut kind_of: impl FnMut(&mut SplitMix64) -> ItemKind,
) -> io::Result<u64> {
    let mut rng = SplitMix64::new(seed);
    let mut buf = Vec::with_capacity(4096);
    let mut bytes = 0u64;
    for i in 0..n {
        buf.clear();
        let id = format!("synth-{i}");
        match kind_of(&mut rng) {
            ItemKind::Mcq => write_mcq(&mut rng, &mut buf, &id, seed, i),
            ItemKind::Extraction => write_ner(&mut rng, &mut buf, &id, seed, i),
            ItemKind::OpenEnded => write_open(&mut rng, &mut buf, &id, seed, i),
        }
        .map_err(io::Error::other)?;
        buf.push(b'\n');
        out.write_all(&buf)?;
        bytes += buf.len() as u64;
    }
    Ok(bytes)
}

/// Writes `n` items of mixed kinds (about 60% `mcq`, 20% `extraction` ner, 20% `open_ended`),
/// one JSON line each, and returns the bytes written. A dataset holds one kind only, so such a
/// file imports into one dataset only with `--skip-invalid`; use [`write_items_of_kind`] to
/// build files that import whole.
pub fn write_items(out: &mut impl Write, n: usize, seed: u64) -> io::Result<u64> {
    write_lines(out, n, seed, |rng| match rng.below(10) {
        0..=5 => ItemKind::Mcq,
        6 | 7 => ItemKind::Extraction,
        _ => ItemKind::OpenEnded,
    })
}

/// Writes `n` items all of `kind` (`extraction` items are ner), one JSON line each, and returns
/// the bytes written.
pub fn write_items_of_kind(
    out: &mut impl Write,
    n: usize,
    seed: u64,
    kind: ItemKind,
) -> io::Result<u64> {
    write_lines(out, n, seed, |_| kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::item::{Content, Item};
    use crate::domain::validate::build_item;
    use crate::import::native::parse;
    use std::collections::HashSet;

    fn import_all(bytes: &[u8]) -> Vec<Item> {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.ends_with('\n'));
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                let raw = parse(line).unwrap_or_else(|e| panic!("line {i}: {e:?}\n{line}"));
                build_item(raw, "Synth").unwrap_or_else(|e| panic!("line {i}: {e:?}\n{line}"))
            })
            .collect()
    }

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn every_kind_imports_without_error() {
        for kind in ItemKind::ALL {
            let mut out = Vec::new();
            let bytes = write_items_of_kind(&mut out, 200, 7, kind).unwrap();
            assert_eq!(bytes, out.len() as u64);
            let items = import_all(&out);
            assert_eq!(items.len(), 200);
            let ids: HashSet<&str> = items.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids.len(), 200, "ids are unique");
            assert!(items.iter().all(|i| i.body.kind() == kind));
            for item in &items {
                match &item.body.content {
                    Content::Mcq(m) => {
                        assert!((100..=600).contains(&chars(&m.stem)), "{}", m.stem);
                        assert_eq!(m.options.len(), 5);
                        assert!(m.options.iter().all(|o| (5..=30).contains(&chars(&o.text))));
                        assert!((1..=3).contains(&m.answer.len()));
                        let ex = m.explanation.as_deref().unwrap();
                        assert!((50..=200).contains(&chars(ex)));
                    }
                    Content::Extraction(x) => {
                        assert!((100..=400).contains(&chars(&x.text)), "{}", x.text);
                        let ents = x.entities.as_ref().unwrap();
                        assert!((3..=8).contains(&ents.len()));
                        // build_item has checked each slice; check they do not overlap either.
                        assert!(ents.windows(2).all(|w| w[0].end < w[1].start));
                    }
                    Content::OpenEnded(o) => {
                        assert!((100..=400).contains(&chars(&o.prompt)), "{}", o.prompt);
                        assert!((3..=5).contains(&o.rubric.len()));
                    }
                }
            }
        }
    }

    #[test]
    fn mixed_items_import_without_error_in_rough_proportions() {
        let mut out = Vec::new();
        write_items(&mut out, 1000, 1).unwrap();
        let items = import_all(&out);
        let count = |k| items.iter().filter(|i| i.body.kind() == k).count();
        assert!((500..700).contains(&count(ItemKind::Mcq)));
        assert!((120..280).contains(&count(ItemKind::Extraction)));
        assert!((120..280).contains(&count(ItemKind::OpenEnded)));
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        let gen_items = |seed| {
            let mut out = Vec::new();
            write_items(&mut out, 50, seed).unwrap();
            out
        };
        assert_eq!(gen_items(3), gen_items(3));
        assert_ne!(gen_items(3), gen_items(4));
    }

    #[test]
    fn items_have_realistic_size() {
        let mut out = Vec::new();
        let bytes = write_items_of_kind(&mut out, 1000, 9, ItemKind::Mcq).unwrap();
        let avg = bytes / 1000;
        assert!((1000..3000).contains(&avg), "{avg} bytes per mcq line");
    }
}
