//! End to end: people records become bios and a participants list in both formats; every speaker
//! turn is checked against the records and linked to its person.

use crate::common;

use std::fs;
use std::process::Command;

use crate::common::{Project, epubcheck, pdf_text, squash, tool_available, unzip};

fn epub_file(p: &Project, file: &str) -> String {
    let entries = unzip(&p.dist("imrf-spotlight-en.epub"));
    String::from_utf8(entries.into_iter().find(|(n, _, _)| n == &format!("OEBPS/{file}")).expect(file).1).unwrap()
}

/// The three bios of the manuscript (with the listed corrections), or of people.yaml without it.
fn manuscript_bios() -> Vec<String> {
    let source = common::repo().join("../shared/source/imrf-interview.txt");
    match fs::read_to_string(&source) {
        Ok(text) => {
            let paras: Vec<&str> = text.split("\n\n").map(str::trim).collect();
            let at = paras.iter().position(|p| *p == "About the interviewees").expect("bios section");
            paras[at + 1..at + 4].iter().map(|p| p.replace("tree co-conveners", "three co-conveners")).collect()
        }
        Err(_) => {
            assert!(std::env::var_os("CI").is_none(), "the manuscript must be beside the clone under CI");
            eprintln!("SKIPPED: manuscript not found; comparing with people.yaml");
            let yaml = fs::read_to_string(common::repo().join("chapters/en/people.yaml")).unwrap();
            yaml.lines().filter(|l| l.starts_with("    ")).map(|l| l.trim().to_string()).collect()
        }
    }
}

#[test]
fn both_formats_hold_the_bios_word_for_word_and_the_participants() {
    if !tool_available("pdftotext") {
        return;
    }
    let p = Project::report();
    p.run(&["build"]).expect_code(0);
    let pdf = squash(&pdf_text(&p.dist("imrf-spotlight-en.pdf")));
    let people = epub_file(&p, "people.xhtml");
    let epub_plain: String = {
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
        let doc = roxmltree::Document::parse_with_options(&people, options).unwrap();
        squash(&doc.descendants().filter(|n| n.is_text()).map(|n| n.text().unwrap()).collect::<String>())
    };
    let bios = manuscript_bios();
    assert_eq!(bios.len(), 3);
    for bio in &bios {
        assert!(pdf.contains(&squash(bio)), "PDF lacks bio: {}", &bio[..60]);
        assert!(epub_plain.contains(&squash(bio)), "EPUB lacks bio: {}", &bio[..60]);
    }
    assert!(pdf.contains(&squash("About the interviewees")));
    // The participants list in the opening, with roles.
    let titlepage = epub_file(&p, "titlepage.xhtml");
    for needle in [
        "id=\"participants\"",
        "<a href=\"people.xhtml#h-person-jaquemet\"><strong>Stéphane Jaquemet</strong></a>, Director of Policy, International Catholic Migration Commission (ICMC)",
        "Interviewer: <strong>Friedrich-Ebert-Stiftung (FES)</strong></li>",
    ] {
        assert!(titlepage.contains(needle), "title page lacks {needle}:\n{titlepage}");
    }
    assert!(
        pdf.contains(&squash("Participants"))
            && pdf.contains(&squash("Carol Barton, Co-convener, Women in Migration Network (WIMN)"))
    );
}

#[test]
fn every_turn_is_styled_and_links_to_its_person() {
    let p = Project::report();
    p.run(&["build", "--emit", "typst"]).expect_code(0);
    let mut turns = 0;
    for chapter in fs::read_dir(p.path().join("chapters/en")).unwrap() {
        let name = chapter.unwrap().file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || !name.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let md = fs::read_to_string(p.path().join("chapters/en").join(&name)).unwrap();
        let expected = md.lines().filter(|l| l.starts_with("**") && l.contains(":**")).count();
        let xhtml = epub_file(&p, &name.replace(".md", ".xhtml"));
        let linked = xhtml.matches("<span class=\"speaker\"><a href=\"").count();
        assert_eq!(linked, expected, "{name}: every turn links its speaker");
        assert_eq!(xhtml.matches("class=\"turn ").count(), expected, "{name}");
        let typ =
            fs::read_to_string(p.path().join("dist/typst/en/chapters/en").join(name.replace(".md", ".typ"))).unwrap();
        assert_eq!(typ.matches("#turn(").count(), expected, "{name}");
        assert_eq!(typ.matches("target: none").count(), 0, "{name}: every PDF turn links");
        turns += expected;
    }
    assert_eq!(turns, 22, "the interview has 22 turns");
}

#[test]
fn metadata_names_the_people() {
    let p = Project::report();
    p.run(&["build"]).expect_code(0);
    let opf = epub_file(&p, "content.opf");
    for needle in [
        "<dc:contributor id=\"contributor-misra\">Neha Misra</dc:contributor>",
        "<meta refines=\"#contributor-misra\" property=\"role\" scheme=\"marc:relators\">ive</meta>",
        "<meta refines=\"#contributor-fes\" property=\"role\" scheme=\"marc:relators\">ivr</meta>",
    ] {
        assert!(opf.contains(needle), "package document lacks {needle}");
    }
    if tool_available("pdfinfo") {
        let info = Command::new("pdfinfo").arg(p.dist("imrf-spotlight-en.pdf")).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("Neha Misra") && info.contains("Carol Barton"), "{info}");
    }
    if let Some((clean, out)) = epubcheck(&p.dist("imrf-spotlight-en.epub")) {
        assert!(clean, "{out}");
    }
}

#[test]
fn misspelt_speaker_fails_with_the_closest_name() {
    let p = Project::report();
    let path = p.path().join("chapters/en/02-expectations.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("**Stéphane Jaquemet:**", "**Stephane Jaquemet:**", 1)).unwrap();
    let run = p.run(&["build"]);
    run.expect_code(1);
    let line = text.lines().position(|l| l.starts_with("**Stéphane Jaquemet:**")).unwrap() + 1;
    assert_eq!(
        run.first_error(),
        format!(
            "error: unknown speaker \"Stephane Jaquemet\"\n  --> chapters/en/02-expectations.md:{line}:1\n  = hint: did you mean \"Stéphane Jaquemet\"?"
        )
    );
}

#[test]
fn speaker_names_match_in_any_unicode_normalization() {
    let p = Project::report();
    let path = p.path().join("chapters/en/02-expectations.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("**Stéphane Jaquemet:**", "**Ste\u{301}phane Jaquemet:**")).unwrap();
    p.run(&["build", "--format", "epub"]).expect_code(0);
}

#[test]
fn malformed_people_data_names_file_and_line() {
    let cases = [
        ("- id: fes\n  name: FES\n- id: x\n  rank: y\n", "unknown field `rank`", "people.yaml:4:"),
        ("- id: fes\n- id: x\n  name: X\n", "missing field `name`", "people.yaml:1:"),
        ("- id: fes\n  name: FES\n- id: fes\n  name: Again\n", "duplicate person id `fes`", "people.yaml:3:1"),
    ];
    for (yaml, message, place) in cases {
        let p = Project::report();
        p.write("people.yaml", yaml);
        let run = p.run(&["build"]);
        assert_ne!(run.code(), 0, "{yaml}");
        let err = run.stderr();
        assert!(err.contains(message), "{yaml}: {err}");
        assert!(err.contains(place), "{yaml}: {err}");
    }
    let p = Project::report();
    let path = p.path().join("chapters/en/people.yaml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("  position: Director of Policy", "  rôle: Director of Policy", 1)).unwrap();
    let run = p.run(&["build"]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("unknown field `rôle`") && run.stderr().contains("--> chapters/en/people.yaml:"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_record_that_never_speaks_is_a_warning() {
    let p = Project::report();
    let people = fs::read_to_string(p.path().join("people.yaml")).unwrap();
    p.write("people.yaml", format!("{people}- id: silent\n  name: Silent Person\n"));
    let local = fs::read_to_string(p.path().join("chapters/en/people.yaml")).unwrap();
    p.write(
        "chapters/en/people.yaml",
        format!("{local}silent:\n  position: Observer\n  bio: |\n    Never says a word.\n"),
    );
    let run = p.run(&["build", "--format", "epub", "--lang", "en"]);
    run.expect_code(0);
    assert!(
        run.stderr().contains("warning: Silent Person never speaks in the `en` edition\n  --> people.yaml:"),
        "{}",
        run.stderr()
    );
}
