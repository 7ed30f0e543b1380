//! The differences from Pandoc's citeproc that remain on the oracle corpus, each with its reason.
//! This file owns the list only; the comparison lives in `mod.rs`. Measured after issue 15's
//! fixes: every remaining difference is a hayagriva limitation or a locale difference, named in
//! its reason.

/// A difference from Pandoc that is known and explained: the styles and editions it shows in
/// (`*` for all), the units, each named, never `*` (`forms:12` is the 12th paragraph of 01-forms,
/// `ref:key` a reference entry), and why it differs.
pub struct Known {
    pub styles: &'static str,
    pub langs: &'static str,
    pub units: &'static str,
    pub reason: &'static str,
}

/// Every difference Spotlight still has from Pandoc's citeproc on the corpus.
pub const KNOWN: &[Known] = &[
    Known {
        styles: "chicago-author-date",
        langs: "en de",
        units: "forms:25 notes:11",
        reason: "hayagriva applies no page-range-format to locators (212–214); citeproc shortens them as the style asks (212–14)",
    },
    Known {
        styles: "chicago-author-date",
        langs: "en",
        units: "ref:brown2016wages",
        reason: "hayagriva's title case keeps \"among\" lowercase; citeproc capitalises it (\"Among\"), as CSL's stop-word list asks; hayagriva prints a space before the colon of volume: pages (\"41 : 210\") in chicago-author-date",
    },
    Known {
        styles: "chicago-author-date",
        langs: "de fr",
        units: "ref:brown2016wages",
        reason: "hayagriva prints a space before the colon of volume: pages (\"41 : 210\") in chicago-author-date",
    },
    Known {
        styles: "chicago-author-date",
        langs: "de fr",
        units: "ref:ilo2019protect",
        reason: "hayagriva's de-DE/fr-FR locales abbreviate the number term (Nr., nᵒ) where Pandoc's locales print No.",
    },
    Known {
        styles: "chicago-author-date",
        langs: "fr",
        units: "forms:22 forms:23 forms:42",
        reason: "hayagriva's fr-FR locale has no page-range-delimiter: ranges print an en dash where Pandoc's locale gives a non-breaking hyphen (U+2011)",
    },
    Known {
        styles: "chicago-author-date",
        langs: "fr",
        units: "forms:25 notes:11",
        reason: "hayagriva applies no page-range-format to locators (212–214); citeproc shortens them as the style asks (212–14); hayagriva's fr-FR locale has no page-range-delimiter: ranges print an en dash where Pandoc's locale gives a non-breaking hyphen (U+2011)",
    },
    Known {
        styles: "ieee",
        langs: "fr",
        units: "forms:22 forms:23 forms:25 forms:42 notes:11",
        reason: "hayagriva's fr-FR locale has no page-range-delimiter: ranges print an en dash where Pandoc's locale gives a non-breaking hyphen (U+2011)",
    },
    Known {
        styles: "ieee",
        langs: "fr",
        units: "forms:27",
        reason: "fr-FR: § is read as section (Sect.), Pandoc's locale reads it as the paragraph sign (Paragr.)",
    },
    Known {
        styles: "ieee",
        langs: "fr",
        units: "forms:33",
        reason: "ieee fr-FR: hayagriva capitalises the folio label (Fᵒ) where citeproc keeps it lowercase",
    },
    Known {
        styles: "chicago-notes",
        langs: "en",
        units: "forms:11 forms:28 forms:40 ref:brown2016wages",
        reason: "hayagriva's title case keeps \"among\" lowercase; citeproc capitalises it (\"Among\"), as CSL's stop-word list asks",
    },
    Known {
        styles: "chicago-notes",
        langs: "en",
        units: "forms:25 notes:11",
        reason: "hayagriva's title case keeps \"among\" lowercase; citeproc capitalises it (\"Among\"), as CSL's stop-word list asks; hayagriva applies no page-range-format to locators (212–214); citeproc shortens them as the style asks (212–14)",
    },
    Known {
        styles: "chicago-notes",
        langs: "en de fr",
        units: "forms:26 forms:43 notes:3",
        reason: "chicago-notes: hayagriva prints a report's number in short notes (\"Working Paper 42\"); citeproc omits it",
    },
    Known {
        styles: "chicago-notes",
        langs: "de",
        units: "forms:3 forms:7",
        reason: "hayagriva's de-DE locale abbreviates editor as \"hrsg. von\", Pandoc's as \"hg. von\"",
    },
    Known {
        styles: "chicago-notes",
        langs: "de fr",
        units: "forms:4 ref:ilo2019protect",
        reason: "hayagriva's de-DE/fr-FR locales abbreviate the number term (Nr., nᵒ) where Pandoc's locales print No.",
    },
    Known {
        styles: "chicago-notes",
        langs: "de",
        units: "forms:25 notes:11",
        reason: "hayagriva applies no page-range-format to locators (212–214); citeproc shortens them as the style asks (212–14)",
    },
    Known {
        styles: "chicago-notes",
        langs: "fr",
        units: "forms:22 forms:23 forms:42",
        reason: "hayagriva's fr-FR locale has no page-range-delimiter: ranges print an en dash where Pandoc's locale gives a non-breaking hyphen (U+2011)",
    },
    Known {
        styles: "chicago-notes",
        langs: "fr",
        units: "forms:25 notes:11",
        reason: "hayagriva applies no page-range-format to locators (212–214); citeproc shortens them as the style asks (212–14); hayagriva's fr-FR locale has no page-range-delimiter: ranges print an en dash where Pandoc's locale gives a non-breaking hyphen (U+2011)",
    },
];
