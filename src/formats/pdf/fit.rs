//! Page economy: reads a laid-out document for how each chapter ends (its pages, and the lines of
//! text on its last page), and decides which chapters the template sets a little tighter or looser
//! (`fitted` in the template) so that no chapter ends on a page holding only its last few lines.
//! Spotlight only measures and chooses; what "tighter" means is the theme's. Pure: never compiles
//! (the caller compiles each candidate setting) and never touches the disk.

use std::collections::HashMap;

use typst::introspection::{MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point};
use typst::model::HeadingElem;
use typst::pdf::ArtifactElem;
use typst_layout::PagedDocument;

/// The fewest lines of text a chapter's last page may hold (unless the chapter is a single page).
///
/// A page with fewer reads as a spill-over: a whole turn of the page for a sentence or two. Five
/// lines, the usual composing-room minimum for a chapter's last page, is also about an eighth of an
/// A5 page and a tenth of an A4 one; the fitting steps of the template can move that much.
pub const MIN_LINES: usize = 5;

/// The label of the marker the template places at the end of every chapter (`chapter-end`).
const END_LABEL: &str = "spotlight-chapter-end";

/// How a chapter ends in a laid-out document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    /// The pages the chapter runs over, its opening page included.
    pub pages: usize,
    /// Lines of text on its last page (headers, footers and footnotes not counted).
    pub last_lines: usize,
}

impl Ending {
    /// Whether the chapter ends on a spill-over page: more than one page, too few lines on the last.
    pub fn is_short(&self) -> bool {
        self.pages > 1 && self.last_lines < MIN_LINES
    }

    /// Order two endings of one chapter: `Less` when `self` is the better one. A chapter that ends
    /// well beats one that does not; then fewer pages; then more lines on the last page.
    fn rank(&self) -> (bool, usize, std::cmp::Reverse<usize>) {
        (self.is_short(), self.pages, std::cmp::Reverse(self.last_lines))
    }
}

/// How many compiles may try new settings (a last one may put the best of them together).
pub const ROUNDS: usize = 3;

/// A chapter's setting: 0 as the theme designs it, 1 and 2 tighter, -1 and -2 looser.
pub type Level = i8;

/// Measure how every chapter ends; `slugs` are the chapters' labels in order (None: not found).
pub fn measure(doc: &PagedDocument, slugs: &[String]) -> Vec<Option<Ending>> {
    let index: HashMap<&str, usize> = slugs.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let mut walk = Walk { index: &index, events: Vec::new(), artifacts: Vec::new() };
    for (page, p) in doc.pages().iter().enumerate() {
        walk.frame(&p.frame, Point::zero(), page);
    }
    let mut out = vec![None; slugs.len()];
    // The chapter being read: its index and opening page; lines seen on the current page.
    let mut current: Option<(usize, usize)> = None;
    let mut lines: Vec<(usize, Abs, Abs)> = Vec::new();
    for event in walk.events {
        match event {
            Event::Start { chapter, page } => {
                current = Some((chapter, page));
                lines.clear();
            }
            Event::Text { page, y, size } => {
                if current.is_some() {
                    lines.retain(|&(p, _, _)| p == page);
                    lines.push((page, y, size));
                }
            }
            Event::End { page, y } => {
                if let Some((chapter, first)) = current.take() {
                    // Footnotes sit below the chapter's end marker on its last page.
                    let on_page: Vec<(Abs, Abs)> = lines
                        .iter()
                        .filter(|&&(p, ly, size)| p == page && ly <= y + size * 0.5)
                        .map(|&(_, ly, size)| (ly, size))
                        .collect();
                    out[chapter] = Some(Ending { pages: page + 1 - first, last_lines: count_lines(on_page) });
                }
                lines.clear();
            }
        }
    }
    out
}

/// Count the lines among text runs `(baseline, size)`: runs whose baselines lie closer than half
/// a font size share a line (superscripts, mixed fonts).
fn count_lines(mut runs: Vec<(Abs, Abs)>) -> usize {
    runs.sort_by(|a, b| a.0.to_raw().total_cmp(&b.0.to_raw()));
    let mut count = 0;
    let mut last: Option<(Abs, Abs)> = None;
    for (y, size) in runs {
        match last {
            Some((ly, lsize)) if (y - ly).to_raw() < lsize.max(size).to_raw() * 0.5 => {}
            _ => count += 1,
        }
        last = Some((y, size));
    }
    count
}

enum Event {
    Start { chapter: usize, page: usize },
    Text { page: usize, y: Abs, size: Abs },
    End { page: usize, y: Abs },
}

struct Walk<'a> {
    index: &'a HashMap<&'a str, usize>,
    events: Vec<Event>,
    /// Artifacts (running heads, page numbers) being walked: their text is not the chapter's.
    artifacts: Vec<typst::introspection::Location>,
}

impl Walk<'_> {
    fn frame(&mut self, frame: &Frame, origin: Point, page: usize) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                FrameItem::Group(group) => {
                    let shifted = at + Point::new(group.transform.tx, group.transform.ty);
                    self.frame(&group.frame, shifted, page);
                }
                FrameItem::Text(text) if self.artifacts.is_empty() && !text.text.trim().is_empty() => {
                    self.events.push(Event::Text { page, y: at.y, size: text.size });
                }
                FrameItem::Tag(Tag::Start(content, _)) => {
                    if content.is::<ArtifactElem>() {
                        if let Some(loc) = content.location() {
                            self.artifacts.push(loc);
                        }
                    } else if let Some(label) = content.label() {
                        let name = label.resolve();
                        if content.is::<HeadingElem>() {
                            if let Some(&chapter) = self.index.get(name.as_str()) {
                                self.events.push(Event::Start { chapter, page });
                            }
                        } else if content.is::<MetadataElem>() && name.as_str() == END_LABEL {
                            self.events.push(Event::End { page, y: at.y });
                        }
                    }
                }
                FrameItem::Tag(Tag::End(loc, ..)) if self.artifacts.last() == Some(loc) => {
                    self.artifacts.pop();
                }
                _ => {}
            }
        }
    }
}

/// The settings to try for a chapter that ended on a spill-over page, in order: tighter first
/// when its full pages can plausibly take the stray lines back (about a line a page per step),
/// else looser first, so more lines run on to the last page; the other direction last.
fn candidates(ending: &Ending) -> [Level; 3] {
    let full = ending.pages.saturating_sub(1);
    if ending.last_lines <= full {
        [1, 2, -1]
    } else if ending.last_lines <= 2 * full {
        [2, -1, -2]
    } else {
        [-1, -2, 2]
    }
}

/// What a chapter's search measured: `(level, ending)` for every setting tried, level 0 first.
pub type Tried = Vec<(Level, Ending)>;

/// The best setting among those a chapter's search tried (0 when it tried none): the one that
/// ended best, the smaller change on a tie.
pub fn best_of(tried: &[(Level, Ending)]) -> Level {
    tried.iter().min_by_key(|(level, e)| (e.rank(), level.unsigned_abs())).map_or(0, |(l, _)| *l)
}

/// The search for each chapter's setting: which settings were tried and how each ended.
#[derive(Debug)]
pub struct Search {
    /// Per chapter: `(level, ending)` for every setting measured, level 0 first.
    tried: Vec<Tried>,
    /// Chapters whose search an earlier build finished (their text unchanged): never tried again.
    closed: Vec<bool>,
}

impl Search {
    /// Start from the endings of the document as designed (every chapter at level 0).
    pub fn new(designed: &[Option<Ending>]) -> Self {
        Self::resume(designed, vec![None; designed.len()])
    }

    /// Start from a document where each chapter an earlier search remembers (`remembered`, what
    /// that search tried) was set at its best level and every other chapter at level 0 (`first`,
    /// the endings measured in it). A remembered chapter keeps its search's outcome, so the
    /// choice is the one a search from the designed document makes.
    pub fn resume(first: &[Option<Ending>], remembered: Vec<Option<Tried>>) -> Self {
        let closed = remembered.iter().map(Option::is_some).collect();
        let tried = first
            .iter()
            .zip(remembered)
            .map(|(e, r)| r.unwrap_or_else(|| e.iter().map(|&e| (0, e)).collect()))
            .collect();
        Self { tried, closed }
    }

    /// What was tried for chapter `chapter` (to remember for the next build).
    pub fn tried(&self, chapter: usize) -> Option<&Tried> {
        self.tried.get(chapter)
    }

    /// The best setting measured so far for each chapter.
    pub fn best(&self) -> Vec<Level> {
        self.tried.iter().map(|t| best_of(t)).collect()
    }

    /// The settings of the next compile: each chapter still ending short at its best gets its next
    /// untried candidate; None when no chapter has one left (the search is over).
    pub fn next(&self) -> Option<Vec<Level>> {
        let best = self.best();
        let mut changed = false;
        let levels = self
            .tried
            .iter()
            .zip(&best)
            .zip(&self.closed)
            .map(|((tried, &level), &closed)| {
                let Some(&(_, designed)) = tried.first().filter(|_| !closed) else { return level };
                let ending = tried.iter().find(|(l, _)| *l == level).map_or(designed, |(_, e)| *e);
                if !ending.is_short() {
                    return level;
                }
                match candidates(&designed).into_iter().find(|c| !tried.iter().any(|(l, _)| l == c)) {
                    Some(c) => {
                        changed = true;
                        c
                    }
                    None => level,
                }
            })
            .collect();
        changed.then_some(levels)
    }

    /// Record the endings measured in a compile made with `levels`.
    pub fn record(&mut self, levels: &[Level], endings: &[Option<Ending>]) {
        for (((tried, &level), ending), &closed) in self.tried.iter_mut().zip(levels).zip(endings).zip(&self.closed) {
            if let Some(e) = ending
                && !closed
                && !tried.iter().any(|(l, _)| *l == level)
            {
                tried.push((level, *e));
            }
        }
    }

    /// The ending measured for a chapter at a level, if it was tried.
    pub fn ending(&self, chapter: usize, level: Level) -> Option<Ending> {
        self.tried.get(chapter)?.iter().find(|(l, _)| *l == level).map(|(_, e)| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(pages: usize, last_lines: usize) -> Option<Ending> {
        Some(Ending { pages, last_lines })
    }

    #[test]
    fn a_one_page_chapter_is_never_short() {
        assert!(!e(1, 1).unwrap().is_short());
        assert!(e(3, MIN_LINES - 1).unwrap().is_short());
        assert!(!e(3, MIN_LINES).unwrap().is_short());
    }

    #[test]
    fn lines_share_a_baseline_within_half_a_font_size() {
        let pt = Abs::pt;
        let runs = vec![(pt(100.0), pt(10.0)), (pt(97.0), pt(6.0)), (pt(114.0), pt(10.0)), (pt(128.0), pt(10.0))];
        assert_eq!(count_lines(runs), 3);
    }

    #[test]
    fn nothing_is_tried_when_no_chapter_ends_short() {
        let search = Search::new(&[e(4, 20), e(1, 2), None]);
        assert_eq!(search.next(), None);
        assert_eq!(search.best(), vec![0, 0, 0]);
    }

    #[test]
    fn a_short_chapter_is_tightened_first_and_keeps_what_worked() {
        let mut search = Search::new(&[e(6, 2), e(3, 30)]);
        let levels = search.next().unwrap();
        assert_eq!(levels, vec![1, 0]);
        search.record(&levels, &[e(5, 33), e(3, 30)]);
        assert_eq!(search.best(), vec![1, 0]);
        assert_eq!(search.next(), None);
    }

    #[test]
    fn a_worse_try_is_never_kept() {
        let mut search = Search::new(&[e(6, 3)]);
        let levels = search.next().unwrap();
        search.record(&levels, &[e(6, 1)]);
        assert_eq!(search.best(), vec![0]);
        let levels = search.next().unwrap();
        assert_eq!(levels, vec![2]);
        search.record(&levels, &[e(6, 2)]);
        let levels = search.next().unwrap();
        assert_eq!(levels, vec![-1]);
        search.record(&levels, &[e(7, 1)]);
        // No try helped: the design stays, and the search ends.
        assert_eq!(search.best(), vec![0]);
        assert_eq!(search.next(), None);
    }

    #[test]
    fn a_remembered_search_is_not_tried_again_and_gives_the_same_choice() {
        // A cold search: chapter 0 is tightened, chapter 1 needs nothing.
        let mut cold = Search::new(&[e(6, 2), e(3, 30)]);
        let levels = cold.next().unwrap();
        cold.record(&levels, &[e(5, 33), e(3, 30)]);
        assert_eq!(cold.best(), vec![1, 0]);
        // The next build remembers chapter 0 (set at level 1 in its first compile); chapter 1 changed.
        let remembered = vec![cold.tried(0).cloned(), None];
        let mut warm = Search::resume(&[e(5, 33), e(3, 2)], remembered);
        assert_eq!(warm.best(), vec![1, 0]);
        let levels = warm.next().unwrap();
        assert_eq!(levels, vec![1, 1], "only the changed chapter is tried");
        warm.record(&levels, &[e(9, 9), e(2, 40)]);
        assert_eq!(warm.best(), vec![1, 1]);
        assert_eq!(warm.tried(0), cold.tried(0), "a remembered chapter's record is kept as it was");
    }

    #[test]
    fn a_chapter_with_few_full_pages_is_loosened_first() {
        let search = Search::new(&[e(2, 4)]);
        assert_eq!(search.next(), Some(vec![-1]));
    }
}
