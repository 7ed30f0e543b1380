//! `spotlight manifest merge`: merge the manifests of builds spread over CI jobs into one, after
//! checking that they agree and that every artifact they list lies beside the merged manifest
//! with its hash, so the manifest always matches the files it describes.

use std::path::Path;

use crate::cli::ManifestMergeArgs;
use crate::diag::{Code, Diagnostic};
use crate::output;
use crate::pipeline::sha256_hex;
use crate::project::{self, Format, Options};
use crate::report::{self, merge};

/// Merge the parts, check the files, write the result; return the exit code.
pub fn merge(args: &ManifestMergeArgs) -> u8 {
    match run(args) {
        Ok(count) => {
            eprintln!("merged {} manifest(s): {count} artifact(s) in {}", args.parts.len(), args.output.display());
            0
        }
        Err(d) => {
            let code = u8::from(d.code == Code::Config || d.code == Code::Usage) + 1;
            report::diagnostics(&[d], crate::cli::MessageFormat::Human);
            code
        }
    }
}

fn run(args: &ManifestMergeArgs) -> Result<usize, Diagnostic> {
    let plan = project::load(&args.project, &Options { write: false, ..Options::default() })
        .map_err(|mut diags| diags.remove(0))?;
    let editions: Vec<String> = plan.editions.iter().map(|e| e.lang.clone()).collect();
    let formats = [Format::Pdf.extension(), Format::Epub.extension()];
    let names: Vec<String> = args.parts.iter().map(|p| p.display().to_string()).collect();
    let mut parts = Vec::new();
    for (path, name) in args.parts.iter().zip(&names) {
        let bytes = output::read(path)
            .ok_or_else(|| Diagnostic::error("cannot read this manifest").in_file(path).code(Code::Usage))?;
        let manifest = serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostic::error(format!("not a manifest: {e}")).in_file(path).at(e.line(), e.column()).code(Code::Usage)
        })?;
        parts.push(merge::Part { name, manifest });
    }
    let merged = merge::merge(&parts, &editions, &formats).map_err(|m| {
        Diagnostic::error(m)
            .with_hint("build every part from the same commit with the same spotlight")
            .code(Code::Output)
    })?;
    let dir = args.output.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let listed = merged["artifacts"].as_array().cloned().unwrap_or_default();
    for a in &listed {
        let rel = a["path"].as_str().unwrap_or_default();
        let path = dir.join(rel);
        let matches = output::read(&path).is_some_and(|b| a["sha256"].as_str() == Some(sha256_hex(&b).as_str()));
        if !matches {
            return Err(Diagnostic::error(format!(
                "`{rel}` is missing beside the merged manifest, or is not the file the parts built"
            ))
            .in_file(&path)
            .with_hint("copy every job's artifacts into the merged manifest's folder first")
            .code(Code::Output));
        }
    }
    let text = format!("{merged:#}\n");
    output::write_atomic(&args.output, text.as_bytes())
        .map_err(|e| Diagnostic::error(format!("{e:#}")).in_file(&args.output).code(Code::Output))?;
    Ok(listed.len())
}
