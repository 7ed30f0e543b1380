//! Renders the model into XHTML content documents for the EPUB: one per chapter, a title page, a
//! colophon and the navigation document. Our own writer, so the output is XHTML by construction
//! (every attribute quoted and valued, no raw HTML from Markdown). Every user string passes
//! through `escape`. Never touches the disk.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::document::model::{Align, Block, Caption, Chapter, ChapterKind, Edition, Inline, LinkTarget};
use crate::document::walk::plain_text;
use crate::formats::escape::{url, xml};
use crate::lang::speaker_label;

/// The stylesheet of every content document, as stored in the EPUB.
pub const CSS: &str = include_str!("epub.css");
/// The stylesheet's path inside the EPUB, relative to the package document.
pub const CSS_HREF: &str = "css/epub.css";

/// Images an edition uses: project path -> file name inside the EPUB (`images/img-N.ext`).
pub type ImageMap = BTreeMap<String, String>;

/// The title page's file name (it holds the participants list).
pub const TITLEPAGE_HREF: &str = "titlepage.xhtml";
/// The id of the participants list on the title page.
pub const PARTICIPANTS_ID: &str = "participants";

/// Return the EPUB file name of a chapter's content document.
pub fn chapter_href(slug: &str) -> String {
    format!("{slug}.xhtml")
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

/// Render one chapter as a complete XHTML document.
pub fn chapter(edition: &Edition, chapter: &Chapter, images: &ImageMap) -> String {
    let mut w = Writer::new(edition, chapter, images);
    let title = plain_text(&chapter.title);
    let (epub_type, role) = match chapter.kind {
        ChapterKind::Body => ("chapter", "doc-chapter"),
        ChapterKind::References => ("bibliography", "doc-bibliography"),
        ChapterKind::People => ("appendix", "doc-appendix"),
    };
    let lang = match &chapter.lang {
        Some(lang) => {
            format!(" lang=\"{l}\" xml:lang=\"{l}\" dir=\"{}\"", crate::lang::dir(lang), l = xml(lang))
        }
        None => String::new(),
    };
    let _ = write!(
        w.out,
        "<section epub:type=\"{epub_type}\" role=\"{role}\" aria-labelledby=\"{id}\"{lang}>\n<h1 id=\"{id}\">",
        id = xml(&chapter_anchor(&chapter.slug))
    );
    w.inlines(&chapter.title);
    w.out.push_str("</h1>\n");
    w.blocks(&chapter.blocks);
    w.footnotes();
    w.out.push_str("</section>\n");
    page(edition, &title, "chapter", &w.out)
}

/// The id of a chapter's title heading.
fn chapter_anchor(slug: &str) -> String {
    format!("ch-{slug}")
}

/// The id of a section heading, figure or table (prefixed, so it is a valid XML name even when it
/// starts with a digit; the `:` of `sec:method`, which XML ids may not hold, becomes `.`, which
/// no other id holds).
fn heading_anchor(id: &str) -> String {
    format!("h-{}", id.replace(':', "."))
}

/// Render the title page.
pub fn title_page(edition: &Edition) -> String {
    let m = &edition.meta;
    let mut body = String::from("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    let _ = writeln!(body, "<p class=\"publisher-name\">{}</p>", xml(&m.publisher.name));
    let _ = writeln!(body, "<h1 class=\"title\">{}</h1>", xml(&m.title));
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(body, "<p class=\"subtitle\" epub:type=\"subtitle\" role=\"doc-subtitle\">{}</p>", xml(sub));
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
                    xml(&chapter_href(chapter)),
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
    page(edition, &m.title, "titlepage", &body)
}

/// Render the colophon: the publisher's address and, for translations, the credit.
pub fn colophon(edition: &Edition) -> String {
    let m = &edition.meta;
    let mut body = String::from("<section class=\"colophon\" epub:type=\"colophon\" role=\"doc-colophon\">\n");
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
    page(edition, edition.string("imprint"), "colophon", &body)
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
    edition
        .chapters
        .iter()
        .map(|c| {
            let href = chapter_href(&c.slug);
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

/// Render the navigation document: table of contents and landmarks.
pub fn nav(edition: &Edition, entries: &[NavEntry], landmarks: &[(&str, &str, String)]) -> String {
    fn list(out: &mut String, entries: &[NavEntry]) {
        out.push_str("<ol>\n");
        for e in entries {
            let _ = write!(out, "<li><a href=\"{}\">{}</a>", xml(&url(&e.href)), xml(&e.title));
            if !e.children.is_empty() {
                list(out, &e.children);
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    let contents = edition.string("contents");
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">{}</h1>",
        xml(contents)
    );
    list(&mut body, entries);
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
    page(edition, contents, "nav", &body)
}

struct Writer<'e> {
    edition: &'e Edition,
    chapter: &'e Chapter,
    images: &'e ImageMap,
    out: String,
    /// How often each footnote has been referenced so far (for unique back-reference ids).
    note_refs: HashMap<String, usize>,
    /// Whether a soft line break in the source becomes a space (not in Chinese or Japanese).
    soft_break_space: bool,
    /// The language spans the text being written is inside, innermost last.
    langs: Vec<String>,
}

impl<'e> Writer<'e> {
    fn new(edition: &'e Edition, chapter: &'e Chapter, images: &'e ImageMap) -> Self {
        Self {
            edition,
            chapter,
            images,
            out: String::new(),
            note_refs: HashMap::new(),
            soft_break_space: crate::lang::soft_break_is_space(&edition.lang),
            langs: Vec::new(),
        }
    }

    /// The language of the text being written: the innermost span's, the chapter's, the edition's.
    fn lang(&self) -> &str {
        self.langs.last().or(self.chapter.lang.as_ref()).unwrap_or(&self.edition.lang)
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block, false);
        }
    }

    fn block(&mut self, block: &Block, tight: bool) {
        match block {
            Block::Paragraph { content, .. } => {
                if let [Inline::Image { path, alt, .. }] = content.as_slice() {
                    let _ = writeln!(self.out, "<figure>{}</figure>", self.img(path, alt));
                } else if tight {
                    self.inlines(content);
                } else {
                    self.out.push_str("<p>");
                    self.inlines(content);
                    self.out.push_str("</p>\n");
                }
            }
            Block::Heading { level, id, content, .. } => {
                let level = (*level).clamp(2, 6);
                let _ = write!(self.out, "<h{level} id=\"{}\">", xml(&heading_anchor(id)));
                self.inlines(content);
                let _ = writeln!(self.out, "</h{level}>");
            }
            Block::Turn { speaker, person, content, .. } => {
                let (participant, question) = self.edition.turn_speaker(person.as_ref(), speaker);
                let class = if question { "turn question" } else { "turn answer" };
                let href = match participant {
                    Some(p) if p.is_interviewer() => Some(format!("{TITLEPAGE_HREF}#{PARTICIPANTS_ID}")),
                    Some(p) => p.target.as_ref().map(|t| self.target_href(t)),
                    None => None,
                };
                let label = xml(&speaker_label(&self.edition.lang, speaker));
                let name = match href {
                    Some(href) => format!("<a href=\"{}\">{label}</a>", xml(&href)),
                    None => label,
                };
                let _ = write!(self.out, "<p class=\"{class}\"><span class=\"speaker\">{name}</span> ");
                self.inlines(content);
                self.out.push_str("</p>\n");
            }
            Block::Quote { blocks, .. } => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::Callout { kind, title, blocks, .. } => {
                let _ = writeln!(self.out, "<div class=\"callout {}\" role=\"note\">", kind.name());
                if let Some(title) = title {
                    let _ = writeln!(self.out, "<p class=\"callout-title\"><strong>{}</strong></p>", xml(title));
                }
                self.blocks(blocks);
                self.out.push_str("</div>\n");
            }
            Block::List { start, tight, items, .. } => {
                let tag = if start.is_some() { "ol" } else { "ul" };
                match start {
                    Some(n) if *n != 1 => {
                        let _ = writeln!(self.out, "<ol start=\"{n}\">");
                    }
                    _ => {
                        let _ = writeln!(self.out, "<{tag}>");
                    }
                }
                for item in items {
                    match item.task {
                        Some(done) => {
                            let mark = if done { "\u{2611}" } else { "\u{2610}" };
                            let _ = write!(self.out, "<li class=\"task\"><span class=\"task-box\">{mark}</span> ");
                        }
                        None => self.out.push_str("<li>"),
                    }
                    for b in &item.blocks {
                        self.block(b, *tight);
                    }
                    self.out.push_str("</li>\n");
                }
                let _ = writeln!(self.out, "</{tag}>");
            }
            Block::Definitions { items, .. } => {
                self.out.push_str("<dl>\n");
                for (term, details) in items {
                    self.out.push_str("<dt>");
                    self.inlines(term);
                    self.out.push_str("</dt>\n<dd>\n");
                    self.blocks(details);
                    self.out.push_str("</dd>\n");
                }
                self.out.push_str("</dl>\n");
            }
            Block::Code { lang, text, .. } => {
                match lang {
                    Some(lang) => {
                        let _ = write!(self.out, "<pre><code class=\"language-{}\">", xml(&class_name(lang)));
                    }
                    None => self.out.push_str("<pre><code>"),
                }
                self.out.push_str(&xml(text));
                self.out.push_str("</code></pre>\n");
            }
            Block::Table { aligns, header, rows, caption, .. } => {
                match caption {
                    Some(caption) => {
                        let _ = write!(self.out, "<table{}>\n<caption>", id_attribute(caption));
                        self.caption(caption);
                        self.out.push_str("</caption>\n<thead>\n<tr>");
                    }
                    None => self.out.push_str("<table>\n<thead>\n<tr>"),
                }
                for (cell, align) in header.iter().zip(aligns) {
                    let _ = write!(self.out, "<th{}>", align_class(*align));
                    self.inlines(cell);
                    self.out.push_str("</th>");
                }
                self.out.push_str("</tr>\n</thead>\n<tbody>\n");
                for row in rows {
                    self.out.push_str("<tr>");
                    for (cell, align) in row.iter().zip(aligns) {
                        let _ = write!(self.out, "<td{}>", align_class(*align));
                        self.inlines(cell);
                        self.out.push_str("</td>");
                    }
                    self.out.push_str("</tr>\n");
                }
                self.out.push_str("</tbody>\n</table>\n");
            }
            Block::Figure { path, alt, caption, .. } => {
                let img = self.img(path, alt);
                let _ = write!(self.out, "<figure class=\"numbered\"{}>{img}<figcaption>", id_attribute(caption));
                self.caption(caption);
                self.out.push_str("</figcaption></figure>\n");
            }
            Block::Rule { .. } => self.out.push_str("<hr/>\n"),
            Block::Profile { id, name, detail, portrait, url, bio, .. } => {
                let anchor = xml(&heading_anchor(id));
                let _ = writeln!(self.out, "<section class=\"profile\" aria-labelledby=\"{anchor}\">");
                let _ = writeln!(self.out, "<h2 id=\"{anchor}\">{}</h2>", xml(name));
                if !detail.is_empty() {
                    let _ = writeln!(self.out, "<p class=\"person-detail\">{}</p>", xml(detail));
                }
                if let Some((path, alt)) = portrait {
                    let _ = writeln!(self.out, "<figure class=\"portrait\">{}</figure>", self.img(path, alt));
                }
                self.blocks(bio);
                if let Some(url) = url {
                    let _ = writeln!(
                        self.out,
                        "<p class=\"person-url\"><a href=\"{}\" dir=\"ltr\">{}</a></p>",
                        xml(&crate::formats::escape::url(url)),
                        xml(url)
                    );
                }
                self.out.push_str("</section>\n");
            }
            Block::References { hanging, entries, .. } => {
                let class = if *hanging { "references hanging" } else { "references" };
                let _ = writeln!(self.out, "<ul class=\"{class}\">");
                for (id, content) in entries {
                    // Each entry runs in the direction of its own text (an English title in an Arabic edition).
                    let _ = write!(self.out, "<li id=\"{}\" dir=\"auto\">", xml(&heading_anchor(id)));
                    self.inlines(content);
                    self.out.push_str("</li>\n");
                }
                self.out.push_str("</ul>\n");
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    /// Write a caption's number label and text (the inside of `<figcaption>` or `<caption>`).
    fn caption(&mut self, caption: &Caption) {
        let _ = write!(self.out, "<span class=\"caption-number\">{}</span>", xml(&caption.label));
        if !caption.content.is_empty() {
            self.out.push(' ');
            self.inlines(&caption.content);
        }
    }

    fn wrapped(&mut self, tag: &str, content: &[Inline]) {
        let _ = write!(self.out, "<{tag}>");
        self.inlines(content);
        let _ = write!(self.out, "</{tag}>");
    }

    fn inline(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(text) => self.out.push_str(&xml(text)),
            Inline::Emph(c) => match crate::lang::emphasis(self.lang()) {
                crate::lang::Emphasis::Italic => self.wrapped("em", c),
                // The stylesheet sets each convention (`em.bold`, `em.dots-under`): no synthetic slant.
                other => {
                    let _ = write!(self.out, "<em class=\"{}\">", other.as_str());
                    self.inlines(c);
                    self.out.push_str("</em>");
                }
            },
            Inline::Strong(c) => self.wrapped("strong", c),
            Inline::Strike(c) => self.wrapped("del", c),
            Inline::Sup(c) => self.wrapped("sup", c),
            Inline::Sub(c) => self.wrapped("sub", c),
            Inline::Lang { lang, content } => {
                // `dir` on an inline element isolates it for bidi (HTML: unicode-bidi: isolate).
                let tag = xml(lang);
                let _ = write!(self.out, "<span lang=\"{tag}\" xml:lang=\"{tag}\" dir=\"{}\">", crate::lang::dir(lang));
                self.langs.push(lang.clone());
                self.inlines(content);
                self.langs.pop();
                self.out.push_str("</span>");
            }
            Inline::Code(code) => {
                let _ = write!(self.out, "<code>{}</code>", xml(code));
            }
            Inline::Link { target, content, .. } => {
                let (href, dir) = match target {
                    // External addresses are Latin script: keep them left to right in any edition.
                    LinkTarget::External(u) => (url(u), " dir=\"ltr\""),
                    LinkTarget::Internal { chapter, anchor } => (self.internal_href(chapter, anchor), ""),
                };
                let dir = if self.edition.dir() == crate::lang::Dir::Rtl { dir } else { "" };
                let _ = write!(self.out, "<a href=\"{}\"{dir}>", xml(&href));
                self.inlines(content);
                self.out.push_str("</a>");
            }
            Inline::Image { path, alt, .. } => {
                let img = self.img(path, alt);
                self.out.push_str(&img);
            }
            Inline::FootnoteRef { label, .. } => self.noteref(label),
            Inline::Cite { raw, .. } => self.out.push_str(&xml(raw)),
            Inline::CrossRef { text, target, .. } => match target {
                Some(LinkTarget::Internal { chapter, anchor }) => {
                    let href = self.internal_href(chapter, anchor);
                    let _ = write!(self.out, "<a class=\"crossref\" href=\"{}\">", xml(&href));
                    self.inlines(text);
                    self.out.push_str("</a>");
                }
                Some(LinkTarget::External(_)) | None => self.inlines(text),
            },
            Inline::LineBreak => self.out.push_str("<br/>\n"),
            Inline::SoftBreak => {
                if self.soft_break_space {
                    self.out.push('\n');
                }
            }
        }
    }

    fn target_href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(u) => url(u),
            LinkTarget::Internal { chapter, anchor } => self.internal_href(chapter, anchor),
        }
    }

    fn internal_href(&self, chapter: &str, anchor: &str) -> String {
        let file = if chapter == self.chapter.slug { String::new() } else { chapter_href(chapter) };
        let fragment = if anchor.is_empty() { chapter_anchor(chapter) } else { heading_anchor(anchor) };
        format!("{file}#{}", url(&fragment))
    }

    fn img(&self, path: &str, alt: &str) -> String {
        let src = self.images.get(path).map_or(path, String::as_str);
        format!("<img src=\"{}\" alt=\"{}\"/>", xml(&url(src)), xml(alt))
    }

    fn noteref(&mut self, label: &str) {
        let Some(note) = self.chapter.footnotes.get(label) else { return };
        let count = self.note_refs.entry(label.to_string()).or_insert(0);
        *count += 1;
        let n = note.number;
        let _ = write!(
            self.out,
            "<sup><a epub:type=\"noteref\" role=\"doc-noteref\" id=\"fnref-{n}-{count}\" href=\"#fn-{n}\">{n}</a></sup>"
        );
    }

    /// Write the referenced footnotes of the chapter as EPUB 3 footnote asides, in number order.
    fn footnotes(&mut self) {
        let chapter = self.chapter;
        let mut notes: Vec<&crate::document::model::Footnote> =
            chapter.footnotes.iter().filter(|(label, _)| self.note_refs.contains_key(*label)).map(|(_, n)| n).collect();
        notes.sort_by_key(|n| n.number);
        for note in notes {
            let n = note.number;
            let _ = writeln!(self.out, "<aside epub:type=\"footnote\" role=\"doc-footnote\" id=\"fn-{n}\">");
            let back = self.edition.string("back-to-reference").replace("{n}", &n.to_string());
            let _ = writeln!(
                self.out,
                "<p class=\"note-number\"><a href=\"#fnref-{n}-1\" role=\"doc-backlink\" aria-label=\"{}\">{n}</a></p>",
                xml(&back)
            );
            self.blocks(&note.blocks);
            self.out.push_str("</aside>\n");
        }
    }
}

/// The ` id="…"` attribute of a captioned figure or table, if it has an id.
fn id_attribute(caption: &Caption) -> String {
    caption.id.as_ref().map(|id| format!(" id=\"{}\"", xml(&heading_anchor(id)))).unwrap_or_default()
}

fn align_class(align: Align) -> &'static str {
    match align {
        Align::Auto => "",
        Align::Left => " class=\"left\"",
        Align::Center => " class=\"center\"",
        Align::Right => " class=\"right\"",
    }
}

/// Keep only characters that are safe in a class name.
fn class_name(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
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
        let page = chapter(&e, &e.chapters[0], &ImageMap::new());
        assert!(page.contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""), "{page}");
        assert!(page.contains("<a href=\"https://x.org\" dir=\"ltr\">"), "{page}");
        let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
        roxmltree::Document::parse_with_options(&page, options).expect("well-formed XHTML");
    }

    #[test]
    fn footnotes_become_epub_notes_with_back_links() {
        let e = edition_of("en", "# T\n\nA[^n].\n\n[^n]: The note.\n");
        let page = chapter(&e, &e.chapters[0], &ImageMap::new());
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
        let page = chapter(&e, &e.chapters[0], &ImageMap::new());
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
        let page = chapter(&e, &e.chapters[0], &ImageMap::new());
        let doc = well_formed(&page);
        assert_eq!(doc.root_element().attribute("dir"), Some("rtl"));
        let section = doc.descendants().find(|n| n.has_tag_name("section")).unwrap();
        assert_eq!((section.attribute("lang"), section.attribute("dir")), (Some("en"), Some("ltr")), "{page}");
        let link = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(link.attribute("href"), Some("https://example.com/?a=1&b=2"), "{page}");
        assert_eq!(link.attribute("dir"), Some("ltr"), "{page}");
    }
}
