//! Isolating a rendered citation or reference entry whose script differs from the edition's (a
//! Latin citation in an Arabic or Chinese edition) in `Inline::Lang`, so its brackets stay with
//! its text across a direction change and it is tagged with its language: the entry's declared
//! language, else the default of its first strong script (Latin: the report's source language if
//! that is written in Latin, else `en`). Decides only; the formats do the isolating. A citation
//! written in the edition's own script gets the edition's commas and semicolons in place of the
//! style's delimiters (`(انظر OECD 2021، ص. 12)`); the author's words and the works' data keep theirs.

use crate::document::model::Inline;
use crate::document::walk::{plain_text, visit_inline_vec_mut};

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

/// Put the edition's comma and semicolon in place of the style's in the delimiter texts of a
/// citation (texts with no letter or digit: what the style adds between names, works, dates and
/// locators).
fn localise_delimiters(content: &mut Vec<Inline>, edition: &str) {
    let (comma, semicolon) = (crate::lang::comma(edition), crate::lang::semicolon(edition));
    visit_inline_vec_mut(content, &mut |inlines| {
        for inline in inlines.iter_mut() {
            if let Inline::Text(t) = inline
                && !t.chars().any(char::is_alphanumeric)
            {
                *t = t.replace("; ", semicolon).replace(", ", comma);
            }
        }
    });
}

/// Wrap `content` in `Inline::Lang` when its first strong script is not the edition's, else set
/// its delimiters as the edition's language does; `own` is the entry's declared language,
/// `source` the report's source language.
pub(super) fn isolate(mut content: Vec<Inline>, edition: &str, source: &str, own: Option<&str>) -> Vec<Inline> {
    let Some(found) = plain_text(&content).chars().find_map(class_of_char) else { return content };
    if found == class_of_lang(edition) {
        localise_delimiters(&mut content, edition);
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
    fn a_citation_in_the_edition_script_takes_its_commas_and_semicolons() {
        let parts = |p: &[&str]| p.iter().map(|s| Inline::Text(s.to_string())).collect::<Vec<_>>();
        let cite = parts(&["(", "انظر OECD 2021", ", ", "ص. 12", "; ", "الأمم المتحدة 2018", ")"]);
        let out = plain_text(&isolate(cite, "ar", "en", None));
        assert_eq!(out, "(انظر OECD 2021، ص. 12؛ الأمم المتحدة 2018)");
        let cite = parts(&["（", "联合国", ", ", "2018", "; ", "王 2020", "）"]);
        assert_eq!(plain_text(&isolate(cite, "zh", "en", None)), "（联合国，2018；王 2020）");
        // The works' own commas, and every Latin citation, stay as written.
        let cite = parts(&["(", "حقوق، عمل, هجرة", ", ", "2018)"]);
        assert_eq!(plain_text(&isolate(cite, "ar", "en", None)), "(حقوق، عمل, هجرة، 2018)");
        let latin = isolate(parts(&["(Doe 2020", ", ", "p. 4)"]), "ar", "en", None);
        assert_eq!(plain_text(&latin), "(Doe 2020, p. 4)");
        for lang in ["en", "fr", "es", "he"] {
            let cite = parts(&["(Doe 2020", ", ", "p. 4", "; ", "Roe 2021)"]);
            assert_eq!(plain_text(&isolate(cite, lang, "en", None)), "(Doe 2020, p. 4; Roe 2021)", "{lang}");
        }
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
