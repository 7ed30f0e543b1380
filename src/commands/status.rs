//! `spotlight status`: the translation status of every edition, as text or JSON, down to the
//! source units that changed since each synced chapter was translated.

use crate::cli::{MessageFormat, StatusArgs, StatusFormat};
use crate::project::status::ChapterState;
use crate::report::{self, status};
use crate::{project, translate};

/// Print the status of the project's editions; return the exit code.
pub fn run(args: &StatusArgs) -> u8 {
    match project::load(&args.project, &project::Options { allow_incomplete: true, ..project::Options::default() }) {
        Ok(plan) => {
            let mut changes = status::UnitChanges::new();
            let mut problems = Vec::new();
            for ed in plan.editions.iter().filter(|e| e.lang != plan.source_lang) {
                let Some(t) = &ed.translation else { continue };
                match translate::pairs(&plan.root, &ed.lang, &t.of, &ed.status, None) {
                    Ok(pairs) => {
                        let per: status::ChapterChanges = pairs
                            .iter()
                            .filter(|p| p.synced.is_some())
                            .map(|p| (p.name.clone(), (p.source.clone(), p.translation.clone(), translate::changes(p))))
                            .collect();
                        changes.insert(ed.lang.clone(), per);
                    }
                    Err(d) => problems.push(d),
                }
            }
            report::diagnostics(&problems, MessageFormat::Human);
            match args.format {
                StatusFormat::Text => print!("{}", status::text_with(&plan, &changes)),
                StatusFormat::Json => println!("{:#}", status::json_with(&plan, &changes)),
            }
            let stale = changes.values().flat_map(|c| c.values()).any(|(_, _, c)| !c.is_empty())
                || plan.editions.iter().flat_map(|e| &e.status).any(|c| matches!(c.state, ChapterState::Stale { .. }));
            if args.deny_stale && stale { 1 } else { 0 }
        }
        Err(diags) => {
            report::diagnostics(&diags, MessageFormat::Human);
            2
        }
    }
}
