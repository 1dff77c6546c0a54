//! A multiple-choice question asked in its presentations: the letters a model chose in each
//! are mapped back through that presentation's order to the item's own labels.

/// The option labels a model's letters stand for in a presentation whose options are in
/// `order` (A is `order[0]`), or the first letter that has no option there.
pub fn labels_chosen(order: &[String], letters: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::with_capacity(letters.len());
    for l in letters {
        let i = letter_index(l).filter(|&i| i < order.len());
        match i {
            Some(i) => out.push(order[i].clone()),
            None => return Err(l.clone()),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The position a letter names: A = 0, B = 1, ..., Z = 25, AA = 26 ...
pub fn letter_index(letter: &str) -> Option<usize> {
    if letter.is_empty() || !letter.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut n = 0usize;
    for b in letter.bytes() {
        n = n.checked_mul(26)?.checked_add((b - b'A') as usize + 1)?;
    }
    Some(n - 1)
}

/// Whether a question is answered right: every one of its presentations answered, each with
/// exactly the correct options (all of them for a multi-answer question, none other). A
/// presentation the model did not answer counts as a wrong answer. A question with no
/// shuffled presentation (one option) is judged on its own order.
pub fn all_right(
    labels: &[String],
    orders: &[Vec<String>],
    answer: &[String],
    chosen: &[Option<Vec<String>>],
) -> bool {
    let mut want: Vec<String> = answer.to_vec();
    want.sort();
    want.dedup();
    let shown: Vec<&[String]> = if orders.is_empty() {
        vec![labels]
    } else {
        orders.iter().map(Vec::as_slice).collect()
    };
    shown.iter().enumerate().all(|(k, order)| {
        chosen
            .get(k)
            .and_then(Option::as_ref)
            .is_some_and(|letters| labels_chosen(order, letters).is_ok_and(|got| got == want))
    })
}
