//! Output formats, one folder each, owning their rendering and packaging: `pdf/` (Typst source,
//! World, export, page boxes, template), `epub/` (XHTML, package, stylesheet) and `html/` (the web
//! site); `markup` renders blocks and inlines for both EPUB and web, `pagebreaks` the print
//! edition's page break markers in them. `escape` is the only code that
//! knows special characters; `fonts` chooses an edition's faces and checks glyphs; `subset` cuts
//! font files down to the characters an edition uses.

pub mod epub;
pub mod escape;
pub mod fonts;
pub mod html;
pub mod markup;
pub mod pagebreaks;
pub mod pdf;
pub mod subset;

use std::time::Duration;

use crate::document::model::Edition;
use crate::document::pages::PageMap;
use crate::formats::pdf::typst::TypstFile;
use crate::formats::pdf::world::Shared;
use crate::project::Plan;

/// What every format is given: the plan, the shared fonts, the edition, its rendered Typst and,
/// once the PDF is laid out, where its pages begin.
pub struct Job<'a> {
    /// The checked plan.
    pub plan: &'a Plan,
    /// Fonts and the typst library, loaded once.
    pub shared: &'a Shared,
    /// The edition, every pass applied.
    pub edition: &'a Edition,
    /// The edition's Typst sources (the PDF's, and the EPUB's cover).
    pub typst: &'a [TypstFile],
    /// Where each page of the PDF begins (for the EPUB's and the web edition's page list).
    pub pages: Option<&'a PageMap>,
}

/// A finished artifact's bytes and what making it cost.
pub struct Made {
    /// The artifact's bytes.
    pub bytes: Vec<u8>,
    /// Pages, for paged formats.
    pub pages: Option<usize>,
    /// Time per stage.
    pub timings: Vec<(&'static str, Duration)>,
    /// For formats of many files (the web site): each file's path relative to the output folder
    /// and its bytes; `bytes` is then the edition's index page.
    pub files: Vec<(String, Vec<u8>)>,
}
