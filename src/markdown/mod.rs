//! Markdown in: comrak's options (one function, so every consumer parses alike) and the parse of
//! one chapter file into the owned model. comrak's arena never leaves this module.

pub mod anchor;
mod attrs;
mod cite;
mod lower;
pub mod typography;
pub mod units;

use std::path::Path;

use comrak::{Arena, Options};

use crate::diag::Diagnostic;
use crate::document::model::Chapter;

pub use anchor::anchor_id;

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
) -> (Vec<crate::document::model::Block>, Vec<Diagnostic>) {
    let arena = Arena::new();
    let mut options = options(lang);
    options.extension.front_matter_delimiter = None;
    let doc = comrak::parse_document(&arena, text, &options);
    lower::fragment(root, rel, text, lang, doc, first_line)
}
