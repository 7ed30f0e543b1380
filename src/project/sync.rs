//! The sync record of a translation, `chapters/<lang>/translation-sync.yaml`: for every synced
//! chapter, the source units its units were translated from (id, kind, line and normalised text,
//! in unit order). Reads and writes that file, and writes the files `spotlight translate` changes,
//! all checked before the first is written. Knows nothing of Markdown.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic};
use crate::project::config;

/// The file name of the sync record inside `chapters/<lang>/`.
pub const FILE_NAME: &str = "translation-sync.yaml";

/// What one translation was brought in step with, chapter by chapter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SyncRecord {
    /// Synced chapters by file name.
    #[serde(default)]
    pub chapters: BTreeMap<String, SyncedChapter>,
}

/// One synced chapter: the whitespace-insensitive hash of its source, and its source units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SyncedChapter {
    /// `status::text_hash` of the source chapter when synced.
    pub source_hash: String,
    /// The source units, in order; the translation's n-th unit was translated from the n-th.
    #[serde(default)]
    pub units: Vec<SyncedUnit>,
}

/// One source unit as it was when synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SyncedUnit {
    /// The unit's stable id.
    pub id: String,
    /// Its kind (`paragraph`, `heading`, ...).
    pub kind: String,
    /// Its line in the source chapter then.
    pub line: usize,
    /// Its normalised source text then, so a later change can be shown word by word.
    pub source: String,
}

/// The sync record's path relative to the root.
pub fn path(lang: &str) -> PathBuf {
    Path::new("chapters").join(lang).join(FILE_NAME)
}

/// Read an edition's sync record; an absent file is an empty record.
pub fn load(root: &Path, lang: &str) -> Result<SyncRecord, Diagnostic> {
    let rel = path(lang);
    match fs::read_to_string(root.join(&rel)) {
        Ok(text) => config::from_yaml(&text, &rel, 1),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SyncRecord::default()),
        Err(e) => Err(Diagnostic::error(format!("cannot read the sync record: {e}")).in_file(&rel)),
    }
}

/// The recorded source hash of every synced chapter of an edition (empty when there is no record).
pub fn recorded_hashes(root: &Path, lang: &str) -> BTreeMap<String, String> {
    load(root, lang).map(|r| r.chapters.into_iter().map(|(k, c)| (k, c.source_hash)).collect()).unwrap_or_default()
}

/// Render a sync record as the YAML file holds it.
pub fn render(record: &SyncRecord) -> Result<String, Diagnostic> {
    let body = config::to_yaml(record)?;
    Ok(format!(
        "# Written by `spotlight translate sync`: what each translated unit was translated from.\n\
         # Commit it with the translation; `spotlight status` compares it with the source.\n{body}"
    ))
}

/// Read a project text file exactly as it is (no clean-up), or say why not.
pub fn read_exact(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    fs::read_to_string(root.join(rel))
        .map_err(|e| Diagnostic::error(format!("cannot read `{}`: {e}", rel.display())).in_file(rel).code(Code::Output))
}

/// Whether a project path exists.
pub fn exists(root: &Path, rel: &Path) -> bool {
    root.join(rel).exists()
}

/// Write files relative to the root (creating folders), each through a temporary file and a
/// rename, so no file is left half written; every path is checked before the first write.
pub fn write_files(root: &Path, files: &[(PathBuf, String)]) -> Result<(), Diagnostic> {
    for (rel, _) in files {
        if rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            return Err(Diagnostic::error(format!("refusing to write `{}` outside the project", rel.display())));
        }
    }
    for (rel, text) in files {
        let target = root.join(rel);
        let fail = |e: std::io::Error| {
            Diagnostic::error(format!("cannot write `{}`: {e}", rel.display())).in_file(rel).code(Code::Output)
        };
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(fail)?;
        }
        let tmp = target.with_extension("spotlight-tmp");
        fs::write(&tmp, text).map_err(fail)?;
        fs::rename(&tmp, &target).map_err(fail)?;
    }
    Ok(())
}

/// Write one file outside the project (an exported exchange file), whole or not at all.
pub fn write_outside(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let fail =
        |e: std::io::Error| Diagnostic::error(format!("cannot write `{}`: {e}", path.display())).code(Code::Output);
    let tmp = path.with_extension("spotlight-tmp");
    fs::write(&tmp, text).map_err(fail)?;
    fs::rename(&tmp, path).map_err(fail)
}

/// Read one file given on the command line (an exchange file to import).
pub fn read_outside(path: &Path) -> Result<String, Diagnostic> {
    fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(format!("cannot read `{}`: {e}", path.display())).in_file(path).code(Code::Output)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::project::status::text_hash;

    #[test]
    fn text_hash_ignores_wrapping_but_not_words_or_paragraph_breaks() {
        let a = text_hash("# T\n\nOne two\nthree.\n");
        assert_eq!(a, text_hash("# T\n\nOne   two three.\n\n"));
        assert_ne!(a, text_hash("# T\n\nOne two four.\n"));
        assert_ne!(a, text_hash("# T\n\nOne two\n\nthree.\n"));
    }

    #[test]
    fn a_record_reads_back_what_render_wrote() {
        let mut record = SyncRecord::default();
        record.chapters.insert(
            "01-a.md".into(),
            SyncedChapter {
                source_hash: "abc".into(),
                units: vec![SyncedUnit {
                    id: "u1".into(),
                    kind: "paragraph".into(),
                    line: 3,
                    source: "Hé: \"x\"".into(),
                }],
            },
        );
        let text = render(&record).unwrap();
        let back: SyncRecord = config::from_yaml(&text, Path::new("x.yaml"), 1).unwrap();
        assert_eq!(back, record);
    }
}
