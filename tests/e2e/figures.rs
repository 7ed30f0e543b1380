//! End to end: numbered figures and tables with captions, cross-references to figures, tables and
//! sections across chapters (PDF text, EPUB links, epubcheck), their errors naming file and line,
//! and the alt-text warning of every build.

use std::collections::{HashMap, HashSet};

use crate::common::{self, Project, epubcheck, pdf_text, squash, tool_available, unzip};

fn xhtml_pages(p: &Project) -> HashMap<String, String> {
    unzip(&p.dist("figures-en.epub"))
        .into_iter()
        .filter(|(name, _, _)| name.ends_with(".xhtml"))
        .map(|(name, bytes, _)| (name.trim_start_matches("OEBPS/").to_string(), String::from_utf8(bytes).unwrap()))
        .collect()
}

fn parse(page: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    roxmltree::Document::parse_with_options(page, options).expect("well-formed XHTML")
}

#[test]
fn figures_tables_and_cross_references_render_in_pdf_and_epub() {
    let p = Project::copy_of(&common::fixture("figures"));
    p.run(&["build", "--deny-warnings"]).expect_code(0);

    let pages = xhtml_pages(&p);
    let ids: HashMap<&str, HashSet<&str>> = HashMap::new();
    let docs: HashMap<&str, roxmltree::Document> = pages.iter().map(|(n, t)| (n.as_str(), parse(t))).collect();
    let mut ids = ids;
    for (name, doc) in &docs {
        ids.insert(name, doc.descendants().filter_map(|n| n.attribute("id")).collect());
    }
    let method = &docs["01-method.xhtml"];
    let captions: Vec<String> = method
        .descendants()
        .filter(|n| n.has_tag_name("figcaption") || n.has_tag_name("caption"))
        .map(|n| n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect())
        .collect();
    assert_eq!(
        captions,
        ["Figure 1 The square we counted.", "Figure 2 A blue square", "Table 1 What the counting cost, in euros."]
    );
    let labelled = method.descendants().find(|n| n.attribute("id") == Some("h-fig.square")).expect("figure id");
    assert!(labelled.has_tag_name("figure"));
    let img = labelled.descendants().find(|n| n.has_tag_name("img")).unwrap();
    assert_eq!(img.attribute("alt"), Some("A blue square"), "the alt text is the caption's plain text");
    let plain = method.descendants().rfind(|n| n.has_tag_name("figure")).unwrap();
    assert!(plain.descendants().all(|n| !n.has_tag_name("figcaption")), "no title, no id: no caption");

    // Every cross-reference links to an element that exists, with the text of its target.
    let mut refs = Vec::new();
    for (name, doc) in &docs {
        for a in doc.descendants().filter(|n| n.attribute("class") == Some("crossref")) {
            let href = a.attribute("href").unwrap();
            let (file, fragment) = href.split_once('#').unwrap();
            let file = if file.is_empty() { *name } else { file };
            assert!(ids.get(file).is_some_and(|ids| ids.contains(fragment)), "{name}: broken {href}");
            refs.push((name.to_string(), a.text().unwrap_or_default().to_string(), href.to_string()));
        }
    }
    refs.sort();
    let expected = [
        ("01-method.xhtml", "Figure 2", "#h-fig.square"),
        ("01-method.xhtml", "Table 1", "#h-tbl.costs"),
        ("01-method.xhtml", "What we found", "02-findings.xhtml#h-sec.findings"),
        ("02-findings.xhtml", "Figure 2", "01-method.xhtml#h-fig.square"),
        ("02-findings.xhtml", "Figure 3", "#h-fig.last"),
        ("02-findings.xhtml", "Method", "01-method.xhtml#ch-01-method"),
        ("02-findings.xhtml", "Sampling", "01-method.xhtml#h-sec.sampling"),
        ("02-findings.xhtml", "Table 1", "01-method.xhtml#h-tbl.costs"),
        ("02-findings.xhtml", "Table 2", "#h-tbl.staff"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(refs, expected);
    let findings = &pages["02-findings.xhtml"];
    assert!(
        findings.contains("<caption><span class=\"caption-number\">Table 2</span> The staff who counted.</caption>")
    );

    if let Some((clean, report)) = epubcheck(&p.dist("figures-en.epub")) {
        assert!(clean, "{report}");
    }
    if tool_available("pdftotext") {
        let text = squash(&pdf_text(&p.dist("figures-en.pdf")));
        for wanted in [
            "as Figure 2 shows, and list the costs in Table 1.",
            "The findings follow in What we found.",
            "Figure 1 The square we counted.",
            "Figure 2 A blue square",
            "Table 1 What the counting cost, in euros.",
            "see Figure 2 is the one in Figure 3.",
            "Sampling is described in Sampling; the whole approach in Method.",
            "Staff and costs: Table 2, Table 1.",
            "Table 2 The staff who counted.",
            "Figure 3 The last square, again.",
        ] {
            assert!(text.contains(&squash(wanted)), "{wanted:?} not in {text}");
        }
    }
}

#[test]
fn unknown_cross_reference_names_file_line_and_the_nearest_id() {
    let p = Project::copy_of(&common::fixture("figures"));
    p.write("chapters/en/03-more.md", "# More\n\nAs the map\nshows [@fig:squar], it is so.\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: cross-reference to `fig:squar`, which no figure, table or section of this edition has\n  --> chapters/en/03-more.md:4:7\n  = hint: did you mean `@fig:square`?"
    );
}

#[test]
fn duplicate_id_names_both_places() {
    let p = Project::copy_of(&common::fixture("figures"));
    p.write("chapters/en/03-more.md", "# More\n\n## Again {#sec:findings}\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: the id `sec:findings` is used twice\n  --> chapters/en/03-more.md:3:1\n  = hint: it is first used at chapters/en/02-findings.md:3; cross-reference ids are unique in an edition"
    );
}

#[test]
fn figure_id_with_the_wrong_prefix_is_an_error() {
    let p = Project::copy_of(&common::fixture("figures"));
    p.write("chapters/en/03-more.md", "# More\n\n![A square](img/square.png){#tbl:square}\n");
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(1);
    assert_eq!(
        run.first_error(),
        "error: `{#tbl:square}` is not an id for a figure\n  --> chapters/en/03-more.md:3:1\n  = hint: write `{#fig:name}`: `fig:` then ASCII letters, digits, `-` or `_`"
    );
}

#[test]
fn an_image_without_alt_text_warns_in_a_screen_build() {
    let p = Project::copy_of(&common::fixture("figures"));
    p.write(
        "chapters/en/03-more.md",
        "# More\n\nA chart:\n\n![](img/square.png \"A chart\")\n\nand ![](img/square.png) inline.\n",
    );
    let run = p.run(&["build", "--format", "epub"]);
    run.expect_code(0);
    let err = run.stderr();
    assert!(
        err.contains(
            "warning: image `chapters/en/img/square.png` has no alternative text\n  --> chapters/en/03-more.md:5:1\n"
        ),
        "{err}"
    );
    assert!(err.contains("--> chapters/en/03-more.md:7:5"), "{err}");
    p.run(&["build", "--format", "epub", "--deny-warnings"]).expect_code(1);
}

#[test]
fn an_author_given_image_width_reaches_the_pdf_and_the_epub() {
    let p = Project::copy_of(&common::fixture("figures"));
    let path = p.path().join("chapters/en/01-method.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let extra = "\nA square in the text ![a small square](img/square.png){width=3cm} stands here.\n\n\
                 ![A wide square](img/square.png \"Half the column.\"){#fig:half width=50%}\n";
    std::fs::write(&path, format!("{text}{extra}")).unwrap();
    p.run(&["build"]).expect_code(0);
    let epub = unzip(&p.dist("figures-en.epub"));
    let page = epub
        .iter()
        .find(|(n, ..)| n.ends_with("01-method.xhtml"))
        .map(|(_, b, _)| String::from_utf8_lossy(b).into_owned());
    let page = page.expect("the chapter's XHTML");
    assert!(page.contains("style=\"width: 3cm; max-width: 100%\""), "the inline image keeps its width");
    assert!(page.contains("style=\"width: 50%; max-width: 100%\""), "the figure keeps its width");
    assert!(page.contains("stands here"), "the attribute text is gone, the sentence stays");
    assert!(!page.contains("{width"), "no attribute text reaches the EPUB");
    assert!(!pdf_text(&p.dist("figures-en.pdf")).contains("{width"), "no attribute text reaches the PDF");
    if tool_available("pdfimages") {
        let out = std::process::Command::new("pdfimages").arg("-list").arg(p.dist("figures-en.pdf")).output().unwrap();
        let list = String::from_utf8_lossy(&out.stdout);
        // 16 pixels over 3 cm is 13.5 ppi: the image is drawn at the author's width.
        let ppis: Vec<u32> = list.lines().skip(2).filter_map(|l| l.split_whitespace().nth(12)?.parse().ok()).collect();
        assert!(ppis.iter().any(|p| (13..=14).contains(p)), "ppi of the images: {ppis:?}\n{list}");
    }
}

#[test]
fn an_unusable_image_width_names_file_and_line() {
    let p = Project::with_chapter("# One\n\nText ![a](img.png){width=wide} here.\n");
    p.write(
        "chapters/en/img.png",
        std::fs::read(common::fixture("figures").join("chapters/en/img/square.png")).unwrap(),
    );
    let run = p.run(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let err = run.first_error();
    assert!(err.contains("invalid image width `wide`") && err.contains("01-chapter.md:3"), "{err}");
}
