//! The EPUB 3 format: the model rendered to XHTML content documents (`xhtml`) and packaged with
//! its package document, navigation, fonts and images (`package`).

pub mod package;
pub mod xhtml;

use std::time::Instant;

use crate::diag::Diagnostic;
use crate::formats::pdf::{self, export, typst};
use crate::formats::{Job, Made};
use package::{Cover, EpubSettings};

/// Package the edition as EPUB 3, with the project's cover image or the title page as cover.
pub fn build(job: &Job) -> (Option<Made>, Vec<Diagnostic>) {
    let start = Instant::now();
    let (plan, edition) = (job.plan, job.edition);
    let mut cover_files = job.typst.to_vec();
    cover_files.push(typst::cover_file(edition));
    let (cover, mut diags) = match &plan.cover {
        Some(image) => (Some(Cover::Image(image.clone())), Vec::new()),
        None => {
            let (svg, diags) = export::cover_svg(job.shared, &pdf::settings(plan, edition), &cover_files);
            (svg.map(Cover::Svg), diags)
        }
    };
    let font_dir = plan.root.join("fonts");
    let settings = EpubSettings { root: &plan.root, font_dir: &font_dir, timestamp: plan.timestamp, cover };
    match package::build(edition, &settings) {
        Ok(bytes) => (Some(Made { bytes, pages: None, timings: vec![("epub packaging", start.elapsed())] }), diags),
        Err(errors) => {
            diags.extend(errors);
            (None, diags)
        }
    }
}
