//! Font subsetting for the EPUB (and any format that ships font files): keeps only the glyphs of the
//! characters an edition uses, with their layout closure (GSUB alternates, so Arabic joining forms
//! and ligatures survive), all layout features, and the name records that carry the copyright and
//! licence. TrueType outlines are subset by `skera`; CFF outlines (the CJK faces), which it leaves
//! out, by [`cff`] on the glyph set `skera` chose. A face of a collection (.ttc) comes out as a font
//! of its own. The only module that knows the `skera`, `read-fonts` and `write-fonts` crates; it
//! never reads files.

mod cff;

use std::collections::BTreeSet;

use read_fonts::collections::IntSet;
use read_fonts::types::{NameId, Tag};
use read_fonts::{FontRef, TableProvider, TopLevelTable};
use skera::{Plan, SubsetFlags, subset_font};
use write_fonts::FontBuilder;

/// Why a font is shipped whole rather than subset.
#[derive(Debug, PartialEq, Eq)]
pub enum Whole {
    /// CFF2 (variable PostScript) outlines, which neither subsetter handles.
    Cff2,
    /// The font could not be read or subset; the message says why.
    Failed(String),
}

/// Subset face `index` of an OpenType font or collection (0 for a single font) to the given
/// characters, as a font of its own.
pub fn subset(bytes: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>, Whole> {
    let font = FontRef::from_index(bytes, index).map_err(|e| Whole::Failed(format!("face {index}: {e}")))?;
    if font.cff2().is_ok() {
        return Err(Whole::Cff2);
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
    let cff_table = font.data_for_tag(read_fonts::tables::cff::Cff::TAG);
    let mut features = IntSet::<Tag>::all();
    // A CID-keyed CJK face is made for one region (SC, TC, JP, KR, HK) and an edition is set in the
    // face of its own; its `locl` lookups only pick the other regions' forms of the same hanzi, and
    // would bring in about a glyph more for every two characters.
    if cff_table.is_some_and(|t| cff::is_cid(t.as_bytes())) {
        features.remove(Tag::new(b"locl"));
    }
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        SubsetFlags::default(),
        &drop,
        &IntSet::all(),
        &features,
        &name_ids,
        &name_languages,
    );
    let out = subset_font(&font, &plan).map_err(|e| Whole::Failed(e.to_string()))?;
    match cff_table {
        Some(table) => with_cff(&out, table.as_bytes(), &plan),
        None => Ok(out),
    }
}

/// Face `index` of a collection (.ttc, .otc) as a font file of its own, every table copied
/// unchanged: an EPUB or web page can only name single fonts.
pub fn face(bytes: &[u8], index: u32) -> Result<Vec<u8>, Whole> {
    let font = FontRef::from_index(bytes, index).map_err(|e| Whole::Failed(format!("face {index}: {e}")))?;
    let mut builder = FontBuilder::new();
    builder.copy_missing_tables(font);
    Ok(builder.build())
}

/// Add the `CFF ` table, which `skera` leaves out, subset to the glyphs of its plan.
fn with_cff(subset: &[u8], table: &[u8], plan: &Plan) -> Result<Vec<u8>, Whole> {
    let mut keep: Vec<(u32, u32)> = plan.old_to_new_glyph_mapping().map(|(o, n)| (n.to_u32(), o.to_u32())).collect();
    keep.sort_unstable();
    if keep.iter().enumerate().any(|(i, &(new, _))| new as usize != i) {
        return Err(Whole::Failed("the subset's glyph ids have gaps".into()));
    }
    let old: Vec<u32> = keep.into_iter().map(|(_, old)| old).collect();
    let cff = cff::subset(table, &old).map_err(Whole::Failed)?;
    let font = FontRef::new(subset).map_err(|e| Whole::Failed(e.to_string()))?;
    let mut builder = FontBuilder::new();
    builder.add_raw(read_fonts::tables::cff::Cff::TAG, cff);
    builder.copy_missing_tables(font);
    Ok(builder.build())
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
        let small = subset(&whole, 0, &chars).unwrap();
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
        let small = subset(&whole, 0, &chars).unwrap();
        let glyphs = |b: &[u8]| FontRef::new(b).unwrap().maxp().unwrap().num_glyphs();
        // Three letters map to three glyphs; their initial, medial and final forms come on top.
        assert!(glyphs(&small) > 6, "{} glyphs", glyphs(&small));
        assert!(FontRef::new(&small).unwrap().gsub().is_ok());
    }

    #[test]
    fn a_cff_font_is_subset_to_its_characters() {
        let whole = font("NotoSerifCJKsc-Regular-subset.otf");
        let chars: BTreeSet<char> = "中文报告，。「」".chars().collect();
        let small = subset(&whole, 0, &chars).unwrap();
        assert!(small.len() * 20 < whole.len(), "{} of {}", small.len(), whole.len());
        for c in &chars {
            assert!(glyph_of(&small, *c).is_some(), "{c} lost");
        }
        assert!(glyph_of(&small, '国').is_none());
        let f = FontRef::new(&small).unwrap();
        assert!(f.cff().is_ok() && f.gsub().is_ok() && f.gpos().is_ok() && f.vmtx().is_ok());
        // The outlines are the original ones: the subroutines the glyphs call were kept.
        for c in &chars {
            assert_eq!(outline_box(&small, *c), outline_box(&whole, *c), "{c}");
        }
        // The licence and the family name travel with the subset.
        let names: Vec<u16> = f.name().unwrap().name_record().iter().map(|r| r.name_id().to_u16()).collect();
        assert!(names.contains(&1) && names.contains(&13), "{names:?}");
    }

    fn outline_box(bytes: &[u8], c: char) -> String {
        use read_fonts::ps::cff::CffFontRef;
        let f = FontRef::new(bytes).unwrap();
        let gid = f.cmap().unwrap().map_codepoint(c).unwrap();
        let cff = CffFontRef::new(f.cff().unwrap().offset_data().as_bytes(), 0, None).unwrap();
        let sub = cff.subfont(cff.subfont_index(gid).unwrap(), &[]).unwrap();
        format!("{:?}", cff.extents(&sub, gid, &[], None).unwrap().unwrap())
    }

    #[test]
    fn a_face_of_a_collection_comes_out_as_a_font_of_its_own() {
        let ttc = font("wqy-microhei.ttc");
        for index in [0, 1] {
            let small = subset(&ttc, index, &"中文".chars().collect()).unwrap();
            assert!(FontRef::new(&small).is_ok(), "face {index}");
            assert!(glyph_of(&small, '中').is_some());
        }
        assert!(matches!(subset(&ttc, 9, &"中".chars().collect()), Err(Whole::Failed(m)) if m.starts_with("face 9")));
    }

    #[test]
    fn a_face_taken_out_of_a_collection_is_the_same_face_and_can_be_subset() {
        let ttc = font("wqy-microhei.ttc");
        for index in [0, 1] {
            let single = face(&ttc, index).unwrap();
            let (a, b) = (FontRef::new(&single).unwrap(), FontRef::from_index(&ttc, index).unwrap());
            assert_eq!(a.table_directory.num_tables(), b.table_directory.num_tables());
            assert_eq!(glyph_of(&single, '中'), b.cmap().unwrap().map_codepoint('中').map(|g| g.to_u32()));
            assert!(glyph_of(&subset(&single, 0, &"中".chars().collect()).unwrap(), '中').is_some());
        }
        assert!(matches!(face(&ttc, 7), Err(Whole::Failed(m)) if m.starts_with("face 7")));
    }
}
