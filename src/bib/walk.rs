//! Mutable walks over the model for citation resolution: every inline vector in reading order,
//! replacing citations, renumbering footnotes.

use crate::model::{Block, Chapter, Edition, Footnote, Inline};

/// Call `f` on every inline vector of a chapter (title, blocks, footnotes), in reading order.
pub(super) fn for_each_inline_vec(chapter: &mut Chapter, f: &mut impl FnMut(&mut Vec<Inline>)) {
    inline_vec(&mut chapter.title, f);
    blocks_mut(&mut chapter.blocks, f);
    let mut notes: Vec<&mut Footnote> = chapter.footnotes.values_mut().collect();
    notes.sort_by_key(|n| n.number);
    for note in notes {
        blocks_mut(&mut note.blocks, f);
    }
}

pub(super) fn blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } | Block::Turn { content, .. } => {
                inline_vec(content, f)
            }
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                blocks_mut(blocks, f)
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| blocks_mut(&mut i.blocks, f)),
            Block::Definitions { items, .. } => items.iter_mut().for_each(|(t, d)| {
                inline_vec(t, f);
                blocks_mut(d, f);
            }),
            Block::Table { header, rows, .. } => {
                header.iter_mut().chain(rows.iter_mut().flatten()).for_each(|c| inline_vec(c, f))
            }
            Block::References { entries, .. } => entries.iter_mut().for_each(|(_, e)| inline_vec(e, f)),
            Block::Code { .. } | Block::Rule { .. } => {}
        }
    }
}

pub(super) fn inline_vec(inlines: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
    f(inlines);
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => {
                inline_vec(c, f)
            }
            Inline::Link { content, .. } => inline_vec(content, f),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Image { .. }
            | Inline::FootnoteRef { .. }
            | Inline::Cite { .. }
            | Inline::LineBreak
            | Inline::SoftBreak => {}
        }
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
