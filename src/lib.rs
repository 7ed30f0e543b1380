//! Spotlight turns the Markdown chapters of a report into a typeset PDF and an EPUB 3 for every
//! language edition. Data flows one way, and the modules follow it in this order:
//!
//! ```text
//! plan      report.yaml + CLI -> checked Plan (editions, chapter files, output folder)
//! markdown  comrak parse per chapter (in parallel) -> owned model
//! model     Edition > Chapter > Block > Inline, with Markdown spans
//! bib       hayagriva resolves every citation of an edition once, for both formats
//! render    model -> Typst markup (function-call form)
//! package   embedded typst World + compile + typst-pdf -> PDF
//! output    atomic writes
//! ```
//!
//! `build` drives the pipeline for a plan; `diag` carries every problem back to a file and line.

pub mod bib;
pub mod build;
pub mod cli;
pub mod config;
pub mod diag;
pub mod fonts;
pub mod markdown;
pub mod model;
pub mod output;
pub mod package;
pub mod people;
pub mod plan;
pub mod print;
pub mod render;
pub mod status;
pub mod watch;

/// The version line `spotlight --version` prints: the tool's version and the typst it embeds.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (typst 0.15.1)");
