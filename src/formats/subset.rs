//! Font subsetting for the EPUB (and any format that ships font files): keeps only the glyphs of the
//! characters an edition uses, with their layout closure (GSUB alternates, so Arabic joining forms
//! and ligatures survive), all layout features, and the name records that carry the copyright and
//! licence. The only module that knows the `skera` and `read-fonts` crates; it never reads files.

use std::collections::BTreeSet;

use read_fonts::collections::IntSet;
use read_fonts::types::{NameId, Tag};
use read_fonts::{FontRef, TableProvider};
use skera::{Plan, SubsetFlags, subset_font};

/// Why a font is shipped whole rather than subset.
#[derive(Debug, PartialEq, Eq)]
pub enum Whole {
    /// CFF outlines (the CJK faces): the subsetter handles TrueType outlines only.
    Cff,
    /// The font could not be read or subset; the message says why.
    Failed(String),
}

/// Subset a TrueType-flavoured OpenType font to the given characters.
pub fn subset(bytes: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>, Whole> {
    let font = FontRef::new(bytes).map_err(|e| Whole::Failed(e.to_string()))?;
    if font.cff().is_ok() || font.cff2().is_ok() {
        return Err(Whole::Cff);
    }
    let unicodes: IntSet<u32> = chars.iter().map(|&c| c as u32).collect();
    // Name records 0-6 identify the face; 13 and 14 carry the licence, which the OFL asks to keep
    // with every copy.
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::from(0)..=NameId::from(6));
    name_ids.insert(NameId::from(13));
    name_ids.insert(NameId::from(14));
    let mut name_languages = IntSet::<u16>::empty();
    name_languages.insert(0x0409);
    // Tables a reading system never uses; the rest are subset or kept.
    let drop: IntSet<Tag> =
        [b"DSIG", b"JSTF", b"LTSH", b"PCLT", b"EBDT", b"EBLC", b"EBSC", b"SVG "].into_iter().map(Tag::new).collect();
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        SubsetFlags::default(),
        &drop,
        &IntSet::all(),
        &IntSet::all(),
        &name_ids,
        &name_languages,
    );
    subset_font(&font, &plan).map_err(|e| Whole::Failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(name: &str) -> Vec<u8> {
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts").join(name)).unwrap()
    }

    fn glyph_of(bytes: &[u8], c: char) -> Option<u32> {
        let f = FontRef::new(bytes).unwrap();
        f.cmap().unwrap().map_codepoint(c).map(|g| g.to_u32()).filter(|&g| g != 0)
    }

    #[test]
    fn a_subset_keeps_the_characters_asked_for_and_drops_the_rest() {
        let whole = font("NotoSerif-Regular.ttf");
        let chars: BTreeSet<char> = "Spotlight é".chars().collect();
        let small = subset(&whole, &chars).unwrap();
        assert!(small.len() * 10 < whole.len(), "{} of {}", small.len(), whole.len());
        for c in chars.iter().filter(|c| **c != ' ') {
            assert!(glyph_of(&small, *c).is_some(), "{c} lost");
        }
        assert!(glyph_of(&small, 'Q').is_none());
    }

    #[test]
    fn an_arabic_subset_keeps_the_joining_forms() {
        let whole = font("NotoNaskhArabic-Regular.ttf");
        let chars: BTreeSet<char> = "بيت".chars().collect();
        let small = subset(&whole, &chars).unwrap();
        let glyphs = |b: &[u8]| FontRef::new(b).unwrap().maxp().unwrap().num_glyphs();
        // Three letters map to three glyphs; their initial, medial and final forms come on top.
        assert!(glyphs(&small) > 6, "{} glyphs", glyphs(&small));
        assert!(FontRef::new(&small).unwrap().gsub().is_ok());
    }

    #[test]
    fn a_cff_font_is_left_whole() {
        let whole = font("NotoSerifCJKsc-Regular-subset.otf");
        assert_eq!(subset(&whole, &"中".chars().collect()), Err(Whole::Cff));
    }
}
