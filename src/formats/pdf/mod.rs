//! The PDF format: the model rendered to Typst (`typst`), compiled in Spotlight's own World
//! (`world`), its chapters fitted to their pages (`fit`), exported with typst-pdf (`export`), with page
//! boxes typst does not write (`boxes`), PDF/X-4 (`pdfx`) and the edition's whole language tag (`lang`).
//! Laying out and exporting are two steps, so the page map (`pages`: where each page begins in the
//! model, traced through the places chapter files record, `places`) comes from the document the PDF
//! is exported from, also when only the EPUB is made.

pub mod boxes;
pub mod export;
pub mod fit;
pub mod lang;
pub mod pages;
pub mod pdfx;
pub mod places;
pub mod typst;
pub mod world;

use crate::diag::Diagnostic;
use crate::document::model::Edition;
use crate::document::pages::PageMap;
use crate::formats::{Job, Made};
use crate::project::Plan;
use export::{Layout, PdfSettings};

/// The PDF's export settings for an edition of a plan.
pub fn settings<'p>(plan: &'p Plan, edition: &Edition) -> PdfSettings<'p> {
    PdfSettings {
        root: &plan.root,
        ident: format!("{}-{}", plan.meta.slug, edition.lang),
        date: edition.meta.date,
        timestamp: plan.timestamp,
        standards: plan.print.standards.clone(),
        bleed_mm: plan.print.bleed_mm,
        templates: typst::template_sources(&plan.theme),
    }
}

/// Lay the edition's Typst out as its PDF will be (page economy included), without exporting.
pub fn layout<'s>(job: &Job<'s>) -> (Option<Layout<'s>>, Vec<Diagnostic>) {
    export::layout(job.shared, &settings(job.plan, job.edition), job.typst, &job.edition.chapters)
}

/// Where each page of the laid-out edition begins in the model, for the EPUB and the web edition.
pub fn page_map(job: &Job, layout: &Layout) -> PageMap {
    let slugs: Vec<String> = job.edition.chapters.iter().map(|c| c.slug.clone()).collect();
    let source = print_identifier(job.plan, job.edition);
    pages::page_map(&layout.doc, &layout.world, &layout.files, &slugs, job.plan.cover.is_some(), source)
}

/// The print edition's identifier: a name-based `urn:uuid` of the report, the edition and the
/// profile (the pages are the profile's), stable across builds; the PDF carries it in its XMP
/// (`dc:identifier`) and the EPUB names it as the source of its page list.
pub fn print_identifier(plan: &Plan, edition: &Edition) -> String {
    use sha2::Digest;
    let profile = if plan.print.profile == crate::project::print::Profile::Print { "print" } else { "screen" };
    let name = format!("spotlight:{}:{}:pdf:{profile}", plan.meta.slug, edition.lang);
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut b: [u8; 16] = digest[..16].try_into().expect("a SHA-256 digest has 32 bytes");
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Export the laid-out edition as PDF (with its whole language tag).
pub fn export(job: &Job, layout: &Layout) -> (Option<Made>, Vec<Diagnostic>) {
    let (pdf, mut diags) = export::export(layout, &settings(job.plan, job.edition), &job.edition.chapters);
    let Some(mut pdf) = pdf else { return (None, diags) };
    let identifier = print_identifier(job.plan, job.edition);
    match lang::set_document_lang(&pdf.bytes, &job.edition.lang, Some(&identifier)) {
        Some(bytes) => pdf.bytes = bytes,
        None => {
            diags.push(
                Diagnostic::error(format!(
                    "cannot set the PDF's language to `{}`: its structure is not what Spotlight expects",
                    job.edition.lang
                ))
                .with_hint("this is a bug in Spotlight; please report it")
                .code(crate::diag::Code::Internal),
            );
            return (None, diags);
        }
    }
    let made = Some(Made {
        bytes: pdf.bytes,
        pages: Some(pdf.pages),
        timings: vec![
            ("typst compile", pdf.compile_time),
            ("page fitting", pdf.fit_time),
            ("pdf export", pdf.export_time),
        ],
        files: Vec::new(),
    });
    (made, diags)
}
