//! End to end: the text a machine reads back from each edition's PDF, with pdftotext and through
//! the tag tree (tests/e2e/common/tagtext.py, pypdf), as a share of the Markdown sentences; and
//! the language a run in another language is tagged with. It must not judge look or layout.

use std::fs;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::common::{Project, fixture, pdf_text, pypdf_available, repo, tool_available};

/// Letters, marks, digits and brackets of `text` after NFC: what extraction must give back in
/// order; spacing, line-end hyphens, punctuation and bidi controls are left out.
fn letters(text: &str) -> String {
    text.nfc()
        .filter(|c| c.is_alphanumeric() || is_combining_mark(*c) || "()[]".contains(*c))
        .filter(|c| *c != '\u{640}')
        .collect()
}

/// The sentences of a chapter's Markdown, markup stripped, each as `letters`; short ones skipped.
fn sentences(markdown: &str) -> Vec<String> {
    let body = markdown.strip_prefix("---\n").and_then(|r| r.split_once("\n---\n")).map_or(markdown, |(_, b)| b);
    let mut plain = String::new();
    for line in body.lines() {
        let line = line.trim_start_matches(['#', '>', ' ']);
        let line = line.strip_prefix("[!NOTE]").unwrap_or(line);
        plain.push_str(&strip_markup(line));
        plain.push('\n');
    }
    let mut out = Vec::new();
    for para in plain.split("\n\n") {
        let mut current = String::new();
        let mut chars = para.chars().peekable();
        while let Some(c) = chars.next() {
            current.push(c);
            let cjk = matches!(c, '。' | '！' | '？');
            let end = cjk || matches!(c, '.' | '!' | '?' | '؟') && chars.peek().is_none_or(|n| n.is_whitespace());
            if end || chars.peek().is_none() {
                let s = letters(&current);
                if s.chars().count() >= 12 {
                    out.push(s);
                }
                current.clear();
            }
        }
    }
    out
}

/// Drop citations, footnote marks, link targets and attribute blocks; keep link texts.
fn strip_markup(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(['[', '{', '(']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let close = match tail.as_bytes()[0] {
            b'[' => ']',
            b'{' => '}',
            _ => ')',
        };
        let skip = tail.starts_with("[@") || tail.starts_with("[^") || tail.starts_with('{') || out.ends_with(']');
        match tail.find(close) {
            Some(j) if skip => rest = &tail[j + 1..],
            Some(j) if tail.starts_with('[') => {
                out.push_str(&tail[1..j]);
                rest = &tail[j + 1..];
            }
            _ => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The sentences of an edition's numbered chapters.
fn edition_sentences(chapters: &Path) -> Vec<String> {
    let mut files: Vec<_> = fs::read_dir(chapters).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.file_name().unwrap().to_string_lossy().starts_with(|c: char| c.is_ascii_digit()));
    files.sort();
    files.iter().flat_map(|f| sentences(&fs::read_to_string(f).unwrap())).collect()
}

/// The share of `sentences` found, in order and whole, in `text`, and the first few missed.
fn recovery(sentences: &[String], text: &str) -> (f64, Vec<String>) {
    let hay = letters(text);
    let missed: Vec<String> = sentences.iter().filter(|s| !hay.contains(s.as_str())).cloned().collect();
    let rate = 1.0 - missed.len() as f64 / sentences.len().max(1) as f64;
    (rate, missed.into_iter().take(3).collect())
}

/// The PDF's text read through its structure tree (`--langs`: per marked content, lang TAB text).
fn tag_text(pdf: &Path, langs: bool) -> String {
    let flag = std::ffi::OsStr::new("--langs");
    let args: &[&std::ffi::OsStr] = if langs { &[flag, pdf.as_os_str()] } else { &[pdf.as_os_str()] };
    crate::common::py_script("tagtext.py", args)
}

/// The first place in `text` where one combining mark follows itself (a haraka or a point read
/// twice: no letter carries the same mark twice), with a little context.
fn doubled_mark(text: &str) -> Option<String> {
    let chars: Vec<char> = text.nfc().collect();
    let at = chars.windows(2).position(|w| w[0] == w[1] && is_combining_mark(w[0]))?;
    Some(chars[at.saturating_sub(12)..(at + 12).min(chars.len())].iter().collect())
}

/// Check one edition: pdftotext and the tag tree each give back at least 95% of the
/// sentences, and neither reads a mark twice.
fn check(project: &Project, slug: &str, lang: &str) {
    let pdf = project.dist(&format!("{slug}-{lang}.pdf"));
    let sentences = edition_sentences(&project.path().join("chapters").join(lang));
    assert!(sentences.len() >= 5, "{lang}: too few sentences to judge");
    let text = pdf_text(&pdf);
    let (rate, missed) = recovery(&sentences, &text);
    eprintln!("{lang}: pdftotext recovers {:.1}% of {} sentences", rate * 100.0, sentences.len());
    assert!(rate >= 0.95, "{lang}: pdftotext gives back {:.1}%; first missed: {missed:#?}", rate * 100.0);
    assert_eq!(doubled_mark(&text), None, "{lang}: pdftotext reads a mark twice");
    if pypdf_available() {
        let text = tag_text(&pdf, false);
        let (rate, missed) = recovery(&sentences, &text);
        eprintln!("{lang}: the tag tree recovers {:.1}%", rate * 100.0);
        assert!(rate >= 0.95, "{lang}: the tag tree gives back {:.1}%; first missed: {missed:#?}", rate * 100.0);
        assert_eq!(doubled_mark(&text), None, "{lang}: the tag tree reads a mark twice");
    }
}

/// The Hebrew and Arabic fixture, with the report's Hebrew and Arabic fonts.
fn rtl_fixture() -> Project {
    let p = Project::copy_of(&fixture("rtl"));
    for font in [
        "NotoSerifHebrew-Regular.ttf",
        "NotoSerifHebrew-Bold.ttf",
        "NotoNaskhArabic-Regular.ttf",
        "NotoNaskhArabic-Bold.ttf",
    ] {
        p.write(&format!("fonts/{font}"), fs::read(repo().join("fonts").join(font)).unwrap());
    }
    p
}

#[test]
fn every_shipped_edition_reads_back_in_logical_order() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    for lang in ["en", "fr", "es", "zh", "ar", "he"] {
        check(&p, "imrf-spotlight", lang);
    }
}

#[test]
fn hebrew_and_arabic_fixture_reads_back_without_duplicated_clusters() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = rtl_fixture();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    check(&p, "rtl", "he");
    check(&p, "rtl", "ar");
    // A letter with its haraka was exported twice (`يُ` read as `ُيُ`); a raised haraka was a
    // word of its own (`يُ عقد`) and a bracket beside a Latin run moved (`( )IMRF`).
    let text = pdf_text(&p.dist("rtl-ar.pdf"));
    assert!(!text.contains("ُيُ") && !text.contains("إعلاَنَ"), "duplicated cluster in:\n{text}");
    let read = letters(&text);
    for phrase in ["أن يُعقد منتدى", "الدولية (IMRF) الأول"] {
        assert!(read.contains(&letters(phrase)), "`{phrase}` out of order in:\n{text}");
    }
    let text = pdf_text(&p.dist("rtl-he.pdf"));
    let read = letters(&text);
    for phrase in ["ההגירה (IMRF) יתכנס", "בְּרֵאשִׁית בָּרָא אֱלֹהִים"] {
        assert!(read.contains(&letters(phrase)), "`{phrase}` out of order in:\n{text}");
    }
}

#[test]
fn a_run_in_another_language_is_tagged_with_its_language() {
    if !tool_available("pdftotext") || !pypdf_available() {
        return;
    }
    let p = rtl_fixture();
    p.run(&["build", "--lang", "ar", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    let root = p.path().join("dist/typst/ar");
    let chapter = root.join("chapters/ar/01-chapter.typ");
    let source = fs::read_to_string(&chapter).unwrap();
    // Until Markdown spans reach `Inline::Lang`, call the template's `lang-span` directly.
    let source = source.replace("الأول في", "الأول #lang-span(\"en\", none, ltr)[(United Nations, 2018)] في");
    fs::write(&chapter, source).unwrap();
    let out = p.path().join("lang.pdf");
    let fonts = repo().join("fonts");
    let args = ["typst", "--root", root.to_str().unwrap(), "--font-dir", fonts.to_str().unwrap(), "/main.typ"];
    p.run(&[&args[..], &["-o", out.to_str().unwrap()]].concat()).expect_code(0);
    let items = tag_text(&out, true);
    let tagged: String = items.lines().filter_map(|l| l.strip_prefix("en\t")).collect();
    assert!(letters(&tagged).contains("UnitedNations2018"), "English run not tagged en:\n{items}");
    let arabic = items.lines().filter(|l| l.contains("المتوقع")).collect::<Vec<_>>();
    assert!(!arabic.is_empty() && arabic.iter().all(|l| !l.starts_with("en\t")), "Arabic tagged en:\n{items}");
    let logical = letters(&tag_text(&out, false));
    assert!(logical.contains(&letters("الأول (United Nations, 2018) في نيويورك")), "brackets moved:\n{logical}");
}
