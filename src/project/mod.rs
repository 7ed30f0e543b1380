//! The project, read from disk: `report.yaml` and the command line become one checked `Plan`
//! (which editions, which chapter files, which formats, where the output goes), every
//! configuration error of a run reported together. Raw `Cli` and `Config` never travel further.
//! The only layer besides `output` that touches the disk; it writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::cli::{BuildArgs, CheckArgs, EmitArg, FormatArg, PrintArgs};
use crate::diag::{Code, Diagnostic};
use crate::document::model::{FontStacks, Kind, Meta, Publisher, Translation};
use crate::project::config::{Config, KindConfig, line_of};
use crate::project::date::Date;
use crate::project::print::{self as print_settings, PrintSettings, Profile, apply_print, check_x4, parse_standards};
use crate::project::status::ChapterStatus;

pub mod config;
pub mod date;
mod editions;
pub mod files;
pub mod fingerprint;
pub mod labels;
pub mod people;
pub mod print;
pub mod status;
pub mod sync;
pub mod theme;

/// The name of the configuration file at the project root.
pub const CONFIG_FILE: &str = "report.yaml";

/// The build cache's folder in the project unless `--cache` says otherwise.
pub const CACHE_DIR: &str = ".spotlight-cache";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Typeset PDF.
    Pdf,
    /// EPUB 3.
    Epub,
    /// A static web site (`OUT/<slug>/<lang>/`).
    Html,
}

impl Format {
    /// Return the file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Epub => "epub",
            Format::Html => "html",
        }
    }

    /// Return the format a name in report.yaml's `formats` stands for.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "pdf" => Some(Format::Pdf),
            "epub" => Some(Format::Epub),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

/// A checked build: everything later stages need, nothing they must validate again.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The project root, canonicalized.
    pub root: PathBuf,
    /// Output folder (not necessarily existing yet).
    pub out: PathBuf,
    /// Metadata shared by every edition.
    pub meta: Meta,
    /// Editions to build, in configuration order.
    pub editions: Vec<EditionPlan>,
    /// Formats to build.
    pub formats: Vec<Format>,
    /// Whether to write the generated Typst sources too.
    pub emit_typst: bool,
    /// Whether to write anything at all (`false` for `check`).
    pub write: bool,
    /// The citation style named in report.yaml, if any.
    pub citation_style: Option<String>,
    /// Keys to list without citation.
    pub nocite: Vec<String>,
    /// The moment embedded in artifacts (UTC): `SOURCE_DATE_EPOCH`, else the report's date at midnight.
    pub timestamp: (i32, u8, u8, u8, u8, u8),
    /// The language translations are made from.
    pub source_lang: String,
    /// Paper, bleed, marks and PDF standards.
    pub print: PrintSettings,
    /// A cover image from the project, relative to the root.
    pub cover: Option<PathBuf>,
    /// How many editions and formats to build at once (`None`: all cores).
    pub jobs: Option<usize>,
    /// The look: theme options and the project's theme files.
    pub theme: theme::Theme,
    /// The build cache folder (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Every edition the web site links between (the planned ones; `watch` rebuilding a few keeps
    /// the whole list, so the language switcher does not change).
    pub site: Vec<EditionPlan>,
    /// `site-url` from report.yaml: the web edition's public address, for its sitemap.
    pub site_url: Option<String>,
}

/// One chapter file of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterFile {
    /// The Markdown file, relative to the root.
    pub path: PathBuf,
    /// Set when the chapter is not translated and the source chapter stands in: the source language.
    pub fallback: Option<String>,
}

/// One edition's files and settings.
#[derive(Debug, Clone)]
pub struct EditionPlan {
    /// BCP 47 language code.
    pub lang: String,
    /// Chapter files in reading order (with source chapters standing in for missing translations).
    pub chapters: Vec<ChapterFile>,
    /// For a translation: the state of each chapter against the source.
    pub status: Vec<ChapterStatus>,
    /// Problems found while planning the edition (missing or stale chapters), reported by the build.
    pub problems: Vec<Diagnostic>,
    /// Title in this language, if `edition.yaml` gives one.
    pub title: Option<String>,
    /// Subtitle in this language, if `edition.yaml` gives one.
    pub subtitle: Option<String>,
    /// Every label of the edition, from `edition.yaml`, the shipped labels or English.
    pub strings: BTreeMap<String, String>,
    /// The labels `edition.yaml` sets itself, with their lines (for the unused-label check).
    pub own_labels: Vec<(String, usize)>,
    /// Set when the edition is a translation.
    pub translation: Option<Translation>,
}

/// What the command line asks of a plan, besides the project folder.
#[derive(Debug, Default)]
pub struct Options<'a> {
    /// Editions to build (empty: all).
    pub langs: &'a [String],
    /// Let source chapters stand in for missing translations.
    pub allow_incomplete: bool,
    /// Paper and PDF options overriding report.yaml's.
    pub print: Option<&'a PrintArgs>,
    /// The output folder (default: PROJECT/dist).
    pub out: Option<PathBuf>,
    /// Formats to build (empty: all).
    pub formats: Vec<Format>,
    /// Write the generated Typst too.
    pub emit_typst: bool,
    /// Write artifacts (false for `check` and `status`).
    pub write: bool,
    /// Editions to build at once.
    pub jobs: Option<usize>,
    /// The build cache folder, if not the default.
    pub cache: Option<PathBuf>,
    /// Build without the cache.
    pub no_cache: bool,
}

/// Build the plan for `spotlight build`.
pub fn for_build(args: &BuildArgs) -> Result<Plan, Vec<Diagnostic>> {
    let mut formats: Vec<Format> = args
        .formats
        .iter()
        .map(|f| match f {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Epub => Format::Epub,
            FormatArg::Html => Format::Html,
        })
        .collect();
    formats.sort();
    formats.dedup();
    let options = Options {
        langs: &args.langs,
        allow_incomplete: args.allow_incomplete,
        print: Some(&args.print),
        out: args.out.clone(),
        formats,
        emit_typst: args.emit.contains(&EmitArg::Typst),
        write: true,
        jobs: args.jobs.filter(|j| *j > 0),
        cache: args.cache.clone(),
        no_cache: args.no_cache,
    };
    load(&args.project, &options)
}

/// Build the plan for `spotlight check`: the same checks, nothing written.
pub fn for_check(args: &CheckArgs) -> Result<Plan, Vec<Diagnostic>> {
    let options = Options {
        langs: &args.langs,
        allow_incomplete: args.allow_incomplete,
        print: Some(&args.print),
        ..Options::default()
    };
    load(&args.project, &options)
}

/// Load `report.yaml` under `project` and list the chapter files of the selected editions; every
/// configuration error found is reported, not only the first.
pub fn load(project: &Path, options: &Options) -> Result<Plan, Vec<Diagnostic>> {
    let (langs, allow_incomplete) = (options.langs, options.allow_incomplete);
    let config_error = |d: Diagnostic| vec![d.code(Code::Config)];
    let root = fs::canonicalize(project).map_err(|e| {
        config_error(
            Diagnostic::error(format!("cannot open the project folder: {e}"))
                .in_file(project)
                .with_hint("pass the folder that holds report.yaml with --project"),
        )
    })?;
    let config_path = root.join(CONFIG_FILE);
    let bytes = fs::read(&config_path).map_err(|e| {
        config_error(
            Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}"))
                .in_file(CONFIG_FILE)
                .with_hint("run spotlight in the project folder or pass --project DIR"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        config_error(
            Diagnostic::error(format!(
                "{CONFIG_FILE} is not valid UTF-8 (byte offset {})",
                e.utf8_error().valid_up_to()
            ))
            .in_file(CONFIG_FILE)
            .with_hint("save the file as UTF-8"),
        )
    })?;
    let config: Config = config::load_report(&text, Path::new(CONFIG_FILE))?;
    let mut errors = Vec::new();
    let mut meta = meta_from(&config, &text, &mut errors);
    let timestamp = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => match date::from_epoch(&value) {
            Ok(t) => {
                meta.date = (t.0, t.1, t.2);
                t
            }
            Err(d) => {
                errors.push(d);
                (meta.date.0, meta.date.1, meta.date.2, 0, 0, 0)
            }
        },
        Err(_) => (meta.date.0, meta.date.1, meta.date.2, 0, 0, 0),
    };

    check_languages(&config, &text, &mut errors);
    let mut edition_langs =
        if config.editions.is_empty() { vec![config.language.clone()] } else { config.editions.clone() };
    for (i, lang) in edition_langs.iter().enumerate() {
        if edition_langs[..i].contains(lang) {
            errors.push(
                Diagnostic::error(format!("edition `{lang}` is listed twice"))
                    .in_file(CONFIG_FILE)
                    .at(line_of(&text, &["editions"]).unwrap_or(1), 1)
                    .with_hint("list every edition once under `editions`")
                    .code(Code::Config),
            );
        }
    }
    let mut seen = Vec::new();
    edition_langs.retain(|l| {
        let first = !seen.contains(l);
        seen.push(l.clone());
        first
    });
    if !langs.is_empty() {
        for lang in langs {
            if let Err(problem) = crate::lang::check_tag(lang) {
                errors.push(
                    Diagnostic::error(format!("--lang {lang}: {}", problem.message))
                        .with_hint(problem.hint)
                        .code(Code::Usage),
                );
            } else if !edition_langs.contains(lang) {
                errors.push(
                    Diagnostic::error(format!("no edition `{lang}` in {CONFIG_FILE}"))
                        .with_hint(format!("known editions: {}", edition_langs.join(", ")))
                        .code(Code::Usage),
                );
            }
        }
        edition_langs.retain(|l| langs.contains(l));
    }
    let mut print = print_from(&config, &text, &mut errors);
    if let Some(args) = options.print
        && let Err(d) = apply_print(&mut print, args)
    {
        errors.push(d);
    } else if let Err((message, hint)) = check_x4(&print) {
        errors.push(Diagnostic::error(message).with_hint(hint).code(Code::Usage));
    }
    let cover = cover_from(&root, &config, &text, &mut errors);
    let theme = theme::load(&root, &config.theme, &text, &mut errors);
    let configured_formats = formats_from(&config, &text, &mut errors);
    if let Some(out) = &options.out
        && let Err(d) = files::check_out_folder(&root, out)
    {
        errors.push(d);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let editions = edition_langs
        .into_iter()
        .map(|lang| editions::plan_edition(&root, &lang, &config.language, allow_incomplete))
        .collect::<Result<Vec<_>, Diagnostic>>()
        .map_err(config_error)?;

    let cache = if options.no_cache || !options.write {
        None
    } else {
        Some(options.cache.clone().unwrap_or_else(|| root.join(CACHE_DIR)))
    };
    let formats = match (&options.formats, configured_formats) {
        (given, _) if !given.is_empty() => given.clone(),
        (_, Some(configured)) => configured,
        _ => vec![Format::Pdf, Format::Epub],
    };
    Ok(Plan {
        out: options.out.clone().unwrap_or_else(|| root.join("dist")),
        root,
        meta,
        site: editions.clone(),
        site_url: config.site_url.clone(),
        editions,
        formats,
        emit_typst: options.emit_typst,
        write: options.write,
        citation_style: config.bibliography.style.clone(),
        source_lang: config.language.clone(),
        print,
        cover,
        jobs: options.jobs,
        theme,
        nocite: config.bibliography.nocite.clone(),
        timestamp,
        cache,
    })
}

/// The formats report.yaml's `formats` names (`None` when it names none), sorted, each once.
fn formats_from(config: &Config, text: &str, errors: &mut Vec<Diagnostic>) -> Option<Vec<Format>> {
    if config.formats.is_empty() {
        return None;
    }
    let mut formats = Vec::new();
    for name in &config.formats {
        match Format::parse(name) {
            Some(f) => formats.push(f),
            None => errors.push(
                Diagnostic::error(format!("unknown format `{name}` under formats"))
                    .in_file(CONFIG_FILE)
                    .at(line_of(text, &["formats"]).unwrap_or(1), 1)
                    .with_hint("use pdf, epub and html")
                    .code(Code::Config),
            ),
        }
    }
    formats.sort();
    formats.dedup();
    Some(formats)
}

/// Check the language tags of report.yaml (`language`, `editions`): each must be a registered
/// BCP 47 tag; an error names its line and suggests a fix.
fn check_languages(config: &Config, text: &str, errors: &mut Vec<Diagnostic>) {
    let editions_line = line_of(text, &["editions"]);
    let item_line = |tag: &str| {
        let from = editions_line?;
        let is_item = |l: &str| l.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).any(|w| w == tag);
        text.lines().enumerate().skip(from - 1).find(|(_, l)| is_item(l)).map(|(i, _)| i + 1)
    };
    let tags = std::iter::once((config.language.as_str(), line_of(text, &["language"])))
        .chain(config.editions.iter().map(|e| (e.as_str(), item_line(e).or(editions_line))));
    for (tag, line) in tags {
        if let Err(problem) = crate::lang::check_tag(tag) {
            errors.push(
                Diagnostic::error(problem.message)
                    .in_file(CONFIG_FILE)
                    .at(line.unwrap_or(1), 1)
                    .with_hint(problem.hint)
                    .code(Code::Config),
            );
        }
    }
}

fn meta_from(config: &Config, text: &str, errors: &mut Vec<Diagnostic>) -> Meta {
    let fail = |key: &str, message: String, hint: String| {
        Diagnostic::error(message)
            .in_file(CONFIG_FILE)
            .at(line_of(text, &[key]).unwrap_or(1), 1)
            .with_hint(hint)
            .code(Code::Config)
    };
    let per_script =
        [("scripts", &config.fonts.scripts), ("headings", &config.fonts.headings), ("code", &config.fonts.code)];
    for (key, script) in per_script.iter().flat_map(|(key, map)| map.keys().map(move |s| (key, s))) {
        if crate::lang::script_named(script).is_none() {
            let names: Vec<&str> = crate::lang::SCRIPTS.iter().map(|s| s.name).collect();
            errors.push(fail(
                "fonts",
                format!("unknown script `{script}` under fonts.{key}"),
                format!("known scripts: {}", names.join(", ")),
            ));
        }
    }
    if config.kind != KindConfig::Interview && !config.interviewers.is_empty() {
        errors.push(fail(
            "interviewers",
            "`interviewers` is set but the report is not an interview".into(),
            "add `kind: interview` to report.yaml, or remove `interviewers`".into(),
        ));
    }
    if config.slug.is_empty() || !config.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errors.push(fail(
            "slug",
            format!("invalid slug `{}`", config.slug),
            "use lower-case letters, digits and hyphens, e.g. `imrf-spotlight`".into(),
        ));
    }
    let date = match &config.date {
        Some(text_date) => match Date::parse(text_date) {
            Some(d) => (d.year, d.month, d.day),
            None => {
                errors.push(fail(
                    "date",
                    format!("invalid date `{text_date}`: no such day"),
                    "write an existing date as YYYY-MM-DD, e.g. 2022-04-01".into(),
                ));
                (config.year, 1, 1)
            }
        },
        None => (config.year, 1, 1),
    };
    Meta {
        title: config.title.clone(),
        subtitle: config.subtitle.clone(),
        slug: config.slug.clone(),
        year: config.year,
        date,
        keywords: config.keywords.clone(),
        publisher: Publisher {
            name: config.publisher.name.clone(),
            office: config.publisher.office.clone(),
            address: config.publisher.address.clone(),
            contact: config.publisher.contact.clone(),
        },
        kind: match config.kind {
            KindConfig::Report => Kind::Report,
            KindConfig::Interview => Kind::Interview,
        },
        interviewers: config.interviewers.clone(),
        fonts: FontStacks {
            serif: or_default(&config.fonts.serif, "Noto Serif"),
            sans: or_default(&config.fonts.sans, "Noto Sans"),
            mono: or_default(&config.fonts.mono, "DejaVu Sans Mono"),
            scripts: config.fonts.scripts.clone(),
            headings: config.fonts.headings.clone(),
            code: config.fonts.code.clone(),
            configured: !(config.fonts.serif.is_empty()
                && config.fonts.sans.is_empty()
                && config.fonts.mono.is_empty()),
        },
    }
}

fn or_default(families: &[String], default: &str) -> Vec<String> {
    if families.is_empty() { vec![default.to_string()] } else { families.to_vec() }
}

fn print_from(config: &Config, text: &str, errors: &mut Vec<Diagnostic>) -> PrintSettings {
    let mut fail = |key: &str, message: String, hint: &str| {
        let line = line_of(text, &["print", key]).unwrap_or(1);
        errors.push(Diagnostic::error(message).in_file(CONFIG_FILE).at(line, 3).with_hint(hint).code(Code::Config));
    };
    let p = &config.print;
    let mut settings = PrintSettings::default();
    if let Some(name) = &p.profile {
        match Profile::parse(name) {
            Some(profile) => settings.profile = profile,
            None => fail("profile", format!("unknown profile `{name}`"), "use `screen` or `print`"),
        }
    }
    if let Some(page) = &p.page {
        match print_settings::parse_page(page) {
            Some(size) => (settings.width_mm, settings.height_mm) = size,
            None => {
                fail("page", format!("unknown page size `{page}`"), "use a4, a5, a6, letter, or a trim size like 6x9in")
            }
        }
    }
    if let Some(bleed) = &p.bleed {
        match print_settings::parse_length(bleed).filter(|b| *b <= 20.0) {
            Some(b) => settings.bleed_mm = b,
            None => fail("bleed", format!("invalid bleed `{bleed}`"), "give a length up to 20mm, e.g. 3mm"),
        }
    }
    match parse_standards(&p.pdf_standards) {
        Ok(standards) => settings.standards = standards,
        Err(m) => fail("pdf-standards", m, "use a-2b, a-3b, ua-1 or x-4"),
    }
    if settings.profile == Profile::Print && settings.bleed_mm > 0.0 {
        settings.slug_mm = print_settings::SLUG_MM;
    }
    settings
}

fn cover_from(root: &Path, config: &Config, text: &str, errors: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    let cover = config.cover.as_ref()?;
    let line = line_of(text, &["cover"]).unwrap_or(1);
    let rel = PathBuf::from(cover.trim_start_matches("./"));
    let ext = rel.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let inside = files::check_inside(root, &root.join(&rel)).is_ok_and(|real| real.is_file());
    if !inside || rel.is_absolute() || !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "svg") {
        errors.push(
            Diagnostic::error(format!("cover image `{cover}` is not a PNG, JPEG or SVG file in the project"))
                .in_file(CONFIG_FILE)
                .at(line, 1)
                .with_hint("give a path relative to the project folder")
                .code(Code::Config),
        );
        return None;
    }
    Some(rel)
}
