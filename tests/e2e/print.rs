//! End to end: print editions. Trim size, bleed and crop marks with correct page boxes, chapters
//! on right-hand pages, PDF/A and PDF/UA exports with the checks they need on the Markdown.

use crate::common;

use std::process::Command;

use crate::common::{Project, tool_available};

/// Page boxes of page `n` as pdfinfo reports them: (MediaBox, BleedBox, TrimBox).
fn boxes(pdf: &std::path::Path, n: usize) -> [[f64; 4]; 3] {
    let out =
        Command::new("pdfinfo").args(["-box", "-f", &n.to_string(), "-l", &n.to_string()]).arg(pdf).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let get = |name: &str| -> [f64; 4] {
        let line =
            text.lines().find(|l| l.contains(&format!("{name}:"))).unwrap_or_else(|| panic!("no {name} in\n{text}"));
        let v: Vec<f64> = line.split(':').nth(1).unwrap().split_whitespace().map(|x| x.parse().unwrap()).collect();
        [v[0], v[1], v[2], v[3]]
    };
    [get("MediaBox"), get("BleedBox"), get("TrimBox")]
}

const MM: f64 = 72.0 / 25.4;

#[test]
fn print_profile_on_a5_with_bleed_has_the_right_boxes_and_crop_marks() {
    if !tool_available("pdfinfo") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--lang", "en", "--format", "pdf", "--profile", "print", "--page", "a5", "--bleed", "3mm"])
        .expect_code(0);
    let pdf = p.dist("imrf-spotlight-en.pdf");
    for page in [1, 5, 9] {
        let [media, bleed, trim] = boxes(&pdf, page);
        let close = |a: f64, b: f64| (a - b).abs() < 0.1;
        assert!(close(trim[2] - trim[0], 148.0 * MM) && close(trim[3] - trim[1], 210.0 * MM), "A5 trim: {trim:?}");
        for i in 0..2 {
            assert!(close(trim[i] - bleed[i], 3.0 * MM), "3 mm bleed: {bleed:?} around {trim:?}");
            assert!(close(bleed[i + 2] - trim[i + 2], 3.0 * MM), "3 mm bleed: {bleed:?} around {trim:?}");
            assert!(bleed[i] - media[i] > 5.0 * MM, "room for crop marks outside the bleed: {media:?}");
        }
    }
    // Crop marks: ink in the slug at the corners, outside the bleed box.
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let ok = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-f", "5", "-l", "5"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(ok.success());
    let pgm = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&pgm).unwrap();
    let header: Vec<&[u8]> = bytes.splitn(5, |b| b.is_ascii_whitespace()).collect();
    let (w, h): (usize, usize) = (
        std::str::from_utf8(header[1]).unwrap().parse().unwrap(),
        std::str::from_utf8(header[2]).unwrap().parse().unwrap(),
    );
    let pixels = &bytes[bytes.len() - w * h..];
    // Crop marks lie outside the bleed, in line with the trim edges 11 mm in (150 dpi).
    let slug = (12.0 * 150.0 / 25.4) as usize;
    let bleed_px = ((11.0 - 3.0) * 150.0 / 25.4) as usize;
    // Ink in the corner square but outside the bleed box (the outer 8 mm band of the sheet).
    let dark_in = |x0: usize, y0: usize| {
        (y0..y0 + slug).any(|y| {
            (x0..x0 + slug).any(|x| {
                let outside = x < bleed_px || x >= w - bleed_px || y < bleed_px || y >= h - bleed_px;
                outside && pixels[y * w + x] < 200
            })
        })
    };
    assert!(
        dark_in(0, 0) && dark_in(w - slug, 0) && dark_in(0, h - slug) && dark_in(w - slug, h - slug),
        "crop marks at every corner"
    );
    if tool_available("qpdf") {
        let check = Command::new("qpdf").arg("--check").arg(&pdf).output().unwrap();
        assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    }
}

#[test]
fn print_profile_opens_chapters_on_odd_pages_without_headers_on_blank_ones() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--lang", "en", "--format", "pdf", "--profile", "print", "--page", "a5"]).expect_code(0);
    let text = common::pdf_text(&p.dist("imrf-spotlight-en.pdf"));
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let titles: Vec<String> = std::fs::read_dir(p.path().join("chapters/en"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|f| f.file_name().unwrap().to_string_lossy().starts_with(|c: char| c.is_ascii_digit()))
        .map(|f| {
            std::fs::read_to_string(f).unwrap().lines().find_map(|l| l.strip_prefix("# ").map(str::to_string)).unwrap()
        })
        .collect();
    assert_eq!(titles.len(), 7);
    for title in &titles {
        let first_word = title.split_whitespace().next().unwrap();
        let page = pages
            .iter()
            .position(|pg| {
                pg.lines()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.starts_with(first_word) && title.starts_with(l.trim()))
            })
            .unwrap_or_else(|| panic!("chapter opening of {title} not found"));
        assert_eq!((page + 1) % 2, 1, "{title} opens on page {}", page + 1);
    }
    // Blank versos carry neither header nor page number.
    let blank = pages.iter().filter(|pg| pg.trim().is_empty()).count();
    assert!(blank >= 1, "expected blank versos before some chapters");
}

#[test]
fn screen_profile_has_no_bleed_and_a4_pages() {
    if !tool_available("pdfinfo") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--lang", "en", "--format", "pdf"]).expect_code(0);
    let [media, bleed, trim] = boxes(&p.dist("imrf-spotlight-en.pdf"), 3);
    assert_eq!(media, bleed);
    assert_eq!(media, trim);
    assert!((media[2] - 210.0 * MM).abs() < 0.1 && (media[3] - 297.0 * MM).abs() < 0.1);
}

#[test]
fn pdf_a_and_pdf_ua_builds_succeed_for_every_edition() {
    for standard in ["a-2b", "ua-1"] {
        let p = Project::report();
        p.run(&["build", "--format", "pdf", "--pdf-standard", standard]).expect_code(0);
        for lang in ["en", "fr", "es", "ar", "he", "zh"] {
            let bytes = std::fs::read(p.dist(&format!("imrf-spotlight-{lang}.pdf"))).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            match standard {
                "a-2b" => assert!(text.contains("<pdfaid:part>2</pdfaid:part>"), "{lang}: no PDF/A-2 identification"),
                _ => assert!(text.contains("pdfuaid"), "{lang}: no PDF/UA identification"),
            }
        }
    }
}

#[test]
fn an_image_without_alt_text_fails_the_ua_build_naming_file_and_line() {
    let p = Project::copy_of(&common::fixture("kitchen-sink"));
    p.write("chapters/en/04-figure.md", "# Figure\n\nA chart:\n\n![](img/square.png)\n");
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let run = p.run(&["build", "--format", "pdf", "--pdf-standard", "ua-1"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: image `chapters/en/img/square.png` has no alternative text, which PDF/UA-1 requires\n  --> chapters/en/04-figure.md:5:1\n  = hint: describe the image between the brackets: ![what it shows](path)"
    );
}

#[test]
fn skipped_heading_levels_fail_the_ua_build() {
    let p = Project::with_chapter("# Title\n\n## Section\n\n#### Too deep\n");
    let run = p.run(&["build", "--format", "pdf", "--pdf-standard", "ua-1"]);
    run.expect_code(1);
    assert!(
        run.first_error().contains("heading level 4 follows level 2")
            && run.first_error().contains("01-chapter.md:5:1")
    );
}

#[test]
fn bad_print_options_are_usage_errors() {
    let p = Project::copy_of(&common::fixture("minimal"));
    p.run(&["build", "--page", "b7"]).expect_code(2);
    p.run(&["build", "--bleed", "3"]).expect_code(2);
    p.run(&["build", "--pdf-standard", "a-2b", "--pdf-standard", "a-3b"]).expect_code(2);
    let run = p.run(&["build", "--page", "6x9in", "--format", "pdf"]);
    run.expect_code(0);
}
