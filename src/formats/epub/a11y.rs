//! The EPUB's accessibility metadata, claimed only as far as it holds: the checks behind a
//! conformance claim (EPUB Accessibility 1.1, WCAG 2.1 AA) run on the edition, the claim is made
//! only when all pass (else a warning names what failed), and the summary says in the edition's
//! language what this edition really offers. Never touches the disk.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Block, Edition, Inline, Span};
use crate::document::passes::standards;
use crate::document::walk::{ImageCount, images_without_alt, visit_blocks, visit_inlines, visit_inlines_of_blocks};
use crate::formats::escape::xml;

/// The conformance an EPUB claims when every check passes (EPUB Accessibility 1.1, §5.1).
pub const CONFORMS_TO: &str = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA";

/// A check behind the claim that failed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What failed, as a phrase (`2 images have no text alternative`).
    pub what: String,
    /// The file and position of the first problem, if it has one.
    pub at: Option<(PathBuf, Span)>,
}

/// What an edition's EPUB offers readers, and which checks behind a conformance claim failed.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The images and how many lack a text alternative.
    pub images: ImageCount,
    /// Whether the EPUB carries the print edition's page list.
    pub page_list: bool,
    /// Whether any chapter has footnotes.
    pub footnotes: bool,
    /// The checks that failed; empty: the claim holds.
    pub failures: Vec<Failure>,
}

/// Run the checks behind the claim on an edition: every image has a text alternative, the page
/// list is there, every part's language is declared with a valid tag, headings skip no level.
pub fn assess(edition: &Edition, page_list: bool) -> Assessment {
    let images = images_without_alt(&edition.chapters);
    let mut failures = Vec::new();
    if images.without_alt > 0 {
        let first = standards::alt_text(edition, false).into_iter().next();
        let n = images.without_alt;
        failures.push(Failure {
            what: format!("{n} image{} no text alternative", if n == 1 { " has" } else { "s have" }),
            at: first.and_then(|d| Some((d.file?, span_of(d.line, d.column)))),
        });
    }
    if !page_list {
        failures.push(Failure { what: "there is no page list (the PDF was not laid out)".into(), at: None });
    }
    failures.extend(languages(edition));
    failures.extend(headings(edition));
    let footnotes = edition.chapters.iter().any(|c| !c.footnotes.is_empty());
    Assessment { images, page_list, footnotes, failures }
}

fn span_of(line: Option<u32>, column: Option<u32>) -> Span {
    Span { line: line.unwrap_or(0) as usize, column: column.unwrap_or(0) as usize }
}

/// Every part's language: the edition's, a stand-in chapter's, each marked span's.
fn languages(edition: &Edition) -> Vec<Failure> {
    let mut out = Vec::new();
    if crate::lang::check_tag(&edition.lang).is_err() {
        out.push(Failure { what: format!("the edition's language `{}` is no valid tag", edition.lang), at: None });
    }
    for chapter in &edition.chapters {
        let mut bad: Option<(String, Span)> = None;
        if let Some(lang) = chapter.lang.as_ref().filter(|l| crate::lang::check_tag(l).is_err()) {
            bad = Some((lang.clone(), Span { line: 1, column: 1 }));
        }
        let mut check = |inline: &Inline| {
            if let Inline::Lang { lang, .. } = inline
                && bad.is_none()
                && crate::lang::check_tag(lang).is_err()
            {
                bad = Some((lang.clone(), Span::default()));
            }
        };
        visit_inlines(&chapter.title, &mut check);
        visit_inlines_of_blocks(&chapter.blocks, &mut check);
        if let Some((lang, span)) = bad {
            out.push(Failure {
                what: format!("the language `{lang}` of a part is no valid tag"),
                at: Some((chapter.source.clone(), span)),
            });
        }
    }
    out
}

/// Headings go down one level at a time from the chapter title (h1), as the EPUB sets them.
fn headings(edition: &Edition) -> Vec<Failure> {
    let mut out = Vec::new();
    for chapter in &edition.chapters {
        let mut previous = 1u8;
        let mut first: Option<(u8, u8, Span)> = None;
        visit_blocks(&chapter.blocks, &mut |block| {
            let (level, span) = match block {
                Block::Heading { level, span, .. } => ((*level).clamp(2, 6), *span),
                Block::Profile { span, .. } => (2, *span),
                _ => return,
            };
            if level > previous + 1 && first.is_none() {
                first = Some((level, previous, span));
            }
            previous = level;
        });
        if let Some((level, previous, span)) = first {
            out.push(Failure {
                what: format!("a heading of level {level} follows one of level {previous}"),
                at: Some((chapter.source.clone(), span)),
            });
        }
    }
    out
}

impl Assessment {
    /// The warning that the EPUB makes no conformance claim, naming what failed (none when it holds).
    pub fn warning(&self, edition: &Edition) -> Option<Diagnostic> {
        let first = self.failures.first()?;
        let what: Vec<&str> = self.failures.iter().map(|f| f.what.as_str()).collect();
        let mut d = Diagnostic::warning(format!(
            "the `{}` EPUB claims no accessibility conformance ({CONFORMS_TO}): {}",
            edition.lang,
            what.join("; ")
        ))
        .with_hint("fix these and the EPUB declares its conformance in `dcterms:conformsTo`")
        .code(Code::Accessibility);
        if let Some((file, span)) = self.failures.iter().find_map(|f| f.at.clone()).or(first.at.clone()) {
            d = d.in_file(file);
            if span.line > 0 {
                d = d.at(span.line, span.column.max(1));
            }
        }
        Some(d)
    }

    /// Write the package document's accessibility metadata: access modes, features, hazards, the
    /// summary, and the conformance claim when it holds.
    pub fn metadata(&self, edition: &Edition, o: &mut String) {
        let count = self.images;
        let _ = writeln!(o, "<meta property=\"schema:accessMode\">textual</meta>");
        if count.images > 0 {
            let _ = writeln!(o, "<meta property=\"schema:accessMode\">visual</meta>");
        }
        let sufficient = if count.without_alt > 0 { "textual,visual" } else { "textual" };
        let _ = writeln!(o, "<meta property=\"schema:accessModeSufficient\">{sufficient}</meta>");
        let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder"];
        if count.images > 0 && count.without_alt == 0 {
            features.push("alternativeText");
        }
        if self.page_list {
            features.extend(["pageBreakMarkers", "pageNavigation"]);
        }
        for feature in features {
            let _ = writeln!(o, "<meta property=\"schema:accessibilityFeature\">{feature}</meta>");
        }
        let _ = writeln!(o, "<meta property=\"schema:accessibilityHazard\">none</meta>");
        let _ = writeln!(o, "<meta property=\"schema:accessibilitySummary\">{}</meta>", xml(&self.summary(edition)));
        if self.failures.is_empty() {
            let _ = writeln!(o, "<meta property=\"dcterms:conformsTo\">{CONFORMS_TO}</meta>");
        }
    }

    /// Say in the edition's language what the EPUB offers a reader who cannot see it: only what
    /// the edition holds (footnotes when it has some, the page list when there is one), and which
    /// images lack a text alternative.
    pub fn summary(&self, edition: &Edition) -> String {
        let mut summary = edition.string("accessibility-summary").to_string();
        // Chinese and Japanese sentences end in a full-width stop and run on without a space.
        let join = |summary: &mut String, sentence: &str| {
            if !summary.ends_with('。') {
                summary.push(' ');
            }
            summary.push_str(sentence);
        };
        if self.page_list {
            join(&mut summary, edition.string("accessibility-page-list"));
        }
        if self.footnotes {
            join(&mut summary, edition.string("accessibility-footnotes"));
        }
        let images = match self.images {
            ImageCount { images: 0, .. } => None,
            ImageCount { without_alt: 0, .. } => Some(edition.string("accessibility-images-described").to_string()),
            ImageCount { images, without_alt } => Some(
                edition
                    .string("accessibility-images-undescribed")
                    .replace("{missing}", &without_alt.to_string())
                    .replace("{images}", &images.to_string()),
            ),
        };
        if let Some(images) = images {
            join(&mut summary, &images);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn edition_of(markdown: &str) -> Edition {
        let root = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir_all(root.path().join("chapters/en")).expect("folders");
        std::fs::write(root.path().join("chapters/en/img.png"), b"\x89PNG").expect("an image file");
        let (chapter, diags) = crate::markdown::parse(root.path(), Path::new("chapters/en/01-t.md"), markdown, "en");
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        let mut e = Edition { lang: "en".into(), chapters: vec![chapter.expect("parses")], ..Edition::default() };
        e.strings.insert("accessibility-summary".into(), "Text.".into());
        e.strings.insert("accessibility-page-list".into(), "Pages.".into());
        e
    }

    #[test]
    fn the_claim_holds_only_when_every_check_passes() {
        let good = assess(&edition_of("# T\n\nText.\n\n## Section\n\n### Sub\n"), true);
        assert!(good.failures.is_empty(), "{:?}", good.failures);
        let mut o = String::new();
        good.metadata(&edition_of("# T\n"), &mut o);
        assert!(o.contains(&format!("<meta property=\"dcterms:conformsTo\">{CONFORMS_TO}</meta>")), "{o}");
        assert!(o.contains("pageBreakMarkers") && o.contains("pageNavigation"), "{o}");

        let e = edition_of("# T\n\n![](img.png)\n\n## A\n\n#### Too deep\n");
        let bad = assess(&e, false);
        let what: Vec<&str> = bad.failures.iter().map(|f| f.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "1 image has no text alternative",
                "there is no page list (the PDF was not laid out)",
                "a heading of level 4 follows one of level 2"
            ]
        );
        let mut o = String::new();
        bad.metadata(&e, &mut o);
        assert!(!o.contains("conformsTo") && !o.contains("pageBreakMarkers"), "{o}");
        let warning = bad.warning(&e).expect("a warning");
        assert_eq!((warning.file.as_deref(), warning.line), (Some(Path::new("chapters/en/01-t.md")), Some(3)));
    }

    #[test]
    fn the_summary_mentions_the_page_list_only_when_there_is_one() {
        let e = edition_of("# T\n\nText.\n");
        assert_eq!(assess(&e, true).summary(&e), "Text. Pages.");
        assert_eq!(assess(&e, false).summary(&e), "Text.");
    }
}
