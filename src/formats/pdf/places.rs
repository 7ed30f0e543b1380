//! Where a generated chapter file holds its chapter's runs and blocks (`Places`), recorded as the
//! Typst is written, and how a byte of the file maps back to a run and a character of it. The page
//! map (`pages`) reads it; fitting a chapter changes the main file only, never these. Pure data.

use std::ops::Range;

use crate::document::pages::Run;
use crate::formats::escape::{typst_markup, typst_string};

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

    /// The run the byte `at` of the file belongs to, and the byte again (they order like the
    /// run's characters); elsewhere in a block (a speaker's name, a caption's number), the block's
    /// first run and 0, its start.
    pub fn locate(&self, at: usize) -> Option<(usize, usize)> {
        // Runs are recorded in the order they were written, so their starts are sorted.
        let i = self.runs.partition_point(|r| r.bytes.start <= at);
        if let Some(r) = i.checked_sub(1).map(|i| &self.runs[i]).filter(|r| r.bytes.contains(&at)) {
            return Some((r.run, at));
        }
        // The innermost block holding the byte: the one starting last.
        self.blocks.iter().filter(|(b, _)| b.contains(&at)).max_by_key(|(b, _)| b.start).map(|(_, first)| (*first, 0))
    }

    /// The character of run `run` at byte `at` of `source` (the file's text), past the word it
    /// is inside of (`past_word`); 0 before the run.
    pub fn offset(&self, source: &str, run: usize, at: usize) -> usize {
        let Some(r) = self.runs.get(run).filter(|r| at >= r.bytes.start) else { return 0 };
        let Some(written) = source.get(r.bytes.clone()) else { return 0 };
        past_word(&r.text, char_at(&r.text, r.written, written, at - r.bytes.start))
    }

    /// The run and character the byte `at` of `source` belongs to (`locate`, then `offset`).
    pub fn position(&self, source: &str, at: usize) -> Option<(usize, usize)> {
        let (run, at) = self.locate(at)?;
        Some((run, self.offset(source, run, at)))
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
    fn a_byte_maps_to_its_run_or_to_its_block() {
        let mut places = Places::default();
        places.push(110..123, Run::Text("one two three"));
        places.block(105..125, 0);
        let source = format!("{}{}", " ".repeat(110), "one two three");
        assert_eq!(places.position(&source, 114), Some((0, 4)));
        // Inside a word: the page begins after it.
        assert_eq!(places.position(&source, 115), Some((0, 8)));
        assert_eq!(places.position(&source, 107), Some((0, 0)));
        assert_eq!(places.position(&source, 4), None);
    }
}
