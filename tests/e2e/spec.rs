//! Spec corpora as tests: every example of the CommonMark spec (0.31.2) and of the GFM spec's
//! extensions (0.29-gfm), vendored under `tests/data/` (see its README), is one chapter of a fixture
//! project built by the real binary.
//!
//! An example is *accepted* unless the spec's own rendering of it shows something Spotlight refuses by
//! design (see [`rejections`]): an absolute image path, an image in a format EPUB readers need not
//! support, a link to an anchor or a chapter that does not exist, a character no font of the project
//! covers. A rejected example must fail its own build (exit code 1) with the expected error naming its
//! chapter file; it is never skipped.
//!
//! Every accepted example must:
//! - build: the generated Typst compiles with no error (`--emit typst` writes the chapter's `.typ`);
//! - give an XHTML content document that parses as XML, in an EPUB that passes epubcheck with no
//!   message;
//! - show its text in both outputs: the visible text of the spec's expected HTML (tags stripped,
//!   entities decoded, without the text of raw HTML blocks, which Spotlight drops by design; list
//!   markers and task boxes as each output shows them, see [`Output`]) must be in the chapter's
//!   XHTML text and in the chapter's part of the PDF's text (from its title line `Example N` on),
//!   compared after [`norm`] (no whitespace, hyphens or dashes; typographic quotes and ellipses as
//!   ASCII: smart punctuation is on). Where Spotlight keeps a raw HTML tag that names no HTML
//!   element as text (`<bab>`, by design), the comparison is repeated without the example's raw
//!   inline HTML tags (see [`contains`]).
//!
//! The counts go to stderr past the harness's capture (shown by every `cargo test`) and are part of
//! every failure message; `--nocapture` also lists the examples rejected by design.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::common::{Project, epubcheck, squash, tool_available, unzip};

/// One example of a spec, as vendored in `tests/data/*.json`.
struct Example {
    number: u32,
    section: String,
    markdown: String,
    html: String,
}

fn load(file: &str) -> Vec<Example> {
    let path = common::repo().join("tests/data").join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let field =
        |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or_else(|| panic!("{k} missing: {e}")).to_string();
    value
        .as_array()
        .expect("an array of examples")
        .iter()
        .map(|e| Example {
            number: e["number"].as_u64().expect("number") as u32,
            section: field(e, "section"),
            markdown: field(e, "markdown"),
            html: field(e, "html"),
        })
        .collect()
}

fn stem(number: u32) -> String {
    format!("{number:04}-example")
}

fn chapter_rel(number: u32) -> String {
    format!("chapters/en/{}.md", stem(number))
}

/// The chapter file of an example: a title in front matter, then the example's Markdown verbatim.
fn chapter_text(ex: &Example) -> String {
    format!("---\ntitle: \"Example {}\"\n---\n\n{}", ex.number, ex.markdown)
}

// ---------------------------------------------------------------------------------------------
// Reading the spec's expected HTML

/// Decode the character references the spec's HTML uses (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// numeric); any other named reference is left as written.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end =
            rest.find(';').filter(|&e| e <= 12 && rest[1..e].chars().all(|c| c.is_ascii_alphanumeric() || c == '#'));
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                _ => match name.strip_prefix('#') {
                    Some(n) => match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    }
                    .map(|n| char::from_u32(n).filter(|&c| c != '\0').unwrap_or('\u{FFFD}')),
                    None => None,
                },
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Which output a text is compared with: they show list markers and check boxes differently.
#[derive(Clone, Copy, PartialEq)]
enum Output {
    /// The XHTML's text nodes: task boxes as the characters ☐ and ☑, list markers left to CSS.
    Xhtml,
    /// The PDF's text: `•` before every bullet item, `N.` before every numbered one, task boxes
    /// drawn (no text).
    Pdf,
}

/// The text of HTML as `output` shows it: every tag, comment, processing instruction, declaration
/// and CDATA section removed (quote-aware inside tags), character references decoded, list markers
/// and task boxes as the output writes them.
fn html_text(html: &str, output: Output) -> String {
    let mut out = String::new();
    // Open lists: the next number of an ordered one, `None` for a bullet list.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..i]));
        rest = &rest[i..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3)
        } else if rest.starts_with("<![CDATA[") {
            rest.find("]]>").map(|e| e + 3)
        } else if rest.starts_with("<?") {
            rest.find("?>").map(|e| e + 2)
        } else {
            let mut quote = None;
            rest.char_indices().skip(1).find_map(|(k, c)| {
                match (quote, c) {
                    (None, '"' | '\'') => quote = Some(c),
                    (Some(q), c) if c == q => quote = None,
                    (None, '>') => return Some(k + 1),
                    _ => {}
                }
                None
            })
        };
        let end = end.unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end..];
        let name: String = tag
            .trim_start_matches('<')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "ul" => lists.push(None),
            "ol" => {
                let start = tag.split_once("start=\"").and_then(|(_, v)| v.split('"').next()?.parse().ok());
                lists.push(Some(start.unwrap_or(1)));
            }
            "/ul" | "/ol" => {
                lists.pop();
            }
            "li" if output == Output::Pdf => match lists.last_mut() {
                Some(Some(n)) => {
                    out.push_str(&format!("{n}. "));
                    *n += 1;
                }
                _ => out.push_str("\u{2022} "),
            },
            "input" if output == Output::Xhtml && tag.contains("type=\"checkbox\"") => {
                out.push(if tag.contains("checked") { '\u{2611}' } else { '\u{2610}' });
            }
            _ => {}
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

/// GFM's tag filter, as the GFM spec's expected HTML applies it to raw HTML: the `<` of these
/// elements' tags is written `&lt;`.
fn tagfilter(html: &str) -> String {
    const FILTERED: [&str; 9] =
        ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"];
    let mut out = html.to_string();
    for name in FILTERED {
        for prefix in ["<", "</"] {
            for case in [name.to_string(), name.to_ascii_uppercase()] {
                let tag = format!("{prefix}{case}");
                out = out.replace(&tag, &format!("&lt;{}", &tag[1..]));
            }
        }
    }
    out
}

/// The literal text of every raw HTML block of the example, as comrak (with Spotlight's options)
/// parses it.
fn html_blocks(markdown: &str) -> Vec<String> {
    use comrak::nodes::NodeValue;
    let arena = comrak::Arena::new();
    let mut options = spotlight::markdown::options("en");
    options.extension.front_matter_delimiter = None;
    let doc = comrak::parse_document(&arena, markdown, &options);
    doc.descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::HtmlBlock(block) => Some(block.literal.clone()),
            _ => None,
        })
        .collect()
}

/// The spec's expected HTML without the raw HTML blocks, which Spotlight drops by design. Each
/// block is found verbatim in the expected HTML (the spec passes raw HTML through; GFM's through its
/// tag filter): a block the spec does not have is an error.
fn without_html_blocks(ex: &Example) -> Result<String, String> {
    let mut html = ex.html.clone();
    let mut from = 0;
    for block in html_blocks(&ex.markdown) {
        let found = [block.clone(), tagfilter(&block)]
            .into_iter()
            .find_map(|b| html[from..].find(&b).map(|i| (from + i, b.len())));
        match found {
            Some((at, len)) => {
                html.replace_range(at..at + len, "\n");
                from = at + 1;
            }
            None => return Err(format!("comrak's HTML block {block:?} is not in the spec's HTML")),
        }
    }
    Ok(html)
}

/// Normalize text for comparison: `common::squash` (no whitespace or hyphens, plain quotes), and
/// smart punctuation undone: no dashes at all, every quote straight, ellipses as three dots.
fn norm(text: &str) -> String {
    squash(text)
        .chars()
        .filter(|c| !matches!(c, '-' | '\u{2012}'..='\u{2015}'))
        .flat_map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => vec!['\''],
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => vec!['"'],
            '\u{2026}' => vec!['.', '.', '.'],
            c => vec![c],
        })
        .collect()
}

/// Whether `expected` is in `actual` (both normalized). Spotlight keeps a raw HTML tag that names
/// no HTML element as text (`<bab>`, by design) where the spec passes it through as markup, and GFM's
/// tag filter turns some raw tags into text (`&lt;title>`): when the plain comparison fails, it is
/// repeated with the example's raw inline HTML tags (`raw`, normalized) removed from both sides.
fn contains(actual: &str, expected: &str, raw: &[String]) -> bool {
    if actual.contains(expected) {
        return true;
    }
    let strip = |text: &str| raw.iter().fold(text.to_string(), |t, tag| t.replace(tag.as_str(), ""));
    !raw.is_empty() && strip(actual).contains(&strip(expected))
}

/// The raw inline HTML of the example (`<bab>`, `</a>`, `<!-- c -->`) as comrak parses it,
/// normalized, longest first.
fn raw_inline_html(markdown: &str) -> Vec<String> {
    use comrak::nodes::NodeValue;
    let arena = comrak::Arena::new();
    let mut options = spotlight::markdown::options("en");
    options.extension.front_matter_delimiter = None;
    let doc = comrak::parse_document(&arena, markdown, &options);
    let mut tags: Vec<String> = doc
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::HtmlInline(raw) => Some(norm(raw)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    tags.dedup();
    tags
}

// ---------------------------------------------------------------------------------------------
// What Spotlight refuses by design

/// Images of the example (`<img src=".." alt=".."` as CommonMark renders them; raw `<img>` tags
/// have no generated `alt` and are not images), their sources decoded.
fn images(ex: &Example) -> Vec<String> {
    ex.html
        .match_indices("<img src=\"")
        .filter_map(|(i, m)| {
            let rest = &ex.html[i + m.len()..];
            let end = rest.find('"')?;
            rest[end..].starts_with("\" alt=\"").then(|| percent_decode(&decode_entities(&rest[..end])))
        })
        .collect()
}

/// Link targets of the example (`<a href="..">`).
fn links(ex: &Example) -> Vec<String> {
    ex.html
        .match_indices("<a href=\"")
        .filter_map(|(i, m)| {
            let rest = &ex.html[i + m.len()..];
            rest.find('"').map(|end| decode_entities(&rest[..end]))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Scripts no font of a project without `fonts/` covers (typst's embedded fonts are Latin, Greek
/// and Cyrillic): the Indic scripts, U+0900 to U+0DFF.
fn uncovered(c: char) -> bool {
    ('\u{0900}'..='\u{0DFF}').contains(&c)
}

/// The errors Spotlight must give for the example, by design; empty when it must build.
///
/// - an image whose path is absolute (`/url`): "image path `/url` is absolute";
/// - an image given by a URL: "image `..` is not a file in the project";
/// - an image without the extension of an EPUB core media type (`uri3`; the test creates the file):
///   "image `chapters/en/uri3` is in a format EPUB readers need not support";
/// - a link to an anchor (`#fragment`): the examples never have such a heading, so "link to
///   `#fragment`, which is no heading in `NNNN-example.md`";
/// - a character no font covers: "no glyph for 'ആ' (U+0D06)".
fn rejections(ex: &Example) -> Vec<String> {
    let mut errors = Vec::new();
    for src in images(ex) {
        if src.starts_with('/') {
            errors.push(format!("image path `{src}` is absolute"));
        } else if has_scheme(&src) {
            errors.push(format!("image `{src}` is not a file in the project"));
        } else {
            let ext = src.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
            if !["png", "jpg", "jpeg", "gif", "svg"].contains(&ext.as_str()) {
                errors.push(format!("image `chapters/en/{src}` is in a format EPUB readers need not support"));
            }
        }
    }
    for href in links(ex) {
        if href.starts_with('#') {
            errors.push(format!("link to `{href}`, which is no heading in `{}.md`", stem(ex.number)));
        }
        // A link to a Markdown file that is no chapter (`./target.md`) leaves the edition: a
        // warning with its text kept, so the example builds.
    }
    let chars: BTreeSet<char> = html_text(&ex.html, Output::Xhtml).chars().filter(|&c| uncovered(c)).collect();
    for c in chars {
        errors.push(format!("no glyph for '{c}' (U+{:04X})", c as u32));
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Projects and diagnostics

/// A project whose chapters are `examples`, with the relative images they use (a JPEG for `.jpg`,
/// else a PNG, under whatever name the example gives).
fn project(slug: &str, examples: &[&Example]) -> Project {
    let p = Project { dir: tempfile::tempdir().expect("temp dir") };
    p.write(
        "report.yaml",
        format!(
            "title: Spec corpus {slug}\nslug: {slug}\nyear: 2024\ndate: 2024-01-02\nlanguage: en\npublisher:\n  name: Spotlight Tests\n"
        ),
    );
    let png = fs::read(common::fixture("kitchen-sink").join("chapters/en/img/square.png")).unwrap();
    let jpg = fs::read(common::repo().join("tests/data/square.jpg")).unwrap();
    for ex in examples {
        p.write(&chapter_rel(ex.number), chapter_text(ex));
        for src in images(ex) {
            if src.starts_with('/') || has_scheme(&src) || src.contains("..") {
                continue;
            }
            let lower = src.to_ascii_lowercase();
            let bytes = if lower.ends_with(".jpg") || lower.ends_with(".jpeg") { &jpg } else { &png };
            p.write(&format!("chapters/en/{src}"), bytes);
        }
    }
    p
}

/// One diagnostic of the binary's stderr.
#[derive(Debug)]
struct Diag {
    error: bool,
    message: String,
    file: Option<String>,
}

fn diagnostics(stderr: &str) -> Vec<Diag> {
    let mut out: Vec<Diag> = Vec::new();
    for line in stderr.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            out.push(Diag { error: true, message: m.to_string(), file: None });
        } else if let Some(m) = line.strip_prefix("warning: ") {
            out.push(Diag { error: false, message: m.to_string(), file: None });
        } else if let Some(loc) = line.trim_start().strip_prefix("--> ")
            && let Some(last) = out.last_mut()
        {
            let file = loc.split(':').next().unwrap_or(loc);
            last.file = Some(file.to_string());
        }
    }
    out
}

/// The example a file of the project or the EPUB names (`NNNN-example.*`).
fn example_of(name: &str) -> Option<u32> {
    let base = name.rsplit('/').next()?;
    let (digits, rest) = base.split_at_checked(4)?;
    rest.starts_with("-example").then(|| digits.parse().ok()).flatten()
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 240 { format!("{}...", line.chars().take(240).collect::<String>()) } else { line.into() }
}

// ---------------------------------------------------------------------------------------------
// The corpus run

struct Outcome {
    total: usize,
    accepted_passed: usize,
    rejected_passed: usize,
    failures: BTreeMap<u32, Vec<String>>,
    /// Failures no single example explains.
    general: Vec<String>,
    notes: Vec<String>,
}

impl Outcome {
    fn fail(&mut self, number: u32, reason: impl Into<String>) {
        self.failures.entry(number).or_default().push(reason.into());
    }

    fn summary(&self, name: &str) -> String {
        let passed = self.accepted_passed + self.rejected_passed;
        format!(
            "{name}: {passed} of {} examples pass ({} rejected with an error as designed), {} fail",
            self.total,
            self.rejected_passed,
            self.failures.len()
        )
    }
}

/// Build one rejected example on its own: exit code 1, every expected error present, every error
/// naming the example's chapter file.
fn check_rejected(slug: &str, ex: &Example, expected: &[String]) -> Result<(), String> {
    let p = project(slug, &[ex]);
    let run = p.run(&["build"]);
    let stderr = run.stderr();
    let rel = chapter_rel(ex.number);
    let diags = diagnostics(&stderr);
    let errors: Vec<&Diag> = diags.iter().filter(|d| d.error).collect();
    let found: Vec<String> =
        errors.iter().map(|d| format!("{} ({})", d.message, d.file.as_deref().unwrap_or("-"))).collect();
    if run.code() != 1 {
        return Err(format!("expected exit code 1 with {expected:?}, got {}; errors: {found:?}", run.code()));
    }
    let mut problems = Vec::new();
    for want in expected {
        if !errors.iter().any(|d| d.message.contains(want.as_str()) && d.file.as_deref() == Some(rel.as_str())) {
            problems.push(format!("no error `{want}` naming {rel}"));
        }
    }
    for d in &errors {
        if d.file.as_deref() != Some(rel.as_str()) {
            problems.push(format!("error not naming {rel}: {} ({:?})", d.message, d.file));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(format!("{}; errors: {found:?}", problems.join("; "))) }
}

/// Build the accepted examples in one project, dropping (and failing) any example whose chapter
/// the build reports an error for, until the rest builds.
fn build_accepted(slug: &str, examples: &[&Example], out: &mut Outcome) -> Option<(Project, Vec<u32>)> {
    let mut kept: Vec<&Example> = examples.to_vec();
    for _ in 0..5 {
        let p = project(slug, &kept);
        let run = p.run(&["build", "--emit", "typst"]);
        let stderr = run.stderr();
        let errors: Vec<Diag> = diagnostics(&stderr).into_iter().filter(|d| d.error).collect();
        if run.code() == 0 && errors.is_empty() {
            return Some((p, kept.iter().map(|e| e.number).collect()));
        }
        let mut blamed = BTreeSet::new();
        for d in &errors {
            if let Some(n) = d.file.as_deref().and_then(example_of) {
                out.fail(n, format!("build error: {}", d.message));
                blamed.insert(n);
            }
        }
        if blamed.is_empty() {
            out.general.push(format!(
                "the corpus build failed (exit {}) with no error naming a chapter:\n{stderr}",
                run.code()
            ));
            for ex in &kept {
                out.fail(ex.number, "the corpus build failed");
            }
            return None;
        }
        kept.retain(|e| !blamed.contains(&e.number));
    }
    out.general.push("the corpus build kept failing after five rounds".into());
    None
}

fn run_corpus(name: &str, file: &str, slug: &str) -> Outcome {
    let started = Instant::now();
    let examples = load(file);
    let mut out = Outcome {
        total: examples.len(),
        accepted_passed: 0,
        rejected_passed: 0,
        failures: BTreeMap::new(),
        general: Vec::new(),
        notes: Vec::new(),
    };

    // Split by design: what must build, what must be rejected with a clear error.
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for ex in &examples {
        let errors = rejections(ex);
        if errors.is_empty() { accepted.push(ex) } else { rejected.push((ex, errors)) }
    }

    // Rejected examples: one build each, several at once.
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get()).min(8);
    let results: Vec<(u32, Result<(), String>)> = std::thread::scope(|s| {
        let chunks: Vec<_> = rejected.chunks(rejected.len().div_ceil(threads).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk.iter().map(|(ex, errors)| (ex.number, check_rejected(slug, ex, errors))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for (number, result) in results {
        match result {
            Ok(()) => out.rejected_passed += 1,
            Err(e) => out.fail(number, e),
        }
    }
    let rejected_list: Vec<String> =
        rejected.iter().map(|(ex, errors)| format!("{} ({})", ex.number, errors.join("; "))).collect();
    let rejected_list = if rejected_list.is_empty() { "none".to_string() } else { rejected_list.join(", ") };
    out.notes.push(format!("{name}: rejected by design: {rejected_list}"));

    // Accepted examples: one project, one build.
    let Some((p, built)) = build_accepted(slug, &accepted, &mut out) else {
        return out;
    };
    let by_number: BTreeMap<u32, &Example> = accepted.iter().map(|e| (e.number, *e)).collect();

    // Typst: the chapter's generated source exists (the build compiled it into the PDF).
    for &n in &built {
        let typ = p.path().join("dist/typst/en/chapters/en").join(format!("{}.typ", stem(n)));
        if fs::metadata(&typ).map_or(true, |m| m.len() == 0) {
            out.fail(n, format!("no generated Typst at {}", typ.display()));
        }
    }

    // The text each output must show.
    let mut expected: BTreeMap<u32, (String, String, Vec<String>)> = BTreeMap::new();
    for &n in &built {
        match without_html_blocks(by_number[&n]) {
            Ok(html) => {
                let xhtml = norm(&html_text(&html, Output::Xhtml));
                let pdf = norm(&html_text(&html, Output::Pdf));
                expected.insert(n, (xhtml, pdf, raw_inline_html(&by_number[&n].markdown)));
            }
            Err(e) => out.fail(n, e),
        }
    }

    // EPUB: each chapter's XHTML parses as XML and shows the example's text.
    let epub_path = p.dist(&format!("{slug}-en.epub"));
    let entries: BTreeMap<String, Vec<u8>> = unzip(&epub_path).into_iter().map(|(n, b, _)| (n, b)).collect();
    for &n in &built {
        let name = format!("OEBPS/{}.xhtml", stem(n));
        let Some(bytes) = entries.get(&name) else {
            out.fail(n, format!("{name} is not in the EPUB"));
            continue;
        };
        let xml = String::from_utf8_lossy(bytes);
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        let doc = match roxmltree::Document::parse_with_options(&xml, options) {
            Ok(doc) => doc,
            Err(e) => {
                out.fail(n, format!("{name} is not well-formed XML: {e}"));
                continue;
            }
        };
        let body = doc.descendants().find(|d| d.has_tag_name("body")).unwrap_or(doc.root());
        let text = norm(&body.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect::<String>());
        if let Some((want, _, raw)) = expected.get(&n)
            && !contains(&text, want, raw)
        {
            out.fail(n, format!("text missing from the XHTML: expected {want:?}, the XHTML has {text:?}"));
        }
    }

    // epubcheck on the whole EPUB: every message is attributed to the example whose document it
    // names, or whose document the named line of the navigation or package document refers to.
    if let Some((clean, report)) = epubcheck(&epub_path)
        && !clean
    {
        let mut unattributed = Vec::new();
        for line in report.lines() {
            let Some((level, rest)) = line.split_once('(') else { continue };
            if !matches!(level, "FATAL" | "ERROR" | "WARNING" | "INFO" | "USAGE") {
                continue;
            }
            let located = rest.split_once("OEBPS/").map(|(_, f)| f);
            let file = located.map(|f| f.split('(').next().unwrap_or(f));
            let line_no: Option<usize> = located
                .and_then(|f| f.split_once('('))
                .and_then(|(_, pos)| pos.split([',', ')']).next())
                .and_then(|l| l.parse().ok());
            let number = file.and_then(|f| {
                example_of(f).or_else(|| {
                    let text = String::from_utf8_lossy(entries.get(&format!("OEBPS/{f}"))?).into_owned();
                    let at = text.lines().nth(line_no?.checked_sub(1)?)?.to_string();
                    let i = at.find("-example.")?;
                    at.get(i.checked_sub(4)?..i)?.parse().ok()
                })
            });
            let message = match located {
                Some(f) => format!("{level}({}): OEBPS/{f}", rest.split_once(')').map_or("", |(code, _)| code)),
                None => line.to_string(),
            };
            match number.filter(|n| by_number.contains_key(n)) {
                Some(n) => out.fail(n, format!("epubcheck: {message}")),
                None => unattributed.push(line.to_string()),
            }
        }
        if !unattributed.is_empty() || out.failures.is_empty() {
            out.general.push(format!("epubcheck messages no example explains:\n{}\n{report}", unattributed.join("\n")));
        }
    }

    // PDF: the example's text is in its chapter's part of the PDF text (from its title line "Example
    // N" to the next chapter's), page numbers removed.
    if tool_available("pdftotext") {
        let chapters = pdf_chapters(&pdf_text_raw(&p.dist(&format!("{slug}-en.pdf"))), &built);
        for &n in &built {
            let Some((_, want, raw)) = expected.get(&n) else { continue };
            match chapters.get(&n) {
                None => out.fail(n, "its chapter (a line \"Example N\") is not in the PDF's text"),
                Some(text) if !contains(&norm(text), want, raw) => {
                    out.fail(n, format!("text missing from the PDF: expected {want:?}, the PDF has {:?}", norm(text)))
                }
                Some(_) => {}
            }
        }
    }

    out.accepted_passed = built.iter().filter(|n| !out.failures.contains_key(n)).count();
    out.notes.push(format!("{name}: corpus checked in {:.1} s", started.elapsed().as_secs_f64()));
    out
}

/// The text of a PDF in the order of its content streams (`pdftotext -raw`): typst writes text in
/// reading order, while pdftotext's layout analysis moves the bullets of task list items (whose
/// drawn check boxes it takes for a column gap) away from their text.
fn pdf_text_raw(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// Split the PDF's text into the chapters of `numbers` (in order): each starts at the line that is
/// exactly its title, `Example N`, after the previous chapter's start; the page number a page ends
/// with is dropped.
fn pdf_chapters(text: &str, numbers: &[u32]) -> BTreeMap<u32, String> {
    let mut lines = Vec::new();
    for page in text.split('\u{c}') {
        let mut page_lines: Vec<&str> = page.lines().collect();
        while page_lines.last().is_some_and(|l| l.trim().is_empty()) {
            page_lines.pop();
        }
        if page_lines.last().is_some_and(|l| !l.trim().is_empty() && l.trim().chars().all(|c| c.is_ascii_digit())) {
            page_lines.pop();
            while page_lines.last().is_some_and(|l| l.trim().is_empty()) {
                page_lines.pop();
            }
        }
        lines.extend(page_lines);
    }
    let mut chapters = BTreeMap::new();
    let mut wanted = numbers.iter().peekable();
    let mut current: Option<(u32, String)> = None;
    for line in lines {
        if let Some(&&n) = wanted.peek()
            && line.trim() == format!("Example {n}")
        {
            wanted.next();
            if let Some((m, text)) = current.replace((n, String::new())) {
                chapters.insert(m, text);
            }
            continue;
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((m, text)) = current {
        chapters.insert(m, text);
    }
    chapters
}

fn report(name: &str, file: &str, slug: &str) {
    let examples = load(file);
    let by_number: BTreeMap<u32, &Example> = examples.iter().map(|e| (e.number, e)).collect();
    let out = run_corpus(name, file, slug);
    let summary = out.summary(name);
    for note in &out.notes {
        println!("{note}");
    }
    // Straight to the process's stderr, past the test harness's capture: the counts show in every
    // `cargo test` output, passing or not.
    let _ = writeln!(std::io::stderr(), "{summary}");
    if out.failures.is_empty() && out.general.is_empty() {
        return;
    }
    let mut details = String::new();
    for problem in &out.general {
        details.push_str(&format!("\n- {problem}\n"));
    }
    for (n, reasons) in &out.failures {
        let ex = by_number[n];
        details.push_str(&format!("\n- example {n} ({}): {:?}\n", ex.section, ex.markdown));
        for r in reasons {
            details.push_str(&format!("    {}\n", first_line(r)));
        }
    }
    let numbers: Vec<String> = out.failures.keys().map(u32::to_string).collect();
    panic!("{summary}\nfailing examples: {}\n{details}", numbers.join(", "));
}

#[test]
fn commonmark_spec_examples_build_validate_and_keep_their_text() {
    let examples = load("commonmark-spec.json");
    let numbers: Vec<u32> = examples.iter().map(|e| e.number).collect();
    assert_eq!(numbers, (1..=652).collect::<Vec<_>>(), "the CommonMark 0.31.2 corpus has examples 1 to 652");
    report("commonmark", "commonmark-spec.json", "commonmark");
}

#[test]
fn gfm_spec_examples_build_validate_and_keep_their_text() {
    let examples = load("gfm-spec.json");
    assert_eq!(examples.len(), 28, "the GFM 0.29 corpus has 28 extension examples");
    assert!(examples.iter().all(|e| e.section.contains("(extension)")), "only extension examples");
    report("gfm", "gfm-spec.json", "gfm");
}

#[test]
fn expected_text_reads_the_spec_html_as_each_output_shows_it() {
    let text = |html: &str| html_text(html, Output::Xhtml);
    assert_eq!(text("<p>a &amp; <em>b</em> &#42;&#x2A;&lt;c&gt;</p>"), "a & b **<c>");
    assert_eq!(text("<a foo=\"bar\" bam = 'baz <em>\"</em>'>x<!-- c > d -->y<?p ?>z"), "xyz");
    assert_eq!(decode_entities("&#0;&ouml;&#87654321;"), "\u{FFFD}&ouml;\u{FFFD}");
    let lists = "<ol start=\"3\">\n<li>a</li>\n<li>b<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> c</li>\n</ul></li>\n</ol>\n<ol><li>d</li></ol>";
    assert_eq!(norm(&html_text(lists, Output::Pdf)), "3.a4.b\u{2022}c1.d");
    assert_eq!(norm(&html_text(lists, Output::Xhtml)), "ab\u{2611}cd");
    assert_eq!(norm("\u{201C}a\u{2019}s\u{201D} \u{2014} b\u{2026}"), "\"a's\"b...");
    assert!(contains("a<bab>c", "ac", &["<bab>".into()]));
    assert!(!contains("a<bab>c", "ac", &[]));
    assert_eq!(
        raw_inline_html("a <bab> *b* <!-- c --> <span x=\"1\">d</span>"),
        ["<spanx=\"1\">", "</span>", "<bab>", "<!c>"]
    );
    assert_eq!(tagfilter("<xmp> </TITLE>"), "&lt;xmp> &lt;/TITLE>");
    let ex = Example {
        number: 1,
        section: String::new(),
        markdown: "<div>\nhidden\n</div>\n\n*shown*\n".into(),
        html: "<div>\nhidden\n</div>\n<p><em>shown</em></p>\n".into(),
    };
    assert_eq!(norm(&html_text(&without_html_blocks(&ex).unwrap(), Output::Xhtml)), "shown");
    let img = Example {
        number: 573,
        section: String::new(),
        markdown: String::new(),
        html: "<p><img src=\"/url\" alt=\"x\" /> <img src=\"uri3\" alt=\"\" /> <a href=\"#f\">l</a> *<img src=\"foo\" title=\"*\"/></p>"
            .into(),
    };
    assert_eq!(
        rejections(&img),
        [
            "image path `/url` is absolute",
            "image `chapters/en/uri3` is in a format EPUB readers need not support",
            "link to `#f`, which is no heading in `0573-example.md`"
        ]
    );
    let pdf = "Contents\nExample 1 . . 3\n\u{c}Example 1\nfoo\n\n3\n\u{c}bar\n4\n\u{c}Example 2\n12\n\n5\n";
    let chapters = pdf_chapters(pdf, &[1, 2]);
    assert_eq!(chapters[&1], "foo\nbar\n");
    assert_eq!(chapters[&2], "12\n");
}
