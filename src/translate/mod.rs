//! Translations unit by unit: pairs each source chapter's units with its translation's (through the
//! sync record, else by position), names what changed since the last sync, records a new sync, and
//! protects inline markup for exchange files (`xliff`, `po`) and writes their targets back
//! (`import`). Reads and writes only through `project`; knows no command line.

pub mod diff;
pub mod import;
pub mod po;
pub mod xliff;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::markdown::units::{self, Piece, Unit};
use crate::project::status::ChapterStatus;
use crate::project::sync::{self, SyncedChapter, SyncedUnit};
use diff::Step;

/// An error in an exchange file (XLIFF or PO) being imported, at its line.
pub fn import_error(file: &Path, line: usize, message: String) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(file)
        .at(line, 1)
        .with_hint("export again, or fix the file in the CAT tool")
        .code(Code::Translation)
}

/// One chapter of a translation next to its source, unit by unit.
#[derive(Debug, Clone)]
pub struct Pair {
    /// File name, e.g. `03-pandemic.md`.
    pub name: String,
    /// The source chapter, relative to the root.
    pub source: PathBuf,
    /// Today's source text and units.
    pub source_text: String,
    /// The units of `source_text`.
    pub source_units: Vec<Unit>,
    /// The translated chapter, relative to the root (it may not exist yet).
    pub translation: PathBuf,
    /// The translation's text, if the file exists.
    pub translation_text: Option<String>,
    /// The units of `translation_text`.
    pub translation_units: Vec<Unit>,
    /// What the sync record says the translation was made from.
    pub synced: Option<SyncedChapter>,
    /// The synced source against today's, when synced.
    pub steps: Vec<Step>,
    /// For each of today's source units, the index of the translation unit made from it.
    pub target_of: Vec<Option<usize>>,
}

/// Pair every chapter of a translation with its source (or only `only`, a file name or stem).
pub fn pairs(
    root: &std::path::Path,
    lang: &str,
    source_lang: &str,
    status: &[ChapterStatus],
    only: Option<&str>,
) -> Result<Vec<Pair>, Diagnostic> {
    let record = sync::load(root, lang)?;
    let mut out = Vec::new();
    for chapter in status {
        let Some(source) = &chapter.source else { continue };
        if only.is_some_and(|o| o != chapter.name && format!("{o}.md") != chapter.name) {
            continue;
        }
        let source_text = sync::read_exact(root, source)?;
        let source_units = units::units(&source_text, source_lang);
        let translation =
            chapter.translation.clone().unwrap_or_else(|| PathBuf::from("chapters").join(lang).join(&chapter.name));
        let translation_text =
            if sync::exists(root, &translation) { Some(sync::read_exact(root, &translation)?) } else { None };
        let translation_units = translation_text.as_deref().map(|t| units::units(t, lang)).unwrap_or_default();
        let synced = record.chapters.get(&chapter.name).cloned();
        let mut steps = Vec::new();
        let mut target_of = vec![None; source_units.len()];
        if let Some(s) = &synced {
            let old: Vec<&str> = s.units.iter().map(|u| u.source.as_str()).collect();
            let new: Vec<&str> = source_units.iter().map(|u| u.text.as_str()).collect();
            steps = diff::align(&old, &new);
            for step in &steps {
                if let Step::Same { old, new } | Step::Changed { old, new } = *step
                    && old < translation_units.len()
                {
                    target_of[new] = Some(old);
                }
            }
        } else if translation_units.len() == source_units.len() {
            target_of = (0..source_units.len()).map(Some).collect();
        }
        out.push(Pair {
            name: chapter.name.clone(),
            source: source.clone(),
            source_text,
            source_units,
            translation,
            translation_text,
            translation_units,
            synced,
            steps,
            target_of,
        });
    }
    if let Some(o) = only
        && out.is_empty()
    {
        return Err(Diagnostic::error(format!("no source chapter `{o}`"))
            .with_hint("name a chapter file of the source, e.g. 03-pandemic.md")
            .code(Code::Usage));
    }
    Ok(out)
}

/// Record that a translated chapter is in step with today's source: its n-th unit was translated
/// from the source's n-th; an error when the two do not have the same units.
pub fn sync_chapter(pair: &Pair) -> Result<SyncedChapter, Diagnostic> {
    let Some(text) = &pair.translation_text else {
        return Err(Diagnostic::error(format!("`{}` is not translated yet: nothing to sync", pair.name))
            .in_file(&pair.translation)
            .with_hint("translate it first (or import an exchange file)")
            .code(Code::Translation));
    };
    let (s, t) = (&pair.source_units, &pair.translation_units);
    let first_difference = (0..s.len().max(t.len())).find(|&i| s.get(i).map(|u| u.kind) != t.get(i).map(|u| u.kind));
    if let Some(i) = first_difference {
        let line_of = |u: Option<&Unit>, text: &str| u.map_or(text.lines().count().max(1), |u| u.line);
        let what = |u: Option<&Unit>| u.map_or("the end".to_string(), |u| format!("a {}", u.kind.word()));
        return Err(Diagnostic::error(format!(
            "`{}` has {} units and its source {}: unit {} is {} here but {} in {}:{}",
            pair.name,
            t.len(),
            s.len(),
            i + 1,
            what(t.get(i)),
            what(s.get(i)),
            pair.source.display(),
            line_of(s.get(i), &pair.source_text),
        ))
        .in_file(&pair.translation)
        .at(line_of(t.get(i), text), 1)
        .with_hint("give the translation one heading, paragraph, item and cell per source one, in the same order")
        .code(Code::Translation));
    }
    Ok(SyncedChapter {
        source_hash: crate::project::status::text_hash(&pair.source_text),
        units: s
            .iter()
            .map(|u| SyncedUnit {
                id: u.id.clone(),
                kind: u.kind.word().to_string(),
                line: u.line,
                source: u.text.clone(),
            })
            .collect(),
    })
}

/// One source unit that changed, was added or was removed since the last sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `changed`, `added` or `removed`.
    pub what: &'static str,
    /// The unit's kind.
    pub kind: String,
    /// Its id today (for removed units, the synced id).
    pub id: String,
    /// Its line in today's source (absent when removed).
    pub source_line: Option<usize>,
    /// Its line in the source when synced (absent when added).
    pub synced_line: Option<usize>,
    /// The line of the translated unit to revise (absent when added or the translation is short).
    pub translation_line: Option<usize>,
    /// The word diff from the synced source to today's.
    pub diff: String,
}

/// Name every source unit of a synced chapter that changed, was added or was removed since.
pub fn changes(pair: &Pair) -> Vec<Change> {
    let Some(synced) = &pair.synced else { return Vec::new() };
    let tline = |old: usize| pair.translation_units.get(old).map(|u| u.line);
    pair.steps
        .iter()
        .filter_map(|step| {
            Some(match *step {
                Step::Same { .. } => return None,
                Step::Changed { old, new } => Change {
                    what: "changed",
                    kind: pair.source_units[new].kind.word().to_string(),
                    id: pair.source_units[new].id.clone(),
                    source_line: Some(pair.source_units[new].line),
                    synced_line: Some(synced.units[old].line),
                    translation_line: tline(old),
                    diff: diff::words(&synced.units[old].source, &pair.source_units[new].text),
                },
                Step::Added { new } => Change {
                    what: "added",
                    kind: pair.source_units[new].kind.word().to_string(),
                    id: pair.source_units[new].id.clone(),
                    source_line: Some(pair.source_units[new].line),
                    synced_line: None,
                    translation_line: None,
                    diff: format!("{{+{}+}}", pair.source_units[new].text),
                },
                Step::Removed { old } => Change {
                    what: "removed",
                    kind: synced.units[old].kind.clone(),
                    id: synced.units[old].id.clone(),
                    source_line: None,
                    synced_line: Some(synced.units[old].line),
                    translation_line: tline(old),
                    diff: format!("[-{}-]", synced.units[old].source),
                },
            })
        })
        .collect()
}

/// A unit's text with its markup replaced by numbered codes: `data[k]` is the markup of code `k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Words to translate.
    Text(String),
    /// Code `k`: markup to keep.
    Code(usize),
}

/// Split a source text and its translation into parts sharing one table of markup (`data`).
pub fn encode(source: &str, target: Option<&str>) -> (Vec<String>, Vec<Part>, Option<Vec<Part>>) {
    let mut data: Vec<String> = Vec::new();
    let mut parts = |text: &str| -> Vec<Part> {
        units::pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => Part::Text(t),
                Piece::Markup(m) => Part::Code(data.iter().position(|d| *d == m).unwrap_or_else(|| {
                    data.push(m);
                    data.len() - 1
                })),
            })
            .collect()
    };
    let s = parts(source);
    let t = target.map(&mut parts);
    (data, s, t)
}

/// Join parts back into Markdown text; a code missing from `data` is an error naming it.
pub fn decode(data: &[String], parts: &[Part]) -> Result<String, usize> {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Code(k) => out.push_str(data.get(*k).ok_or(*k)?),
        }
    }
    Ok(out)
}

/// One unit of an exchange file: where it comes from, its source and its translation.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The chapter file name.
    pub chapter: String,
    /// The source unit.
    pub unit: Unit,
    /// The source chapter, relative to the root.
    pub source: PathBuf,
    /// The current translation's text, if any.
    pub target: Option<String>,
    /// Whether that translation was made from an older source text (it needs review).
    pub outdated: bool,
}

/// The exchange entries of a translation: every source unit with its current translation.
pub fn entries(pairs: &[Pair]) -> Vec<Entry> {
    let mut out = Vec::new();
    for pair in pairs {
        for (j, unit) in pair.source_units.iter().enumerate() {
            let target = pair.target_of[j].and_then(|i| pair.translation_units.get(i)).map(|u| u.text.clone());
            let outdated = pair.steps.iter().any(|s| matches!(s, Step::Changed { new, .. } if *new == j));
            out.push(Entry {
                chapter: pair.name.clone(),
                unit: unit.clone(),
                source: pair.source.clone(),
                target,
                outdated,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_shares_codes_between_source_and_target_and_decodes_back() {
        let (data, s, t) =
            encode("**FES:** A *big* [site](https://x.org).", Some("**FES:** Un *grand* [site](https://x.org)."));
        assert_eq!(data, ["**FES:**", "*", "[", "](https://x.org)"]);
        assert_eq!(decode(&data, &s).unwrap(), "**FES:** A *big* [site](https://x.org).");
        assert_eq!(decode(&data, &t.unwrap()).unwrap(), "**FES:** Un *grand* [site](https://x.org).");
        assert_eq!(decode(&data, &[Part::Code(9)]), Err(9));
    }
}
