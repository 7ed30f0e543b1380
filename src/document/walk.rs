//! Walkers over the model: read-only visitors of every block and inline, mutable walks over every
//! inline vector in reading order, plain text and word counts. Used by every pass and format.

use crate::document::model::{Block, Chapter, Edition, Inline};
use crate::lang;

/// Count the words of an edition's text: whitespace-separated words, and each CJK character as one.
pub fn word_count(edition: &Edition) -> usize {
    let mut count = 0;
    let mut text = |inline: &Inline| {
        if let Inline::Text(t) = inline {
            for word in t.split_whitespace() {
                let cjk = word.chars().filter(|c| lang::is_word_character(*c)).count();
                count += if cjk > 0 { cjk } else { 1 };
            }
        }
    };
    for chapter in &edition.chapters {
        visit_inlines(&chapter.title, &mut text);
        visit_inlines_of_blocks(&chapter.blocks, &mut text);
    }
    count
}

/// How many images chapters show, and how many of them have no text alternative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageCount {
    /// Every image: inline images (in text, titles and notes) and portraits.
    pub images: usize,
    /// Those whose alt text is empty or blank.
    pub without_alt: usize,
}

/// Count the images of chapters and those without alt text (an image used twice counts twice:
/// each use needs its own alternative).
pub fn images_without_alt(chapters: &[Chapter]) -> ImageCount {
    let mut count = ImageCount::default();
    let mut add = |alt: &str| {
        count.images += 1;
        count.without_alt += usize::from(alt.trim().is_empty());
    };
    for chapter in chapters {
        let mut inline = |i: &Inline| {
            if let Inline::Image { alt, .. } = i {
                add(alt);
            }
        };
        visit_inlines(&chapter.title, &mut inline);
        visit_inlines_of_blocks(&chapter.blocks, &mut inline);
        for note in chapter.footnotes.values() {
            visit_inlines_of_blocks(&note.blocks, &mut inline);
        }
        let mut block = |block: &Block| match block {
            Block::Profile { portrait: Some((_, alt)), .. } | Block::Figure { alt, .. } => add(alt),
            _ => {}
        };
        visit_blocks(&chapter.blocks, &mut block);
        for note in chapter.footnotes.values() {
            visit_blocks(&note.blocks, &mut block);
        }
    }
    count
}

/// The project files an edition shows besides its text (images, figures, portraits), each once, in
/// path order.
pub fn asset_paths(edition: &Edition) -> Vec<std::path::PathBuf> {
    let mut paths = std::collections::BTreeSet::new();
    for chapter in &edition.chapters {
        let mut inline = |i: &Inline| {
            if let Inline::Image { path, .. } = i {
                paths.insert(path.clone());
            }
        };
        visit_inlines(&chapter.title, &mut inline);
        visit_inlines_of_blocks(&chapter.blocks, &mut inline);
        for note in chapter.footnotes.values() {
            visit_inlines_of_blocks(&note.blocks, &mut inline);
        }
        let mut block = |block: &Block| match block {
            Block::Profile { portrait: Some((path, _)), .. } | Block::Figure { path, .. } => {
                paths.insert(path.clone());
            }
            _ => {}
        };
        visit_blocks(&chapter.blocks, &mut block);
        for note in chapter.footnotes.values() {
            visit_blocks(&note.blocks, &mut block);
        }
    }
    paths.into_iter().map(std::path::PathBuf::from).collect()
}
/// Concatenate the plain text of inlines (for titles in metadata, alt text, bookmarks).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    collect_text(inlines, &mut out);
    out
}

fn collect_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Sup(c)
            | Inline::Sub(c)
            | Inline::Lang { content: c, .. } => collect_text(c, out),
            Inline::Link { content, .. } => collect_text(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::FootnoteRef { .. } => {}
            Inline::Cite { raw, .. } => out.push_str(raw),
            Inline::CrossRef { text, .. } => collect_text(text, out),
            Inline::LineBreak | Inline::SoftBreak => out.push(' '),
        }
    }
}

/// Call `f` on every block, depth first.
pub fn visit_blocks<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a Block)) {
    for block in blocks {
        f(block);
        match block {
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                visit_blocks(blocks, f)
            }
            Block::List { items, .. } => items.iter().for_each(|i| visit_blocks(&i.blocks, f)),
            Block::Definitions { items, .. } => items.iter().for_each(|(_, d)| visit_blocks(d, f)),
            Block::Paragraph { .. }
            | Block::Heading { .. }
            | Block::Turn { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Figure { .. }
            | Block::Rule { .. }
            | Block::References { .. } => {}
        }
    }
}

/// Call `f` on every block (mutably), depth first, outer blocks before the blocks they hold.
pub fn visit_blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Block)) {
    for block in blocks {
        f(block);
        match block {
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                visit_blocks_mut(blocks, f)
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| visit_blocks_mut(&mut i.blocks, f)),
            Block::Definitions { items, .. } => items.iter_mut().for_each(|(_, d)| visit_blocks_mut(d, f)),
            Block::Paragraph { .. }
            | Block::Heading { .. }
            | Block::Turn { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Figure { .. }
            | Block::Rule { .. }
            | Block::References { .. } => {}
        }
    }
}

/// Call `f` on every inline of the blocks, depth first.
pub fn visit_inlines_of_blocks<'a>(blocks: &'a [Block], f: &mut impl FnMut(&'a Inline)) {
    visit_blocks(blocks, &mut |block| match block {
        Block::Paragraph { content, .. } | Block::Heading { content, .. } | Block::Turn { content, .. } => {
            visit_inlines(content, f)
        }
        Block::Definitions { items, .. } => items.iter().for_each(|(t, _)| visit_inlines(t, f)),
        Block::Table { header, rows, caption, .. } => {
            caption.iter().for_each(|c| visit_inlines(&c.content, f));
            header.iter().chain(rows.iter().flatten()).for_each(|cell| visit_inlines(cell, f))
        }
        Block::Figure { caption, .. } => visit_inlines(&caption.content, f),
        Block::References { entries, .. } => entries.iter().for_each(|(_, e)| visit_inlines(e, f)),
        Block::Profile { .. } => {}
        Block::Quote { .. } | Block::Callout { .. } | Block::List { .. } | Block::Code { .. } | Block::Rule { .. } => {}
    });
}

/// Call `f` on every inline, depth first.
pub fn visit_inlines<'a>(inlines: &'a [Inline], f: &mut impl FnMut(&'a Inline)) {
    for inline in inlines {
        f(inline);
        match inline {
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Sup(c)
            | Inline::Sub(c)
            | Inline::Lang { content: c, .. } => visit_inlines(c, f),
            Inline::Link { content, .. } => visit_inlines(content, f),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Image { .. }
            | Inline::FootnoteRef { .. }
            | Inline::Cite { .. }
            | Inline::CrossRef { .. }
            | Inline::LineBreak
            | Inline::SoftBreak => {}
        }
    }
}

/// Call `f` on every inline vector of the blocks (mutably), depth first, in reading order.
pub fn visit_inline_vecs_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } | Block::Turn { content, .. } => {
                visit_inline_vec_mut(content, f)
            }
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                visit_inline_vecs_mut(blocks, f)
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| visit_inline_vecs_mut(&mut i.blocks, f)),
            Block::Definitions { items, .. } => items.iter_mut().for_each(|(t, d)| {
                visit_inline_vec_mut(t, f);
                visit_inline_vecs_mut(d, f);
            }),
            Block::Table { header, rows, caption, .. } => {
                caption.iter_mut().for_each(|c| visit_inline_vec_mut(&mut c.content, f));
                header.iter_mut().chain(rows.iter_mut().flatten()).for_each(|c| visit_inline_vec_mut(c, f))
            }
            Block::Figure { caption, .. } => visit_inline_vec_mut(&mut caption.content, f),
            Block::References { entries, .. } => entries.iter_mut().for_each(|(_, e)| visit_inline_vec_mut(e, f)),
            Block::Code { .. } | Block::Rule { .. } => {}
        }
    }
}

/// Call `f` on an inline vector and every vector nested in it (mutably), outermost first.
pub fn visit_inline_vec_mut(inlines: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
    f(inlines);
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Strike(c)
            | Inline::Sup(c)
            | Inline::Sub(c)
            | Inline::Lang { content: c, .. } => visit_inline_vec_mut(c, f),
            Inline::Link { content, .. } => visit_inline_vec_mut(content, f),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Image { .. }
            | Inline::FootnoteRef { .. }
            | Inline::Cite { .. }
            | Inline::CrossRef { .. }
            | Inline::LineBreak
            | Inline::SoftBreak => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::model::{ChapterKind, Footnote, Span};

    fn image(alt: &str) -> Inline {
        Inline::Image { span: Span::default(), path: "a.png".into(), alt: alt.into(), width: None }
    }

    #[test]
    fn images_without_alt_counts_every_use_and_the_blank_ones() {
        let para = |content: Vec<Inline>| Block::Paragraph { span: Span::default(), content };
        let mut chapter = Chapter {
            source: "chapters/en/01-t.md".into(),
            slug: "01-t".into(),
            id: None,
            kind: ChapterKind::Body,
            lang: None,
            title: vec![Inline::Text("T".into())],
            blocks: vec![
                para(vec![image("A chart"), Inline::Text(" and ".into()), image("")]),
                Block::Quote { span: Span::default(), blocks: vec![para(vec![Inline::Emph(vec![image(" ")])])] },
            ],
            footnotes: [(
                "n".to_string(),
                Footnote { number: 1, span: Span::default(), blocks: vec![para(vec![image("note")])] },
            )]
            .into(),
        };
        assert_eq!(images_without_alt(std::slice::from_ref(&chapter)), ImageCount { images: 4, without_alt: 2 });
        chapter.blocks.push(Block::Profile {
            span: Span::default(),
            id: "p".into(),
            name: "P".into(),
            detail: String::new(),
            portrait: Some(("p.png".into(), String::new())),
            url: None,
            bio: Vec::new(),
        });
        assert_eq!(images_without_alt(&[chapter]), ImageCount { images: 5, without_alt: 3 });
    }
}
