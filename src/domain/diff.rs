//! Line diffs between two texts (an item's revisions, a proposal against the current item),
//! for display. Lines are compared whole; the display layer highlights what changed.

use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    Same,
    Removed,
    Added,
}

/// One line of a diff, without its newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// The lines of `new` against `old`, in order, each marked same, removed or added.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                ChangeTag::Equal => LineChange::Same,
                ChangeTag::Delete => LineChange::Removed,
                ChangeTag::Insert => LineChange::Added,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_string(),
        })
        .collect()
}

/// True when the two texts differ in anything but trailing whitespace.
pub fn differs(old: &str, new: &str) -> bool {
    old.trim_end() != new.trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_lines_in_chinese_text() {
        let old = "{\n  \"stem\": \"高血压首选药物\",\n  \"answer\": \"A\"\n}";
        let new = "{\n  \"stem\": \"高血压的首选药物是\",\n  \"answer\": \"A\"\n}";
        let d = diff_lines(old, new);
        let changed: Vec<_> = d
            .iter()
            .filter(|l| l.change != LineChange::Same)
            .map(|l| (l.change, l.text.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![
                (LineChange::Removed, "  \"stem\": \"高血压首选药物\","),
                (LineChange::Added, "  \"stem\": \"高血压的首选药物是\","),
            ]
        );
        assert_eq!(d.len(), 5);
        assert!(differs(old, new));
        assert!(!differs(old, &format!("{old}\n")));
    }
}
