//! `spotlight build` and `spotlight check`: plan, run the pipeline, retract what failed, write the
//! manifest, report, and choose the exit code.

use std::time::Duration;

use crate::cli::{MessageFormat, ReportArgs};
use crate::diag::{Code, Diagnostic};
use crate::pipeline::{self, Artifact};
use crate::project::Plan;
use crate::report::{self, manifest};

/// The exit code for a run's diagnostics: 70 for an internal error, 2 when any error is a usage or
/// configuration error, 1 for other errors (or warnings with `deny_warnings`), else 0.
pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> u8 {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if errors.iter().any(|d| d.code == Code::Internal) {
        70
    } else if !errors.is_empty() && errors.iter().all(|d| matches!(d.code, Code::Usage | Code::Config)) {
        2
    } else if !errors.is_empty() || (deny_warnings && !diags.is_empty()) {
        1
    } else {
        0
    }
}

/// Build or check a plan, write the manifest, report, and return the exit code.
pub fn run(plan: Result<Plan, Vec<Diagnostic>>, args: &ReportArgs) -> u8 {
    let plan = match plan {
        Ok(plan) => plan,
        Err(diags) => {
            report::diagnostics(&diags, args.message_format);
            return 2;
        }
    };
    let human = args.message_format == MessageFormat::Human && !args.quiet;
    let progress = move |a: &Artifact, took: Duration| {
        if human {
            let pages = a.pages.map(|p| format!(", {p} pages")).unwrap_or_default();
            if a.cached {
                eprintln!("  {:<3} {:<4}  cached{pages}", a.lang, a.format.extension());
            } else {
                eprintln!("  {:<3} {:<4} {:>7.2} s{pages}", a.lang, a.format.extension(), took.as_secs_f64());
            }
        }
    };
    let mut outcome = pipeline::run(&plan, &progress);
    if plan.write {
        outcome.diagnostics.extend(manifest::retract_failed(&plan, &outcome));
        if let Err(d) = manifest::write_manifest(&plan, &outcome) {
            outcome.diagnostics.push(d);
        }
    }
    report::diagnostics(&outcome.diagnostics, args.message_format);
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = outcome.diagnostics.len() - errors;
    if human {
        eprint!("{}", report::summary(&plan, &outcome));
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
    if args.timings {
        eprint!("{}", report::timings_table(&outcome.timings));
    }
    if let Some(path) = &args.timings_json
        && let Err(e) = crate::output::write_atomic(path, report::timings_json(&outcome.timings).to_string().as_bytes())
    {
        eprintln!("error: {e:#}");
        return 2;
    }
    exit_code(&outcome.diagnostics, args.deny_warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_kinds_of_error() {
        let config = Diagnostic::error("x").code(Code::Config);
        let content = Diagnostic::error("y").code(Code::Image);
        let warning = Diagnostic::warning("z");
        assert_eq!(exit_code(&[], false), 0);
        assert_eq!(exit_code(std::slice::from_ref(&warning), false), 0);
        assert_eq!(exit_code(std::slice::from_ref(&warning), true), 1);
        assert_eq!(exit_code(std::slice::from_ref(&config), false), 2);
        assert_eq!(exit_code(&[config.clone(), content.clone()], false), 1);
        assert_eq!(exit_code(&[content, Diagnostic::error("!").code(Code::Internal)], false), 70);
    }
}
