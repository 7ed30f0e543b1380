//! What is printed: diagnostics (human, JSON or GitHub annotations, errors first), the summary table
//! of artifacts, the per-stage timings, the translation status; and the manifest. Shared by build,
//! check and watch.

pub mod manifest;
pub mod merge;
pub mod status;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::cli::MessageFormat;
use crate::diag::Diagnostic;
use crate::pipeline::{Outcome, Timings};
use crate::project::Plan;

/// Print diagnostics in the chosen form: errors first, then warnings, each in file and line order.
pub fn diagnostics(diags: &[Diagnostic], format: MessageFormat) {
    let mut diags = diags.to_vec();
    diags.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), &a.file, a.line, a.column).cmp(&(
            std::cmp::Reverse(b.severity),
            &b.file,
            b.line,
            b.column,
        ))
    });
    diags.dedup();
    // People and annotations get a repeated problem once; machines (JSON) get every occurrence.
    if format != MessageFormat::Json {
        diags = crate::diag::collapse_repeats(&diags);
    }
    let mut err = std::io::stderr().lock();
    for d in &diags {
        let _ = match format {
            MessageFormat::Human => writeln!(err, "{d}\n"),
            MessageFormat::Json => writeln!(err, "{}", d.to_json()),
            MessageFormat::Github => writeln!(err, "{}", d.to_github()),
        };
    }
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
        let from = if a.cached { "  (from the cache)" } else { "" };
        let _ = writeln!(
            out,
            "{:<8} {:<7} {:>6} {:>10}  {}{from}",
            a.lang,
            a.format.extension(),
            pages,
            size,
            shown.display()
        );
    }
    let cached = outcome.artifacts.iter().filter(|a| a.cached).count();
    if cached > 0 {
        let _ = writeln!(out, "{cached} of {} artifact(s) unchanged, taken from the cache", outcome.artifacts.len());
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
