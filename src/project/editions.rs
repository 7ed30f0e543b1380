//! Planning one edition: its chapter files in order, its `edition.yaml` (title, labels,
//! translation), and for a translation the comparison with the source chapters, deciding what a
//! build may contain. Reads the edition's folder, writes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{ChapterFile, EditionPlan};
use crate::diag::{Code, Diagnostic};
use crate::document::model::Translation;
use crate::project::config::{self, EditionConfig};
use crate::project::status::{self, ChapterState};
use crate::project::{files, labels};

/// Plan one edition: its settings and chapter files; for a translation, compare its chapters with
/// the source's and let source chapters stand in for missing ones where that is allowed.
pub(super) fn plan_edition(
    root: &Path,
    lang: &str,
    source_lang: &str,
    allow_incomplete: bool,
) -> Result<EditionPlan, Diagnostic> {
    let (own, mut problems) = list_chapters(root, lang)?;
    let (edition, text) = load_edition_config(root, lang)?;
    let has_file = text.is_some();
    let own_labels = edition
        .strings
        .keys()
        .map(|key| (key.clone(), text.as_deref().and_then(|t| config::line_of(t, &["strings", key])).unwrap_or(1)))
        .collect();
    let rel_config = Path::new("chapters").join(lang).join("edition.yaml");
    if own.is_empty() && edition.translation.is_none() {
        let rel_dir = Path::new("chapters").join(lang);
        return Err(Diagnostic::error(format!("edition `{lang}` has no chapters"))
            .in_file(&rel_dir)
            .with_hint("chapter files are named like 01-introduction.md; a translation says so in edition.yaml"));
    }
    if !has_file && lang != source_lang {
        problems.push(
            Diagnostic::warning(format!(
                "edition `{lang}` has no edition.yaml: it is built as an original, not as a translation of `{source_lang}`"
            ))
            .in_file(&rel_config)
            .with_hint(format!(
                "add {} with `translation: {{of: {source_lang}, status: draft}}` so its chapters are checked against the source",
                rel_config.display()
            ))
            .code(Code::Translation),
        );
    }
    let (strings, fallbacks) = labels::resolve(lang, &edition.strings, &rel_config);
    problems.extend(fallbacks);
    let translation = edition.translation.map(|t| Translation { of: t.of, status: t.status, translator: t.translator });
    let mut chapters: Vec<ChapterFile> = own.iter().map(|p| ChapterFile { path: p.clone(), fallback: None }).collect();
    let mut status = Vec::new();
    if let Some(t) = &translation
        && lang != source_lang
    {
        let (source, _) = list_chapters(root, &t.of)?;
        if source.is_empty() {
            return Err(Diagnostic::error(format!(
                "edition `{lang}` is a translation of `{}`, which has no chapters",
                t.of
            ))
            .in_file(&rel_config)
            .with_hint(format!("write the chapters of chapters/{}/ first, or fix `translation.of`", t.of)));
        }
        status = status::compare_synced(root, &source, &own, &super::sync::recorded_hashes(root, lang));
        let draft = t.status == "draft";
        chapters.clear();
        for chapter in &status {
            let target = Path::new("chapters").join(lang).join(&chapter.name);
            match (&chapter.state, &chapter.source, &chapter.translation) {
                (ChapterState::Missing { .. }, Some(src), _) => {
                    let d = Diagnostic::error(format!(
                        "`{}` is not translated: {} has no `{}`",
                        src.display(),
                        lang,
                        chapter.name
                    ))
                    .in_file(&target)
                    .with_hint("translate it, mark the edition `status: draft` in edition.yaml, or build with --allow-incomplete")
                    .code(Code::Translation);
                    if draft || allow_incomplete {
                        problems.push(Diagnostic {
                            severity: crate::diag::Severity::Warning,
                            message: format!("{}; the {} original is used", d.message, t.of),
                            ..d
                        });
                        chapters.push(ChapterFile { path: src.clone(), fallback: Some(t.of.clone()) });
                    } else {
                        problems.push(d);
                    }
                }
                (ChapterState::Stale { current, .. }, Some(src), Some(tr)) => {
                    problems.push(
                        Diagnostic::warning(format!(
                            "`{}` is stale: `{}` changed after it was translated",
                            tr.display(),
                            src.display()
                        ))
                        .in_file(tr)
                        .at(1, 1)
                        .with_hint(format!(
                            "update the translation, then set `source-hash: {current}` in its front matter (or run `spotlight translate sync`; `spotlight status` names the changed paragraphs)"
                        )),
                    );
                    chapters.push(ChapterFile { path: tr.clone(), fallback: None });
                }
                (ChapterState::Unverified { current }, Some(src), Some(tr)) => {
                    problems.push(
                        Diagnostic::warning(format!(
                            "`{}` records no source hash; it cannot be checked against `{}`",
                            tr.display(),
                            src.display()
                        ))
                        .in_file(tr)
                        .at(1, 1)
                        .with_hint(format!("if it is up to date, add front matter `source-hash: {current}`"))
                        .code(Code::Translation),
                    );
                    chapters.push(ChapterFile { path: tr.clone(), fallback: None });
                }
                (ChapterState::Unreadable { file, reason }, _, _) => problems.push(
                    Diagnostic::error(format!("cannot read the chapter: {reason}"))
                        .in_file(file)
                        .with_hint("make the file readable (a regular file, not a folder), or remove it"),
                ),
                (_, _, Some(tr)) => chapters.push(ChapterFile { path: tr.clone(), fallback: None }),
                (_, _, None) => {}
            }
        }
    }
    Ok(EditionPlan {
        lang: lang.to_string(),
        chapters,
        status,
        problems,
        title: edition.title,
        subtitle: edition.subtitle,
        strings,
        own_labels,
        translation,
    })
}

/// Read `chapters/<lang>/edition.yaml` if present (and say whether it is); unknown label keys are
/// errors naming the line.
fn load_edition_config(root: &Path, lang: &str) -> Result<(EditionConfig, Option<String>), Diagnostic> {
    let rel = Path::new("chapters").join(lang).join("edition.yaml");
    let Some(bytes) = files::read_optional(root, &rel).map_err(|d| d.code(Code::Config))? else {
        return Ok((EditionConfig::default(), None));
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!("edition.yaml is not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to()))
            .in_file(&rel)
    })?;
    let config: EditionConfig = config::config_from_yaml(&text, &rel, 1)?;
    for key in config.strings.keys() {
        if !labels::is_key(key) {
            let line = text.lines().position(|l| l.trim_start().starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
            let known: Vec<&str> = labels::english().keys().map(String::as_str).collect();
            let hint = match crate::diag::closest(key, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("known labels: {}", known.join(", ")),
            };
            return Err(Diagnostic::error(format!("unknown label `{key}`")).in_file(&rel).at(line, 3).with_hint(hint));
        }
    }
    if let Some(t) = &config.translation
        && !matches!(t.status.as_str(), "complete" | "draft")
    {
        let line = text.lines().position(|l| l.trim_start().starts_with("status:")).map_or(1, |i| i + 1);
        return Err(Diagnostic::error(format!("unknown translation status `{}`", t.status))
            .in_file(&rel)
            .at(line, 5)
            .with_hint("use `complete` or `draft`"));
    }
    if let Some(t) = &config.translation
        && let Err(problem) = crate::lang::check_tag(&t.of)
    {
        let line = text.lines().position(|l| l.trim_start().starts_with("of:")).map_or(1, |i| i + 1);
        return Err(Diagnostic::error(format!("translation.of: {}", problem.message))
            .in_file(&rel)
            .at(line, 5)
            .with_hint(problem.hint));
    }
    Ok((config, Some(text)))
}

/// List `chapters/<lang>/NN-*.md` in order of their numeric prefix, with a warning for every other
/// Markdown file (one with an upper-case name, such as `NOTES.md`, is a note, not a chapter).
pub(super) fn list_chapters(root: &Path, lang: &str) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    let rel_dir = Path::new("chapters").join(lang);
    let entries = fs::read_dir(root.join(&rel_dir)).map_err(|e| {
        Diagnostic::error(format!("cannot read the chapters of edition `{lang}`: {e}"))
            .in_file(&rel_dir)
            .with_hint(format!("create {}/ with Markdown files named like 01-introduction.md", rel_dir.display()))
    })?;
    let mut by_number: BTreeMap<u32, PathBuf> = BTreeMap::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Diagnostic::error(format!("cannot list {}: {e}", rel_dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(number) = chapter_number(&name) else {
            if is_markdown(&name) && !is_note(&name) {
                skipped.push(name);
            }
            continue;
        };
        let rel = rel_dir.join(&name);
        if let Some(previous) = by_number.insert(number, rel.clone()) {
            return Err(Diagnostic::error(format!(
                "two chapters share the order number {number}: {} and {}",
                previous.display(),
                rel.display()
            ))
            .in_file(&rel)
            .with_hint("give every chapter file its own number prefix"));
        }
    }
    skipped.sort();
    let warnings = skipped
        .into_iter()
        .map(|name| {
            Diagnostic::warning(format!("`{name}` is not a chapter: its name does not start with a number and `-`"))
                .in_file(rel_dir.join(&name))
                .with_hint(format!(
                    "rename it like {:02}-{name} to make it a chapter, or give a note that is not one an upper-case name (NOTES.md)",
                    by_number.len() + 1
                ))
                .code(Code::Markdown)
        })
        .collect();
    Ok((by_number.into_values().collect(), warnings))
}

/// Whether a file name is a Markdown file's.
fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// Whether a Markdown file is a note beside the chapters (`CORRECTIONS.md`, `README.md`).
fn is_note(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    stem.chars().any(|c| c.is_ascii_uppercase()) && !stem.chars().any(|c| c.is_lowercase())
}

/// The order number of a chapter file name like `03-pandemic.md`, or `None` if it is not a chapter.
fn chapter_number(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(".md")?;
    let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || !stem[digits.len()..].starts_with('-') {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_files_need_a_number_prefix() {
        assert_eq!(chapter_number("03-pandemic.md"), Some(3));
        assert_eq!(chapter_number("CORRECTIONS.md"), None);
        assert_eq!(chapter_number("03.md"), None);
        assert_eq!(chapter_number("03-notes.txt"), None);
    }
}
