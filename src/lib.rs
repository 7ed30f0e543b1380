//! Spotlight turns the Markdown chapters of a report into a typeset PDF and an EPUB 3 for every
//! language edition. Layers import only downward (a test keeps it so, `tests/e2e/layers.rs`):
//!
//! ```text
//! commands   build/check, status, watch, typst: what the binary runs       (top)
//! report     what is printed: diagnostics, summary, timings, status
//! output     atomic writes, manifest, retraction (I/O)
//! pipeline   workers (editions in parallel), outcome, timings
//! formats    pdf/ (Typst, World, export, boxes), epub/ (XHTML, package), fonts, escape
//! document   passes that enrich the model: people, citations, links, standards, assembly
//! translate  translations unit by unit: sync record, changes, XLIFF/PO exchange (beside document)
//! markdown   comrak -> document model
//! project    disk -> a checked Project (report.yaml, editions, files; I/O)
//! base       diag, lang (the language table), cli (clap shapes), document::model + walk,
//!            scaffold (the files `spotlight new` writes)
//! ```

pub mod cli;
pub mod commands;
pub mod diag;
pub mod document;
pub mod formats;
pub mod lang;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod project;
pub mod report;
pub mod scaffold;
pub mod translate;

/// The version line `spotlight --version` prints: the tool's version and the typst it embeds.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (typst 0.15.1)");
