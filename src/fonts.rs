//! Which fonts an edition is set in (per-script stacks from report.yaml, filtered to what the font
//! book has, with typst's embedded fonts last), and whether every character of the edition's text
//! can be printed: typst shows a missing glyph as an empty box without a word, so Spotlight checks
//! before compiling and names the file, line, character and code point.

use std::collections::HashSet;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::model::{EditionFonts, Family, FontStacks};
use crate::package::world::Shared;

/// A writing system with fonts of its own.
pub struct Script {
    /// Its name under `fonts.scripts` in report.yaml.
    pub name: &'static str,
    /// The primary language subtags written in it.
    pub langs: &'static [&'static str],
    /// Whether it is set with CJK typography (Latin letters from the Latin font, the rest from this one).
    pub cjk: bool,
    /// Its main Unicode blocks, as a CSS `unicode-range`.
    pub unicode_range: &'static str,
}

/// The scripts Spotlight knows.
pub const SCRIPTS: &[Script] = &[
    Script {
        name: "arabic",
        langs: &["ar", "fa", "ur", "ps", "sd", "ug"],
        cjk: false,
        unicode_range: "U+0600-06FF, U+0750-077F, U+0870-08FF, U+FB50-FDFF, U+FE70-FEFF",
    },
    Script { name: "hebrew", langs: &["he", "yi"], cjk: false, unicode_range: "U+0590-05FF, U+FB1D-FB4F" },
    Script {
        name: "chinese",
        langs: &["zh"],
        cjk: true,
        unicode_range: "U+2E80-2FDF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF",
    },
    Script {
        name: "japanese",
        langs: &["ja"],
        cjk: true,
        unicode_range: "U+3000-30FF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF",
    },
    Script { name: "korean", langs: &["ko"], cjk: true, unicode_range: "U+1100-11FF, U+3130-318F, U+AC00-D7AF" },
    Script { name: "devanagari", langs: &["hi", "mr", "ne"], cjk: false, unicode_range: "U+0900-097F" },
    Script { name: "thai", langs: &["th"], cjk: false, unicode_range: "U+0E00-0E7F" },
];

/// Return the script of a language with fonts of its own, if any.
pub fn script_of(lang: &str) -> Option<&'static Script> {
    let primary = lang.split('-').next().unwrap_or(lang);
    SCRIPTS.iter().find(|s| s.langs.contains(&primary))
}

/// Compose the edition's stacks: Latin families, then the edition's script, then the other scripts
/// as fallbacks; keep what the font book has (warning about configured families it lacks) and end
/// with typst's embedded fonts.
pub fn for_edition(shared: &Shared, stacks: &FontStacks, lang: &str) -> (EditionFonts, Vec<Diagnostic>) {
    let script = script_of(lang);
    let cjk = script.is_some_and(|s| s.cjk);
    let own: Vec<String> = script.and_then(|s| stacks.scripts.get(s.name)).cloned().unwrap_or_default();
    let others: Vec<String> = stacks
        .scripts
        .iter()
        .filter(|(name, _)| script.is_none_or(|s| s.name != name.as_str()))
        .flat_map(|(_, families)| families.clone())
        .collect();
    let mut diags = Vec::new();
    let mut missing_reported = HashSet::new();
    let mut pick = |latin: &[String], with_scripts: bool, fallback: &str| {
        let mut out: Vec<Family> = Vec::new();
        let latin_families = latin.iter().map(|f| (f, true));
        let script_families = own.iter().chain(&others).map(|f| (f, false)).filter(|_| with_scripts);
        for (name, is_latin) in latin_families.chain(script_families) {
            if out.iter().any(|f| &f.name == name) {
                continue;
            }
            if shared.has_family(name) {
                out.push(Family { name: name.clone(), latin_only: cjk && is_latin });
            } else if stacks.configured && missing_reported.insert(name.clone()) {
                diags.push(
                    Diagnostic::warning(format!("font family `{name}` is not available"))
                        .in_file(crate::plan::CONFIG_FILE)
                        .with_hint(format!("add its font files to fonts/; `{fallback}` is used where it is missing")),
                );
            }
        }
        if !out.iter().any(|f| f.name == fallback) {
            out.push(Family { name: fallback.to_string(), latin_only: false });
        }
        out
    };
    let fonts = EditionFonts {
        serif: pick(&stacks.serif, true, "Libertinus Serif"),
        sans: pick(&stacks.sans, true, "Libertinus Serif"),
        mono: pick(&stacks.mono, false, "DejaVu Sans Mono"),
        script: script.filter(|s| stacks.scripts.contains_key(s.name)).map(|s| s.name.to_string()),
    };
    (fonts, diags)
}

/// Characters that need no glyph: controls, spaces, and invisible format characters.
fn needs_glyph(c: char) -> bool {
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}')
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}'))
}

/// Check that some font can print every character of a source file; report each missing character
/// once per file, at its first occurrence.
pub fn check_text(shared: &Shared, file: &Path, text: &str) -> Vec<Diagnostic> {
    let mut seen: HashSet<char> = HashSet::new();
    let mut diags = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            if c.is_ascii() || !needs_glyph(c) || !seen.insert(c) || shared.covers(c) {
                continue;
            }
            diags.push(
                Diagnostic::error(format!("no font can print '{c}' (U+{:04X})", c as u32))
                    .code("glyph")
                    .in_file(file)
                    .at(i + 1, col + 1)
                    .with_hint(
                        "add a font that covers it to fonts/ and to `fonts` in report.yaml, or replace the character",
                    ),
            );
        }
    }
    diags
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
    fn invisible_characters_need_no_glyph() {
        assert!(!needs_glyph('\u{200F}'));
        assert!(!needs_glyph('\u{FEFF}'));
        assert!(needs_glyph('é'));
    }
}
