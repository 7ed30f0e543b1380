//! Writing artifacts: every file goes to a temporary name in its final folder and is renamed into
//! place, so no reader ever sees a half-written artifact; the manifest; the summary and timing
//! tables. Never deletes files it did not write (what it wrote, the previous manifest says).

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::json;

use crate::build::{Outcome, Timings};
use crate::diag::Diagnostic;
use crate::plan::{Format, Plan};

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// Write `bytes` to `path` atomically (temp file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        file.write_all(bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.sync_all().with_context(|| format!("cannot flush {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The path of an artifact relative to the output folder, with forward slashes.
fn relative(plan: &Plan, path: &Path) -> String {
    path.strip_prefix(&plan.out).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Remove artifacts of failed editions and formats left by an earlier build, so none is stale under
/// its final name; only files the previous manifest lists with the same hash (Spotlight's own).
pub fn retract_failed(plan: &Plan, outcome: &Outcome) -> Vec<Diagnostic> {
    let previous: Vec<(String, String)> = fs::read(plan.out.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["artifacts"].as_array().cloned())
        .unwrap_or_default()
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
            let Ok(bytes) = fs::read(&path) else { continue };
            let rel = relative(plan, &path);
            let ours = previous.iter().any(|(p, h)| *p == rel && *h == sha256_hex(&bytes));
            if ours && fs::remove_file(&path).is_ok() {
                diags.push(
                    Diagnostic::warning(format!("removed `{rel}` from an earlier build: this build of it failed"))
                        .in_file(&path)
                        .code("output"),
                );
            } else if !ours {
                diags.push(
                    Diagnostic::warning(format!(
                        "`{rel}` was not written by Spotlight and is out of date; left in place"
                    ))
                    .in_file(&path)
                    .code("output"),
                );
            }
        }
    }
    diags
}

/// Write `OUT/manifest.json`: every artifact with its hash, the editions' translation status, the
/// tool version and the source commit.
pub fn write_manifest(plan: &Plan, outcome: &Outcome) -> Result<(), Diagnostic> {
    let artifacts: Vec<serde_json::Value> = outcome
        .artifacts
        .iter()
        .map(|a| {
            let mut checks = vec!["markdown", "links", "citations", "speakers", "glyph-coverage"];
            checks.push(match a.format {
                Format::Pdf => "layout-glyphs",
                Format::Epub => "epub-structure",
            });
            json!({
                "path": relative(plan, &a.path),
                "edition": a.lang,
                "format": a.format.extension(),
                "bytes": a.bytes,
                "sha256": a.sha256,
                "pages": a.pages,
                "words": a.words,
                "validators": checks.iter().map(|c| json!({"name": c, "result": "passed"})).collect::<Vec<_>>(),
            })
        })
        .collect();
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
            "commit": source_commit(&plan.root),
            "date": format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        },
        "report": { "title": plan.meta.title, "slug": plan.meta.slug },
        "artifacts": artifacts,
        "editions": editions,
        "diagnostics": { "errors": errors, "warnings": outcome.diagnostics.len() - errors },
    });
    let path = plan.out.join(MANIFEST);
    let text = format!("{manifest:#}\n");
    write_atomic(&path, text.as_bytes()).map_err(|e| Diagnostic::error(format!("{e:#}")).in_file(&path).code("output"))
}

/// The commit the project is checked out at, read from `.git` without running git.
fn source_commit(root: &Path) -> Option<String> {
    let git = root.ancestors().map(|d| d.join(".git")).find(|g| g.is_dir())?;
    let head = fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else { return Some(head.to_string()) };
    if let Ok(hash) = fs::read_to_string(git.join(reference)) {
        return Some(hash.trim().to_string());
    }
    let packed = fs::read_to_string(git.join("packed-refs")).ok()?;
    packed.lines().find_map(|l| l.strip_suffix(reference).map(|h| h.trim().to_string()))
}

/// The table of artifacts printed at the end of a build.
pub fn summary(plan: &Plan, outcome: &Outcome) -> String {
    let mut out = String::new();
    if outcome.artifacts.is_empty() {
        return out;
    }
    let verb = if plan.write { "wrote" } else { "checked" };
    let _ = writeln!(out, "\n{:<8} {:<7} {:>6} {:>10}  {verb}", "edition", "format", "pages", "size");
    let mut rows: Vec<_> = outcome.artifacts.iter().collect();
    rows.sort_by(|a, b| (&a.lang, a.format).cmp(&(&b.lang, b.format)));
    for a in rows {
        let pages = a.pages.map_or("-".to_string(), |p| p.to_string());
        let size = format!("{:.1} kB", a.bytes as f64 / 1000.0);
        let shown: PathBuf = a.path.strip_prefix(&plan.root).map(Path::to_path_buf).unwrap_or(a.path.clone());
        let _ =
            writeln!(out, "{:<8} {:<7} {:>6} {:>10}  {}", a.lang, a.format.extension(), pages, size, shown.display());
    }
    out
}

/// The per-stage timing table of `--timings`.
pub fn timings_table(timings: &Timings) -> String {
    let mut out = String::from("\nstage             seconds\n");
    let total: f64 = timings.0.values().map(|d| d.as_secs_f64()).sum();
    for (stage, time) in &timings.0 {
        let _ = writeln!(out, "{stage:<16} {:>8.3}", time.as_secs_f64());
    }
    let _ = writeln!(out, "{:<16} {total:>8.3}  (summed over editions and formats)", "total");
    out
}

/// The per-stage timings as JSON (`--timings-json`).
pub fn timings_json(timings: &Timings) -> serde_json::Value {
    let stages: serde_json::Map<String, serde_json::Value> =
        timings.0.iter().map(|(k, v)| (k.to_string(), json!(v.as_secs_f64()))).collect();
    json!({ "seconds": stages })
}

/// Hash bytes with SHA-256, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_only_the_final_file() {
        let dir = std::env::temp_dir().join(format!("spotlight-out-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let target = dir.join("sub/a.pdf");
        write_atomic(&target, b"%PDF-1.7").unwrap();
        write_atomic(&target, b"%PDF-2.0").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"%PDF-2.0");
        let names: Vec<_> = fs::read_dir(dir.join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.pdf")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
