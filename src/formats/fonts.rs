//! Which fonts an edition is set in (per-script stacks from report.yaml, filtered to what the font
//! book has, with typst's embedded fonts last), and whether every character of the edition's text
//! can be printed: typst shows a missing glyph as an empty box without a word, so Spotlight checks
//! before compiling and names the file, line, character and code point.

use std::collections::HashSet;
use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::document::model::{EditionFonts, Family, FontStacks};
use crate::formats::pdf::world::Shared;
use crate::lang::script_of;

/// Compose the edition's stacks per role: the Latin families of the role, then the edition's script
/// (its `headings` or `code` families for those roles, else its `scripts` families), then the other
/// scripts as fallbacks; keep what the font book has (warning about configured families it lacks, and
/// about a script face without a bold) and end with typst's embedded fonts.
pub fn for_edition(shared: &Shared, stacks: &FontStacks, lang: &str) -> (EditionFonts, Vec<Diagnostic>) {
    let script = script_of(lang);
    let cjk = script.is_some_and(|s| s.cjk);
    let own_in = |map: &std::collections::BTreeMap<String, Vec<String>>| script.and_then(|s| map.get(s.name)).cloned();
    let body_own: Vec<String> = own_in(&stacks.scripts).unwrap_or_default();
    let heading_own = own_in(&stacks.headings).unwrap_or_else(|| body_own.clone());
    let code_own = own_in(&stacks.code).unwrap_or_else(|| body_own.clone());
    // A CJK edition takes no other CJK script's faces as fallbacks: their Han characters have other
    // forms (Simplified, Traditional, Japanese), and a wrong form is worse than a missing-glyph error.
    let cjk_sibling = |name: &str| cjk && crate::lang::script_named(name).is_some_and(|s| s.cjk);
    let others: Vec<String> = stacks
        .scripts
        .iter()
        .filter(|(name, _)| script.is_none_or(|s| s.name != name.as_str()) && !cjk_sibling(name))
        .flat_map(|(_, families)| families.clone())
        .collect();
    let mut diags = Vec::new();
    let mut missing_reported = HashSet::new();
    let mut pick = |latin: &[String], own: &[String], role: &str, fallback: &str| {
        let mut out: Vec<Family> = Vec::new();
        let latin_families = latin.iter().map(|f| (f, true));
        let script_families = own.iter().chain(&others).map(|f| (f, false));
        for (name, is_latin) in latin_families.chain(script_families) {
            if out.iter().any(|f| &f.name == name) {
                continue;
            }
            if shared.has_family(name) {
                out.push(Family { name: name.clone(), latin_only: cjk && is_latin });
            } else if stacks.configured && missing_reported.insert(name.clone()) {
                diags.push(
                    Diagnostic::warning(format!("font family `{name}` is not available"))
                        .in_file(crate::project::CONFIG_FILE)
                        .with_hint(format!("add its font files to fonts/; `{fallback}` is used where it is missing")),
                );
            }
        }
        // The script's own face sets the edition's bold text (headings, strong emphasis); typst
        // synthesizes no bold, so a face without one prints bold text regular.
        let first_own = own.iter().find(|f| shared.has_family(f));
        if role != "code"
            && let (Some(name), Some(script)) = (first_own, script)
            && !shared.has_bold(name)
            && missing_reported.insert(format!("{name}/bold"))
        {
            diags.push(
                Diagnostic::warning(format!(
                    "font family `{name}` ({} {role}) has no bold face: bold text is set in its regular weight",
                    script.name
                ))
                .in_file(crate::project::CONFIG_FILE)
                .with_hint(format!("add the bold font file of `{name}` to fonts/, or name a family with one under fonts.scripts or fonts.headings")),
            );
        }
        if !out.iter().any(|f| f.name == fallback) {
            out.push(Family { name: fallback.to_string(), latin_only: false });
        }
        out
    };
    let fonts = EditionFonts {
        serif: pick(&stacks.serif, &body_own, "body", "Libertinus Serif"),
        sans: pick(&stacks.sans, &heading_own, "headings", "Libertinus Serif"),
        mono: pick(&stacks.mono, &code_own, "code", "DejaVu Sans Mono"),
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
                    .code(Code::Glyph)
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
    fn invisible_characters_need_no_glyph() {
        assert!(!needs_glyph('\u{200F}'));
        assert!(!needs_glyph('\u{FEFF}'));
        assert!(needs_glyph('é'));
    }
}
