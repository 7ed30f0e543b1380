//! End to end: kinds of content are declared, never guessed (turns only in an interview), people
//! have roles with their own sections and MARC relators, and files that are not taken as chapters
//! or editions that are not translations are reported instead of dropped silently.

use crate::common::{Project, pdf_text, squash, tool_available, unzip};

/// A policy brief, not an interview: a numbered list whose items open with a bold term and a colon.
const BRIEF: &str =
    "# Water\n\nWhat to do:\n\n1. **Protect the water network**: keep the pipes.\n2. **Fund repairs:** every year.\n";

fn epub_file(p: &Project, epub: &str, file: &str) -> String {
    let entries = unzip(&p.dist(epub));
    let (_, bytes, _) = entries.into_iter().find(|(n, _, _)| n == &format!("OEBPS/{file}")).expect(file);
    String::from_utf8(bytes).unwrap()
}

#[test]
fn bold_text_and_a_colon_stay_bold_text_outside_an_interview() {
    let p = Project::with_chapter(BRIEF);
    p.write("people.yaml", "- id: osei\n  name: Amara Osei\n");
    p.write("chapters/en/people.yaml", "osei:\n  position: Director\n  bio: |\n    Amara Osei leads the institute.\n");
    let run = p.run(&["build", "--deny-warnings"]);
    run.expect_code(0);
    let page = epub_file(&p, "minimal-en.epub", "01-chapter.xhtml");
    assert!(page.contains("<strong>Protect the water network</strong>: keep the pipes."), "{page}");
    assert!(page.contains("<strong>Fund repairs:</strong> every year."), "{page}");
    assert!(!page.contains("turn"), "no speaker turn in a report: {page}");
    if tool_available("pdftotext") {
        let text = squash(&pdf_text(&p.dist("minimal-en.pdf")));
        assert!(text.contains(&squash("Protect the water network: keep the pipes.")), "{text}");
        assert!(text.contains(&squash("About the authors")), "{text}");
        assert!(text.contains(&squash("Author: Amara Osei, Director")), "{text}");
        assert!(!text.contains("nterview"), "{text}");
    }
}

#[test]
fn authors_are_creators_with_their_marc_relator_and_their_own_section() {
    let p = Project::with_chapter(BRIEF);
    p.write(
        "people.yaml",
        "- id: osei\n  name: Amara Osei\n- id: lind\n  name: Jonas Lind\n  role: editor\n- id: kahn\n  name: Rana Kahn\n  role: contributor\n",
    );
    let bio = |id: &str, who: &str| format!("{id}:\n  bio: |\n    {who} works on water.\n");
    p.write("chapters/en/people.yaml", bio("osei", "Amara") + &bio("lind", "Jonas") + &bio("kahn", "Rana"));
    p.run(&["build", "--deny-warnings", "--format", "epub"]).expect_code(0);
    let opf = epub_file(&p, "minimal-en.epub", "content.opf");
    assert!(opf.contains("<dc:creator id=\"creator-osei\">Amara Osei</dc:creator>"), "{opf}");
    assert!(
        opf.contains("<meta refines=\"#creator-osei\" property=\"role\" scheme=\"marc:relators\">aut</meta>"),
        "{opf}"
    );
    assert!(opf.contains("<meta refines=\"#contributor-lind\" property=\"role\" scheme=\"marc:relators\">edt</meta>"));
    assert!(opf.contains("<meta refines=\"#contributor-kahn\" property=\"role\" scheme=\"marc:relators\">ctb</meta>"));
    assert!(!opf.contains("Spotlight Tests</dc:creator>"), "the authors, not the publisher, created it: {opf}");
    let title = epub_file(&p, "minimal-en.epub", "titlepage.xhtml");
    assert!(title.contains("Contributors"), "{title}");
    assert!(title.contains("Editor: "), "{title}");
    let bios = epub_file(&p, "minimal-en.epub", "people.xhtml");
    assert!(bios.contains("About the contributors"), "mixed roles: {bios}");
}

#[test]
fn an_interview_declares_its_turns_and_checks_its_speakers() {
    let p = Project::with_chapter("# Talk\n\n**Host:** Why?\n\n**Guest:** Because.\n");
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}kind: interview\n"));
    p.write(
        "people.yaml",
        "- id: host\n  name: Host\n  role: interviewer\n- id: guest\n  name: Guest\n- id: quiet\n  name: Quiet One\n",
    );
    let bio = |id: &str| format!("{id}:\n  bio: |\n    A bio.\n");
    p.write("chapters/en/people.yaml", bio("guest") + &bio("quiet"));
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    assert!(run.stderr().contains("warning: Quiet One never speaks in the `en` edition"), "{}", run.stderr());
    let page = epub_file(&p, "minimal-en.epub", "01-chapter.xhtml");
    assert!(page.contains("class=\"turn"), "{page}");
    let opf = epub_file(&p, "minimal-en.epub", "content.opf");
    assert!(opf.contains(">ivr</meta>") && opf.contains(">ive</meta>"), "{opf}");
    let bios = epub_file(&p, "minimal-en.epub", "people.xhtml");
    assert!(bios.contains("About the interviewees"), "{bios}");
}

#[test]
fn interview_roles_and_interviewers_outside_an_interview_are_configuration_errors() {
    let p = Project::with_chapter(BRIEF);
    p.write("people.yaml", "- id: osei\n  name: Amara Osei\n  role: interviewee\n");
    let run = p.run(&["build"]);
    assert_eq!(
        run.first_error(),
        "error: person `osei` is an interviewee but the report is not an interview\n  --> people.yaml:1:1\n  = hint: add `kind: interview` to report.yaml, or give the person another role (author, editor, contributor)"
    );
    p.write("people.yaml", "- id: osei\n  name: Amara Osei\n  role: autor\n");
    let run = p.run(&["build"]);
    assert_eq!(
        run.first_error(),
        "error: unknown role `autor` of person `osei`\n  --> people.yaml:1:1\n  = hint: did you mean `author`?"
    );
    std::fs::remove_file(p.path().join("people.yaml")).unwrap();
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}interviewers: [Q]\n"));
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.first_error()
            .starts_with("error: `interviewers` is set but the report is not an interview\n  --> report.yaml:8:1"),
        "{}",
        run.stderr()
    );
    p.write("report.yaml", format!("{config}kind: interveiw\n"));
    let run = p.run(&["build"]);
    run.expect_code(2);
    assert!(
        run.first_error().contains("unknown variant `interveiw`, expected `report` or `interview`"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_markdown_file_that_is_not_a_chapter_is_a_warning_naming_it() {
    let p = Project::with_chapter("# One\n\nText.\n");
    p.write("chapters/en/intro.md", "# Forgotten\n\nText.\n");
    p.write("chapters/en/NOTES.md", "Editor's notes, not a chapter.\n");
    let run = p.run(&["check"]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("warning: `intro.md` is not a chapter: its name does not start with a number and `-`\n  --> chapters/en/intro.md\n  = hint: rename it like 02-intro.md to make it a chapter"),
        "{err}"
    );
    assert!(!err.contains("`NOTES.md`"), "{err}");
    p.run(&["check", "--deny-warnings"]).expect_code(1);
}

#[test]
fn an_edition_without_edition_yaml_is_built_as_an_original_with_a_warning() {
    let p = Project::with_chapter("# One\n\nText.\n");
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}editions: [en, de]\n"));
    p.write("chapters/de/01-chapter.md", "# Eins\n\nText.\n");
    let run = p.run(&["check"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("warning: edition `de` has no edition.yaml: it is built as an original, not as a translation of `en`\n  --> chapters/de/edition.yaml"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_translator_can_start_with_an_empty_folder() {
    let p = Project::with_chapter("# One\n\nText.\n");
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}editions: [en, de]\n"));
    p.write("chapters/de/edition.yaml", "translation:\n  of: en\n  status: draft\n");
    let run = p.run(&["status", "--project", p.path().to_str().unwrap()]);
    run.expect_code(0);
    let out = String::from_utf8_lossy(&run.output.stdout).into_owned();
    assert!(out.contains("01-chapter.md") && out.contains("missing"), "{out}");
    p.run(&["check"]).expect_code(0);
}

#[test]
fn a_label_nothing_shows_is_a_warning_naming_its_line() {
    let p = Project::with_chapter("# One\n\nText.\n");
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}editions: [en, de]\n"));
    p.write("chapters/de/01-chapter.md", "# Eins\n\nText.\n");
    p.write("chapters/de/edition.yaml", "title: Titel\nstrings:\n  contents: Inhalt\n  participants: Teilnehmende\n");
    let run = p.run(&["check"]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("warning: label `participants` is not used by the `de` edition\n  --> chapters/de/edition.yaml:4:3\n  = hint: remove `participants` from `strings:`; the report is not an interview (`kind: interview`)"),
        "{err}"
    );
    assert!(!err.contains("`contents`"), "{err}");
}
