//! The shuffled presentations of an mcq item: three distinct orders of its option labels,
//! none the original, each putting the correct answer somewhere else where the options allow.

use crate::domain::rng::SplitMix64;

/// How many shuffled presentations each mcq item carries (paper 3.6.1).
pub const PERMUTATIONS: usize = 3;

/// Up to [`PERMUTATIONS`] orders of `labels`, drawn from the seed and the item alone:
/// - pairwise distinct, and none of them the original order;
/// - with 0 < correct answers < options and at least three options (so at least three
///   places for the answer exist), the positions holding the correct labels differ between
///   the three orders, so a model that favours one position meets the answer in three places.
///
/// With two options only one other order exists, and with one option none: such items carry
/// one order and no order.
pub fn option_permutations(
    seed: u64,
    dataset: &str,
    id: &str,
    labels: &[String],
    answer: &[String],
) -> Vec<Vec<String>> {
    let mut rng = SplitMix64::derived(seed, &format!("permutation\u{1f}{dataset}\u{1f}{id}"));
    let n = labels.len();
    match n {
        0 | 1 => return Vec::new(),
        2 => return vec![vec![labels[1].clone(), labels[0].clone()]],
        _ => {}
    }
    let (right, wrong): (Vec<&String>, Vec<&String>) =
        labels.iter().partition(|l| answer.contains(l));
    if right.is_empty() || wrong.is_empty() {
        return distinct_orders(&mut rng, labels);
    }
    // The answer's places: arcs of `right.len()` positions starting at three consecutive
    // points of a shuffled cycle of positions. Arcs shorter than the cycle that start at
    // different points are different sets, so the three orders differ in where the answer is.
    let mut cycle: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut cycle);
    (0..PERMUTATIONS)
        .map(|start| {
            let mut slot_right = vec![false; n];
            for k in 0..right.len() {
                slot_right[cycle[(start + k) % n]] = true;
            }
            let mut r = right.clone();
            let mut w = wrong.clone();
            rng.shuffle(&mut r);
            rng.shuffle(&mut w);
            if is_original(&slot_right, &r, &w, labels) {
                // Only the arc that is the original set can give the original order; with
                // three or more options one side has two labels to swap.
                if r.len() >= 2 {
                    r.swap(0, 1);
                } else {
                    w.swap(0, 1);
                }
            }
            let (mut ri, mut wi) = (r.into_iter(), w.into_iter());
            slot_right
                .iter()
                .filter_map(|&is_right| if is_right { ri.next() } else { wi.next() })
                .cloned()
                .collect()
        })
        .collect()
}

/// Whether filling the slots with `r` (answer slots) and `w` (the others) gives `labels`.
fn is_original(slot_right: &[bool], r: &[&String], w: &[&String], labels: &[String]) -> bool {
    let (mut ri, mut wi) = (r.iter(), w.iter());
    slot_right.iter().zip(labels).all(|(&is_right, l)| {
        let next = if is_right { ri.next() } else { wi.next() };
        next.is_some_and(|x| *x == l)
    })
}

/// Three distinct shuffles other than the original (`labels` has at least three entries, so
/// five or more such orders exist and each draw succeeds with probability at least 1/2).
fn distinct_orders(rng: &mut SplitMix64, labels: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::with_capacity(PERMUTATIONS);
    while out.len() < PERMUTATIONS {
        let mut p = labels.to_vec();
        rng.shuffle(&mut p);
        if p != labels && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}
