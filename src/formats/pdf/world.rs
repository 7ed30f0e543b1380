//! The typst `World` Spotlight compiles in: one shared base (standard library and fonts, loaded
//! once per process) and a cheap per-edition world serving the generated sources from memory and
//! project files from disk, confined to the project root (no `..`, no symlink escape, no packages).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use crate::project::files::{self, Refused};

/// What every world of a process shares: the standard library and the fonts.
pub struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
}

impl Shared {
    /// Load the fonts of `font_dir` (if it exists) and typst's embedded fonts as fallbacks.
    pub fn load(font_dir: &Path) -> Self {
        let mut fonts = FontStore::new();
        if font_dir.is_dir() {
            fonts.extend(typst_kit::fonts::scan(font_dir));
        }
        fonts.extend(typst_kit::fonts::embedded());
        Self { library: LazyHash::new(Library::builder().build()), fonts }
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

/// A world for one document: shared base plus its own sources and file cache.
pub struct DocWorld<'s> {
    shared: &'s Shared,
    main: FileId,
    files: FileStore<Loader>,
    today: Datetime,
}

impl<'s> DocWorld<'s> {
    /// Create a world whose main file is `main`, with `sources` (virtual path, text) held in memory.
    pub fn new(
        shared: &'s Shared,
        root: &Path,
        main: &str,
        sources: &[(String, String)],
        today: (i32, u8, u8),
    ) -> Self {
        let memory = sources.iter().map(|(path, text)| (file_id(path), Bytes::from_string(text.clone()))).collect();
        let root = files::canonical_root(root);
        Self {
            shared,
            main: file_id(main),
            files: FileStore::new(Loader { root, memory }),
            today: Datetime::from_ymd(today.0, today.1, today.2).expect("dates are checked in plan"),
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
        self.files.source(id)
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
