//! The frame of every web page: an HTML5 document (that also parses as XML) with the edition's
//! language and direction, the viewport, the stylesheet, `hreflang` alternates, a header with the
//! language switcher, the main content, and a footer with the pager, the downloads and the imprint.
//! Holds no look (the stylesheets do) and never touches the disk.

use std::fmt::Write;

use crate::document::model::Edition;
use crate::formats::escape::{url, xml};
use crate::project::EditionPlan;

/// The stylesheet's path inside an edition's folder.
pub const CSS_HREF: &str = "css/site.css";
/// The imprint's file name.
pub const IMPRINT_HREF: &str = "imprint.html";
/// The index page's file name.
pub const INDEX_HREF: &str = "index.html";

/// Where a page sits among the editions and chapters.
pub struct Frame<'a> {
    /// This page's file name inside its edition's folder.
    pub file: &'a str,
    /// Every edition of the site, each with the file name of this page in it (`None`: it lacks the
    /// page, and the switcher leads to its index) and whether that page is untranslated there.
    pub languages: Vec<(&'a EditionPlan, Option<String>, bool)>,
    /// The previous page: file name and title.
    pub prev: Option<(String, String)>,
    /// The next page: file name and title.
    pub next: Option<(String, String)>,
    /// The edition's other artifacts built in this run: label and relative path.
    pub downloads: Vec<(&'static str, String)>,
}

/// Wrap `main` in a complete page of `edition`.
pub fn page(edition: &Edition, title: &str, body_class: &str, frame: &Frame, main: &str) -> String {
    let lang = xml(&edition.lang);
    let report = &edition.meta.title;
    let full_title = if title == report { xml(report) } else { format!("{} – {}", xml(title), xml(report)) };
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{full_title}</title>\n\
         <link rel=\"stylesheet\" href=\"{CSS_HREF}\"/>\n",
        dir = edition.dir(),
    );
    for (other, file, untranslated) in &frame.languages {
        if let (Some(file), false) = (file, untranslated) {
            let _ = writeln!(
                o,
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml(&other.lang),
                xml(&url(&sibling(&edition.lang, &other.lang, file)))
            );
        }
    }
    let _ = write!(
        o,
        "</head>\n<body class=\"web {body_class}\">\n<header class=\"site-header\">\n\
         <a class=\"skip\" href=\"#main\">{skip}</a>\n<p class=\"site-title\"><a href=\"{INDEX_HREF}\">{title}</a></p>\n",
        skip = xml(edition.string("web-skip")),
        title = xml(report),
    );
    o.push_str(&switcher(edition, frame));
    let _ = write!(o, "</header>\n<main id=\"main\">\n{main}</main>\n<footer class=\"site-footer\">\n");
    o.push_str(&pager(edition, frame));
    if !frame.downloads.is_empty() {
        let _ =
            write!(o, "<p class=\"downloads\">{}{}", xml(edition.string("web-download")), xml(&label_colon(edition)));
        for (i, (label, href)) in frame.downloads.iter().enumerate() {
            let sep = if i == 0 { "" } else { " · " };
            let _ = write!(o, "{sep}<a href=\"{}\" dir=\"ltr\">{label}</a>", xml(&url(href)));
        }
        o.push_str("</p>\n");
    }
    if frame.file != IMPRINT_HREF {
        let _ = writeln!(
            o,
            "<p class=\"imprint-link\"><a href=\"{IMPRINT_HREF}\">{}</a></p>",
            xml(edition.string("imprint"))
        );
    }
    o.push_str("</footer>\n</body>\n</html>\n");
    o
}

/// The separator after a label, with the space the language puts after it.
fn label_colon(edition: &Edition) -> String {
    let colon = crate::lang::label_separator(&edition.lang);
    if colon.ends_with(' ') || colon.ends_with('：') { colon } else { format!("{colon} ") }
}

/// The path from one edition's folder to a file of another's.
fn sibling(from: &str, to: &str, file: &str) -> String {
    if from == to { file.to_string() } else { format!("../{to}/{file}") }
}

/// The language switcher: every edition by its own name, the current one marked, an edition
/// without this page translated marked as such.
fn switcher(edition: &Edition, frame: &Frame) -> String {
    let mut o = format!("<nav class=\"languages\" aria-label=\"{}\">\n<ul>\n", xml(edition.string("web-languages")));
    for (other, file, untranslated) in &frame.languages {
        let tag = xml(&other.lang);
        let name =
            other.strings.get(&format!("language-{}", other.lang)).cloned().unwrap_or_else(|| other.lang.clone());
        let dir = crate::lang::dir(&other.lang);
        if other.lang == edition.lang {
            let _ =
                writeln!(o, "<li><span aria-current=\"page\" lang=\"{tag}\" dir=\"{dir}\">{}</span></li>", xml(&name));
            continue;
        }
        let target = file.clone().unwrap_or_else(|| INDEX_HREF.to_string());
        let mark = match other.strings.get("web-untranslated") {
            Some(marker) if *untranslated => {
                format!(" <small class=\"untranslated\" lang=\"{tag}\" dir=\"{dir}\">({})</small>", xml(marker))
            }
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "<li><a href=\"{}\" hreflang=\"{tag}\" lang=\"{tag}\" dir=\"{dir}\">{}</a>{mark}</li>",
            xml(&url(&sibling(&edition.lang, &other.lang, &target))),
            xml(&name)
        );
    }
    o.push_str("</ul>\n</nav>\n");
    o
}

/// Links to the previous and next pages and to the contents.
fn pager(edition: &Edition, frame: &Frame) -> String {
    let label = format!("{} / {}", edition.string("web-previous"), edition.string("web-next"));
    let mut o = format!("<nav class=\"pager\" aria-label=\"{}\">\n<ul>\n", xml(&label));
    if let Some((href, title)) = &frame.prev {
        let _ = writeln!(
            o,
            "<li class=\"prev\"><a rel=\"prev\" href=\"{}\"><span class=\"pager-label\">{}</span> {}</a></li>",
            xml(&url(href)),
            xml(edition.string("web-previous")),
            xml(title)
        );
    }
    if frame.file != INDEX_HREF {
        let _ = writeln!(o, "<li class=\"up\"><a href=\"{INDEX_HREF}\">{}</a></li>", xml(edition.string("contents")));
    }
    if let Some((href, title)) = &frame.next {
        let _ = writeln!(
            o,
            "<li class=\"next\"><a rel=\"next\" href=\"{}\"><span class=\"pager-label\">{}</span> {}</a></li>",
            xml(&url(href)),
            xml(edition.string("web-next")),
            xml(title)
        );
    }
    o.push_str("</ul>\n</nav>\n");
    o
}
