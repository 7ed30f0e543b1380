//! Markdown in: comrak's options (one function, so every consumer parses alike) and the parse of
//! one chapter file into the owned model. comrak's arena never leaves this module.

mod cite;
mod lower;
mod targets;
pub mod typography;

use std::path::Path;

use comrak::{Arena, Options};

use crate::diag::Diagnostic;
use crate::model::Chapter;

pub use targets::check_links;

/// Build the comrak options every Markdown file of an edition in `lang` is parsed with.
pub fn options(lang: &str) -> Options<'static> {
    let mut options = Options::default();
    let ext = &mut options.extension;
    ext.strikethrough = true;
    ext.table = true;
    ext.autolink = true;
    ext.tasklist = true;
    ext.footnotes = true;
    ext.superscript = false;
    ext.alerts = true;
    ext.front_matter_delimiter = Some("---".to_string());
    // comrak's smart punctuation is English; other languages get `typography::apply`.
    options.parse.smart = typography::english_smart(lang);
    options
}

/// Parse one chapter file (its text already read) into the model; `rel` is relative to `root`.
///
/// Returns the chapter (absent when it has errors that leave nothing to render) and every
/// diagnostic found, errors and warnings alike.
pub fn parse(root: &Path, rel: &Path, text: &str, lang: &str) -> (Option<Chapter>, Vec<Diagnostic>) {
    let arena = Arena::new();
    let doc = comrak::parse_document(&arena, text, &options(lang));
    lower::chapter(root, rel, text, lang, doc)
}

/// Parse a Markdown fragment (a bio) that starts on line `first_line` of `rel` into blocks.
pub fn parse_fragment(
    root: &Path,
    rel: &Path,
    text: &str,
    lang: &str,
    first_line: usize,
) -> (Vec<crate::model::Block>, Vec<Diagnostic>) {
    let arena = Arena::new();
    let mut options = options(lang);
    options.extension.front_matter_delimiter = None;
    let doc = comrak::parse_document(&arena, text, &options);
    lower::fragment(root, rel, text, lang, doc, first_line)
}

/// Make an anchor id from heading text: lower case, letters and digits, words joined by hyphens.
pub fn anchor_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() { "section".to_string() } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_ids_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(anchor_id("The Progress Declaration"), "the-progress-declaration");
        assert_eq!(anchor_id("  What?! -- now "), "what-now");
        assert_eq!(anchor_id("***"), "section");
    }
}
