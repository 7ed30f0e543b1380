//! The `spotlight` command: parse the command line, run, print diagnostics, exit with a
//! deliberate code (0 success, 1 content errors or denied warnings, 2 usage or configuration errors).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};
use spotlight::build::{self, Artifact};
use spotlight::cli::{Cli, Command, MessageFormat, ReportArgs, StatusFormat, TypstArgs};
use spotlight::diag::Diagnostic;
use spotlight::package::pdf::{self, PdfSettings};
use spotlight::package::world::Shared;
use spotlight::plan::Plan;
use spotlight::{output, plan, status};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build(args) => run(plan::for_build(&args), &args.report),
        Command::Check(args) => run(plan::for_check(&args), &args.report),
        Command::Watch(args) => {
            let format = args.report.message_format;
            ExitCode::from(spotlight::watch::run(&args, &|diags| report(diags, format)))
        }
        Command::Status(args) => match plan::load(&args.project, &[], true) {
            Ok(plan) => {
                match args.format {
                    StatusFormat::Text => print!("{}", status::text(&plan)),
                    StatusFormat::Json => println!("{:#}", status::json(&plan)),
                }
                ExitCode::SUCCESS
            }
            Err(d) => {
                report(&[d], MessageFormat::Human);
                ExitCode::from(2)
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "spotlight", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Typst(args) => compile_typst(&args),
    }
}

/// Print diagnostics in the chosen form: errors first, then warnings, each in file and line order.
fn report(diags: &[Diagnostic], format: MessageFormat) {
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
    let mut err = std::io::stderr().lock();
    for d in &diags {
        let _ = match format {
            MessageFormat::Human => writeln!(err, "{d}\n"),
            MessageFormat::Json => writeln!(err, "{}", d.to_json()),
            MessageFormat::Github => writeln!(err, "{}", d.to_github()),
        };
    }
}

/// Build or check a plan, write the manifest, report, and choose the exit code.
fn run(plan: Result<Plan, Diagnostic>, args: &ReportArgs) -> ExitCode {
    let plan = match plan {
        Ok(plan) => plan,
        Err(d) => {
            report(&[d], args.message_format);
            return ExitCode::from(2);
        }
    };
    let human = args.message_format == MessageFormat::Human && !args.quiet;
    let progress = move |a: &Artifact, took: Duration| {
        if human {
            let pages = a.pages.map(|p| format!(", {p} pages")).unwrap_or_default();
            eprintln!("  {:<3} {:<4} {:>7.2} s{pages}", a.lang, a.format.extension(), took.as_secs_f64());
        }
    };
    let mut outcome = build::run(&plan, &progress);
    if plan.write {
        outcome.diagnostics.extend(output::retract_failed(&plan, &outcome));
        if let Err(d) = output::write_manifest(&plan, &outcome) {
            outcome.diagnostics.push(d);
        }
    }
    report(&outcome.diagnostics, args.message_format);
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = outcome.diagnostics.len() - errors;
    if human {
        eprint!("{}", output::summary(&plan, &outcome));
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
    if args.timings {
        eprint!("{}", output::timings_table(&outcome.timings));
    }
    if let Some(path) = &args.timings_json
        && let Err(e) = output::write_atomic(path, output::timings_json(&outcome.timings).to_string().as_bytes())
    {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn compile_typst(args: &TypstArgs) -> ExitCode {
    let shared = Shared::load(&args.font_dir);
    let settings = PdfSettings {
        root: &args.root,
        ident: "floor".into(),
        date: (2022, 1, 1),
        timestamp: (2022, 1, 1, 0, 0, 0),
        standards: Vec::new(),
        bleed_mm: 0.0,
    };
    let (output, diags) = pdf::compile_file(&shared, &settings, &args.main);
    report(&diags, MessageFormat::Human);
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
