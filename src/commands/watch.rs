//! `spotlight watch`: build, then rebuild what each change touches, keeping the fonts, the typst
//! library and typst's memoized layout between builds. Survives errors (prints them and keeps
//! watching) and stops cleanly on Ctrl-C, between builds. With `--serve` it also builds the web
//! edition and serves the output folder on 127.0.0.1, telling open pages to reload after each build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::cli::WatchArgs;
use crate::diag::Diagnostic;
use crate::formats::pdf::world::{self, Shared};
use crate::output::serve;
use crate::pipeline::{self, Artifact, Outcome};
use crate::project::{self, Format};
use crate::report::{self, manifest};

/// Which editions a change touches: one edition's folder, or everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Only these editions.
    Editions(BTreeSet<String>),
    /// Every edition (configuration, bibliography, people, fonts changed).
    All,
}

/// Decide what a set of changed paths (relative to the project root) needs rebuilt; `None` when
/// nothing that feeds a build changed (output files, temporary files, editor backups).
pub fn scope(changed: &[PathBuf], out: &Path) -> Option<Scope> {
    let mut editions = BTreeSet::new();
    let mut all = false;
    for path in changed {
        if path.starts_with(out) || path.starts_with("target") || path.starts_with(".git") {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || !is_input_name(&name) {
            continue;
        }
        let mut parts = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
        match (parts.next().as_deref(), parts.next()) {
            (Some("chapters"), Some(lang)) if parts.next().is_some() => {
                editions.insert(lang);
            }
            (Some("chapters"), _) => all = true,
            (Some("report.yaml" | "people.yaml" | "bibliography" | "fonts" | "theme"), _) => all = true,
            _ if path
                .extension()
                .is_some_and(|e| matches!(e.to_str(), Some("png" | "jpg" | "jpeg" | "gif" | "svg"))) =>
            {
                all = true
            }
            _ => {}
        }
    }
    if all {
        Some(Scope::All)
    } else if editions.is_empty() {
        None
    } else {
        Some(Scope::Editions(editions))
    }
}

/// Whether a file name can be an input: editors' temporary files (`4913`, `sedjDjh2Q`, `x.tmp`,
/// `x.swp`) have no extension or one no input has.
fn is_input_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(
        ext.as_str(),
        "md" | "yaml"
            | "yml"
            | "bib"
            | "csl"
            | "typ"
            | "css"
            | "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "svg"
            | "ttf"
            | "otf"
            | "woff"
            | "woff2"
    )
}

/// Whether a change makes page economy search every chapter afresh: the remembered searches know
/// a chapter by its generated Typst, which holds an image's path, not the image; any change but a
/// chapter's Markdown may move pages the Typst does not show (an image, a theme file).
fn forgets_fits(changed: &[PathBuf]) -> bool {
    changed.iter().any(|p| p.extension().is_none_or(|e| e != "md"))
}

/// Whether one changed path feeds a build (for the list of changes printed).
fn scope_of_one(path: &Path, out: &Path) -> bool {
    scope(std::slice::from_ref(&path.to_path_buf()), out).is_some()
}

/// The plan of one build: `build`'s, with the web edition added when serving (alone when no
/// format is named).
fn plan_for(watch: &WatchArgs) -> Result<project::Plan, Vec<Diagnostic>> {
    let mut plan = project::for_build(&watch.build)?;
    if watch.serve {
        if watch.build.formats.is_empty() {
            plan.formats = vec![Format::Html];
        } else if !plan.formats.contains(&Format::Html) {
            plan.formats.push(Format::Html);
            plan.formats.sort();
        }
    }
    Ok(plan)
}

/// Run `spotlight watch`; returns the exit code (2 when the first plan cannot be made).
pub fn run(watch: &WatchArgs) -> u8 {
    let args = &watch.build;
    let format = args.report.message_format;
    let report = &|diags: &[Diagnostic]| report::diagnostics(diags, format);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let first = match plan_for(watch) {
        Ok(plan) => plan,
        Err(diags) => {
            report(&diags);
            return 2;
        }
    };
    let root = first.root.clone();
    let out = first.out.strip_prefix(&root).map(Path::to_path_buf).unwrap_or_else(|_| first.out.clone());
    let mut shared = Shared::load(&root.join("fonts")).keeping_sources();
    crate::document::passes::citations::keep_resolved();
    build_and_print(&first, &shared, report, "built", args.report.timings);
    let server = if watch.serve {
        match serve::start(&first.out, watch.port.unwrap_or(8000)) {
            Ok(server) => {
                let site = crate::formats::html::site_dir(&first);
                eprintln!("serving http://{}/{site}/ (pages reload after each rebuild)", server.addr);
                Some(server)
            }
            Err(e) => {
                report(&[Diagnostic::error(format!("{e:#}")).code(crate::diag::Code::Usage)]);
                return 2;
            }
        }
    } else {
        None
    };

    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading files (our own builds do) is no change; only writes, creations, renames, removals are.
        if let Ok(event) = event
            && matches!(
                event.kind,
                EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
            )
        {
            let _ = tx.send(event.paths);
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            report(&[Diagnostic::error(format!("cannot watch the project: {e}"))]);
            return 2;
        }
    };
    if let Err(e) = watcher.watch(&root, RecursiveMode::Recursive) {
        report(&[Diagnostic::error(format!("cannot watch {}: {e}", root.display()))]);
        return 2;
    }
    eprintln!("watching {} (Ctrl-C to stop)", root.display());
    while !stop.load(Ordering::SeqCst) {
        let Ok(paths) = rx.recv_timeout(Duration::from_millis(200)) else { continue };
        // Editors write in bursts: collect what changes within a short quiet period.
        let mut changed: Vec<PathBuf> = paths;
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(120)) {
            changed.extend(more);
        }
        let relative: Vec<PathBuf> = changed
            .iter()
            .map(|p| p.strip_prefix(&root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone()))
            .collect();
        let Some(scope) = scope(&relative, &out) else { continue };
        let relative: Vec<PathBuf> = relative.into_iter().filter(|p| scope_of_one(p, &out)).collect();
        let mut plan = match plan_for(watch) {
            Ok(plan) => plan,
            Err(diags) => {
                report(&diags);
                continue;
            }
        };
        if relative.iter().any(|p| p.starts_with("fonts")) {
            shared = Shared::load(&root.join("fonts")).keeping_sources();
        } else if forgets_fits(&relative) {
            shared.forget_fits();
        }
        if let Scope::Editions(langs) = &scope {
            plan.editions.retain(|e| langs.contains(&e.lang));
        }
        let names: Vec<String> =
            relative.iter().map(|p| p.display().to_string()).collect::<BTreeSet<_>>().into_iter().collect();
        eprintln!("changed: {}", names.join(", "));
        build_and_print(&plan, &shared, report, "rebuilt", args.report.timings);
        if let Some(server) = &server {
            server.reload();
        }
    }
    eprintln!("stopped watching");
    0
}

fn build_and_print(
    plan: &project::Plan,
    shared: &Shared,
    report: &dyn Fn(&[Diagnostic]),
    verb: &str,
    timings: bool,
) -> Outcome {
    let start = Instant::now();
    let quiet = |_: &Artifact, _: Duration| {};
    let outcome = pipeline::run_with(plan, shared, &quiet, false);
    report(&outcome.diagnostics);
    if plan.write {
        // Unlike a one-shot build, watch keeps the last good artifact of a failed rebuild (a viewer
        // may have it open), says it is stale and why, and the next good rebuild replaces it whole.
        let mut diags = stale_notes(plan, &outcome);
        if let Err(d) = manifest::write_manifest(plan, &outcome) {
            diags.push(d);
        }
        report(&diags);
    }
    let mut what: Vec<String> =
        outcome.artifacts.iter().map(|a| format!("{}/{}", a.lang, a.format.extension())).collect();
    what.sort();
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "{verb} {} in {:.2} s ({errors} error(s))",
        if what.is_empty() { "nothing".to_string() } else { what.join(", ") },
        start.elapsed().as_secs_f64()
    );
    if timings {
        eprint!("{}", report::timings_table(&outcome.timings));
    }
    // Free layout results no build will ask for again; recent ones stay for the next rebuild.
    world::evict(10);
    outcome
}

/// One warning per kept artifact of a failed rebuild: it is stale, and the first error is why.
fn stale_notes(plan: &project::Plan, outcome: &Outcome) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    for ed in &plan.editions {
        for &format in &plan.formats {
            if outcome.artifacts.iter().any(|a| a.lang == ed.lang && a.format == format) {
                continue;
            }
            let path = pipeline::artifact_path(plan, &ed.lang, format);
            if !path.is_file() {
                continue;
            }
            let why = outcome
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .map_or_else(|| "the rebuild failed".to_string(), |d| d.message.clone());
            let shown = path.strip_prefix(&plan.root).unwrap_or(&path).display().to_string();
            notes.push(
                Diagnostic::warning(format!("kept the last good `{shown}`; it is stale: the rebuild failed ({why})"))
                    .in_file(&path)
                    .with_hint("fix the error above; the next good rebuild replaces it")
                    .code(crate::diag::Code::Output),
            );
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<PathBuf> {
        list.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_chapter_change_rebuilds_its_edition_only() {
        let s = scope(&paths(&["chapters/fr/03-pandemic.md"]), Path::new("dist"));
        assert_eq!(s, Some(Scope::Editions(["fr".to_string()].into())));
    }

    #[test]
    fn shared_inputs_rebuild_everything_and_outputs_nothing() {
        assert_eq!(scope(&paths(&["report.yaml"]), Path::new("dist")), Some(Scope::All));
        assert_eq!(scope(&paths(&["bibliography/refs.bib"]), Path::new("dist")), Some(Scope::All));
        assert_eq!(scope(&paths(&["dist/x-en.pdf", "chapters/en/.01-a.md.swp"]), Path::new("dist")), None);
    }

    #[test]
    fn only_markdown_changes_keep_the_remembered_page_economy() {
        assert!(!forgets_fits(&paths(&["chapters/en/01-a.md", "chapters/de/02-b.md"])));
        assert!(forgets_fits(&paths(&["chapters/en/01-a.md", "chapters/en/chart.png"])));
        assert!(forgets_fits(&paths(&["images/water-use.svg"])));
        assert!(forgets_fits(&paths(&["theme/report.typ"])));
    }

    #[test]
    fn editor_temporary_swap_and_backup_files_are_not_inputs() {
        let temporary = [
            "chapters/en/.#01-a.md",
            "chapters/en/01-a.md~",
            "chapters/en/.01-a.md.swp",
            "chapters/en/4913",
            "chapters/en/sedjDjh2Q",
            "chapters/en/01-a.md.tmp",
            "chapters/en/#01-a.md#",
            "report.yaml~",
        ];
        for name in temporary {
            assert_eq!(scope(&paths(&[name]), Path::new("dist")), None, "{name}");
        }
        assert_eq!(scope(&paths(&["theme/epub.css"]), Path::new("dist")), Some(Scope::All));
        assert!(scope(&paths(&["chapters/en/img/a.PNG"]), Path::new("dist")).is_some());
    }
}
