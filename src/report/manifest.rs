//! The manifest (`OUT/manifest.json`: every artifact with its hash, the editions' status, tool and
//! source versions) and the retraction of artifacts a failed build would leave stale, which only
//! removes files the previous manifest proves Spotlight wrote.

use std::path::Path;

use serde_json::json;

use crate::diag::{Code, Diagnostic};
use crate::output::{self, write_atomic};
use crate::pipeline::{Outcome, sha256_hex};
use crate::project::{Format, Plan, files};

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// The path of an artifact relative to the output folder, with forward slashes.
fn relative(plan: &Plan, path: &Path) -> String {
    path.strip_prefix(&plan.out).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// The artifact records of the previous manifest, if there is one.
fn previous_records(plan: &Plan) -> Vec<serde_json::Value> {
    output::read(&plan.out.join(MANIFEST))
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["artifacts"].as_array().cloned())
        .unwrap_or_default()
}

/// Whether an artifact record's file is still on disk with the hash the record gives.
fn still_on_disk(plan: &Plan, record: &serde_json::Value) -> bool {
    let (Some(path), Some(hash)) = (record["path"].as_str(), record["sha256"].as_str()) else { return false };
    // Records name files inside the output folder only; anything else is not ours to vouch for.
    if path.starts_with('/') || path.split('/').any(|part| part == "..") {
        return false;
    }
    output::read(&plan.out.join(path)).is_some_and(|bytes| sha256_hex(&bytes) == hash)
}

/// Remove artifacts of failed editions and formats left by an earlier build, so none is stale under
/// its final name; only files the previous manifest lists with the same hash (Spotlight's own).
pub fn retract_failed(plan: &Plan, outcome: &Outcome) -> Vec<Diagnostic> {
    let previous: Vec<(String, String)> = previous_records(plan)
        .iter()
        .filter_map(|a| Some((a["path"].as_str()?.to_string(), a["sha256"].as_str()?.to_string())))
        .collect();
    let mut diags = Vec::new();
    for ed in &plan.editions {
        for &format in &plan.formats {
            if outcome.artifacts.iter().any(|a| a.lang == ed.lang && a.format == format) {
                continue;
            }
            let path = plan.out.join(format!("{}-{}.{}", plan.meta.slug, ed.lang, format.extension()));
            let Some(bytes) = output::read(&path) else { continue };
            let rel = relative(plan, &path);
            let ours = previous.iter().any(|(p, h)| *p == rel && *h == sha256_hex(&bytes));
            if ours && output::remove(&path) {
                diags.push(
                    Diagnostic::warning(format!("removed `{rel}` from an earlier build: this build of it failed"))
                        .in_file(&path)
                        .code(Code::Output),
                );
            } else if !ours {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{rel}` was not written by Spotlight and is out of date; left in place"
                    ))
                    .in_file(&path)
                    .code(Code::Output),
                );
            }
        }
    }
    diags
}

/// The previous manifest's entries for artifacts this run did not write that are still on disk
/// unchanged (other editions, or the last good artifact `watch` keeps), so the manifest lists
/// exactly the files beside it; one this run tried and failed to rebuild is marked `stale`.
fn kept_from_previous(plan: &Plan, outcome: &Outcome) -> Vec<serde_json::Value> {
    let mut kept = Vec::new();
    for mut entry in previous_records(plan) {
        let Some(rel) = entry["path"].as_str().map(str::to_string) else { continue };
        if outcome.artifacts.iter().any(|a| relative(plan, &a.path) == rel) || !still_on_disk(plan, &entry) {
            continue;
        }
        let lang = entry["edition"].as_str().unwrap_or_default().to_string();
        let tried = plan.editions.iter().any(|e| e.lang == lang)
            && plan.formats.iter().any(|f| entry["format"].as_str() == Some(f.extension()));
        if tried {
            entry["stale"] = json!(true);
        }
        kept.push(entry);
    }
    kept
}

/// Write `OUT/manifest.json`: every artifact with its hash, the editions' translation status, the
/// tool version and the source commit. Records of earlier builds' artifacts this build did not
/// write (a partial build: `--lang ja`) are kept while their files are on disk with the same hash,
/// so a later failing build can still retract them.
pub fn write_manifest(plan: &Plan, outcome: &Outcome) -> Result<(), Diagnostic> {
    let mut artifacts: Vec<serde_json::Value> = outcome
        .artifacts
        .iter()
        .map(|a| {
            let mut checks = vec!["markdown", "links", "citations", "speakers", "glyph-coverage"];
            checks.push(match a.format {
                Format::Pdf => "layout-glyphs",
                Format::Epub => "epub-structure",
                Format::Html => "html-structure",
            });
            let mut entry = json!({
                "path": relative(plan, &a.path),
                "edition": a.lang,
                "format": a.format.extension(),
                "bytes": a.bytes,
                "sha256": a.sha256,
                "pages": a.pages,
                "words": a.words,
                "validators": checks.iter().map(|c| json!({"name": c, "result": "passed"})).collect::<Vec<_>>(),
            });
            // A web edition lists every file it wrote.
            if !a.files.is_empty() {
                entry["files"] = a
                    .files
                    .iter()
                    .map(|f| json!({"path": relative(plan, &f.path), "bytes": f.bytes, "sha256": f.sha256}))
                    .collect();
            }
            entry
        })
        .collect();
    artifacts.extend(kept_from_previous(plan, outcome));
    let editions: Vec<serde_json::Value> = plan
        .editions
        .iter()
        .map(|ed| {
            let mut counts = std::collections::BTreeMap::new();
            for c in &ed.status {
                *counts.entry(c.state.word()).or_insert(0) += 1;
            }
            json!({
                "lang": ed.lang,
                "result": if outcome.failed.contains(&ed.lang) { "failed" } else { "built" },
                "translation": ed.translation.as_ref().filter(|_| ed.lang != plan.source_lang).map(|t| json!({
                    "of": t.of,
                    "status": t.status,
                    "chapters": counts,
                })),
            })
        })
        .collect();
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let (y, mo, d, h, mi, s) = plan.timestamp;
    let manifest = json!({
        "tool": { "name": "spotlight", "version": env!("CARGO_PKG_VERSION"), "typst": "0.15.1" },
        "source": {
            "commit": files::source_commit(&plan.root),
            "date": format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        },
        "report": { "title": plan.meta.title, "slug": plan.meta.slug },
        "artifacts": artifacts,
        "editions": editions,
        "diagnostics": { "errors": errors, "warnings": outcome.diagnostics.len() - errors },
    });
    let path = plan.out.join(MANIFEST);
    let text = format!("{manifest:#}\n");
    write_atomic(&path, text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("{e:#}")).in_file(&path).code(Code::Output))
}
