//! The page map of a laid-out PDF: where each page begins in the model, read from the final
//! document. Every chapter file records where its runs and blocks were written (`Places`); the
//! first text of each page (running heads, folios and footnotes left out) is traced from its glyph's
//! span back to that record, so the EPUB and the web edition can mark the same page breaks. Pure:
//! never compiles and never touches the disk.

use std::ops::Range;

use typst::World;
use typst::WorldExt;
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Frame, FrameItem};
use typst::model::{FootnoteEntry, HeadingElem, Numbering};
use typst::pdf::ArtifactElem;
use typst::syntax::Span;
use typst_layout::PagedDocument;

use crate::document::pages::{PageMap, PagePlace, PageStart, Run, TextPosition};
use crate::formats::escape::{typst_markup, typst_string};
use crate::formats::pdf::typst::TypstFile;

/// The label of the marker the template places where the contents begin (`part-start`).
const PART_LABEL: &str = "spotlight-part-start";
/// The label of the marker the template places at the end of every part (`chapter-end`).
const END_LABEL: &str = "spotlight-chapter-end";

/// How a run's characters were written into the Typst source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// As markup (`escape::typst_markup`, possibly inside boxes or isolating calls).
    Markup,
    /// As a string literal (`escape::typst_string`).
    String,
}

/// One run of a chapter as written into its Typst file.
#[derive(Debug, Clone)]
struct RunPlace {
    bytes: Range<usize>,
    run: usize,
    text: String,
    written: Written,
}

/// Where a generated chapter file holds each run and block of its chapter (in `runs` order).
#[derive(Debug, Clone, Default)]
pub struct Places {
    runs: Vec<RunPlace>,
    /// `(bytes, the first run at or after the block's start)`, in the order the blocks end.
    blocks: Vec<(Range<usize>, usize)>,
    count: usize,
}

impl Places {
    /// The index the next run will get.
    pub fn next_run(&self) -> usize {
        self.count
    }

    /// Record the next run, written at `bytes`.
    pub fn push(&mut self, bytes: Range<usize>, run: Run) {
        let written = if matches!(run, Run::Code(_)) { Written::String } else { Written::Markup };
        self.runs.push(RunPlace { bytes, run: self.count, text: run.text().to_string(), written });
        self.count += 1;
    }

    /// Record a block written at `bytes` whose first run is `first_run`.
    pub fn block(&mut self, bytes: Range<usize>, first_run: usize) {
        self.blocks.push((bytes, first_run));
    }

    /// The places after `len` bytes were inserted at byte `at` (a fitting setting).
    pub fn shifted(&self, at: usize, len: usize) -> Places {
        let shift = |r: &Range<usize>| {
            let move_ = |o: usize| if o >= at { o + len } else { o };
            move_(r.start)..move_(r.end)
        };
        Places {
            runs: self.runs.iter().map(|r| RunPlace { bytes: shift(&r.bytes), ..r.clone() }).collect(),
            blocks: self.blocks.iter().map(|(b, first)| (shift(b), *first)).collect(),
            count: self.count,
        }
    }

    /// The run and character offset the byte `at` of `source` (the file's text) belongs to: inside
    /// a run, its character there; elsewhere in a block (a speaker's name, a caption's number), the
    /// block's start.
    fn position(&self, source: &str, at: usize) -> Option<(usize, usize)> {
        if let Some(r) = self.runs.iter().find(|r| r.bytes.contains(&at)) {
            let written = source.get(r.bytes.clone())?;
            let offset = char_at(&r.text, r.written, written, at - r.bytes.start);
            return Some((r.run, past_word(&r.text, offset)));
        }
        // The innermost block holding the byte: the one starting last.
        self.blocks.iter().filter(|(b, _)| b.contains(&at)).max_by_key(|(b, _)| b.start).map(|(_, first)| (*first, 0))
    }
}

/// Move a point inside a word (a page that begins with the rest of a hyphenated word) past the
/// word and the space after it, so no marker splits a word; the word stays with the page it
/// starts on. Scripts written without spaces break anywhere and are left as they are.
fn past_word(text: &str, offset: usize) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let inside = |c: char| c.is_alphanumeric() && !crate::lang::is_word_character(c);
    let (Some(&before), Some(&at)) = (offset.checked_sub(1).and_then(|i| chars.get(i)), chars.get(offset)) else {
        return offset;
    };
    if !inside(before) || !inside(at) {
        return offset;
    }
    let mut end = offset;
    while chars.get(end).is_some_and(|&c| inside(c) || c == '\u{AD}') {
        end += 1;
    }
    while chars.get(end).is_some_and(|c| c.is_whitespace()) {
        end += 1;
    }
    end
}

/// The character of `text` whose written form (in `written`, which may hold markup around it)
/// covers byte `at`: each character's escaped form is looked for in turn.
fn char_at(text: &str, how: Written, written: &str, at: usize) -> usize {
    let mut cursor = 0;
    for (i, c) in text.chars().enumerate() {
        let escaped = match how {
            Written::Markup => typst_markup(&c.to_string()),
            Written::String => typst_string(&c.to_string()).trim_matches('"').to_string(),
        };
        if escaped.is_empty() {
            continue;
        }
        let Some(found) = written.get(cursor..).and_then(|rest| rest.find(&escaped)) else { return i };
        let end = cursor + found + escaped.len();
        if end > at {
            return i;
        }
        cursor = end;
    }
    text.chars().count()
}

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

    /// The model position of a glyph: its span's file must be a chapter's.
    fn locate(&self, span: Span, offset: usize) -> Option<TextPosition> {
        let id = span.id()?;
        let vpath = id.vpath().get_with_slash().to_string();
        let file = self.files.iter().find(|f| f.path == vpath)?;
        let chapter = file.chapter?;
        let range = self.world.range(span)?;
        let (run, offset) = file.places.position(&file.text, range.start + offset)?;
        Some(TextPosition { chapter, run, offset })
    }
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
    let mut walk = Walk { world, files, slugs, skipped: Vec::new(), facts: PageFacts::default() };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_of_escaped_markup_maps_to_its_character() {
        let text = "a #b (c)";
        let written = typst_markup(text);
        assert_eq!(written, "a \\#b \\(c\\)");
        assert_eq!(char_at(text, Written::Markup, &written, 0), 0);
        assert_eq!(char_at(text, Written::Markup, &written, 2), 2);
        assert_eq!(char_at(text, Written::Markup, &written, 4), 3);
        assert_eq!(char_at(text, Written::Markup, &written, 7), 5);
        assert_eq!(char_at(text, Written::Markup, &written, 8), 6);
    }

    #[test]
    fn markup_around_the_characters_is_skipped() {
        // Korean words are boxed; the characters are found inside the boxes.
        let text = "한국어 문장";
        let written = "#box[한국어]; #box[문장];";
        let at = written.find('문').unwrap();
        assert_eq!(char_at(text, Written::Markup, written, at), 4);
    }

    #[test]
    fn a_page_beginning_inside_a_word_begins_after_it() {
        assert_eq!(past_word("migration of people", 5), 10);
        assert_eq!(past_word("migration of people", 10), 10);
        assert_eq!(past_word("migration of people", 0), 0);
        assert_eq!(past_word("移民问题", 2), 2);
    }

    #[test]
    fn places_shift_past_an_inserted_line() {
        let mut places = Places::default();
        places.push(10..23, Run::Text("one two three"));
        places.block(5..25, 0);
        let shifted = places.shifted(8, 100);
        let source = format!("{}{}", " ".repeat(110), "one two three");
        assert_eq!(shifted.position(&source, 114), Some((0, 4)));
        // Inside a word: the page begins after it.
        assert_eq!(shifted.position(&source, 115), Some((0, 8)));
        assert_eq!(shifted.position(&source, 107), Some((0, 0)));
        assert_eq!(shifted.position(&source, 4), None);
    }
}
