//! Writing a whole new folder at once (what `spotlight new` creates): every file goes into a
//! temporary folder beside the target, which is renamed into place only when all are written, so
//! a failure leaves nothing behind. Refuses a target that exists and is not empty; never deletes
//! anything it did not create.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::{Code, Diagnostic};

/// Whether `dir` is a folder that holds something (a file that is not a folder counts as full).
pub fn is_occupied(dir: &Path) -> bool {
    match fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => dir.exists(),
    }
}

/// Create `dir` holding `files` (paths relative to it), all or nothing.
pub fn create(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    if is_occupied(dir) {
        return Err(Diagnostic::error(format!("`{}` exists and is not empty", dir.display()))
            .in_file(dir)
            .with_hint("name a new folder (spotlight new creates it), or empty this one first")
            .code(Code::Usage));
    }
    let fail = |e: anyhow::Error| Diagnostic::error(format!("{e:#}")).in_file(dir).code(Code::Output);
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the folder {}", parent.display()))
        .map_err(fail)?;
    let tmp = parent.join(format!(".{name}.new-{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        for (rel, bytes) in files {
            let path = tmp.join(rel);
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder).with_context(|| format!("cannot create the folder {}", folder.display()))?;
            }
            fs::write(&path, bytes).with_context(|| format!("cannot write {}", dir.join(rel).display()))?;
        }
        // An empty target folder is replaced; `remove_dir` refuses one that filled up meanwhile.
        if dir.is_dir() {
            fs::remove_dir(dir).with_context(|| format!("cannot replace the empty folder {}", dir.display()))?;
        }
        fs::rename(&tmp, dir).with_context(|| format!("cannot move the new project into {}", dir.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spotlight-tree-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_new_folder_gets_every_file_and_no_temporary_folder_stays() {
        let base = scratch("ok");
        let files = vec![(PathBuf::from("a.txt"), b"a".to_vec()), (PathBuf::from("b/c.txt"), b"c".to_vec())];
        create(&base.join("new"), &files).unwrap();
        assert_eq!(fs::read(base.join("new/b/c.txt")).unwrap(), b"c");
        let names: Vec<_> = fs::read_dir(&base).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("new")]);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn an_empty_folder_is_filled_and_a_full_one_refused_untouched() {
        let base = scratch("full");
        fs::create_dir_all(base.join("empty")).unwrap();
        create(&base.join("empty"), &[(PathBuf::from("x"), b"x".to_vec())]).unwrap();
        assert!(base.join("empty/x").exists());
        let err = create(&base.join("empty"), &[(PathBuf::from("y"), b"y".to_vec())]).unwrap_err();
        assert_eq!(err.code, Code::Usage);
        assert!(!base.join("empty/y").exists());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let base = scratch("fail");
        // A file and a folder of the same name cannot both be written.
        let files = vec![(PathBuf::from("a"), b"a".to_vec()), (PathBuf::from("a/b"), b"b".to_vec())];
        assert!(create(&base.join("new"), &files).is_err());
        assert_eq!(fs::read_dir(&base).unwrap().count(), 0);
        fs::remove_dir_all(&base).unwrap();
    }
}
