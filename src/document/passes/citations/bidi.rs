//! Isolating a rendered citation or reference entry whose script differs from the edition's (a
//! Latin citation in an Arabic or Chinese edition) in `Inline::Lang`, so its brackets stay with
//! its text across a direction change and it is tagged with its language: the entry's declared
//! language, else the default of its first strong script (Latin: the report's source language if
//! that is written in Latin, else `en`). Decides only; the formats do the isolating.

use crate::document::model::Inline;
use crate::document::walk::plain_text;

/// A script as far as isolation cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Latin,
    Arabic,
    Hebrew,
    Han,
    Other,
}

fn class_of_char(c: char) -> Option<Class> {
    let n = c as u32;
    let class = match n {
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Class::Hebrew,
        0x0600..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Class::Arabic,
        0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Class::Han,
        _ if c.is_ascii_alphabetic() || (c.is_alphabetic() && n < 0x0370) || (0x1E00..=0x1EFF).contains(&n) => {
            Class::Latin
        }
        _ if c.is_alphabetic() => Class::Other,
        _ => return None,
    };
    Some(class)
}

fn class_of_lang(lang: &str) -> Class {
    match crate::lang::of(lang).script {
        None if matches!(crate::lang::primary(lang), "ru" | "uk" | "bg" | "sr" | "el" | "mk" | "be") => Class::Other,
        None => Class::Latin,
        Some("arabic") => Class::Arabic,
        Some("hebrew") => Class::Hebrew,
        Some("chinese" | "japanese") => Class::Han,
        Some(_) => Class::Other,
    }
}

/// Whether two language tags are written in the same script (as far as isolation cares).
pub(super) fn same_script(a: &str, b: &str) -> bool {
    class_of_lang(a) == class_of_lang(b)
}

/// Wrap `content` in `Inline::Lang` when its first strong script is not the edition's; `own` is
/// the entry's declared language, `source` the report's source language.
pub(super) fn isolate(content: Vec<Inline>, edition: &str, source: &str, own: Option<&str>) -> Vec<Inline> {
    let Some(found) = plain_text(&content).chars().find_map(class_of_char) else { return content };
    if found == class_of_lang(edition) {
        return content;
    }
    let lang = match (own, found) {
        (Some(own), _) => own.to_string(),
        (None, Class::Latin) if class_of_lang(source) == Class::Latin => source.to_string(),
        (None, Class::Latin) => "en".to_string(),
        (None, Class::Arabic) => "ar".to_string(),
        (None, Class::Hebrew) => "he".to_string(),
        (None, Class::Han) => "zh".to_string(),
        (None, Class::Other) => return content,
    };
    vec![Inline::Lang { lang, content }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.into())]
    }

    #[test]
    fn a_latin_citation_in_an_arabic_edition_is_isolated_in_the_source_language() {
        let out = isolate(text("(United Nations 2018; 2022)"), "ar", "en", None);
        assert_eq!(out, vec![Inline::Lang { lang: "en".into(), content: text("(United Nations 2018; 2022)") }]);
        let out = isolate(text("(Keller 2020)"), "zh", "de", None);
        assert!(matches!(&out[0], Inline::Lang { lang, .. } if lang == "de"));
        let out = isolate(text("[1]"), "ar", "en", None);
        assert_eq!(out, text("[1]"), "no strong letter, nothing to isolate");
    }

    #[test]
    fn the_declared_language_wins_and_the_edition_script_stays_bare() {
        let out = isolate(text("Keller, Die Stadt"), "ar", "en", Some("de"));
        assert!(matches!(&out[0], Inline::Lang { lang, .. } if lang == "de"));
        assert_eq!(isolate(text("(Doe 2020)"), "fr", "en", None), text("(Doe 2020)"));
        let out = isolate(text("(الأمم المتحدة 2018)"), "en", "en", None);
        assert!(matches!(&out[0], Inline::Lang { lang, .. } if lang == "ar"));
    }
}
