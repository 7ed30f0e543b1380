//! The print edition's pagination as the model sees it: for every page of the PDF, its printed
//! number and where in the model it begins, so the EPUB and the web edition can mark the same
//! page breaks. Positions count text runs (`runs`), the one order every renderer walks a chapter
//! in. Pure data and a walker; knows nothing of typst, XHTML or the disk.

use crate::document::model::{Block, Chapter, Inline};

/// Where every page of the print edition begins, in page order, and what edition it is of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMap {
    /// The identifier of the print edition the pages are of (the EPUB's `dc:source`).
    pub source: String,
    /// Every page of the PDF, the first one first.
    pub pages: Vec<PageStart>,
}

/// One page of the print edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The page's label as the PDF carries it (its printed folio).
    pub label: String,
    /// Where the page begins.
    pub at: PagePlace,
}

/// Where a page begins: in generated front or back matter, or at a point of a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PagePlace {
    /// The cover image's page.
    Cover,
    /// The title page (and any blank page after it).
    TitlePage,
    /// The table of contents (with the participants).
    Contents,
    /// A point in a chapter.
    Text(TextPosition),
    /// The colophon.
    Colophon,
}

/// A point in a chapter: before character `offset` (in chars) of run `run` of chapter `chapter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextPosition {
    /// The chapter's index in the edition.
    pub chapter: usize,
    /// The run's index in the chapter (see `runs`).
    pub run: usize,
    /// Characters of the run before the point.
    pub offset: usize,
}

/// One page break marker as a renderer places it: its label and a unique id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The page's label (its printed number).
    pub label: String,
    /// A unique, XML-safe id for the marker (`page-12`).
    pub id: String,
}

/// A text run of a chapter: the text-bearing pieces renderers write one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    /// Plain text (`Inline::Text`).
    Text(&'a str),
    /// Inline code or a code block.
    Code(&'a str),
    /// A citation's rendered text.
    Cite(&'a str),
    /// An image or a figure (no text of its own, a place of its own).
    Image,
}

impl Run<'_> {
    /// The run's characters (none for an image).
    pub fn text(&self) -> &str {
        match self {
            Run::Text(t) | Run::Code(t) | Run::Cite(t) => t,
            Run::Image => "",
        }
    }
}

/// Whether an inline is a run of its own (its content, if any, is visited in place otherwise).
pub fn inline_run(inline: &Inline) -> Option<Run<'_>> {
    match inline {
        Inline::Text(t) => Some(Run::Text(t)),
        Inline::Code(t) => Some(Run::Code(t)),
        Inline::Cite { raw, .. } => Some(Run::Cite(raw)),
        Inline::Image { .. } => Some(Run::Image),
        _ => None,
    }
}

/// The run a block opens with, if it is one itself: a code block, a figure's image (its caption's
/// runs follow), a paragraph that is one image.
pub fn block_run(block: &Block) -> Option<Run<'_>> {
    match block {
        Block::Code { text, .. } => Some(Run::Code(text)),
        Block::Figure { .. } => Some(Run::Image),
        Block::Paragraph { content, .. } if matches!(content.as_slice(), [Inline::Image { .. }]) => Some(Run::Image),
        _ => None,
    }
}

/// The runs of a chapter in reading order: its title, then its blocks (footnotes excluded: they
/// are set where the page has room, not where they are read). Every renderer counts runs in this
/// order, so a `TextPosition` means the same point in the PDF, the EPUB and the web edition.
pub fn runs(chapter: &Chapter) -> Vec<Run<'_>> {
    let mut out = Vec::new();
    inlines(&chapter.title, &mut out);
    blocks(&chapter.blocks, &mut out);
    out
}

fn blocks<'a>(list: &'a [Block], out: &mut Vec<Run<'a>>) {
    for block in list {
        if let Some(run) = block_run(block) {
            out.push(run);
        }
        match block {
            Block::Paragraph { content, .. } if !matches!(content.as_slice(), [Inline::Image { .. }]) => {
                inlines(content, out)
            }
            Block::Heading { content, .. } | Block::Turn { content, .. } => inlines(content, out),
            Block::Figure { caption, .. } => inlines(&caption.content, out),
            Block::Quote { blocks: b, .. } | Block::Callout { blocks: b, .. } => blocks(b, out),
            Block::List { items, .. } => items.iter().for_each(|i| blocks(&i.blocks, out)),
            Block::Definitions { items, .. } => {
                for (term, details) in items {
                    inlines(term, out);
                    blocks(details, out);
                }
            }
            Block::Table { header, rows, caption, .. } => {
                if let Some(c) = caption {
                    inlines(&c.content, out);
                }
                header.iter().chain(rows.iter().flatten()).for_each(|cell| inlines(cell, out));
            }
            Block::References { entries, .. } => entries.iter().for_each(|(_, e)| inlines(e, out)),
            Block::Profile { bio, .. } => blocks(bio, out),
            Block::Paragraph { .. } | Block::Code { .. } | Block::Rule { .. } => {}
        }
    }
}

fn inlines<'a>(list: &'a [Inline], out: &mut Vec<Run<'a>>) {
    for inline in list {
        if let Some(run) = inline_run(inline) {
            out.push(run);
            continue;
        }
        match inline {
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => {
                inlines(c, out)
            }
            Inline::Lang { content, .. } | Inline::Link { content, .. } => inlines(content, out),
            Inline::CrossRef { text, .. } => inlines(text, out),
            _ => {}
        }
    }
}

impl PageMap {
    /// The markers placed in a chapter, by position, in order.
    pub fn in_chapter(&self, chapter: usize) -> Vec<(TextPosition, Marker)> {
        self.markers()
            .into_iter()
            .filter_map(|(place, m)| match place {
                PagePlace::Text(p) if p.chapter == chapter => Some((p, m)),
                _ => None,
            })
            .collect()
    }

    /// The markers placed at the start of a generated part (cover, title page, contents, colophon).
    pub fn at(&self, part: PagePlace) -> Vec<Marker> {
        self.markers().into_iter().filter(|(place, _)| *place == part).map(|(_, m)| m).collect()
    }

    /// Every page's marker with its place, in page order; ids are unique (a label that repeats
    /// gets the page's position in the PDF after it).
    pub fn markers(&self) -> Vec<(PagePlace, Marker)> {
        let mut seen = std::collections::HashSet::new();
        self.pages
            .iter()
            .enumerate()
            .map(|(i, page)| {
                let safe: String =
                    page.label.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
                let mut id = format!("page-{safe}");
                if !seen.insert(id.clone()) {
                    id = format!("page-{safe}-{}", i + 1);
                    seen.insert(id.clone());
                }
                (page.at, Marker { label: page.label.clone(), id })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn runs_follow_reading_order_without_footnotes() {
        let md = "# The *title*\n\nOne `code` and[^n] two.\n\n![alt](img.png)\n\n| a | b |\n|---|---|\n| c | d |\n\n[^n]: A note.\n";
        let root = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir_all(root.path().join("chapters/en")).expect("folders");
        std::fs::write(root.path().join("chapters/en/img.png"), b"\x89PNG").expect("an image file");
        let (chapter, diags) = crate::markdown::parse(root.path(), Path::new("chapters/en/01-t.md"), md, "en");
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        let chapter = chapter.expect("parses");
        let texts: Vec<String> = runs(&chapter)
            .iter()
            .map(|r| match r {
                Run::Image => "[image]".to_string(),
                r => r.text().to_string(),
            })
            .collect();
        assert_eq!(texts, ["The ", "title", "One ", "code", " and", " two.", "[image]", "a", "b", "c", "d"]);
    }

    #[test]
    fn repeated_labels_get_unique_ids() {
        let page = |label: &str| PageStart { label: label.into(), at: PagePlace::TitlePage };
        let map = PageMap { source: String::new(), pages: vec![page("1"), page("2"), page("1")] };
        let ids: Vec<String> = map.markers().into_iter().map(|(_, m)| m.id).collect();
        assert_eq!(ids, ["page-1", "page-2", "page-1-3"]);
    }
}
