//! One edition from files to model: read and parse its chapters (in parallel), check that every
//! character can be printed, then run the document passes (assembly, people, citations, links).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::outcome::Timings;
use crate::diag::{Diagnostic, has_errors};
use crate::document::model::{Chapter, Edition, Kind};
use crate::document::passes::citations::Bibliography;
use crate::document::passes::{assemble, citations, crossrefs, labels, links, people, turns};
use crate::formats::fonts;
use crate::formats::pdf::world::Shared;
use crate::markdown;
use crate::project::people::People;
use crate::project::{ChapterFile, EditionPlan, Plan, files};

/// What every edition reads besides its own folder.
pub struct Inputs {
    /// The people records.
    pub people: People,
    /// The bibliography, if the project has one.
    pub bib: Option<Bibliography>,
}

/// Read, parse and check the chapters of one edition into the model.
pub fn load_edition(
    plan: &Plan,
    shared: &Shared,
    inputs: &Inputs,
    ed: &EditionPlan,
    timings: &mut Timings,
) -> (Option<Edition>, Vec<Diagnostic>) {
    let start = Instant::now();
    let parsed: Vec<(Option<Chapter>, Vec<Diagnostic>, Option<String>)> =
        ed.chapters.par_iter().map(|file| read_chapter(plan, file, &ed.lang)).collect();
    let mut diags = ed.problems.clone();
    let mut chapters = Vec::new();
    // Every character must be printable: check the chapters and the edition's own data files.
    let mut texts: Vec<(PathBuf, String)> = Vec::new();
    for ((chapter, d, text), file) in parsed.into_iter().zip(&ed.chapters) {
        diags.extend(d);
        chapters.extend(chapter);
        texts.extend(text.map(|t| (file.path.clone(), t)));
    }
    for name in ["edition.yaml", "people.yaml"] {
        let rel = Path::new("chapters").join(&ed.lang).join(name);
        if let Some(text) = files::read_text(&plan.root, &rel) {
            texts.push((rel, text));
        }
    }
    timings.add("parse", start.elapsed());
    let start = Instant::now();
    for (rel, text) in &texts {
        diags.extend(fonts::check_text(shared, rel, text));
    }
    timings.add("glyph check", start.elapsed());

    let mut edition = assemble::edition(&plan.meta, ed, chapters);
    let start = Instant::now();
    diags.extend(people::apply(&plan.root, &inputs.people, &mut edition));
    timings.add("people", start.elapsed());
    let start = Instant::now();
    diags.extend(citations::resolve(&mut edition, inputs.bib.as_ref()));
    timings.add("bibliography", start.elapsed());
    diags.extend(crossrefs::resolve(&mut edition));
    let config_file = Path::new("chapters").join(&ed.lang).join("edition.yaml");
    diags.extend(labels::unused(&edition, &ed.own_labels, &config_file));
    diags.extend(links::resolve_links(&mut edition.chapters));
    diags.extend(links::check_links(&edition.chapters));
    if has_errors(&diags) {
        return (None, diags);
    }
    (Some(edition), diags)
}

/// Read and parse one chapter file; also return its text for the glyph check.
fn read_chapter(plan: &Plan, file: &ChapterFile, lang: &str) -> (Option<Chapter>, Vec<Diagnostic>, Option<String>) {
    let root = plan.root.as_path();
    let (text, mut diags) = files::read_chapter(root, &file.path);
    let Some(text) = text else { return (None, diags, None) };
    let chapter_lang = file.fallback.as_deref().unwrap_or(lang);
    let (chapter, parsed) = markdown::parse(root, &file.path, &text, chapter_lang);
    let chapter = chapter.map(|mut c| {
        // Speaker turns exist only where the project declares an interview.
        if plan.meta.kind == Kind::Interview {
            turns::mark_chapter(&mut c);
        }
        if let Some(source_lang) = &file.fallback {
            c.lang = Some(source_lang.clone());
        }
        c
    });
    let mut all = parsed;
    all.append(&mut diags);
    (chapter, all, Some(text))
}
