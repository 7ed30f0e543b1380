//! A technical guide in six languages (issue 22): editions en, ja, ko, ru, zh-CN and fr, with code
//! blocks holding CJK comments, tables, inline images and links to chapters by their unnumbered
//! file name. Fixture: tests/fixtures/guide, built with the repository's Latin fonts and Debian's
//! fonts-noto-cjk collections copied into its fonts/ folder (as the README tells a user to).
//! Checks: each CJK PDF embeds only its own language's glyph forms, body and code and headings;
//! code at 0.8 of the body size or more; no image above 600 ppi; links resolve; a wrong anchor's
//! hint names at most three anchors; Korean keeps words whole; French quotes around a link; a
//! partial build followed by a failing full build retracts the failed edition's old artifacts.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Project, fixture, repo, tool_available, unzip};

/// Where Debian's fonts-noto-cjk puts its collections.
const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto";

/// The collections the fixture names (Sans, Sans Mono and Serif CJK in one regular and one bold file each).
const CJK_FILES: &[&str] =
    &["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"];

/// The CJK collections, or `None` (a visible skip; a failure under CI) when fonts-noto-cjk is missing.
fn cjk_fonts() -> Option<Vec<PathBuf>> {
    let files: Vec<PathBuf> = CJK_FILES.iter().map(|f| Path::new(NOTO_CJK).join(f)).collect();
    if files.iter().all(|f| f.is_file()) {
        return Some(files);
    }
    if std::env::var_os("CI").is_some() {
        panic!("fonts-noto-cjk is required under CI (apt-get install fonts-noto-cjk)");
    }
    eprintln!("SKIPPED: fonts-noto-cjk is not installed (apt-get install fonts-noto-cjk)");
    None
}

/// The guide with its fonts in place, not yet built.
fn project() -> Option<Project> {
    let cjk = cjk_fonts()?;
    let p = Project::copy_of(&fixture("guide"));
    let fonts = p.path().join("fonts");
    fs::create_dir_all(&fonts).unwrap();
    for entry in fs::read_dir(repo().join("fonts")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("NotoSerif-") || name.starts_with("NotoSans-") || name == "OFL-Noto.txt" {
            fs::copy(entry.path(), fonts.join(&name)).unwrap();
        }
    }
    for file in cjk {
        fs::copy(&file, fonts.join(file.file_name().unwrap())).unwrap();
    }
    Some(p)
}

/// The guide, built in every edition and format with `--deny-warnings`.
fn built() -> Option<Project> {
    let p = project()?;
    p.run(&["build", "--deny-warnings"]).expect_code(0);
    Some(p)
}

/// The base font names `pdffonts` lists for a PDF.
fn pdf_fonts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts").arg(pdf).output().expect("pdffonts");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// One file of an EPUB, as text.
fn page(p: &Project, epub: &str, name: &str) -> String {
    let files = unzip(&p.dist(epub));
    let (_, bytes, _) = files.iter().find(|(n, _, _)| n.ends_with(name)).unwrap_or_else(|| panic!("{name} in {epub}"));
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn the_guide_builds_in_six_editions_named_by_their_full_tags() {
    let Some(p) = built() else { return };
    for lang in ["en", "ja", "ko", "ru", "zh-CN", "fr"] {
        for ext in ["pdf", "epub"] {
            assert!(p.dist(&format!("guide-{lang}.{ext}")).is_file(), "guide-{lang}.{ext}");
        }
    }
    let opf = page(&p, "guide-zh-CN.epub", "content.opf");
    assert!(opf.contains("<dc:language>zh-CN</dc:language>"), "{opf}");
    if tool_available("pdfinfo") {
        let out = Command::new("python3")
            .args(["-c", "import sys,pypdf; print(pypdf.PdfReader(sys.argv[1]).trailer['/Root'].get('/Lang'))"])
            .arg(p.dist("guide-zh-CN.pdf"))
            .output()
            .expect("python3");
        if out.status.success() {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "zh-CN", "the PDF carries the full tag");
        }
    }
}

#[test]
fn each_cjk_pdf_embeds_only_its_own_glyph_forms_for_body_headings_and_code() {
    let Some(p) = built() else { return };
    if !tool_available("pdffonts") {
        return;
    }
    let cases: &[(&str, &str, &[&str])] = &[
        ("zh-CN", "sc", &["CJKjp", "CJKkr", "CJKtc", "CJKhk"]),
        ("ko", "kr", &["CJKjp", "CJKsc", "CJKtc", "CJKhk"]),
        ("ja", "jp", &["CJKsc", "CJKkr", "CJKtc", "CJKhk"]),
    ];
    for (lang, own, foreign) in cases {
        let fonts = pdf_fonts(&p.dist(&format!("guide-{lang}.pdf")));
        for f in &fonts {
            assert!(!foreign.iter().any(|x| f.contains(x)), "{lang}: foreign CJK face {f} in {fonts:?}");
        }
        for role in
            [format!("NotoSerifCJK{own}-Regular"), format!("NotoSansCJK{own}-Bold"), format!("NotoSansMonoCJK{own}")]
        {
            assert!(fonts.iter().any(|f| f.contains(&role)), "{lang}: {role} (body, bold headings, code) in {fonts:?}");
        }
    }
}

/// Font sizes of the PDF's text runs: (size in pt, base font, text).
fn runs(pdf: &Path) -> Option<Vec<(f64, String, String)>> {
    if !crate::common::pypdf_available() {
        return None;
    }
    let text = crate::common::py_script("fontsizes.py", &[pdf.as_os_str()]);
    Some(
        text.lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                Some((parts.next()?.parse().ok()?, parts.next()?.to_string(), parts.next()?.to_string()))
            })
            .collect(),
    )
}

#[test]
fn code_is_set_at_least_at_0_8_of_the_body_size_in_its_language_face() {
    let Some(p) = built() else { return };
    for lang in ["en", "ja", "zh-CN", "ko"] {
        let Some(runs) = runs(&p.dist(&format!("guide-{lang}.pdf"))) else { return };
        // The body size is the size most text runs of the serif faces have.
        let mut sizes: Vec<i64> =
            runs.iter().filter(|r| r.1.contains("NotoSerif")).map(|r| (r.0 * 100.0) as i64).collect();
        sizes.sort();
        let body = sizes.chunk_by(|a, b| a == b).max_by_key(|c| c.len()).map_or(0.0, |c| c[0] as f64 / 100.0);
        let code: Vec<f64> =
            runs.iter().filter(|r| r.1.contains("Mono") && r.2.contains("addRecentDocument")).map(|r| r.0).collect();
        assert!(!code.is_empty(), "{lang}: the code block's text: {runs:?}");
        assert!((body - 10.5).abs() < 0.01, "{lang}: body text at 10.5 pt, got {body}");
        for size in code {
            assert!(size >= 0.8 * body, "{lang}: code at {size} pt against {body} pt body text");
        }
        if lang != "en" {
            // The comments of the code block are in the edition's own mono CJK face.
            let own = match lang {
                "ja" => "NotoSansMonoCJKjp",
                "ko" => "NotoSansMonoCJKkr",
                _ => "NotoSansMonoCJKsc",
            };
            assert!(runs.iter().any(|r| r.1.contains(own) && r.0 >= 0.8 * body), "{lang}: comments in {own}");
        }
    }
}

#[test]
fn inline_images_keep_their_natural_size_and_no_image_exceeds_600_ppi() {
    let Some(p) = built() else { return };
    if !tool_available("pdfimages") {
        return;
    }
    for lang in ["en", "ja", "ko", "zh-CN"] {
        let out = Command::new("pdfimages").arg("-list").arg(p.dist(&format!("guide-{lang}.pdf"))).output().unwrap();
        let list = String::from_utf8_lossy(&out.stdout).into_owned();
        let rows: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(rows.len(), 2, "{lang}: the dot and the diagram: {list}");
        for row in rows {
            let (x, y): (u32, u32) = (row[12].parse().unwrap(), row[13].parse().unwrap());
            assert!(x <= 600 && y <= 600, "{lang}: an image at {x}x{y} ppi: {list}");
            // Natural size: the diagram's 144 ppi and the dot's 72 ppi, not a thumbnail at thousands.
            assert!([72, 144].contains(&x), "{lang}: {x} ppi: {list}");
        }
    }
    let xhtml = page(&p, "guide-en.epub", "01-introduction.xhtml");
    assert_eq!(xhtml.matches("<img src=").count(), 2, "both images inline in the EPUB too: {xhtml}");
}

#[test]
fn a_chapter_linked_by_its_unnumbered_file_name_resolves() {
    let Some(p) = built() else { return };
    for lang in ["en", "ja", "ko", "zh-CN", "ru", "fr"] {
        let xhtml = page(&p, &format!("guide-{lang}.epub"), "01-introduction.xhtml");
        assert!(xhtml.contains("href=\"11-recent-documents.xhtml#ch-11-recent-documents\""), "{lang}: {xhtml}");
        assert!(xhtml.contains("href=\"11-recent-documents.xhtml#h-sec.add\""), "{lang}: {xhtml}");
        let back = page(&p, &format!("guide-{lang}.epub"), "11-recent-documents.xhtml");
        assert!(back.contains("href=\"01-introduction.xhtml#ch-01-introduction\""), "{lang}: {back}");
    }
}

#[test]
fn a_wrong_anchor_gets_at_most_three_suggestions_and_a_missing_chapter_its_closest() {
    let Some(p) = project() else { return };
    let chapter = p.path().join("chapters/en/01-introduction.md");
    let text = fs::read_to_string(&chapter).unwrap();
    let text = text.replace("recent-documents.md#sec:add", "recent-documents.md#zzzzzzzzzzzzzzzz");
    let text = text.replace("[Recent documents](recent-documents.md)", "[Recent documents](recent-document.md)");
    fs::write(&chapter, text).unwrap();
    let run = p.run(&["check", "--lang", "en"]);
    run.expect_code(1);
    let stderr = run.stderr();
    let hint = stderr
        .lines()
        .skip_while(|l| !l.contains("link to `#zzzzzzzzzzzzzzzz`"))
        .find(|l| l.contains("hint:"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(hint.matches("`#").count() <= 3 && hint.matches("`#").count() >= 1, "{hint}");
    assert!(stderr.contains("the closest chapter is `11-recent-documents.md`"), "{stderr}");
}

#[test]
fn korean_breaks_between_words_and_french_quotes_hug_the_link() {
    let Some(p) = built() else { return };
    let css = page(&p, "guide-ko.epub", "epub.css");
    assert!(css.contains("word-break: keep-all"), "{css}");
    let out = p.path().join("emit");
    p.run(&["build", "--lang", "ko", "--format", "pdf", "--emit", "typst", "--out", out.to_str().unwrap()])
        .expect_code(0);
    let typ = fs::read_to_string(out.join("typst/ko/chapters/ko/01-introduction.typ")).unwrap();
    assert!(typ.contains("#box[프레임워크는];"), "Korean words in unbreakable boxes: {typ}");
    if tool_available("pdftotext") {
        let text = crate::common::pdf_text(&p.dist("guide-ko.pdf"));
        for word in ["프레임워크는", "애플리케이션은"] {
            assert!(text.contains(word), "{word} whole in {text}");
        }
    }
    let fr = page(&p, "guide-fr.epub", "01-introduction.xhtml");
    assert!(fr.contains("Voir «\u{202F}<a"), "{fr}");
    assert!(fr.contains("les termes</a>\u{202F}»."), "{fr}");
    assert!(fr.contains("«\u{202F}<em>récent</em>\u{202F}»"), "{fr}");
    assert!(fr.contains("\u{202F}»\u{a0}gardent") || fr.contains("\u{202F}» gardent"), "{fr}");
}

#[test]
fn a_partial_build_keeps_earlier_records_so_a_failing_full_build_retracts() {
    let Some(p) = built() else { return };
    p.run(&["build", "--lang", "ja", "--format", "pdf"]).expect_code(0);
    let manifest = fs::read_to_string(p.dist("manifest.json")).unwrap();
    for artifact in ["guide-en.pdf", "guide-en.epub", "guide-ko.pdf", "guide-ja.pdf"] {
        assert!(manifest.contains(&format!("\"path\": \"{artifact}\"")), "{artifact} in {manifest}");
    }
    // Break the English edition: a link to an anchor that does not exist is an error.
    let chapter = p.path().join("chapters/en/11-recent-documents.md");
    let text = fs::read_to_string(&chapter).unwrap().replace("(introduction.md)", "(introduction.md#nowhere)");
    fs::write(&chapter, text).unwrap();
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert!(!p.dist("guide-en.pdf").exists(), "the failed edition's old PDF is retracted: {}", run.stderr());
    assert!(!p.dist("guide-en.epub").exists(), "{}", run.stderr());
    assert!(run.stderr().contains("removed `guide-en.pdf` from an earlier build"), "{}", run.stderr());
    assert!(p.dist("guide-ja.pdf").exists());
}

/// Where Debian's fonts-noto-color-emoji puts its font.
const EMOJI_FONT: &str = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

#[test]
fn an_emoji_font_sets_pictographs_only_in_both_formats() {
    let Some(p) = project() else { return };
    if !Path::new(EMOJI_FONT).is_file() {
        if std::env::var_os("CI").is_some() {
            panic!("fonts-noto-color-emoji is required under CI");
        }
        eprintln!("SKIPPED: fonts-noto-color-emoji is not installed");
        return;
    }
    fs::copy(EMOJI_FONT, p.path().join("fonts/NotoColorEmoji.ttf")).unwrap();
    let config = fs::read_to_string(p.path().join("report.yaml")).unwrap();
    fs::write(
        p.path().join("report.yaml"),
        config.replace("  scripts:\n", "  scripts:\n    emoji: [Noto Color Emoji]\n"),
    )
    .unwrap();
    let chapter = p.path().join("chapters/en/11-recent-documents.md");
    let text = fs::read_to_string(&chapter).unwrap().replace("# Recent documents", "# Recent documents \u{2705}");
    fs::write(&chapter, text).unwrap();
    let out = p.path().join("dist");
    p.run(&["build", "--lang", "en", "--deny-warnings", "--emit", "typst", "--out", out.to_str().unwrap()])
        .expect_code(0);
    let css = page(&p, "guide-en.epub", "epub.css");
    let face = css.split("@font-face").find(|f| f.contains("NotoColorEmoji.ttf")).unwrap_or_else(|| panic!("{css}"));
    assert!(face.contains("unicode-range: U+200D") && face.contains("U+1F000-1FAFF"), "{face}");
    assert!(!face.contains("U+0030") && !face.contains("U+0000"), "digits stay in the text face: {face}");
    let style = fs::read_to_string(out.join("typst/en/spotlight/style.typ")).unwrap();
    assert!(style.contains("(name: \"Noto Color Emoji\", covers: regex("), "{style}");
    if tool_available("pdffonts") {
        let fonts = pdf_fonts(&p.dist("guide-en.pdf"));
        assert!(fonts.iter().any(|f| f.contains("Emoji")) || fonts.iter().any(|f| f == "[none]"), "{fonts:?}");
    }
}

/// Whether `bytes` hold `text` as the UTF-16BE of a font's Windows name records.
fn has_name(bytes: &[u8], text: &str) -> bool {
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
}

#[test]
fn each_cjk_epub_embeds_its_own_regions_face_taken_out_of_the_collection_and_subset() {
    let Some(p) = built() else { return };
    for (lang, region, others) in
        [("ja", "JP", ["KR", "SC"]), ("ko", "KR", ["JP", "SC"]), ("zh-CN", "SC", ["JP", "KR"])]
    {
        let epub = format!("guide-{lang}.epub");
        let files = unzip(&p.dist(&epub));
        let fonts: Vec<&(String, Vec<u8>, _)> =
            files.iter().filter(|(n, _, _)| n.starts_with("OEBPS/fonts/")).collect();
        let cjk: Vec<_> = fonts.iter().filter(|(n, _, _)| n.contains("NotoSerifCJK-")).collect();
        assert!(
            !cjk.is_empty(),
            "{epub} embeds no Noto Serif CJK face: {:?}",
            fonts.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        let css = page(&p, &epub, ".css");
        for (name, bytes, _) in &cjk {
            let file = name.rsplit('/').next().unwrap();
            assert!(file.ends_with(".otf"), "{name} ships as a single font, not a collection");
            assert!(css.contains(file), "the stylesheet names {file}");
            assert!(has_name(bytes, &format!("Noto Serif CJK {region}")), "{name} is the {region} face");
            for other in others {
                assert!(!has_name(bytes, &format!("Noto Serif CJK {other}")), "{name} holds the {other} face too");
            }
            // A whole face is about 20 MB; the guide uses a few hundred characters.
            assert!(bytes.len() < 1_500_000, "{name}: {} bytes, not subset", bytes.len());
        }
    }
}
