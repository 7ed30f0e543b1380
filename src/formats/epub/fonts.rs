//! The EPUB's fonts: which font files of the project an edition embeds (its serif and sans stacks,
//! Latin and its own script), the `@font-face` rules that name them by role, and their subsets to
//! the characters the edition's documents use. Reads font files through `project::files`; the
//! subsetting itself is `formats::subset`'s.

use std::collections::BTreeSet;
use std::path::Path;

use typst::text::{FontInfo, FontStyle};

use crate::document::model::{Edition, Family};
use crate::formats::escape::url;
use crate::formats::subset;
use crate::project::files;

/// Characters every subset keeps whatever the text: printable ASCII, the no-break and thin spaces,
/// quotation marks, dashes and list bullets, which reading systems may generate themselves (list
/// numbers, quotes around `q`, the ellipsis of a truncated line).
const ALWAYS: &[(char, char)] = &[
    (' ', '~'),
    ('\u{a0}', '\u{a0}'),
    ('\u{ab}', '\u{ab}'),
    ('\u{bb}', '\u{bb}'),
    ('\u{2009}', '\u{200a}'),
    ('\u{2010}', '\u{2014}'),
    ('\u{2018}', '\u{201f}'),
    ('\u{2022}', '\u{2022}'),
    ('\u{2026}', '\u{2026}'),
    ('\u{25e6}', '\u{25e6}'),
    ('\u{25aa}', '\u{25aa}'),
    ('\u{660}', '\u{669}'),
    ('\u{6f0}', '\u{6f9}'),
];

/// The characters the text files of an EPUB or site use (content documents, navigation, NCX, CSS), with
/// numeric character references decoded, plus [`ALWAYS`].
pub fn used_characters<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> BTreeSet<char> {
    let mut out: BTreeSet<char> = ALWAYS.iter().flat_map(|&(a, b)| a..=b).collect();
    for (path, bytes) in files {
        if ![".xhtml", ".html", ".css", ".ncx", ".svg"].iter().any(|ext| path.ends_with(ext)) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        out.extend(text.chars());
        out.extend(character_references(&text));
    }
    out
}

/// The characters written as `&#NNN;` or `&#xHHH;`.
fn character_references(text: &str) -> Vec<char> {
    text.split("&#")
        .skip(1)
        .filter_map(|rest| {
            let (num, _) = rest.split_once(';')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        })
        .collect()
}

/// Replace each font file's bytes by its subset to `used`; a font the subsetter cannot take (CFF2
/// outlines, or one it fails on) is kept whole, which costs size and never a glyph.
pub fn subset_fonts<'a>(fonts: impl Iterator<Item = &'a mut Vec<u8>>, used: &BTreeSet<char>) {
    for bytes in fonts {
        if let Ok(small) = subset::subset(bytes, 0, used) {
            *bytes = small;
        }
    }
}

/// Generate `@font-face` rules for the font files of the edition's serif and sans stacks (Latin
/// families and the edition's own script; a face of a collection (.ttc) as a font of its own), named
/// by role so the stylesheet needs no font names.
pub fn font_faces(dir: &Path, edition: &Edition) -> (String, Vec<(String, Vec<u8>)>) {
    let mut css = String::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let paths = files::list(dir, Path::new(""));
    if paths.is_empty() {
        return (css, files);
    }
    let stacks = &edition.meta.fonts;
    let own_script: &[String] =
        edition.fonts.script.as_ref().and_then(|s| stacks.scripts.get(s)).map_or(&[], Vec::as_slice);
    let range = edition.fonts.script.as_deref().and_then(crate::lang::script_named).map(|s| s.unicode_range);
    // Emoji faces are declared for their pictographs only, under both roles, in every edition.
    let emoji: &[String] = stacks.scripts.get(crate::lang::EMOJI).map_or(&[], Vec::as_slice);
    let emoji_range = crate::lang::script_named(crate::lang::EMOJI).map(|s| s.unicode_range);
    let wanted = |families: &[Family], family: &str| {
        families.iter().any(|f| {
            f.name.to_lowercase() == family
                && (stacks_contains(&stacks.serif, family)
                    || stacks_contains(&stacks.sans, family)
                    || own_script.iter().any(|o| o.to_lowercase() == family))
        })
    };
    let roles = [("Spotlight Serif", &edition.fonts.serif), ("Spotlight Sans", &edition.fonts.sans)];
    let mut found: Vec<Face> = Vec::new();
    for path in paths {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let collection = ext == "ttc" || ext == "otc";
        if ext != "ttf" && ext != "otf" && !collection {
            continue;
        }
        let Ok(bytes) = files::read(dir, &path) else { continue };
        for (index, info) in FontInfo::iter(&bytes).enumerate().take(if collection { usize::MAX } else { 1 }) {
            let family = info.family.to_lowercase();
            let emoji = emoji.iter().any(|o| o.to_lowercase() == family);
            let script = emoji || own_script.iter().any(|o| o.to_lowercase() == family);
            let in_roles: Vec<usize> = (0..roles.len()).filter(|&r| emoji || wanted(roles[r].1, &family)).collect();
            if in_roles.is_empty() {
                continue;
            }
            // A face of a collection ships as a font of its own, which the subsetter then makes small.
            let (name, bytes) = if collection {
                let stem = path.file_stem().map(|n| n.to_string_lossy().replace(' ', "-")).unwrap_or_default();
                let Ok(face) = subset::face(&bytes, index as u32) else { continue };
                (format!("{stem}-{index}.otf"), face)
            } else {
                (path.file_name().map(|n| n.to_string_lossy().replace(' ', "-")).unwrap_or_default(), bytes.clone())
            };
            found.push(Face { family, emoji, script, roles: in_roles, info, name, bytes });
        }
    }
    // Of the script's families, each role embeds only the first one the project has (a later one is a
    // fallback the reader's system may have; embedding it too would double the script's weight).
    for (r, (_, stack)) in roles.iter().enumerate() {
        let first = stack
            .iter()
            .map(|f| f.name.to_lowercase())
            .find(|name| found.iter().any(|f| f.script && !f.emoji && f.roles.contains(&r) && &f.family == name));
        for face in found.iter_mut().filter(|f| f.script && !f.emoji && Some(&f.family) != first.as_ref()) {
            face.roles.retain(|&x| x != r);
        }
    }
    // Script faces first: without unicode-range support, the last face declared wins.
    let mut rules: Vec<(bool, String)> = Vec::new();
    for face in found.into_iter().filter(|f| !f.roles.is_empty()) {
        let style = if face.info.variant.style == FontStyle::Normal { "normal" } else { "italic" };
        let unicode_range = match (face.script, if face.emoji { emoji_range } else { range }) {
            (true, Some(r)) => format!("\n  unicode-range: {r};"),
            _ => String::new(),
        };
        for &r in &face.roles {
            rules.push((
                !face.script,
                format!(
                    "@font-face {{\n  font-family: \"{}\";\n  src: url(\"../fonts/{}\");\n  font-weight: {};\n  font-style: {style};{unicode_range}\n}}\n",
                    roles[r].0,
                    url(&face.name),
                    face.info.variant.weight.to_number()
                ),
            ));
        }
        files.push((face.name, face.bytes));
    }
    rules.sort_by_key(|(latin, _)| *latin);
    for (_, rule) in rules {
        css.push_str(&rule);
    }
    (css, files)
}

/// A face the project has that the edition's stacks name, before the choice among script families.
struct Face {
    family: String,
    emoji: bool,
    script: bool,
    /// Indexes into the roles (serif, sans) this face is declared for.
    roles: Vec<usize>,
    info: FontInfo,
    name: String,
    bytes: Vec<u8>,
}

fn stacks_contains(families: &[String], family: &str) -> bool {
    families.iter().any(|f| f.to_lowercase() == family)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_characters_decode_references_and_skip_binary_files() {
        let files = [("a.xhtml", "<p>caf&#xe9; &#8212;</p>".as_bytes()), ("f.ttf", "\u{4e2d}".as_bytes())];
        let used = used_characters(files.into_iter());
        assert!(used.contains(&'\u{e9}') && used.contains(&'\u{2014}') && used.contains(&'p'));
        assert!(!used.contains(&'\u{4e2d}'));
    }
}
