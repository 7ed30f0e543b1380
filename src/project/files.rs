//! The one reader of project files after `report.yaml`: chapter texts (UTF-8, size limit, control
//! characters), data files, images and fonts, always inside the project root (no `..`, no
//! symbolic link pointing out). Every other layer asks here instead of touching the disk.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, line_col};

/// Chapters larger than this are refused: typesetting one would take minutes and gigabytes.
pub const MAX_CHAPTER_BYTES: usize = 10 * 1024 * 1024;

/// Why a file inside the project could not be read.
#[derive(Debug)]
pub enum Refused {
    /// The file does not exist or cannot be read.
    Io(io::Error),
    /// The path leads outside the project (through a symbolic link).
    Outside,
    /// The path is a folder.
    Folder,
}

/// Read a file that must lie inside `root` (checked on the canonical path, so links cannot escape).
pub fn read_inside(root: &Path, path: &Path) -> Result<Vec<u8>, Refused> {
    let real = check_inside(root, path)?;
    fs::read(&real).map_err(Refused::Io)
}

/// Check that `path` exists inside `root` and is a file; return its canonical path.
pub fn check_inside(root: &Path, path: &Path) -> Result<PathBuf, Refused> {
    let real = fs::canonicalize(path).map_err(Refused::Io)?;
    if !real.starts_with(root) {
        return Err(Refused::Outside);
    }
    if real.is_dir() {
        return Err(Refused::Folder);
    }
    Ok(real)
}

/// Canonicalize the project root (falling back to the path as given).
pub fn canonical_root(root: &Path) -> PathBuf {
    fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}

/// Read a project file given relative to the root.
pub fn read(root: &Path, rel: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    fs::read(root.join(rel))
}

/// Read an optional project file relative to the root: `None` only when it does not exist; a
/// file that is there but cannot be read (a folder, no permission) is an error naming it.
pub fn read_optional(root: &Path, rel: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
    match fs::read(root.join(rel)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound && !root.join(rel).is_symlink() => Ok(None),
        Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", rel.display()))
            .in_file(rel)
            .with_hint("make the file readable (a regular file, not a folder), or remove it")
            .code(Code::Data)),
    }
}

/// The project folders an output folder must not lie in: the sources people edit.
pub const SOURCE_FOLDERS: &[&str] = &["chapters", "bibliography", "fonts", "theme"];

/// Refuse an output folder that is the project root or lies inside one of its source folders
/// (checked on the real path of its deepest existing ancestor, so links and `..` cannot hide it).
pub fn check_out_folder(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let absolute =
        if out.is_absolute() { out.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(out) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut real = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        real.push(name);
    }
    let refuse = |why: String| {
        Err(Diagnostic::error(format!("refusing to write into `{}`: {why}", out.display()))
            .with_hint("write the artifacts to a folder of their own, e.g. --out dist (the default)")
            .code(Code::Usage))
    };
    if real == root {
        return refuse("it is the project folder, and the artifacts would lie among the sources".into());
    }
    for folder in SOURCE_FOLDERS {
        if real.starts_with(root.join(folder)) {
            return refuse(format!("it is inside the project's {folder}/ folder, which holds sources"));
        }
    }
    Ok(())
}

/// Read a project text file relative to the root, if it exists and is UTF-8.
pub fn read_text(root: &Path, rel: impl AsRef<Path>) -> Option<String> {
    fs::read_to_string(root.join(rel)).ok()
}

/// Whether a project path relative to the root is a file.
pub fn is_file(root: &Path, rel: impl AsRef<Path>) -> bool {
    root.join(rel).is_file()
}

/// List the files of a project folder (relative to the root), sorted; empty if it does not exist.
pub fn list(root: &Path, rel_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root.join(rel_dir)) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| rel_dir.join(e.file_name())).collect();
    files.sort();
    files
}

/// The commit the project is checked out at, read from `.git` without running git.
pub fn source_commit(root: &Path) -> Option<String> {
    let git = root.ancestors().map(|d| d.join(".git")).find(|g| g.is_dir())?;
    let head = fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else { return Some(head.to_string()) };
    if let Ok(hash) = fs::read_to_string(git.join(reference)) {
        return Some(hash.trim().to_string());
    }
    let packed = fs::read_to_string(git.join("packed-refs")).ok()?;
    packed.lines().find_map(|l| l.strip_suffix(reference).map(|h| h.trim().to_string()))
}

/// Read a chapter file: its text (BOM and control characters removed), or why it cannot be used.
pub fn read_chapter(root: &Path, rel: &Path) -> (Option<String>, Vec<Diagnostic>) {
    let bytes = match fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => return (None, vec![Diagnostic::error(format!("cannot read the chapter: {e}")).in_file(rel)]),
    };
    if bytes.len() > MAX_CHAPTER_BYTES {
        let d = Diagnostic::error(format!(
            "the chapter is {:.1} MB; chapters are limited to {} MB",
            bytes.len() as f64 / 1e6,
            MAX_CHAPTER_BYTES / 1024 / 1024
        ))
        .in_file(rel)
        .with_hint("split it into several chapter files")
        .code(Code::Limit);
        return (None, vec![d]);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, col) = line_col(&valid, offset);
            let d = Diagnostic::error(format!("the chapter is not valid UTF-8 (byte offset {offset})"))
                .in_file(rel)
                .at(line, col)
                .with_hint("save the file as UTF-8");
            return (None, vec![d]);
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    let (text, control) = strip_controls(rel, text);
    (Some(text), control.into_iter().collect())
}

/// Remove control characters (other than tab and line endings), warning at the first one.
fn strip_controls(rel: &Path, text: String) -> (String, Option<Diagnostic>) {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let Some(at) = text.find(bad) else { return (text, None) };
    let (line, col) = line_col(&text, at);
    let c = text[at..].chars().next().expect("found above");
    let d = Diagnostic::warning(format!("control character U+{:04X} removed", c as u32))
        .in_file(rel)
        .at(line, col)
        .with_hint("control characters cannot be printed; remove them from the file")
        .code(Code::Encoding);
    (text.chars().filter(|c| !bad(*c)).collect(), Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_removed_with_one_warning() {
        let (text, d) = strip_controls(Path::new("a.md"), "a\u{1}b\u{2}\n".into());
        assert_eq!(text, "ab\n");
        assert_eq!(d.expect("a warning").line, Some(1));
    }
}
