//! Typography per script (issue 16): language spans written as `[text]{lang=en}`, emphasis as each
//! script sets it (no synthetic slant), the Chinese Song face embedded in PDF and EPUB, CJK line
//! breaking, and the punctuation Spotlight writes in each language. Fixture: tests/fixtures/scripts
//! (en, ar, he, zh) with the repository's fonts.

use std::fs;
use std::process::Command;

use crate::common::{self, Project, epubcheck, fixture, pdf_text, tool_available, unzip};

/// The scripts fixture with the repository's fonts.
fn with_fonts() -> Project {
    let p = Project::copy_of(&fixture("scripts"));
    let fonts = common::repo().join("fonts");
    fs::create_dir_all(p.path().join("fonts")).unwrap();
    for entry in fs::read_dir(&fonts).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), p.path().join("fonts").join(entry.file_name())).unwrap();
    }
    p
}

/// The scripts fixture with the repository's fonts, built in both formats.
fn built() -> Project {
    let p = with_fonts();
    p.run(&["build", "--deny-warnings"]).expect_code(0);
    p
}

/// One file of an EPUB, as text.
fn page(p: &Project, epub: &str, name: &str) -> String {
    let files = unzip(&p.dist(epub));
    let (_, bytes, _) = files.iter().find(|(n, _, _)| n.ends_with(name)).unwrap_or_else(|| panic!("{name} in {epub}"));
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn spans_and_emphasis_follow_each_script_in_the_epub() {
    let p = built();
    let ar = page(&p, "scripts-ar.epub", "01-chapter.xhtml");
    assert!(
        ar.contains("<span lang=\"en\" xml:lang=\"en\" dir=\"ltr\">the <em>Global Compact</em> for Migration</span>"),
        "the English span, its emphasis italic: {ar}"
    );
    assert!(ar.contains("<em class=\"bold\">المنتدى الأول</em>"), "Arabic emphasis is bold: {ar}");
    assert!(ar.contains("(IMRF)"), "{ar}");
    let he = page(&p, "scripts-he.epub", "01-chapter.xhtml");
    assert!(he.contains("<em class=\"bold\">"), "Hebrew emphasis is bold: {he}");
    let zh = page(&p, "scripts-zh.epub", "01-chapter.xhtml");
    assert!(zh.contains("<em class=\"dots-under\">国际移民审查论坛</em>"), "Chinese emphasis dots: {zh}");
    assert!(zh.contains("<span lang=\"en\" xml:lang=\"en\" dir=\"ltr\">the Global Compact</span>"), "{zh}");
    let en = page(&p, "scripts-en.epub", "01-chapter.xhtml");
    assert!(en.contains("The <em>first</em>"), "Latin emphasis stays italic: {en}");
    // The stylesheet sets each convention and forbids synthetic slants.
    let css = page(&p, "scripts-zh.epub", "epub.css");
    for rule in ["font-synthesis: weight", "em.bold", "em.dots-under", "-epub-text-emphasis: filled dot"] {
        assert!(css.contains(rule), "{rule} in {css}");
    }
}

#[test]
fn the_chinese_epub_embeds_its_song_face_and_passes_epubcheck() {
    let p = built();
    let opf = page(&p, "scripts-zh.epub", "content.opf");
    for face in ["NotoSerifCJKsc-Regular-subset.otf", "NotoSerifCJKsc-Bold-subset.otf"] {
        let item = opf.lines().find(|l| l.contains(face)).unwrap_or_else(|| panic!("{face} in {opf}"));
        assert!(item.contains("media-type=\"font/otf\""), "{item}");
    }
    let css = page(&p, "scripts-zh.epub", "epub.css");
    assert!(css.contains("NotoSerifCJKsc-Regular-subset.otf") && css.contains("unicode-range"), "{css}");
    // The CJK faces (CFF outlines) are subset to the edition's characters like the Latin ones.
    let size = fs::metadata(p.dist("scripts-zh.epub")).unwrap().len();
    assert!(size < 1_000_000, "the Chinese EPUB is {size} bytes");
    // The Arabic EPUB embeds no CJK face.
    let ar = page(&p, "scripts-ar.epub", "content.opf");
    assert!(!ar.contains("CJK"), "{ar}");
    for lang in ["zh", "ar", "he"] {
        if let Some((clean, report)) = epubcheck(&p.dist(&format!("scripts-{lang}.epub"))) {
            assert!(clean, "{lang}: {report}");
        }
    }
}

#[test]
fn the_chinese_pdf_is_set_in_a_song_face_with_a_real_bold_and_breaks_lines_by_cjk_rules() {
    if !tool_available("pdffonts") {
        return;
    }
    let p = built();
    let path = p.dist("scripts-zh.pdf");
    let out = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8_lossy(&out.stdout).into_owned();
    for face in ["NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold"] {
        let row = fonts.lines().find(|l| l.contains(face)).unwrap_or_else(|| panic!("{face} not in\n{fonts}"));
        assert!(row.split_whitespace().rev().nth(4) == Some("yes"), "{face} not embedded: {row}");
    }
    assert!(!fonts.contains("WenQuanYi"), "every character is in the Song subset: {fonts}");
    let text = pdf_text(&path);
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(lines.iter().any(|l| l.starts_with("一段") || l.contains("换行")), "{text}");
    for line in &lines {
        assert!(
            !line.starts_with(['，', '。', '、', '；', '：', '？', '！', '）', '”', '’', '》', '」']),
            "a line opens with closing punctuation: {line}"
        );
    }
}

#[test]
fn a_span_with_a_bad_language_tag_is_an_error_at_its_line() {
    let p = Project::with_chapter("# T\n\nSome text\nand [a phrase]{lang=english} here.\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(err.contains("error: `english` is not a registered language"), "{err}");
    assert!(err.contains("chapters/en/01-chapter.md:4:14"), "{err}");
    assert!(err.contains("hint: write `en`"), "{err}");
}

#[test]
fn generated_punctuation_and_the_report_site_link_follow_each_edition() {
    let p = Project::report();
    p.run(&["build", "--format", "epub", "--lang", "zh", "--lang", "ar", "--lang", "en"]).expect_code(0);
    let zh = page(&p, "imrf-spotlight-zh.epub", "titlepage.xhtml");
    assert!(zh.contains("<li>采访者：<strong>"), "{zh}");
    assert!(zh.contains("</strong></a>，政策主任，国际天主教移民委员会（ICMC）</li>"), "{zh}");
    let ar = page(&p, "imrf-spotlight-ar.epub", "titlepage.xhtml");
    assert!(ar.contains("</strong></a>، مدير السياسات، اللجنة الكاثوليكية الدولية للهجرة (ICMC)</li>"), "{ar}");
    let en = page(&p, "imrf-spotlight-en.epub", "01-introduction.xhtml");
    assert!(
        en.contains("href=\"http://www.spotlightreportmigration.org\""),
        "the English edition links the site: {en}"
    );
}

/// The scripts fixture with a bibliography and citations written in Arabic and Chinese text.
fn with_citations() -> Project {
    let p = with_fonts();
    let report = fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{report}bibliography:\n  style: chicago-author-date\n"));
    p.write(
        "bibliography/works.yaml",
        "oecd2021:\n  type: report\n  title: الهجرة الدولية\n  author: منظمة التعاون\n  date: 2021\n\
         un2018:\n  type: report\n  title: الميثاق العالمي\n  author: الأمم المتحدة\n  date: 2018\n\
         wang2020:\n  type: book\n  title: 移民研究\n  author: 王\n  date: 2020\n\
         li2019:\n  type: book\n  title: 全球契约\n  author: 李\n  date: 2019\n",
    );
    let ar = fs::read_to_string(p.path().join("chapters/ar/01-chapter.md")).unwrap();
    p.write(
        "chapters/ar/01-chapter.md",
        format!(
            "{ar}\nكما ورد في التقرير [انظر @oecd2021, ص. 12; @un2018].\n\n\
             تأسست Friedrich-Ebert-Stiftung e.V. عام 1925، وكُتبت الأداة بلغة C++ والرقم +49 30 269935 في برلين.\n"
        ),
    );
    let zh = fs::read_to_string(p.path().join("chapters/zh/01-chapter.md")).unwrap();
    p.write("chapters/zh/01-chapter.md", format!("{zh}\n正如研究所示[@wang2020, 第12页; @li2019]。\n"));
    p.run(&["build", "--lang", "ar", "--lang", "zh", "--format", "epub", "--format", "html", "--format", "pdf"])
        .expect_code(0);
    p
}

/// The text of a web page of the edition.
fn web_page(p: &Project, lang: &str, name: &str) -> String {
    fs::read_to_string(p.path().join("dist/scripts").join(lang).join(name)).unwrap()
}

#[test]
fn citations_in_arabic_and_chinese_text_take_the_edition_commas_and_semicolons() {
    let p = with_citations();
    let ar = page(&p, "scripts-ar.epub", "01-chapter.xhtml");
    let web = web_page(&p, "ar", "01-chapter.html");
    for text in [&ar, &web] {
        let cite = text.split("كما ورد في التقرير").nth(1).unwrap_or_else(|| panic!("{text}"));
        let cite = &cite[..cite.find("</p>").unwrap()];
        assert!(
            cite.contains("\u{060C} ص. 12") || cite.contains("\u{060C} ص."),
            "the Arabic comma before the locator: {cite}"
        );
        assert!(cite.contains("\u{061B} "), "the Arabic semicolon between works: {cite}");
        assert!(!cite.contains(", ") && !cite.contains("; "), "no Latin delimiter: {cite}");
    }
    let zh = page(&p, "scripts-zh.epub", "01-chapter.xhtml");
    let cite = zh.split("正如研究所示").nth(1).unwrap();
    let cite = &cite[..cite.find("</p>").unwrap()];
    assert!(cite.contains('\u{FF1B}') && cite.contains('\u{FF0C}'), "full-width semicolon and comma: {cite}");
    if tool_available("pdftotext") {
        let text = pdf_text(&p.dist("scripts-zh.pdf"));
        assert!(text.contains('\u{FF1B}'), "the PDF too: {text}");
    }
}

#[test]
fn latin_runs_whose_ends_the_bidi_algorithm_would_move_are_isolated_in_arabic_text() {
    let p = with_citations();
    let ar = page(&p, "scripts-ar.epub", "01-chapter.xhtml");
    let web = web_page(&p, "ar", "01-chapter.html");
    for text in [&ar, &web] {
        for run in ["Friedrich-Ebert-Stiftung e.V.", "C++", "+49 30 269935"] {
            assert!(text.contains(&format!("<span dir=\"ltr\">{run}</span>")), "{run} isolated: {text}");
        }
        // An acronym in brackets is set right by the algorithm and stays as written.
        assert!(text.contains("الدولية (IMRF) الأول"), "{text}");
    }
    if let Some((clean, report)) = epubcheck(&p.dist("scripts-ar.epub")) {
        assert!(clean, "{report}");
    }
}
