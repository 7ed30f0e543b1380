//! The shared renderer of the document model's blocks and inlines into XHTML-compatible markup,
//! used by the EPUB's content documents and the web edition's pages alike (`Flavor` says which:
//! EPUB adds `epub:type` and `xml:lang`, and the two name their files differently). Every user
//! string passes through `escape`. Never touches the disk.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::document::model::{Align, Block, Caption, Chapter, ChapterKind, Edition, Inline, LinkTarget};
use crate::document::pages::{Marker, TextPosition, block_run, inline_run};
use crate::formats::escape::{url, xml};
use crate::formats::pagebreaks::Cursor;
use crate::lang::speaker_label;

/// Images an edition uses: project path -> file name inside the output (`images/img-N.ext`).
pub type ImageMap = BTreeMap<String, String>;

/// The id of the participants list on the title page.
pub const PARTICIPANTS_ID: &str = "participants";

/// Which output the markup is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// EPUB 3 content documents (XHTML).
    Epub,
    /// Web pages (HTML5 written so it also parses as XML).
    Html,
}

impl Flavor {
    /// Return the file name of a chapter's page.
    pub fn chapter_href(self, slug: &str) -> String {
        match self {
            Flavor::Epub => format!("{slug}.xhtml"),
            Flavor::Html => format!("{slug}.html"),
        }
    }

    /// Return the file name of the page holding the title page and the participants.
    pub fn titlepage_href(self) -> &'static str {
        match self {
            Flavor::Epub => "titlepage.xhtml",
            Flavor::Html => "index.html",
        }
    }

    /// Return ` epub:type="kind"` for EPUB, nothing for the web.
    pub fn epub_type(self, kind: &str) -> String {
        match self {
            Flavor::Epub => format!(" epub:type=\"{kind}\""),
            Flavor::Html => String::new(),
        }
    }

    /// Return the language attributes of an element (`lang`, and `xml:lang` for EPUB); `tag` is escaped.
    pub fn lang_attrs(self, tag: &str) -> String {
        match self {
            Flavor::Epub => format!(" lang=\"{tag}\" xml:lang=\"{tag}\""),
            Flavor::Html => format!(" lang=\"{tag}\""),
        }
    }
}

/// Render a chapter's section: its title, blocks and referenced footnotes, with the print
/// edition's page break `markers` where its pages begin (sorted by position).
pub fn chapter_section(
    edition: &Edition,
    chapter: &Chapter,
    images: &ImageMap,
    flavor: Flavor,
    markers: &[(TextPosition, Marker)],
) -> String {
    let mut w = Writer::new(edition, chapter, images, flavor);
    w.pages = Cursor::new(markers, flavor == Flavor::Epub);
    let (epub_type, role) = match chapter.kind {
        ChapterKind::Body => ("chapter", "doc-chapter"),
        ChapterKind::References => ("bibliography", "doc-bibliography"),
        ChapterKind::People => ("appendix", "doc-appendix"),
    };
    let lang = match &chapter.lang {
        Some(lang) => format!("{} dir=\"{}\"", flavor.lang_attrs(&xml(lang)), crate::lang::dir(lang)),
        None => String::new(),
    };
    let _ = writeln!(
        w.out,
        "<section{} role=\"{role}\" aria-labelledby=\"{id}\"{lang}>",
        flavor.epub_type(epub_type),
        id = xml(&chapter_anchor(&chapter.slug))
    );
    let _ = write!(w.out, "{}<h1 id=\"{}\">", w.pages.at_block(), xml(&chapter_anchor(&chapter.slug)));
    w.inlines(&chapter.title);
    w.out.push_str("</h1>\n");
    w.blocks(&chapter.blocks);
    let rest = w.pages.rest();
    w.out.push_str(&rest);
    w.footnotes();
    w.out.push_str("</section>\n");
    w.out
}

/// The id of a chapter's title heading.
pub fn chapter_anchor(slug: &str) -> String {
    format!("ch-{slug}")
}

/// The id of a section heading, figure or table (prefixed, so it is a valid XML name even when it
/// starts with a digit; the `:` of `sec:method`, which XML ids may not hold, becomes `.`, which
/// no other id holds).
pub fn heading_anchor(id: &str) -> String {
    format!("h-{}", id.replace(':', "."))
}

/// The writer of one chapter's blocks and inlines.
pub struct Writer<'e> {
    flavor: Flavor,
    edition: &'e Edition,
    chapter: &'e Chapter,
    images: &'e ImageMap,
    /// What has been written.
    pub out: String,
    /// How often each footnote has been referenced so far (for unique back-reference ids).
    note_refs: HashMap<String, usize>,
    /// Whether a soft line break in the source becomes a space (not in Chinese or Japanese).
    soft_break_space: bool,
    /// The language spans the text being written is inside, innermost last.
    langs: Vec<String>,
    /// Where the print edition's page break markers go.
    pages: Cursor<'e>,
}

impl<'e> Writer<'e> {
    /// Start writing `chapter` of `edition` in `flavor`, with the images mapped to their files.
    pub fn new(edition: &'e Edition, chapter: &'e Chapter, images: &'e ImageMap, flavor: Flavor) -> Self {
        Self {
            flavor,
            edition,
            chapter,
            images,
            out: String::new(),
            note_refs: HashMap::new(),
            soft_break_space: crate::lang::soft_break_is_space(&edition.lang),
            langs: Vec::new(),
            pages: Cursor::default(),
        }
    }

    /// The language of the text being written: the innermost span's, the chapter's, the edition's.
    fn lang(&self) -> &str {
        self.langs.last().or(self.chapter.lang.as_ref()).unwrap_or(&self.edition.lang)
    }

    /// Write blocks.
    pub fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block, false);
        }
    }

    fn block(&mut self, block: &Block, tight: bool) {
        let markers = self.pages.at_block();
        self.out.push_str(&markers);
        if block_run(block).is_some() {
            // A marker inside code or an image goes before it.
            for (_, m) in self.pages.run("") {
                self.out.push_str(&m);
            }
        }
        match block {
            Block::Paragraph { content, .. } => {
                if let [Inline::Image { path, alt, width, .. }] = content.as_slice() {
                    let _ = writeln!(self.out, "<figure>{}</figure>", self.img(path, alt, width.as_deref()));
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
                    Some(p) if p.is_interviewer() => {
                        Some(format!("{}#{PARTICIPANTS_ID}", self.flavor.titlepage_href()))
                    }
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
            Block::Figure { path, alt, caption, width, .. } => {
                let img = self.img(path, alt, width.as_deref());
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
                    let _ = writeln!(self.out, "<figure class=\"portrait\">{}</figure>", self.img(path, alt, None));
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

    /// Write inlines.
    pub fn inlines(&mut self, inlines: &[Inline]) {
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
        match (inline, inline_run(inline)) {
            (Inline::Text(text), _) => {
                let mut from = 0;
                for (at, m) in self.pages.run(text) {
                    self.text(&text[from..at]);
                    self.out.push_str(&m);
                    from = at;
                }
                self.text(&text[from..]);
            }
            // Code, a citation, an image: a marker inside one goes before it.
            (_, Some(_)) => {
                for (_, m) in self.pages.run("") {
                    self.out.push_str(&m);
                }
                self.inline_body(inline);
            }
            (_, None) => self.inline_body(inline),
        }
    }

    /// Write a piece of text (right-to-left text with its Latin runs isolated).
    fn text(&mut self, text: &str) {
        if crate::lang::dir(self.lang()) == crate::lang::Dir::Rtl {
            self.rtl_text(text);
        } else {
            self.out.push_str(&xml(text));
        }
    }

    fn inline_body(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(text) => self.text(text),
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
                let _ = write!(self.out, "<span{} dir=\"{}\">", self.flavor.lang_attrs(&tag), crate::lang::dir(lang));
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
            Inline::Image { path, alt, width, .. } => {
                let img = self.img(path, alt, width.as_deref());
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

    /// Right-to-left text with the Latin runs the bidi algorithm would set wrongly isolated.
    fn rtl_text(&mut self, text: &str) {
        let mut at = 0;
        for run in crate::lang::ltr_runs(text) {
            let _ =
                write!(self.out, "{}<span dir=\"ltr\">{}</span>", xml(&text[at..run.start]), xml(&text[run.clone()]));
            at = run.end;
        }
        self.out.push_str(&xml(&text[at..]));
    }

    fn target_href(&self, target: &LinkTarget) -> String {
        match target {
            LinkTarget::External(u) => url(u),
            LinkTarget::Internal { chapter, anchor } => self.internal_href(chapter, anchor),
        }
    }

    fn internal_href(&self, chapter: &str, anchor: &str) -> String {
        let file = if chapter == self.chapter.slug { String::new() } else { self.flavor.chapter_href(chapter) };
        let fragment = if anchor.is_empty() { chapter_anchor(chapter) } else { heading_anchor(anchor) };
        format!("{file}#{}", url(&fragment))
    }

    fn img(&self, path: &str, alt: &str, width: Option<&str>) -> String {
        let src = self.images.get(path).map_or(path, String::as_str);
        // The author's width; never wider than the text column.
        let style = width.map_or(String::new(), |w| format!(" style=\"width: {}; max-width: 100%\"", xml(w)));
        format!("<img src=\"{}\" alt=\"{}\"{style}/>", xml(&url(src)), xml(alt))
    }

    fn noteref(&mut self, label: &str) {
        let Some(note) = self.chapter.footnotes.get(label) else { return };
        let count = self.note_refs.entry(label.to_string()).or_insert(0);
        *count += 1;
        let n = note.number;
        let _ = write!(
            self.out,
            "<sup><a{} role=\"doc-noteref\" id=\"fnref-{n}-{count}\" href=\"#fn-{n}\">{n}</a></sup>",
            self.flavor.epub_type("noteref")
        );
    }

    /// Write the referenced footnotes of the chapter as EPUB 3 footnote asides, in number order.
    pub fn footnotes(&mut self) {
        let chapter = self.chapter;
        let mut notes: Vec<&crate::document::model::Footnote> =
            chapter.footnotes.iter().filter(|(label, _)| self.note_refs.contains_key(*label)).map(|(_, n)| n).collect();
        notes.sort_by_key(|n| n.number);
        self.pages.pause(true);
        for note in notes {
            let n = note.number;
            let _ =
                writeln!(self.out, "<aside{} role=\"doc-footnote\" id=\"fn-{n}\">", self.flavor.epub_type("footnote"));
            let back = self.edition.string("back-to-reference").replace("{n}", &n.to_string());
            let _ = writeln!(
                self.out,
                "<p class=\"note-number\"><a href=\"#fnref-{n}-1\" role=\"doc-backlink\" aria-label=\"{}\">{n}</a></p>",
                xml(&back)
            );
            self.blocks(&note.blocks);
            self.out.push_str("</aside>\n");
        }
        self.pages.pause(false);
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
