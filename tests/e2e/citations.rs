//! End to end: citations and the generated reference list come out the same in the PDF and the
//! EPUB, for every Pandoc citation form and for in-text, numeric and note styles.

use crate::common::{Project, fixture, pdf_text, squash, tool_available, unzip};

/// Text of an EPUB content document, tags stripped.
fn epub_text(project: &Project, epub: &str, file: &str) -> String {
    let entries = unzip(&project.dist(epub));
    let (_, bytes, _) = entries
        .iter()
        .find(|(n, _, _)| n == &format!("OEBPS/{file}"))
        .unwrap_or_else(|| panic!("{file} not in the EPUB"));
    let xml = String::from_utf8(bytes.clone()).unwrap();
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&xml, options).unwrap();
    let body = doc.descendants().find(|n| n.has_tag_name("body")).expect("a body");
    body.descendants().filter(|n| n.is_text()).map(|n| n.text().unwrap_or("")).collect::<Vec<_>>().join("")
}

/// The reference list as pdftotext sees it: from the last "References" heading to the imprint.
fn pdf_references(text: &str) -> String {
    let start = text
        .match_indices("References\n")
        .filter(|(i, _)| text[..*i].ends_with(['\n', '\x0c']))
        .last()
        .expect("a References section")
        .0;
    let end = text[start..].find("Imprint\n").map_or(text.len(), |e| start + e);
    // Drop the page number printed before the imprint page.
    text[start + "References\n".len()..end].trim().trim_end_matches(char::is_numeric).to_string()
}

fn build_citations(style: &str) -> Project {
    let p = Project::copy_of(&fixture("citations"));
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", config.replace("style: chicago-author-date", &format!("style: {style}")));
    p.run(&["build"]).expect_code(0);
    p
}

#[test]
fn every_citation_form_renders_alike_in_pdf_and_epub() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = build_citations("chicago-author-date");
    let pdf = squash(&pdf_text(&p.dist("citations-en.pdf")));
    let epub = squash(&epub_text(&p, "citations-en.epub", "01-cites.xhtml"));
    for expected in [
        "Parenthetical (Doe 2020).",
        "With a locator (Doe 2020, 12).",
        "Two works (Doe 2020; Roe 2019).",
        "A prefix (see Smith 2004, chap. 3).",
        "Smith writes (2004).",
        "Narrative: Roe (2019) argues.",
        "Doe (2020, 33) shows.",
        "An e-mail someone@example.org and a handle @fes_online stay text.",
    ] {
        assert!(pdf.contains(&squash(expected)), "PDF lacks {expected}");
        assert!(epub.contains(&squash(expected)), "EPUB lacks {expected}");
    }
}

#[test]
fn reference_lists_are_identical_in_pdf_and_epub() {
    if !tool_available("pdftotext") {
        return;
    }
    for project in [build_citations("chicago-author-date"), Project::report()] {
        if project.path().join("chapters/en/01-introduction.md").exists() {
            project.run(&["build"]).expect_code(0);
        }
        let name = std::fs::read_dir(project.path().join("dist"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with("-en.pdf"))
            .unwrap();
        let pdf = pdf_references(&pdf_text(&project.dist(&name)));
        let epub = epub_text(&project, &name.replace(".pdf", ".epub"), "references.xhtml");
        let epub = epub.trim_start_matches(|c: char| c.is_whitespace()).trim_start_matches("References");
        assert_eq!(squash(&pdf), squash(epub), "{name}: reference lists differ");
    }
}

#[test]
fn the_report_cites_at_least_six_works() {
    let p = Project::report();
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let entries = unzip(&p.dist("imrf-spotlight-en.epub"));
    let (_, refs, _) = entries.iter().find(|(n, _, _)| n == "OEBPS/references.xhtml").expect("a reference list");
    let refs = String::from_utf8(refs.clone()).unwrap();
    assert!(refs.matches("<li id=\"h-ref-").count() >= 6, "{refs}");
    let intro =
        String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/01-introduction.xhtml").unwrap().1.clone())
            .unwrap();
    assert!(intro.contains("href=\"references.xhtml#h-ref-un-gcm-2018\""), "citations link to their entry");
}

#[test]
fn switching_to_ieee_changes_both_formats() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = build_citations("ieee");
    let pdf = squash(&pdf_text(&p.dist("citations-en.pdf")));
    let epub = squash(&epub_text(&p, "citations-en.epub", "01-cites.xhtml"));
    for text in [&pdf, &epub] {
        assert!(text.contains(&squash("Parenthetical [1].")), "numeric citation expected");
        assert!(text.contains(&squash("With a locator [1, p. 12].")));
        assert!(!text.contains(&squash("(Doe 2020)")));
    }
    let refs = squash(&epub_text(&p, "citations-en.epub", "references.xhtml"));
    assert!(refs.contains(&squash("J. Doe, Migration and Labour")), "{refs}");
    assert!(pdf.contains(&squash("J. Doe, Migration and Labour")));
}

#[test]
fn note_styles_put_citations_in_footnotes_in_both_formats() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = build_citations("chicago-notes");
    let pdf = squash(&pdf_text(&p.dist("citations-en.pdf")));
    let note = "Jane Doe, Migration and Labour (Example Press, 2020)";
    assert!(pdf.contains(&squash(note)), "PDF footnote");
    let entries = unzip(&p.dist("citations-en.epub"));
    let chapter =
        String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/01-cites.xhtml").unwrap().1.clone()).unwrap();
    assert!(chapter.contains("epub:type=\"noteref\""), "{chapter}");
    assert!(squash(&epub_text(&p, "citations-en.epub", "01-cites.xhtml")).contains(&squash(note)));
}

#[test]
fn unknown_citation_key_names_file_line_and_nearest_key() {
    let p = Project::copy_of(&fixture("citations"));
    p.write("chapters/en/01-cites.md", "# Citations\n\nFine [@doe2020].\n\nBroken [@doe2021, p. 3].\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: unknown citation key `doe2021`\n  --> chapters/en/01-cites.md:5:8\n  = hint: did you mean `@doe2020`?"
    );
    assert!(!p.dist("citations-en.pdf").exists() && !p.dist("citations-en.epub").exists());
}

#[test]
fn duplicate_keys_name_both_files() {
    let p = Project::copy_of(&fixture("citations"));
    p.write(
        "bibliography/zz-again.bib",
        "@book{doe2020,\n  author = {Doe, John},\n  title = {Other},\n  year = {2021},\n}\n",
    );
    let run = p.run(&["build"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("error: duplicate bibliography key `doe2020`: also defined in bibliography/works.yaml:1"),
        "{err}"
    );
    assert!(err.contains("--> bibliography/zz-again.bib:1:1"), "{err}");
}

#[test]
fn malformed_bibliography_names_file_and_line() {
    let p = Project::copy_of(&fixture("citations"));
    p.write("bibliography/works.yaml", "doe2020:\n  type: book\n  title: [unclosed\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert!(run.stderr().contains("--> bibliography/works.yaml:"), "{}", run.stderr());

    let p = Project::copy_of(&fixture("citations"));
    p.write("bibliography/more.bib", "@book{smith04,\n  author = {Smith, John},\n  title = {Unclosed,\n");
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert!(run.stderr().contains("--> bibliography/more.bib:"), "{}", run.stderr());
}

#[test]
fn an_entry_never_cited_is_a_warning() {
    let p = Project::copy_of(&fixture("citations"));
    p.write("chapters/en/01-cites.md", "# Citations\n\nOnly [@doe2020].\n");
    let run = p.run(&["build"]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains("warning: bibliography entry `roe2019` is never cited\n  --> bibliography/works.yaml:"),
        "{err}"
    );
    assert!(
        err.contains("warning: bibliography entry `smith04` is never cited\n  --> bibliography/more.bib:1:1"),
        "{err}"
    );
}

#[test]
fn nocite_lists_works_without_citation() {
    let p = Project::copy_of(&fixture("citations"));
    p.write("chapters/en/01-cites.md", "# Citations\n\nOnly [@doe2020].\n");
    let config = std::fs::read_to_string(p.path().join("report.yaml")).unwrap();
    p.write("report.yaml", format!("{config}  nocite: [smith04]\n"));
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    let refs = epub_text(&p, "citations-en.epub", "references.xhtml");
    assert!(refs.contains("Collective Bargaining in Practice"), "{refs}");
    assert!(!refs.contains("Regular Pathways"), "{refs}");
}

#[test]
fn the_shipped_reference_lists_have_no_doubled_punctuation_in_any_edition() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build"]).expect_code(0);
    for lang in ["en", "fr", "es", "ar", "zh"] {
        let pdf = squash(&pdf_text(&p.dist(&format!("imrf-spotlight-{lang}.pdf"))));
        let epub = squash(&epub_text(&p, &format!("imrf-spotlight-{lang}.epub"), "references.xhtml"));
        for text in [&pdf, &epub] {
            for doubled in [".”.", ".\".", ".».", "》."] {
                assert!(!text.contains(doubled), "{lang}: `{doubled}` in {text}");
            }
        }
        assert!(epub.contains(&squash("(No. 87)")), "{lang}: {epub}");
    }
}

#[test]
fn an_arabic_edition_keeps_latin_citations_whole_in_pdf_and_epub() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build"]).expect_code(0);
    let entries = unzip(&p.dist("imrf-spotlight-ar.epub"));
    let intro =
        String::from_utf8(entries.iter().find(|(n, _, _)| n == "OEBPS/01-introduction.xhtml").unwrap().1.clone())
            .unwrap();
    let span = "<span lang=\"en\" xml:lang=\"en\" dir=\"ltr\"><a href=\"references.xhtml#h-ref-un-gcm-2018\">(United Nations General Assembly 2018;";
    assert!(intro.contains(span), "the citation is isolated as English: {intro}");
    // pdftotext marks direction runs with embeddings; without them the run reads in order.
    let text = pdf_text(&p.dist("imrf-spotlight-ar.pdf"));
    let pdf =
        squash(&text.chars().filter(|c| !matches!(*c as u32, 0x202A..=0x202E | 0x2066..=0x2069)).collect::<String>());
    assert!(
        pdf.contains(&squash("(United Nations General Assembly 2018; 2022)")),
        "brackets stay with their text: {pdf}"
    );
    assert!(!pdf.contains(&squash("United Nations)")), "no bracket torn across the direction change");
}

#[test]
fn every_item_keeps_its_own_prefix_locator_and_suffix() {
    let p = Project::copy_of(&fixture("citations"));
    p.write(
        "chapters/en/01-cites.md",
        "# Citations\n\nA [see @roe2019, for a review; compare @doe2020, ch. 2].\n\nB [-@smith04, p. 21].\n\nC [@doe2020, chap. 2, for the history].\n",
    );
    p.run(&["build", "--format", "epub"]).expect_code(0);
    let text = squash(&epub_text(&p, "citations-en.epub", "01-cites.xhtml"));
    for expected in [
        "A (see Roe 2019, for a review; compare Doe 2020, chap. 2).",
        "B (2004, 21).",
        "C (Doe 2020, chap. 2, for the history).",
    ] {
        assert!(text.contains(&squash(expected)), "lacks {expected}: {text}");
    }
}
