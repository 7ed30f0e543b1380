//! End to end: themes. Theme options (colours, cover, cover size) reach the PDF and the EPUB; a
//! project's `theme/report.typ` and `theme/epub.css` replace the built-in files; broken theme files
//! and options fail naming the file and line; the built-in theme carries nothing of the FES design;
//! on print sheets the cover field runs into the bleed.

use std::path::Path;
use std::process::Command;

use crate::common::{self, Project, fixture, tool_available};

const MINIMAL: &str = "title: Minimal Fixture\nslug: minimal\nyear: 2024\ndate: 2024-01-02\nlanguage: en\npublisher:\n  name: Spotlight Tests\n";

fn with_theme(theme_block: &str) -> Project {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("report.yaml", format!("{MINIMAL}{theme_block}"));
    p
}

/// Page `n` of a PDF rendered at `dpi` (the whole sheet, MediaBox): width, height, RGB bytes.
fn render(pdf: &Path, n: usize, dpi: u32) -> (usize, usize, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let page = n.to_string();
    let ok = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-f", &page, "-l", &page])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(ok.success());
    let ppm = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(ppm).unwrap();
    // P6 header: magic, width, height, max value, one whitespace byte, then the pixels.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

fn pixel(image: &(usize, usize, Vec<u8>), x: usize, y: usize) -> [u8; 3] {
    let at = (y * image.0 + x) * 3;
    [image.2[at], image.2[at + 1], image.2[at + 2]]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6)
}

/// The EPUB's stylesheet.
fn epub_css(epub: &Path) -> String {
    let files = common::unzip(epub);
    let (_, bytes, _) = files.iter().find(|(name, _, _)| name == "OEBPS/css/epub.css").expect("a stylesheet");
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn an_accent_option_changes_the_pdf_and_the_epub() {
    if !tool_available("pdftoppm") {
        return;
    }
    let plain = with_theme("");
    plain.run(&["build"]).expect_code(0);
    let green = with_theme("theme:\n  accent: \"#12AB34\"\n");
    green.run(&["build"]).expect_code(0);
    // The built-in title page has a band of the accent colour along its top edge.
    let (before, after) = (render(&plain.dist("minimal-en.pdf"), 1, 30), render(&green.dist("minimal-en.pdf"), 1, 30));
    let top = (before.0 / 2, 2);
    assert!(near(pixel(&after, top.0, top.1), [0x12, 0xab, 0x34]), "{:?}", pixel(&after, top.0, top.1));
    assert!(!near(pixel(&before, top.0, top.1), [0x12, 0xab, 0x34]), "the default accent is not the option's");
    let css = epub_css(&green.dist("minimal-en.epub"));
    assert!(css.contains(":root {\n  --accent: #12ab34;\n}"), "{css}");
    assert!(css.contains("var(--accent)"), "the built-in stylesheet reads the option: {css}");
    assert!(!epub_css(&plain.dist("minimal-en.epub")).contains("#12ab34"));
}

#[test]
fn theme_files_replace_the_template_and_the_stylesheet() {
    let p = Project::copy_of(&fixture("themed"));
    p.run(&["build", "--emit", "typst"]).expect_code(0);
    if tool_available("pdftotext") {
        let text = common::pdf_text(&p.dist("themed-en.pdf"));
        assert!(text.contains("THEMEMARKER"), "the title page comes from theme/report.typ: {text}");
        assert!(text.contains("CALLOUTMARKER"), "chapters call the theme's functions: {text}");
    }
    let css = epub_css(&p.dist("themed-en.epub"));
    assert!(css.contains(".fixture-marker"), "{css}");
    assert!(!css.contains("Spotlight's built-in EPUB stylesheet"), "the theme's stylesheet replaces it: {css}");
    // `--emit typst` writes the templates actually used, so the sources compile on their own.
    let emitted = p.dist("typst/en");
    let theme = std::fs::read_to_string(p.path().join("theme/report.typ")).unwrap();
    assert_eq!(std::fs::read_to_string(emitted.join("theme/report.typ")).unwrap(), theme);
    assert!(std::fs::read_to_string(emitted.join("spotlight/report.typ")).unwrap().contains("/theme/report.typ"));
    assert!(emitted.join("spotlight/default.typ").is_file());
}

#[test]
fn a_broken_theme_template_fails_naming_its_file_and_line() {
    let p = Project::copy_of(&fixture("themed"));
    p.write(
        "theme/report.typ",
        "// A theme with a mistake on line 3.\n#import \"/spotlight/default.typ\": *\n#let report(..args) = missing-function(..args)\n",
    );
    let run = p.run(&["build", "--format", "pdf"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: unknown variable: missing-function\n  --> theme/report.typ:3:23\n  = hint: if you meant to use subtraction, try adding spaces around the minus sign: `missing - function`"
    );
    assert!(!p.dist("themed-en.pdf").exists());
}

#[test]
fn a_broken_theme_stylesheet_fails_naming_its_line() {
    let p = Project::copy_of(&fixture("themed"));
    p.write("theme/epub.css", "body { color: black; }\n\n/* an open comment\n.x { color: red; }\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert_eq!(
        run.first_error(),
        "error: unclosed comment: `/*` without `*/`\n  --> theme/epub.css:3:1\n  = hint: EPUB readers drop a stylesheet they cannot parse; balance braces, comments and quotes"
    );
    p.write("theme/epub.css", "a {\n  color: red;\n}\n}\n");
    assert!(p.run(&["build"]).first_error().contains("--> theme/epub.css:4:1"));
}

#[test]
fn an_invalid_theme_colour_names_the_line_of_report_yaml() {
    let p = with_theme("theme:\n  text: \"#1d2733\"\n  accent: \"crimson\"\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert_eq!(
        run.first_error(),
        "error: invalid colour `crimson` for theme.accent\n  --> report.yaml:10:3\n  = hint: write a colour as \"#rrggbb\", \"cmyk(0%, 90%, 75%, 25%)\" or both (\"#b0182c cmyk(0%, 90%, 75%, 25%)\"), in quotes"
    );
    // Unquoted, `#` starts a YAML comment: the value would vanish without a word.
    let p = with_theme("theme:\n  accent: #b0182c\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.first_error().starts_with("error: theme.accent has no value\n  --> report.yaml:9:3"),
        "{}",
        run.stderr()
    );
    let p = with_theme("theme:\n  cover-size: 16x24\n");
    assert!(p.run(&["build"]).first_error().contains("unknown cover size `16x24`\n  --> report.yaml:9:3"));
}

#[test]
fn the_default_theme_shows_nothing_of_the_fes_design() {
    for file in ["src/formats/pdf/report.typ", "src/formats/epub/epub.css"] {
        let text = std::fs::read_to_string(common::repo().join(file)).unwrap().to_lowercase();
        assert!(!text.contains("b0182c") && !text.contains("8f1324"), "{file} carries the FES red");
    }
    let p = Project::copy_of(&fixture("minimal"));
    p.run(&["build"]).expect_code(0);
    let files = common::unzip(&p.dist("minimal-en.epub"));
    for (name, bytes, _) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        assert!(!text.contains("b0182c"), "{name} carries the FES red");
    }
}

#[test]
fn cover_false_leaves_out_the_generated_cover() {
    let p = with_theme("theme:\n  cover: false\n");
    p.run(&["build"]).expect_code(0);
    let names: Vec<String> = common::unzip(&p.dist("minimal-en.epub")).into_iter().map(|(n, _, _)| n).collect();
    assert!(!names.iter().any(|n| n.contains("cover")), "{names:?}");
    if tool_available("pdftoppm") {
        // The PDF opens on the plain title page: no band of colour along its top.
        let page = render(&p.dist("minimal-en.pdf"), 1, 30);
        assert!(near(pixel(&page, page.0 / 2, 2), [255, 255, 255]));
    }
}

#[test]
fn the_cover_size_option_sizes_the_epub_cover() {
    let p = with_theme("theme:\n  cover-size: a5\n");
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let files = common::unzip(&p.dist("minimal-en.epub"));
    let (_, svg, _) = files.iter().find(|(n, _, _)| n.ends_with("images/cover.svg")).expect("a cover");
    let svg = String::from_utf8_lossy(svg);
    assert!(svg.starts_with("<svg viewBox=\"0 0 419.52"), "A5 is 148 x 210 mm: {}", &svg[..80]);
}

/// The sheet's colour just outside the trim at the top, left and right of the title page, and
/// beyond the bleed (where the crop marks go).
fn bleed_samples(pdf: &Path) -> ([u8; 3], [u8; 3], [u8; 3], [u8; 3]) {
    let dpi = 72;
    let page = render(pdf, 1, dpi);
    let mm = |v: f64| (v * dpi as f64 / 25.4).round() as usize;
    // A5 with 3 mm bleed and the slug for crop marks: the trim starts bleed + slug in.
    let out = (page.0 - mm(148.0)) / 2;
    let (in_bleed, in_slug) = (out - mm(1.5), out - mm(3.0) - mm(2.0));
    (
        pixel(&page, page.0 / 2, in_bleed),
        pixel(&page, in_bleed, out + mm(20.0)),
        pixel(&page, page.0 - 1 - in_bleed, out + mm(20.0)),
        pixel(&page, page.0 / 2, in_slug),
    )
}

#[test]
fn on_print_sheets_the_cover_field_runs_into_the_bleed() {
    if !tool_available("pdftoppm") {
        return;
    }
    let args = ["build", "--lang", "en", "--format", "pdf", "--profile", "print", "--page", "a5", "--bleed", "3mm"];
    let p = Project::report();
    p.run(&args).expect_code(0);
    // Print sheets are CMYK: poppler renders the accent's CMYK form with its own conversion, a
    // little off the screen RGB, hence the wider tolerance.
    let red = [0xb0, 0x18, 0x2c];
    let close = |a: [u8; 3], b: [u8; 3]| a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 24);
    let (top, left, right, slug) = bleed_samples(&p.dist("imrf-spotlight-en.pdf"));
    assert!(close(top, red) && close(left, red) && close(right, red), "{top:?} {left:?} {right:?}");
    assert!(near(slug, [255, 255, 255]), "no colour beyond the bleed: {slug:?}");
    // The built-in theme's band does the same.
    let p = with_theme("theme:\n  accent: \"#12ab34\"\n");
    p.run(&["build", "--format", "pdf", "--profile", "print", "--page", "a5", "--bleed", "3mm"]).expect_code(0);
    let (top, _, _, slug) = bleed_samples(&p.dist("minimal-en.pdf"));
    // An RGB-only accent is converted by typst on print sheets: still the green, not exactly it.
    let green = top[1] > top[0].saturating_add(60) && top[1] > top[2];
    assert!(green && near(slug, [255, 255, 255]), "{top:?} {slug:?}");
}
