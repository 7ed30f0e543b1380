//! Output formats, one folder each, owning their rendering and packaging: `pdf/` (Typst source,
//! World, export, page boxes, template) and `epub/` (XHTML, package, stylesheet). `escape` is the
//! only code that knows special characters; `fonts` chooses an edition's faces and checks glyphs;
//! `subset` cuts font files down to the characters an edition uses.

pub mod epub;
pub mod escape;
pub mod fonts;
pub mod pdf;
pub mod subset;

use std::time::Duration;

use crate::document::model::Edition;
use crate::formats::pdf::typst::TypstFile;
use crate::formats::pdf::world::Shared;
use crate::project::Plan;

/// What every format is given: the plan, the shared fonts, the edition, its rendered Typst.
pub struct Job<'a> {
    /// The checked plan.
    pub plan: &'a Plan,
    /// Fonts and the typst library, loaded once.
    pub shared: &'a Shared,
    /// The edition, every pass applied.
    pub edition: &'a Edition,
    /// The edition's Typst sources (the PDF's, and the EPUB's cover).
    pub typst: &'a [TypstFile],
}

/// A finished artifact's bytes and what making it cost.
pub struct Made {
    /// The artifact's bytes.
    pub bytes: Vec<u8>,
    /// Pages, for paged formats.
    pub pages: Option<usize>,
    /// Time per stage.
    pub timings: Vec<(&'static str, Duration)>,
}
