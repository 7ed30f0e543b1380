//! End to end: every language edition builds in one run, in parallel; the Arabic, Hebrew and Chinese
//! PDFs embed their fonts and extract in logical order; right-to-left imprints keep Latin addresses
//! and telephone numbers in order; characters no font covers fail the build; translation status
//! tracks stale and missing chapters.

use crate::common;

use std::fs;
use std::process::Command;

use crate::common::{Project, ace, epubcheck, pdf_text, tool_available};

const LANGS: [&str; 6] = ["en", "fr", "es", "ar", "he", "zh"];

/// Text with bidi controls, joiners and all whitespace removed (pdftotext marks RTL runs).
fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn every_edition_builds_both_formats_and_every_epub_validates() {
    let p = Project::report();
    let run = p.run(&["build"]);
    run.expect_code(0);
    for lang in LANGS {
        for ext in ["pdf", "epub"] {
            let path = p.dist(&format!("imrf-spotlight-{lang}.{ext}"));
            assert!(path.is_file(), "{} missing", path.display());
        }
    }
    let checks: Vec<_> = LANGS
        .iter()
        .map(|lang| {
            let path = p.dist(&format!("imrf-spotlight-{lang}.epub"));
            std::thread::spawn(move || (path.clone(), epubcheck(&path)))
        })
        .collect();
    for check in checks {
        let (path, result) = check.join().unwrap();
        if let Some((clean, out)) = result {
            assert!(clean, "{}: epubcheck:\n{out}", path.display());
        }
    }
}

#[test]
fn right_to_left_and_cjk_epubs_pass_ace() {
    let p = Project::report();
    p.run(&["build", "--format", "epub", "--lang", "ar", "--lang", "he", "--lang", "zh", "--lang", "fr"])
        .expect_code(0);
    for lang in ["ar", "he", "zh", "fr"] {
        if let Some((passed, report)) = ace(&p.dist(&format!("imrf-spotlight-{lang}.epub"))) {
            assert!(passed, "{lang}: Ace found violations:\n{}", &report[..report.len().min(20_000)]);
        }
    }
}

#[test]
fn arabic_hebrew_and_chinese_pdfs_embed_their_fonts_and_extract_in_logical_order() {
    if !tool_available("pdffonts") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf", "--lang", "ar", "--lang", "he", "--lang", "zh"]).expect_code(0);
    for (lang, font) in
        [("ar", "NotoNaskhArabic-Regular"), ("he", "NotoSerifHebrew-Regular"), ("zh", "NotoSerifCJKsc-Regular")]
    {
        let path = p.dist(&format!("imrf-spotlight-{lang}.pdf"));
        let out = Command::new("pdffonts").arg(&path).output().unwrap();
        let fonts = String::from_utf8_lossy(&out.stdout).into_owned();
        let row = fonts.lines().find(|l| l.contains(font)).unwrap_or_else(|| panic!("{lang}: {font} not in\n{fonts}"));
        assert!(row.split_whitespace().rev().nth(4) == Some("yes"), "{lang}: {font} not embedded: {row}");
        // Logical order: phrases of the chapters appear in the extracted text as written.
        let text = plain(&pdf_text(&path));
        let chapter = fs::read_to_string(p.path().join(format!("chapters/{lang}/02-expectations.md"))).unwrap();
        let mut checked = 0;
        for para in chapter.split("\n\n").filter(|l| !l.starts_with(['#', '-', '>']) && !l.contains("[@")) {
            let para = para.rsplit(":**").next().unwrap();
            // pdftotext reorders combining marks: compare a run of words without them.
            let marked = |w: &&str| w.chars().any(|c| matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}'));
            let words: Vec<&str> = para.split_whitespace().collect();
            let run = words.split(marked).max_by_key(|r| r.len()).unwrap_or(&[]);
            let phrase = run.iter().take(8).copied().collect::<Vec<_>>().join(" ");
            if phrase.chars().count() < 8 {
                continue;
            }
            assert!(text.contains(&plain(&phrase)), "{lang}: `{phrase}` not found in logical order");
            checked += 1;
        }
        assert!(checked > 0, "{lang}: no phrase checked");
    }
}

#[test]
fn a_character_outside_every_font_fails_with_file_line_character_and_code_point() {
    let p = Project::with_chapter("# Glyphs\n\nFine text.\n\nAn Egyptian hieroglyph \u{13000} here.\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: no font can print '\u{13000}' (U+13000)\n  --> chapters/en/01-chapter.md:5:24\n  = hint: add a font that covers it to fonts/ and to `fonts` in report.yaml, or replace the character"
    );
    assert!(!p.dist("minimal-en.pdf").exists() && !p.dist("minimal-en.epub").exists());
}

#[test]
fn the_layout_check_catches_empty_boxes_the_text_check_cannot_see() {
    // Typst source written by hand (as an editor might compile the emitted Typst) goes through the
    // same export, whose frame scan refuses glyph id 0.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("main.typ"), "Box: \u{13000}\n").unwrap();
    let out = dir.path().join("out.pdf");
    let run = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["typst", "--root"])
        .arg(dir.path())
        .arg("--font-dir")
        .arg(common::repo().join("fonts"))
        .args(["/main.typ", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("no glyph for '\u{13000}' (U+13000)") && err.contains("main.typ:1:"), "{err}");
    assert!(!out.exists());
}

#[test]
fn editing_an_english_chapter_makes_it_stale_in_every_translation() {
    let p = Project::report();
    let status = |p: &Project| {
        let out = Command::new(env!("CARGO_BIN_EXE_spotlight"))
            .args(["status", "--format", "json", "--project"])
            .arg(p.path())
            .output()
            .unwrap();
        assert!(out.status.success());
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let before = status(&p);
    for edition in before["editions"].as_array().unwrap().iter().filter(|e| e["lang"] != "en") {
        for chapter in edition["chapters"].as_array().unwrap() {
            assert_eq!(chapter["state"], "translated", "{}: {}", edition["lang"], chapter["file"]);
        }
    }
    let path = p.path().join("chapters/en/03-pandemic.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("huge losses", "enormous losses")).unwrap();
    let after = status(&p);
    for edition in after["editions"].as_array().unwrap().iter().filter(|e| e["lang"] != "en") {
        let stale: Vec<&str> = edition["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["state"] == "stale")
            .map(|c| c["file"].as_str().unwrap())
            .collect();
        assert_eq!(stale, ["03-pandemic.md"], "{}", edition["lang"]);
    }
    let text =
        Command::new(env!("CARGO_BIN_EXE_spotlight")).args(["status", "--project"]).arg(p.path()).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("stale       03-pandemic.md"), "{text}");
    // The build warns, naming both files.
    let run = p.run(&["build", "--lang", "fr", "--format", "epub"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("warning: `chapters/fr/03-pandemic.md` is stale: `chapters/en/03-pandemic.md` changed after it was translated"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_missing_translation_fails_unless_allowed_and_then_shows_the_source_with_a_marker() {
    let p = Project::report();
    fs::remove_file(p.path().join("chapters/fr/06-discrimination.md")).unwrap();
    let run = p.run(&["build", "--lang", "fr"]);
    run.expect_code(1);
    assert!(run.stderr().contains("error: `chapters/en/06-discrimination.md` is not translated"), "{}", run.stderr());
    assert!(!p.dist("imrf-spotlight-fr.pdf").exists());

    let run = p.run(&["build", "--lang", "fr", "--allow-incomplete"]);
    run.expect_code(0);
    assert!(run.stderr().contains("warning: `chapters/en/06-discrimination.md` is not translated"), "{}", run.stderr());
    let entries = common::unzip(&p.dist("imrf-spotlight-fr.epub"));
    let chapter =
        String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/06-discrimination.xhtml").unwrap().1.clone())
            .unwrap();
    assert!(chapter.contains("lang=\"en\" xml:lang=\"en\""), "the source chapter keeps its language");
    let marker = fs::read_to_string(p.path().join("chapters/fr/edition.yaml")).unwrap();
    let untranslated =
        marker.lines().find_map(|l| l.trim().strip_prefix("untranslated:")).unwrap().trim().trim_matches('"');
    assert!(chapter.contains(untranslated.split('’').next().unwrap()), "marker missing:\n{chapter}");

    // A draft edition builds without the flag.
    let config = fs::read_to_string(p.path().join("chapters/fr/edition.yaml")).unwrap();
    fs::write(p.path().join("chapters/fr/edition.yaml"), config.replace("status: complete", "status: draft")).unwrap();
    p.run(&["build", "--lang", "fr", "--format", "pdf"]).expect_code(0);
}

#[test]
fn french_and_chinese_typography_follow_their_language() {
    let p = Project::report();
    p.run(&["build", "--format", "epub", "--lang", "fr", "--lang", "zh"]).expect_code(0);
    let entries = common::unzip(&p.dist("imrf-spotlight-fr.epub"));
    let fr = String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/02-expectations.xhtml").unwrap().1.clone())
        .unwrap();
    assert!(fr.contains("FES\u{A0}:"), "French speaker colon");
    assert!(fr.contains("\u{202F}?"), "narrow no-break space before ?");
    assert!(!fr.contains(" ?"), "no plain space before ?");
    let entries = common::unzip(&p.dist("imrf-spotlight-zh.epub"));
    let zh =
        String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/03-pandemic.xhtml").unwrap().1.clone()).unwrap();
    assert!(zh.contains("FES\u{FF1A}"), "full-width colon after the speaker");
}

#[test]
fn one_failing_edition_does_not_stop_the_others() {
    let p = Project::report();
    let path = p.path().join("chapters/es/03-pandemic.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n![missing](nowhere.png)\n")).unwrap();
    let run = p.run(&["build", "--format", "pdf"]);
    run.expect_code(1);
    assert!(run.stderr().contains("--> chapters/es/03-pandemic.md:"), "{}", run.stderr());
    for lang in ["en", "fr", "ar", "he", "zh"] {
        assert!(p.dist(&format!("imrf-spotlight-{lang}.pdf")).is_file(), "{lang} still built");
    }
    assert!(!p.dist("imrf-spotlight-es.pdf").exists());
}

#[test]
fn right_to_left_imprints_keep_latin_addresses_and_telephone_numbers_in_their_own_order() {
    let p = Project::report();
    p.run(&["build", "--lang", "ar", "--lang", "he"]).expect_code(0);
    for lang in ["ar", "he"] {
        let entries = common::unzip(&p.dist(&format!("imrf-spotlight-{lang}.epub")));
        let colophon =
            String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/colophon.xhtml").unwrap().1.clone()).unwrap();
        assert!(colophon.contains("<bdi>6 bis, Chemin du Point-du-Jour</bdi>"), "{lang}: {colophon}");
        if !tool_available("pdftotext") {
            continue;
        }
        // Without isolation the line reads `bis, Chemin du Point-du-Jour 6` and `50 34 733 22(0) 41+`.
        let text = pdf_text(&p.dist(&format!("imrf-spotlight-{lang}.pdf")));
        let lines: Vec<String> = text.lines().map(plain).collect();
        for line in ["6 bis, Chemin du Point-du-Jour", "1202 Geneva", "+41 (0)22 733 34 50"] {
            assert!(lines.contains(&plain(line)), "{lang}: `{line}` not a line of\n{text}");
        }
    }
}
