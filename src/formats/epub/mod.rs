//! The EPUB 3 format: the model rendered to XHTML content documents (`xhtml`) and packaged with
//! its package document, navigation and images (`package`), the embedded, subset fonts (`fonts`),
//! and accessibility metadata that claims only what holds (`a11y`). The print edition's page
//! breaks come from the job's page map (`document::pages`), never from the PDF format itself.

pub mod a11y;
pub mod fonts;
pub mod package;
pub mod xhtml;

use std::time::Instant;

use crate::diag::Diagnostic;
use crate::formats::pdf::{self, export, typst};
use crate::formats::{Job, Made};
use crate::project::theme::Theme;
use package::{Cover, EpubSettings};

/// Package the edition as EPUB 3, with the project's cover image or the title page as cover (none
/// when the theme says `cover: false`).
pub fn build(job: &Job) -> (Option<Made>, Vec<Diagnostic>) {
    let start = Instant::now();
    let (plan, edition) = (job.plan, job.edition);
    let (cover, mut diags) = match &plan.cover {
        Some(image) => (Some(Cover::Image(image.clone())), Vec::new()),
        None if plan.theme.cover => {
            let mut cover_files = job.typst.to_vec();
            // The EPUB's cover is for screens: screen colours whatever the PDF's profile.
            cover_files.retain(|f| f.path != typst::STYLE_PATH);
            cover_files.push(typst::style_file(edition, &plan.theme, crate::project::print::Profile::Screen));
            cover_files.push(typst::cover_file(edition, &plan.theme));
            let (svg, diags) = export::cover_svg(job.shared, &pdf::settings(plan, edition), &cover_files);
            (svg.map(Cover::Svg), diags)
        }
        None => (None, Vec::new()),
    };
    let font_dir = plan.root.join("fonts");
    let pages = job.pages.filter(|p| !p.pages.is_empty());
    let assessment = a11y::assess(edition, pages.is_some());
    diags.extend(assessment.warning(edition));
    let settings = EpubSettings {
        root: &plan.root,
        font_dir: &font_dir,
        timestamp: plan.timestamp,
        cover,
        stylesheet: plan.theme.stylesheet.as_deref().unwrap_or(xhtml::CSS),
        theme_css: theme_css(&plan.theme),
        pages,
        a11y: &assessment,
    };
    match package::build(edition, &settings) {
        Ok(bytes) => {
            let timings = vec![("epub packaging", start.elapsed())];
            (Some(Made { bytes, pages: None, timings, files: Vec::new() }), diags)
        }
        Err(errors) => {
            diags.extend(errors);
            (None, diags)
        }
    }
}

/// The theme's colour options as CSS custom properties (`--accent` …), placed after the stylesheet
/// so they win over its own defaults; empty when report.yaml sets none.
pub fn theme_css(theme: &Theme) -> String {
    if theme.colours.is_empty() {
        return String::new();
    }
    let values: Vec<String> = theme.colours.iter().map(|(name, colour)| format!("  --{name}: {colour};")).collect();
    format!("\n/* Theme options from report.yaml. */\n:root {{\n{}\n}}\n", values.join("\n"))
}
