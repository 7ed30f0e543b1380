//! The serde shapes of `report.yaml` and of chapter front matter, and the one place that turns
//! YAML text into them with errors that name file, line and column. Knows nothing of the CLI.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::diag::{Code, Diagnostic};

/// The contents of `report.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Report title.
    pub title: String,
    /// Report subtitle.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Slug for artifact names: lower-case letters, digits and hyphens.
    pub slug: String,
    /// Publication year.
    pub year: i32,
    /// The report's date, `YYYY-MM-DD`; fixes embedded dates unless `SOURCE_DATE_EPOCH` is set.
    #[serde(default)]
    pub date: Option<String>,
    /// Source language (BCP 47), the folder under `chapters/` that translations follow.
    pub language: String,
    /// Editions to build, by language code; defaults to the source language alone.
    #[serde(default)]
    pub editions: Vec<String>,
    /// Keywords for document metadata.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The publisher, for the colophon and metadata.
    pub publisher: PublisherConfig,
    /// What the report is: `report` (default) or `interview` (then `**Name:** text` is a turn).
    #[serde(default)]
    pub kind: KindConfig,
    /// Speaker names whose turns are questions (interviews only).
    #[serde(default)]
    pub interviewers: Vec<String>,
    /// Font families to use, first available wins; typst's embedded fonts are the last resort.
    #[serde(default)]
    pub fonts: FontsConfig,
    /// Citation style and works listed without being cited.
    #[serde(default)]
    pub bibliography: BibliographyConfig,
    /// Paper and PDF standards (the command line overrides them).
    #[serde(default)]
    pub print: PrintConfig,
    /// A cover image in the project (PNG, JPEG or SVG) instead of the generated cover.
    #[serde(default)]
    pub cover: Option<String>,
    /// Theme options: colours, the generated cover and its size (files go in `theme/`).
    #[serde(default)]
    pub theme: ThemeConfig,
    /// Formats `build` makes when the command line names none (`pdf`, `epub`, `html`).
    #[serde(default)]
    pub formats: Vec<String>,
    /// The address the web edition is published at, for the absolute URLs of its sitemap.
    #[serde(default)]
    pub site_url: Option<String>,
}

/// The theme block of `report.yaml`: values the theme's template and stylesheet read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ThemeConfig {
    /// Accent colour, `#rrggbb`, `cmyk(c%, m%, y%, k%)` or both.
    #[serde(default)]
    pub accent: Option<String>,
    /// Text colour, `#rrggbb`.
    #[serde(default)]
    pub text: Option<String>,
    /// Colour of secondary text (details, running heads), `#rrggbb`.
    #[serde(default)]
    pub muted: Option<String>,
    /// Background of highlighted boxes, `#rrggbb`.
    #[serde(default)]
    pub tint: Option<String>,
    /// Whether to generate a cover (default true).
    #[serde(default)]
    pub cover: Option<bool>,
    /// The generated cover's size (a4, a5, a6, letter or `WxH` with a unit; default 160x240mm).
    #[serde(default)]
    pub cover_size: Option<String>,
}

/// The `kind:` of `report.yaml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindConfig {
    /// Any report.
    #[default]
    Report,
    /// An interview.
    Interview,
}

/// The print block of `report.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrintConfig {
    /// `screen` or `print`.
    #[serde(default)]
    pub profile: Option<String>,
    /// Trim size (a4, a5, a6, letter, `WxH` with a unit).
    #[serde(default)]
    pub page: Option<String>,
    /// Bleed, e.g. `3mm`.
    #[serde(default)]
    pub bleed: Option<String>,
    /// PDF standards: a-2b, a-3b, ua-1.
    #[serde(default)]
    pub pdf_standards: Vec<String>,
}

/// The bibliography block of `report.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BibliographyConfig {
    /// A CSL style bundled with hayagriva (e.g. `chicago-author-date`, `ieee`) or a `.csl` file in
    /// `bibliography/`.
    #[serde(default)]
    pub style: Option<String>,
    /// Keys listed in the reference list without a citation (`*` for all).
    #[serde(default)]
    pub nocite: Vec<String>,
}

/// The font stacks of `report.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FontsConfig {
    /// Body text families.
    #[serde(default)]
    pub serif: Vec<String>,
    /// Heading and label families.
    #[serde(default)]
    pub sans: Vec<String>,
    /// Code families.
    #[serde(default)]
    pub mono: Vec<String>,
    /// Families per script, e.g. `arabic: [Noto Naskh Arabic]`, `chinese: [WenQuanYi Micro Hei]`.
    #[serde(default)]
    pub scripts: std::collections::BTreeMap<String, Vec<String>>,
    /// Heading and label families per script (default: the script's `scripts` families).
    #[serde(default)]
    pub headings: std::collections::BTreeMap<String, Vec<String>>,
    /// Code families per script (default: the script's `scripts` families).
    #[serde(default)]
    pub code: std::collections::BTreeMap<String, Vec<String>>,
}

/// The publisher block of `report.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PublisherConfig {
    /// Publisher name.
    pub name: String,
    /// Office or department.
    #[serde(default)]
    pub office: Option<String>,
    /// Postal address lines.
    #[serde(default)]
    pub address: Vec<String>,
    /// Contact lines (telephone, fax, web).
    #[serde(default)]
    pub contact: Vec<String>,
}

/// The contents of `chapters/<lang>/edition.yaml`: what a translator translates besides chapters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EditionConfig {
    /// The title in this language.
    #[serde(default)]
    pub title: Option<String>,
    /// The subtitle in this language.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// Set for a translation: of which edition, how complete, by whom.
    #[serde(default)]
    pub translation: Option<TranslationConfig>,
    /// Labels of generated parts; missing ones fall back to English.
    #[serde(default)]
    pub strings: std::collections::BTreeMap<String, String>,
}

/// The translation block of `edition.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TranslationConfig {
    /// The language the edition is translated from.
    pub of: String,
    /// `complete` or `draft`.
    pub status: String,
    /// Who translated it, for the colophon.
    #[serde(default)]
    pub translator: Option<String>,
}

/// The YAML front matter a chapter may start with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    /// Overrides the chapter title taken from its first heading.
    #[serde(default)]
    pub title: Option<String>,
    /// In a translation: the hash of the source chapter it was translated from (`spotlight status`
    /// prints the current one).
    #[serde(default)]
    pub source_hash: Option<String>,
}

/// Parse YAML text of a content data file (people, front matter) into `T`; errors name `file` and
/// the line, shifted by `first_line - 1`, and have the code `Data`.
pub fn from_yaml<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    parse_yaml(text, file, first_line).map_err(|d| d.code(Code::Data))
}

/// Parse YAML text of a configuration file (report.yaml, edition.yaml) into `T`; errors have the
/// code `Config` (exit code 2).
pub fn config_from_yaml<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    parse_yaml(text, file, first_line)
}

/// Render `value` as YAML (the sync record); a value serde cannot render is an internal error.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, Diagnostic> {
    serde_yaml::to_string(value).map_err(|e| Diagnostic::error(format!("cannot render YAML: {e}")).code(Code::Internal))
}

fn parse_yaml<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    let value: T = parse_yaml_shape(text, file, first_line)?;
    // Escapes (`"\u0000"`) can put control characters into values no font can print: refuse them
    // here, where the file and line are known, not later as a glyph nobody can place.
    if let Ok(tree) = serde_yaml::from_str::<serde_yaml::Value>(text)
        && let Some(c) = first_control(&tree)
    {
        let escaped =
            |l: &str| l.contains("\\u") || l.contains("\\x") || l.contains("\\0") || l.chars().any(is_bad_control);
        let line = text.lines().position(escaped).map_or(1, |i| i + 1);
        return Err(Diagnostic::error(format!("control character U+{:04X} in a value", c as u32))
            .in_file(file)
            .at(line + first_line - 1, 1)
            .with_hint("control characters cannot be printed; remove the escape")
            .code(Code::Config));
    }
    Ok(value)
}

fn is_bad_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first control character (other than tab and line ends) in any string of a YAML tree.
fn first_control(value: &serde_yaml::Value) -> Option<char> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_yaml::Value::String(s) => {
                if let Some(c) = s.chars().find(|&c| is_bad_control(c)) {
                    return Some(c);
                }
            }
            serde_yaml::Value::Sequence(items) => stack.extend(items),
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    stack.push(k);
                    stack.push(v);
                }
            }
            serde_yaml::Value::Tagged(t) => stack.push(&t.value),
            _ => {}
        }
    }
    None
}

fn parse_yaml_shape<T: DeserializeOwned>(text: &str, file: &Path, first_line: usize) -> Result<T, Diagnostic> {
    serde_yaml::from_str(text).map_err(|err| {
        let mut diag = Diagnostic::error(yaml_message(&err)).in_file(file).code(Code::Config);
        if let Some(loc) = err.location() {
            diag = diag.at(loc.line() + first_line - 1, loc.column());
        }
        if err.to_string().contains("unknown field") {
            diag = diag.with_hint("remove the field or check its spelling against the README");
        }
        diag
    })
}

/// Parse a label file (`key: text` lines) into its labels; errors name `file` and the line.
pub fn labels_from_yaml(text: &str, file: &Path) -> Result<std::collections::BTreeMap<String, String>, Diagnostic> {
    parse_yaml(text, file, 1)
}

/// The required fields of `report.yaml`, each reported when missing (all of them in one run).
const REQUIRED: &[&str] = &["title", "slug", "year", "language", "publisher"];

/// Parse `report.yaml`: every missing required field is reported at once, then the typed shape.
pub fn load_report(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
    if let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|key| !map.contains_key(serde_yaml::Value::String(key.to_string())))
            .map(|key| {
                Diagnostic::error(format!("missing field `{key}`"))
                    .in_file(file)
                    .at(1, 1)
                    .with_hint(format!("add `{key}:` to {} (the README lists the required fields)", file.display()))
                    .code(Code::Config)
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
    }
    config_from_yaml(text, file, 1).map_err(|d| vec![d])
}

/// Find the line of a key path in YAML text (`["print", "bleed"]`): each key must start a line,
/// the first at the top level, each next one indented within the previous one's block.
pub fn line_of(text: &str, path: &[&str]) -> Option<usize> {
    let mut indent: Option<usize> = None;
    let mut from = 0;
    let lines: Vec<&str> = text.lines().collect();
    for key in path {
        let wanted = format!("{key}:");
        let mut found = None;
        for (i, line) in lines.iter().enumerate().skip(from) {
            let trimmed = line.trim_start();
            let depth = line.len() - trimmed.len();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some(outer) = indent
                && depth <= outer
                && i > from
            {
                break;
            }
            let at_level = match indent {
                None => depth == 0,
                Some(outer) => depth > outer,
            };
            if at_level && trimmed.starts_with(&wanted) {
                found = Some((i, depth));
                break;
            }
        }
        let (i, depth) = found?;
        indent = Some(depth);
        from = i + 1;
    }
    Some(from)
}

fn yaml_message(err: &serde_yaml::Error) -> String {
    // serde_yaml appends " at line L column C" which the diagnostic location already says.
    let text = err.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_error_names_line_and_column() {
        let err = from_yaml::<FrontMatter>("title: [unclosed\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(err.file.as_deref(), Some(Path::new("a.md")));
        assert!(err.line.unwrap() >= 2, "{err}");
    }

    #[test]
    fn line_of_follows_key_paths() {
        let text = "title: T\n# note\nprint:\n  page: a5\n  bleed: 3mm\ndate: 2022-01-01\n";
        assert_eq!(line_of(text, &["print", "bleed"]), Some(5));
        assert_eq!(line_of(text, &["date"]), Some(6));
        assert_eq!(line_of(text, &["print", "date"]), None);
        assert_eq!(line_of(text, &["bleed"]), None);
    }

    #[test]
    fn every_missing_required_field_is_reported() {
        let errors = load_report("title: T\nslug: s\n", Path::new("report.yaml")).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["missing field `year`", "missing field `language`", "missing field `publisher`"]);
    }

    #[test]
    fn unknown_front_matter_field_is_an_error_with_hint() {
        let err = from_yaml::<FrontMatter>("titel: x\n", Path::new("a.md"), 2).unwrap_err();
        assert!(err.message.contains("unknown field `titel`"), "{err}");
        assert_eq!(err.line, Some(2));
        assert!(err.hint.is_some());
    }
}
