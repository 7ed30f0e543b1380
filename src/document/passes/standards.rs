//! What the PDF standards asked for require of the content, checked on the model before typst
//! would fail: a title and a language, for PDF/UA alt text on every image and headings that do not
//! skip levels; and alt text in every build (a warning when no standard demands it). Each problem
//! names its file and line. Never touches the disk.

use crate::diag::{Code, Diagnostic};
use crate::document::model::Span;
use crate::document::model::{Block, Edition, Inline};
use crate::document::walk::{visit_blocks, visit_inlines, visit_inlines_of_blocks};
use crate::project::print::Standard;

/// Check what the standards require of the content, naming file and line for each problem.
pub fn check(edition: &Edition, standards: &[Standard]) -> Vec<Diagnostic> {
    let mut diags = alt_text(edition, standards.contains(&Standard::Ua1));
    if standards.is_empty() {
        return diags;
    }
    let names: Vec<&str> = standards.iter().map(|s| s.name()).collect();
    let names = names.join(", ");
    if edition.meta.title.trim().is_empty() {
        diags.push(
            Diagnostic::error(format!("PDF {names} needs a document title"))
                .in_file(crate::project::CONFIG_FILE)
                .with_hint("set `title` in report.yaml")
                .code(Code::Standard),
        );
    }
    if edition.lang.trim().is_empty() {
        diags.push(
            Diagnostic::error(format!("PDF {names} needs a document language"))
                .in_file(crate::project::CONFIG_FILE)
                .code(Code::Standard),
        );
    }
    if !standards.contains(&Standard::Ua1) {
        return diags;
    }
    for chapter in &edition.chapters {
        // Level 1 is the chapter title; sections go down one level at a time.
        let mut previous = 1u8;
        visit_blocks(&chapter.blocks, &mut |block| {
            if let Block::Heading { span, level, .. } = block {
                if *level > previous + 1 {
                    diags.push(
                        Diagnostic::error(format!(
                            "heading level {level} follows level {previous}: PDF/UA-1 forbids skipped levels"
                        ))
                        .in_file(&chapter.source)
                        .at(span.line, span.column)
                        .with_hint(format!("use {} here", "#".repeat(usize::from(previous) + 1)))
                        .code(Code::Standard),
                    );
                }
                previous = *level;
            }
        });
    }
    diags
}

/// Report every image without alternative text (in the title, the blocks, the notes, as a
/// figure): an error when PDF/UA-1 is asked for, a warning otherwise, since readers of every
/// format need it.
pub fn alt_text(edition: &Edition, ua: bool) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for chapter in &edition.chapters {
        let mut report = |span: Span, path: &str| {
            let d = if ua {
                Diagnostic::error(format!("image `{path}` has no alternative text, which PDF/UA-1 requires"))
                    .with_hint("describe the image between the brackets: ![what it shows](path)")
                    .code(Code::Standard)
            } else {
                Diagnostic::warning(format!("image `{path}` has no alternative text"))
                    .with_hint("describe the image between the brackets: ![what it shows](path); screen readers skip it otherwise")
                    .code(Code::Image)
            };
            diags.push(d.in_file(&chapter.source).at(span.line, span.column));
        };
        let mut inline = |i: &Inline| {
            if let Inline::Image { span, alt, path, .. } = i
                && alt.trim().is_empty()
            {
                report(*span, path);
            }
        };
        visit_inlines(&chapter.title, &mut inline);
        visit_inlines_of_blocks(&chapter.blocks, &mut inline);
        let mut notes: Vec<_> = chapter.footnotes.values().collect();
        notes.sort_by_key(|n| n.number);
        for note in &notes {
            visit_inlines_of_blocks(&note.blocks, &mut inline);
        }
        let mut figure = |b: &Block| {
            if let Block::Figure { span, alt, path, .. } = b
                && alt.trim().is_empty()
            {
                report(*span, path);
            }
        };
        visit_blocks(&chapter.blocks, &mut figure);
        for note in &notes {
            visit_blocks(&note.blocks, &mut figure);
        }
    }
    diags
}
