//! The build cache in the pipeline: each edition whose every requested format has a whole entry
//! under its key (with the files it read unchanged) is served from the cache, byte-identical, with
//! the warnings its build gave; the other editions are built, and what they made is stored. Fonts
//! and the typst library are loaded only when something is built. Never caches a failed edition,
//! a check, a build that emits its Typst, or a web site (many files; always rebuilt).

use std::path::PathBuf;

use rayon::prelude::*;
use std::time::Instant;

use super::{Artifact, Outcome, Progress, artifact_path, run_uncached};
use crate::diag::{Code, Diagnostic, Severity};
use crate::output::{self, cache::Cache, cache::Entry};
use crate::project::fingerprint::{self, Digest, Memo};
use crate::project::{EditionPlan, Format, Plan};

/// Run the plan through the cache.
pub fn run(plan: &Plan, cache: &Cache, progress: &Progress) -> Outcome {
    let start = Instant::now();
    let memo = Memo::new(Some(cache.memo()));
    let shared = fingerprint::shared(plan, &memo);
    let keys: Vec<Vec<(Format, Digest)>> = plan
        .editions
        .par_iter()
        .map(|ed| {
            let edition = fingerprint::edition(plan, &memo, &shared, ed);
            plan.formats.iter().map(|&f| (f, fingerprint::key(&edition, f))).collect()
        })
        .collect();
    let mut served = Outcome::default();
    let mut rest = plan.clone();
    rest.editions.clear();
    // Reading and checking entries is I/O and hashing: spread over the cores.
    let found: Vec<Option<Vec<(Format, Entry)>>> =
        keys.par_iter().map(|keys| lookup(plan, cache, &memo, keys)).collect();
    // Writing (each file flushed to disk) waits on the device: the editions are put in place at once.
    let hits: Vec<(&EditionPlan, Vec<(Format, Entry)>)> =
        plan.editions.iter().zip(found).filter_map(|(ed, entries)| Some((ed, entries?))).collect();
    rest.editions =
        plan.editions.iter().filter(|ed| !hits.iter().any(|(hit, _)| hit.lang == ed.lang)).cloned().collect();
    let put: Vec<Outcome> = hits
        .into_par_iter()
        .map(|(ed, entries)| {
            let mut out = Outcome::default();
            serve(plan, ed, entries, progress, &mut out);
            out
        })
        .collect();
    for mut out in put {
        served.artifacts.append(&mut out.artifacts);
        served.diagnostics.append(&mut out.diagnostics);
        served.failed.append(&mut out.failed);
    }
    if rest.editions.is_empty() {
        remember(cache, &memo);
        served.timings.add("cache", start.elapsed());
        return served;
    }
    served.timings.add("cache", start.elapsed());
    let mut outcome = run_uncached(&rest, progress);
    let start = Instant::now();
    store(plan, cache, &memo, &keys, &mut outcome);
    remember(cache, &memo);
    outcome.timings.add("cache", start.elapsed());
    outcome.artifacts.append(&mut served.artifacts);
    outcome.diagnostics.append(&mut served.diagnostics);
    outcome.timings.merge(&served.timings);
    // In plan order whatever came from where, so the manifest does not depend on the cache.
    let rank = |a: &Artifact| {
        let ed = plan.editions.iter().position(|e| e.lang == a.lang);
        (ed, plan.formats.iter().position(|f| *f == a.format))
    };
    outcome.artifacts.sort_by_key(rank);
    outcome
}

/// The entries of every format of an edition, if the cache holds them all and what they read is
/// unchanged.
fn lookup(plan: &Plan, cache: &Cache, memo: &Memo, keys: &[(Format, Digest)]) -> Option<Vec<(Format, Entry)>> {
    keys.iter()
        .map(|(format, key)| {
            // A site is many files; the cache keeps single-file artifacts only.
            if *format == Format::Html {
                return None;
            }
            let entry = cache.get(&key.0)?;
            let unchanged = entry
                .reads
                .iter()
                .all(|(path, hash)| fingerprint::file(memo, &plan.root, path).is_some_and(|h| h.0 == *hash));
            unchanged.then_some((*format, entry))
        })
        .collect()
}

/// Put an edition's cached artifacts in place (unless the file there is already the same).
fn serve(plan: &Plan, ed: &EditionPlan, entries: Vec<(Format, Entry)>, progress: &Progress, out: &mut Outcome) {
    for (format, entry) in entries {
        let path = artifact_path(plan, &ed.lang, format);
        let started = Instant::now();
        let same = output::read(&path).is_some_and(|bytes| bytes == entry.bytes);
        if !same && let Err(e) = output::write_atomic(&path, &entry.bytes) {
            out.diagnostics.push(Diagnostic::error(format!("{e:#}")).in_file(&path).code(Code::Output));
            out.failed.push(ed.lang.clone());
            continue;
        }
        let artifact = Artifact {
            path,
            lang: ed.lang.clone(),
            format,
            bytes: entry.bytes.len(),
            sha256: entry.sha256,
            pages: entry.pages,
            words: entry.words,
            cached: true,
            files: Vec::new(),
        };
        progress(&artifact, started.elapsed());
        out.artifacts.push(artifact);
        out.diagnostics.extend(entry.warnings);
    }
}

/// Keep the file hashes for the next run when they changed. A memo that cannot be written costs
/// the next run only time (it hashes the files again), so it is no warning.
fn remember(cache: &Cache, memo: &Memo) {
    if memo.changed() {
        let _ = cache.put_memo(&memo.entries());
    }
}

/// Store what the editions that did not fail made; a cache that cannot be written is a warning.
fn store(plan: &Plan, cache: &Cache, memo: &Memo, keys: &[Vec<(Format, Digest)>], outcome: &mut Outcome) {
    let mut problems = Vec::new();
    for artifact in &outcome.artifacts {
        if outcome.failed.contains(&artifact.lang) || artifact.format == Format::Html {
            continue;
        }
        let Some(i) = plan.editions.iter().position(|e| e.lang == artifact.lang) else { continue };
        let Some((_, key)) = keys[i].iter().find(|(f, _)| *f == artifact.format) else { continue };
        let Some(bytes) = output::read(&artifact.path) else { continue };
        let reads: Option<Vec<(PathBuf, String)>> = outcome
            .reads
            .get(&artifact.lang)
            .into_iter()
            .flatten()
            .map(|p| Some((p.clone(), fingerprint::file(memo, &plan.root, p)?.0)))
            .collect();
        let Some(reads) = reads else { continue };
        let warnings: Vec<Diagnostic> = outcome
            .by_edition
            .get(&artifact.lang)
            .into_iter()
            .flatten()
            .filter(|d| d.severity == Severity::Warning)
            .cloned()
            .collect();
        let entry = Entry {
            bytes,
            sha256: artifact.sha256.clone(),
            pages: artifact.pages,
            words: artifact.words,
            warnings,
            reads,
        };
        if let Err(e) = cache.put(&key.0, &entry) {
            problems.push(format!("{e:#}"));
        }
    }
    if let Some(first) = problems.first() {
        outcome.diagnostics.push(
            Diagnostic::warning(format!("{first} ({} artifact(s) not stored)", problems.len()))
                .with_hint("the build itself is complete; free space or pass --cache DIR or --no-cache")
                .code(Code::Output),
        );
    }
}
