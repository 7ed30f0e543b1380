//! Fingerprints for the build cache: a key per edition and format that changes whenever anything
//! the artifact depends on changes (the shared files, the edition's own and the source language's
//! chapter folders, fonts, theme, every checked option, the tool's version and build id), and
//! content hashes of single files (the images an edition used). Hashes file contents, never
//! modification times, so a fresh clone on another machine finds the same keys. Reads, never writes.

use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use siphasher::sip128::{Hasher128, SipHasher13};

use super::{CONFIG_FILE, EditionPlan, Format, Plan};

/// The folders and files every edition depends on, besides its chapters.
const SHARED: &[&str] = &[CONFIG_FILE, "people.yaml", "bibliography", "fonts", "theme"];

/// Bump when the cache's entry format or what a key covers changes.
const SCHEME: &str = "spotlight-cache-4";

/// A 128-bit content hash, in hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest(pub String);

/// Hashes as the cache needs them.
struct Hash(SipHasher13);

impl Hash {
    fn new() -> Self {
        Self(SipHasher13::new())
    }

    fn field(&mut self, bytes: &[u8]) {
        // Length-prefixed, so no two sequences of fields hash alike by shifting a boundary.
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
    }

    /// Hash every file under `rel` (or `rel` itself): names in path order, each content hashed on
    /// its own so the reading and hashing of large folders (fonts) is spread over the cores.
    fn tree(&mut self, root: &Path, rel: &Path) {
        let mut files = Vec::new();
        list(root, rel, &mut files);
        let digests: Vec<Digest> = files
            .par_iter()
            .map(|rel| match fs::read(root.join(rel)) {
                Ok(content) => bytes(&content),
                // An unreadable file hashes apart from every content, so it never matches a stored key.
                Err(_) => Digest("unreadable".into()),
            })
            .collect();
        for (rel, digest) in files.iter().zip(digests) {
            self.field(rel.to_string_lossy().as_bytes());
            self.field(digest.0.as_bytes());
        }
    }

    fn finish(self) -> Digest {
        Digest(format!("{:032x}", self.0.finish128().as_u128()))
    }
}

/// The files under `rel` (or `rel` itself when it is a file), in path order.
fn list(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let path = root.join(rel);
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&path)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| rel.join(e.file_name())).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            list(root, &entry, out);
        }
    } else if path.is_file() {
        out.push(rel.to_path_buf());
    }
}

/// The hash of everything the editions share, computed once per run.
pub fn shared(plan: &Plan) -> Digest {
    let mut h = Hash::new();
    h.field(SCHEME.as_bytes());
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    h.field(env!("SPOTLIGHT_BUILD_ID").as_bytes());
    for rel in SHARED {
        h.field(rel.as_bytes());
        h.tree(&plan.root, Path::new(rel));
    }
    if let Some(cover) = &plan.cover {
        h.tree(&plan.root, cover);
    }
    if let Some(style) = &plan.citation_style {
        h.field(style.as_bytes());
        h.tree(&plan.root, Path::new(style));
    }
    // Every checked option: debug forms of plain data whose maps are ordered.
    h.field(format!("{:?}", plan.meta).as_bytes());
    h.field(format!("{:?}", plan.print).as_bytes());
    h.field(format!("{:?}", plan.theme).as_bytes());
    h.field(format!("{:?} {:?} {}", plan.timestamp, plan.nocite, plan.source_lang).as_bytes());
    h.finish()
}

/// What an edition depends on besides the shared files: its plan and chapter folders (its own and
/// the source language's), hashed once for all its formats.
pub fn edition(plan: &Plan, shared: &Digest, ed: &EditionPlan) -> Digest {
    let mut h = Hash::new();
    h.field(shared.0.as_bytes());
    h.field(format!("{ed:?}").as_bytes());
    let chapters = Path::new("chapters");
    h.tree(&plan.root, &chapters.join(&ed.lang));
    if plan.source_lang != ed.lang {
        h.tree(&plan.root, &chapters.join(&plan.source_lang));
    }
    h.finish()
}

/// The key of one edition's artifact in one format.
pub fn key(edition: &Digest, format: Format) -> Digest {
    let mut h = Hash::new();
    h.field(edition.0.as_bytes());
    h.field(format.extension().as_bytes());
    h.finish()
}

/// The content hash of one project file (`None` when it cannot be read).
pub fn file(root: &Path, rel: &Path) -> Option<Digest> {
    Some(bytes(&fs::read(root.join(rel)).ok()?))
}

/// The content hash of bytes.
pub fn bytes(bytes: &[u8]) -> Digest {
    let mut h = Hash::new();
    h.field(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_hash_sees_content_and_names_but_not_times() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("t")).unwrap();
        fs::write(root.join("t/a.md"), "one").unwrap();
        let hash = |root: &Path| {
            let mut h = Hash::new();
            h.tree(root, Path::new("t"));
            h.finish()
        };
        let first = hash(root);
        fs::write(root.join("t/a.md"), "one").unwrap();
        assert_eq!(hash(root), first, "rewriting the same bytes is no change");
        fs::write(root.join("t/a.md"), "two").unwrap();
        assert_ne!(hash(root), first);
        fs::write(root.join("t/a.md"), "one").unwrap();
        fs::rename(root.join("t/a.md"), root.join("t/b.md")).unwrap();
        assert_ne!(hash(root), first, "a renamed file is a change");
    }
}
