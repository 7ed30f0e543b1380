//! The Pandoc oracle: the citation corpus of `tests/fixtures/citeproc` built by Spotlight (EPUB) and
//! by Pandoc 3 `--citeproc` with the same bibliography and the same CSL file, compared text for text
//! per style and edition. Every difference that remains is listed in `KNOWN` with its reason, so a new
//! one (or one that went away) fails; the counts may not fall below `FLOOR`. This file owns the
//! comparison only: it must not patch either side's output beyond normalising invisible spacing.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Project, fixture, unzip};

/// The styles compared: a name for the table and the CSL file in the fixture's `bibliography/`.
const STYLES: [(&str, &str); 3] = [
    ("chicago-author-date", "chicago-author-date.csl"),
    ("ieee", "ieee.csl"),
    ("chicago-notes", "chicago-notes-bibliography.csl"),
];

/// The editions compared and the locale Pandoc is given for each (`lang` metadata).
const LANGS: [(&str, &str); 3] = [("en", "en-US"), ("de", "de-DE"), ("fr", "fr-FR")];

/// The chapters of every edition, in reading order (the unit ids name them without the number).
const CHAPTERS: [&str; 2] = ["01-forms", "02-notes"];

/// The lowest counts measured: (style, edition, citations matching, references matching).
const FLOOR: [(&str, &str, usize, usize); 9] = [
    ("chicago-author-date", "en", 60, 10),
    ("chicago-author-date", "de", 60, 9),
    ("chicago-author-date", "fr", 57, 9),
    ("ieee", "en", 62, 11),
    ("ieee", "de", 62, 11),
    ("ieee", "fr", 55, 11),
    ("chicago-notes", "en", 54, 10),
    ("chicago-notes", "de", 54, 10),
    ("chicago-notes", "fr", 53, 10),
];

mod known;
use known::{KNOWN, Known};

/// Pandoc: `PANDOC`, then `pandoc` on PATH, then the binary the PyPI package `pypandoc-binary` ships.
fn pandoc() -> Option<PathBuf> {
    let runs = |p: &Path| Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success());
    let mut candidates: Vec<PathBuf> = std::env::var_os("PANDOC").map(PathBuf::from).into_iter().collect();
    candidates.push(PathBuf::from("pandoc"));
    let site = Command::new("python3")
        .args(["-c", "import os, pypandoc; print(os.path.dirname(pypandoc.__file__))"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(site) = site {
        candidates.push(Path::new(&site).join("files/pandoc"));
    }
    let found = candidates.into_iter().find(|p| runs(p));
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("Pandoc 3 is required under CI: pip install pypandoc-binary (or set PANDOC)");
        }
        eprintln!("SKIPPED: Pandoc is not installed (pip install pypandoc-binary, or set PANDOC)");
    }
    found
}

/// Whitespace of every width as one space, invisible marks (bidi isolates, joiners) dropped.
fn normalise(text: &str) -> String {
    let visible: String = text
        .chars()
        .filter(|c| {
            !matches!(c, '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{2060}' | '\u{ad}' | '\u{fe0e}')
        })
        .map(|c| if c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}') { ' ' } else { c })
        .collect();
    visible.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The text of a node; a note reference becomes `[^…]` holding the note's text, back links vanish,
/// and the label column of a numbered reference list is followed by a space.
fn text_of(node: roxmltree::Node, notes: &HashMap<String, String>, out: &mut String) {
    if node.is_text() {
        out.push_str(node.text().unwrap_or(""));
        return;
    }
    match node.attribute("role") {
        Some("doc-backlink") => return,
        Some("doc-noteref") => {
            let id = node.attribute("href").unwrap_or("").trim_start_matches('#');
            out.push_str(&format!("[^{}]", notes.get(id).map_or("?", String::as_str)));
            return;
        }
        _ => {}
    }
    if node.attribute("class") == Some("note-number") {
        return;
    }
    for child in node.children() {
        text_of(child, notes, out);
    }
    if node.attribute("class") == Some("csl-left-margin") {
        out.push(' ');
    }
}

fn text(node: roxmltree::Node, notes: &HashMap<String, String>) -> String {
    let mut out = String::new();
    text_of(node, notes, &mut out);
    normalise(&out)
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(xml, options).unwrap_or_else(|e| panic!("not XML ({e}):\n{xml}"))
}

/// What one tool printed for an edition: each paragraph of the chapters (`forms:3`) with its notes
/// inlined, and each reference entry by key.
#[derive(Default)]
struct Printed {
    units: Vec<(String, String)>,
    refs: BTreeMap<String, String>,
}

/// Spotlight's EPUB of an edition: the chapters' paragraphs and notes, and references.xhtml.
fn spotlight(epub: &Path) -> Printed {
    let files: HashMap<String, Vec<u8>> = unzip(epub).into_iter().map(|(n, b, _)| (n, b)).collect();
    let read = |name: &str| {
        String::from_utf8(files.get(&format!("OEBPS/{name}")).unwrap_or_else(|| panic!("{name} missing")).clone())
            .unwrap()
    };
    let mut printed = Printed::default();
    for chapter in CHAPTERS {
        let xml = read(&format!("{chapter}.xhtml"));
        let doc = parse(&xml);
        let notes: HashMap<String, String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("aside") && n.attribute("role") == Some("doc-footnote"))
            .map(|n| (n.attribute("id").unwrap_or("").to_string(), text(n, &HashMap::new())))
            .collect();
        let section = doc.descendants().find(|n| n.has_tag_name("section")).expect("a chapter section");
        let paragraphs = section.children().filter(|n| n.has_tag_name("p"));
        for (i, p) in paragraphs.enumerate() {
            printed.units.push((unit_id(chapter, i), text(p, &notes)));
        }
    }
    let xml = read("references.xhtml");
    let doc = parse(&xml);
    for li in doc.descendants().filter(|n| n.has_tag_name("li")) {
        if let Some(key) = li.attribute("id").and_then(|id| id.strip_prefix("h-ref-")) {
            printed.refs.insert(key.to_string(), text(li, &HashMap::new()));
        }
    }
    printed
}

fn unit_id(chapter: &str, index: usize) -> String {
    format!("{}:{}", chapter.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-'), index + 1)
}

/// Pandoc's HTML of an edition's chapters joined in order (front matter dropped), with the same
/// bibliography (BibLaTeX converted to CSL JSON by Pandoc, the YAML's CSL JSON twin) and CSL file.
fn pandoc_edition(pandoc: &Path, project: &Path, work: &Path, lang: (&str, &str), csl: &str) -> Printed {
    let mut markdown = String::new();
    for chapter in CHAPTERS {
        let source = std::fs::read_to_string(project.join(format!("chapters/{}/{chapter}.md", lang.0))).unwrap();
        let body = match source.strip_prefix("---\n") {
            Some(rest) => &rest[rest.find("\n---\n").expect("closed front matter") + 5..],
            None => &source[..],
        };
        markdown.push_str(body);
        markdown.push_str("\n\n");
    }
    let input = work.join(format!("{}.md", lang.0));
    std::fs::write(&input, markdown).unwrap();
    let bib = project.join("bibliography");
    let out = Command::new(pandoc)
        .arg("--citeproc")
        .arg("--bibliography")
        .arg(work.join("works.json"))
        .arg("--bibliography")
        .arg(bib.join("documents.json"))
        .arg("--csl")
        .arg(bib.join(csl))
        .arg("--metadata")
        .arg(format!("lang={}", lang.1))
        .args(["--from", "markdown", "--to", "html", "--wrap=none"])
        .arg(&input)
        .output()
        .expect("run pandoc");
    assert!(out.status.success(), "pandoc failed: {}", String::from_utf8_lossy(&out.stderr));
    let xml = format!("<root>{}</root>", String::from_utf8(out.stdout).unwrap());
    let doc = parse(&xml);
    let notes: HashMap<String, String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("li") && n.attribute("id").is_some_and(|id| id.starts_with("fn")))
        .map(|n| (n.attribute("id").unwrap_or("").to_string(), text(n, &HashMap::new())))
        .collect();
    let mut printed = Printed::default();
    let (mut chapter, mut index) = (0usize, 0);
    for node in doc.root_element().children().filter(|n| n.is_element()) {
        if node.has_tag_name("h1") {
            chapter += 1;
            index = 0;
        } else if node.has_tag_name("p") {
            let name = CHAPTERS.get(chapter.wrapping_sub(1)).expect("paragraphs follow a chapter heading");
            printed.units.push((unit_id(name, index), text(node, &notes)));
            index += 1;
        }
    }
    for entry in doc.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.contains("csl-entry"))) {
        if let Some(key) = entry.attribute("id").and_then(|id| id.strip_prefix("ref-")) {
            printed.refs.insert(key.to_string(), text(entry, &HashMap::new()));
        }
    }
    printed
}

/// Whether `list` (space separated, `*` for any) names `item`.
fn names(list: &str, item: &str) -> bool {
    list == "*" || list.split_whitespace().any(|w| w == item)
}

fn known(style: &str, lang: &str, unit: &str) -> Option<&'static Known> {
    KNOWN
        .iter()
        .find(|k| names(k.styles, style) && names(k.langs, lang) && k.units.split_whitespace().any(|u| u == unit))
}

#[test]
fn the_corpus_matches_pandoc_citeproc_except_the_listed_differences() {
    let Some(pandoc) = pandoc() else { return };
    let work = tempfile::tempdir().unwrap();
    let source = fixture("citeproc");
    let converted = Command::new(&pandoc)
        .args(["--from", "biblatex", "--to", "csljson", "--output"])
        .arg(work.path().join("works.json"))
        .arg(source.join("bibliography/works.bib"))
        .output()
        .expect("run pandoc");
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));

    let mut table = Vec::new();
    let mut failures = Vec::new();
    let mut seen: Vec<(String, String, String)> = Vec::new();
    for (style, csl) in STYLES {
        let p = Project::copy_of(&source);
        let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
        p.write("report.yaml", config.replace("style: chicago-author-date.csl", &format!("style: {csl}")));
        p.run(&["build", "--format", "epub"]).expect_code(0);
        for lang in LANGS {
            let ours = spotlight(&p.dist(&format!("citeproc-{}.epub", lang.0)));
            let theirs = pandoc_edition(&pandoc, p.path(), work.path(), lang, csl);
            assert_eq!(
                ours.units.iter().map(|u| &u.0).collect::<Vec<_>>(),
                theirs.units.iter().map(|u| &u.0).collect::<Vec<_>>(),
                "{style}/{}: the two tools see different paragraphs",
                lang.0
            );
            let mut pairs: Vec<(String, String, String)> = ours
                .units
                .iter()
                .zip(&theirs.units)
                .map(|((id, a), (_, b))| (id.clone(), a.clone(), b.clone()))
                .collect();
            let cite_total = pairs.len();
            for (key, b) in &theirs.refs {
                let a = ours.refs.get(key).cloned().unwrap_or_else(|| "(missing)".to_string());
                pairs.push((format!("ref:{key}"), a, b.clone()));
            }
            for key in ours.refs.keys().filter(|k| !theirs.refs.contains_key(*k)) {
                pairs.push((format!("ref:{key}"), ours.refs[key].clone(), "(missing)".to_string()));
            }
            let (mut cites, mut refs) = (0, 0);
            for (id, a, b) in &pairs {
                if a == b {
                    if id.starts_with("ref:") {
                        refs += 1;
                    } else {
                        cites += 1;
                    }
                    continue;
                }
                seen.push((style.to_string(), lang.0.to_string(), id.clone()));
                let known = known(style, lang.0, id);
                let mark = known.map_or("NEW: not in KNOWN", |k| k.reason);
                println!("  {style}/{}/{id} [{mark}]\n    spotlight: {a}\n    pandoc:    {b}", lang.0);
                if known.is_none() {
                    failures.push(format!("{style}/{}/{id}: spotlight `{a}` vs pandoc `{b}`", lang.0));
                }
            }
            let ref_total = pairs.len() - cite_total;
            table.push((style, lang.0, cites, cite_total, refs, ref_total));
        }
    }
    println!("\n{:<22} {:<4} {:>11} {:>11}", "style", "ed.", "citations", "references");
    for (style, lang, c, ct, r, rt) in &table {
        println!("{style:<22} {lang:<4} {:>11} {:>11}", format!("{c}/{ct}"), format!("{r}/{rt}"));
        let floor = FLOOR.iter().find(|f| f.0 == *style && f.1 == *lang).expect("a floor for every pair");
        if *c < floor.2 || *r < floor.3 {
            failures.push(format!("{style}/{lang}: {c} citations and {r} references match, below {floor:?}"));
        }
    }
    for k in KNOWN {
        for style in STYLES.map(|s| s.0).into_iter().filter(|s| names(k.styles, s)) {
            for lang in LANGS.map(|l| l.0).into_iter().filter(|l| names(k.langs, l)) {
                for unit in k.units.split_whitespace() {
                    if !seen.iter().any(|s| s.0 == style && s.1 == lang && s.2 == unit) {
                        failures.push(format!("{style}/{lang}/{unit} now matches Pandoc: drop it from KNOWN"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}
