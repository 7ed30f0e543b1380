//! Property tests over generated Markdown: whatever a manuscript holds, lowering never panics, the
//! generated Typst parses with no error, and the XHTML is well-formed XML. Bounded (PROPTEST_CASES,
//! default 1500 cases) so CI runs it on every change; failures proptest ever found are kept in
//! proptest-regressions/ and replayed first.

use std::path::Path;

use proptest::prelude::*;
use spotlight::document::model::Edition;
use spotlight::formats::epub::xhtml;
use spotlight::formats::pdf::typst;
use spotlight::project::print::PrintSettings;

/// Markdown-ish text: markup characters, Typst and HTML syntax, Unicode from several scripts.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("> ".to_string()),
        Just("> [!NOTE] ".to_string()),
        Just("- ".to_string()),
        Just("1. ".to_string()),
        Just("- [ ] ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("```\n".to_string()),
        Just("[link](https://example.org/a_(b))".to_string()),
        Just("[x](#anchor)".to_string()),
        Just("[^n]".to_string()),
        Just("\n[^n]: note ".to_string()),
        Just("| a | b |\n|---|:-:|\n| c | d |\n".to_string()),
        Just("<span onclick=\"x\">".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("<!-- c -->".to_string()),
        Just("#read(\"/etc/passwd\")".to_string()),
        Just("$x^2$".to_string()),
        Just("@key [@key, p. 3] [-@a; @b]".to_string()),
        Just("<label>".to_string()),
        Just("// /* */".to_string()),
        Just("\\".to_string()),
        Just("&amp; &#0; &#x1F600;".to_string()),
        Just("**FES:** ".to_string()),
        Just("---\n".to_string()),
        "[a-zA-Z0-9 .,;:!?'\"()\\[\\]{}#$%&*+<=>@^_`|~/\\\\-]{0,12}",
        "[\\PC]{0,6}",
        "[\u{0600}-\u{06FF}\u{4E00}-\u{4E2F}\u{0000}-\u{001F}\u{200E}\u{202E}\u{FEFF}]{0,4}",
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1500),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_markdown_gives_parsable_typst_and_well_formed_xhtml(body in markdownish()) {
        let text = format!("# Title\n\n{body}\n");
        let (chapter, _diags) = spotlight::markdown::parse(Path::new("."), Path::new("chapters/en/01-f.md"), &text, "en");
        if let Some(chapter) = chapter {
            let edition = Edition { lang: "en".into(), chapters: vec![chapter], ..Edition::default() };
            for file in typst::render(&edition, &PrintSettings::default(), None, &Default::default()) {
                let root = ::typst::syntax::parse(&file.text);
                let errors = root.errors_and_warnings().0;
                prop_assert!(errors.is_empty(), "{}: {:?}\n{}", file.path, errors, file.text);
            }
            let images = xhtml::ImageMap::new();
            let page = xhtml::chapter(&edition, &edition.chapters[0], &images, &[]);
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            let parsed = roxmltree::Document::parse_with_options(&page, options);
            prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), page);
        }
    }

    #[test]
    fn french_and_arabic_typography_never_break_the_output(body in markdownish()) {
        for lang in ["fr", "ar", "he", "zh"] {
            let text = format!("# Titre\n\n{body}\n");
            let (chapter, _) = spotlight::markdown::parse(Path::new("."), Path::new("chapters/x/01-f.md"), &text, lang);
            if let Some(chapter) = chapter {
                let edition = Edition { lang: lang.into(), chapters: vec![chapter], ..Edition::default() };
                for file in typst::render(&edition, &PrintSettings::default(), None, &Default::default()) {
                    prop_assert!(::typst::syntax::parse(&file.text).errors_and_warnings().0.is_empty(), "{}", file.text);
                }
            }
        }
    }
}
