//! End to end: the web edition (`--format html`) of the shipped report. Every page parses, declares
//! its language and direction, carries no script and a language switcher to every other edition;
//! no internal link or anchor is broken; the manifest lists every file; two builds are identical;
//! each edition's site has the EPUB's text, citations and references, and the English one every
//! sentence of the interview; Chromium opens every page and axe-core finds no violation;
//! `watch --serve` serves the site on the loopback address with the reload script in responses only.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{self, Project, squash, unzip};

const EDITIONS: &[(&str, &str)] =
    &[("en", "ltr"), ("fr", "ltr"), ("es", "ltr"), ("ar", "rtl"), ("he", "rtl"), ("zh", "ltr")];

/// Every file under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    roxmltree::Document::parse_with_options(text, options).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The ids of a page.
fn ids(text: &str) -> BTreeSet<String> {
    parse(text).descendants().filter_map(|n| n.attribute("id")).map(str::to_string).collect()
}

/// Resolve `href` (relative to the page at `page`, inside `site`) to a file and fragment.
fn resolve(page: &Path, href: &str) -> (PathBuf, Option<String>) {
    let (file, fragment) = match href.split_once('#') {
        Some((f, frag)) => (f, Some(frag.to_string())),
        None => (href, None),
    };
    let mut target = if file.is_empty() { page.to_path_buf() } else { page.parent().unwrap().join(file) };
    // Normalize `..` without touching the disk.
    let mut parts: Vec<std::ffi::OsString> = Vec::new();
    for c in target.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other.as_os_str().to_owned()),
        }
    }
    target = parts.iter().collect();
    (target, fragment)
}

/// Build the report's web edition and EPUBs into `p`'s dist.
fn built() -> Project {
    let p = Project::report();
    p.run(&["build", "--format", "html", "--format", "epub"]).expect_code(0);
    p
}

#[test]
fn every_page_parses_declares_language_links_and_switches_editions() {
    let p = built();
    let site = p.dist("imrf-spotlight");
    let files = tree(&site);
    let pages: Vec<&PathBuf> = files.iter().filter(|f| f.extension().is_some_and(|e| e == "html")).collect();
    assert!(pages.len() > EDITIONS.len() * 10, "{pages:?}");
    let mut id_cache: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut checked = 0;
    let mut broken = Vec::new();
    for rel in &pages {
        let path = site.join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>\n"), "{rel:?}");
        assert!(!text.to_ascii_lowercase().contains("<script"), "{rel:?} has a script");
        assert!(text.contains("<meta name=\"viewport\""), "{rel:?}");
        let doc = parse(&text);
        let html = doc.root_element();
        let lang = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        if let Some((code, dir)) = EDITIONS.iter().find(|(code, _)| *code == lang) {
            assert_eq!((html.attribute("lang"), html.attribute("dir")), (Some(*code), Some(*dir)), "{rel:?}");
            // The switcher: the current edition marked, a link to each other, in its language.
            let nav = doc
                .descendants()
                .find(|n| n.has_tag_name("nav") && n.attribute("class") == Some("languages"))
                .unwrap_or_else(|| panic!("{rel:?} has no language switcher"));
            let links: Vec<&str> =
                nav.descendants().filter(|n| n.has_tag_name("a")).filter_map(|a| a.attribute("hreflang")).collect();
            let others: Vec<&str> = EDITIONS.iter().map(|(c, _)| *c).filter(|c| *c != lang).collect();
            assert_eq!(links, others, "{rel:?}");
            assert!(nav.descendants().any(|n| n.attribute("aria-current") == Some("page")), "{rel:?}");
            let file = rel.file_name().unwrap().to_string_lossy();
            for a in nav.descendants().filter(|n| n.has_tag_name("a")) {
                let href = a.attribute("href").unwrap();
                assert!(href.ends_with(&*file), "{rel:?}: the switcher leads to {href}, not the same page");
            }
        }
        for node in doc.descendants() {
            for attr in ["href", "src"] {
                let Some(href) = node.attribute(attr) else { continue };
                if href.starts_with("https://") || href.starts_with("http://") || href.starts_with("mailto:") {
                    continue;
                }
                assert!(!href.starts_with('/') && !href.contains("://"), "{rel:?}: not a relative link: {href}");
                checked += 1;
                let (target, fragment) = resolve(&path, href);
                if !target.is_file() {
                    broken.push(format!("{rel:?}: {href} (no file)"));
                    continue;
                }
                if let Some(fragment) = fragment {
                    let ids =
                        id_cache.entry(target.clone()).or_insert_with(|| ids(&fs::read_to_string(&target).unwrap()));
                    if !ids.contains(&fragment) {
                        broken.push(format!("{rel:?}: {href} (no anchor)"));
                    }
                }
            }
        }
    }
    eprintln!("link checker: {checked} internal links and sources on {} pages", pages.len());
    assert!(broken.is_empty(), "broken internal links: {broken:#?}");
    assert!(checked > 500, "{checked}");

    // The manifest lists every file of the site, with its hash.
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(p.dist("manifest.json")).unwrap()).unwrap();
    let listed: BTreeSet<String> = manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["format"] == "html")
        .flat_map(|a| a["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()))
        .collect();
    let on_disk: BTreeSet<String> =
        files.iter().map(|f| format!("imrf-spotlight/{}", f.to_string_lossy().replace('\\', "/"))).collect();
    assert_eq!(listed, on_disk);
    let en: u64 = tree(&site.join("en")).iter().map(|f| fs::metadata(site.join("en").join(f)).unwrap().len()).sum();
    eprintln!("the English site: {} files, {en} bytes", tree(&site.join("en")).len());
    // The sitemap names every page of every edition.
    let sitemap = fs::read_to_string(site.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>ar/03-pandemic.html</loc>") && sitemap.contains("<loc>zh/index.html</loc>"),
        "{sitemap}"
    );
}

#[test]
fn two_builds_of_the_web_edition_are_byte_identical_and_site_url_makes_the_sitemap_absolute() {
    let p = Project::report();
    p.run(&["build", "--format", "html", "--lang", "en", "--lang", "ar"]).expect_code(0);
    let other = p.path().join("again");
    let out = other.to_str().unwrap();
    p.run(&["build", "--format", "html", "--lang", "en", "--lang", "ar", "--out", out]).expect_code(0);
    let a = p.dist("imrf-spotlight");
    let b = other.join("imrf-spotlight");
    assert_eq!(tree(&a), tree(&b));
    for f in tree(&a) {
        assert!(fs::read(a.join(&f)).unwrap() == fs::read(b.join(&f)).unwrap(), "{f:?} differs");
    }
    let yaml = fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{yaml}site-url: https://example.org/imrf/\nformats: [html]\n"));
    p.run(&["build", "--lang", "en"]).expect_code(0);
    let sitemap = fs::read_to_string(a.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/imrf/en/02-expectations.html</loc>"), "{sitemap}");
}

/// The text of an element and its descendants.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect()
}

/// The chapter sections of a page (or content document), as text.
fn sections(text: &str) -> Vec<String> {
    let doc = parse(text);
    doc.descendants()
        .filter(|n| n.has_tag_name("section") && n.attribute("role").is_some_and(|r| r.starts_with("doc-")))
        .map(text_of)
        .collect()
}

/// The reference list entries of a page, as text.
fn references(text: &str) -> Vec<String> {
    let doc = parse(text);
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("li")
                && n.parent().is_some_and(|p| p.attribute("class").is_some_and(|c| c.contains("references")))
        })
        .map(text_of)
        .collect()
}

#[test]
fn each_edition_site_has_the_epub_text_citations_and_references_and_the_whole_interview() {
    let p = built();
    for (lang, _) in EDITIONS {
        let epub = unzip(&p.dist(&format!("imrf-spotlight-{lang}.epub")));
        let dir = p.dist(&format!("imrf-spotlight/{lang}"));
        let mut epub_chapters = 0;
        for (name, bytes, _) in &epub {
            let Some(slug) = name.strip_prefix("OEBPS/").and_then(|n| n.strip_suffix(".xhtml")) else { continue };
            if matches!(slug, "nav" | "cover" | "titlepage" | "colophon") {
                continue;
            }
            epub_chapters += 1;
            let xhtml = String::from_utf8(bytes.clone()).unwrap();
            let page = fs::read_to_string(dir.join(format!("{slug}.html")))
                .unwrap_or_else(|_| panic!("{lang}: the site lacks {slug}.html"));
            // The same chapter text, citations included, to the character (whitespace aside).
            let (ours, theirs) = (sections(&page), sections(&xhtml));
            assert_eq!(ours.len(), 1, "{lang}/{slug}");
            assert_eq!(squash(&ours[0]), squash(&theirs[0]), "{lang}/{slug}: the site's text differs from the EPUB's");
            assert_eq!(references(&page), references(&xhtml), "{lang}/{slug}: references differ");
        }
        assert!(epub_chapters >= 9, "{lang}: {epub_chapters} chapters");
        let refs = references(&fs::read_to_string(dir.join("references.html")).unwrap());
        assert!(refs.len() >= 3, "{lang}: {refs:?}");
    }
    // Every sentence of the interview, as pdf.rs checks for the PDF.
    let source = common::repo().join("../shared/source/imrf-interview.txt");
    let Ok(manuscript) = fs::read_to_string(&source) else {
        assert!(std::env::var_os("CI").is_none(), "the manuscript must be beside the clone under CI");
        eprintln!("SKIPPED: {} not found", source.display());
        return;
    };
    let corrections = fs::read_to_string(common::repo().join("chapters/en/CORRECTIONS.md")).unwrap();
    let mut interview = manuscript.split("About the interviewees").next().unwrap().to_string();
    for line in corrections.lines().filter(|l| l.starts_with('|')) {
        let codes: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
        if let [from, to] = codes[..] {
            interview = interview.replace(from, to);
        }
    }
    let dir = p.dist("imrf-spotlight/en");
    let site: String = tree(&dir)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
        .map(|f| text_of(parse(&fs::read_to_string(dir.join(f)).unwrap()).root_element()))
        .collect();
    let site = squash(&site);
    let sentences: Vec<String> = interview
        .split("\n\n")
        .flat_map(|para| {
            let mut out = Vec::new();
            let mut current = String::new();
            let mut chars = para.chars().peekable();
            while let Some(c) = chars.next() {
                current.push(c);
                if matches!(c, '.' | '?' | '!') && chars.peek().is_none_or(|n| n.is_whitespace()) {
                    out.push(current.trim().to_string());
                    current.clear();
                }
            }
            out.push(current.trim().to_string());
            out
        })
        .filter(|s| !s.is_empty())
        .collect();
    assert!(sentences.len() > 80, "{}", sentences.len());
    let missing: Vec<&String> = sentences.iter().filter(|s| !site.contains(&squash(s))).collect();
    assert!(missing.is_empty(), "sentences missing from the English site: {missing:#?}");
}

/// The node_modules folder holding puppeteer-core and axe-core (`WEB_TEST_MODULES`, else the CI
/// cache); `None` outside CI when they are not installed.
fn browser_modules() -> Option<PathBuf> {
    let dir = std::env::var_os("WEB_TEST_MODULES").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/spotlight-ci/web/node_modules")
    });
    let chromium = std::env::var_os("PUPPETEER_EXECUTABLE_PATH").unwrap_or_else(|| "/usr/bin/chromium".into());
    let ok = dir.join("puppeteer-core").is_dir()
        && dir.join("axe-core/axe.min.js").is_file()
        && Path::new(&chromium).exists();
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "puppeteer-core, axe-core and chromium are required under CI");
        eprintln!("SKIPPED: puppeteer-core and axe-core not found in {} (or no chromium)", dir.display());
        return None;
    }
    Some(dir)
}

#[test]
fn chromium_opens_every_page_of_every_edition_and_axe_finds_no_violation() {
    let Some(modules) = browser_modules() else { return };
    let p = built();
    let script = common::repo().join("tests/e2e/common/axe.cjs");
    let out = Command::new("node").arg(script).arg(&modules).arg(p.dist("imrf-spotlight")).output().expect("node");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{report}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let pages = report["pages"].as_u64().unwrap();
    eprintln!("chromium opened {pages} pages; axe-core found no violation");
    assert!(pages as usize > EDITIONS.len() * 10, "{report}");
}

/// Send one HTTP GET to 127.0.0.1:`port` and return the response.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").ok()?;
    let mut out = String::new();
    stream.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn watch_serve_serves_the_site_on_loopback_with_reload_in_responses_only() {
    let p = Project::copy_of(&common::fixture("minimal"));
    // A port of our own: bind 0, read it, free it.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["watch", "--serve", "--port", &port.to_string(), "--project"])
        .arg(p.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut served = None;
    for _ in 0..600 {
        if let Some(r) = get(port, "/minimal/en/").filter(|r| r.starts_with("HTTP/1.1 200")) {
            served = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let served = served.expect("the site is served");
    assert!(served.contains("/__spotlight/version") && served.contains("<script>"), "{served}");
    let on_disk = fs::read_to_string(p.dist("minimal/en/index.html")).unwrap();
    assert!(!on_disk.contains("<script"), "the file on disk got the script");
    assert!(get(port, "/../report.yaml").is_some_and(|r| r.starts_with("HTTP/1.1 404")));
    let before = get(port, "/__spotlight/version").unwrap();
    p.write("chapters/en/01-chapter.md", "# A Chapter\n\nServed and changed.\n");
    let mut reloaded = false;
    for _ in 0..600 {
        let page = get(port, "/minimal/en/01-chapter.html").unwrap_or_default();
        let now = get(port, "/__spotlight/version").unwrap_or_default();
        if page.contains("Served and changed.") && now.split("\r\n\r\n").nth(1) != before.split("\r\n\r\n").nth(1) {
            reloaded = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let _ = child.wait();
    assert!(reloaded, "the rebuild was not served or the version did not change");
}

#[test]
fn an_untranslated_chapter_is_marked_in_the_switcher_and_has_no_alternate() {
    let p = Project::report();
    fs::remove_file(p.path().join("chapters/fr/03-pandemic.md")).unwrap();
    p.run(&["build", "--format", "html", "--lang", "en", "--lang", "fr", "--allow-incomplete"]).expect_code(0);
    let page = fs::read_to_string(p.dist("imrf-spotlight/en/03-pandemic.html")).unwrap();
    let fr = page.lines().find(|l| l.contains("hreflang=\"fr\" lang=\"fr\"")).unwrap();
    assert!(fr.contains("../fr/03-pandemic.html") && fr.contains("(non traduit)"), "{fr}");
    assert!(!page.contains("<link rel=\"alternate\" hreflang=\"fr\""), "an untranslated page is no alternate");
    let other = fs::read_to_string(p.dist("imrf-spotlight/en/02-expectations.html")).unwrap();
    assert!(other.contains("<link rel=\"alternate\" hreflang=\"fr\" href=\"../fr/02-expectations.html\"/>"));
    assert!(!other.contains("untranslated"), "a translated page is not marked");
}
