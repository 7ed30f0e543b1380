//! Page economy: no chapter of any edition ends on a page holding only a few lines, in either
//! profile, counted from the PDF itself (the outline for where chapters start, text positions for
//! the lines); the fit removes a spill-over the designed setting leaves, and leaves alone a
//! chapter that needs none.

use std::path::Path;
use std::process::Command;

use crate::common::{Project, fixture, pypdf_available};

/// The fewest lines a chapter's last page may hold (Spotlight's `fit::MIN_LINES`, restated: the
/// test reads the PDF, not Spotlight's own measure).
const MIN_LINES: usize = 5;

/// How one chapter ends in a PDF, as `lastlines.py` reads it.
#[derive(Debug, Clone, PartialEq)]
struct End {
    first: usize,
    last: usize,
    lines: usize,
    title: String,
}

impl End {
    fn is_orphan(&self) -> bool {
        self.last > self.first && self.lines < MIN_LINES
    }
}

/// Every chapter's first and last page and the body lines on its last page.
fn endings(pdf: &Path) -> Vec<End> {
    crate::common::py_script("lastlines.py", &[pdf.as_os_str()])
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, '\t').collect();
            End {
                first: f[0].parse().unwrap(),
                last: f[1].parse().unwrap(),
                lines: f[2].parse().unwrap(),
                title: f[3].into(),
            }
        })
        .collect()
}

/// Build the report's PDFs with `args` and check every chapter of every edition.
fn no_orphan_page_in(args: &[&str]) {
    if !pypdf_available() {
        return;
    }
    let p = Project::report();
    let mut build = vec!["build", "--format", "pdf"];
    build.extend_from_slice(args);
    p.run(&build).expect_code(0);
    let mut orphans = Vec::new();
    for lang in ["en", "fr", "es", "ar", "he", "zh"] {
        let ends = endings(&p.dist(&format!("imrf-spotlight-{lang}.pdf")));
        assert!(ends.len() >= 5, "{lang}: the outline lists only {} chapters", ends.len());
        for end in ends {
            eprintln!(
                "{lang} {args:?}: pages {}-{}, {} lines on the last: {}",
                end.first, end.last, end.lines, end.title
            );
            if end.is_orphan() {
                orphans.push(format!("{lang}: {end:?}"));
            }
        }
    }
    assert!(orphans.is_empty(), "chapters ending on a page of fewer than {MIN_LINES} lines: {orphans:#?}");
}

#[test]
fn no_chapter_of_the_report_ends_on_an_orphan_page_on_screen() {
    no_orphan_page_in(&[]);
}

#[test]
fn no_chapter_of_the_report_ends_on_an_orphan_page_in_print() {
    no_orphan_page_in(&["--profile", "print", "--page", "a5", "--bleed", "3mm"]);
}

/// The theme line that turns the fitting off: `fitted` sets every level as designed.
const NO_FIT_THEME: &str = "#import \"/spotlight/default.typ\": *\n// Fitting off: every level is set as designed.\n#let fitted(level, body) = body\n";

/// Render pages `first..=last` of a PDF to PNG bytes, one per page.
fn renders(pdf: &Path, first: usize, last: usize) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let out = Command::new("pdftoppm")
        .args(["-r", "40", "-png", "-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm");
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn the_fit_takes_back_a_spill_over_page_and_leaves_other_chapters_alone() {
    if !pypdf_available() || !crate::common::tool_available("pdftoppm") {
        return;
    }
    let designed = Project::copy_of(&fixture("economy"));
    designed.write("theme/report.typ", NO_FIT_THEME);
    designed.run(&["build", "--format", "pdf"]).expect_code(0);
    let fitted = Project::copy_of(&fixture("economy"));
    fitted.run(&["build", "--format", "pdf"]).expect_code(0);
    let before = endings(&designed.dist("economy-en.pdf"));
    let after = endings(&fitted.dist("economy-en.pdf"));
    eprintln!("designed: {before:#?}\nfitted: {after:#?}");
    assert_eq!(before.len(), 2);
    // The fixture is made so that the designed setting leaves its second chapter a spill-over page
    // (if the template's design changes, lengthen or shorten 02-spill.md until it does again).
    assert!(!before[0].is_orphan(), "the first chapter should need no fitting: {:?}", before[0]);
    assert!(before[1].is_orphan(), "the fixture no longer spills over as designed: {:?}", before[1]);
    assert!(!after[1].is_orphan(), "the fit left a spill-over page: {:?}", after[1]);
    assert!(after[1].last <= before[1].last, "the fit made the chapter longer: {before:?} -> {after:?}");
    // The first chapter is set as designed, pixel for pixel.
    assert_eq!(after[0], before[0]);
    let (a, b) = (renders(&designed.dist("economy-en.pdf"), before[0].first, before[0].last), {
        renders(&fitted.dist("economy-en.pdf"), after[0].first, after[0].last)
    });
    assert_eq!(a.len(), before[0].last - before[0].first + 1);
    assert!(a == b, "the chapter that needed no fitting changed");
}

#[test]
fn fitted_builds_are_byte_identical() {
    let p = Project::copy_of(&fixture("economy"));
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let first = std::fs::read(p.dist("economy-en.pdf")).unwrap();
    p.run(&["build", "--format", "pdf", "--no-cache"]).expect_code(0);
    assert!(first == std::fs::read(p.dist("economy-en.pdf")).unwrap(), "a second build differs");
}

#[test]
fn the_emitted_typst_is_what_the_pdf_was_made_from_after_fitting() {
    if !crate::common::tool_available("pdftotext") {
        return;
    }
    let p = Project::copy_of(&fixture("economy"));
    p.run(&["build", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    let alone = p.path().join("alone.pdf");
    let root = p.path().join("dist/typst/en");
    let fonts = p.path().join("fonts");
    p.run(&[
        "typst",
        "--root",
        root.to_str().unwrap(),
        "--font-dir",
        fonts.to_str().unwrap(),
        "/main.typ",
        "-o",
        alone.to_str().unwrap(),
    ])
    .expect_code(0);
    let text = |pdf: &Path| {
        let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let (built, emitted) = (text(&p.dist("economy-en.pdf")), text(&alone));
    // The fixture's second chapter is fitted (the test above), so the designed Typst would set it
    // on one page more.
    assert_eq!(emitted.matches('\u{c}').count(), built.matches('\u{c}').count(), "pages differ");
    assert_eq!(emitted, built, "the emitted Typst sets other lines than the PDF");
}

/// The lines of text on each page of a PDF (blank lines not counted).
fn lines_per_page(pdf: &Path) -> Vec<usize> {
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<usize> =
        text.split('\u{c}').map(|page| page.lines().filter(|l| !l.trim().is_empty()).count()).collect();
    pages.pop_if(|n| *n == 0);
    pages
}

/// Give each of `langs` eleven more chapters of seven sections (titles from the words of its first
/// chapter's first paragraph), so the contents run over several pages.
fn lengthen(p: &Project, langs: &[&str], first: &str) {
    for lang in langs {
        let source = std::fs::read_to_string(p.path().join(format!("chapters/{lang}/{first}"))).unwrap();
        // After the front matter, if any: the first line that is not a heading.
        let body = source
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map_or(source.as_str(), |(_, b)| b);
        let paragraph = body.lines().find(|l| !l.is_empty() && !l.starts_with('#')).unwrap();
        let words: Vec<String> = if paragraph.contains(' ') {
            paragraph.split_whitespace().map(str::to_string).collect()
        } else {
            // Chinese and Japanese: no spaces; take runs of three characters.
            paragraph.chars().collect::<Vec<_>>().chunks(3).map(|c| c.iter().collect()).collect()
        };
        for c in 3..=13 {
            let mut chapter = format!("# {} {c}\n\n", words[..3].join(" "));
            for s in 1..=7 {
                let title = words.iter().cycle().skip(c * 7 + s).take(2 + s % 4).cloned().collect::<Vec<_>>().join(" ");
                chapter.push_str(&format!("## {title} {s}\n\n{paragraph}\n\n"));
            }
            p.write(&format!("chapters/{lang}/{c:02}-more.md"), chapter);
        }
    }
}

/// Compile each edition's emitted Typst with the contents' stand-in forced into the last layout
/// pass too, and compare its pages with the built PDF's, line counts page by page.
fn stand_in_matches(p: &Project, langs: &[&str], slug: &str) {
    // The fonts the build used (typst's own when the project has none).
    let fonts = p.path().join("fonts");
    for lang in langs {
        let root = p.path().join("dist/typst").join(lang);
        let template = root.join("spotlight/report.typ");
        let text = std::fs::read_to_string(&template).unwrap();
        let test = "if entries.len() > 0 and query(heading).len() == 0 {";
        assert!(text.contains(test), "the template no longer chooses the stand-in this way");
        std::fs::write(&template, text.replace(test, "if true {")).unwrap();
        let forced = p.path().join(format!("forced-{lang}.pdf"));
        let args = ["typst", "--root", root.to_str().unwrap(), "--font-dir", fonts.to_str().unwrap(), "/main.typ"];
        let mut args = args.to_vec();
        args.extend(["-o", forced.to_str().unwrap()]);
        p.run(&args).expect_code(0);
        let (real, stand_in) = (lines_per_page(&p.dist(&format!("{slug}-{lang}.pdf"))), lines_per_page(&forced));
        assert_eq!(real.len(), stand_in.len(), "{lang}: the stand-in moved the pages after it");
        // The title page, then the contents: every page up to the first chapter's.
        let contents = real.iter().zip(&stand_in).take_while(|(a, b)| a == b).count();
        assert!(contents >= 3, "{lang}: contents pages differ: real {real:?}, stand-in {stand_in:?}");
        assert_eq!(real, stand_in, "{lang}: lines per page differ");
    }
}

#[test]
fn the_contents_of_the_first_layout_pass_take_the_pages_the_real_contents_take() {
    // typst's first layout pass knows no heading, so the template sets a stand-in of the contents
    // there (lines from Spotlight); if it took fewer pages than the outline, every later page would
    // move between passes and be laid out a third time. Here the stand-in is forced into the last
    // pass too: its pages must hold as many lines as the real contents', with contents running
    // over several pages: in Hebrew and Arabic (the indent on the right), and in Chinese and
    // Japanese in a project `spotlight new` writes (its own fonts).
    if !crate::common::tool_available("pdftotext") {
        return;
    }
    let p = Project::copy_of(&fixture("rtl"));
    lengthen(&p, &["he", "ar"], "01-chapter.md");
    p.run(&["build", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    stand_in_matches(&p, &["he", "ar"], "rtl");

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cjk");
    let made = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["new", root.to_str().unwrap(), "--lang", "zh", "--lang", "ja", "--title", "目录"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let p = Project::copy_of(&root);
    lengthen(&p, &["zh", "ja"], "01-findings.md");
    p.run(&["build", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    let slug = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    let slug = slug.lines().find_map(|l| l.strip_prefix("slug: ")).unwrap().trim().to_string();
    stand_in_matches(&p, &["zh", "ja"], &slug);
}
