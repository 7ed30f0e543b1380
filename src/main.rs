//! The `spotlight` command: parse the command line, dispatch to a subcommand, exit with a
//! deliberate code (0 success, 1 content errors or denied warnings, 2 usage or configuration
//! errors, 70 an internal error).

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use spotlight::cli::{Cli, Command, ManifestCommand};
use spotlight::{commands, project};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Build(args) => commands::build::run(project::for_build(&args), &args.report),
        Command::Check(args) => commands::build::run(project::for_check(&args), &args.report),
        Command::Watch(args) => commands::watch::run(&args),
        Command::Status(args) => commands::status::run(&args),
        Command::New(args) => commands::new::run(&args),
        Command::Manifest(ManifestCommand::Merge(args)) => commands::manifest::merge(&args),
        Command::Translate(command) => commands::translate::run(&command),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "spotlight", &mut std::io::stdout());
            0
        }
        Command::Typst(args) => commands::typst::run(&args),
    };
    ExitCode::from(code)
}
