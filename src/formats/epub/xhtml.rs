//! Renders the model into XHTML content documents for the EPUB: one per chapter, a title page, a
//! colophon and the navigation document. Blocks and inlines are written by the shared renderer
//! (`formats::markup`, which the web edition uses too), so the output is XHTML by construction
//! (every attribute quoted and valued, no raw HTML from Markdown). Every user string passes
//! through `escape`. Never touches the disk.

use std::fmt::Write;

use crate::document::model::{Block, Chapter, Edition};
use crate::document::pages::{Marker, TextPosition};
use crate::document::walk::plain_text;
use crate::formats::escape::{url, xml};
pub use crate::formats::markup::{Flavor, ImageMap, PARTICIPANTS_ID};
use crate::formats::markup::{chapter_section, heading_anchor};

/// The stylesheet of every content document, as stored in the EPUB.
pub const CSS: &str = include_str!("epub.css");
/// The stylesheet's path inside the EPUB, relative to the package document.
pub const CSS_HREF: &str = "css/epub.css";

/// The title page's file name (it holds the participants list).
pub const TITLEPAGE_HREF: &str = "titlepage.xhtml";

/// Return the EPUB file name of a chapter's content document.
pub fn chapter_href(slug: &str) -> String {
    Flavor::Epub.chapter_href(slug)
}

/// Wrap a body in a complete XHTML5 document with the edition's language and direction.
pub fn page(edition: &Edition, title: &str, body_class: &str, body: &str) -> String {
    let lang = xml(&edition.lang);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"UTF-8\"/>\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"{CSS_HREF}\"/>\n</head>\n\
         <body class=\"{body_class}\">\n{body}</body>\n</html>\n",
        dir = edition.dir(),
        title = xml(title),
    )
}

/// Render one chapter as a complete XHTML document, with the page break markers that fall in it.
pub fn chapter(edition: &Edition, chapter: &Chapter, images: &ImageMap, markers: &[(TextPosition, Marker)]) -> String {
    let title = plain_text(&chapter.title);
    page(edition, &title, "chapter", &chapter_section(edition, chapter, images, Flavor::Epub, markers))
}

/// The page break markers of pages that begin with a generated part, written before it.
pub fn markers_before(markers: &[Marker], flavor: Flavor) -> String {
    markers.iter().map(|m| crate::formats::pagebreaks::marker(flavor == Flavor::Epub, m) + "\n").collect()
}

/// Render the title page, after the markers of the pages it stands for.
pub fn title_page(edition: &Edition, markers: &[Marker]) -> String {
    let body = markers_before(markers, Flavor::Epub) + &title_page_body(edition, Flavor::Epub);
    page(edition, &edition.meta.title, "titlepage", &body)
}

/// Render the title page's sections (title, subtitle, year, participants) for either output.
pub fn title_page_body(edition: &Edition, flavor: Flavor) -> String {
    let m = &edition.meta;
    let mut body = format!("<section class=\"titlepage\"{}>\n", flavor.epub_type("titlepage"));
    let _ = writeln!(body, "<p class=\"publisher-name\">{}</p>", xml(&m.publisher.name));
    let _ = writeln!(body, "<h1 class=\"title\">{}</h1>", xml(&m.title));
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(
            body,
            "<p class=\"subtitle\"{} role=\"doc-subtitle\">{}</p>",
            flavor.epub_type("subtitle"),
            xml(sub)
        );
    }
    let _ = writeln!(body, "<p class=\"year\">{}</p>", m.year);
    body.push_str("</section>\n");
    if !edition.participants.is_empty() {
        let _ = writeln!(
            body,
            "<section class=\"participants\" aria-labelledby=\"{PARTICIPANTS_ID}\">\n<h2 id=\"{PARTICIPANTS_ID}\">{}</h2>\n<ul>",
            xml(edition.people_list_title())
        );
        // The colon and comma are the language's (`采访者：`, `، ` in Arabic).
        let colon = xml(&crate::lang::label_separator(&edition.lang));
        let comma = xml(crate::lang::comma(&edition.lang));
        for p in &edition.participants {
            let role = edition.role_label(p).map(|r| format!("{}{colon}", xml(r))).unwrap_or_default();
            let name = match &p.target {
                Some(crate::document::model::LinkTarget::Internal { chapter, anchor }) => format!(
                    "<a href=\"{}#{}\"><strong>{}</strong></a>",
                    xml(&flavor.chapter_href(chapter)),
                    xml(&heading_anchor(anchor)),
                    xml(&p.name)
                ),
                _ => format!("<strong>{}</strong>", xml(&p.name)),
            };
            let detail = if p.detail.is_empty() { String::new() } else { format!("{comma}{}", xml(&p.detail)) };
            let _ = writeln!(body, "<li>{role}{name}{detail}</li>");
        }
        body.push_str("</ul>\n</section>\n");
    }
    body
}

/// Render the colophon: the publisher's address and, for translations, the credit (after the
/// markers of the pages it stands for).
pub fn colophon(edition: &Edition, markers: &[Marker]) -> String {
    let body = markers_before(markers, Flavor::Epub) + &colophon_body(edition, Flavor::Epub);
    page(edition, edition.string("imprint"), "colophon", &body)
}

/// Render the colophon's section for either output.
pub fn colophon_body(edition: &Edition, flavor: Flavor) -> String {
    let m = &edition.meta;
    let mut body = format!("<section class=\"colophon\"{} role=\"doc-colophon\">\n", flavor.epub_type("colophon"));
    let _ = writeln!(body, "<h1>{}</h1>", xml(edition.string("imprint")));
    let _ = write!(body, "<p><strong>{}</strong>", xml(&m.title));
    if let Some(sub) = &m.subtitle {
        let _ = write!(body, "<br/>{}", xml(sub));
    }
    body.push_str("</p>\n");
    let _ = write!(body, "<p>{}<br/><strong>{}</strong>", xml(edition.string("published-by")), xml(&m.publisher.name));
    if let Some(office) = &m.publisher.office {
        let _ = write!(body, "<br/>{}", xml(office));
    }
    // Isolated, so a Latin address line keeps its order (`6 bis, ...`) in a right-to-left edition.
    for line in &m.publisher.address {
        let _ = write!(body, "<br/><bdi>{}</bdi>", xml(line));
    }
    body.push_str("</p>\n");
    if !m.publisher.contact.is_empty() {
        let lines: Vec<String> = m.publisher.contact.iter().map(|l| xml(l)).collect();
        let _ = writeln!(body, "<p dir=\"ltr\">{}</p>", lines.join("<br/>"));
    }
    let _ = writeln!(body, "<p>{}</p>", m.year);
    if let Some(credit) = edition.translation_credit() {
        let _ = writeln!(body, "<p>{}</p>", xml(&credit));
    }
    body.push_str("</section>\n");
    body
}

/// An entry of the navigation document: title, target, nested entries.
pub struct NavEntry {
    /// The label shown.
    pub title: String,
    /// The target, relative to the package document.
    pub href: String,
    /// Sub-entries (sections).
    pub children: Vec<NavEntry>,
}

/// Build the table of contents entries of an edition (chapters with their level-2 sections).
pub fn toc(edition: &Edition) -> Vec<NavEntry> {
    toc_in(edition, Flavor::Epub)
}

/// Build the table of contents entries with the file names of either output.
pub fn toc_in(edition: &Edition, flavor: Flavor) -> Vec<NavEntry> {
    edition
        .chapters
        .iter()
        .map(|c| {
            let href = flavor.chapter_href(&c.slug);
            let children = c
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Heading { level: 2, id, content, .. } if !plain_text(content).trim().is_empty() => {
                        Some(NavEntry {
                            title: plain_text(content),
                            href: format!("{href}#{}", heading_anchor(id)),
                            children: Vec::new(),
                        })
                    }
                    Block::Profile { id, name, .. } => Some(NavEntry {
                        title: name.clone(),
                        href: format!("{href}#{}", heading_anchor(id)),
                        children: Vec::new(),
                    }),
                    _ => None,
                })
                .collect();
            // A navigation entry needs text: an empty title falls back to the file name.
            let title = plain_text(&c.title);
            let title = if title.trim().is_empty() { c.slug.clone() } else { title };
            NavEntry { title, href, children }
        })
        .collect()
}

/// Write a table of contents as nested ordered lists of links (the EPUB's navigation, the web index).
pub fn nav_list(out: &mut String, entries: &[NavEntry]) {
    out.push_str("<ol>\n");
    for e in entries {
        let _ = write!(out, "<li><a href=\"{}\">{}</a>", xml(&url(&e.href)), xml(&e.title));
        if !e.children.is_empty() {
            nav_list(out, &e.children);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// Write the print edition's page list: a link to every page break marker, `(href, label)`, in
/// page order, under the heading `title`.
pub fn page_list(out: &mut String, flavor: Flavor, title: &str, pages: &[(String, String)]) {
    let (epub_type, hidden) = match flavor {
        // Reading systems offer it in their own controls; as a page of the book it would be a wall of numbers.
        Flavor::Epub => (" epub:type=\"page-list\"", " hidden=\"hidden\""),
        Flavor::Html => ("", ""),
    };
    let _ = writeln!(
        out,
        "<nav{epub_type} role=\"doc-pagelist\" id=\"page-list\" class=\"page-list\"{hidden} aria-labelledby=\"page-list-title\">\n<h2 id=\"page-list-title\">{}</h2>\n<ol>",
        xml(title)
    );
    for (href, label) in pages {
        let _ = writeln!(out, "<li><a href=\"{}\">{}</a></li>", xml(&url(href)), xml(label));
    }
    out.push_str("</ol>\n</nav>\n");
}

/// Render the navigation document: the markers of the contents' pages, the table of contents,
/// landmarks and the page list (`pages`, when the print edition's pages are known).
pub fn nav(
    edition: &Edition,
    entries: &[NavEntry],
    landmarks: &[(&str, &str, String)],
    markers: &[Marker],
    pages: &[(String, String)],
) -> String {
    let contents = edition.string("contents");
    let mut body = markers_before(markers, Flavor::Epub);
    let _ = writeln!(
        body,
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">{}</h1>",
        xml(contents)
    );
    nav_list(&mut body, entries);
    body.push_str("</nav>\n");
    let _ = writeln!(
        body,
        "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\" aria-labelledby=\"landmarks-title\">\n<h2 id=\"landmarks-title\">{}</h2>\n<ol>",
        xml(edition.string("landmarks"))
    );
    for (kind, href, title) in landmarks {
        let _ = writeln!(body, "<li><a epub:type=\"{kind}\" href=\"{}\">{}</a></li>", xml(&url(href)), xml(title));
    }
    body.push_str("</ol>\n</nav>\n");
    if !pages.is_empty() {
        page_list(&mut body, Flavor::Epub, edition.string("page-list"), pages);
    }
    page(edition, contents, "nav", &body)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn edition_of(lang: &str, markdown: &str) -> Edition {
        let rel = format!("chapters/{lang}/01-t.md");
        let (chapter, diags) = crate::markdown::parse(Path::new("."), Path::new(&rel), markdown, lang);
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        let mut e = Edition { lang: lang.into(), chapters: vec![chapter.unwrap()], ..Edition::default() };
        e.meta.title = "T".into();
        e
    }

    #[test]
    fn chapter_page_declares_language_and_direction_and_parses_as_xml() {
        let e = edition_of("ar", "# عنوان\n\nنص <b>x</b> & [رابط](https://x.org).\n");
        let page = chapter(&e, &e.chapters[0], &ImageMap::new(), &[]);
        assert!(page.contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""), "{page}");
        assert!(page.contains("<a href=\"https://x.org\" dir=\"ltr\">"), "{page}");
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
        roxmltree::Document::parse_with_options(&page, options).expect("well-formed XHTML");
    }

    #[test]
    fn footnotes_become_epub_notes_with_back_links() {
        let e = edition_of("en", "# T\n\nA[^n].\n\n[^n]: The note.\n");
        let page = chapter(&e, &e.chapters[0], &ImageMap::new(), &[]);
        assert!(page.contains("epub:type=\"noteref\" role=\"doc-noteref\" id=\"fnref-1-1\" href=\"#fn-1\""), "{page}");
        assert!(page.contains("<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-1\">"), "{page}");
        assert!(page.contains("href=\"#fnref-1-1\" role=\"doc-backlink\""), "{page}");
    }

    /// Parse the XHTML as XML (it has a DOCTYPE), failing the test with the text when it is not.
    fn well_formed(page: &str) -> roxmltree::Document<'_> {
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
        roxmltree::Document::parse_with_options(page, options).unwrap_or_else(|e| panic!("{e}\n{page}"))
    }

    #[test]
    fn repeated_footnote_gets_unique_back_reference_ids_and_a_single_note() {
        let e = edition_of("en", "# T\n\nA[^n] and B[^n].\n\n[^n]: The note.\n");
        let page = chapter(&e, &e.chapters[0], &ImageMap::new(), &[]);
        let doc = well_formed(&page);
        let refs: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute(("http://www.idpf.org/2007/ops", "type")) == Some("noteref"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        assert_eq!(refs, ["fnref-1-1", "fnref-1-2"], "{page}");
        assert_eq!(page.matches("epub:type=\"footnote\"").count(), 1, "{page}");
    }

    #[test]
    fn untranslated_chapter_declares_its_own_language_inside_an_rtl_edition() {
        let mut e = edition_of("en", "# Title\n\nSee [the site](https://example.com/?a=1&b=2).\n");
        e.lang = "ar".into();
        e.chapters[0].lang = Some("en".into());
        let page = chapter(&e, &e.chapters[0], &ImageMap::new(), &[]);
        let doc = well_formed(&page);
        assert_eq!(doc.root_element().attribute("dir"), Some("rtl"));
        let section = doc.descendants().find(|n| n.has_tag_name("section")).unwrap();
        assert_eq!((section.attribute("lang"), section.attribute("dir")), (Some("en"), Some("ltr")), "{page}");
        let link = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(link.attribute("href"), Some("https://example.com/?a=1&b=2"), "{page}");
        assert_eq!(link.attribute("dir"), Some("ltr"), "{page}");
    }
}
