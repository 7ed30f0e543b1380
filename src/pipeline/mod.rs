//! The pipeline for a plan: every edition read, parsed and rendered to Typst (`prepare`, one ahead
//! on a thread of its own), then typeset and made in every format by a worker (`typeset`, editions
//! in parallel), then written. Every
//! failure of every edition is collected, not only the first; one failing edition does not stop
//! the others, and a panic in one becomes an internal error of that edition alone.

mod cache;
mod edition;
mod outcome;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use edition::{Inputs, load_edition};
pub use outcome::{Artifact, ArtifactFile, Outcome, Timings, sha256_hex};

use crate::diag::{Code, Diagnostic, has_errors};
use crate::document::model::Edition;
use crate::document::passes::citations;
use crate::document::passes::standards;
use crate::formats::pdf::typst as typst_render;
use crate::formats::pdf::world::Shared;
use crate::formats::{self, Job, Made, fonts};
use crate::output;
use crate::project::people;
use crate::project::{EditionPlan, Format, Plan, files};

/// Called when an artifact is finished, with the time its format took.
pub type Progress<'a> = dyn Fn(&Artifact, Duration) + Sync + 'a;

/// Run the plan: build (or with `plan.write == false`, only check) every edition and format,
/// taking from the build cache (`plan.cache`) what it holds and storing there what was made.
pub fn run(plan: &Plan, progress: &Progress) -> Outcome {
    match plan.cache.as_deref().filter(|_| plan.write && !plan.emit_typst) {
        Some(dir) => cache::run(plan, &crate::output::cache::Cache::new(dir), progress),
        None => run_uncached(plan, progress),
    }
}

/// Run the plan without the build cache.
fn run_uncached(plan: &Plan, progress: &Progress) -> Outcome {
    let start = Instant::now();
    let shared = Shared::load(&plan.root.join("fonts"));
    let loaded = start.elapsed();
    let mut outcome = run_with(plan, &shared, progress, true);
    outcome.timings.add("fonts", loaded);
    outcome
}

/// Run the plan with fonts and the typst library already loaded (`watch` keeps them between builds,
/// and typst's memoized layout with them). `plan.jobs` editions are built at once (default: one per
/// core), each by its own worker; typst itself lays pages out on every core either way, and
/// compiles wait while the Typst compiling would exceed the budget (`COMPILE_BUDGET` of
/// `formats::pdf::world`). With `evict`, typst's caches are emptied whenever no compile runs, so
/// memory stays near one long edition's however many editions and jobs there are.
pub fn run_with(plan: &Plan, shared: &Shared, progress: &Progress, evict: bool) -> Outcome {
    shared.evicting(evict);
    let mut outcome = Outcome::default();
    let start = Instant::now();
    let bib = match citations::load(&plan.root, plan.citation_style.as_deref(), &plan.nocite) {
        Ok(bib) => bib,
        Err(diags) => {
            outcome.diagnostics = diags;
            return outcome;
        }
    };
    let people = match people::load(&plan.root, plan.meta.kind) {
        Ok(people) => people,
        Err(d) => {
            outcome.diagnostics.push(d);
            return outcome;
        }
    };
    outcome.timings.add("bibliography", start.elapsed());
    let start = Instant::now();
    // Files every edition shares: check once that each of their characters can be printed.
    let mut shared_files = vec![PathBuf::from(crate::project::CONFIG_FILE), PathBuf::from(people::FILE)];
    shared_files.extend(files::list(&plan.root, Path::new(citations::DIR)));
    for rel in shared_files {
        if let Some(text) = files::read_text(&plan.root, &rel) {
            outcome.diagnostics.extend(fonts::check_text(shared, &rel, &text));
        }
    }
    outcome.timings.add("glyph check", start.elapsed());
    if has_errors(&outcome.diagnostics) {
        outcome.failed = plan.editions.iter().map(|e| e.lang.clone()).collect();
        return outcome;
    }
    let inputs = Inputs { people, bib };
    let shared_diagnostics = outcome.diagnostics.clone();
    // Workers of our own take editions one at a time: inside rayon's pool, a thread waiting for
    // typst would start another edition, and every edition would be in memory at once. Editions
    // are read, cited and rendered in order on a thread of their own, one ahead of the workers
    // (the channel holds none: the next one waits in hand), so the next edition's reading and
    // citations use the core a typesetting edition leaves idle at times.
    let jobs = plan.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let (ahead, prepared) = std::sync::mpsc::sync_channel::<(usize, Result<Ready, Box<Outcome>>)>(0);
    let prepared = Mutex::new(prepared);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(plan.editions.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        let inputs = &inputs;
        scope.spawn(move || {
            for (i, ed) in plan.editions.iter().enumerate() {
                let ready = caught(|| prepare(plan, shared, inputs, ed))
                    .unwrap_or_else(|what| Err(Box::new(internal(&ed.lang, &what))));
                if ahead.send((i, ready)).is_err() {
                    break;
                }
            }
        });
        for _ in 0..jobs.clamp(1, plan.editions.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let next = prepared.lock().expect("no worker panics while holding the channel").recv();
                    let Ok((i, ready)) = next else { break };
                    let outcome = match ready {
                        Ok(ready) => guarded(&plan.editions[i].lang, || typeset(plan, shared, ready, progress)),
                        Err(ended) => *ended,
                    };
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
        let mut own = shared_diagnostics.clone();
        own.extend(o.diagnostics.iter().cloned());
        outcome.by_edition.insert(ed.lang.clone(), own);
        outcome.reads.extend(o.reads);
        outcome.diagnostics.extend(o.diagnostics);
        outcome.timings.merge(&o.timings);
    }
    outcome
}

/// Build one edition, turning a panic (a bug) into an internal error of that edition alone.
fn guarded(lang: &str, build: impl FnOnce() -> Outcome) -> Outcome {
    caught(build).unwrap_or_else(|what| internal(lang, &what))
}

/// Run a step, returning what its panic said if it panicked.
fn caught<T>(step: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into())
    })
}

/// The outcome of an edition that met a bug: one internal error.
fn internal(lang: &str, what: &str) -> Outcome {
    let d = Diagnostic::error(format!("internal error while building the `{lang}` edition: {what}"))
        .with_hint("this is a bug in Spotlight; please report it with the input that caused it")
        .code(Code::Internal);
    Outcome { diagnostics: vec![d], ..Outcome::default() }
}

/// An edition read, cited and rendered into Typst, waiting to be typeset.
struct Ready {
    outcome: Outcome,
    edition: Edition,
    typst_files: Vec<typst_render::TypstFile>,
}

/// Read an edition into the model and render its Typst; `Err` holds the outcome of an edition that
/// ends here (its errors).
fn prepare(plan: &Plan, shared: &Shared, deps: &Inputs, ed: &EditionPlan) -> Result<Ready, Box<Outcome>> {
    let mut outcome = Outcome::default();
    let (edition, diags) = load_edition(plan, shared, deps, ed, &mut outcome.timings);
    outcome.diagnostics = diags;
    let Some(mut edition) = edition else { return Err(Box::new(outcome)) };
    outcome.reads.insert(ed.lang.clone(), crate::document::walk::asset_paths(&edition));
    let start = Instant::now();
    let (fonts, font_diags) = fonts::for_edition(shared, &edition.meta.fonts, &edition.lang);
    edition.fonts = fonts;
    outcome.diagnostics.extend(font_diags);
    let standard_diags = standards::check(&edition, &plan.print.standards);
    let failed = has_errors(&standard_diags);
    outcome.diagnostics.extend(standard_diags);
    if failed {
        return Err(Box::new(outcome));
    }
    let cover = plan.cover.as_ref().map(|c| c.to_string_lossy().replace('\\', "/"));
    let typst_files = typst_render::render(&edition, &plan.print, cover.as_deref(), &plan.theme);
    outcome.timings.add("render", start.elapsed());
    Ok(Ready { outcome, edition, typst_files })
}

/// Typeset a prepared edition and make it in every format.
fn typeset(plan: &Plan, shared: &Shared, ready: Ready, progress: &Progress) -> Outcome {
    let Ready { mut outcome, edition, typst_files } = ready;
    // The PDF is laid out once, before any format is made: the EPUB and the web edition mark its
    // page breaks, so they need its layout even when no PDF is asked for (then it is not exported).
    let laid_out = Instant::now();
    let job = Job { plan, shared, edition: &edition, typst: &typst_files, pages: None };
    let paged = plan.formats.iter().any(|f| matches!(f, Format::Epub | Format::Html));
    let (layout, layout_diags) = formats::pdf::layout(&job);
    let layout_failed = has_errors(&layout_diags);
    outcome.diagnostics.extend(layout_diags);
    // The Typst the PDF was made from: as page economy fitted it (or as designed, when it failed).
    let emitted = layout.as_ref().map_or(typst_files.as_slice(), |l| l.files.as_slice());
    if plan.write
        && plan.emit_typst
        && let Err(d) = output::emit_typst(plan, &edition, emitted)
    {
        outcome.diagnostics.push(d);
    }
    let mapped = Instant::now();
    let pages = layout.as_ref().filter(|_| paged).map(|l| formats::pdf::page_map(&job, l));
    if pages.is_some() {
        outcome.timings.add("page map", mapped.elapsed());
    }
    if let Some(l) = layout.as_ref().filter(|_| !plan.formats.contains(&Format::Pdf)) {
        outcome.timings.add("typst compile", l.compile_time);
        outcome.timings.add("page fitting", l.fit_time);
    }
    let job = Job { pages: pages.as_ref(), ..job };
    let make = |format: Format| {
        let started = Instant::now();
        let (made, diags) = match (format, &layout) {
            (Format::Pdf, Some(layout)) => {
                let (made, diags) = formats::pdf::export(&job, layout);
                return (format, laid_out, made, diags);
            }
            // The layout's errors are reported once, above.
            (_, None) => (None, Vec::new()),
            (Format::Epub, Some(_)) => formats::epub::build(&job),
            (Format::Html, Some(_)) => formats::html::build(&job),
        };
        (format, started, made, diags)
    };
    // Formats side by side on threads of their own, never on rayon's: a typst compile (the EPUB
    // cover's) may wait for another edition's to finish (`Shared::compiling`), and a rayon thread
    // waiting there could be the one that other compile needs.
    let made: Vec<(Format, Instant, Option<Made>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let (first, rest) = plan.formats.split_first().map_or((None, &[][..]), |(f, r)| (Some(*f), r));
        let others: Vec<_> = rest.iter().map(|&format| scope.spawn(move || make(format))).collect();
        let mut made: Vec<_> = first.map(make).into_iter().collect();
        for handle in others {
            match handle.join() {
                Ok(m) => made.push(m),
                // Resumed here, the panic becomes this edition's internal error (`guarded`).
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        made
    });
    // Written only once every format is made: an edition that fails midway leaves nothing new
    // (not its EPUB when its PDF failed).
    let complete = !layout_failed && made.iter().all(|(_, _, m, d)| m.is_some() && !has_errors(d));
    for (format, started, made, diags) in made {
        outcome.diagnostics.extend(diags);
        let Some(made) = made.filter(|_| complete) else { continue };
        for (stage, time) in &made.timings {
            outcome.timings.add(stage, *time);
        }
        match finish_artifact(plan, &edition, format, made, &mut outcome.timings) {
            Ok(artifact) => {
                progress(&artifact, started.elapsed());
                outcome.artifacts.push(artifact);
            }
            Err(d) => outcome.diagnostics.push(d),
        }
    }
    outcome
}

/// Where an edition's artifact of a format goes.
pub fn artifact_path(plan: &Plan, lang: &str, format: Format) -> PathBuf {
    match format {
        // A web edition is a folder; its index page stands for it.
        Format::Html => plan.out.join(formats::html::site_dir(plan)).join(lang).join(formats::html::INDEX_HREF),
        _ => plan.out.join(format!("{}-{lang}.{}", plan.meta.slug, format.extension())),
    }
}

/// Write a finished artifact (unless checking) and describe it.
fn finish_artifact(
    plan: &Plan,
    edition: &Edition,
    format: Format,
    made: Made,
    t: &mut Timings,
) -> Result<Artifact, Diagnostic> {
    let path = artifact_path(plan, &edition.lang, format);
    let start = Instant::now();
    // A format of many files writes each (the index among them); its size is the sum.
    let mut files = Vec::new();
    for (rel, bytes) in &made.files {
        let file = plan.out.join(rel);
        if plan.write
            && let Err(e) = output::write_atomic(&file, bytes)
        {
            return Err(Diagnostic::error(format!("{e:#}")).in_file(&file).code(Code::Output));
        }
        files.push(ArtifactFile { path: file, bytes: bytes.len(), sha256: sha256_hex(bytes) });
    }
    if made.files.is_empty()
        && plan.write
        && let Err(e) = output::write_atomic(&path, &made.bytes)
    {
        return Err(Diagnostic::error(format!("{e:#}")).in_file(&path).code(Code::Output));
    }
    t.add("write", start.elapsed());
    let size = if files.is_empty() { made.bytes.len() } else { files.iter().map(|f| f.bytes).sum() };
    Ok(Artifact {
        path,
        files,
        lang: edition.lang.clone(),
        format,
        bytes: size,
        sha256: sha256_hex(&made.bytes),
        pages: made.pages,
        words: crate::document::walk::word_count(edition),
        cached: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_of_its_edition() {
        let outcome = guarded("fr", || panic!("boom"));
        assert_eq!(outcome.diagnostics.len(), 1);
        assert_eq!(outcome.diagnostics[0].code, Code::Internal);
        assert!(outcome.diagnostics[0].message.contains("`fr` edition: boom"), "{}", outcome.diagnostics[0]);
    }
}
