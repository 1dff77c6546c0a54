//! Cutting text to a width by taking out its middle, so the end of an id shows.

use super::{char_width, width};

/// `s` cut to at most `max` columns by taking out its middle, so both ends show:
/// `chinese_medical_dialogue_IM_7specialty_sample:1956` at 22 columns is
/// `chinese_me…sample:1956`. Ids differ at their end, so the end gets the larger share, and
/// everything after the last `:` (the row number) whenever it fits. Chars are never cut;
/// a combining mark stays with its base.
pub fn elide_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max <= 1 {
        return "…".repeat(max);
    }
    let chars: Vec<char> = s.chars().collect();
    let budget = max - 1;
    let suffix = s.rfind(':').map_or(0, |i| width(&s[i..]));
    let mut tail_goal = budget.div_ceil(2);
    if suffix <= budget {
        tail_goal = tail_goal.max(suffix);
    }
    // The end, back from the last char, within `tail_goal` columns.
    let mut tail_start = chars.len();
    let mut tail_w = 0;
    while tail_start > 0 {
        let w = char_width(chars[tail_start - 1]);
        if tail_w + w > tail_goal {
            break;
        }
        tail_w += w;
        tail_start -= 1;
    }
    // A mark whose base went into the gap would join the "…".
    while tail_start < chars.len() && char_width(chars[tail_start]) == 0 {
        tail_start += 1;
    }
    // The start, in what is left; marks after the last base char come with it.
    let mut head = String::new();
    let mut head_w = 0;
    for &c in &chars[..tail_start] {
        let w = char_width(c);
        if head_w + w > budget - tail_w {
            break;
        }
        head.push(c);
        head_w += w;
    }
    // A wide char that did not fit at the start may leave room for one more at the end.
    let mut room = budget - tail_w - head_w;
    while tail_start > 0 && char_width(chars[tail_start - 1]) <= room {
        let w = char_width(chars[tail_start - 1]);
        if w == 0 || tail_start <= head.chars().count() {
            break;
        }
        room -= w;
        tail_start -= 1;
    }
    head.push('…');
    head.extend(&chars[tail_start..]);
    head
}

/// `s` made of parts joined by any of `seps` (" › ", " · "), cut to `max` columns by
/// eliding the widest part in its middle first (an item id, not the dataset or "rev 2"),
/// then the next widest; the separators stay. A part is not cut below 6 columns while
/// another can give; if that is not enough the whole is cut in the middle.
pub fn elide_parts(s: &str, seps: &[&str], max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    // Split into (part, separator after it).
    let mut parts: Vec<(String, &str)> = Vec::new();
    let mut rest = s;
    loop {
        let next = seps
            .iter()
            .filter_map(|sep| rest.find(sep).map(|i| (i, *sep)))
            .min_by_key(|(i, _)| *i);
        match next {
            Some((i, sep)) => {
                parts.push((rest[..i].to_string(), sep));
                rest = &rest[i + sep.len()..];
            }
            None => {
                parts.push((rest.to_string(), ""));
                break;
            }
        }
    }
    const KEEP: usize = 6;
    // The columns each part gets: the widest gives first, down to `KEEP`, then the next.
    let mut cols: Vec<usize> = parts.iter().map(|(p, _)| width(p)).collect();
    let seps_w: usize = parts.iter().map(|(_, sep)| width(sep)).sum();
    loop {
        let over = (cols.iter().sum::<usize>() + seps_w).saturating_sub(max);
        if over == 0 {
            break;
        }
        let Some(i) = (0..cols.len())
            .filter(|&i| cols[i] > KEEP)
            .max_by_key(|&i| (cols[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        cols[i] = cols[i].saturating_sub(over).max(KEEP);
    }
    let joined: String = parts
        .iter()
        .zip(&cols)
        .map(|((p, sep), &c)| format!("{}{sep}", elide_middle(p, c)))
        .collect();
    elide_middle(&joined, max)
}

/// A box title " CMExam · mcq · cmexam_val_sample:2 · rev 1 " of `parts` within `max`
/// columns, the widest part (the id) losing its middle first.
pub fn title(parts: &[&str], max: usize) -> String {
    let joined = parts.join(" · ");
    format!(
        " {} ",
        elide_parts(&joined, &[" · "], max.saturating_sub(2))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "chinese_medical_dialogue_IM_7specialty_sample:1956";

    #[test]
    fn elide_middle_keeps_both_ends_and_the_row_number() {
        assert_eq!(elide_middle(LONG, 22), "chinese_me…sample:1956");
        assert_eq!(width(&elide_middle(LONG, 22)), 22);
        assert_eq!(
            elide_middle("cmexam_val_sample:616", 30),
            "cmexam_val_sample:616"
        );
        // Too narrow for half: the row number still shows whole.
        assert_eq!(elide_middle(LONG, 8), "ch…:1956");
        assert_eq!(elide_middle(LONG, 1), "…");
        assert_eq!(elide_middle(LONG, 0), "");
        // Rows that differ only at the end stay different.
        let a = elide_middle("chinese_medical_dialogue_IM_7specialty_sample:338", 18);
        let b = elide_middle("chinese_medical_dialogue_IM_7specialty_sample:5091", 18);
        assert_ne!(a, b);
        assert!(a.ends_with(":338") && b.ends_with(":5091"), "{a} {b}");
    }

    #[test]
    fn elide_middle_counts_cjk_as_two_columns_and_never_cuts_a_char() {
        let s = "急性前壁ST段抬高型心肌梗死:12";
        for max in 0..=width(s) + 1 {
            let e = elide_middle(s, max);
            assert!(width(&e) <= max, "{max}: {e}");
            // Only whole chars of the original, and the "…".
            assert!(e.chars().all(|c| c == '…' || s.contains(c)), "{e}");
            if max >= 4 {
                assert!(e.ends_with(":12"), "{max}: {e}");
            }
        }
        // A wide char that does not fit leaves a column free.
        assert_eq!(elide_middle("上消化道出血", 6), "上…血");
        assert_eq!(elide_middle("上消化道出血", 7), "上消…血");
        // A combining mark keeps its base or goes with it.
        let marks = "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}";
        let e = elide_middle(marks, 4);
        assert!(!e.contains("…\u{301}"), "{e:?}");
        assert_eq!(width(&e), 4);
    }

    #[test]
    fn elide_parts_cuts_the_id_not_the_dataset_or_the_revision() {
        let place = format!("MADiagnosis › {LONG} · rev 1");
        let e = elide_parts(&place, &[" › ", " · "], 40);
        assert_eq!(width(&e), 40);
        assert!(e.starts_with("MADiagnosis › "), "{e}");
        assert!(e.ends_with(":1956 · rev 1"), "{e}");
        assert_eq!(elide_parts("CMExam › q1", &[" › "], 40), "CMExam › q1");
        // A title in a narrow pane: the id gives, the dataset stays.
        let id = "chinese_medical_dialogue_IM_7specialty_sample:338";
        let t = title(&["MADiagnosis", id, "rev 1"], 46);
        assert_eq!(width(&t), 46, "{t}");
        assert!(t.starts_with(" MADiagnosis · chinese_m"), "{t}");
        assert!(t.ends_with("sample:338 · rev 1 "), "{t}");
        // Nothing left to give: the whole is cut in the middle.
        let e = elide_parts(&place, &[" › ", " · "], 12);
        assert!(width(&e) <= 12, "{e}");
    }
}
