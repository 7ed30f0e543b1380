//! The EPUB's page list against the PDF it follows: every page of the PDF has one entry, labelled
//! as the PDF labels it, and the text after each chapter page's marker begins with that page's own
//! text (read from the PDF with pypdf, running heads, folios and footnotes left out); the same with
//! page economy at work and in the print profile; the accessibility claim only when it holds.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{Project, ace, epubcheck, fixture, pypdf_available, squash, unzip};

const OPS: &str = "http://www.idpf.org/2007/ops";

/// Each page of a PDF: its label and the start of its body text.
fn pdf_pages(pdf: &Path) -> Vec<(String, String)> {
    crate::common::py_script("pagestarts.py", &[pdf.as_os_str()])
        .lines()
        .map(|l| {
            let (label, text) = l.split_once('\t').unwrap_or((l, ""));
            (label.to_string(), text.to_string())
        })
        .collect()
}

/// The text files of an EPUB by name.
fn epub_texts(epub: &Path) -> BTreeMap<String, String> {
    unzip(epub)
        .into_iter()
        .filter(|(n, _, _)| n.ends_with(".xhtml") || n.ends_with(".opf") || n.ends_with(".ncx"))
        .map(|(n, b, _)| (n.trim_start_matches("OEBPS/").to_string(), String::from_utf8(b).unwrap()))
        .collect()
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(xml, options).expect("well-formed XHTML")
}

/// The page list of a navigation document (or web index): `(href, label)` in order.
fn page_list(nav: &str) -> Vec<(String, String)> {
    let doc = parse(nav);
    let Some(list) = doc.descendants().find(|n| n.has_tag_name("nav") && n.attribute("role") == Some("doc-pagelist"))
    else {
        return Vec::new();
    };
    list.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|a| (a.attribute("href").unwrap().to_string(), a.text().unwrap_or("").to_string()))
        .collect()
}

/// The squashed text that follows the element `id` in a document, up to `n` characters.
fn text_after(xhtml: &str, id: &str, n: usize) -> String {
    let doc = parse(xhtml);
    let marker = doc.descendants().find(|e| e.attribute("id") == Some(id)).unwrap_or_else(|| panic!("no #{id}"));
    let text: String = doc
        .descendants()
        .filter(|t| t.is_text() && t.range().start > marker.range().start)
        .map(|t| t.text().unwrap_or(""))
        .collect();
    squash(&text).chars().take(n).collect()
}

/// Text for comparison: `squash`ed, without bidi controls and without Arabic and Hebrew marks
/// (text extraction emits a mark and its letter as two runs, in either order).
fn plain(text: &str) -> String {
    squash(text)
        .chars()
        .filter(|&c| !matches!(c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0x0591..=0x05C7 | 0x064B..=0x065F | 0x0670))
        .collect()
}

/// Whether every character of `some` is in `all`, as many times (a multiset inclusion).
fn letters_among(some: &str, all: &str) -> bool {
    let mut pool: Vec<char> = all.chars().collect();
    some.chars().all(|c| pool.iter().position(|&p| p == c).map(|i| pool.swap_remove(i)).is_some())
}

/// Compare an EPUB's page list with its PDF: one entry per page with the PDF's label, and for every
/// page that begins in a chapter, the text after its marker within the first words of the page.
/// Returns how many pages were compared by text.
/// The page list of an NCX (`pageList`): `(src, label)` in order, each target's playOrder after
/// every earlier one's and after the contents' last.
fn ncx_page_list(ncx: &str) -> Vec<(String, String)> {
    let doc = parse(ncx);
    let order = |n: roxmltree::Node| n.attribute("playOrder").and_then(|o| o.parse::<usize>().ok()).unwrap();
    let last_point = doc.descendants().filter(|n| n.has_tag_name("navPoint")).map(order).max().unwrap_or(0);
    let targets: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("pageTarget")).collect();
    let orders: Vec<usize> = targets.iter().map(|&n| order(n)).collect();
    assert!(orders.windows(2).all(|w| w[0] < w[1]) && orders.first().is_none_or(|&o| o > last_point), "{orders:?}");
    targets
        .iter()
        .map(|t| {
            let text = t.descendants().find(|n| n.has_tag_name("text")).and_then(|n| n.text()).unwrap_or("");
            let src = t.descendants().find(|n| n.has_tag_name("content")).and_then(|n| n.attribute("src")).unwrap();
            (src.to_string(), text.to_string())
        })
        .collect()
}

fn compare(epub: &Path, pdf: &Path, rtl: bool) -> usize {
    let files = epub_texts(epub);
    let list = page_list(&files["nav.xhtml"]);
    // Reading systems that read only the EPUB 2 navigation get the same pages.
    assert_eq!(ncx_page_list(&files["toc.ncx"]), list, "{}: toc.ncx pageList against the nav's", epub.display());
    let pages = pdf_pages(pdf);
    let labels: Vec<&str> = list.iter().map(|(_, l)| l.as_str()).collect();
    let pdf_labels: Vec<&str> = pages.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, pdf_labels, "{}: page list labels against the PDF's", epub.display());
    // The package names the PDF as the source of its pages, by the identifier the PDF carries.
    let opf = &files["content.opf"];
    let source = opf.split("<dc:source id=\"print-source\">").nth(1).and_then(|r| r.split('<').next());
    let source = source.unwrap_or_else(|| panic!("no dc:source: {opf}"));
    let xmp = String::from_utf8_lossy(&std::fs::read(pdf).unwrap()).into_owned();
    assert!(xmp.contains(&format!("<dc:identifier>{source}</dc:identifier>")), "{}: {source}", pdf.display());
    let mut compared = 0;
    let mut wrong = Vec::new();
    for ((href, label), (_, pdf_text)) in list.iter().zip(&pages) {
        let (file, id) = href.split_once('#').unwrap();
        let doc = parse(&files[file]);
        let marker = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .map(|n| (n.attribute((OPS, "type")), n.attribute("role"), n.attribute("aria-label")))
            .unwrap_or_else(|| panic!("{href}: no marker"));
        assert_eq!(marker, (Some("pagebreak"), Some("doc-pagebreak"), Some(label.as_str())), "{href}");
        let chapter = file.starts_with(|c: char| c.is_ascii_digit()) || file.starts_with("references");
        if !chapter || pdf_text.trim().is_empty() {
            continue;
        }
        // The page may begin with the end of a word hyphenated on the page before: the marker
        // follows that word, so the text after it lies a little into the page.
        let after: String = plain(&text_after(&files[file], id, 40)).chars().take(12).collect();
        let page: String = plain(pdf_text).chars().take(after.chars().count() + 24).collect();
        compared += 1;
        // Right-to-left PDFs extract partly in visual order (see conventions: a letter and its
        // mark, words around punctuation): there, the letters after the marker must all be among
        // the first of the page, as many times, in any order.
        let found = if rtl { letters_among(&after, &page) } else { page.contains(&after) };
        if !found {
            wrong.push(format!("page {label} ({href}): EPUB {after:?}, PDF {page:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}: markers not where the PDF's pages begin:\n{}", epub.display(), wrong.join("\n"));
    compared
}

#[test]
fn every_edition_of_the_report_marks_the_pages_of_its_pdf() {
    if !pypdf_available() {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf", "--format", "epub"]).expect_code(0);
    for lang in ["en", "fr", "es", "ar", "he", "zh"] {
        let epub = p.dist(&format!("imrf-spotlight-{lang}.epub"));
        let rtl = matches!(lang, "ar" | "he");
        let compared = compare(&epub, &p.dist(&format!("imrf-spotlight-{lang}.pdf")), rtl);
        assert!(compared >= 8, "{lang}: only {compared} pages compared");
        if let Some((clean, output)) = epubcheck(&epub) {
            assert!(clean, "{lang}: epubcheck:\n{output}");
        }
    }
}

#[test]
fn the_print_profile_and_page_economy_keep_the_page_list_true() {
    if !pypdf_available() {
        return;
    }
    // The economy fixture's second chapter is set tighter to end well: the map is of that layout.
    let p = Project::copy_of(&fixture("economy"));
    p.run(&["build", "--format", "pdf", "--format", "epub"]).expect_code(0);
    assert!(compare(&p.dist("economy-en.epub"), &p.dist("economy-en.pdf"), false) >= 3);
    // In print, chapters open on rectos after blank versos, which are listed too.
    p.run(&["build", "--format", "pdf", "--format", "epub", "--profile", "print"]).expect_code(0);
    assert!(compare(&p.dist("economy-en.epub"), &p.dist("economy-en.pdf"), false) >= 3);
    let k = Project::copy_of(&fixture("kitchen-sink"));
    k.run(&["build", "--format", "pdf", "--format", "epub"]).expect_code(0);
    compare(&k.dist("kitchen-sink-en.epub"), &k.dist("kitchen-sink-en.pdf"), false);
    if let Some((clean, output)) = epubcheck(&k.dist("kitchen-sink-en.epub")) {
        assert!(clean, "epubcheck:\n{output}");
    }
}

#[test]
fn an_epub_alone_has_the_page_list_of_the_pdf_it_did_not_write() {
    let both = Project::copy_of(&fixture("economy"));
    both.run(&["build", "--format", "pdf", "--format", "epub"]).expect_code(0);
    let alone = Project::copy_of(&fixture("economy"));
    alone.run(&["build", "--format", "epub"]).expect_code(0);
    assert!(!alone.dist("economy-en.pdf").exists());
    let list = |p: &Project| page_list(&epub_texts(&p.dist("economy-en.epub"))["nav.xhtml"]);
    assert!(list(&alone).len() > 3, "{:?}", list(&alone));
    assert_eq!(list(&alone), list(&both));
    let opf = &epub_texts(&alone.dist("economy-en.epub"))["content.opf"];
    assert!(opf.contains("<meta refines=\"#print-source\" property=\"source-of\">pagination</meta>"), "{opf}");
    assert!(opf.contains("<dc:source id=\"print-source\">urn:uuid:"), "{opf}");
    assert!(!opf.contains("a11y:pageBreakSource"), "{opf}");
    for feature in ["pageBreakMarkers", "pageNavigation"] {
        assert!(opf.contains(&format!("<meta property=\"schema:accessibilityFeature\">{feature}</meta>")), "{opf}");
    }
    assert!(opf.contains("Page numbers of the print edition are marked"), "{opf}");
}

#[test]
fn an_image_without_alt_text_withdraws_the_conformance_claim_with_a_warning() {
    let claim = "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>";
    let png = std::fs::read(fixture("figures").join("chapters/en/img/square.png")).unwrap();
    let p = Project::with_chapter("# Title\n\nA paragraph.\n\n![A grey square](img/square.png)\n");
    p.write("chapters/en/img/square.png", &png);
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("claims no accessibility conformance"), "{}", run.stderr());
    let opf = &epub_texts(&p.dist("minimal-en.epub"))["content.opf"];
    assert!(opf.contains(claim), "{opf}");
    assert!(!opf.contains("certifiedBy"), "{opf}");

    p.write("chapters/en/01-chapter.md", "# Title\n\nA paragraph.\n\n![](img/square.png)\n\n### Too deep\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains(
            "warning: the `en` EPUB claims no accessibility conformance (EPUB Accessibility 1.1 - WCAG 2.1 Level AA): \
             1 image has no text alternative; a heading of level 3 follows one of level 1\n  --> chapters/en/01-chapter.md:5:1"
        ),
        "{}",
        run.stderr()
    );
    let opf = &epub_texts(&p.dist("minimal-en.epub"))["content.opf"];
    assert!(!opf.contains("conformsTo"), "{opf}");
    assert!(opf.contains("Images without a text alternative: 1 of 1."), "{opf}");
}

#[test]
fn ace_finds_the_page_breaks_and_the_web_edition_marks_them_too() {
    let p = Project::report();
    p.run(&["build", "--lang", "en", "--format", "epub", "--format", "html"]).expect_code(0);
    let epub = p.dist("imrf-spotlight-en.epub");
    if let Some((passed, report)) = ace(&epub) {
        assert!(passed, "Ace found violations:\n{}", &report[..report.len().min(20_000)]);
        let json = &report[report.find("\n{").map_or(0, |i| i + 1)..];
        let value: serde_json::Value = serde_json::from_str(json).expect("Ace's report is JSON");
        assert_eq!(value["properties"]["hasPageBreaks"], serde_json::Value::Bool(true), "{json}");
        let present = value["earl:testSubject"]["metadata"]["dcterms:conformsTo"].clone();
        assert!(present.to_string().contains("EPUB Accessibility 1.1"), "{present}");
    }
    let site = p.path().join("dist/imrf-spotlight/en");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let web = page_list(&index);
    let epub_list = page_list(&epub_texts(&epub)["nav.xhtml"]);
    let labels = |l: &[(String, String)]| l.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&web), labels(&epub_list));
    let (href, label) = web.iter().find(|(h, _)| h.starts_with(|c: char| c.is_ascii_digit())).unwrap();
    let (file, id) = href.split_once('#').unwrap();
    let page = std::fs::read_to_string(site.join(file)).unwrap();
    assert!(
        page.contains(&format!(
            "<span role=\"doc-pagebreak separator\" id=\"{id}\" aria-label=\"{label}\" title=\"{label}\" class=\"pagebreak\"></span>"
        )),
        "{page}"
    );
}
