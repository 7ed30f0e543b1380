//! End to end: the real binary builds PDFs from fixture projects and the report itself; the PDFs
//! are read back with pdftotext and pdffonts.

use crate::common;

use std::fs;
use std::process::Command;

use crate::common::{Project, fixture, pdf_bookmarks, pdf_text, squash, tool_available};

/// Split text into sentences at paragraph breaks and at `.`, `?`, `!` followed by whitespace.
fn sentences(text: &str) -> Vec<String> {
    text.split("\n\n").flat_map(sentences_of_paragraph).collect()
}

fn sentences_of_paragraph(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '?' | '!') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            out.push(current.trim().to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The `(source, corrected)` pairs listed in chapters/en/CORRECTIONS.md.
fn corrections() -> Vec<(String, String)> {
    let text = fs::read_to_string(common::repo().join("chapters/en/CORRECTIONS.md")).unwrap();
    text.lines()
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let codes: Vec<&str> = l.split('`').skip(1).step_by(2).collect();
            (codes.len() == 2).then(|| (codes[0].to_string(), codes[1].to_string()))
        })
        .collect()
}

#[test]
fn report_pdf_contains_every_sentence_of_the_source_interview() {
    let source = common::repo().join("../shared/source/imrf-interview.txt");
    let Ok(manuscript) = fs::read_to_string(&source) else {
        assert!(std::env::var_os("CI").is_none(), "the manuscript must be beside the clone under CI");
        eprintln!("SKIPPED: {} not found", source.display());
        return;
    };
    if !tool_available("pdftotext") {
        return;
    }
    let fixes = corrections();
    assert!(fixes.len() >= 5, "corrections table not found: {fixes:?}");
    // The interview and its introduction; the bios and the publisher's address have their own checks.
    let interview = manuscript.split("About the interviewees").next().unwrap();
    let mut interview = interview.to_string();
    for (from, to) in &fixes {
        interview = interview.replace(from.as_str(), to);
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let pdf = squash(&pdf_text(&p.dist("imrf-spotlight-en.pdf")));
    let all = sentences(&interview);
    assert!(all.len() > 80, "expected the whole interview, got {} sentences", all.len());
    let missing: Vec<&String> = all.iter().filter(|s| !pdf.contains(&squash(s))).collect();
    assert!(missing.is_empty(), "sentences missing from the PDF: {missing:#?}");
}

#[test]
fn report_pdf_embeds_its_fonts_and_has_title_language_and_chapter_bookmarks() {
    if !tool_available("pdffonts") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let path = p.dist("imrf-spotlight-en.pdf");
    let bytes = fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF"));

    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
    assert!(fonts.contains("NotoSerif-Regular"), "body font from fonts/ expected:\n{fonts}");

    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.contains("Title:           IMRF Puts Global Spotlight on Migration"), "{info}");
    assert!(info.contains("Author:          Friedrich-Ebert-Stiftung"), "{info}");
    assert!(info.contains("Keywords:") && info.contains("migration"), "{info}");
    assert!(String::from_utf8_lossy(&bytes).contains("/Lang(en)"), "document language missing");

    let bookmarks = pdf_bookmarks(&bytes);
    for chapter in fs::read_dir(common::repo().join("chapters/en")).unwrap() {
        let path = chapter.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.chars().next().unwrap().is_ascii_digit() {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let title = text.lines().find_map(|l| l.strip_prefix("# ")).unwrap();
        assert!(bookmarks.iter().any(|b| b == title), "no bookmark for {title}: {bookmarks:?}");
    }
}

#[test]
fn report_pdf_sets_turns_box_and_colophon() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let text = pdf_text(&p.dist("imrf-spotlight-en.pdf"));
    assert!(text.contains("Launch of the Spotlight Report"), "the highlighted box title");
    assert!(text.contains("Stéphane Jaquemet:"), "speaker names");
    assert!(text.contains("Contents"));
    assert!(text.contains("6 bis, Chemin du Point-du-Jour") && text.contains("1202 Geneva"), "colophon address");
}

#[test]
fn typst_like_text_appears_literally_and_never_executes() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::copy_of(&fixture("kitchen-sink"));
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let text = squash(&pdf_text(&p.dist("kitchen-sink-en.pdf")));
    for literal in [
        "#read(\"/etc/passwd\")",
        "#import \"x.typ\": *",
        "#set page(width: 1cm)",
        "$x^2$",
        "a reference @key and a label <label>",
        "// a comment that is not one, /* nor this */, and = not a heading",
        "= Not a heading either",
        "Typst-like text, $literally$",
        "Kitchen Sink: *every* #feature",
        "#strong[literal]",
        "#emph[x]",
    ] {
        assert!(text.contains(&squash(literal)), "`{literal}` not found literally in the PDF");
    }
    assert!(!text.contains("root:x:0"), "a file outside the project was read");
}

#[test]
fn missing_image_fails_naming_file_and_line() {
    let p = Project::with_chapter("# Title\n\nText.\n\n![a chart](img/chart.png)\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: image not found: `img/chart.png`\n  --> chapters/en/01-chapter.md:5:1\n  = hint: expected the file at chapters/en/img/chart.png"
    );
    assert!(!p.dist("minimal-en.pdf").exists(), "no artifact after an error");
}

#[test]
fn invalid_front_matter_fails_naming_file_and_line() {
    let p = Project::with_chapter("---\ntitle: ok\nsubtitle: [unknown field\n---\n\n# Title\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(err.contains("--> chapters/en/01-chapter.md:3:"), "{err}");

    let p = Project::with_chapter("---\ntitel: A typo\n---\n\n# Title\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(err.contains("unknown field `titel`"), "{err}");
    assert!(err.contains("--> chapters/en/01-chapter.md:2:1"), "{err}");
}

#[test]
fn image_paths_cannot_leave_the_project() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.png"), b"not yours").unwrap();
    for (path, message) in [
        ("../../../secret.png", "lies outside the project"),
        ("/etc/passwd", "is absolute"),
        ("file:///etc/passwd", "is not a file in the project"),
        ("link.png", "points outside the project"),
    ] {
        let p = Project::with_chapter(&format!("# T\n\n![x]({path})\n"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path().join("secret.png"), p.path().join("chapters/en/link.png")).unwrap();
        let run = p.run(&["build"]);
        run.expect_code(1);
        assert!(run.stderr().contains(message), "{path}: {}", run.stderr());
        assert!(run.stderr().contains("chapters/en/01-chapter.md:3:1"), "{}", run.stderr());
    }
}

#[test]
fn image_inside_the_project_is_typeset() {
    let p = Project::copy_of(&fixture("kitchen-sink"));
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let pdf = fs::read(p.dist("kitchen-sink-en.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("/Subtype/Image"), "the image is embedded");
}

#[test]
fn link_to_a_missing_anchor_fails_naming_file_and_line() {
    let p = Project::with_chapter("# T\n\n## Real\n\nSee [there](#rael).\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(err.contains("error: link to `#rael`, which is no heading in `01-chapter.md`"), "{err}");
    assert!(err.contains("--> chapters/en/01-chapter.md:5:5"), "{err}");
    assert!(err.contains("did you mean `#real`?"), "{err}");
}

#[test]
fn broken_report_yaml_exits_2_with_line_and_column() {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("report.yaml", "title: [unclosed\nslug: x\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(run.stderr().contains("--> report.yaml:"), "{}", run.stderr());
    assert!(run.stderr().lines().nth(1).unwrap().matches(':').count() >= 2, "line and column: {}", run.stderr());

    p.write("report.yaml", "title: T\nslug: x\nyear: 2024\nlanguage: en\npublisher: {name: P}\ncolour: red\n");
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(run.stderr().contains("unknown field `colour`"), "{}", run.stderr());
    assert!(run.stderr().contains("--> report.yaml:6:1"), "{}", run.stderr());
}

#[test]
fn check_validates_and_writes_nothing() {
    let p = Project::copy_of(&fixture("minimal"));
    p.run(&["check"]).expect_code(0);
    assert!(!p.path().join("dist").exists());
    p.write("chapters/en/01-chapter.md", "No title here.\n");
    let run = p.run(&["check"]);
    run.expect_code(1);
    assert!(run.stderr().contains("the chapter has no title"), "{}", run.stderr());
}

#[test]
fn emitted_typst_compiles_alone_with_the_embedded_typst() {
    let p = Project::copy_of(&fixture("kitchen-sink"));
    p.run(&["build", "--format", "pdf", "--emit", "typst"]).expect_code(0);
    let emitted = p.path().join("dist/typst/en");
    for file in [
        "main.typ",
        "spotlight/report.typ",
        "spotlight/style.typ",
        "chapters/en/01-typst-like.typ",
        "chapters/en/img/square.png",
    ] {
        assert!(emitted.join(file).is_file(), "{file} not emitted");
    }
    let out = p.path().join("alone.pdf");
    let run = p.run(&[
        "typst",
        "--root",
        emitted.to_str().unwrap(),
        "--font-dir",
        p.path().join("fonts").to_str().unwrap(),
        "/main.typ",
        "-o",
        out.to_str().unwrap(),
    ]);
    run.expect_code(0);
    assert!(fs::read(out).unwrap().starts_with(b"%PDF"));
}

#[test]
fn two_builds_are_byte_identical() {
    let a = Project::copy_of(&fixture("kitchen-sink"));
    let b = Project::copy_of(&fixture("kitchen-sink"));
    a.run(&["build", "--format", "pdf"]).expect_code(0);
    b.run(&["build", "--format", "pdf"]).expect_code(0);
    let name = "kitchen-sink-en.pdf";
    assert_eq!(fs::read(a.dist(name)).unwrap(), fs::read(b.dist(name)).unwrap());
}

#[test]
fn unknown_edition_is_a_usage_error() {
    let p = Project::copy_of(&fixture("minimal"));
    let run = p.run(&["build", "--lang", "fr"]);
    run.expect_code(2);
    assert!(run.stderr().contains("no edition `fr`"), "{}", run.stderr());
}
