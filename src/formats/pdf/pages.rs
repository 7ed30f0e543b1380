//! The page map of a laid-out PDF: where each page begins in the model, read from the final
//! document. Every chapter file records where its runs and blocks were written (`places`); the
//! first text of each page (running heads, folios and footnotes left out) is traced from its glyph's
//! span back to that record, so the EPUB and the web edition can mark the same page breaks. Pure:
//! never compiles and never touches the disk.

use std::collections::HashMap;

use typst::World;
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Frame, FrameItem};
use typst::model::{FootnoteEntry, HeadingElem, Numbering};
use typst::pdf::ArtifactElem;
use typst::syntax::{FileId, Source, Span, SyntaxNode};
use typst_layout::PagedDocument;

use crate::document::pages::{PageMap, PagePlace, PageStart, TextPosition};
use crate::formats::pdf::typst::TypstFile;

/// The label of the marker the template places where the contents begin (`part-start`).
const PART_LABEL: &str = "spotlight-part-start";
/// The label of the marker the template places at the end of every part (`chapter-end`).
const END_LABEL: &str = "spotlight-chapter-end";

/// What the walk of one page found.
#[derive(Default)]
struct PageFacts {
    /// Model positions of the page's text (first and last glyph of every text item).
    positions: Vec<TextPosition>,
    /// Chapters whose title opens on the page.
    opens: Vec<usize>,
    /// The contents begin on the page.
    part_start: bool,
    /// A part (chapter, title page, contents) ends on the page.
    ends: bool,
}

struct Walk<'a> {
    world: &'a dyn World,
    files: &'a [TypstFile],
    slugs: &'a [String],
    /// Per chapter file met: its index in `files` and where each syntax node starts.
    nodes: HashMap<FileId, Option<(usize, NodeStarts)>>,
    /// Artifacts and footnote entries being walked: their text is not where the page begins.
    skipped: Vec<Location>,
    facts: PageFacts,
}

impl Walk<'_> {
    fn frame(&mut self, frame: &Frame) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => self.frame(&group.frame),
                FrameItem::Text(text) if self.skipped.is_empty() => {
                    for glyph in [text.glyphs.first(), text.glyphs.last()].into_iter().flatten() {
                        if let Some(p) = self.locate(glyph.span.0, usize::from(glyph.span.1)) {
                            self.facts.positions.push(p);
                        }
                    }
                }
                FrameItem::Tag(Tag::Start(content, _)) => {
                    if content.is::<ArtifactElem>() || content.is::<FootnoteEntry>() {
                        if let Some(loc) = content.location() {
                            self.skipped.push(loc);
                        }
                    } else if let Some(label) = content.label() {
                        let name = label.resolve();
                        if content.is::<HeadingElem>() {
                            if let Some(chapter) = self.slugs.iter().position(|s| s.as_str() == name.as_str()) {
                                self.facts.opens.push(chapter);
                            }
                        } else if content.is::<MetadataElem>() && name.as_str() == END_LABEL {
                            self.facts.ends = true;
                        } else if content.is::<MetadataElem>() && name.as_str() == PART_LABEL {
                            self.facts.part_start = true;
                        }
                    }
                }
                FrameItem::Tag(Tag::End(loc, ..)) if self.skipped.last() == Some(loc) => {
                    self.skipped.pop();
                }
                _ => {}
            }
        }
    }

    /// The model position of a glyph, its offset still a byte of the file (`TextPosition`s of one
    /// run order alike either way): its span's file must be a chapter's.
    fn locate(&mut self, span: Span, offset: usize) -> Option<TextPosition> {
        let id = span.id()?;
        let (world, files) = (self.world, self.files);
        let entry = self.nodes.entry(id).or_insert_with(|| {
            let vpath = id.vpath().get_with_slash().to_string();
            let index = files.iter().position(|f| f.path == vpath && f.chapter.is_some())?;
            Some((index, node_starts(&world.source(id).ok()?)))
        });
        let (index, starts) = entry.as_ref()?;
        let file = &self.files[*index];
        let (run, at) = file.places.locate(starts.get(&span)? + offset)?;
        Some(TextPosition { chapter: file.chapter?, run, offset: at })
    }

    /// The same position with its offset in characters.
    fn in_chars(&self, p: TextPosition) -> TextPosition {
        let file = self.files.iter().find(|f| f.chapter == Some(p.chapter));
        let offset = file.map_or(0, |f| f.places.offset(&f.text, p.run, p.offset));
        TextPosition { offset, ..p }
    }
}

/// Where each syntax node of a file starts (a byte offset), by its span.
type NodeStarts = HashMap<Span, usize>;

/// Where every syntax node of a source starts: found once per file, so a glyph's place costs a
/// lookup, not a walk of the tree.
fn node_starts(source: &Source) -> NodeStarts {
    let mut starts = HashMap::new();
    let mut stack: Vec<(&SyntaxNode, usize)> = vec![(source.root(), 0)];
    while let Some((node, at)) = stack.pop() {
        starts.insert(node.span(), at);
        let mut child_at = at;
        for child in node.children() {
            stack.push((child, child_at));
            child_at += child.len();
        }
    }
    starts
}

/// The label a PDF reader shows for a page: its numbering applied to its number, else its
/// position (as typst-pdf writes page labels).
fn label(numbering: Option<&Numbering>, number: u64, index: usize) -> String {
    match numbering {
        Some(Numbering::Pattern(pattern)) => {
            pattern.apply(None, &[number]).map(|s| s.to_string()).unwrap_or_else(|_| number.to_string())
        }
        Some(Numbering::Func(_)) => number.to_string(),
        None => (index + 1).to_string(),
    }
}

/// Read where each page of the final document begins. `files` are the sources it was compiled
/// from, `slugs` the chapters' labels in order, `cover` whether the first page is the cover image;
/// `source` names the print edition. A page that begins nowhere in the text (a blank page, one
/// holding only an image) begins where the next one does.
pub fn page_map(
    doc: &PagedDocument,
    world: &dyn World,
    files: &[TypstFile],
    slugs: &[String],
    cover: bool,
    source: String,
) -> PageMap {
    let mut walk =
        Walk { world, files, slugs, nodes: HashMap::new(), skipped: Vec::new(), facts: PageFacts::default() };
    let mut facts = Vec::new();
    for page in doc.pages() {
        walk.skipped.clear();
        walk.frame(&page.frame);
        facts.push(std::mem::take(&mut walk.facts));
    }
    let first_chapter = facts.iter().position(|f| !f.opens.is_empty());
    let last_open = facts.iter().rposition(|f| !f.opens.is_empty());
    let part = facts.iter().position(|f| f.part_start);
    // The colophon follows the page the last chapter ends on.
    let back = last_open.and_then(|open| facts.iter().enumerate().skip(open).find(|(_, f)| f.ends).map(|(i, _)| i + 1));
    let mut seen: Option<TextPosition> = None;
    let mut places: Vec<Option<PagePlace>> = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        let place = match (first_chapter, back) {
            (None, _) => Some(PagePlace::TitlePage),
            (Some(first), _) if i < first => Some(if cover && i == 0 {
                PagePlace::Cover
            } else if part.is_some_and(|p| p <= i) {
                PagePlace::Contents
            } else {
                PagePlace::TitlePage
            }),
            (_, Some(back)) if i >= back => Some(PagePlace::Colophon),
            _ => {
                // Text already placed on earlier pages (a table's repeated header) does not begin this one.
                let start = f.positions.iter().filter(|p| seen.is_none_or(|s| **p > s)).min().copied();
                seen = seen.max(f.positions.iter().max().copied());
                start.map(|p| {
                    let p = walk.in_chars(p);
                    PagePlace::Text(
                        f.opens.first().map_or(p, |&c| p.min(TextPosition { chapter: c, run: 0, offset: 0 })),
                    )
                })
            }
        };
        places.push(place);
    }
    // A page without text of its own begins where the next one does (or, last, the one before).
    let mut next: Option<PagePlace> = None;
    for place in places.iter_mut().rev() {
        match place {
            Some(p) => next = Some(*p),
            None => *place = next,
        }
    }
    let mut previous = PagePlace::TitlePage;
    let pages = doc
        .pages()
        .iter()
        .zip(places)
        .enumerate()
        .map(|(i, (page, place))| {
            let at = place.unwrap_or(previous);
            previous = at;
            PageStart { label: label(page.numbering.as_ref(), page.number, i), at }
        })
        .collect();
    PageMap { source, pages }
}
