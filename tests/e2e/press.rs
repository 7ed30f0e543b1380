//! End to end: print editions for a press. Colour in the print profile (text in black ink only,
//! no transparency, registration-colour marks; the cover field into the bleed is themes.rs) and
//! PDF/X-4, each
//! structural requirement of ISO 15930-7:2010 that can be checked without a certified preflight.

use std::path::Path;
use std::process::Command;

use crate::common::{self, Project, tool_available};

const A5_BLEED: [&str; 9] = ["build", "--format", "pdf", "--profile", "print", "--page", "a5", "--bleed", "3mm"];

/// The PDF with streams decompressed and objects out of object streams (qpdf --qdf).
fn qdf(pdf: &Path) -> String {
    let out = pdf.with_extension("qdf.pdf");
    let ok = Command::new("qpdf").args(["--qdf", "--object-streams=disable"]).arg(pdf).arg(&out).status().unwrap();
    assert!(ok.success());
    String::from_utf8_lossy(&std::fs::read(out).unwrap()).into_owned()
}

/// The last fill-colour operator before each text object (`BT`) of a content stream.
fn text_fills(content: &str) -> Vec<String> {
    let mut fills = Vec::new();
    let mut current = String::from("default");
    let tokens: Vec<&str> = content.split_whitespace().collect();
    for (i, t) in tokens.iter().enumerate() {
        match *t {
            "k" | "rg" | "g" | "sc" | "scn" => current = format!("{} {t}", tokens[i.saturating_sub(4)..i].join(" ")),
            "BT" => fills.push(current.clone()),
            _ => {}
        }
    }
    fills
}

#[test]
fn print_profile_sets_text_in_black_ink_only_without_transparency() {
    if !tool_available("qpdf") {
        return;
    }
    let p = Project::report();
    p.run(&[&A5_BLEED[..], &["--lang", "en"]].concat()).expect_code(0);
    let text = qdf(&p.dist("imrf-spotlight-en.pdf"));
    // No RGB and no transparency anywhere: no soft masks, no constant alpha, no transparency groups.
    for banned in ["/Transparency", "/SMask", "/ca ", "/CA ", " rg\n", " RG\n"] {
        assert!(!text.contains(banned), "print profile contains {banned:?}");
    }
    // Every text object is filled in K only, or in the theme's accent (its CMYK form in report.yaml).
    let accent = "0 0.85882354 0.7490196 0.30980393 k";
    let mut text_objects = 0;
    // The cover (page 1) sets its text on the colour field; the body pages follow it.
    let body: Vec<&str> = text.split("%% Contents for page ").skip(1).filter(|page| !page.starts_with("1\n")).collect();
    assert!(body.len() > 10, "qpdf wrote no page comments");
    for fill in body.iter().flat_map(|page| text_fills(page)) {
        text_objects += 1;
        let k_only = fill.strip_suffix(" k").is_some_and(|v| v.starts_with("0 0 0 "));
        assert!(k_only || fill.ends_with(accent), "text filled with {fill:?}");
    }
    assert!(text_objects > 500, "only {text_objects} text objects found");
    // Crop marks in registration colour: all four inks.
    assert!(text.contains("1 1 1 1 K"), "no registration-colour strokes");
}

#[test]
fn body_pages_of_a_print_edition_carry_no_cyan_magenta_or_yellow() {
    if !tool_available("gs") {
        return;
    }
    let p = Project::copy_of(&common::fixture("minimal"));
    p.run(&A5_BLEED).expect_code(0);
    let out = Command::new("gs")
        .args(["-q", "-o", "-", "-sDEVICE=inkcov", "-dUseTrimBox"])
        .arg(p.dist("minimal-en.pdf"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages: Vec<Vec<f64>> = report
        .lines()
        .filter(|l| l.contains("CMYK"))
        .map(|l| l.split_whitespace().take(4).map(|v| v.parse().unwrap()).collect())
        .collect();
    assert!(pages.len() >= 3, "{report}");
    // Page 1 is the title page (its accent band); the rest is text and rules.
    for (i, inks) in pages.iter().enumerate().skip(1) {
        assert!(inks[0] == 0.0 && inks[1] == 0.0 && inks[2] == 0.0, "page {}: C M Y K = {inks:?}", i + 1);
    }
    assert!(pages.iter().skip(1).any(|inks| inks[3] > 0.0), "{report}");
}

#[test]
fn x4_export_passes_the_structural_checks_of_iso_15930_7() {
    if !tool_available("pdfinfo") || !tool_available("qpdf") || !tool_available("pdffonts") {
        return;
    }
    let p = Project::report();
    p.run(&[&A5_BLEED[..], &["--lang", "en", "--pdf-standard", "x-4"]].concat()).expect_code(0);
    let pdf = p.dist("imrf-spotlight-en.pdf");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    // ISO 15930-7 (clauses named by subject; the numbered text was not reachable offline):
    // identification, GTS_PDFXVersion in Info (poppler reads it), and the PDF 1.6 file header.
    assert!(info.contains("PDF subtype:    PDF/X-4"), "{info}");
    assert!(info.contains("PDF version:     1.6"), "{info}");
    // ISO 15930-7, file structure: no encryption.
    assert!(info.contains("Encrypted:       no"), "{info}");
    let check = Command::new("qpdf").arg("--check").arg(&pdf).output().unwrap();
    assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    let text = qdf(&pdf);
    // ISO 15930-7, trapping: /Trapped True or False (not Unknown), in Info and XMP alike;
    // metadata: XMP identification consistent with the Info dictionary.
    assert!(text.contains("/GTS_PDFXVersion (PDF/X-4)") && text.contains("/Trapped /False"), "Info dictionary");
    assert!(text.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>"), "XMP identification");
    assert!(text.contains("<pdf:Trapped>False</pdf:Trapped>"), "XMP trapping state");
    assert!(text.contains("<pdf:PDFVersion>1.6</pdf:PDFVersion>"), "XMP version consistent with the header");
    // ISO 15930-7, output intent: S GTS_PDFX, a characterised printing condition, the embedded
    // CMYK destination profile (PDF/X-4, not X-4p: the profile is inside the file).
    assert!(text.contains("/S /GTS_PDFX") && text.contains("/OutputConditionIdentifier (FOGRA39)"), "output intent");
    assert!(text.contains("/DestOutputProfile") && text.contains("/N 4"), "embedded 4-channel profile");
    // ISO 15930-7, page boxes: a TrimBox on every page (and the BleedBox the bleed needs).
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse::<usize>().unwrap();
    assert_eq!(text.matches("/TrimBox [").count(), pages);
    assert_eq!(text.matches("/BleedBox [").count(), pages);
    // ISO 15930-7, fonts: every font embedded.
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {line}");
    }
}

#[test]
fn x4_needs_the_print_profile() {
    let p = Project::copy_of(&common::fixture("minimal"));
    let run = p.run(&["build", "--format", "pdf", "--pdf-standard", "x-4"]);
    run.expect_code(2);
    assert_eq!(
        run.first_error(),
        "error: PDF/X-4 needs the print profile\n  = hint: add --profile print (or `print: {profile: print}` in report.yaml)"
    );
    p.run(&["build", "--format", "pdf", "--profile", "print", "--pdf-standard", "x-4"]).expect_code(0);
}

#[test]
fn a_print_profile_pdf_a_keeps_its_colours_in_rgb_and_builds() {
    // PDF/A's output intent is sRGB: press colour would make typst refuse the export.
    let p = Project::copy_of(&common::fixture("minimal"));
    p.run(&["build", "--profile", "print", "--pdf-standard", "a-2b", "--format", "pdf"]).expect_code(0);
    let content = qdf(&p.dist("minimal-en.pdf"));
    assert!(content.contains("pdfaid"), "the PDF claims PDF/A");
}
