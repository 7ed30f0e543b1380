//! Every fact Spotlight knows about languages and scripts, in one table: text direction, the
//! script and its fonts' Unicode ranges, line breaking, punctuation conventions, the speaker colon
//! and the CSL locale; whether a language tag is well-formed and registered (BCP 47), with a
//! suggestion when it is not. Every layer asks here; no other file lists language codes. Pure data.
//!
//! Adding a language whose script is known is one row of `LANGUAGES`; a new script is one row of
//! `SCRIPTS` (and a font in `fonts/`, named under `fonts.scripts` in report.yaml).

mod runs;
mod tags;

pub use runs::ltr_runs;
pub use tags::TagProblem;

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

/// How a language emphasises (Markdown `*text*`): a slanted face exists only for Latin, Greek and
/// Cyrillic; other scripts have conventions of their own, and a synthetic slant is none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// The italic face.
    Italic,
    /// The bold face (Arabic, Hebrew, Indic scripts, Thai, Korean).
    Bold,
    /// A dot under each character (着重号, Chinese).
    DotsUnder,
    /// A dot over each character (傍点, Japanese).
    DotsOver,
}

impl Emphasis {
    /// Name the convention as the templates and stylesheets spell it (`bold`, `dots-under`).
    pub fn as_str(self) -> &'static str {
        match self {
            Emphasis::Italic => "italic",
            Emphasis::Bold => "bold",
            Emphasis::DotsUnder => "dots-under",
            Emphasis::DotsOver => "dots-over",
        }
    }
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
    /// What follows a speaker's name in an interview turn, or a label (a role before a name).
    pub speaker_colon: &'static str,
    /// The comma between parts of one item Spotlight writes (a name and its detail, references).
    pub comma: &'static str,
    /// The separator between the items of a list Spotlight writes (several cross-references).
    pub enumeration: &'static str,
    /// The semicolon between the works of one citation, space included.
    pub semicolon: &'static str,
    /// The brackets around a short form Spotlight adds (an organization's acronym), space included.
    pub brackets: (&'static str, &'static str),
    /// How emphasis is set.
    pub emphasis: Emphasis,
    /// The CSL locale citations are formatted in, when the edition names the bare language.
    pub locale: Option<&'static str>,
    /// Whether lines break only between words (Korean, `word-break: keep-all`), never between the
    /// syllables of a word as Unicode line breaking allows.
    pub keep_all: bool,
}

const fn row(code: &'static str, dir: Dir, script: Option<&'static str>, punctuation: Punctuation) -> Language {
    Language {
        code,
        dir,
        script,
        breaking: Breaking::Spaces,
        punctuation,
        speaker_colon: ":",
        comma: ", ",
        enumeration: ", ",
        semicolon: "; ",
        brackets: (" (", ")"),
        emphasis: if script.is_none() && !matches!(dir, Dir::Rtl) { Emphasis::Italic } else { Emphasis::Bold },
        locale: None,
        keep_all: false,
    }
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
    // Traditional Chinese: Han characters in the Taiwan or Hong Kong forms, never the Simplified faces.
    Script {
        name: "chinese-traditional",
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
    // Pictographs only: an emoji font also covers digits, `#` and `*` (keycap bases), which must stay
    // in the text face; the EPUB declares it with this range and typst uses it for these only.
    Script {
        name: "emoji",
        cjk: false,
        unicode_range: "U+200D, U+20E3, U+2190-21FF, U+2300-23FF, U+2600-27BF, U+2B00-2BFF, U+FE0F, U+1F000-1FAFF",
    },
];

/// The script whose fonts are used for pictographs only, in every edition.
pub const EMOJI: &str = "emoji";

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
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        locale: Some("ar"),
        ..row("ar", Rtl, Some("arabic"), Dashes)
    },
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        ..row("fa", Rtl, Some("arabic"), Dashes)
    },
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        ..row("ur", Rtl, Some("arabic"), Dashes)
    },
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        ..row("ps", Rtl, Some("arabic"), Dashes)
    },
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        ..row("sd", Rtl, Some("arabic"), Dashes)
    },
    Language {
        comma: ARABIC_COMMA,
        enumeration: ARABIC_COMMA,
        semicolon: ARABIC_SEMICOLON,
        ..row("ug", Rtl, Some("arabic"), Dashes)
    },
    row("he", Rtl, Some("hebrew"), Dashes),
    row("yi", Rtl, Some("hebrew"), Dashes),
    row("dv", Rtl, None, Dashes),
    Language {
        breaking: Breaking::Characters,
        speaker_colon: "\u{FF1A}",
        comma: "\u{FF0C}",
        enumeration: "\u{3001}",
        semicolon: "\u{FF1B}",
        brackets: FULL_WIDTH_BRACKETS,
        emphasis: Emphasis::DotsUnder,
        locale: Some("zh-CN"),
        ..row("zh", Ltr, Some("chinese"), Keep)
    },
    Language {
        breaking: Breaking::Characters,
        speaker_colon: "\u{FF1A}",
        comma: "\u{3001}",
        enumeration: "\u{3001}",
        brackets: FULL_WIDTH_BRACKETS,
        emphasis: Emphasis::DotsOver,
        ..row("ja", Ltr, Some("japanese"), Keep)
    },
    Language { keep_all: true, ..row("ko", Ltr, Some("korean"), Keep) },
    row("hi", Ltr, Some("devanagari"), Dashes),
    row("mr", Ltr, Some("devanagari"), Dashes),
    row("ne", Ltr, Some("devanagari"), Dashes),
    row("th", Ltr, Some("thai"), Dashes),
];

/// The Arabic comma and the space after it.
const ARABIC_COMMA: &str = "\u{060C} ";

/// The Arabic semicolon and the space after it.
const ARABIC_SEMICOLON: &str = "\u{061B} ";

/// Full-width brackets, which carry their own space.
const FULL_WIDTH_BRACKETS: (&str, &str) = ("\u{FF08}", "\u{FF09}");

const OTHER: Language = row("", Ltr, None, Dashes);

/// Whether the language breaks lines only between words (Korean).
pub fn keeps_words_whole(lang: &str) -> bool {
    of(lang).keep_all
}

/// Whether a character is a Hangul syllable or jamo, the letters Korean words are made of.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

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

/// Return the script with fonts of its own a language is written in, if any: Chinese tagged
/// `Hant` (or a Taiwan, Hong Kong or Macao region without `Hans`) is Traditional Chinese.
pub fn script_of(lang: &str) -> Option<&'static Script> {
    let name = of(lang).script?;
    if name == "chinese" && traditional_chinese(lang) {
        return script_named("chinese-traditional");
    }
    script_named(name)
}

/// Whether a Chinese tag names Traditional characters.
fn traditional_chinese(lang: &str) -> bool {
    let has = |sub: &str| lang.split('-').skip(1).any(|p| p.eq_ignore_ascii_case(sub));
    has("hant") || (!has("hans") && ["tw", "hk", "mo"].iter().any(|r| has(r)))
}

/// Find a script by its name under `fonts.scripts`.
pub fn script_named(name: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|s| s.name == name)
}

/// The label of a speaker turn: the name and a colon as the language sets it.
pub fn speaker_label(lang: &str, name: &str) -> String {
    format!("{name}{}", of(lang).speaker_colon)
}

/// What Spotlight writes after a label (a role before a name): the language's colon, then a space
/// where words are spaced (a full-width colon carries its own).
pub fn label_separator(lang: &str) -> String {
    let l = of(lang);
    let space = if l.breaking == Breaking::Spaces { " " } else { "" };
    format!("{}{space}", l.speaker_colon)
}

/// The comma Spotlight writes between parts of one item (a name and its detail).
pub fn comma(lang: &str) -> &'static str {
    of(lang).comma
}

/// The semicolon Spotlight writes between the works of one citation.
pub fn semicolon(lang: &str) -> &'static str {
    of(lang).semicolon
}

/// The brackets Spotlight writes around a short form it adds, with the space before them.
pub fn brackets(lang: &str) -> (&'static str, &'static str) {
    of(lang).brackets
}

/// How text in the language is emphasised.
pub fn emphasis(lang: &str) -> Emphasis {
    of(lang).emphasis
}

/// The separator Spotlight writes between the items of a list.
pub fn enumeration(lang: &str) -> &'static str {
    of(lang).enumeration
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

/// List the CSL locales an edition in `lang` may format citations in, best first: the tag itself,
/// the language with its region (`zh-CN` of `zh-Hans-CN`), the language's own default (`de-DE` of
/// `de-AT`, `zh-TW` for Traditional Chinese), then the bare language.
pub fn locale_candidates(lang: &str) -> Vec<String> {
    let (language, region) = typst_lang(lang);
    let mut out = vec![lang.to_string()];
    if let Some(region) = region {
        out.push(format!("{language}-{region}"));
    }
    if language == "zh" && lang.split('-').any(|p| p.eq_ignore_ascii_case("hant")) {
        out.push("zh-TW".into());
    }
    out.extend(of(lang).locale.map(str::to_string));
    out.push(language);
    out.dedup();
    out
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

/// Check that a language tag is well-formed (RFC 5646) and that its language, script and region
/// subtags are registered (IANA), so typst and EPUB readers can both use it.
pub fn check_tag(tag: &str) -> Result<(), TagProblem> {
    let known: Vec<&str> = LANGUAGES.iter().map(|l| l.code).collect();
    tags::check(tag, &known)
}

/// Split a language tag the way typst's `text` takes it: the language in lower case and, when the
/// tag has one that typst accepts (two letters), the region in upper case.
pub fn typst_lang(tag: &str) -> (String, Option<String>) {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or(tag).to_ascii_lowercase();
    let region = parts
        .take_while(|p| p.len() != 1)
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    // typst sets Chinese punctuation by region: Traditional without one is set as in Taiwan.
    let region = region.or_else(|| (language == "zh" && traditional_chinese(tag)).then(|| "TW".to_string()));
    (language, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_to_scripts() {
        assert_eq!(script_of("ar").map(|s| s.name), Some("arabic"));
        assert_eq!(script_of("zh-Hans").map(|s| s.name), Some("chinese"));
        assert_eq!(script_of("zh").map(|s| s.name), Some("chinese"));
        assert_eq!(script_of("zh-Hant").map(|s| s.name), Some("chinese-traditional"));
        assert_eq!(script_of("zh-TW").map(|s| s.name), Some("chinese-traditional"));
        assert_eq!(script_of("zh-Hans-HK").map(|s| s.name), Some("chinese"));
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
    fn generated_punctuation_follows_the_language() {
        assert_eq!(label_separator("zh-Hans"), "\u{FF1A}");
        assert_eq!(label_separator("fr"), "\u{A0}: ");
        assert_eq!(label_separator("en"), ": ");
        assert_eq!(comma("ar"), "\u{060C} ");
        assert_eq!(comma("fa"), "\u{060C} ");
        assert_eq!(comma("zh"), "\u{FF0C}");
        assert_eq!(enumeration("zh"), "\u{3001}");
        assert_eq!(comma("he"), ", ");
        assert_eq!(comma("de"), ", ");
    }

    #[test]
    fn emphasis_is_italic_only_where_faces_slant() {
        assert_eq!(emphasis("en"), Emphasis::Italic);
        assert_eq!(emphasis("ru"), Emphasis::Italic);
        assert_eq!(emphasis("ar"), Emphasis::Bold);
        assert_eq!(emphasis("he-IL"), Emphasis::Bold);
        assert_eq!(emphasis("dv"), Emphasis::Bold);
        assert_eq!(emphasis("zh-Hant"), Emphasis::DotsUnder);
        assert_eq!(emphasis("ja"), Emphasis::DotsOver);
        assert_eq!(emphasis("ko"), Emphasis::Bold);
    }

    #[test]
    fn locales_for_bare_and_regional_tags() {
        assert_eq!(locale("en"), "en-US");
        assert_eq!(locale("en-GB"), "en-GB");
        assert_eq!(locale("ru"), "ru");
    }

    #[test]
    fn registered_tags_pass() {
        for tag in ["en", "de-AT", "zh-Hans", "pt-BR", "es-419", "sr-Latn-RS", "he", "en-us"] {
            assert_eq!(check_tag(tag), Ok(()), "{tag}");
        }
    }

    #[test]
    fn bad_tags_fail_with_a_suggestion() {
        let hint = |tag: &str| check_tag(tag).unwrap_err().hint;
        assert_eq!(hint("english"), "write `en`");
        assert_eq!(hint("ger"), "write `de`");
        assert_eq!(hint("deu"), "write `de`");
        assert_eq!(hint("EN_us"), "write `en-US`");
        assert_eq!(hint("German-CH"), "write `de-CH`");
        assert!(hint("xx").contains("closest known codes are"), "{}", hint("xx"));
        assert_eq!(check_tag("xx").unwrap_err().message, "`xx` is not a registered language");
        assert_eq!(check_tag("de-UU").unwrap_err().message, "`de-UU`: `UU` is not a registered region");
        assert_eq!(check_tag("zh-Hanz").unwrap_err().message, "`zh-Hanz`: `Hanz` is not a registered script");
        assert!(check_tag("x-private").is_err());
        assert!(check_tag("").is_err());
    }

    #[test]
    fn typst_gets_the_language_and_a_two_letter_region() {
        assert_eq!(typst_lang("de-AT"), ("de".into(), Some("AT".into())));
        assert_eq!(typst_lang("zh-Hans"), ("zh".into(), None));
        assert_eq!(typst_lang("zh-Hans-CN"), ("zh".into(), Some("CN".into())));
        assert_eq!(typst_lang("zh-Hant"), ("zh".into(), Some("TW".into())));
        assert_eq!(typst_lang("zh-Hant-HK"), ("zh".into(), Some("HK".into())));
        assert_eq!(typst_lang("es-419"), ("es".into(), None));
        assert_eq!(typst_lang("EN"), ("en".into(), None));
    }

    #[test]
    fn locale_candidates_fall_back_from_the_full_tag_to_the_language() {
        assert_eq!(locale_candidates("de-AT"), ["de-AT", "de-DE", "de"]);
        assert_eq!(locale_candidates("zh-Hans"), ["zh-Hans", "zh-CN", "zh"]);
        assert_eq!(locale_candidates("zh-Hant-HK"), ["zh-Hant-HK", "zh-HK", "zh-TW", "zh-CN", "zh"]);
        assert_eq!(locale_candidates("pt-BR"), ["pt-BR", "pt"]);
    }

    #[test]
    fn first_strong_letter_decides_the_direction() {
        assert_eq!(first_strong_dir("(1) مرحبا"), Some(Rtl));
        assert_eq!(first_strong_dir("« UN »"), Some(Ltr));
        assert_eq!(first_strong_dir("2022."), None);
    }
}
