//! The `spotlight` command: parse the command line, run, print diagnostics, exit with a
//! deliberate code (0 success, 1 content errors, 2 usage or configuration errors).

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use spotlight::build::{self, Outcome};
use spotlight::cli::{Cli, Command, StatusFormat, TypstArgs};
use spotlight::diag::{Diagnostic, has_errors};
use spotlight::package::pdf::{self, PdfSettings};
use spotlight::package::world::Shared;
use spotlight::{plan, status};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build(args) => match plan::for_build(&args) {
            Ok(plan) => finish(build::run(&plan), true),
            Err(d) => config_failure(&d),
        },
        Command::Check(args) => match plan::for_check(&args) {
            Ok(plan) => finish(build::run(&plan), false),
            Err(d) => config_failure(&d),
        },
        Command::Status(args) => match plan::load(&args.project, &[], true) {
            Ok(plan) => {
                match args.format {
                    StatusFormat::Text => print!("{}", status::text(&plan)),
                    StatusFormat::Json => println!("{:#}", status::json(&plan)),
                }
                ExitCode::SUCCESS
            }
            Err(d) => config_failure(&d),
        },
        Command::Typst(args) => compile_typst(&args),
    }
}

fn config_failure(diag: &Diagnostic) -> ExitCode {
    eprintln!("{diag}");
    ExitCode::from(2)
}

fn finish(mut outcome: Outcome, wrote: bool) -> ExitCode {
    // Errors first (they are what stops the build), then warnings; each in file and line order.
    outcome.diagnostics.sort_by(|a, b| {
        (std::cmp::Reverse(a.severity), &a.file, a.line, a.column).cmp(&(
            std::cmp::Reverse(b.severity),
            &b.file,
            b.line,
            b.column,
        ))
    });
    outcome.diagnostics.dedup();
    let mut err = std::io::stderr().lock();
    for d in &outcome.diagnostics {
        let _ = writeln!(err, "{d}\n");
    }
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = outcome.diagnostics.len() - errors;
    for a in &outcome.artifacts {
        let pages = a.pages.map(|p| format!(", {p} pages")).unwrap_or_default();
        let verb = if wrote { "wrote" } else { "checked" };
        let _ = writeln!(err, "{verb} {} ({} bytes{pages})", a.path.display(), a.bytes);
    }
    let _ = writeln!(err, "{errors} error(s), {warnings} warning(s)");
    if has_errors(&outcome.diagnostics) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn compile_typst(args: &TypstArgs) -> ExitCode {
    let shared = Shared::load(&args.font_dir);
    let settings =
        PdfSettings { root: &args.root, ident: "floor".into(), date: (2022, 1, 1), timestamp: (2022, 1, 1, 0, 0, 0) };
    let (output, diags) = pdf::compile_file(&shared, &settings, &args.main);
    for d in &diags {
        eprintln!("{d}");
    }
    match output {
        Some(pdf) => match std::fs::write(&args.output, &pdf.bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", args.output.display());
                ExitCode::from(2)
            }
        },
        None => ExitCode::from(1),
    }
}
