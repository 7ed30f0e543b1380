//! The web edition: per edition a folder `OUT/<slug>/<lang>/` with an index (title page, contents,
//! participants), one page per chapter (the references and bios are chapters), the imprint, the
//! stylesheet (the EPUB's base, the theme options, then the web additions) with the fonts the EPUB
//! embeds, and the images; for the site, a root index listing the editions and a sitemap. Blocks and
//! inlines come from the shared renderer (`formats::markup`). No script, relative links only.
//! Reads images and fonts from the project; writes nothing (the pipeline writes the files).

mod page;

use std::fmt::Write;
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::document::model::{Chapter, Edition};
use crate::document::pages::{PageMap, PagePlace};
use crate::document::walk::plain_text;
use crate::formats::epub::{self, fonts, package, xhtml};
use crate::formats::escape::{url, xml};
use crate::formats::markup::{Flavor, chapter_section};
use crate::formats::{Job, Made};
use crate::project::{EditionPlan, Format, Plan, files};
use page::Frame;
pub use page::{CSS_HREF, IMPRINT_HREF, INDEX_HREF};

/// The built-in web additions to the EPUB stylesheet (layout, header, switcher, pager, print).
pub const WEB_CSS: &str = include_str!("web.css");

/// The site's folder, relative to the output folder.
pub fn site_dir(plan: &Plan) -> String {
    plan.meta.slug.clone()
}

/// Build the web pages of the edition; the first edition of the run also carries the site's root
/// index and sitemap.
pub fn build(job: &Job) -> (Option<Made>, Vec<Diagnostic>) {
    let start = Instant::now();
    let (plan, edition) = (job.plan, job.edition);
    let images = match package::collect_images(edition, &plan.root) {
        Ok(images) => images,
        Err(diags) => return (None, diags),
    };
    let dir = format!("{}/{}", site_dir(plan), edition.lang);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let (font_css, fonts) = fonts::font_faces(&plan.root.join("fonts"), edition);
    // A browser fetching a 2 MB face shows no text until it arrives (an EPUB has its fonts at
    // hand): on the web, text shows at once in a fallback face and the face swaps in.
    let font_css = font_css.replace("@font-face {\n", "@font-face {\n  font-display: swap;\n");
    let base = plan.theme.stylesheet.as_deref().unwrap_or(xhtml::CSS);
    let web = plan.theme.web_stylesheet.as_deref().unwrap_or(WEB_CSS);
    let css = format!("{font_css}\n{base}{}\n{web}", epub::theme_css(&plan.theme));
    files.push((format!("{dir}/{CSS_HREF}"), css.into_bytes()));
    for (name, bytes) in fonts {
        files.push((format!("{dir}/fonts/{name}"), bytes));
    }
    for (source, href) in &images {
        match files::read(&plan.root, source) {
            Ok(bytes) => files.push((format!("{dir}/{href}"), bytes)),
            Err(e) => return (None, vec![Diagnostic::error(format!("cannot read image: {e}")).in_file(source)]),
        }
    }
    let pages = page_list(edition);
    let downloads = downloads(plan, &edition.lang);
    for (i, (file, title)) in pages.iter().enumerate() {
        let frame = Frame {
            file,
            languages: languages(plan, edition, file),
            prev: i.checked_sub(1).map(|p| pages[p].clone()),
            next: pages.get(i + 1).cloned(),
            downloads: downloads.clone(),
        };
        let markers = |part: PagePlace| job.pages.map(|p| p.at(part)).unwrap_or_default();
        let html = match edition.chapters.iter().position(|c| Flavor::Html.chapter_href(&c.slug) == *file) {
            Some(i) => {
                let in_chapter = job.pages.map(|p| p.in_chapter(i)).unwrap_or_default();
                let section = chapter_section(edition, &edition.chapters[i], &images, Flavor::Html, &in_chapter);
                page::page(edition, title, "chapter", &frame, &section)
            }
            None if file == IMPRINT_HREF => {
                let body = xhtml::markers_before(&markers(PagePlace::Colophon), Flavor::Html)
                    + &xhtml::colophon_body(edition, Flavor::Html);
                page::page(edition, title, "colophon", &frame, &body)
            }
            None => page::page(edition, title, "titlepage", &frame, &index_main(edition, job.pages)),
        };
        files.push((format!("{dir}/{file}"), html.into_bytes()));
    }
    // The fonts cut down to what the pages use, as in the EPUB.
    let used = fonts::used_characters(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
    let font_dir = format!("{dir}/fonts/");
    fonts::subset_fonts(files.iter_mut().filter(|(p, _)| p.starts_with(&font_dir)).map(|(_, b)| b), &used);
    if plan.editions.first().is_some_and(|e| e.lang == edition.lang) {
        // Generated chapters (bios, references) come from shared data: every edition has them.
        let generated: Vec<String> = edition
            .chapters
            .iter()
            .filter(|c| c.kind != crate::document::model::ChapterKind::Body)
            .map(|c| Flavor::Html.chapter_href(&c.slug))
            .collect();
        files.extend(site_files(plan, &generated));
    }
    let index_path = format!("{dir}/{INDEX_HREF}");
    let bytes = files.iter().find(|(p, _)| *p == index_path).map(|(_, b)| b.clone()).unwrap_or_default();
    let made = Made { bytes, pages: Some(pages.len()), timings: vec![("html", start.elapsed())], files };
    (Some(made), Vec::new())
}

/// The edition's pages in reading order: file name and title.
fn page_list(edition: &Edition) -> Vec<(String, String)> {
    let mut pages = vec![(INDEX_HREF.to_string(), edition.meta.title.clone())];
    pages.extend(edition.chapters.iter().map(|c| (Flavor::Html.chapter_href(&c.slug), chapter_title(c))));
    pages.push((IMPRINT_HREF.to_string(), edition.string("imprint").to_string()));
    pages
}

fn chapter_title(chapter: &Chapter) -> String {
    let title = plain_text(&chapter.title);
    if title.trim().is_empty() { chapter.slug.clone() } else { title }
}

/// Every edition of the site with this page's file in it and whether it is untranslated there.
/// Chapters are matched by file name; generated chapters (references, bios) and the index and
/// imprint exist in every edition.
fn languages<'p>(plan: &'p Plan, edition: &Edition, file: &str) -> Vec<(&'p EditionPlan, Option<String>, bool)> {
    let chapter = edition.chapters.iter().find(|c| Flavor::Html.chapter_href(&c.slug) == file);
    plan.site
        .iter()
        .map(|other| {
            let Some(chapter) = chapter.filter(|c| c.kind == crate::document::model::ChapterKind::Body) else {
                return (other, Some(file.to_string()), false);
            };
            let found = other
                .chapters
                .iter()
                .find(|f| f.path.file_stem().is_some_and(|s| s.to_string_lossy() == chapter.slug.as_str()));
            match found {
                Some(f) => (other, Some(file.to_string()), f.fallback.is_some()),
                None => (other, None, false),
            }
        })
        .collect()
}

/// The edition's PDF and EPUB when this run builds them, relative to its web folder.
fn downloads(plan: &Plan, lang: &str) -> Vec<(&'static str, String)> {
    [(Format::Pdf, "PDF"), (Format::Epub, "EPUB")]
        .into_iter()
        .filter(|(f, _)| plan.formats.contains(f))
        .map(|(f, label)| (label, format!("../../{}-{lang}.{}", plan.meta.slug, f.extension())))
        .collect()
}

/// The index page's content: the title page with the participants, then the contents, then the
/// print edition's page list (with the markers of the pages the index stands for).
fn index_main(edition: &Edition, pages: Option<&PageMap>) -> String {
    let front: Vec<_> = [PagePlace::Cover, PagePlace::TitlePage, PagePlace::Contents]
        .into_iter()
        .flat_map(|part| pages.map(|p| p.at(part)).unwrap_or_default())
        .collect();
    let mut o = xhtml::markers_before(&front, Flavor::Html);
    o.push_str(&xhtml::title_page_body(edition, Flavor::Html));
    let mut entries = xhtml::toc_in(edition, Flavor::Html);
    entries.push(xhtml::NavEntry {
        title: edition.string("imprint").to_string(),
        href: IMPRINT_HREF.to_string(),
        children: Vec::new(),
    });
    let _ = writeln!(
        o,
        "<nav class=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">{}</h2>",
        xml(edition.string("contents"))
    );
    xhtml::nav_list(&mut o, &entries);
    o.push_str("</nav>\n");
    if let Some(pages) = pages.filter(|p| !p.pages.is_empty()) {
        let targets: Vec<(String, String)> = pages
            .markers()
            .into_iter()
            .map(|(place, m)| {
                let file = match place {
                    PagePlace::Text(p) => edition
                        .chapters
                        .get(p.chapter)
                        .map_or(INDEX_HREF.to_string(), |c| Flavor::Html.chapter_href(&c.slug)),
                    PagePlace::Colophon => IMPRINT_HREF.to_string(),
                    PagePlace::Cover | PagePlace::TitlePage | PagePlace::Contents => INDEX_HREF.to_string(),
                };
                (format!("{file}#{}", m.id), m.label)
            })
            .collect();
        xhtml::page_list(&mut o, Flavor::Html, edition.string("page-list"), &targets);
    }
    o
}

/// The site's own files: the root index listing the editions, and the sitemap (absolute
/// addresses under `site-url` when report.yaml gives one, else paths relative to the site folder);
/// `generated` names the pages of generated chapters, which every edition has.
pub fn site_files(plan: &Plan, generated: &[String]) -> Vec<(String, Vec<u8>)> {
    let dir = site_dir(plan);
    let source = plan.site.iter().find(|e| e.lang == plan.source_lang).or(plan.site.first());
    let lang = source.map_or(plan.source_lang.as_str(), |e| e.lang.as_str());
    let mut o = format!(
        "<!DOCTYPE html>\n<html lang=\"{l}\" dir=\"{d}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{t}</title>\n\
         <link rel=\"stylesheet\" href=\"{l}/{CSS_HREF}\"/>\n",
        l = xml(lang),
        d = crate::lang::dir(lang),
        t = xml(&plan.meta.title),
    );
    for e in &plan.site {
        let _ = writeln!(o, "<link rel=\"alternate\" hreflang=\"{l}\" href=\"{l}/{INDEX_HREF}\"/>", l = xml(&e.lang));
    }
    let _ = write!(
        o,
        "</head>\n<body class=\"web site-index\">\n<main id=\"main\">\n<h1>{}</h1>\n<ul class=\"editions\">\n",
        xml(&plan.meta.title)
    );
    for e in &plan.site {
        let title = e.title.as_deref().unwrap_or(&plan.meta.title);
        let name = e.strings.get(&format!("language-{}", e.lang)).map_or(e.lang.as_str(), String::as_str);
        let _ = writeln!(
            o,
            "<li lang=\"{l}\" dir=\"{d}\"><a href=\"{l}/{INDEX_HREF}\" hreflang=\"{l}\">{}</a> <span class=\"edition-language\">{}</span></li>",
            xml(title),
            xml(name),
            l = xml(&e.lang),
            d = crate::lang::dir(&e.lang),
        );
    }
    o.push_str("</ul>\n</main>\n</body>\n</html>\n");
    vec![
        (format!("{dir}/{INDEX_HREF}"), o.into_bytes()),
        (format!("{dir}/sitemap.xml"), sitemap(plan, generated).into_bytes()),
    ]
}

/// The sitemap: every page of every edition of the site, in order.
fn sitemap(plan: &Plan, generated: &[String]) -> String {
    let base = plan.site_url.as_deref().map(|u| format!("{}/", u.trim_end_matches('/')));
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if base.is_none() {
        o.push_str("<!-- Locations are relative to this folder: set site-url in report.yaml for absolute ones. -->\n");
    }
    o.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for e in &plan.site {
        let mut pages = vec![INDEX_HREF.to_string()];
        pages.extend(
            e.chapters.iter().filter_map(|c| c.path.file_stem()).map(|s| format!("{}.html", s.to_string_lossy())),
        );
        pages.extend(generated.iter().cloned());
        pages.push(IMPRINT_HREF.to_string());
        for p in pages {
            let _ = writeln!(
                o,
                "<url><loc>{}{}/{}</loc></url>",
                xml(base.as_deref().unwrap_or("")),
                xml(&e.lang),
                xml(&url(&p))
            );
        }
    }
    o.push_str("</urlset>\n");
    o
}
