//! Writing files: every file goes to a temporary name in its final folder and is renamed into
//! place, so no reader ever sees a half-written artifact; the generated Typst for `--emit typst`.
//! Never deletes files it did not write. `serve` is the local web server of `watch --serve`.

pub mod cache;
pub mod serve;
pub mod tree;

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::diag::Diagnostic;
use crate::document::model::{Edition, Inline};
use crate::document::walk::visit_inlines_of_blocks;
use crate::formats::pdf::typst::{TypstFile, template_sources};
use crate::project::{Plan, files};

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

/// Read an output file back (the previous manifest, an earlier artifact), if it is there.
pub fn read(path: &Path) -> Option<Vec<u8>> {
    fs::read(path).ok()
}

/// Remove an earlier artifact; whether it is gone.
pub fn remove(path: &Path) -> bool {
    fs::remove_file(path).is_ok()
}

/// Write the generated Typst of an edition as a self-contained project under `OUT/typst/LANG/`.
pub fn emit_typst(plan: &Plan, edition: &Edition, files: &[TypstFile]) -> Result<(), Diagnostic> {
    let dir = plan.out.join("typst").join(&edition.lang);
    let fail = |e: anyhow::Error| Diagnostic::error(format!("{e:#}")).in_file(&dir);
    let mut outputs: Vec<(String, Vec<u8>)> =
        files.iter().map(|f| (f.path.clone(), f.text.clone().into_bytes())).collect();
    // The templates actually used: the built-in one and, with a theme, the theme's.
    outputs.extend(template_sources(&plan.theme).into_iter().map(|(path, text)| (path, text.into_bytes())));
    // The main file also at the top, so `typst compile --root DIR DIR/main.typ` works as is.
    outputs.push(("/main.typ".to_string(), files[0].text.clone().into_bytes()));
    for chapter in &edition.chapters {
        visit_inlines_of_blocks(&chapter.blocks, &mut |inline| {
            if let Inline::Image { path, .. } = inline
                && let Ok(bytes) = files::read(&plan.root, path)
            {
                outputs.push((format!("/{path}"), bytes));
            }
        });
        crate::document::walk::visit_blocks(&chapter.blocks, &mut |block| {
            if let crate::document::model::Block::Figure { path, .. } = block
                && let Ok(bytes) = files::read(&plan.root, path)
            {
                outputs.push((format!("/{path}"), bytes));
            }
        });
    }
    for (path, bytes) in outputs {
        write_atomic(&dir.join(path.trim_start_matches('/')), &bytes).map_err(fail)?;
    }
    Ok(())
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
