//! What the PDF standards asked for require of the content, checked on the model before typst
//! would fail: a title and a language, for PDF/UA alt text on every image and headings that do not
//! skip levels. Each problem names its file and line. Never touches the disk.

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Block, Edition, Inline};
use crate::document::walk::{visit_blocks, visit_inlines_of_blocks};
use crate::project::print::Standard;

/// Check what the standards require of the content, naming file and line for each problem.
pub fn check(edition: &Edition, standards: &[Standard]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
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
        visit_inlines_of_blocks(&chapter.blocks, &mut |inline| {
            if let Inline::Image { span, alt, path } = inline
                && alt.trim().is_empty()
            {
                diags.push(
                    Diagnostic::error(format!("image `{path}` has no alternative text, which PDF/UA-1 requires"))
                        .in_file(&chapter.source)
                        .at(span.line, span.column)
                        .with_hint("describe the image between the brackets: ![what it shows](path)")
                        .code(Code::Standard),
                );
            }
        });
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
