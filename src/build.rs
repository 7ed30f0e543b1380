//! The pipeline for a plan: read and parse the chapters of every edition (in parallel), render,
//! package each format, write artifacts. Every failure of every edition is collected, not only the
//! first; one failing edition does not stop the others.

use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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

/// The result of building one artifact: it, if it could be made, and what was found.
type Built = (Option<Artifact>, Vec<Diagnostic>);

/// Called when an artifact is finished, with the time its format took.
pub type Progress<'a> = dyn Fn(&Artifact, Duration) + Sync + 'a;

/// What every edition reads besides its own folder.
pub struct Inputs {
    people: People,
    bib: Option<Bibliography>,
}

/// Time spent per stage, summed over editions and formats (CPU time when they run in parallel).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub BTreeMap<&'static str, Duration>);

impl Timings {
    /// Add time to a stage.
    pub fn add(&mut self, stage: &'static str, time: Duration) {
        *self.0.entry(stage).or_default() += time;
    }

    /// Add every stage of another record.
    pub fn merge(&mut self, other: &Timings) {
        for (stage, time) in &other.0 {
            self.add(stage, *time);
        }
    }
}

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
    /// SHA-256 of its bytes, in hex.
    pub sha256: String,
    /// Page count, for PDFs.
    pub pages: Option<usize>,
    /// Words in the edition's text.
    pub words: usize,
}

/// What a run produced and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Artifacts written, in edition and format order.
    pub artifacts: Vec<Artifact>,
    /// Every diagnostic of every edition.
    pub diagnostics: Vec<Diagnostic>,
    /// Time per stage.
    pub timings: Timings,
    /// Editions that failed (no artifact of theirs is left under its final name).
    pub failed: Vec<String>,
}

/// Run the plan: build (or with `plan.write == false`, only check) every edition and format.
pub fn run(plan: &Plan, progress: &Progress) -> Outcome {
    let start = Instant::now();
    let shared = Shared::load(&plan.root.join("fonts"));
    let loaded = start.elapsed();
    let mut outcome = run_with(plan, &shared, progress, true);
    outcome.timings.add("fonts", loaded);
    outcome
}

/// Run the plan with fonts and the typst library already loaded (`watch` keeps them between builds,
/// and typst's memoized layout with them). `plan.jobs` editions are built at once (default: one per
/// core), each by its own worker; typst itself lays pages out on every core either way. With
/// `evict`, typst's caches are emptied as editions finish, so memory grows with the number of jobs,
/// not with the number of editions.
pub fn run_with(plan: &Plan, shared: &Shared, progress: &Progress, evict: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let start = Instant::now();
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
    outcome.timings.add("bibliography", start.elapsed());
    let start = Instant::now();
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
            outcome.diagnostics.extend(fonts::check_text(shared, &rel, &text));
        }
    }
    outcome.timings.add("glyph check", start.elapsed());
    if has_errors(&outcome.diagnostics) {
        outcome.failed = plan.editions.iter().map(|e| e.lang.clone()).collect();
        return outcome;
    }
    let inputs = Inputs { people, bib };
    // Workers of our own take editions one at a time: inside rayon's pool, a thread waiting for
    // typst would start another edition, and every edition would be in memory at once.
    let jobs = plan.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..plan.editions.len()).collect());
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(plan.editions.iter().map(|_| None).collect());
    let active = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, plan.editions.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("no worker panics while holding the queue").pop_front();
                    let Some(i) = next else { break };
                    active.fetch_add(1, Ordering::SeqCst);
                    let outcome = edition(plan, shared, &inputs, &plan.editions[i], progress);
                    let others = active.fetch_sub(1, Ordering::SeqCst) - 1;
                    if evict {
                        // Alone, drop every cache; otherwise keep what the running editions used lately.
                        typst::comemo::evict(if others == 0 { 0 } else { 1 });
                    }
                    results.lock().expect("no worker panics while holding the results")[i] = Some(outcome);
                }
            });
        }
    });
    let per_edition: Vec<Outcome> = results
        .into_inner()
        .expect("workers are done")
        .into_iter()
        .map(|o| o.expect("every edition was built by a worker"))
        .collect();
    for (o, ed) in per_edition.into_iter().zip(&plan.editions) {
        if has_errors(&o.diagnostics) {
            outcome.failed.push(ed.lang.clone());
        }
        outcome.artifacts.extend(o.artifacts);
        outcome.diagnostics.extend(o.diagnostics);
        outcome.timings.merge(&o.timings);
    }
    outcome
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
    timings.add("parse", start.elapsed());
    let start = Instant::now();
    for (rel, text) in &texts {
        diags.extend(fonts::check_text(shared, rel, text));
    }
    timings.add("glyph check", start.elapsed());

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
    let start = Instant::now();
    diags.extend(people::apply(&plan.root, &inputs.people, &mut edition));
    timings.add("people", start.elapsed());
    let start = Instant::now();
    diags.extend(bib::resolve(&mut edition, inputs.bib.as_ref()));
    timings.add("bibliography", start.elapsed());
    diags.extend(markdown::check_links(&edition.chapters));
    if has_errors(&diags) {
        return (None, diags);
    }
    (Some(edition), diags)
}

/// Chapters larger than this are refused: typesetting one would take minutes and gigabytes.
pub const MAX_CHAPTER_BYTES: usize = 10 * 1024 * 1024;

/// Remove control characters (other than tab and line endings), warning at the first one.
fn strip_controls(rel: &Path, text: String) -> (String, Option<Diagnostic>) {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let Some(at) = text.find(bad) else { return (text, None) };
    let (line, col) = line_col(&text, at);
    let c = text[at..].chars().next().expect("found above");
    let d = Diagnostic::warning(format!("control character U+{:04X} removed", c as u32))
        .in_file(rel)
        .at(line, col)
        .with_hint("control characters cannot be printed; remove them from the file")
        .code("encoding");
    (text.chars().filter(|c| !bad(*c)).collect(), Some(d))
}

/// Read and parse one chapter file; also return its text for the glyph check.
fn read_chapter(root: &Path, file: &ChapterFile, lang: &str) -> (Option<Chapter>, Vec<Diagnostic>, Option<String>) {
    let rel = &file.path;
    let bytes = match fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => return (None, vec![Diagnostic::error(format!("cannot read the chapter: {e}")).in_file(rel)], None),
    };
    if bytes.len() > MAX_CHAPTER_BYTES {
        let d = Diagnostic::error(format!(
            "the chapter is {:.1} MB; chapters are limited to {} MB",
            bytes.len() as f64 / 1e6,
            MAX_CHAPTER_BYTES / 1024 / 1024
        ))
        .in_file(rel)
        .with_hint("split it into several chapter files")
        .code("limit");
        return (None, vec![d], None);
    }
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
    let (text, control) = strip_controls(rel, text);
    let chapter_lang = file.fallback.as_deref().unwrap_or(lang);
    let (chapter, diags) = markdown::parse(root, rel, &text, chapter_lang);
    let chapter = chapter.map(|mut c| {
        if let Some(source_lang) = &file.fallback {
            c.lang = Some(source_lang.clone());
        }
        c
    });
    let mut diags = diags;
    diags.extend(control);
    (chapter, diags, Some(text))
}

fn edition(plan: &Plan, shared: &Shared, deps: &Inputs, ed: &EditionPlan, progress: &Progress) -> Outcome {
    let mut outcome = Outcome::default();
    let (edition, diags) = load_edition(plan, shared, deps, ed, &mut outcome.timings);
    outcome.diagnostics = diags;
    let Some(mut edition) = edition else { return outcome };
    let start = Instant::now();
    let (fonts, font_diags) = fonts::for_edition(shared, &edition.meta.fonts, &edition.lang);
    edition.fonts = fonts;
    outcome.diagnostics.extend(font_diags);
    let standard_diags = crate::print::check(&edition, &plan.print.standards);
    let failed = has_errors(&standard_diags);
    outcome.diagnostics.extend(standard_diags);
    if failed {
        return outcome;
    }
    let cover = plan.cover.as_ref().map(|c| c.to_string_lossy().replace('\\', "/"));
    let typst_files = typst_render::render(&edition, &plan.print, cover.as_deref());
    if plan.write
        && plan.emit_typst
        && let Err(d) = emit_typst(plan, &edition, &typst_files)
    {
        outcome.diagnostics.push(d);
    }
    outcome.timings.add("render", start.elapsed());
    let results: Vec<(Built, Timings)> = plan
        .formats
        .par_iter()
        .map(|&format| {
            let started = Instant::now();
            let mut t = Timings::default();
            let (artifact, diags) = match format {
                Format::Pdf => build_pdf(plan, shared, &edition, &typst_files, &mut t),
                Format::Epub => build_epub(plan, shared, &edition, &typst_files, &mut t),
            };
            if let Some(a) = &artifact {
                progress(a, started.elapsed());
            }
            ((artifact, diags), t)
        })
        .collect();
    for ((artifact, diags), t) in results {
        outcome.artifacts.extend(artifact);
        outcome.diagnostics.extend(diags);
        outcome.timings.merge(&t);
    }
    outcome
}

fn artifact_path(plan: &Plan, lang: &str, format: Format) -> PathBuf {
    plan.out.join(format!("{}-{lang}.{}", plan.meta.slug, format.extension()))
}

fn pdf_settings<'p>(plan: &'p Plan, edition: &Edition) -> PdfSettings<'p> {
    PdfSettings {
        root: &plan.root,
        ident: format!("{}-{}", plan.meta.slug, edition.lang),
        date: edition.meta.date,
        timestamp: plan.timestamp,
        standards: plan.print.standards.clone(),
        bleed_mm: plan.print.bleed_mm,
    }
}

fn build_pdf(plan: &Plan, shared: &Shared, edition: &Edition, files: &[TypstFile], t: &mut Timings) -> Built {
    let (pdf, diags) = pdf::build(shared, &pdf_settings(plan, edition), files, &edition.chapters);
    let Some(pdf) = pdf else { return (None, diags) };
    t.add("typst compile", pdf.compile_time);
    t.add("pdf export", pdf.export_time);
    finish_artifact(plan, edition, Format::Pdf, pdf.bytes, Some(pdf.pages), diags, t)
}

fn build_epub(plan: &Plan, shared: &Shared, edition: &Edition, files: &[TypstFile], t: &mut Timings) -> Built {
    let start = Instant::now();
    let mut cover_files = files.to_vec();
    cover_files.push(typst_render::cover_file(edition));
    let (cover, mut diags) = match &plan.cover {
        Some(image) => (Some(epub::Cover::Image(image.clone())), Vec::new()),
        None => {
            let (svg, diags) = pdf::cover_svg(shared, &pdf_settings(plan, edition), &cover_files);
            (svg.map(epub::Cover::Svg), diags)
        }
    };
    let font_dir = plan.root.join("fonts");
    let settings = EpubSettings { root: &plan.root, font_dir: &font_dir, timestamp: plan.timestamp, cover };
    let bytes = match epub::build(edition, &settings) {
        Ok(bytes) => bytes,
        Err(errors) => {
            diags.extend(errors);
            return (None, diags);
        }
    };
    t.add("epub packaging", start.elapsed());
    finish_artifact(plan, edition, Format::Epub, bytes, None, diags, t)
}

/// Write a finished artifact (unless checking) and describe it.
fn finish_artifact(
    plan: &Plan,
    edition: &Edition,
    format: Format,
    bytes: Vec<u8>,
    pages: Option<usize>,
    mut diags: Vec<Diagnostic>,
    t: &mut Timings,
) -> Built {
    let path = artifact_path(plan, &edition.lang, format);
    let start = Instant::now();
    if plan.write
        && let Err(e) = output::write_atomic(&path, &bytes)
    {
        diags.push(Diagnostic::error(format!("{e:#}")).in_file(&path));
        return (None, diags);
    }
    t.add("write", start.elapsed());
    let artifact = Artifact {
        path,
        lang: edition.lang.clone(),
        format,
        bytes: bytes.len(),
        sha256: output::sha256_hex(&bytes),
        pages,
        words: crate::model::word_count(edition),
    };
    (Some(artifact), diags)
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
