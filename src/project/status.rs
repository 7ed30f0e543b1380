//! Translation status: which chapters of each translation are translated, missing, or stale (the
//! source chapter changed after the translation recorded its hash in `source-hash:`). Used by
//! `spotlight status` (printed by `report::status`) and by the plan, which decides what a build of
//! an edition may contain.
//! Reads chapter files, writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::project::config::{self, FrontMatter};

/// The state of one chapter of a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapterState {
    /// Translated from the current source.
    Translated,
    /// Translated from an older source: the hashes differ.
    Stale { recorded: String, current: String },
    /// Translated, but no `source-hash` was recorded: it cannot be checked.
    Unverified { current: String },
    /// Not translated yet.
    Missing { current: String },
    /// In the translation only, with no source chapter.
    Extra,
    /// The source or the translation cannot be read, so nothing can be compared.
    Unreadable { file: PathBuf, reason: String },
}

impl ChapterState {
    /// Name the state in one word, as `status` prints it.
    pub fn word(&self) -> &'static str {
        match self {
            ChapterState::Translated => "translated",
            ChapterState::Stale { .. } => "stale",
            ChapterState::Unverified { .. } => "unverified",
            ChapterState::Missing { .. } => "missing",
            ChapterState::Extra => "extra",
            ChapterState::Unreadable { .. } => "unreadable",
        }
    }
}

/// One chapter's status: its file name, the source and translation paths, and its state.
#[derive(Debug, Clone)]
pub struct ChapterStatus {
    /// File name, e.g. `03-pandemic.md`.
    pub name: String,
    /// The source chapter, relative to the root (absent for extra chapters).
    pub source: Option<PathBuf>,
    /// The translated chapter, relative to the root (absent when missing).
    pub translation: Option<PathBuf>,
    /// Its state.
    pub state: ChapterState,
}

/// Hash a source chapter as translations record it: the first 16 hex digits of its SHA-256.
pub fn source_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Hash a chapter's text ignoring line wrapping: the words of each blank-line-separated block
/// (what the sync record keeps, so re-wrapping a source paragraph leaves a chapter in step).
pub fn text_hash(text: &str) -> String {
    let mut normal = String::with_capacity(text.len());
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if !normal.is_empty() {
            normal.push_str("\n\n");
        }
        normal.push_str(&block.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    source_hash(normal.as_bytes())
}

/// Read the `source-hash` a translated chapter records in its front matter, if any; why the
/// file cannot be read otherwise.
fn recorded_hash(path: &Path) -> Result<Option<String>, String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes);
    let Some(rest) = text.strip_prefix("---") else { return Ok(None) };
    let Some(end) = rest.find("\n---") else { return Ok(None) };
    let front: Option<FrontMatter> = config::from_yaml(&rest[..end], path, 2).ok();
    Ok(front.and_then(|f| f.source_hash))
}

/// Compare a translation's chapters with the source's, by file name.
pub fn compare(root: &Path, source: &[PathBuf], translation: &[PathBuf]) -> Vec<ChapterStatus> {
    compare_synced(root, source, translation, &BTreeMap::new())
}

/// Compare as `compare` does, but judge a chapter named in `synced` (file name -> `text_hash` of
/// its source when `spotlight translate sync` ran) by that record instead of its front matter.
pub fn compare_synced(
    root: &Path,
    source: &[PathBuf],
    translation: &[PathBuf],
    synced: &BTreeMap<String, String>,
) -> Vec<ChapterStatus> {
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out: Vec<ChapterStatus> = source
        .iter()
        .map(|src| {
            let translated = translation.iter().find(|t| name(t) == name(src));
            let recorded = synced.get(&name(src));
            let state = match fs::read(root.join(src)) {
                Err(e) => ChapterState::Unreadable { file: src.clone(), reason: e.to_string() },
                Ok(bytes) => {
                    let current = source_hash(&bytes);
                    match (translated, recorded) {
                        (None, _) => ChapterState::Missing { current },
                        (Some(_), Some(recorded)) => {
                            let now = text_hash(&String::from_utf8_lossy(&bytes));
                            if *recorded == now {
                                ChapterState::Translated
                            } else {
                                ChapterState::Stale { recorded: recorded.clone(), current: now }
                            }
                        }
                        (Some(t), None) => match recorded_hash(&root.join(t)) {
                            Err(reason) => ChapterState::Unreadable { file: t.clone(), reason },
                            Ok(None) => ChapterState::Unverified { current },
                            Ok(Some(recorded)) if recorded == current => ChapterState::Translated,
                            Ok(Some(recorded)) => ChapterState::Stale { recorded, current },
                        },
                    }
                }
            };
            ChapterStatus { name: name(src), source: Some(src.clone()), translation: translated.cloned(), state }
        })
        .collect();
    for t in translation {
        if !source.iter().any(|s| name(s) == name(t)) {
            out.push(ChapterStatus {
                name: name(t),
                source: None,
                translation: Some(t.clone()),
                state: ChapterState::Extra,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sixteen_hex_digits_and_change_with_content() {
        let a = source_hash(b"# Title\n");
        assert_eq!(a.len(), 16);
        assert_ne!(a, source_hash(b"# Title!\n"));
    }

    #[test]
    fn chapters_are_translated_stale_unverified_missing_or_extra() {
        let dir = tempfile_dir();
        let w = |rel: &str, text: &str| {
            let p = dir.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
            PathBuf::from(rel)
        };
        let s1 = w("en/01-a.md", "# A\n");
        let s2 = w("en/02-b.md", "# B\n");
        let s3 = w("en/03-c.md", "# C\n");
        let s4 = w("en/04-d.md", "# D\n");
        let h1 = source_hash(b"# A\n");
        let t1 = w("fr/01-a.md", &format!("---\nsource-hash: {h1}\n---\n# A fr\n"));
        let t2 = w("fr/02-b.md", "---\nsource-hash: 0000000000000000\n---\n# B fr\n");
        let t3 = w("fr/03-c.md", "# C fr\n");
        let t5 = w("fr/05-e.md", "# E fr\n");
        let states: Vec<&str> =
            compare(&dir, &[s1, s2, s3, s4], &[t1, t2, t3, t5]).iter().map(|c| c.state.word()).collect();
        assert_eq!(states, ["translated", "stale", "unverified", "missing", "extra"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spotlight-status-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }
}
