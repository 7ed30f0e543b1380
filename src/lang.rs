//! Every fact Spotlight knows about languages and scripts, in one table: text direction, the
//! script and its fonts' Unicode ranges, line breaking, punctuation conventions, the speaker colon
//! and the CSL locale. Every layer asks here; no other file lists language codes. Pure data.
//!
//! Adding a language whose script is known is one row of `LANGUAGES`; a new script is one row of
//! `SCRIPTS` (and a font in `fonts/`, named under `fonts.scripts` in report.yaml).

/// The direction text runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dir {
    /// Left to right.
    #[default]
    Ltr,
    /// Right to left (Arabic, Hebrew, ...).
    Rtl,
}

impl std::fmt::Display for Dir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Dir {
    /// Name the direction as Typst and HTML spell it (`ltr`, `rtl`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

/// How a language's punctuation is set from what the author typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Punctuation {
    /// comrak's smart punctuation (curly quotes, dashes, ellipses): English.
    Smart,
    /// Keep what the translator typed (Chinese, Japanese, Korean).
    Keep,
    /// Dashes and ellipses, guillemets with narrow spaces, spaces before `; : ! ?`: French.
    French,
    /// Dashes and ellipses, guillemets without spaces: Spanish, Italian, Portuguese, Catalan.
    Guillemets,
    /// Dashes and ellipses only.
    Dashes,
}

/// How a line break in the Markdown source is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaking {
    /// Words are separated by spaces: a source line break is a space.
    Spaces,
    /// Text runs without spaces (Chinese, Japanese): a source line break is nothing.
    Characters,
}

/// A writing system with fonts of its own.
#[derive(Debug)]
pub struct Script {
    /// Its name under `fonts.scripts` in report.yaml.
    pub name: &'static str,
    /// Whether it is set with CJK typography (Latin letters from the Latin font, the rest from this one).
    pub cjk: bool,
    /// Its main Unicode blocks, as a CSS `unicode-range`.
    pub unicode_range: &'static str,
}

/// What Spotlight knows about one language (by its primary subtag).
#[derive(Debug)]
pub struct Language {
    /// The primary language subtag, e.g. `fr`.
    pub code: &'static str,
    /// Text direction.
    pub dir: Dir,
    /// The script with fonts of its own, by name in `SCRIPTS` (`None`: Latin, Cyrillic, Greek).
    pub script: Option<&'static str>,
    /// How source line breaks are set.
    pub breaking: Breaking,
    /// Punctuation conventions.
    pub punctuation: Punctuation,
    /// What follows a speaker's name in an interview turn.
    pub speaker_colon: &'static str,
    /// The CSL locale citations are formatted in, when the edition names the bare language.
    pub locale: Option<&'static str>,
}

const fn row(code: &'static str, dir: Dir, script: Option<&'static str>, punctuation: Punctuation) -> Language {
    Language { code, dir, script, breaking: Breaking::Spaces, punctuation, speaker_colon: ":", locale: None }
}

/// The scripts Spotlight knows.
pub const SCRIPTS: &[Script] = &[
    Script {
        name: "arabic",
        cjk: false,
        unicode_range: "U+0600-06FF, U+0750-077F, U+0870-08FF, U+FB50-FDFF, U+FE70-FEFF",
    },
    Script { name: "hebrew", cjk: false, unicode_range: "U+0590-05FF, U+FB1D-FB4F" },
    Script {
        name: "chinese",
        cjk: true,
        unicode_range: "U+2E80-2FDF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF",
    },
    Script {
        name: "japanese",
        cjk: true,
        unicode_range: "U+3000-30FF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF",
    },
    Script { name: "korean", cjk: true, unicode_range: "U+1100-11FF, U+3130-318F, U+AC00-D7AF" },
    Script { name: "devanagari", cjk: false, unicode_range: "U+0900-097F" },
    Script { name: "thai", cjk: false, unicode_range: "U+0E00-0E7F" },
];

use Dir::{Ltr, Rtl};
use Punctuation::{Dashes, Guillemets, Keep};

/// The languages Spotlight knows; any other language is left to right, with dashes and ellipses.
pub const LANGUAGES: &[Language] = &[
    Language { punctuation: Punctuation::Smart, locale: Some("en-US"), ..row("en", Ltr, None, Dashes) },
    Language { speaker_colon: "\u{A0}:", locale: Some("fr-FR"), ..row("fr", Ltr, None, Punctuation::French) },
    Language { locale: Some("es-ES"), ..row("es", Ltr, None, Guillemets) },
    Language { locale: Some("de-DE"), ..row("de", Ltr, None, Dashes) },
    row("it", Ltr, None, Guillemets),
    row("pt", Ltr, None, Guillemets),
    row("ca", Ltr, None, Guillemets),
    Language { locale: Some("ar"), ..row("ar", Rtl, Some("arabic"), Dashes) },
    row("fa", Rtl, Some("arabic"), Dashes),
    row("ur", Rtl, Some("arabic"), Dashes),
    row("ps", Rtl, Some("arabic"), Dashes),
    row("sd", Rtl, Some("arabic"), Dashes),
    row("ug", Rtl, Some("arabic"), Dashes),
    row("he", Rtl, Some("hebrew"), Dashes),
    row("yi", Rtl, Some("hebrew"), Dashes),
    row("dv", Rtl, None, Dashes),
    Language {
        breaking: Breaking::Characters,
        speaker_colon: "\u{FF1A}",
        locale: Some("zh-CN"),
        ..row("zh", Ltr, Some("chinese"), Keep)
    },
    Language { breaking: Breaking::Characters, speaker_colon: "\u{FF1A}", ..row("ja", Ltr, Some("japanese"), Keep) },
    row("ko", Ltr, Some("korean"), Keep),
    row("hi", Ltr, Some("devanagari"), Dashes),
    row("mr", Ltr, Some("devanagari"), Dashes),
    row("ne", Ltr, Some("devanagari"), Dashes),
    row("th", Ltr, Some("thai"), Dashes),
];

const OTHER: Language = row("", Ltr, None, Dashes);

/// Return the primary subtag of a language tag (`zh` of `zh-Hans`).
pub fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

/// Look a language tag up by its primary subtag; unknown languages get the neutral defaults.
pub fn of(lang: &str) -> &'static Language {
    let primary = primary(lang);
    LANGUAGES.iter().find(|l| l.code == primary).unwrap_or(&OTHER)
}

/// Return the text direction of a language tag.
pub fn dir(lang: &str) -> Dir {
    of(lang).dir
}

/// Return the script with fonts of its own a language is written in, if any.
pub fn script_of(lang: &str) -> Option<&'static Script> {
    let name = of(lang).script?;
    script_named(name)
}

/// Find a script by its name under `fonts.scripts`.
pub fn script_named(name: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|s| s.name == name)
}

/// The label of a speaker turn: the name and a colon as the language sets it.
pub fn speaker_label(lang: &str, name: &str) -> String {
    format!("{name}{}", of(lang).speaker_colon)
}

/// Whether a source line break is set as a space in the language.
pub fn soft_break_is_space(lang: &str) -> bool {
    of(lang).breaking == Breaking::Spaces
}

/// Return the CSL locale code citations of an edition in `lang` are formatted in.
pub fn locale(lang: &str) -> String {
    match of(lang).locale {
        Some(locale) if lang == primary(lang) => locale.to_string(),
        _ => lang.to_string(),
    }
}

/// The direction of the first letter with a strong direction (as HTML `dir="auto"` decides).
pub fn first_strong_dir(text: &str) -> Option<Dir> {
    text.chars().find_map(|c| {
        let rtl = matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF);
        if rtl {
            Some(Rtl)
        } else if c.is_alphabetic() {
            Some(Ltr)
        } else {
            None
        }
    })
}

/// Whether a character counts as a word of its own (Han, kana, hangul), for word counts.
pub fn is_word_character(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_to_scripts() {
        assert_eq!(script_of("ar").map(|s| s.name), Some("arabic"));
        assert_eq!(script_of("zh-Hans").map(|s| s.name), Some("chinese"));
        assert!(script_of("fr").is_none());
    }

    #[test]
    fn every_script_a_language_names_exists() {
        for l in LANGUAGES {
            if let Some(s) = l.script {
                assert!(script_named(s).is_some(), "{}: {s}", l.code);
            }
        }
    }

    #[test]
    fn directions_follow_the_primary_subtag() {
        assert_eq!(dir("ar"), Rtl);
        assert_eq!(dir("he-IL"), Rtl);
        assert_eq!(dir("de-AT"), Ltr);
        assert_eq!(dir("xx"), Ltr);
    }

    #[test]
    fn speaker_labels_follow_the_language() {
        assert_eq!(speaker_label("fr", "FES"), "FES\u{A0}:");
        assert_eq!(speaker_label("zh", "FES"), "FES\u{FF1A}");
        assert_eq!(speaker_label("ar", "FES"), "FES:");
    }

    #[test]
    fn locales_for_bare_and_regional_tags() {
        assert_eq!(locale("en"), "en-US");
        assert_eq!(locale("en-GB"), "en-GB");
        assert_eq!(locale("ru"), "ru");
    }

    #[test]
    fn first_strong_letter_decides_the_direction() {
        assert_eq!(first_strong_dir("(1) مرحبا"), Some(Rtl));
        assert_eq!(first_strong_dir("« UN »"), Some(Ltr));
        assert_eq!(first_strong_dir("2022."), None);
    }
}
