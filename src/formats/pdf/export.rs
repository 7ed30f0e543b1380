//! Compiles the generated Typst of one edition and exports the PDF, in two steps: `layout`
//! (compile, then page economy) gives the final document, which the page map is read from, and
//! `export` writes it; typst diagnostics mapped back to Markdown files and lines.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Code, Diagnostic, line_col};
use crate::document::model::Chapter;
use crate::formats::pdf::fit;
use crate::formats::pdf::typst::{
    self as typst_source, COVER_PATH, DEFAULT_TEMPLATE_PATH, MAIN_PATH, TEMPLATE, TypstFile,
};
use crate::formats::pdf::world::{DocWorld, Shared};
use crate::project::print::Standard;

/// A finished PDF and what typst warned about.
pub struct PdfOutput {
    /// The PDF bytes.
    pub bytes: Vec<u8>,
    /// The number of pages.
    pub pages: usize,
    /// Time spent compiling (typst layout) the document as designed.
    pub compile_time: Duration,
    /// Time spent fitting chapters to their pages: measuring, and compiling the settings tried.
    pub fit_time: Duration,
    /// Time spent exporting the PDF.
    pub export_time: Duration,
}

/// Everything the PDF export needs beyond the sources.
pub struct PdfSettings<'a> {
    /// The project root (images are read from it).
    pub root: &'a Path,
    /// A stable document identifier, e.g. `imrf-spotlight-en`.
    pub ident: String,
    /// The date `today` returns inside typst.
    pub date: (i32, u8, u8),
    /// The PDF timestamp: year, month, day, hour, minute, second (UTC).
    pub timestamp: (i32, u8, u8, u8, u8, u8),
    /// PDF standards to conform to.
    pub standards: Vec<Standard>,
    /// Bleed in millimetres: when set, every page gets a BleedBox that far around its TrimBox.
    pub bleed_mm: f64,
    /// The template sources to serve (built-in and theme), `(virtual path, text)`.
    pub templates: Vec<(String, String)>,
}

/// A document laid out as it will be exported: the final compile (after page economy), the world
/// and sources it came from, and what it cost.
pub struct Layout<'s> {
    /// The laid-out pages.
    pub doc: PagedDocument,
    /// The world of the final compile (its sources are `files`).
    pub world: DocWorld<'s>,
    /// The sources of the final compile: the generated files as fitted.
    pub files: Vec<TypstFile>,
    /// Time spent compiling (typst layout) the document as designed.
    pub compile_time: Duration,
    /// Time spent fitting chapters to their pages: measuring, and compiling the settings tried.
    pub fit_time: Duration,
}

/// Compile `files` (main file first) and fit the chapters to their pages (`fit`); typst's
/// warnings come back mapped to the chapters.
pub fn layout<'s>(
    shared: &'s Shared,
    settings: &PdfSettings,
    files: &[TypstFile],
    chapters: &[Chapter],
) -> (Option<Layout<'s>>, Vec<Diagnostic>) {
    let sources = |files: &[TypstFile]| {
        let mut sources: Vec<(String, String)> = files.iter().map(|f| (f.path.clone(), f.text.clone())).collect();
        sources.extend(settings.templates.iter().cloned());
        sources
    };
    // The designed layout and every fitted one compile under one pass: each fitted compile takes
    // the chapters it leaves alone from typst's caches. The export runs after, beside other compiles.
    let permit = shared.compiling(files.iter().map(|f| f.text.len()).sum());
    // A chapter an earlier build of this process fitted, unchanged since, starts at the level its
    // search chose, and is not searched again.
    let keys = fit_keys(files, &settings.templates, chapters.len()).filter(|_| shared.remembers_fits());
    let remembered: Vec<Option<fit::Tried>> = match &keys {
        Some(keys) => keys.iter().map(|k| shared.remembered_fit(*k)).collect(),
        None => vec![None; chapters.len()],
    };
    let start: Vec<fit::Level> = remembered.iter().map(|r| r.as_deref().map_or(0, fit::best_of)).collect();
    let first = typst_source::fitted(files, &start);
    let started = std::time::Instant::now();
    let designed = DocWorld::new(shared, &settings.ident, settings.root, MAIN_PATH, &sources(&first), settings.date);
    // Every later compile changes the main file alone: the chapters keep their parse.
    let world = |files: &[TypstFile]| designed.with_sources(&sources(files));
    let warned = typst::compile::<PagedDocument>(&designed);
    let compile_time = started.elapsed();
    let started = std::time::Instant::now();
    let (compiled, fitted, search) = match warned.output {
        Ok(doc) => {
            let first =
                First { levels: start, compiled: Compiled { doc, warnings: warned.warnings.to_vec() }, files: first };
            fit_pages(&world, files, chapters, first, remembered)
        }
        Err(errors) => {
            let map = |d: &SourceDiagnostic| map_diagnostic(&designed, d, &first, chapters);
            let mut diags: Vec<Diagnostic> = warned.warnings.iter().map(map).collect();
            diags.extend(errors.iter().map(map));
            return (None, diags);
        }
    };
    let fit_time = started.elapsed();
    drop(permit);
    for (i, key) in keys.iter().flatten().enumerate() {
        if let Some(tried) = search.tried(i).filter(|t| !t.is_empty()) {
            shared.remember_fit(*key, tried.clone());
        }
    }
    let (final_world, files) = match fitted {
        Some(fitted) => (world(&fitted), fitted),
        None => (world(files), files.to_vec()),
    };
    let diags = compiled.warnings.iter().map(|d| map_diagnostic(&final_world, d, &files, chapters)).collect();
    (Some(Layout { doc: compiled.doc, world: final_world, files, compile_time, fit_time }), diags)
}

/// For each chapter, a hash of what its page-economy search depends on: its own generated Typst
/// and every file that is not a chapter (main file, style, templates). None when the files do not
/// hold every chapter.
fn fit_keys(files: &[TypstFile], templates: &[(String, String)], chapters: usize) -> Option<Vec<u64>> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut common = DefaultHasher::new();
    for f in files.iter().filter(|f| f.chapter.is_none()) {
        (&f.path, &f.text).hash(&mut common);
    }
    templates.hash(&mut common);
    let mut keys = vec![None; chapters];
    for f in files {
        if let Some(slot) = f.chapter.and_then(|i| keys.get_mut(i)) {
            let mut h = common.clone();
            (&f.path, &f.text).hash(&mut h);
            *slot = Some(h.finish());
        }
    }
    keys.into_iter().collect()
}

/// Export a laid-out document as PDF; diagnostics are mapped to the chapters.
pub fn export(layout: &Layout, settings: &PdfSettings, chapters: &[Chapter]) -> (Option<PdfOutput>, Vec<Diagnostic>) {
    let map = |d: &SourceDiagnostic| map_diagnostic(&layout.world, d, &layout.files, chapters);
    let mut diags = Vec::new();
    let out = export_doc(&layout.doc, settings, &map, &mut diags);
    (out.map(|o| PdfOutput { compile_time: layout.compile_time, fit_time: layout.fit_time, ..o }), diags)
}

/// A laid-out document and typst's warnings about it.
struct Compiled {
    doc: PagedDocument,
    warnings: Vec<SourceDiagnostic>,
}

/// The first compile of a document: every chapter at level 0, or where an earlier search of the
/// chapter ended (`levels`), and the files it was made from.
struct First {
    levels: Vec<fit::Level>,
    compiled: Compiled,
    files: Vec<TypstFile>,
}

/// Page economy: measure how each chapter ends in the first layout and, where one ends on a
/// spill-over page, compile again with it set tighter or looser (at most `fit::ROUNDS` times, and
/// once more to put the best settings together when the last try was not the best for every
/// chapter). Chapters open on a page of their own, so each one's setting changes its own pages
/// only, and unchanged chapters come from typst's memoized layout. Returns the chosen document,
/// the files it was compiled from when they are not the designed ones, and the search.
fn fit_pages<'s>(
    world: &dyn Fn(&[TypstFile]) -> DocWorld<'s>,
    files: &[TypstFile],
    chapters: &[Chapter],
    first: First,
    remembered: Vec<Option<fit::Tried>>,
) -> (Compiled, Option<Vec<TypstFile>>, fit::Search) {
    let slugs: Vec<String> = chapters.iter().map(|c| c.slug.clone()).collect();
    let mut search = fit::Search::resume(&fit::measure(&first.compiled.doc, &slugs), remembered);
    let compile = |files: &[TypstFile]| {
        let warned = typst::compile::<PagedDocument>(&world(files));
        warned.output.ok().map(|doc| Compiled { doc, warnings: warned.warnings.to_vec() })
    };
    let mut last: Option<(Vec<fit::Level>, Compiled, Vec<TypstFile>)> = None;
    for _ in 0..fit::ROUNDS {
        let Some(levels) = search.next() else { break };
        let files = typst_source::fitted(files, &levels);
        // A setting that does not compile is no candidate; the first layout stands.
        let Some(compiled) = compile(&files) else { break };
        search.record(&levels, &fit::measure(&compiled.doc, &slugs));
        last = Some((levels, compiled, files));
    }
    let best = search.best();
    let (compiled, levels, files) = match last {
        _ if best == first.levels => (first.compiled, first.levels, first.files),
        Some((levels, compiled, files)) if levels == best => (compiled, levels, files),
        _ => {
            let files = typst_source::fitted(files, &best);
            match compile(&files) {
                Some(compiled) => (compiled, best, files),
                None => (first.compiled, first.levels, first.files),
            }
        }
    };
    let fitted = levels.iter().any(|&l| l != 0).then_some(files);
    (compiled, fitted, search)
}

/// Compile the edition's cover (`files` holds the cover file, the style file and the rest) into SVG.
pub fn cover_svg(shared: &Shared, settings: &PdfSettings, files: &[TypstFile]) -> (Option<String>, Vec<Diagnostic>) {
    let mut sources: Vec<(String, String)> = files.iter().map(|f| (f.path.clone(), f.text.clone())).collect();
    sources.extend(settings.templates.iter().cloned());
    let world = DocWorld::new(shared, &settings.ident, settings.root, COVER_PATH, &sources, settings.date);
    // Only the cover file is compiled; the chapters beside it are served, never read.
    let permit = shared.compiling(files.iter().filter(|f| f.path == COVER_PATH).map(|f| f.text.len()).sum());
    let warned = typst::compile::<PagedDocument>(&world);
    drop(permit);
    let map = |d: &SourceDiagnostic| map_diagnostic(&world, d, files, &[]);
    let mut diags: Vec<Diagnostic> = warned.warnings.iter().map(map).collect();
    match warned.output {
        Ok(doc) => match typst_layout::resolve_label_links(doc).pages().first() {
            Some(page) => (Some(typst_svg::svg(page, &typst_svg::SvgOptions::default())), diags),
            None => (None, diags),
        },
        Err(errors) => {
            diags.extend(errors.iter().map(map));
            (None, diags)
        }
    }
}

/// Compile a Typst file that lies under `settings.root` (path like `/main.typ`) and export it.
pub fn compile_file(shared: &Shared, settings: &PdfSettings, main: &str) -> (Option<PdfOutput>, Vec<Diagnostic>) {
    let world = DocWorld::new(shared, &settings.ident, settings.root, main, &[], settings.date);
    let map = |d: &SourceDiagnostic| map_diagnostic(&world, d, &[], &[]);
    let started = std::time::Instant::now();
    let warned = typst::compile::<PagedDocument>(&world);
    let compile_time = started.elapsed();
    let mut diags: Vec<Diagnostic> = warned.warnings.iter().map(map).collect();
    match warned.output {
        Ok(doc) => {
            let out = export_doc(&doc, settings, &map, &mut diags);
            (out.map(|o| PdfOutput { compile_time, ..o }), diags)
        }
        Err(errors) => {
            diags.extend(errors.iter().map(map));
            (None, diags)
        }
    }
}

/// Check a laid-out document for missing glyphs and export it (bleed box, PDF/X when asked);
/// the compile and fit times are the caller's to fill in.
fn export_doc(
    doc: &PagedDocument,
    settings: &PdfSettings,
    map: &dyn Fn(&SourceDiagnostic) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) -> Option<PdfOutput> {
    // The safety net behind the character check: nothing ships with empty boxes.
    let missing = missing_glyphs(doc);
    if !missing.is_empty() {
        diags.extend(missing.iter().map(map));
        return None;
    }
    let (y, mo, d, h, mi, s) = settings.timestamp;
    let timestamp = Datetime::from_ymd_hms(y, mo, d, h, mi, s).map(Timestamp::new_utc);
    let list: Vec<PdfStandard> = settings
        .standards
        .iter()
        .filter_map(|s| match s {
            Standard::A2b => Some(PdfStandard::A_2b),
            Standard::A3b => Some(PdfStandard::A_3b),
            Standard::Ua1 => Some(PdfStandard::Ua_1),
            // typst does not write PDF/X (typst#6012): `pdfx` adds it after the export.
            Standard::X4 => None,
        })
        .collect();
    let standards = match PdfStandards::new(&list) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("these PDF standards cannot be combined: {}", e.message()))
                    .code(Code::Standard),
            );
            return None;
        }
    };
    let options =
        PdfOptions { ident: Smart::Custom(settings.ident.clone()), timestamp, standards, ..PdfOptions::default() };
    let started = std::time::Instant::now();
    // typst leaves links to labels pointing at the label's name until the document is finished.
    let doc = typst_layout::resolve_label_links(doc.clone());
    match typst_pdf::pdf(&doc, &options) {
        Ok(bytes) => {
            let bytes = if settings.bleed_mm > 0.0 {
                match super::boxes::add_bleed_box(&bytes, settings.bleed_mm * 72.0 / 25.4) {
                    Some(with_box) => with_box,
                    // A print PDF without its BleedBox would be trimmed wrongly: fail the edition.
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "cannot add the BleedBox to the exported PDF (its pages have no readable TrimBox)",
                            )
                            .with_hint("this is a bug in Spotlight; build without --bleed meanwhile")
                            .code(Code::Internal),
                        );
                        return None;
                    }
                }
            } else {
                bytes
            };
            let bytes = if settings.standards.contains(&Standard::X4) {
                match super::pdfx::make_x4(&bytes) {
                    Some(bytes) => bytes,
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "the PDF could not be made PDF/X-4: its structure is not what Spotlight expects",
                            )
                            .with_hint("build without --pdf-standard x-4 and report this as a bug")
                            .code(Code::Standard),
                        );
                        return None;
                    }
                }
            } else {
                bytes
            };
            let export_time = started.elapsed();
            Some(PdfOutput {
                bytes,
                pages: doc.pages().len(),
                compile_time: Duration::ZERO,
                fit_time: Duration::ZERO,
                export_time,
            })
        }
        Err(errors) => {
            diags.extend(errors.iter().map(map));
            None
        }
    }
}

/// Find glyphs laid out as `.notdef` (id 0: an empty box), once per character.
fn missing_glyphs(doc: &PagedDocument) -> Vec<SourceDiagnostic> {
    fn scan(frame: &Frame, seen: &mut HashSet<String>, out: &mut Vec<SourceDiagnostic>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => scan(&group.frame, seen, out),
                FrameItem::Text(text) => {
                    for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                        let ch = text.text.get(glyph.range()).unwrap_or("?").to_string();
                        if seen.insert(ch.clone()) {
                            let code = ch.chars().next().map_or(0, |c| c as u32);
                            let message = format!("no glyph for '{ch}' (U+{code:04X}): it would print as an empty box");
                            out.push(
                                SourceDiagnostic::error(glyph.span.0, message)
                                    .with_hint("add a font that covers it to fonts/ and to `fonts` in report.yaml"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for page in doc.pages() {
        scan(&page.frame, &mut seen, &mut out);
    }
    out
}

/// Translate a typst diagnostic into ours, pointing at the Markdown a generated line came from.
fn map_diagnostic(world: &DocWorld, diag: &SourceDiagnostic, files: &[TypstFile], chapters: &[Chapter]) -> Diagnostic {
    let mut out = match diag.severity {
        TypstSeverity::Error => Diagnostic::error(diag.message.to_string()),
        TypstSeverity::Warning => Diagnostic::warning(diag.message.to_string()),
    };
    out = out.code(if diag.message.starts_with("no glyph") { Code::Glyph } else { Code::Typst });
    // typst's hints about typst-cli flags (`--root`, `--features`) mean nothing to Spotlight users.
    let hints: Vec<String> =
        diag.hints.iter().map(|h| h.v.to_string()).filter(|h| !h.contains("--") && !h.contains("typst-cli")).collect();
    if !hints.is_empty() {
        out = out.with_hint(hints.join("; "));
    }
    let id: Option<FileId> = diag.span.id();
    let (Some(id), Some(range)) = (id, world.range(diag.span)) else {
        return out;
    };
    let vpath = id.vpath().get_with_slash().to_string();
    if let Some(file) = files.iter().find(|f| f.path == vpath) {
        if let (Some(index), Some(span)) = (file.chapter, file.markdown_span(range.start)) {
            return out.in_file(&chapters[index].source).at(span.line, span.column);
        }
        let (line, col) = line_col(&file.text, range.start);
        return out.in_file(format!("(generated) {vpath}")).at(line, col);
    }
    let builtin = vpath == DEFAULT_TEMPLATE_PATH
        || (vpath == typst_source::TEMPLATE_PATH && world.source(id).is_ok_and(|s| s.text() == TEMPLATE));
    if builtin {
        let (line, col) = line_col(TEMPLATE, range.start);
        return out.in_file("(template) src/formats/pdf/report.typ").at(line, col);
    }
    match world.source(id) {
        Ok(source) => {
            let (line, col) = line_col(source.text(), range.start);
            out.in_file(vpath.trim_start_matches('/')).at(line, col)
        }
        Err(_) => out.in_file(vpath.trim_start_matches('/')),
    }
}
