//! End to end: hostile and broken input. Limits, encodings, broken configuration and confinement
//! each give one clear error (or build), within bounds, and never a panic (exit code 101).

use crate::common;

use std::fs;

use crate::common::{Project, fixture};

/// Build and return the run; a panic would show as exit code 101.
fn build(p: &Project, extra: &[&str]) -> common::Run {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let run = p.run(&args);
    assert_ne!(run.code(), 101, "panic:\n{}", run.stderr());
    run
}

#[test]
fn ten_thousand_nested_quotes_and_lists_fail_with_a_clear_error() {
    for body in
        ["> ".repeat(10_000) + "deep", (0..10_000).map(|i| format!("{}- item\n", "  ".repeat(i % 400))).collect()]
    {
        let p = Project::with_chapter(&format!("# Deep\n\n{body}\n"));
        let run = build(&p, &["--format", "pdf"]);
        if run.code() == 1 {
            assert!(
                run.first_error().starts_with("error: content is nested more than 48 levels deep"),
                "{}",
                run.stderr()
            );
        } else {
            run.expect_code(0);
        }
    }
    let p = Project::with_chapter(&format!("# Deep\n\n{}deep\n", "> ".repeat(10_000)));
    build(&p, &[]).expect_code(1);
}

#[test]
fn a_chapter_over_the_size_limit_is_refused_at_once() {
    let p = Project::with_chapter(&format!("# Big\n\n{}\n", "word ".repeat(4_200_000)));
    let run = build(&p, &[]);
    run.expect_code(1);
    assert!(
        run.first_error().starts_with("error: the chapter is 21.0 MB; chapters are limited to 10 MB"),
        "{}",
        run.first_error()
    );
}

#[test]
fn a_megabyte_without_spaces_five_thousand_footnotes_and_a_thousand_columns_build() {
    let notes: String = (0..5000).map(|i| format!("Claim {i}[^n{i}]. ")).collect::<String>()
        + "\n\n"
        + &(0..5000).map(|i| format!("[^n{i}]: Note {i}.\n")).collect::<String>();
    let table = format!(
        "|{}|\n|{}|\n|{}|\n",
        (0..1000).map(|i| format!("c{i}")).collect::<Vec<_>>().join("|"),
        vec!["-"; 1000].join("|"),
        (0..1000).map(|i| i.to_string()).collect::<Vec<_>>().join("|")
    );
    for body in ["a".repeat(1_000_000), notes, table] {
        let p = Project::with_chapter(&format!("# Limits\n\n{body}\n"));
        build(&p, &[]).expect_code(0);
        assert!(p.dist("minimal-en.pdf").is_file() && p.dist("minimal-en.epub").is_file());
    }
}

#[test]
fn invalid_utf8_names_file_and_byte_offset() {
    let p = Project::with_chapter("");
    p.write("chapters/en/01-chapter.md", b"# Title\n\nCaf\xe9 au lait\n".as_slice());
    let run = build(&p, &[]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: the chapter is not valid UTF-8 (byte offset 12)\n  --> chapters/en/01-chapter.md:3:4\n  = hint: save the file as UTF-8"
    );
}

#[test]
fn bom_crlf_cr_nul_and_bidi_controls_are_handled() {
    let cases: [(&[u8], Option<&str>); 4] = [
        (b"\xef\xbb\xbf# Title\n\nWith a byte order mark.\n", None),
        (b"# Title\r\n\r\n**FES:** Windows line endings.\r\n", None),
        (b"# Title\r\rOld Mac line endings.\r", None),
        (
            "# Title\n\nA NUL \u{0} and a bell \u{7} and bidi \u{202E}text\u{202C}.\n".as_bytes(),
            Some("warning: control character U+0000 removed"),
        ),
    ];
    for (bytes, warning) in cases {
        let p = Project::with_chapter("");
        p.write("chapters/en/01-chapter.md", bytes);
        let run = build(&p, &[]);
        run.expect_code(0);
        if let Some(w) = warning {
            assert!(run.stderr().contains(w) && run.stderr().contains("01-chapter.md:3:7"), "{}", run.stderr());
        }
        let text = common::pdf_text(&p.dist("minimal-en.pdf"));
        assert!(text.contains("Title"), "{text}");
    }
}

#[test]
fn broken_yaml_in_every_file_names_file_line_and_column() {
    let cases = [
        ("chapters/en/edition.yaml", "title: [x\n", "chapters/en/edition.yaml:"),
        ("chapters/en/edition.yaml", "strings:\n  contnets: Inhalt\n", "chapters/en/edition.yaml:2:3"),
        ("people.yaml", "- id: a\n  name: A\n  nmae: B\n", "people.yaml:3:"),
        ("people.yaml", "- id: a\n  name: [A\n", "people.yaml:"),
        ("bibliography/refs.yaml", "key:\n  type: book\n  title: [x\n", "bibliography/refs.yaml:"),
        ("chapters/en/01-chapter.md", "---\ntitle: [x\n---\n# T\n", "chapters/en/01-chapter.md:"),
    ];
    for (file, text, place) in cases {
        let p = Project::copy_of(&fixture("minimal"));
        p.write(file, text);
        let run = build(&p, &[]);
        assert!(matches!(run.code(), 1 | 2), "{file}: exit {}", run.code());
        assert!(run.stderr().contains(&format!("--> {place}")), "{file}: {}", run.stderr());
        let line = run.stderr().lines().find(|l| l.contains("-->")).unwrap().to_string();
        assert!(line.matches(':').count() >= 1, "{line}");
    }
    // A wrong type in report.yaml names the expected form.
    let p = Project::copy_of(&fixture("minimal"));
    p.write("report.yaml", "title: T\nslug: s\nyear: soon\nlanguage: en\npublisher: {name: P}\n");
    let run = build(&p, &[]);
    run.expect_code(2);
    assert!(
        run.first_error().contains("expected i32") && run.first_error().contains("report.yaml:3:"),
        "{}",
        run.first_error()
    );
}

#[test]
fn missing_chapters_folder_empty_edition_and_duplicate_numbers_are_clear_errors() {
    let p = Project::copy_of(&fixture("minimal"));
    fs::remove_dir_all(p.path().join("chapters")).unwrap();
    let run = build(&p, &[]);
    run.expect_code(2);
    assert!(run.first_error().starts_with("error: cannot read the chapters of edition `en`"), "{}", run.first_error());

    let p = Project::copy_of(&fixture("minimal"));
    fs::remove_file(p.path().join("chapters/en/01-chapter.md")).unwrap();
    let run = build(&p, &[]);
    run.expect_code(2);
    assert!(run.first_error().starts_with("error: edition `en` has no chapters"), "{}", run.first_error());

    let p = Project::copy_of(&fixture("minimal"));
    p.write("chapters/en/01-again.md", "# Again\n");
    let run = build(&p, &[]);
    run.expect_code(2);
    assert!(run.first_error().contains("two chapters share the order number 1"), "{}", run.first_error());
}

#[test]
fn no_link_can_carry_script_or_data_and_no_image_can_leave_the_project() {
    let p = Project::with_chapter(
        "# T\n\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](data:text/html,<script>x</script>) [d](vbscript:x)\n",
    );
    let run = build(&p, &["--format", "epub"]);
    run.expect_code(0);
    let entries = common::unzip(&p.dist("minimal-en.epub"));
    let chapter =
        String::from_utf8(entries.iter().find(|(n, _, _)| n.ends_with("01-chapter.xhtml")).unwrap().1.clone()).unwrap();
    let lower = chapter.to_ascii_lowercase();
    for bad in ["javascript:", "data:", "vbscript:", "<script", "onclick"] {
        assert!(!lower.contains(bad), "{bad} leaked:\n{chapter}");
    }
    for image in [
        "http://example.org/x.png",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "/etc/passwd",
        "../../../../etc/passwd",
    ] {
        let p = Project::with_chapter(&format!("# T\n\n![x]({image})\n"));
        let run = build(&p, &[]);
        run.expect_code(1);
        assert!(run.first_error().contains("01-chapter.md:3:1"), "{image}: {}", run.first_error());
    }
}

#[test]
fn typst_code_in_names_titles_strings_and_bibliography_stays_text() {
    let p = Project::copy_of(&fixture("citations"));
    p.write(
        "chapters/en/edition.yaml",
        "title: \"#read(\\\"/etc/passwd\\\") $x$\"\nstrings:\n  bibliography: \"#panic() <lbl>\"\n",
    );
    p.write(
        "bibliography/works.yaml",
        "doe2020:\n  type: book\n  title: \"#read(\\\"/etc/passwd\\\") ]) #panic()\"\n  author: Doe, Jane\n  date: 2020\n",
    );
    p.write("chapters/en/01-cites.md", "# Citations\n\nSee [@doe2020].\n");
    let run = build(&p, &["--format", "pdf"]);
    run.expect_code(0);
    let text = common::squash(&common::pdf_text(&p.dist("citations-en.pdf")));
    assert!(text.contains(&common::squash("#read(\"/etc/passwd\") $x$")), "title literal");
    assert!(text.contains(&common::squash("#panic() <lbl>")), "label literal");
    assert!(text.contains(&common::squash("#read(\"/etc/passwd\") ]) #panic()")), "entry literal");
    assert!(!text.contains("root:x:0"));
}
