//! The PDF format: the model rendered to Typst (`typst`), compiled in Spotlight's own World
//! (`world`), its chapters fitted to their pages (`fit`), exported with typst-pdf (`export`), with page
//! boxes typst does not write (`boxes`), PDF/X-4 (`pdfx`) and the edition's whole language tag (`lang`).

pub mod boxes;
pub mod export;
pub mod fit;
pub mod lang;
pub mod pdfx;
pub mod typst;
pub mod world;

use crate::diag::Diagnostic;
use crate::document::model::Edition;
use crate::formats::{Job, Made};
use crate::project::Plan;
use export::PdfSettings;

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

/// Compile the edition's Typst and export the PDF.
pub fn build(job: &Job) -> (Option<Made>, Vec<Diagnostic>) {
    let (pdf, mut diags) =
        export::build(job.shared, &settings(job.plan, job.edition), job.typst, &job.edition.chapters);
    let Some(mut pdf) = pdf else { return (None, diags) };
    match lang::set_document_lang(&pdf.bytes, &job.edition.lang) {
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
