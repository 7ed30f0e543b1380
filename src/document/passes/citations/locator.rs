//! Reading a Pandoc citation suffix into a CSL locator and the text after it, with the locator
//! terms of the edition's CSL locale (`S.`, `Kap.`, `Abschn.` in German, `chap.` in French, `§`)
//! and the English ones as a fallback, the way Pandoc's citeproc reads them. Pure string work.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use hayagriva::citationberg::taxonomy::{Locator, Term};
use hayagriva::citationberg::{Locale, LocaleCode};

use super::library::locale_files;

/// A suffix split into a locator and the text written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parsed {
    /// The locator kind and value, if the suffix opens with one.
    pub locator: Option<(Locator, String)>,
    /// What follows the locator, as written (`, for the history`), or the whole suffix.
    pub rest: String,
}

/// Every locator kind CSL defines.
const KINDS: &[Locator] = &[
    Locator::Act,
    Locator::Appendix,
    Locator::ArticleLocator,
    Locator::Book,
    Locator::Canon,
    Locator::Chapter,
    Locator::Column,
    Locator::Elocation,
    Locator::Equation,
    Locator::Figure,
    Locator::Folio,
    Locator::Issue,
    Locator::Line,
    Locator::Note,
    Locator::Opus,
    Locator::Page,
    Locator::Paragraph,
    Locator::Part,
    Locator::Rule,
    Locator::Scene,
    Locator::Section,
    Locator::SubVerbo,
    Locator::Supplement,
    Locator::Table,
    Locator::Timestamp,
    Locator::Title,
    Locator::TitleLocator,
    Locator::Verse,
    Locator::Volume,
];

/// English abbreviations authors write that no CSL locale defines.
const EXTRA: &[(&str, Locator)] = &[
    ("ch.", Locator::Chapter),
    ("chs.", Locator::Chapter),
    ("sect.", Locator::Section),
    ("sects.", Locator::Section),
    ("§", Locator::Section),
    ("§§", Locator::Section),
    ("¶", Locator::Paragraph),
    ("¶¶", Locator::Paragraph),
    ("fn.", Locator::Note),
    ("nn.", Locator::Note),
];

/// A locale's locator terms with their kinds.
type Terms = &'static [(String, Locator)];

/// Every locator term of a locale (singular and plural, long, short and symbol forms), lower case,
/// with the locale's parent (`de-AT` -> `de-DE`) and `en-US` as fallbacks; longest terms first.
fn terms(locale: &LocaleCode) -> Terms {
    static CACHE: OnceLock<Mutex<HashMap<String, Terms>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = match cache.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(found) = guard.get(&locale.0) {
        return found;
    }
    let mut list: Vec<(String, Locator)> = Vec::new();
    let primary = locale.0.split('-').next().unwrap_or("");
    let chosen: Vec<&Locale> = locale_files(&[&locale.0, &crate::lang::locale(primary), "en-US"]);
    for l in chosen {
        for term in l.terms.iter().flat_map(|t| t.terms.iter()) {
            // Terms such as `chapter`, `page` or `volume` are read as item kinds or variables.
            let Some(kind) = KINDS.iter().copied().find(|k| term.name.is_lexically_same(Term::Locator(*k))) else {
                continue;
            };
            for form in [term.single(), term.multiple()].into_iter().flatten() {
                let form = form.trim().to_lowercase();
                if !form.is_empty() && !list.iter().any(|(f, _)| *f == form) {
                    list.push((form, kind));
                }
            }
        }
    }
    for (form, kind) in EXTRA {
        if !list.iter().any(|(f, _)| f == form) {
            list.push(((*form).to_string(), *kind));
        }
    }
    list.sort_by_key(|(f, _)| std::cmp::Reverse(f.chars().count()));
    let leaked: &'static [(String, Locator)] = Box::leak(list.into_boxed_slice());
    guard.insert(locale.0.clone(), leaked);
    leaked
}

/// Split a suffix (`S. 17`, `chap. 2, for the history`, `33-35 and passim`, `{pp. iv, vi}`, `for a
/// review`) into a locator and the rest, with the terms of `locale`.
pub(super) fn parse(suffix: &str, locale: &LocaleCode) -> Parsed {
    let suffix = suffix.trim();
    let none = || Parsed { locator: None, rest: suffix.to_string() };
    if suffix.is_empty() {
        return none();
    }
    // `{pp. iv, vi-xi}`: the braces hold the whole locator.
    if let Some(inner) = suffix.strip_prefix('{')
        && let Some(end) = inner.find('}')
    {
        let body = inner[..end].trim();
        let rest = inner[end + 1..].to_string();
        let (kind, value) = match label(body, locale) {
            Some((kind, len)) => (kind, body[len..].trim()),
            None => (Locator::Page, body),
        };
        if value.is_empty() {
            return none();
        }
        return Parsed { locator: Some((kind, value.to_string())), rest };
    }
    let (kind, after) = match label(suffix, locale) {
        Some((kind, len)) => (kind, &suffix[len..]),
        None if suffix.starts_with(|c: char| c.is_ascii_digit()) => (Locator::Page, suffix),
        None => return none(),
    };
    let after = after.trim_start();
    let len = value_len(after);
    if len == 0 {
        return none();
    }
    Parsed { locator: Some((kind, after[..len].trim_end().to_string())), rest: after[len..].to_string() }
}

/// The locator term `text` opens with, and its byte length: the longest term followed by a space,
/// a digit or the end (so `p.` in `p. 4` and `§` in `§4`, never `pa` in `part`).
fn label(text: &str, locale: &LocaleCode) -> Option<(Locator, usize)> {
    let lower = text.to_lowercase();
    for (form, kind) in terms(locale) {
        if let Some(after) = lower.strip_prefix(form.as_str()) {
            let next = after.chars().next();
            let ends_word = !form.chars().last().is_some_and(char::is_alphanumeric);
            let ok = match next {
                None => false,
                Some(c) if c.is_whitespace() => true,
                Some(c) => ends_word && c.is_ascii_digit(),
            };
            // Lower-casing can change byte lengths (rarely); map back through char counts.
            if ok {
                let chars = form.chars().count();
                let len = text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i);
                return Some((*kind, len));
            }
        }
    }
    None
}

/// The byte length of the locator value at the start of `text`: words holding a digit or a roman
/// numeral, joined by ranges (`-`, `–`), commas or `&`/`and` before another such word.
fn value_len(text: &str) -> usize {
    let mut end = 0;
    let mut i = 0;
    loop {
        let word_end =
            text[i..].find(|c: char| c.is_whitespace() || c == ',' || c == ';').map_or(text.len(), |e| i + e);
        let word = &text[i..word_end];
        if !is_value_word(word) {
            return end;
        }
        end = word_end;
        // A separator then another value word continues the locator: `33, 35`, `33 & 35`.
        let rest = &text[end..];
        let sep = [", ", ",", " & ", " and "].iter().find(|s| rest.starts_with(**s)).map(|s| s.len());
        match sep {
            Some(n) => {
                let next = &rest[n..];
                let next_end = next.find(|c: char| c.is_whitespace() || c == ',').unwrap_or(next.len());
                if next_end == 0 || !is_value_word(&next[..next_end]) {
                    return end;
                }
                i = end + n;
            }
            None => return end,
        }
    }
}

fn is_value_word(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ':']);
    if word.is_empty() {
        return false;
    }
    let roman = word.chars().all(|c| "ivxlcdmIVXLCDM".contains(c) || c == '-' || c == '–');
    let has_digit = word.chars().any(|c| c.is_ascii_digit());
    let shaped = word.chars().all(|c| c.is_alphanumeric() || "-–—.:/()".contains(c));
    shaped && (has_digit || roman)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(suffix: &str, lang: &str) -> (Option<(Locator, String)>, String) {
        let p = parse(suffix, &LocaleCode(lang.into()));
        (p.locator, p.rest)
    }

    fn loc(kind: Locator, value: &str, rest: &str) -> (Option<(Locator, String)>, String) {
        (Some((kind, value.into())), rest.into())
    }

    #[test]
    fn english_labels_numbers_and_ranges() {
        assert_eq!(split("p. 12", "en-US"), loc(Locator::Page, "12", ""));
        assert_eq!(split("pp. 33-35, 38", "en-US"), loc(Locator::Page, "33-35, 38", ""));
        assert_eq!(split("12", "en-US"), loc(Locator::Page, "12", ""));
        assert_eq!(split("chapter 3", "en-US"), loc(Locator::Chapter, "3", ""));
        assert_eq!(split("ch. 2", "en-US"), loc(Locator::Chapter, "2", ""));
        assert_eq!(split("vol. 2", "en-US"), loc(Locator::Volume, "2", ""));
        assert_eq!(split("para. 4", "en-US"), loc(Locator::Paragraph, "4", ""));
        assert_eq!(split("fig. 1", "en-US"), loc(Locator::Figure, "1", ""));
        assert_eq!(split("n. 7", "en-US"), loc(Locator::Note, "7", ""));
        assert_eq!(split("l. 7", "en-US"), loc(Locator::Line, "7", ""));
        assert_eq!(split("§ 4", "en-US"), loc(Locator::Section, "4", ""));
        assert_eq!(split("§4", "en-US"), loc(Locator::Section, "4", ""));
        assert_eq!(split("p. xiv", "en-US"), loc(Locator::Page, "xiv", ""));
    }

    #[test]
    fn a_suffix_after_the_locator_is_kept_apart() {
        assert_eq!(split("chap. 2, for the history", "en-US"), loc(Locator::Chapter, "2", ", for the history"));
        assert_eq!(split("p. 33 and passim", "en-US"), loc(Locator::Page, "33", " and passim"));
        assert_eq!(split("pp. 33, 35 and elsewhere", "en-US"), loc(Locator::Page, "33, 35", " and elsewhere"));
    }

    #[test]
    fn text_without_a_locator_is_all_suffix() {
        assert_eq!(split("for a review", "en-US"), (None, "for a review".into()));
        assert_eq!(split("p. somewhere", "en-US"), (None, "p. somewhere".into()));
        assert_eq!(split("part of it", "en-US"), (None, "part of it".into()));
    }

    #[test]
    fn german_locale_terms() {
        assert_eq!(split("S. 17", "de-DE"), loc(Locator::Page, "17", ""));
        assert_eq!(split("Kap. 6", "de-DE"), loc(Locator::Chapter, "6", ""));
        assert_eq!(split("Abschn. 4", "de-DE"), loc(Locator::Section, "4", ""));
        assert_eq!(split("Bd. 2", "de-DE"), loc(Locator::Volume, "2", ""));
        assert_eq!(split("Kapitel 6", "de-DE"), loc(Locator::Chapter, "6", ""));
        assert_eq!(split("Abb. 3", "de-DE"), loc(Locator::Figure, "3", ""));
        // English labels still work in a German edition.
        assert_eq!(split("p. 17", "de-DE"), loc(Locator::Page, "17", ""));
    }

    #[test]
    fn french_locale_terms() {
        assert_eq!(split("chap. 2", "fr-FR"), loc(Locator::Chapter, "2", ""));
        assert_eq!(split("p. 4", "fr-FR"), loc(Locator::Page, "4", ""));
        assert_eq!(split("vol. 3", "fr-FR"), loc(Locator::Volume, "3", ""));
        assert_eq!(split("fig. 3", "fr-FR"), loc(Locator::Figure, "3", ""));
    }

    #[test]
    fn braces_hold_a_whole_locator() {
        assert_eq!(split("{pp. iv, vi-xi}", "en-US"), loc(Locator::Page, "iv, vi-xi", ""));
        assert_eq!(split("{Tafel 3}, for the map", "de-DE"), loc(Locator::Page, "Tafel 3", ", for the map"));
    }
}
