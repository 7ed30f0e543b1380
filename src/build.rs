//! The pipeline for a plan: read and parse the chapters of every edition (in parallel), render,
//! package each format, write artifacts. Every failure of every edition is collected, not only the
//! first; one failing edition does not stop the others.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::bib::{self, Bibliography};
use crate::diag::{Diagnostic, has_errors, line_col};
use crate::fonts;
use crate::markdown;
use crate::model::{Chapter, Edition, Inline, visit_inlines_of_blocks};
use crate::output;
use crate::package::epub::{self, EpubSettings};
use crate::package::pdf::{self, PdfSettings};
use crate::package::world::Shared;
use crate::people::{self, People};
use crate::plan::{ChapterFile, EditionPlan, Format, Plan};
use crate::render::typst::{self as typst_render, TEMPLATE, TEMPLATE_PATH, TypstFile};

/// One written (or, for `check`, validated) artifact.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it was written.
    pub path: PathBuf,
    /// The edition's language.
    pub lang: String,
    /// Its format.
    pub format: Format,
    /// Its size in bytes.
    pub bytes: usize,
    /// Page count, for PDFs.
    pub pages: Option<usize>,
}

/// What a run produced and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Artifacts written, in edition and format order.
    pub artifacts: Vec<Artifact>,
    /// Every diagnostic of every edition.
    pub diagnostics: Vec<Diagnostic>,
}

/// Run the plan: build (or with `plan.write == false`, only check) every edition and format.
pub fn run(plan: &Plan) -> Outcome {
    let mut outcome = Outcome::default();
    let bib = match bib::load(&plan.root, plan.citation_style.as_deref(), &plan.nocite) {
        Ok(bib) => bib,
        Err(diags) => {
            outcome.diagnostics = diags;
            return outcome;
        }
    };
    let people = match people::load(&plan.root) {
        Ok(people) => people,
        Err(d) => {
            outcome.diagnostics.push(d);
            return outcome;
        }
    };
    let shared = Shared::load(&plan.root.join("fonts"));
    // Files every edition shares: check once that each of their characters can be printed.
    let mut shared_files = vec![PathBuf::from(crate::plan::CONFIG_FILE), PathBuf::from(people::FILE)];
    if let Ok(entries) = fs::read_dir(plan.root.join(bib::DIR)) {
        let mut bib_files: Vec<PathBuf> =
            entries.filter_map(|e| e.ok()).map(|e| Path::new(bib::DIR).join(e.file_name())).collect();
        bib_files.sort();
        shared_files.extend(bib_files);
    }
    for rel in shared_files {
        if let Ok(text) = fs::read_to_string(plan.root.join(&rel)) {
            outcome.diagnostics.extend(fonts::check_text(&shared, &rel, &text));
        }
    }
    if has_errors(&outcome.diagnostics) {
        return outcome;
    }
    let build_all = || -> Vec<Outcome> {
        plan.editions.par_iter().map(|e| edition(plan, &shared, &people, bib.as_ref(), e)).collect()
    };
    let per_edition = match plan.jobs.map(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build()) {
        Some(Ok(pool)) => pool.install(build_all),
        _ => build_all(),
    };
    for o in per_edition {
        outcome.artifacts.extend(o.artifacts);
        outcome.diagnostics.extend(o.diagnostics);
    }
    outcome
}

/// Read, parse and check the chapters of one edition into the model.
pub fn load_edition(
    plan: &Plan,
    shared: &Shared,
    people: &People,
    bib: Option<&Bibliography>,
    ed: &EditionPlan,
) -> (Option<Edition>, Vec<Diagnostic>) {
    let parsed: Vec<(Option<Chapter>, Vec<Diagnostic>, Option<String>)> =
        ed.chapters.par_iter().map(|file| read_chapter(&plan.root, file, &ed.lang)).collect();
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
        if let Ok(text) = fs::read_to_string(plan.root.join(&rel)) {
            texts.push((rel, text));
        }
    }
    for (rel, text) in &texts {
        diags.extend(fonts::check_text(shared, rel, text));
    }

    // An untranslated chapter standing in says so, in the edition's language.
    for chapter in chapters.iter_mut().filter(|c| c.lang.is_some()) {
        let note = ed.strings.get("untranslated").cloned().unwrap_or_default();
        let span = crate::model::Span { line: 1, column: 1 };
        let marker = crate::model::Block::Paragraph { span, content: vec![crate::model::Inline::Text(note)] };
        chapter.blocks.insert(
            0,
            crate::model::Block::Callout {
                span,
                kind: crate::model::CalloutKind::Warning,
                title: None,
                blocks: vec![marker],
            },
        );
    }
    let mut meta = plan.meta.clone();
    if let Some(title) = &ed.title {
        meta.title = title.clone();
    }
    if ed.subtitle.is_some() {
        meta.subtitle = ed.subtitle.clone();
    }
    if let Some(office) = ed.strings.get("office").filter(|o| !o.is_empty()) {
        meta.publisher.office = Some(office.clone());
    }
    let mut edition = Edition {
        lang: ed.lang.clone(),
        meta,
        chapters,
        strings: ed.strings.clone(),
        translation: ed.translation.clone(),
        participants: Vec::new(),
        fonts: Default::default(),
    };
    diags.extend(people::apply(&plan.root, people, &mut edition));
    diags.extend(bib::resolve(&mut edition, bib));
    diags.extend(markdown::check_links(&edition.chapters));
    if has_errors(&diags) {
        return (None, diags);
    }
    (Some(edition), diags)
}

/// Read and parse one chapter file; also return its text for the glyph check.
fn read_chapter(root: &Path, file: &ChapterFile, lang: &str) -> (Option<Chapter>, Vec<Diagnostic>, Option<String>) {
    let rel = &file.path;
    let bytes = match fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => return (None, vec![Diagnostic::error(format!("cannot read the chapter: {e}")).in_file(rel)], None),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, col) = line_col(&valid, offset);
            let d = Diagnostic::error(format!("the chapter is not valid UTF-8 (byte offset {offset})"))
                .in_file(rel)
                .at(line, col)
                .with_hint("save the file as UTF-8");
            return (None, vec![d], None);
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    let chapter_lang = file.fallback.as_deref().unwrap_or(lang);
    let (chapter, diags) = markdown::parse(root, rel, &text, chapter_lang);
    let chapter = chapter.map(|mut c| {
        if let Some(source_lang) = &file.fallback {
            c.lang = Some(source_lang.clone());
        }
        c
    });
    (chapter, diags, Some(text))
}

fn edition(plan: &Plan, shared: &Shared, people: &People, bib: Option<&Bibliography>, ed: &EditionPlan) -> Outcome {
    let mut outcome = Outcome::default();
    let (edition, diags) = load_edition(plan, shared, people, bib, ed);
    outcome.diagnostics = diags;
    let Some(mut edition) = edition else { return outcome };
    let (fonts, font_diags) = fonts::for_edition(shared, &edition.meta.fonts, &edition.lang);
    edition.fonts = fonts;
    outcome.diagnostics.extend(font_diags);
    let typst_files = typst_render::render(&edition);
    if plan.write
        && plan.emit_typst
        && let Err(d) = emit_typst(plan, &edition, &typst_files)
    {
        outcome.diagnostics.push(d);
    }
    let results: Vec<(Option<Artifact>, Vec<Diagnostic>)> = plan
        .formats
        .par_iter()
        .map(|&format| match format {
            Format::Pdf => build_pdf(plan, shared, &edition, &typst_files),
            Format::Epub => build_epub(plan, shared, &edition, &typst_files),
        })
        .collect();
    for (artifact, diags) in results {
        outcome.artifacts.extend(artifact);
        outcome.diagnostics.extend(diags);
    }
    outcome
}

fn artifact_path(plan: &Plan, lang: &str, format: Format) -> PathBuf {
    plan.out.join(format!("{}-{lang}.{}", plan.meta.slug, format.extension()))
}

fn build_pdf(
    plan: &Plan,
    shared: &Shared,
    edition: &Edition,
    files: &[TypstFile],
) -> (Option<Artifact>, Vec<Diagnostic>) {
    let (pdf, mut diags) = pdf::build(shared, &pdf_settings(plan, edition), files, &edition.chapters);
    let Some(pdf) = pdf else { return (None, diags) };
    let path = artifact_path(plan, &edition.lang, Format::Pdf);
    if plan.write
        && let Err(e) = output::write_atomic(&path, &pdf.bytes)
    {
        diags.push(Diagnostic::error(format!("{e:#}")).in_file(&path));
        return (None, diags);
    }
    let artifact = Artifact {
        path,
        lang: edition.lang.clone(),
        format: Format::Pdf,
        bytes: pdf.bytes.len(),
        pages: Some(pdf.pages),
    };
    (Some(artifact), diags)
}

fn pdf_settings<'p>(plan: &'p Plan, edition: &Edition) -> PdfSettings<'p> {
    PdfSettings {
        root: &plan.root,
        ident: format!("{}-{}", plan.meta.slug, edition.lang),
        date: edition.meta.date,
        timestamp: plan.timestamp,
    }
}

fn build_epub(
    plan: &Plan,
    shared: &Shared,
    edition: &Edition,
    files: &[TypstFile],
) -> (Option<Artifact>, Vec<Diagnostic>) {
    let mut cover_files = files.to_vec();
    cover_files.push(typst_render::cover_file(edition));
    let (cover_svg, mut diags) = pdf::cover_svg(shared, &pdf_settings(plan, edition), &cover_files);
    let font_dir = plan.root.join("fonts");
    let settings = EpubSettings { root: &plan.root, font_dir: &font_dir, timestamp: plan.timestamp, cover_svg };
    let bytes = match epub::build(edition, &settings) {
        Ok(bytes) => bytes,
        Err(errors) => {
            diags.extend(errors);
            return (None, diags);
        }
    };
    let path = artifact_path(plan, &edition.lang, Format::Epub);
    if plan.write
        && let Err(e) = output::write_atomic(&path, &bytes)
    {
        diags.push(Diagnostic::error(format!("{e:#}")).in_file(&path));
        return (None, diags);
    }
    (Some(Artifact { path, lang: edition.lang.clone(), format: Format::Epub, bytes: bytes.len(), pages: None }), diags)
}

/// Write the generated Typst of an edition as a self-contained project under `OUT/typst/LANG/`.
fn emit_typst(plan: &Plan, edition: &Edition, files: &[TypstFile]) -> Result<(), Diagnostic> {
    let dir = plan.out.join("typst").join(&edition.lang);
    let fail = |e: anyhow::Error| Diagnostic::error(format!("{e:#}")).in_file(&dir);
    let mut outputs: Vec<(String, Vec<u8>)> =
        files.iter().map(|f| (f.path.clone(), f.text.clone().into_bytes())).collect();
    outputs.push((TEMPLATE_PATH.to_string(), TEMPLATE.as_bytes().to_vec()));
    // The main file also at the top, so `typst compile --root DIR DIR/main.typ` works as is.
    outputs.push(("/main.typ".to_string(), files[0].text.clone().into_bytes()));
    for chapter in &edition.chapters {
        visit_inlines_of_blocks(&chapter.blocks, &mut |inline| {
            if let Inline::Image { path, .. } = inline
                && let Ok(bytes) = fs::read(plan.root.join(path))
            {
                outputs.push((format!("/{path}"), bytes));
            }
        });
    }
    for (path, bytes) in outputs {
        output::write_atomic(&dir.join(path.trim_start_matches('/')), &bytes).map_err(fail)?;
    }
    Ok(())
}
