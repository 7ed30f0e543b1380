//! What a run produced and found: artifacts, diagnostics, timings by stage, failed editions.
//! Plain data, shared by the pipeline, the manifest and the printed report.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::diag::Diagnostic;
use crate::project::Format;

/// Time spent per stage, summed over editions and formats (CPU time when they run in parallel).
#[derive(Debug, Default, Clone)]
pub struct Timings(pub BTreeMap<&'static str, Duration>);

impl Timings {
    /// Add time to a stage.
    pub fn add(&mut self, stage: &'static str, time: Duration) {
        *self.0.entry(stage).or_default() += time;
    }

    /// Add every stage of another record.
    pub fn merge(&mut self, other: &Timings) {
        for (stage, time) in &other.0 {
            self.add(stage, *time);
        }
    }
}

/// One written (or, for `check`, validated) artifact.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it was written.
    pub path: PathBuf,
    /// The edition's language.
    pub lang: String,
    /// Its format.
    pub format: Format,
    /// Its size in bytes (of all its files, for the web site).
    pub bytes: usize,
    /// SHA-256 of its bytes (of the index page, for the web site), in hex.
    pub sha256: String,
    /// Page count, for PDFs.
    pub pages: Option<usize>,
    /// Words in the edition's text.
    pub words: usize,
    /// Whether it was taken from the build cache rather than made.
    pub cached: bool,
    /// For a format of many files (the web site): every file written, the index among them.
    pub files: Vec<ArtifactFile>,
}

/// One file of a many-file artifact.
#[derive(Debug, Clone)]
pub struct ArtifactFile {
    /// Where it was written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// SHA-256 of its bytes, in hex.
    pub sha256: String,
}

/// What a run produced and found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Artifacts written, in edition and format order.
    pub artifacts: Vec<Artifact>,
    /// Every diagnostic of every edition.
    pub diagnostics: Vec<Diagnostic>,
    /// Time per stage.
    pub timings: Timings,
    /// Editions that failed (no artifact of theirs is left under its final name).
    pub failed: Vec<String>,
    /// Each built edition's own diagnostics, with those of the files every edition shares.
    pub by_edition: BTreeMap<String, Vec<Diagnostic>>,
    /// The project files each built edition read besides its chapters (images, figures).
    pub reads: BTreeMap<String, Vec<PathBuf>>,
}

/// Hash bytes with SHA-256, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
