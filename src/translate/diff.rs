//! Sequence alignment for translations: which source units stayed, changed, were added or removed
//! between the synced source and today's (longest common subsequence of the unit texts), and the
//! word diff of one changed unit. Pure functions; never touches the disk.

/// How one unit of the synced source relates to today's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The same text at index `old` then and `new` now.
    Same { old: usize, new: usize },
    /// Text at `old` became the text at `new`.
    Changed { old: usize, new: usize },
    /// Text at `new` is new.
    Added { new: usize },
    /// Text at `old` is gone.
    Removed { old: usize },
}

/// The longest common subsequence of two sequences, as index pairs in order.
fn common<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] =
                if a[i] == b[j] { table[at(i + 1, j + 1)] + 1 } else { table[at(i + 1, j)].max(table[at(i, j + 1)]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Align the synced source units with today's by text; between two unchanged units, removed and
/// added units pair up in order as changed ones.
pub fn align<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Step> {
    let mut steps = Vec::new();
    let (mut i, mut j) = (0, 0);
    let anchors = common(old, new).into_iter().chain(std::iter::once((old.len(), new.len())));
    for (ai, aj) in anchors {
        let (gone, came) = (ai - i, aj - j);
        for k in 0..gone.max(came) {
            steps.push(match (k < gone, k < came) {
                (true, true) => Step::Changed { old: i + k, new: j + k },
                (true, false) => Step::Removed { old: i + k },
                _ => Step::Added { new: j + k },
            });
        }
        if ai < old.len() {
            steps.push(Step::Same { old: ai, new: aj });
        }
        (i, j) = (ai + 1, aj + 1);
    }
    steps
}

/// Show how `old` became `new` word by word, wdiff style: `[-removed-]{+added+}`.
pub fn words(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let flush = |out: &mut Vec<String>, gone: &[&str], came: &[&str]| {
        if !gone.is_empty() {
            out.push(format!("[-{}-]", gone.join(" ")));
        }
        if !came.is_empty() {
            out.push(format!("{{+{}+}}", came.join(" ")));
        }
    };
    for (ai, bj) in common(&a, &b) {
        flush(&mut out, &a[i..ai], &b[j..bj]);
        out.push(a[ai].to_string());
        (i, j) = (ai + 1, bj + 1);
    }
    flush(&mut out, &a[i..], &b[j..]);
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_names_changed_added_and_removed_units() {
        let old = ["a", "b", "c", "d"];
        let new = ["a", "B", "c", "e", "f"];
        assert_eq!(
            align(&old, &new),
            [
                Step::Same { old: 0, new: 0 },
                Step::Changed { old: 1, new: 1 },
                Step::Same { old: 2, new: 2 },
                Step::Changed { old: 3, new: 3 },
                Step::Added { new: 4 },
            ]
        );
        assert_eq!(align(&["a", "b"], &["b"]), [Step::Removed { old: 0 }, Step::Same { old: 1, new: 0 }]);
    }

    #[test]
    fn word_diff_marks_only_the_changed_words() {
        assert_eq!(
            words("we are worse off today", "we are better off now"),
            "we are [-worse-] {+better+} off [-today-] {+now+}"
        );
        assert_eq!(words("same words", "same words"), "same words");
    }
}
