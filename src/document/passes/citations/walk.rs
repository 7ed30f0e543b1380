//! Mutable walks over the model for citation resolution: every inline vector in reading order,
//! replacing citations, renumbering footnotes.

use crate::document::model::{Chapter, Edition, Footnote, Inline};
use crate::document::walk::{visit_inline_vec_mut as inline_vec, visit_inline_vecs_mut as blocks_mut};

/// Call `f` on every inline vector of a chapter (title, blocks, footnotes), in reading order.
pub(super) fn for_each_inline_vec(chapter: &mut Chapter, f: &mut impl FnMut(&mut Vec<Inline>)) {
    for_each_inline_vec_where(chapter, &mut |inlines, _| f(inlines));
}

/// Call `f` on every inline vector of a chapter in reading order, saying whether it is in a footnote.
pub(super) fn for_each_inline_vec_where(chapter: &mut Chapter, f: &mut impl FnMut(&mut Vec<Inline>, bool)) {
    inline_vec(&mut chapter.title, &mut |v| f(v, false));
    blocks_mut(&mut chapter.blocks, &mut |v| f(v, false));
    let mut notes: Vec<&mut Footnote> = chapter.footnotes.values_mut().collect();
    notes.sort_by_key(|n| n.number);
    for note in notes {
        blocks_mut(&mut note.blocks, &mut |v| f(v, true));
    }
}

/// Replace every `Inline::Cite` (in reading order) by what `f` returns for it.
pub(super) fn replace_cites(edition: &mut Edition, f: &mut impl FnMut(usize, &str) -> Vec<Inline>) {
    let mut n = 0;
    for chapter in &mut edition.chapters {
        for_each_inline_vec(chapter, &mut |inlines: &mut Vec<Inline>| {
            if !inlines.iter().any(|i| matches!(i, Inline::Cite { .. })) {
                return;
            }
            let old = std::mem::take(inlines);
            for inline in old {
                match inline {
                    Inline::Cite { raw, .. } => {
                        inlines.extend(f(n, &raw));
                        n += 1;
                    }
                    other => inlines.push(other),
                }
            }
        });
    }
}

/// Number a chapter's footnotes in order of first reference.
pub(super) fn renumber_footnotes(chapter: &mut Chapter) {
    let mut order: Vec<String> = Vec::new();
    let mut collect = |inlines: &mut Vec<Inline>| {
        for inline in inlines.iter() {
            if let Inline::FootnoteRef { label, .. } = inline
                && !order.contains(label)
            {
                order.push(label.clone());
            }
        }
    };
    inline_vec(&mut chapter.title, &mut collect);
    blocks_mut(&mut chapter.blocks, &mut collect);
    for (i, label) in order.iter().enumerate() {
        if let Some(note) = chapter.footnotes.get_mut(label) {
            note.number = i + 1;
        }
    }
}
