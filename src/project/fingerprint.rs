//! Fingerprints for the build cache: a key per edition and format that changes whenever anything
//! the artifact depends on changes (the shared files, the edition's own and the source language's
//! chapter folders, fonts, theme, every checked option, the tool's version and build id), and
//! content hashes of single files (the images an edition used). Keys hash file contents, never
//! modification times, so a fresh clone on another machine finds the same keys; a `Memo` of earlier
//! runs' content hashes saves reading a file (the fonts: megabytes) only while everything the
//! file system records of it (device, inode, size, modification and change times) is as it was,
//! and only for files whose times were settled when they were hashed. Reads, never writes.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

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
    fn tree(&mut self, memo: &Memo, root: &Path, rel: &Path) {
        let mut files = Vec::new();
        list(root, rel, &mut files);
        let digests: Vec<Digest> = files
            .par_iter()
            // An unreadable file hashes apart from every content, so it never matches a stored key.
            .map(|rel| memo.content(&root.join(rel)).unwrap_or_else(|| Digest("unreadable".into())))
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
pub fn shared(plan: &Plan, memo: &Memo) -> Digest {
    let mut h = Hash::new();
    h.field(SCHEME.as_bytes());
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    h.field(env!("SPOTLIGHT_BUILD_ID").as_bytes());
    for rel in SHARED {
        h.field(rel.as_bytes());
        h.tree(memo, &plan.root, Path::new(rel));
    }
    if let Some(cover) = &plan.cover {
        h.tree(memo, &plan.root, cover);
    }
    if let Some(style) = &plan.citation_style {
        h.field(style.as_bytes());
        h.tree(memo, &plan.root, Path::new(style));
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
pub fn edition(plan: &Plan, memo: &Memo, shared: &Digest, ed: &EditionPlan) -> Digest {
    let mut h = Hash::new();
    h.field(shared.0.as_bytes());
    h.field(format!("{ed:?}").as_bytes());
    let chapters = Path::new("chapters");
    h.tree(memo, &plan.root, &chapters.join(&ed.lang));
    if plan.source_lang != ed.lang {
        h.tree(memo, &plan.root, &chapters.join(&plan.source_lang));
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
pub fn file(memo: &Memo, root: &Path, rel: &Path) -> Option<Digest> {
    memo.content(&root.join(rel))
}

/// What the file system records of a file besides its content. A write changes the change time
/// (which no program can set back), a replacement the inode; so while all of it is the same, the
/// content is the one hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// Device and inode.
    pub file: (u64, u64),
    /// Size in bytes.
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    pub modified: (i64, i64),
    /// Change time (of content or metadata): seconds and nanoseconds since the epoch.
    pub changed: (i64, i64),
}

impl Stamp {
    /// The stamp of the file at `path` (`None` where the platform records no change time).
    pub fn of(path: &Path) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = fs::metadata(path).ok()?;
            m.is_file().then(|| Self {
                file: (m.dev(), m.ino()),
                len: m.len(),
                modified: (m.mtime(), m.mtime_nsec()),
                changed: (m.ctime(), m.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// Whether both times lie at least `margin` before `now`. A file written again within one tick
    /// of the file system's clock (up to 2 s on some) can keep its times; a file whose times are
    /// older than that when it is hashed cannot change without changing them.
    fn settled(&self, now: SystemTime, margin: Duration) -> bool {
        let Some(limit) = now.checked_sub(margin).and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()) else {
            return false;
        };
        let before = |(s, ns): (i64, i64)| (s, ns) < (limit.as_secs() as i64, i64::from(limit.subsec_nanos()));
        before(self.modified) && before(self.changed)
    }
}

/// How long a file's times must lie in the past before its hash is remembered.
const SETTLED: Duration = Duration::from_secs(3);

/// Content hashes of earlier runs by absolute path and stamp, and what this run saw (for the next
/// run). A hash is taken from the memo only when the stamp is the same.
#[derive(Debug, Default)]
pub struct Memo {
    known: HashMap<PathBuf, (Stamp, String)>,
    started: Option<SystemTime>,
    /// The files this run looked at: their stamp and hash, or `None` when it must not be kept.
    seen: Mutex<HashMap<PathBuf, Option<(Stamp, String)>>>,
}

impl Memo {
    /// A memo holding `known` (what an earlier run kept); `None` hashes every file from its content.
    pub fn new(known: Option<Vec<(PathBuf, Stamp, String)>>) -> Self {
        let Some(known) = known else { return Self::default() };
        Self {
            known: known.into_iter().map(|(path, stamp, hash)| (path, (stamp, hash))).collect(),
            started: Some(SystemTime::now()),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The content hash of the file at `path`, from the memo when its stamp is unchanged.
    fn content(&self, path: &Path) -> Option<Digest> {
        let Some(started) = self.started else { return Some(bytes(&fs::read(path).ok()?)) };
        // The stamp is taken before the content is read: a write in between changes the stamp the
        // next run sees, so a hash is never remembered under a stamp that came after its content.
        let stamp = Stamp::of(path);
        if let Some(stamp) = stamp
            && let Some((known, hash)) = self.known.get(path)
            && *known == stamp
        {
            self.saw(path, Some((stamp, hash.clone())));
            return Some(Digest(hash.clone()));
        }
        let digest = fs::read(path).ok().map(|content| bytes(&content));
        let keep = match (&digest, stamp) {
            (Some(d), Some(stamp)) if stamp.settled(started, SETTLED) => Some((stamp, d.0.clone())),
            _ => None,
        };
        self.saw(path, keep);
        digest
    }

    fn saw(&self, path: &Path, entry: Option<(Stamp, String)>) {
        self.seen.lock().expect("no thread panics while holding the memo").insert(path.to_path_buf(), entry);
    }

    /// What the next run can use, in path order: what this run saw, and what it did not look at.
    pub fn entries(&self) -> Vec<(PathBuf, Stamp, String)> {
        let seen = self.seen.lock().expect("no thread panics while holding the memo");
        let mut out: Vec<(PathBuf, Stamp, String)> = self
            .known
            .iter()
            .filter(|(path, _)| !seen.contains_key(*path))
            .map(|(p, (s, h))| (p.clone(), *s, h.clone()))
            .chain(seen.iter().filter_map(|(p, e)| e.as_ref().map(|(s, h)| (p.clone(), *s, h.clone()))))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Whether `entries()` differs from what the memo was made with (so it is worth storing).
    pub fn changed(&self) -> bool {
        let seen = self.seen.lock().expect("no thread panics while holding the memo");
        seen.iter().any(|(path, entry)| entry.as_ref() != self.known.get(path))
    }
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
            h.tree(&Memo::default(), root, Path::new("t"));
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

    #[cfg(unix)]
    #[test]
    fn the_memo_serves_a_hash_only_for_the_same_stamp_and_keeps_only_settled_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("font.ttf");
        fs::write(&path, "glyphs").unwrap();
        let real = bytes(b"glyphs");
        let stamp = Stamp::of(&path).unwrap();
        // A remembered hash is served as it is while the stamp matches: the memo is used.
        let memo = Memo::new(Some(vec![(path.clone(), stamp, "feed".into())]));
        assert_eq!(memo.content(&path), Some(Digest("feed".into())));
        assert!(!memo.changed());
        // Any difference in the stamp (here its size) hashes the content again.
        let other = Stamp { len: stamp.len + 1, ..stamp };
        let memo = Memo::new(Some(vec![(path.clone(), other, "feed".into())]));
        assert_eq!(memo.content(&path), Some(real.clone()));
        // The file was written just now: its hash is not kept, and the stale entry is dropped.
        assert!(memo.changed());
        assert!(memo.entries().is_empty());
        // Without a memo every file is read.
        assert_eq!(Memo::default().content(&path), Some(real));
        assert_eq!(Memo::default().content(&dir.path().join("missing")), None);
    }

    #[test]
    fn a_stamp_is_settled_only_when_both_times_are_old_enough() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let at = |m: i64, c: i64| Stamp { file: (1, 2), len: 3, modified: (m, 0), changed: (c, 0) };
        assert!(at(990, 990).settled(now, SETTLED));
        assert!(!at(990, 999).settled(now, SETTLED), "changed within the margin");
        assert!(!at(2_000, 990).settled(now, SETTLED), "modified in the future");
    }
}
