//! Loading the bibliography: every Hayagriva YAML and BibLaTeX file of `bibliography/` (read through
//! `project::files`), merged, with the line each key is defined on, and the CSL style.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use hayagriva::Library;
use hayagriva::citationberg::{IndependentStyle, Locale, LocaleCode, Style};

use crate::diag::{Code, Diagnostic, closest, line_col};
use crate::project::files;

/// The folder bibliography files live in.
pub const DIR: &str = "bibliography";
/// The slug of the generated reference list.
pub const REFERENCES_SLUG: &str = "references";
/// The style used when `report.yaml` names none.
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// The loaded bibliography of a project: entries, where each was defined, the style.
pub struct Bibliography {
    pub(crate) library: Library,
    pub(crate) origin: HashMap<String, (PathBuf, usize)>,
    pub(crate) style: IndependentStyle,
    pub(crate) nocite: Vec<String>,
    /// A hash of the files, the style and `nocite`: two bibliographies with the same one resolve
    /// every citation alike (the resolved-citation memo of `watch` keys on it).
    pub(crate) identity: u64,
    /// Whether a citation's rendering may depend on the citations before it: a note style, or one
    /// testing a citation's position (first, subsequent, ibid). Otherwise citations asked alike
    /// render alike, and each is rendered once.
    pub(crate) positional: bool,
}

/// Load every `.yaml`, `.yml` and `.bib` file of `bibliography/` and the style; `Ok(None)` if there
/// are no bibliography files.
pub fn load(root: &Path, style: Option<&str>, nocite: &[String]) -> Result<Option<Bibliography>, Vec<Diagnostic>> {
    let files: Vec<PathBuf> = files::list(root, Path::new(DIR))
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "bib")))
        .collect();
    if files.is_empty() {
        return Ok(None);
    }
    let mut library = Library::new();
    let mut origin: HashMap<String, (PathBuf, usize)> = HashMap::new();
    let mut errors = Vec::new();
    let mut identity = std::hash::DefaultHasher::new();
    for rel in files {
        let text = match files::read(root, &rel).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                errors.push(
                    Diagnostic::error(format!("not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to()))
                        .in_file(&rel),
                );
                continue;
            }
            Err(e) => {
                errors.push(Diagnostic::error(format!("cannot read: {e}")).in_file(&rel));
                continue;
            }
        };
        std::hash::Hash::hash(&(&rel, &text), &mut identity);
        let parsed =
            if rel.extension().is_some_and(|e| e == "bib") { parse_bib(&text, &rel) } else { parse_yaml(&text, &rel) };
        let file_library = match parsed {
            Ok(l) => l,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        for entry in file_library.iter() {
            let key = entry.key().to_string();
            let line = key_line(&text, &key);
            if let Some((other, other_line)) = origin.get(&key) {
                errors.push(
                    Diagnostic::error(format!(
                        "duplicate bibliography key `{key}`: also defined in {}:{other_line}",
                        other.display()
                    ))
                    .in_file(&rel)
                    .at(line, 1)
                    .with_hint("give one of the entries another key"),
                );
                continue;
            }
            origin.insert(key, (rel.clone(), line));
            if rel.extension().is_some_and(|e| e == "bib") {
                let mut entry = entry.clone();
                institution_as_publisher(&mut entry);
                thesis_genre(&mut entry);
                library.push(&entry);
            } else {
                library.push(entry);
            }
        }
    }
    let style = match load_style(root, style.unwrap_or(DEFAULT_STYLE)) {
        Ok(s) => Some(s),
        Err(d) => {
            errors.push(d);
            None
        }
    };
    match (errors.is_empty(), style) {
        (true, Some(style)) => {
            std::hash::Hash::hash(&(&style, nocite), &mut identity);
            let identity = std::hash::Hasher::finish(&identity);
            let positional = positional(&style);
            Ok(Some(Bibliography { library, origin, style, nocite: nocite.to_vec(), identity, positional }))
        }
        _ => Err(errors),
    }
}

/// Whether a style's citations depend on where they stand: a note style, or a style with a
/// `position` test anywhere (in its written form, which is every branch of every macro and layout;
/// a style that cannot be written out counts as positional).
fn positional(style: &IndependentStyle) -> bool {
    style.settings.class == hayagriva::citationberg::StyleClass::Note
        || Style::Independent(style.clone()).to_xml().map_or(true, |xml| xml.contains("position="))
}

fn parse_yaml(text: &str, rel: &Path) -> Result<Library, Diagnostic> {
    hayagriva::io::from_yaml_str(text).map_err(|e| {
        let mut d =
            Diagnostic::error(format!("malformed bibliography entry: {}", strip_location(&e.to_string()))).in_file(rel);
        if let Some(loc) = e.location() {
            d = d.at(loc.line(), loc.column());
        }
        d.with_hint("see the Hayagriva YAML format: https://github.com/typst/hayagriva/blob/main/docs/file-format.md")
    })
}

fn parse_bib(text: &str, rel: &Path) -> Result<Library, Diagnostic> {
    hayagriva::io::from_biblatex_str(text).map_err(|errors| {
        // The error's own text ends in a byte range (`expected comma: 318-318`): say the kind only,
        // and the place as line and column.
        let (offset, kind) = match errors.first() {
            Some(hayagriva::io::BibLaTeXError::Parse(e)) => (e.span.start, e.kind.to_string()),
            Some(hayagriva::io::BibLaTeXError::Type(e)) => (e.span.start, e.kind.to_string()),
            None => (0, "unreadable file".to_string()),
        };
        let (line, col) = line_col(text, offset.min(text.len()));
        let more =
            if errors.len() > 1 { format!(" (and {} more problem(s))", errors.len() - 1) } else { String::new() };
        Diagnostic::error(format!("malformed BibTeX: {kind}{more}"))
            .in_file(rel)
            .at(line, col)
            .with_hint("check the entry's braces, commas and quotes at this place")
    })
}

/// BibTeX's `@phdthesis` as BibLaTeX and Pandoc name it ("PhD thesis"): hayagriva's import says
/// "Doctoral dissertation", which no BibLaTeX localisation uses.
fn thesis_genre(entry: &mut hayagriva::Entry) {
    if entry.genre().is_some_and(|g| g.value.to_str() == "Doctoral dissertation") {
        entry.set_genre("PhD thesis".to_string().into());
    }
}

/// BibTeX's `institution` (of a @report or @thesis) as the publisher CSL styles print: hayagriva
/// maps it to `organization`, which no style reads (Pandoc maps it to `publisher`).
fn institution_as_publisher(entry: &mut hayagriva::Entry) {
    let has_name = entry.publisher().and_then(|p| p.name()).is_some();
    if !has_name && let Some(org) = entry.organization().cloned() {
        let location = entry.publisher().and_then(|p| p.location()).cloned();
        entry.set_publisher(hayagriva::types::Publisher::new(Some(org), location));
    }
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The line a key is defined on (YAML `key:` or BibLaTeX `@type{key,`), 1 if not found.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(&format!("{key}:")) || (t.starts_with('@') && t.contains(&format!("{{{key},")))
        })
        .map_or(1, |i| i + 1)
}

/// Load a style by the name of a CSL style bundled with hayagriva, or a `.csl` file in `bibliography/`.
fn load_style(root: &Path, name: &str) -> Result<IndependentStyle, Diagnostic> {
    // The style is named at `bibliography.style` in report.yaml: point at that line.
    let line = files::read_text(root, crate::project::CONFIG_FILE)
        .and_then(|text| crate::project::config::line_of(&text, &["bibliography", "style"]))
        .unwrap_or(1);
    let locate = |d: Diagnostic| d.in_file(crate::project::CONFIG_FILE).at(line, 1).code(Code::Config);
    if name.ends_with(".csl") {
        let xml = files::read(root, Path::new(DIR).join(name))
            .and_then(|b| String::from_utf8(b).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)));
        let xml = xml.map_err(|e| {
            locate(Diagnostic::error(format!("cannot read the style {DIR}/{name}: {e}")))
                .with_hint("put the .csl file in bibliography/")
        })?;
        return match IndependentStyle::from_xml(&xml) {
            Ok(style) => Ok(style),
            Err(e) => Err(Diagnostic::error(format!("the CSL style cannot be used: {e}"))
                .in_file(Path::new(DIR).join(name))
                .code(Code::Config)),
        };
    }
    match hayagriva::archive::ArchivedStyle::by_name(name).map(|s| s.get()) {
        Some(Style::Independent(style)) => Ok(style),
        _ => {
            let names: Vec<&str> =
                hayagriva::archive::ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied()).collect();
            let hint = match closest(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "use a style bundled with hayagriva (e.g. chicago-author-date, ieee, apa) or a .csl file in bibliography/".to_string(),
            };
            Err(locate(Diagnostic::error(format!("unknown citation style `{name}`"))).with_hint(hint))
        }
    }
}

/// The CSL locale hayagriva has for a language code (ignoring case), read on first use: reading
/// all 63 of them cost a build about 60 ms, more than the citations of a short report.
pub(crate) fn locale_file(code: &str) -> Option<&'static Locale> {
    type Files = Mutex<HashMap<String, Option<&'static Locale>>>;
    static FILES: OnceLock<Files> = OnceLock::new();
    let mut files = FILES.get_or_init(Files::default).lock().unwrap_or_else(|e| e.into_inner());
    // Each locale is read once per process and kept for its rest: at most 63, leaked on purpose.
    *files
        .entry(code.to_ascii_lowercase())
        .or_insert_with(|| hayagriva::archive::locale(code).map(|l| &*Box::leak(Box::new(l))))
}

/// The locale files of these codes that hayagriva has, each once, in the archive's order.
pub(crate) fn locale_files(codes: &[&str]) -> Vec<&'static Locale> {
    hayagriva::archive::LOCALE_CODES
        .iter()
        .filter(|c| codes.iter().any(|code| code.eq_ignore_ascii_case(c)))
        .filter_map(|c| locale_file(c))
        .collect()
}

/// The locale files hayagriva consults for a citation in `locale`: its own, its language's
/// default (`de-AT`: `de-DE`) and en-US, the only ones its lookup reads.
pub(crate) fn locales_for(locale: &LocaleCode) -> &'static [Locale] {
    type Sets = Mutex<HashMap<String, &'static [Locale]>>;
    static SETS: OnceLock<Sets> = OnceLock::new();
    let mut sets = SETS.get_or_init(Sets::default).lock().unwrap_or_else(|e| e.into_inner());
    sets.entry(locale.0.clone()).or_insert_with(|| {
        let fallback = locale.fallback();
        let codes = [Some(locale.0.as_str()), fallback.as_ref().map(|f| f.0.as_str()), Some("en-US")];
        let codes: Vec<&str> = codes.into_iter().flatten().collect();
        let set: Vec<Locale> = locale_files(&codes).into_iter().cloned().collect();
        Box::leak(set.into_boxed_slice())
    })
}

/// The CSL locale of an edition language: the bare language's default (`en` -> `en-US`), else the
/// first of the tag's fallbacks hayagriva has a locale for (`de-AT`, else `de-DE`).
pub(crate) fn locale_code(lang: &str) -> LocaleCode {
    let default = crate::lang::locale(lang);
    if lang == crate::lang::primary(lang) {
        return LocaleCode(default);
    }
    let known = |code: &str| hayagriva::archive::LOCALE_CODES.iter().any(|c| c.eq_ignore_ascii_case(code));
    let code = crate::lang::locale_candidates(lang).into_iter().find(|c| known(c)).unwrap_or(default);
    LocaleCode(code)
}

/// The anchor id of a reference list entry.
pub fn entry_anchor(key: &str) -> String {
    let clean: String =
        key.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("ref-{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_locale_read_alone_is_the_one_of_its_code() {
        let all = hayagriva::archive::locales();
        assert_eq!(all.len(), hayagriva::archive::LOCALE_CODES.len());
        for (code, whole) in hayagriva::archive::LOCALE_CODES.iter().zip(&all) {
            assert_eq!(whole.lang.as_ref().map(|l| l.0.as_str()), Some(*code));
            assert_eq!(locale_file(&code.to_ascii_uppercase()), Some(whole), "{code}");
        }
        assert_eq!(locale_file("xx-YY"), None);
        let codes = |set: &[Locale]| set.iter().map(|l| l.lang.clone().unwrap().0).collect::<Vec<_>>();
        assert_eq!(codes(locales_for(&LocaleCode("de-AT".into()))), ["de-AT", "de-DE", "en-US"]);
        assert_eq!(codes(locales_for(&LocaleCode("en-US".into()))), ["en-US"]);
        assert_eq!(codes(locales_for(&LocaleCode("ar".into()))), ["ar", "en-US"]);
    }

    #[test]
    fn regional_and_script_tags_find_a_locale_hayagriva_has() {
        let code = |lang: &str| locale_code(lang).0;
        assert_eq!(code("en"), "en-US");
        assert_eq!(code("de-AT"), "de-AT");
        assert_eq!(code("pt-BR"), "pt-BR");
        assert_eq!(code("zh-Hans"), "zh-CN");
        assert_eq!(code("de-LI"), "de-DE");
    }
}
