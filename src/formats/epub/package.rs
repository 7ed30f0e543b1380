//! Packages an edition as EPUB 3: the package document (with accessibility metadata), the navigation
//! document and an NCX for older readers, the content documents, CSS with the edition's fonts, images
//! and the cover, zipped with `mimetype` first and stored, in a fixed order with fixed timestamps so
//! two builds are byte-identical. Reads images and fonts from the project, writes nothing.

use std::fmt::Write as _;
use std::io::{Cursor, Write};
use std::path::Path;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diag::Diagnostic;
use crate::document::model::{Edition, Inline, Role, Span};
use crate::document::pages::{PageMap, PagePlace};
use crate::document::walk::{visit_inlines, visit_inlines_of_blocks};
use crate::formats::epub::a11y::Assessment;
use crate::formats::epub::fonts::{font_faces, subset_fonts, used_characters};
use crate::formats::epub::xhtml::{self, CSS_HREF, ImageMap, NavEntry};
use crate::formats::escape::{url, xml};
use crate::project::files;

/// What the EPUB needs besides the edition.
pub struct EpubSettings<'a> {
    /// The project root (images are read from it).
    pub root: &'a Path,
    /// The folder of font files to embed (those of the edition's stacks).
    pub font_dir: &'a Path,
    /// The moment of `dcterms:modified` and of every zip entry (UTC).
    pub timestamp: (i32, u8, u8, u8, u8, u8),
    /// The cover image, if there is one.
    pub cover: Option<Cover>,
    /// The stylesheet: the theme's `theme/epub.css` or the built-in one.
    pub stylesheet: &'a str,
    /// CSS generated from the theme options, placed after the stylesheet.
    pub theme_css: String,
    /// Where the print edition's pages begin, if it was laid out.
    pub pages: Option<&'a PageMap>,
    /// The edition's accessibility, checked.
    pub a11y: &'a Assessment,
}

/// The EPUB's cover image.
pub enum Cover {
    /// Generated: the PDF's title page rendered to SVG.
    Svg(String),
    /// An image file of the project (relative to the root).
    Image(std::path::PathBuf),
}

/// One file of the EPUB container.
struct Entry {
    path: String,
    bytes: Vec<u8>,
}

/// A manifest item of the package document.
struct Item {
    id: String,
    href: String,
    media_type: &'static str,
    properties: Option<&'static str>,
}

/// Build the EPUB of an edition; errors name the Markdown file and line where they have one.
pub fn build(edition: &Edition, settings: &EpubSettings) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let images = collect_images(edition, settings.root)?;
    let mut entries: Vec<Entry> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut spine: Vec<(String, bool)> = Vec::new();
    let add = |entries: &mut Vec<Entry>, items: &mut Vec<Item>, item: Item, bytes: Vec<u8>| {
        entries.push(Entry { path: format!("OEBPS/{}", item.href), bytes });
        items.push(item);
    };

    // Styles and fonts.
    let (font_css, fonts) = font_faces(settings.font_dir, edition);
    let css = format!("{font_css}\n{}{}", settings.stylesheet, settings.theme_css);
    add(&mut entries, &mut items, item("css", CSS_HREF, "text/css"), css.into_bytes());
    for (i, (name, bytes)) in fonts.into_iter().enumerate() {
        // A CFF-flavoured OpenType file (the CJK subsets) is `font/otf`, a TrueType one `font/ttf`.
        let media_type = if name.to_ascii_lowercase().ends_with(".otf") { "font/otf" } else { "font/ttf" };
        add(&mut entries, &mut items, item(&format!("font-{}", i + 1), &format!("fonts/{name}"), media_type), bytes);
    }
    for (source, href) in &images {
        let bytes = files::read(settings.root, source)
            .map_err(|e| vec![Diagnostic::error(format!("cannot read image: {e}")).in_file(source)])?;
        let id = href.trim_start_matches("images/").replace('.', "-");
        add(&mut entries, &mut items, item(&id, href, media_type(href).expect("checked in collect_images")), bytes);
    }

    // Content documents in reading order, each with the markers of the print pages it begins.
    let markers = |part: PagePlace| settings.pages.map(|p| p.at(part)).unwrap_or_default();
    let mut landmarks: Vec<(&str, String, String)> = Vec::new();
    let cover = match &settings.cover {
        Some(Cover::Svg(svg)) => Some(("images/cover.svg".to_string(), svg.clone().into_bytes())),
        Some(Cover::Image(path)) => {
            let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            let bytes = files::read(settings.root, path)
                .map_err(|e| vec![Diagnostic::error(format!("cannot read the cover image: {e}")).in_file(path)])?;
            Some((format!("images/cover.{ext}"), bytes))
        }
        None => None,
    };
    if let Some((cover_href, bytes)) = cover {
        let media = media_type(&cover_href).unwrap_or("image/png");
        add(
            &mut entries,
            &mut items,
            Item {
                id: "cover-image".into(),
                href: cover_href.clone(),
                media_type: media,
                properties: Some("cover-image"),
            },
            bytes,
        );
        let alt = format!("{}: {}", edition.string("cover"), edition.meta.title);
        let body = format!(
            "{}<section class=\"cover\" epub:type=\"cover\">\n<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>\n",
            xhtml::markers_before(&markers(PagePlace::Cover), xhtml::Flavor::Epub),
            xml(&cover_href),
            xml(&alt)
        );
        let doc = xhtml::page(edition, edition.string("cover"), "cover", &body);
        add(&mut entries, &mut items, item("cover", "cover.xhtml", "application/xhtml+xml"), doc.into_bytes());
        spine.push(("cover".into(), true));
        landmarks.push(("cover", "cover.xhtml".into(), edition.string("cover").to_string()));
    }
    add(&mut entries, &mut items, item("titlepage", "titlepage.xhtml", "application/xhtml+xml"), {
        // Without a cover document, the cover's page begins with the title page.
        let mut front = if settings.cover.is_some() { Vec::new() } else { markers(PagePlace::Cover) };
        front.extend(markers(PagePlace::TitlePage));
        xhtml::title_page(edition, &front).into_bytes()
    });
    spine.push(("titlepage".into(), true));
    landmarks.push(("titlepage", "titlepage.xhtml".into(), edition.string("title-page").to_string()));
    add(&mut entries, &mut items, nav_item(), Vec::new());
    spine.push(("nav".into(), true));
    landmarks.push(("toc", "nav.xhtml#toc".into(), edition.string("contents").to_string()));
    for (i, chapter) in edition.chapters.iter().enumerate() {
        let href = xhtml::chapter_href(&chapter.slug);
        if i == 0 {
            landmarks.push(("bodymatter", href.clone(), crate::document::walk::plain_text(&chapter.title)));
        }
        let id = format!("ch-{}", chapter.slug);
        let in_chapter = settings.pages.map(|p| p.in_chapter(i)).unwrap_or_default();
        let doc = xhtml::chapter(edition, chapter, &images, &in_chapter);
        add(&mut entries, &mut items, item(&id, &href, "application/xhtml+xml"), doc.into_bytes());
        spine.push((id, true));
    }
    add(
        &mut entries,
        &mut items,
        item("colophon", "colophon.xhtml", "application/xhtml+xml"),
        xhtml::colophon(edition, &markers(PagePlace::Colophon)).into_bytes(),
    );
    spine.push(("colophon".into(), true));

    let toc = xhtml::toc(edition);
    let landmark_refs: Vec<(&str, &str, String)> =
        landmarks.iter().map(|(k, h, t)| (*k, h.as_str(), t.clone())).collect();
    let page_list = settings.pages.map(|p| page_targets(edition, p, settings.cover.is_some())).unwrap_or_default();
    let nav = xhtml::nav(edition, &toc, &landmark_refs, &markers(PagePlace::Contents), &page_list);
    if let Some(e) = entries.iter_mut().find(|e| e.path == "OEBPS/nav.xhtml") {
        e.bytes = nav.into_bytes();
    }
    // Fonts last: their subsets need every character the documents above use.
    let used = used_characters(entries.iter().map(|e| (e.path.as_str(), e.bytes.as_slice())));
    subset_fonts(entries.iter_mut().filter(|e| e.path.starts_with("OEBPS/fonts/")).map(|e| &mut e.bytes), &used);
    let identifier = identifier(edition);
    entries
        .push(Entry { path: "OEBPS/toc.ncx".into(), bytes: ncx(edition, &identifier, &toc, &page_list).into_bytes() });
    items.push(item("ncx", "toc.ncx", "application/x-dtbncx+xml"));

    let opf = package_document(edition, &identifier, settings, &items, &spine);
    let entries_with_opf = std::iter::once(Entry { path: "OEBPS/content.opf".into(), bytes: opf.into_bytes() })
        .chain(entries)
        .collect::<Vec<_>>();
    zip(entries_with_opf, settings.timestamp)
        .map_err(|e| vec![Diagnostic::error(format!("cannot write the EPUB: {e}"))])
}

/// Every page's marker as a link target `(href, label)`, in page order: in the chapter or the
/// generated document its page begins in.
fn page_targets(edition: &Edition, pages: &PageMap, cover: bool) -> Vec<(String, String)> {
    pages
        .markers()
        .into_iter()
        .map(|(place, m)| {
            let file = match place {
                PagePlace::Cover if cover => "cover.xhtml".to_string(),
                PagePlace::Cover | PagePlace::TitlePage => xhtml::TITLEPAGE_HREF.to_string(),
                PagePlace::Contents => "nav.xhtml".to_string(),
                PagePlace::Text(p) => edition
                    .chapters
                    .get(p.chapter)
                    .map_or_else(|| xhtml::TITLEPAGE_HREF.to_string(), |c| xhtml::chapter_href(&c.slug)),
                PagePlace::Colophon => "colophon.xhtml".to_string(),
            };
            (format!("{file}#{}", m.id), m.label)
        })
        .collect()
}

fn item(id: &str, href: &str, media_type: &'static str) -> Item {
    Item { id: id.to_string(), href: href.to_string(), media_type, properties: None }
}

fn nav_item() -> Item {
    Item { id: "nav".into(), href: "nav.xhtml".into(), media_type: "application/xhtml+xml", properties: Some("nav") }
}

/// Derive a stable identifier from the report and the edition (a name-based UUID, never random).
pub fn identifier(edition: &Edition) -> String {
    let digest = Sha256::digest(format!("spotlight:{}:{}", edition.meta.slug, edition.lang).as_bytes());
    let mut b: [u8; 16] = digest[..16].try_into().expect("a SHA-256 digest has 32 bytes");
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Return the EPUB core media type of an image file, or `None` if EPUB readers need not support it.
pub fn media_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    match ext.as_str() {
        "png" => Some("image/png"),
        "jpg" | "jpeg" => Some("image/jpeg"),
        "gif" => Some("image/gif"),
        "svg" => Some("image/svg+xml"),
        _ => None,
    }
}

/// Map every image of the edition to a file name inside the EPUB, in order of first use.
pub fn collect_images(edition: &Edition, _root: &Path) -> Result<ImageMap, Vec<Diagnostic>> {
    let mut images = ImageMap::new();
    let mut errors = Vec::new();
    for chapter in &edition.chapters {
        let mut visit = |inline: &Inline| {
            let Inline::Image { span, path, .. } = inline else { return };
            if images.contains_key(path) {
                return;
            }
            match media_type(path) {
                Some(_) => {
                    let ext = path.rsplit('.').next().unwrap_or("png").to_ascii_lowercase();
                    let name = format!("images/img-{}.{ext}", images.len() + 1);
                    images.insert(path.clone(), name);
                }
                None => errors.push(
                    Diagnostic::error(format!("image `{path}` is in a format EPUB readers need not support"))
                        .in_file(&chapter.source)
                        .at(span.line, span.column)
                        .with_hint("use PNG, JPEG, GIF or SVG"),
                ),
            }
        };
        visit_inlines_of_blocks(&chapter.blocks, &mut visit);
        for note in chapter.footnotes.values() {
            visit_inlines_of_blocks(&note.blocks, &mut visit);
        }
        visit_inlines(&chapter.title, &mut visit);
        crate::document::walk::visit_blocks(&chapter.blocks, &mut |block| {
            if let crate::document::model::Block::Profile { portrait: Some((path, _)), .. } = block {
                visit(&Inline::Image { span: Span::default(), path: path.clone(), alt: String::new(), width: None });
            }
            if let crate::document::model::Block::Figure { span, path, alt, .. } = block {
                visit(&Inline::Image { span: *span, path: path.clone(), alt: alt.clone(), width: None });
            }
        });
    }
    if errors.is_empty() { Ok(images) } else { Err(errors) }
}

fn package_document(
    edition: &Edition,
    identifier: &str,
    settings: &EpubSettings,
    items: &[Item],
    spine: &[(String, bool)],
) -> String {
    let t = settings.timestamp;
    let m = &edition.meta;
    let lang = xml(&edition.lang);
    let modified = format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.0, t.1, t.2, t.3, t.4, t.5);
    let mut o = String::new();
    let _ = writeln!(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        o,
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"{lang}\" dir=\"{}\">",
        edition.dir()
    );
    let _ = writeln!(o, "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">");
    let _ = writeln!(o, "<dc:identifier id=\"pub-id\">{}</dc:identifier>", xml(identifier));
    let _ = writeln!(o, "<dc:title id=\"title\">{}</dc:title>", xml(&m.title));
    let _ = writeln!(o, "<meta refines=\"#title\" property=\"title-type\">main</meta>");
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(o, "<dc:title id=\"subtitle\">{}</dc:title>", xml(sub));
        let _ = writeln!(o, "<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>");
    }
    // The authors are the creators; a report without authors is the publisher's own.
    let authors = edition.participants.iter().any(|p| p.role == Role::Author);
    if !authors {
        let _ = writeln!(o, "<dc:creator id=\"creator\">{}</dc:creator>", xml(&m.publisher.name));
    }
    let _ = writeln!(o, "<dc:publisher>{}</dc:publisher>", xml(&m.publisher.name));
    for p in &edition.participants {
        let (element, id) = match p.role {
            Role::Author => ("creator", format!("creator-{}", p.id)),
            _ => ("contributor", format!("contributor-{}", p.id)),
        };
        let _ = writeln!(o, "<dc:{element} id=\"{id}\">{}</dc:{element}>", xml(&p.name));
        let role = p.role.marc();
        let _ = writeln!(o, "<meta refines=\"#{id}\" property=\"role\" scheme=\"marc:relators\">{role}</meta>");
    }
    let _ = writeln!(o, "<dc:language>{lang}</dc:language>");
    let _ = writeln!(o, "<dc:date>{:04}-{:02}-{:02}</dc:date>", m.date.0, m.date.1, m.date.2);
    for keyword in &m.keywords {
        let _ = writeln!(o, "<dc:subject>{}</dc:subject>", xml(keyword));
    }
    let _ = writeln!(o, "<meta property=\"dcterms:modified\">{modified}</meta>");
    if let Some(pages) = settings.pages {
        // The page list follows the print edition: EPUB 3.3 names it as the source of the pagination.
        let _ = writeln!(o, "<dc:source id=\"print-source\">{}</dc:source>", xml(&pages.source));
        let _ = writeln!(o, "<meta refines=\"#print-source\" property=\"source-of\">pagination</meta>");
    }
    // Claim only what is true (`a11y`).
    settings.a11y.metadata(edition, &mut o);
    let _ = writeln!(o, "<meta name=\"cover\" content=\"cover-image\"/>");
    o.push_str("</metadata>\n<manifest>\n");
    for i in items {
        let props = i.properties.map(|p| format!(" properties=\"{p}\"")).unwrap_or_default();
        let _ = writeln!(
            o,
            "<item id=\"{}\" href=\"{}\" media-type=\"{}\"{props}/>",
            xml(&i.id),
            xml(&url(&i.href)),
            i.media_type
        );
    }
    let _ = writeln!(o, "</manifest>\n<spine toc=\"ncx\" page-progression-direction=\"{}\">", edition.dir());
    for (id, linear) in spine {
        let linear = if *linear { "" } else { " linear=\"no\"" };
        let _ = writeln!(o, "<itemref idref=\"{}\"{linear}/>", xml(id));
    }
    o.push_str("</spine>\n</package>\n");
    o
}

/// The EPUB 2 navigation file (for reading systems that predate EPUB 3's nav): the contents and,
/// when the PDF's pages are known, the same page list as the nav's (`pages`: href and label).
fn ncx(edition: &Edition, identifier: &str, toc: &[NavEntry], pages: &[(String, String)]) -> String {
    fn points(o: &mut String, entries: &[NavEntry], order: &mut usize) {
        for e in entries {
            *order += 1;
            let _ = writeln!(
                o,
                "<navPoint id=\"np-{order}\" playOrder=\"{order}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/>",
                xml(&e.title),
                xml(&url(&e.href)),
                order = *order
            );
            points(o, &e.children, order);
            o.push_str("</navPoint>\n");
        }
    }
    let mut o = String::new();
    let _ = writeln!(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        o,
        "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{}\">",
        xml(&edition.lang)
    );
    let _ = writeln!(o, "<head><meta name=\"dtb:uid\" content=\"{}\"/></head>", xml(identifier));
    let _ = writeln!(o, "<docTitle><text>{}</text></docTitle>\n<navMap>", xml(&edition.meta.title));
    let mut order = 0;
    points(&mut o, toc, &mut order);
    o.push_str("</navMap>\n");
    if !pages.is_empty() {
        let _ = writeln!(o, "<pageList><navLabel><text>{}</text></navLabel>", xml(edition.string("page-list")));
        for (i, (href, label)) in pages.iter().enumerate() {
            order += 1;
            // NCX types: a page numbered in arabic figures is "normal", any other label "front".
            let (kind, value) = match label.parse::<u32>() {
                Ok(n) => ("normal", format!(" value=\"{n}\"")),
                Err(_) => ("front", String::new()),
            };
            let _ = writeln!(
                o,
                "<pageTarget id=\"pt-{}\" type=\"{kind}\"{value} playOrder=\"{order}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/></pageTarget>",
                i + 1,
                xml(label),
                xml(&url(href))
            );
        }
        o.push_str("</pageList>\n");
    }
    o.push_str("</ncx>\n");
    o
}

/// Zip the entries: `mimetype` first and stored, then `META-INF/container.xml`, then the rest in
/// the given order, all with the same timestamp and permissions.
fn zip(entries: Vec<Entry>, t: (i32, u8, u8, u8, u8, u8)) -> zip::result::ZipResult<Vec<u8>> {
    // Zip timestamps cannot go before 1980.
    let time = DateTime::from_date_and_time(t.0.clamp(1980, 2107) as u16, t.1, t.2, t.3, t.4, t.5).unwrap_or_default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n",
    )?;
    for entry in entries {
        zip.start_file(entry.path, deflated)?;
        zip.write_all(&entry.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_stable_name_based_uuids() {
        let mut e = Edition { lang: "en".into(), ..Edition::default() };
        e.meta.slug = "report".into();
        let a = identifier(&e);
        assert_eq!(a, identifier(&e));
        assert!(a.starts_with("urn:uuid:") && a.len() == 45, "{a}");
        e.lang = "fr".into();
        assert_ne!(a, identifier(&e));
    }

    #[test]
    fn only_core_image_types_are_accepted() {
        assert_eq!(media_type("a/b.PNG"), Some("image/png"));
        assert_eq!(media_type("a/b.webp"), None);
    }
}
