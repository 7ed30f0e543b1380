//! End to end: the real binary builds EPUBs from the report and fixture projects; epubcheck
//! validates them and the tests read their structure back.

use crate::common;

use std::collections::BTreeMap;
use std::fs;

use crate::common::{Project, epubcheck, fixture, squash, unzip};

/// Parse XML (XHTML documents carry a DOCTYPE).
fn parse(xml: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(xml, options)
}

/// Text content of an XHTML document (all text nodes joined).
fn xhtml_text(xml: &str) -> String {
    let doc = parse(xml).expect("well-formed XHTML");
    doc.descendants().filter(|n| n.is_text()).map(|n| n.text().unwrap_or("")).collect::<Vec<_>>().join(" ")
}

fn built(project: &Project, name: &str) -> BTreeMap<String, Vec<u8>> {
    let files = unzip(&project.dist(name));
    files.into_iter().map(|(n, b, _)| (n, b)).collect()
}

#[test]
fn report_epub_passes_epubcheck_with_zero_messages() {
    let p = Project::report();
    p.run(&["build", "--format", "epub"]).expect_code(0);
    if let Some((clean, output)) = epubcheck(&p.dist("imrf-spotlight-en.epub")) {
        assert!(clean, "epubcheck:\n{output}");
    }
}

#[test]
fn fixture_epubs_pass_epubcheck_with_zero_messages() {
    for name in ["kitchen-sink", "minimal", "citations"] {
        let p = Project::copy_of(&fixture(name));
        p.run(&["build", "--format", "epub"]).expect_code(0);
        if let Some((clean, output)) = epubcheck(&p.dist(&format!("{name}-en.epub"))) {
            assert!(clean, "{name}: epubcheck:\n{output}");
        }
    }
}

#[test]
fn epub_container_is_well_formed() {
    let p = Project::report();
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let entries = unzip(&p.dist("imrf-spotlight-en.epub"));
    let (first, bytes, method) = &entries[0];
    assert_eq!(first, "mimetype");
    assert_eq!(bytes, b"application/epub+zip");
    assert_eq!(*method, zip::CompressionMethod::Stored);

    let files: BTreeMap<&str, &Vec<u8>> = entries.iter().map(|(n, b, _)| (n.as_str(), b)).collect();
    let opf = String::from_utf8(files["OEBPS/content.opf"].clone()).unwrap();
    let doc = parse(&opf).unwrap();
    let mut manifest = BTreeMap::new();
    for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
        let href = item.attribute("href").unwrap();
        assert!(files.contains_key(format!("OEBPS/{href}").as_str()), "manifest item {href} missing from the zip");
        manifest.insert(item.attribute("id").unwrap().to_string(), href.to_string());
    }
    // Spine order is chapter order.
    let spine: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .map(|n| manifest[n.attribute("idref").unwrap()].as_str())
        .filter(|href| href.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect();
    let mut chapters: Vec<String> = fs::read_dir(p.path().join("chapters/en"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n.starts_with(|c: char| c.is_ascii_digit()))
        .map(|n| n.replace(".md", ".xhtml"))
        .collect();
    chapters.sort();
    assert_eq!(spine, chapters);

    // Every content document parses as XML, carries its language, and holds its chapter's text.
    for (name, bytes) in &files {
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") || name.ends_with(".svg") {
            let text = std::str::from_utf8(bytes).unwrap();
            let doc = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            if name.ends_with(".xhtml") {
                let root = doc.root_element();
                assert_eq!(root.attribute("lang"), Some("en"), "{name}");
                assert_eq!(root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some("en"), "{name}");
            }
        }
    }
    for chapter in &chapters {
        let md = fs::read_to_string(p.path().join("chapters/en").join(chapter.replace(".xhtml", ".md"))).unwrap();
        let xhtml = squash(&xhtml_text(std::str::from_utf8(files[format!("OEBPS/{chapter}").as_str()]).unwrap()));
        for para in md.split("\n\n").filter(|p| !p.starts_with('#') && !p.starts_with('>') && !p.contains("[@")) {
            let plain = para.replace("**", "");
            assert!(xhtml.contains(&squash(&plain)), "{chapter}: paragraph missing: {plain}");
        }
    }
}

#[test]
fn epub_metadata_is_complete_and_accessible() {
    let p = Project::report();
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let files = built(&p, "imrf-spotlight-en.epub");
    let opf = String::from_utf8(files["OEBPS/content.opf"].clone()).unwrap();
    for needle in [
        "<dc:title id=\"title\">IMRF Puts Global Spotlight on Migration</dc:title>",
        "Interview with members of the Global Coalition on Migration",
        "<dc:creator id=\"creator\">Friedrich-Ebert-Stiftung</dc:creator>",
        "<dc:publisher>Friedrich-Ebert-Stiftung</dc:publisher>",
        "<dc:language>en</dc:language>",
        "xml:lang=\"en\"",
        "<meta property=\"dcterms:modified\">2022-04-01T00:00:00Z</meta>",
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
        "properties=\"cover-image\"",
        "properties=\"nav\"",
    ] {
        assert!(opf.contains(needle), "package document lacks {needle}");
    }
    assert!(opf.contains("<dc:identifier id=\"pub-id\">urn:uuid:"), "{opf}");
    let nav = String::from_utf8(files["OEBPS/nav.xhtml"].clone()).unwrap();
    assert!(nav.contains("epub:type=\"toc\"") && nav.contains("epub:type=\"landmarks\""), "{nav}");
    // Every epub:type in content documents comes with its ARIA role.
    for (name, bytes) in &files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        for (ty, role) in [
            ("chapter", "doc-chapter"),
            ("noteref", "doc-noteref"),
            ("footnote", "doc-footnote"),
            ("colophon", "doc-colophon"),
            ("toc", "doc-toc"),
        ] {
            let tagged = text.matches(&format!("epub:type=\"{ty}\"")).count();
            if tagged > 0
                && !(ty == "toc" && name.ends_with("nav.xhtml") && text.matches("role=\"doc-toc\"").count() == 1)
            {
                assert_eq!(text.matches(&format!("role=\"{role}\"")).count(), tagged, "{name}: {ty}");
            }
        }
    }
}

#[test]
fn source_date_epoch_sets_the_modified_date() {
    let p = Project::copy_of(&fixture("minimal"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["build", "--format", "epub", "--project"])
        .arg(p.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = built(&p, "minimal-en.epub");
    let opf = String::from_utf8(files["OEBPS/content.opf"].clone()).unwrap();
    assert!(opf.contains("<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>"), "{opf}");
}

#[test]
fn two_epub_builds_are_byte_identical() {
    let a = Project::copy_of(&fixture("kitchen-sink"));
    let b = Project::copy_of(&fixture("kitchen-sink"));
    a.run(&["build", "--format", "epub"]).expect_code(0);
    b.run(&["build", "--format", "epub"]).expect_code(0);
    let name = "kitchen-sink-en.epub";
    assert_eq!(fs::read(a.dist(name)).unwrap(), fs::read(b.dist(name)).unwrap());
}

#[test]
fn raw_script_and_event_handlers_never_reach_the_epub() {
    let p = Project::copy_of(&fixture("kitchen-sink"));
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    assert!(run.stderr().contains("warning: raw HTML is not rendered"), "{}", run.stderr());
    let files = built(&p, "kitchen-sink-en.epub");
    let chapter = String::from_utf8(files["OEBPS/03-hostile-html.xhtml"].clone()).unwrap();
    let doc = parse(&chapter).unwrap();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(!["script", "iframe", "object", "embed", "style", "img"].contains(&tag), "element <{tag}> leaked");
        for attr in node.attributes() {
            assert!(!attr.name().starts_with("on"), "event handler {} leaked", attr.name());
            assert!(!attr.value().to_ascii_lowercase().starts_with("javascript:"), "javascript: URL leaked");
            assert!(!attr.value().to_ascii_lowercase().starts_with("data:"), "data: URL leaked");
        }
    }
    assert!(squash(&xhtml_text(&chapter)).contains(&squash("Markdown inside an HTML block.")));
    if let Some((clean, output)) = epubcheck(&p.dist("kitchen-sink-en.epub")) {
        assert!(clean, "epubcheck:\n{output}");
    }
}

#[test]
fn links_between_chapters_resolve_to_file_and_anchor() {
    let p = Project::copy_of(&fixture("kitchen-sink"));
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let files = built(&p, "kitchen-sink-en.epub");
    let first = String::from_utf8(files["OEBPS/01-typst-like.xhtml"].clone()).unwrap();
    assert!(first.contains("href=\"02-second.xhtml#h-a-section\""), "{first}");
    let second = String::from_utf8(files["OEBPS/02-second.xhtml"].clone()).unwrap();
    assert!(second.contains("id=\"h-a-section\""));
    assert!(second.contains("href=\"01-typst-like.xhtml#ch-01-typst-like\""), "{second}");
    // The shared footnote: two references, one note, both references numbered alike.
    assert_eq!(second.matches("epub:type=\"footnote\"").count(), 1, "{second}");
    assert_eq!(second.matches("href=\"#fn-1\"").count(), 2, "{second}");
}

#[test]
fn report_epub_passes_ace_with_no_violations() {
    let p = Project::report();
    p.run(&["build", "--format", "epub"]).expect_code(0);
    if let Some((passed, report)) = common::ace(&p.dist("imrf-spotlight-en.epub")) {
        assert!(passed, "Ace found violations:\n{}", &report[..report.len().min(20_000)]);
    }
}
