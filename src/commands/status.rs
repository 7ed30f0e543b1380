//! `spotlight status`: the translation status of every edition, as text or JSON.

use crate::cli::{MessageFormat, StatusArgs, StatusFormat};
use crate::project;
use crate::report::{self, status};

/// Print the status of the project's editions; return the exit code.
pub fn run(args: &StatusArgs) -> u8 {
    match project::load(&args.project, &project::Options { allow_incomplete: true, ..project::Options::default() }) {
        Ok(plan) => {
            match args.format {
                StatusFormat::Text => print!("{}", status::text(&plan)),
                StatusFormat::Json => println!("{:#}", status::json(&plan)),
            }
            0
        }
        Err(diags) => {
            report::diagnostics(&diags, MessageFormat::Human);
            2
        }
    }
}
