//! The typst `World` Spotlight compiles in: one shared base (standard library and fonts, loaded
//! once per process) and a cheap per-edition world serving the generated sources from memory and
//! project files from disk, confined to the project root (no `..`, no symlink escape, no packages).
//! The generated sources are parsed on every core before typst starts; a base that keeps sources
//! (`watch`) hands a document's parsed sources to its next compilation, which reparses only the
//! edited range of each changed file, so the syntax (and typst's memoized layout) of everything
//! else stays the same.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

use rayon::prelude::*;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use crate::formats::pdf::fit::Tried;
use crate::project::files::{self, Refused};

/// What every world of a process shares: the standard library and the fonts (and, for `watch`,
/// the parsed sources of each document's last compilation), and the gate compiles pass.
pub struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
    kept: Option<Mutex<HashMap<String, HashMap<FileId, Source>>>>,
    /// With `kept`: each chapter's page-economy search, by the hash of what its layout depends on.
    fits: Option<Mutex<HashMap<u64, Tried>>>,
    gate: Gate,
}

/// How much generated Typst may be compiling at once, in bytes. typst's memoized layout of a
/// document grows with its text, about 1.1 KiB of memory per byte of generated Typst (measured on
/// the 40-chapter benchmark book: 1 MB of Typst an edition, 1.15 GB peak for one edition), so this
/// keeps typst at about a gibibyte however many editions build at once: the editions of a report
/// compile side by side, the editions of a long book one after another (their other stages, and
/// their PDF export, still run alongside). A compile larger than this runs alone.
pub const COMPILE_BUDGET: usize = 1 << 20;

/// Compiles wait here while the Typst already compiling and theirs would exceed the budget; when
/// the last one leaves, typst's caches are emptied (if `evict`), so a finished edition's layout
/// does not stay in memory beside the next one's.
struct Gate {
    /// The bytes of Typst compiling now.
    in_flight: Mutex<usize>,
    freed: Condvar,
    evict: AtomicBool,
}

/// A compile's pass through the gate: held while it compiles, released when dropped.
pub struct Permit<'s> {
    gate: &'s Gate,
    weight: usize,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut in_flight = self.gate.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        *in_flight -= self.weight;
        if *in_flight == 0 && self.gate.evict.load(Ordering::SeqCst) {
            // Nothing compiles now: what is cached belongs to finished documents.
            typst::comemo::evict(0);
        }
        self.gate.freed.notify_all();
    }
}

impl Shared {
    /// Load the fonts of `font_dir` (if it exists) and typst's embedded fonts as fallbacks.
    pub fn load(font_dir: &Path) -> Self {
        let mut fonts = FontStore::new();
        if font_dir.is_dir() {
            fonts.extend(typst_kit::fonts::scan(font_dir));
        }
        fonts.extend(typst_kit::fonts::embedded());
        let gate = Gate { in_flight: Mutex::new(0), freed: Condvar::new(), evict: false.into() };
        Self { library: LazyHash::new(Library::builder().build()), fonts, kept: None, fits: None, gate }
    }

    /// Wait until `typst` bytes of generated Typst may compile (see `COMPILE_BUDGET`), and hold
    /// the pass while compiling: the documents compiled under one pass share typst's caches.
    pub fn compiling(&self, typst: usize) -> Permit<'_> {
        let weight = typst.max(1);
        let mut in_flight = self.gate.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while *in_flight > 0 && *in_flight + weight > COMPILE_BUDGET {
            in_flight = self.gate.freed.wait(in_flight).unwrap_or_else(|e| e.into_inner());
        }
        *in_flight += weight;
        Permit { gate: &self.gate, weight }
    }

    /// Whether typst's caches are emptied each time no compile is running (default: no; a build
    /// does, `watch` keeps them for the next rebuild).
    pub fn evicting(&self, evict: bool) {
        self.gate.evict.store(evict, Ordering::SeqCst);
    }

    /// Keep each document's parsed sources for its next compilation, and each chapter's page-economy
    /// search for the next build of the same chapter (for rebuilds in one process).
    pub fn keeping_sources(mut self) -> Self {
        self.kept = Some(Mutex::new(HashMap::new()));
        self.fits = Some(Mutex::new(HashMap::new()));
        self
    }

    /// The page-economy search an earlier build made for a chapter whose layout inputs hash to `key`.
    pub fn remembered_fit(&self, key: u64) -> Option<Tried> {
        self.fits.as_ref()?.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned()
    }

    /// Remember a chapter's page-economy search (when this base keeps sources).
    pub fn remember_fit(&self, key: u64, tried: Tried) {
        if let Some(fits) = &self.fits {
            fits.lock().unwrap_or_else(|e| e.into_inner()).insert(key, tried);
        }
    }

    /// Forget every remembered search (an input a chapter's layout reads from disk changed).
    pub fn forget_fits(&self) {
        if let Some(fits) = &self.fits {
            fits.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// Whether this base remembers searches (`keeping_sources`).
    pub fn remembers_fits(&self) -> bool {
        self.fits.is_some()
    }

    /// Return the font book listing every font this process can use.
    pub fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    /// Whether any font of the book has a glyph for `c` (typst falls back to every font it has).
    pub fn covers(&self, c: char) -> bool {
        (0..).map_while(|i| self.book().info(i)).any(|info| info.coverage.contains(c as u32))
    }

    /// Whether the book has a family of this name.
    pub fn has_family(&self, family: &str) -> bool {
        self.book().contains_family(&family.to_lowercase())
    }

    /// Whether the family has a face of semibold weight or heavier.
    pub fn has_bold(&self, family: &str) -> bool {
        let book = self.book();
        book.select_family(&family.to_lowercase())
            .any(|i| book.info(i).is_some_and(|info| info.variant.weight.to_number() >= 600))
    }

    /// Return the font at `index` of the book.
    pub fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }
}

/// Empty typst's memoized caches, keeping results used within the last `max_age` compilations.
pub fn evict(max_age: usize) {
    typst::comemo::evict(max_age);
}

/// Make the file id of a virtual project path such as `/chapters/en/01-a.typ`.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("generated virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Serves in-memory sources first, then files under the project root.
struct Loader {
    root: PathBuf,
    memory: HashMap<FileId, Bytes>,
}

impl FileLoader for Loader {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.memory.get(&id) {
            return Ok(bytes.clone());
        }
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some("packages are not available in Spotlight builds".into())));
        }
        let path = id.vpath().realize(&self.root)?;
        // The lexical check above cannot see symbolic links; the canonical path can.
        match files::read_inside(&self.root, &path) {
            Ok(bytes) => Ok(Bytes::new(bytes)),
            Err(Refused::Io(e)) => Err(FileError::from_io(e, &path)),
            Err(Refused::Outside) => Err(FileError::AccessDenied),
            Err(Refused::Folder) => Err(FileError::IsDirectory),
        }
    }
}

impl Loader {
    /// A loader for files under `root` that serves `sources` (virtual path, text) from memory.
    fn new(root: &Path, sources: &[(String, String)]) -> Self {
        let memory = sources.iter().map(|(path, text)| (file_id(path), Bytes::from_string(text.clone()))).collect();
        Self { root: root.to_path_buf(), memory }
    }
}

/// The parsed source of `text`: `earlier` (an earlier parse of the file) when its text is the
/// same, else `earlier` reparsed in the edited range only, else parsed afresh.
fn reparsed(id: FileId, text: &str, earlier: Option<Source>) -> Source {
    match earlier {
        Some(source) if source.text() == text => source,
        Some(mut source) => {
            source.replace(text);
            source
        }
        None => Source::new(id, text.to_string()),
    }
}

/// A world for one document: shared base plus its own sources and file cache.
pub struct DocWorld<'s> {
    shared: &'s Shared,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: FileStore<Loader>,
    today: Datetime,
    root: PathBuf,
}

impl<'s> DocWorld<'s> {
    /// Create a world for the document `key` (one per edition and main file) whose main file is
    /// `main`, with `sources` (virtual path, text) held in memory and parsed up front.
    pub fn new(
        shared: &'s Shared,
        key: &str,
        root: &Path,
        main: &str,
        sources: &[(String, String)],
        today: (i32, u8, u8),
    ) -> Self {
        let root = files::canonical_root(root);
        let key = format!("{key}:{main}");
        let mut before = match &shared.kept {
            Some(kept) => kept.lock().expect("no thread panics while holding the sources").remove(&key),
            None => None,
        }
        .unwrap_or_default();
        let earlier: Vec<(FileId, &String, Option<Source>)> = sources
            .iter()
            .map(|(path, text)| {
                let id = file_id(path);
                (id, text, before.remove(&id))
            })
            .collect();
        let parsed: HashMap<FileId, Source> =
            earlier.into_par_iter().map(|(id, text, earlier)| (id, reparsed(id, text, earlier))).collect();
        if let Some(kept) = &shared.kept {
            kept.lock().expect("no thread panics while holding the sources").insert(key, parsed.clone());
        }
        Self {
            shared,
            main: file_id(main),
            sources: parsed,
            files: FileStore::new(Loader::new(&root, sources)),
            today: Datetime::from_ymd(today.0, today.1, today.2).expect("dates are checked in plan"),
            root,
        }
    }

    /// A world for the same document with `sources` in memory instead: a source whose text is
    /// unchanged keeps its parse (page economy's compiles change the main file alone).
    pub fn with_sources(&self, sources: &[(String, String)]) -> Self {
        let parsed = sources
            .iter()
            .map(|(path, text)| {
                let id = file_id(path);
                (id, reparsed(id, text, self.sources.get(&id).cloned()))
            })
            .collect();
        Self {
            shared: self.shared,
            main: self.main,
            sources: parsed,
            files: FileStore::new(Loader::new(&self.root, sources)),
            today: self.today,
            root: self.root.clone(),
        }
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.sources.get(&id) {
            Some(source) => Ok(source.clone()),
            None => self.files.source(id),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Never the wall clock: builds must be reproducible.
        Some(self.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_flight(shared: &Shared) -> usize {
        *shared.gate.in_flight.lock().unwrap()
    }

    #[test]
    fn small_compiles_pass_the_gate_side_by_side_and_leave_it_empty() {
        let shared = Shared::load(Path::new("/nonexistent"));
        let a = shared.compiling(10);
        // Under the budget together: the second does not wait for the first (it would hang here).
        let b = shared.compiling(20);
        assert_eq!(in_flight(&shared), 30);
        drop(a);
        assert_eq!(in_flight(&shared), 20);
        drop(b);
        assert_eq!(in_flight(&shared), 0);
    }

    #[test]
    fn a_compile_larger_than_the_budget_passes_alone() {
        let shared = Shared::load(Path::new("/nonexistent"));
        let big = shared.compiling(3 * COMPILE_BUDGET);
        assert_eq!(in_flight(&shared), 3 * COMPILE_BUDGET);
        drop(big);
        // An empty document still counts while it compiles.
        let empty = shared.compiling(0);
        assert_eq!(in_flight(&shared), 1);
        drop(empty);
        assert_eq!(in_flight(&shared), 0);
    }
}
