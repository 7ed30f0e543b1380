//! The bibliography, through hayagriva (the version typst uses): loads Hayagriva YAML and BibLaTeX
//! files from `bibliography/`, resolves every citation of an edition once with the configured CSL
//! style and the edition's locale, and writes the results into the model (citation text, links to
//! entries, notes for note styles, the reference list), so the PDF and the EPUB print the same
//! strings. The only module that knows hayagriva.

mod asked;
mod bidi;
mod cluster;
mod kept;
mod library;
mod locator;
mod notes;
mod output;
mod quotes;
mod resolve;
mod walk;

pub use kept::keep_resolved;
pub use library::{Bibliography, DEFAULT_STYLE, DIR, REFERENCES_SLUG, entry_anchor, load};
pub use resolve::resolve;
