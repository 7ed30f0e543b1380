//! Nothing breaks, nothing is lost: the output folder rule, unreadable data files, BibTeX and YAML
//! errors with line and column, one error for a missing bibliography, repeated problems folded.

use std::fs;

use crate::common::{Project, fixture};

#[test]
fn an_output_folder_among_the_sources_is_refused_with_exit_2() {
    let p = Project::copy_of(&fixture("minimal"));
    for out in ["chapters/en", "chapters/en/new", "theme", "fonts/x", "bibliography", ".", "chapters/../"] {
        let target = p.path().join(out);
        let run = p.run(&["build", "--format", "epub", "--out", target.to_str().unwrap()]);
        run.expect_code(2);
        let err = run.first_error();
        assert!(err.starts_with("error: refusing to write into"), "{out}: {err}");
        assert!(err.contains("--out dist"), "{out}: {err}");
    }
    let names: Vec<String> = fs::read_dir(p.path().join("chapters/en"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["01-chapter.md"], "nothing was written into the sources");
    assert!(!p.path().join("minimal-en.epub").exists());
    // A folder beside the sources is fine.
    let run = p.run(&["build", "--format", "epub", "--out", p.path().join("out").to_str().unwrap()]);
    run.expect_code(0);
    assert!(p.path().join("out/minimal-en.epub").is_file());
}

#[test]
fn a_people_or_edition_file_that_cannot_be_read_is_an_error_not_absent() {
    for rel in ["people.yaml", "chapters/en/people.yaml", "chapters/en/edition.yaml"] {
        let p = Project::copy_of(&fixture("minimal"));
        if rel != "people.yaml" {
            // An edition's people file is read for the people of the shared file.
            p.write("people.yaml", "- id: a\n  name: A\n");
        }
        // A folder in the file's place cannot be read, even by root (who reads any file).
        fs::create_dir_all(p.path().join(rel)).unwrap();
        let run = p.run(&["check"]);
        assert_ne!(run.code(), 0, "{rel}: {}", run.stderr());
        let err = run.first_error();
        assert!(err.contains(&format!("error: cannot read {rel}")), "{rel}: {err}");
        assert!(err.contains(&format!("--> {rel}")), "{rel}: {err}");
    }
}

#[test]
fn status_says_a_chapter_is_unreadable_instead_of_hashing_nothing() {
    let p = Project::report();
    fs::remove_file(p.path().join("chapters/en/02-expectations.md")).unwrap();
    fs::create_dir(p.path().join("chapters/en/02-expectations.md")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["status", "--project"])
        .arg(p.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unreadable  02-expectations.md  cannot read chapters/en/02-expectations.md"), "{text}");
    assert!(!text.contains("source now \n"), "{text}");
}

#[test]
fn bibtex_errors_give_line_and_column_not_byte_offsets() {
    let p = Project::with_chapter("# A\n\nAs said [@a].\n");
    p.write("bibliography/refs.bib", "@book{a,\n  title = {T}\n  author = {B},\n}\n");
    let run = p.run(&["check"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: malformed BibTeX: expected comma\n  --> bibliography/refs.bib:3:3\n  = hint: check the entry's braces, commas and quotes at this place"
    );
}

#[test]
fn yaml_errors_give_line_and_column() {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("people.yaml", "- id: a\n  name: A\n  - broken\n");
    let run = p.run(&["check"]);
    let err = run.first_error();
    assert!(err.contains("--> people.yaml:3:"), "{err}");
    p.write("people.yaml", "[]\n");
    p.write("chapters/en/edition.yaml", "title: [unclosed\n");
    let err = p.run(&["check"]).first_error();
    assert!(err.contains("--> chapters/en/edition.yaml:"), "{err}");
    assert!(err.lines().nth(1).is_some_and(|l| l.matches(':').count() == 2), "line and column: {err}");
}

#[test]
fn citations_without_a_bibliography_give_one_error() {
    let cites: String = (0..49).map(|i| format!("Point [@key{i}].\n\n")).collect();
    let p = Project::with_chapter(&format!("# A\n\n{cites}"));
    let run = p.run(&["check"]);
    run.expect_code(1);
    let err = run.stderr();
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("49 citation(s) of 49 key(s)"), "{err}");
    assert!(err.contains("--> chapters/en/01-chapter.md:3:7"), "{err}");
}

#[test]
fn a_problem_repeated_many_times_is_printed_once_with_a_count() {
    let images: String = (0..40).map(|_| "![x](missing.png)\n\n").collect();
    let p = Project::with_chapter(&format!("# A\n\n{images}"));
    let run = p.run(&["check"]);
    run.expect_code(1);
    let err = run.stderr();
    assert_eq!(err.matches("error: image not found").count(), 1, "{err}");
    assert!(err.contains("(40 times)"), "{err}");
    assert!(err.contains("also at: chapters/en/01-chapter.md:5:1, chapters/en/01-chapter.md:7:1,"), "{err}");
    assert!(err.contains("and 36 more"), "{err}");
    // Machines still get every occurrence.
    let json = p.run(&["check", "--message-format", "json"]).stderr();
    assert_eq!(json.matches("image not found").count(), 40);
}
