//! The command line, as clap derive shapes only. `plan` turns these into a checked plan.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Spotlight turns the Markdown chapters of a report into a typeset PDF and an EPUB 3.
#[derive(Debug, Parser)]
#[command(name = "spotlight", version = crate::VERSION_LINE, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every edition and format (or those selected).
    Build(BuildArgs),
    /// Validate everything a build would, write nothing.
    Check(CheckArgs),
    /// Build, then rebuild what changes touch until interrupted (Ctrl-C).
    Watch(WatchArgs),
    /// Show which chapters of each translation are translated, missing or stale.
    Status(StatusArgs),
    /// Start a new project in DIR: every required field, a chapter showing each feature, fonts.
    New(NewArgs),
    /// Work with build manifests (merge those of builds spread over CI jobs).
    #[command(subcommand)]
    Manifest(ManifestCommand),
    /// Work on a translation: start an edition, sync it, exchange XLIFF or PO with CAT tools.
    #[command(subcommand)]
    Translate(TranslateCommand),
    /// Print shell completions for spotlight.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Compile a Typst file with Spotlight's embedded typst alone (for benchmarks: the floor).
    #[command(hide = true)]
    Typst(TypstArgs),
}

/// The `manifest` subcommands.
#[derive(Debug, Subcommand)]
pub enum ManifestCommand {
    /// Merge the manifests of several partial builds (e.g. one CI job per edition) into one, checking
    /// that tool, version, source and hashes agree and that every artifact lies beside the output.
    Merge(ManifestMergeArgs),
}

/// Options of `spotlight manifest merge`.
#[derive(Debug, clap::Args)]
pub struct ManifestMergeArgs {
    /// The project folder (its report.yaml gives the editions' order).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The merged manifest to write; the artifacts must already be in its folder.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The manifests of the partial builds.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
}

/// Options of `spotlight new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The folder to create (it must not exist, or be empty).
    pub dir: PathBuf,
    /// What the report is: `report` (any report) or `interview` (speaker turns).
    #[arg(long, value_enum, default_value = "report")]
    pub kind: KindArg,
    /// An edition's language (repeatable); the first is the source language (default: en).
    #[arg(long = "lang", value_name = "CODE")]
    pub langs: Vec<String>,
    /// The report's title (default: the sample title, in each edition's language).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// A kind of report on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Any report: a study, a policy brief, a book.
    Report,
    /// An interview: paragraphs opening with `**Name:**` are speaker turns.
    Interview,
}

/// Options of the hidden `spotlight typst` command.
#[derive(Debug, clap::Args)]
pub struct TypstArgs {
    /// The root folder the Typst file may read from.
    #[arg(long)]
    pub root: PathBuf,
    /// The folder of fonts to use besides the embedded ones.
    #[arg(long)]
    pub font_dir: PathBuf,
    /// The main file, as a path inside the root (e.g. `/main.typ`).
    pub main: String,
    /// Where to write the PDF.
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Options of `spotlight build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Where artifacts go (default: PROJECT/dist).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Build only this edition (repeatable).
    #[arg(long = "lang", value_name = "CODE")]
    pub langs: Vec<String>,
    /// Build only this format (repeatable).
    #[arg(long = "format", value_enum)]
    pub formats: Vec<FormatArg>,
    /// Also write intermediate sources (`typst`: the generated Typst under OUT/typst/LANG/).
    #[arg(long, value_enum)]
    pub emit: Vec<EmitArg>,
    /// Build translations with missing chapters, using the source text with a visible marker.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// The build cache: artifacts whose inputs are unchanged are taken from it, byte-identical
    /// (default: PROJECT/.spotlight-cache).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Build everything afresh, neither reading nor writing the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// How many editions to typeset at once (default: one per core); the next edition is read and
    /// cited beside them, and typst lays out each edition's pages on every core either way.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// How diagnostics and the summary are reported.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Paper and PDF standards.
    #[command(flatten)]
    pub print: PrintArgs,
}

/// Options of `spotlight watch`: those of `build`, and the local web server.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// What to build, as for `build`.
    #[command(flatten)]
    pub build: BuildArgs,
    /// Serve the output folder on 127.0.0.1 with reload after each rebuild (builds html; alone,
    /// without --format, only html).
    #[arg(long)]
    pub serve: bool,
    /// The port to serve on (default 8000).
    #[arg(long, value_name = "N", requires = "serve")]
    pub port: Option<u16>,
}

/// Paper and PDF options of `build` and `check` (they override report.yaml's `print`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PrintArgs {
    /// `screen` (coloured links, no blank pages) or `print` (black links, chapters on right-hand
    /// pages, mirrored margins, crop marks with a bleed).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Trim size: a4, a5, a6, letter, or WxH with a unit (6x9in, 148x210mm).
    #[arg(long, value_name = "SIZE")]
    pub page: Option<String>,
    /// Bleed around the trim size, e.g. 3mm (crop marks are drawn outside it in the print profile).
    #[arg(long, value_name = "LENGTH")]
    pub bleed: Option<String>,
    /// A PDF standard to conform to: a-2b, a-3b or ua-1 (repeatable; one PDF/A at most).
    #[arg(long = "pdf-standard", value_name = "STANDARD")]
    pub pdf_standards: Vec<String>,
}

/// A print profile on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// For reading on screen.
    Screen,
    /// For a printer.
    Print,
}

/// Reporting options shared by `build` and `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Diagnostics as text for people, one JSON object per line, or GitHub Actions annotations.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MessageFormat,
    /// Fail (exit 1) when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print only diagnostics: no progress, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the time spent per stage.
    #[arg(long)]
    pub timings: bool,
    /// Write the time spent per stage as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub timings_json: Option<PathBuf>,
}

/// The forms diagnostics can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// `error: message` / `  --> file:line:column` / `  = hint: ...`.
    Human,
    /// One JSON object per diagnostic, on stderr.
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`).
    Github,
}

/// Options of `spotlight status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Output as text (default) or JSON.
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,
    /// Exit with 1 when a synced translation has changed, added or removed source units.
    #[arg(long)]
    pub deny_stale: bool,
}

/// The `spotlight translate` subcommands.
#[derive(Debug, Subcommand)]
pub enum TranslateCommand {
    /// Create chapters/LANG/ (edition.yaml with labels, people file) and add LANG to report.yaml.
    Start(TranslateLangArgs),
    /// Record that the translation of LANG (or one CHAPTER) is in step with today's source.
    Sync(TranslateSyncArgs),
    /// Write the source units and current translations of LANG as XLIFF 2.0 or PO.
    Export(TranslateExportArgs),
    /// Write the translated units of an XLIFF or PO file back into the chapters of LANG.
    Import(TranslateImportArgs),
}

/// Options of `spotlight translate start`.
#[derive(Debug, clap::Args)]
pub struct TranslateLangArgs {
    /// The edition's language (BCP 47).
    pub lang: String,
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Options of `spotlight translate sync`.
#[derive(Debug, clap::Args)]
pub struct TranslateSyncArgs {
    /// The edition's language.
    pub lang: String,
    /// Only this chapter (file name, with or without `.md`).
    pub chapter: Option<String>,
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Options of `spotlight translate export`.
#[derive(Debug, clap::Args)]
pub struct TranslateExportArgs {
    /// The edition's language.
    pub lang: String,
    /// The exchange format.
    #[arg(long, value_enum, default_value = "xliff")]
    pub format: ExchangeFormat,
    /// Write here instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Options of `spotlight translate import`.
#[derive(Debug, clap::Args)]
pub struct TranslateImportArgs {
    /// The edition's language.
    pub lang: String,
    /// The XLIFF (.xlf, .xliff) or PO (.po) file.
    pub file: PathBuf,
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Exchange formats for CAT tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExchangeFormat {
    /// XLIFF 2.0.
    Xliff,
    /// Gettext PO.
    Po,
}

/// Output forms of `spotlight status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A table for people.
    Text,
    /// One JSON document for machines.
    Json,
}

/// Options of `spotlight check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The project folder (holding report.yaml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Check only this edition (repeatable).
    #[arg(long = "lang", value_name = "CODE")]
    pub langs: Vec<String>,
    /// Accept translations with missing chapters, as `build --allow-incomplete` does.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// How diagnostics and the summary are reported.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Paper and PDF standards.
    #[command(flatten)]
    pub print: PrintArgs,
}

/// An output format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Typeset PDF.
    Pdf,
    /// EPUB 3.
    Epub,
    /// A static web site, one folder per edition.
    Html,
}

/// An intermediate source to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    /// The generated Typst sources.
    Typst,
}
