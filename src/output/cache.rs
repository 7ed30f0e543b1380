//! The build cache on disk: one folder per key holding an artifact and a small JSON record (its
//! SHA-256, pages, words, the warnings its build gave, and the project files it read besides those
//! the key covers, with their hashes). An entry is written under a temporary name and renamed into
//! place, so concurrent builds and a full disk leave either a whole entry or none; an entry whose
//! bytes do not match its record is ignored. Beside the entries, `files.json` keeps the file-hash
//! memo (`fingerprint::Memo`), replaced whole the same way. Knows nothing of what a key covers.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::diag::Diagnostic;
use crate::project::fingerprint::{self, Stamp};

/// The memo's file in the cache folder.
const MEMO_FILE: &str = "files.json";

/// What the cache keeps of one artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The artifact's bytes.
    pub bytes: Vec<u8>,
    /// SHA-256 of the bytes, in hex (the manifest's).
    pub sha256: String,
    /// Page count, for PDFs.
    pub pages: Option<usize>,
    /// Words in the edition's text.
    pub words: usize,
    /// The warnings its build gave, shown again when it is served.
    pub warnings: Vec<Diagnostic>,
    /// Project files it read that its key does not cover, with their content hashes.
    pub reads: Vec<(PathBuf, String)>,
}

/// A cache folder.
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Use `dir` (created on the first store).
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf() }
    }

    fn entry_dir(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2.min(key.len())]).join(key)
    }

    /// The entry stored under `key`, if there is a whole one.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let dir = self.entry_dir(key);
        let record: Value = serde_json::from_slice(&fs::read(dir.join("record.json")).ok()?).ok()?;
        let bytes = fs::read(dir.join("artifact")).ok()?;
        let sha256 = record.get("sha256")?.as_str()?.to_string();
        if bytes.len() as u64 != record.get("bytes")?.as_u64()?
            || fingerprint::bytes(&bytes).0 != record.get("check")?.as_str()?
        {
            return None;
        }
        let warnings = record.get("warnings")?.as_array()?.iter().map(Diagnostic::from_json).collect::<Option<_>>()?;
        let reads = record
            .get("reads")?
            .as_array()?
            .iter()
            .map(|r| Some((PathBuf::from(r.get(0)?.as_str()?), r.get(1)?.as_str()?.to_string())))
            .collect::<Option<_>>()?;
        Some(Entry {
            bytes,
            sha256,
            pages: record.get("pages").and_then(Value::as_u64).map(|p| p as usize),
            words: record.get("words")?.as_u64()? as usize,
            warnings,
            reads,
        })
    }

    /// Store an entry under `key`; an entry already there (another build's) is kept.
    pub fn put(&self, key: &str, entry: &Entry) -> Result<()> {
        let dir = self.entry_dir(key);
        if dir.join("record.json").is_file() {
            return Ok(());
        }
        let parent = dir.parent().unwrap_or(&self.dir);
        let tmp = parent.join(format!(".{key}.{}.tmp", std::process::id()));
        let record = json!({
            "sha256": entry.sha256,
            "bytes": entry.bytes.len(),
            "check": fingerprint::bytes(&entry.bytes).0,
            "pages": entry.pages,
            "words": entry.words,
            "warnings": entry.warnings.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
            "reads": entry.reads.iter().map(|(p, h)| json!([p.to_string_lossy().replace('\\', "/"), h])).collect::<Vec<_>>(),
        });
        let result = (|| -> Result<()> {
            fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
            write_synced(&tmp.join("artifact"), &entry.bytes)?;
            write_synced(&tmp.join("record.json"), record.to_string().as_bytes())?;
            match fs::rename(&tmp, &dir) {
                Ok(()) => Ok(()),
                // Another build stored the same key first: its entry is as good as ours.
                Err(_) if dir.join("record.json").is_file() => {
                    let _ = fs::remove_dir_all(&tmp);
                    Ok(())
                }
                Err(e) => Err(e.into()),
            }
        })();
        if result.is_err() {
            let _ = fs::remove_dir_all(&tmp);
        }
        result.with_context(|| format!("cannot store a build in the cache {}", self.dir.display()))
    }
}

impl Cache {
    /// The file-hash memo an earlier run stored (empty when there is none or it cannot be read).
    pub fn memo(&self) -> Vec<(PathBuf, Stamp, String)> {
        let Some(Value::Array(rows)) =
            fs::read(self.dir.join(MEMO_FILE)).ok().and_then(|b| serde_json::from_slice(&b).ok())
        else {
            return Vec::new();
        };
        let row = |r: &Value| {
            let n = |i: usize| r.get(i).and_then(Value::as_i64);
            let u = |i: usize| r.get(i).and_then(Value::as_u64);
            let stamp = Stamp { file: (u(1)?, u(2)?), len: u(3)?, modified: (n(4)?, n(5)?), changed: (n(6)?, n(7)?) };
            Some((PathBuf::from(r.get(0)?.as_str()?), stamp, r.get(8)?.as_str()?.to_string()))
        };
        rows.iter().filter_map(row).collect()
    }

    /// Replace the file-hash memo (written under a temporary name, then renamed into place).
    pub fn put_memo(&self, entries: &[(PathBuf, Stamp, String)]) -> Result<()> {
        let rows: Vec<Value> = entries
            .iter()
            // A path that is not UTF-8 would not read back as itself: it is hashed every time.
            .filter_map(|(path, s, hash)| {
                let (m, c) = (s.modified, s.changed);
                Some(json!([path.to_str()?, s.file.0, s.file.1, s.len, m.0, m.1, c.0, c.1, hash]))
            })
            .collect();
        let result = (|| -> Result<()> {
            fs::create_dir_all(&self.dir)?;
            let tmp = self.dir.join(format!(".{MEMO_FILE}.{}.tmp", std::process::id()));
            let written = write_synced(&tmp, Value::Array(rows).to_string().as_bytes())
                .and_then(|()| fs::rename(&tmp, self.dir.join(MEMO_FILE)).map_err(Into::into));
            if written.is_err() {
                let _ = fs::remove_file(&tmp);
            }
            written
        })();
        result.with_context(|| format!("cannot store the file-hash memo in the cache {}", self.dir.display()))
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let bytes = b"%PDF-1.7 test".to_vec();
        Entry {
            sha256: "e3b0".into(),
            bytes,
            pages: Some(3),
            words: 12,
            warnings: vec![Diagnostic::warning("a warning").in_file(Path::new("chapters/en/01.md")).at(4, 2)],
            reads: vec![(PathBuf::from("images/a.png"), "00ff".into())],
        }
    }

    #[test]
    fn an_entry_comes_back_as_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        assert_eq!(cache.get("abcd"), None);
        cache.put("abcd", &entry()).unwrap();
        assert_eq!(cache.get("abcd"), Some(entry()));
        // Storing again keeps the first entry and succeeds.
        cache.put("abcd", &entry()).unwrap();
    }

    #[test]
    fn a_damaged_entry_is_not_served() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("abcd", &entry()).unwrap();
        fs::write(dir.path().join("ab/abcd/artifact"), b"%PDF-1.7 tesT").unwrap();
        assert_eq!(cache.get("abcd"), None);
        fs::write(dir.path().join("ab/abcd/artifact"), b"%PDF").unwrap();
        assert_eq!(cache.get("abcd"), None);
    }

    #[test]
    fn the_memo_comes_back_as_stored_and_a_damaged_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        assert!(cache.memo().is_empty());
        let stamp = Stamp { file: (1, u64::MAX), len: 3, modified: (-5, 7), changed: (1_700_000_000, 999_999_999) };
        let entries = vec![(PathBuf::from("/p/fonts/a.ttf"), stamp, "00ff".to_string())];
        cache.put_memo(&entries).unwrap();
        assert_eq!(cache.memo(), entries);
        fs::write(dir.path().join(MEMO_FILE), b"[[\"/p/a\", 1").unwrap();
        assert!(cache.memo().is_empty());
    }

    #[test]
    fn a_cache_that_cannot_be_written_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("file");
        fs::write(&blocked, b"not a folder").unwrap();
        assert!(Cache::new(&blocked).put("abcd", &entry()).is_err());
    }
}
