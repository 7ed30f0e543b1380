//! End to end: generated labels follow the edition's language (shipped labels for German and
//! Portuguese, regional tags falling back to their language), a language without shipped labels
//! warns per key, the accessibility summary tells the truth about images, and language tags that
//! are not registered BCP 47 fail as configuration errors with a suggestion.

use std::collections::BTreeMap;

use crate::common::{Project, fixture, pdf_text, squash, tool_available, unzip};

/// Every text file of an EPUB by name.
fn epub_files(p: &Project, name: &str) -> BTreeMap<String, String> {
    unzip(&p.dist(name)).into_iter().map(|(n, b, _)| (n, String::from_utf8_lossy(&b).into_owned())).collect()
}

fn all_text(files: &BTreeMap<String, String>) -> String {
    files
        .iter()
        .filter(|(n, _)| n.ends_with(".xhtml") || n.ends_with(".opf") || n.ends_with(".ncx"))
        .map(|(_, t)| t.as_str())
        .collect()
}

#[test]
fn german_and_portuguese_editions_without_strings_print_their_own_labels() {
    let p = Project::copy_of(&fixture("languages"));
    let run = p.run(&["build"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("warning:"), "{}", run.stderr());
    for (lang, labels, credit) in [
        ("de", ["Inhalt", "Impressum", "Herausgegeben von"], "Originalsprache: Englisch. Übersetzung: Ada Muster."),
        ("de-AT", ["Inhalt", "Impressum", "Herausgegeben von"], "Originalsprache: Englisch. Übersetzung: Ada Muster."),
        ("pt-BR", ["Sumário", "Ficha técnica", "Publicado por"], "Traduzido do inglês."),
    ] {
        let files = epub_files(&p, &format!("languages-{lang}.epub"));
        let text = all_text(&files);
        for english in
            [">Contents<", ">Cover<", "Cover:", "Landmarks", "Title page", "Imprint", "Published by", "Translated"]
        {
            let at = text.find(english).map(|i| &text[i.saturating_sub(80)..i + 20]);
            assert!(at.is_none(), "{lang} EPUB says {english}: {at:?}");
        }
        for label in labels {
            assert!(text.contains(label), "{lang} EPUB lacks {label}");
        }
        assert!(text.contains(credit), "{lang} EPUB lacks the credit {credit}");
        let opf = &files["OEBPS/content.opf"];
        assert!(opf.contains(&format!("xml:lang=\"{lang}\"")), "{opf}");
        assert!(opf.contains(&format!("<dc:language>{lang}</dc:language>")), "{opf}");
        assert!(files["OEBPS/01-chapter.xhtml"].contains(&format!("lang=\"{lang}\" xml:lang=\"{lang}\"")));
        if tool_available("pdftotext") {
            let pdf = squash(&pdf_text(&p.dist(&format!("languages-{lang}.pdf"))));
            for label in labels.iter().chain([&credit]) {
                assert!(pdf.contains(&squash(label)), "{lang} PDF lacks {label}: {pdf}");
            }
            assert!(!pdf.contains("Contents") && !pdf.contains("Imprint"), "{lang} PDF: {pdf}");
        }
    }
    let de = epub_files(&p, "languages-de.epub");
    let nav = &de["OEBPS/nav.xhtml"];
    for landmark in ["Orientierungspunkte", "Umschlag", "Titelseite"] {
        assert!(nav.contains(landmark), "{nav}");
    }
    assert!(de["OEBPS/01-chapter.xhtml"].contains("aria-label=\"Zurück zur Anmerkung 1 im Text\""));
    assert!(de["OEBPS/content.opf"].contains(
        "<meta property=\"schema:accessibilitySummary\">Text mit einer Überschrift für jedes Kapitel und einem \
         Inhaltsverzeichnis. Keine Gefahren. Die Seitenzahlen der Druckausgabe sind markiert, und ein \
         Seitenverzeichnis führt zu jeder von ihnen. Fußnoten sind in beide Richtungen mit ihren Verweisen \
         verlinkt.</meta>"
    ));
}

#[test]
fn the_accessibility_summary_mentions_footnotes_only_when_the_edition_has_some() {
    let p = Project::report();
    p.run(&["build", "--lang", "en", "--lang", "fr", "--format", "epub"]).expect_code(0);
    for (lang, footnotes) in [("en", "Footnotes"), ("fr", "notes de bas de page")] {
        let files = unzip(&p.dist(&format!("imrf-spotlight-{lang}.epub")));
        let (_, opf, _) = files.iter().find(|(n, _, _)| n.ends_with("content.opf")).unwrap();
        let opf = String::from_utf8_lossy(opf);
        let summary = opf.split("accessibilitySummary\">").nth(1).unwrap().split('<').next().unwrap();
        // The report has no footnotes (its notes are references in the text).
        assert!(!summary.contains(footnotes), "{lang}: {summary}");
    }
    let p = Project::with_chapter("# Title\n\nA claim.[^1]\n\n[^1]: Its source.\n");
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let files = unzip(&p.dist("minimal-en.epub"));
    let (_, opf, _) = files.iter().find(|(n, _, _)| n.ends_with("content.opf")).unwrap();
    assert!(String::from_utf8_lossy(opf).contains("Footnotes are linked to their references both ways."));
}

#[test]
fn a_regional_tag_reaches_typst_as_language_and_region() {
    let p = Project::copy_of(&fixture("languages"));
    p.run(&["build", "--lang", "de-AT", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    let main = std::fs::read_to_string(p.path().join("dist/typst/de-AT/main.typ")).unwrap();
    assert!(main.contains("  lang: \"de\",\n  region: \"AT\","), "{main}");
}

#[test]
fn a_language_without_shipped_labels_warns_per_missing_key() {
    let p = Project::copy_of(&fixture("languages"));
    let report = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", report.replace("editions: [en, de, de-AT, pt-BR]", "editions: [en, it]"));
    p.write("chapters/it/01-chapter.md", "---\nsource-hash: 90fffebd41b15fc6\n---\n# Un capitolo\n\nDel testo.\n");
    p.write("chapters/it/edition.yaml", "strings:\n  contents: Indice\ntranslation:\n  of: en\n  status: complete\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains(
            "warning: label `cover` has no `it` text; the English one is used\n  --> chapters/it/edition.yaml\n  = hint: add `cover: Cover` under `strings:` in chapters/it/edition.yaml, translated\n"
        ),
        "{err}"
    );
    assert!(err.contains("warning: label `translation-credit` has no `it` text"), "{err}");
    assert!(!err.contains("label `contents`"), "{err}");
    let per_key = err.matches("warning: label `").count();
    let english = include_str!("../../src/project/labels/en.yaml");
    let keys = english.lines().filter(|l| !l.starts_with('#') && l.contains(':')).count();
    assert_eq!(per_key, keys - 1, "{err}");
    let files = epub_files(&p, "languages-it.epub");
    assert!(files["OEBPS/nav.xhtml"].contains("<h1 id=\"toc-title\">Indice</h1>"));
    assert!(files["OEBPS/colophon.xhtml"].contains("Translated from English."));
}

#[test]
fn the_accessibility_summary_says_which_images_lack_a_text_alternative() {
    let p = Project::copy_of(&fixture("languages"));
    let png = std::fs::read(fixture("kitchen-sink/chapters/en/img/square.png")).unwrap();
    p.write("chapters/de/square.png", &png);
    p.write(
        "chapters/de/01-chapter.md",
        "---\nsource-hash: 90fffebd41b15fc6\n---\n# Ein Kapitel\n\n![Ein Quadrat](square.png) und ![](square.png)\n",
    );
    p.run(&["build", "--lang", "de", "--format", "epub"]).expect_code(0);
    let opf = &epub_files(&p, "languages-de.epub")["OEBPS/content.opf"];
    assert!(!opf.contains("alternativeText"), "{opf}");
    assert!(opf.contains("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>"), "{opf}");
    assert!(opf.contains("führt zu jeder von ihnen. Bilder ohne Alternativtext: 1 von 2.</meta>"), "{opf}");

    p.write(
        "chapters/de/01-chapter.md",
        "---\nsource-hash: 90fffebd41b15fc6\n---\n# Ein Kapitel\n\n![Ein Quadrat](square.png)\n",
    );
    p.run(&["build", "--lang", "de", "--format", "epub"]).expect_code(0);
    let opf = &epub_files(&p, "languages-de.epub")["OEBPS/content.opf"];
    assert!(opf.contains("<meta property=\"schema:accessibilityFeature\">alternativeText</meta>"), "{opf}");
    assert!(opf.contains("<meta property=\"schema:accessModeSufficient\">textual</meta>"), "{opf}");
    assert!(opf.contains("führt zu jeder von ihnen. Jedes Bild hat einen Alternativtext.</meta>"), "{opf}");
}

fn config_error(report_change: (&str, &str)) -> String {
    let p = Project::copy_of(&fixture("languages"));
    let report = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", report.replace(report_change.0, report_change.1));
    let run = p.run(&["build"]);
    run.expect_code(2);
    run.first_error()
}

#[test]
fn unregistered_or_malformed_language_tags_fail_with_a_suggestion() {
    assert_eq!(
        config_error(("language: en", "language: english")),
        "error: `english` is not a registered language\n  --> report.yaml:5:1\n  = hint: write `en`"
    );
    assert_eq!(
        config_error(("editions: [en, de,", "editions: [en, ger,")),
        "error: `ger` is not a registered language\n  --> report.yaml:6:1\n  = hint: write `de`"
    );
    assert_eq!(
        config_error(("editions: [en, de,", "editions: [en, xx,")),
        "error: `xx` is not a registered language\n  --> report.yaml:6:1\n  = hint: use an ISO 639 language code \
         (optionally with a script or region: `zh-Hans`, `pt-BR`); the closest known codes are en, fr, es, de, it"
    );
    assert_eq!(
        config_error(("pt-BR]", "EN_us]")),
        "error: `EN_us` is not a well-formed language tag (BCP 47): the given language subtag is invalid\n  --> report.yaml:6:1\n  = hint: write `en-US`"
    );
}

#[test]
fn a_bad_source_language_of_a_translation_or_on_the_command_line_fails() {
    let p = Project::copy_of(&fixture("languages"));
    p.write("chapters/de/edition.yaml", "translation:\n  of: eng\n  status: complete\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert_eq!(
        run.first_error(),
        "error: translation.of: `eng` is not a registered language\n  --> chapters/de/edition.yaml:2:5\n  = hint: write `en`"
    );
    let p = Project::copy_of(&fixture("languages"));
    let run = p.run(&["build", "--lang", "deutsch"]);
    run.expect_code(2);
    assert_eq!(
        run.first_error(),
        "error: --lang deutsch: `deutsch` is not a registered language\n  = hint: write `de`"
    );
}

#[test]
fn a_script_subtag_reaches_the_pdf_language_and_the_output_stays_byte_identical() {
    let p = Project::copy_of(&fixture("languages"));
    let report = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", report.replace("editions: [en, de, de-AT, pt-BR]", "editions: [en, sr-Latn, de-AT]"));
    p.write("chapters/sr-Latn/01-chapter.md", "---\nsource-hash: 90fffebd41b15fc6\n---\n# Poglavlje\n\nMalo teksta.\n");
    p.write("chapters/sr-Latn/edition.yaml", "translation:\n  of: en\n  status: complete\n");
    p.run(&["build", "--format", "pdf", "--no-cache"]).expect_code(0);
    let first = std::fs::read(p.dist("languages-sr-Latn.pdf")).unwrap();
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("/Lang(sr-Latn)"), "the catalog language");
    assert!(text.contains("<rdf:li>sr-Latn</rdf:li>"), "the XMP language");
    let de = std::fs::read(p.dist("languages-de-AT.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&de).contains("/Lang(de-AT)"));
    if tool_available("qpdf") {
        let out =
            std::process::Command::new("qpdf").arg("--check").arg(p.dist("languages-sr-Latn.pdf")).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    }
    p.run(&["build", "--format", "pdf", "--no-cache"]).expect_code(0);
    assert!(std::fs::read(p.dist("languages-sr-Latn.pdf")).unwrap() == first, "a second build writes the same bytes");
}
