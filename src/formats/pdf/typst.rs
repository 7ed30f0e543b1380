//! Renders the model into Typst sources in function-call form: one virtual `.typ` file per chapter
//! and one main file. Every user string passes through `escape`; every block and located inline
//! records where it came from, so typst's diagnostics map back to the Markdown. Never touches the disk.

use std::collections::HashMap;
use std::fmt::Write;

use crate::document::model::{Align, Block, Caption, Chapter, Edition, Family, Inline, LinkTarget, Role, Span};
use crate::document::pages::{block_run, inline_run};
use crate::document::walk::{plain_text, visit_blocks};
use crate::formats::escape::{typst_markup as markup, typst_string as string};
use crate::formats::pdf::places::Places;
use crate::lang::first_strong_dir;
use crate::lang::speaker_label;
use crate::project::print::{PrintSettings, Profile, Standard};
use crate::project::theme::{self, Theme};

/// The virtual path of the template the generated files import: the theme's, else the built-in one.
pub const TEMPLATE_PATH: &str = "/spotlight/report.typ";
/// The virtual path of the built-in template, always served, so a theme template can import it.
pub const DEFAULT_TEMPLATE_PATH: &str = "/spotlight/default.typ";
/// The virtual path of the generated style values (fonts, strings) the template imports.
pub const STYLE_PATH: &str = "/spotlight/style.typ";
/// The virtual path of the generated main file.
pub const MAIN_PATH: &str = "/spotlight/main.typ";
/// The virtual path of the generated cover file (the title page alone, on a cover-sized page).
pub const COVER_PATH: &str = "/spotlight/cover.typ";
/// The built-in template's source text (the default theme).
pub const TEMPLATE: &str = include_str!("report.typ");

/// The virtual path of the project's theme template (its own path, so its relative imports work).
pub fn theme_template_path() -> String {
    format!("/{}", theme::TEMPLATE_FILE)
}

/// The template sources every compilation serves, `(virtual path, text)`: the built-in template
/// at its stable path and, under `TEMPLATE_PATH`, either it or a file forwarding to the theme's.
pub fn template_sources(theme: &Theme) -> Vec<(String, String)> {
    let mut sources = vec![(DEFAULT_TEMPLATE_PATH.to_string(), TEMPLATE.to_string())];
    match &theme.template {
        Some(text) => {
            let path = theme_template_path();
            let forward = format!("// The project's theme template.\n#import {}: *\n", string(&path));
            sources.push((TEMPLATE_PATH.to_string(), forward));
            sources.push((path, text.clone()));
        }
        None => sources.push((TEMPLATE_PATH.to_string(), TEMPLATE.to_string())),
    }
    sources
}

/// One generated Typst file and the map from its byte offsets back to Markdown positions.
#[derive(Debug, Clone)]
pub struct TypstFile {
    /// Virtual path inside the project, starting with `/`.
    pub path: String,
    /// The Typst source.
    pub text: String,
    /// Index of the chapter this file renders, if any.
    pub chapter: Option<usize>,
    /// Sorted `(byte offset, Markdown span)` pairs: the source position of the output from there on.
    pub spans: Vec<(usize, Span)>,
    /// Where the chapter's runs and blocks were written (empty for other files), for the page map.
    pub places: Places,
}

impl TypstFile {
    /// Map a byte offset of the generated source to the Markdown position it came from.
    pub fn markdown_span(&self, offset: usize) -> Option<Span> {
        let i = self.spans.partition_point(|(o, _)| *o <= offset);
        i.checked_sub(1).map(|i| self.spans[i].1)
    }
}

/// Render an edition into its main file, its style file, then one file per chapter.
pub fn render(edition: &Edition, print: &PrintSettings, cover: Option<&str>, theme: &Theme) -> Vec<TypstFile> {
    // Footnotes are numbered through the whole document, so each chapter starts after the last.
    let mut notes_before = 0;
    let chapters: Vec<TypstFile> = edition
        .chapters
        .iter()
        .enumerate()
        .map(|(i, c)| chapter_file(edition, print, i, c, &mut notes_before))
        .collect();
    // Press colour (CMYK) goes with the print profile, except under PDF/A: its output intent is
    // sRGB, and typst refuses CMYK there; a print-profile PDF/A keeps the print layout in RGB.
    let archival = print.standards.iter().any(|s| matches!(s, Standard::A2b | Standard::A3b));
    let colour = if archival { Profile::Screen } else { print.profile };
    let mut files = vec![main_file(edition, print, cover, &chapters), style_file(edition, theme, colour)];
    files.extend(chapters);
    files
}

/// Return the virtual path of a chapter's generated Typst file.
pub fn chapter_path(edition: &Edition, chapter: &Chapter) -> String {
    format!("/chapters/{}/{}.typ", edition.lang, chapter.slug)
}

fn main_file(edition: &Edition, print: &PrintSettings, cover: Option<&str>, chapters: &[TypstFile]) -> TypstFile {
    let m = &edition.meta;
    let list = |items: &[String]| {
        let inner: Vec<String> = items.iter().map(|s| string(s)).collect();
        format!("({}{})", inner.join(", "), if inner.len() == 1 { "," } else { "" })
    };
    let opt = |s: &Option<String>| s.as_deref().map_or("none".to_string(), string);
    let mut t = String::new();
    t.push_str("// Generated by Spotlight from report.yaml and the chapters; edit those, not this file.\n");
    t.push_str(&template_import(&["report"]));
    t.push_str("#show: report.with(\n");
    let _ = writeln!(t, "  title: {},", string(&m.title));
    let _ = writeln!(t, "  subtitle: {},", opt(&m.subtitle));
    // typst takes the language and the region apart, and no script subtag.
    let (lang, region) = crate::lang::typst_lang(&edition.lang);
    let _ = writeln!(t, "  lang: {},", string(&lang));
    let _ = writeln!(t, "  region: {},", opt(&region));
    let _ = writeln!(t, "  dir: {},", edition.dir());
    let credit = edition.translation_credit();
    let _ = writeln!(t, "  credit: {},", opt(&credit));
    let profile = if print.profile == Profile::Print { "print" } else { "screen" };
    let _ = writeln!(
        t,
        "  print: (profile: \"{profile}\", width: {:.3}mm, height: {:.3}mm, bleed: {:.3}mm, slug: {:.3}mm),",
        print.width_mm, print.height_mm, print.bleed_mm, print.slug_mm
    );
    let _ = writeln!(t, "  cover-image: {},", cover.map_or("none".to_string(), |c| string(&format!("/{c}"))));
    let _ = writeln!(t, "  participants-title: {},", string(edition.people_list_title()));
    t.push_str("  contents: (\n");
    for (level, title) in contents_lines(edition) {
        let _ = writeln!(t, "    ({level}, {}),", string(&title));
    }
    t.push_str("  ),\n");
    let authors: Vec<String> =
        edition.participants.iter().filter(|p| p.role == Role::Author).map(|p| p.name.clone()).collect();
    let _ = writeln!(t, "  authors: {},", list(&authors));
    t.push_str("  participants: (\n");
    for p in &edition.participants {
        let target = p.target.as_ref().map_or("none".into(), |t| string(&target_label(t)));
        let _ = writeln!(
            t,
            "    (name: {}, detail: {}, role: {}, interviewer: {}, target: {target}),",
            string(&p.name),
            string(&p.detail),
            edition.role_label(p).map_or("none".into(), string),
            p.is_interviewer()
        );
    }
    t.push_str("  ),\n");
    let _ = writeln!(t, "  year: {},", m.year);
    let (y, mo, d) = m.date;
    let _ = writeln!(t, "  date: datetime(year: {y}, month: {mo}, day: {d}),");
    let _ = writeln!(t, "  keywords: {},", list(&m.keywords));
    let p = &m.publisher;
    let _ = writeln!(
        t,
        "  publisher: (name: {}, office: {}, address: {}, contact: {}),",
        string(&p.name),
        opt(&p.office),
        list(&p.address),
        list(&p.contact)
    );
    t.push_str(")\n\n");
    for file in chapters {
        t.push_str(&include_line(&file.path));
    }
    TypstFile { path: MAIN_PATH.to_string(), text: t, chapter: None, spans: Vec::new(), places: Places::default() }
}

/// The lines typst's outline of the report will hold (headings of levels 1 and 2, in order), as
/// plain text: the template sets them in typst's first layout pass, which knows no heading yet.
fn contents_lines(edition: &Edition) -> Vec<(u8, String)> {
    let mut lines = Vec::new();
    for chapter in &edition.chapters {
        lines.push((1, plain_text(&chapter.title)));
        visit_blocks(&chapter.blocks, &mut |block| match block {
            Block::Heading { level, content, .. } if *level <= 2 => lines.push((*level, plain_text(content))),
            Block::Profile { name, .. } => lines.push((2, name.clone())),
            _ => {}
        });
    }
    lines
}

/// Render the cover: the title page of the PDF on a page of the theme's cover size, for the EPUB's
/// cover image.
pub fn cover_file(edition: &Edition, theme: &Theme) -> TypstFile {
    let m = &edition.meta;
    let opt = |s: &Option<String>| s.as_deref().map_or("none".to_string(), string);
    let mut t = String::new();
    let _ = writeln!(t, "#import {}: title-page", string(TEMPLATE_PATH));
    let _ = writeln!(t, "#set page(width: {:.3}mm, height: {:.3}mm)", theme.cover_mm.0, theme.cover_mm.1);
    let (lang, region) = crate::lang::typst_lang(&edition.lang);
    let _ = writeln!(t, "#set text(lang: {}, region: {}, dir: {})", string(&lang), opt(&region), edition.dir());
    let _ = writeln!(
        t,
        "#title-page({}, {}, (name: {}, office: {}), {})",
        string(&m.title),
        opt(&m.subtitle),
        string(&m.publisher.name),
        opt(&m.publisher.office),
        m.year
    );
    TypstFile { path: COVER_PATH.to_string(), text: t, chapter: None, spans: Vec::new(), places: Places::default() }
}

/// The emoji script's range as a Typst regex character class (`[\u{2600}-\u{27BF}...]`).
fn emoji_class() -> String {
    let range = crate::lang::script_named(crate::lang::EMOJI).map_or("", |s| s.unicode_range);
    let mut class = String::from("[");
    for part in range.split(',').map(str::trim) {
        let part = part.trim_start_matches("U+");
        match part.split_once('-') {
            Some((a, b)) => {
                let _ = write!(class, "\\u{{{a}}}-\\u{{{b}}}");
            }
            None => {
                let _ = write!(class, "\\u{{{part}}}");
            }
        }
    }
    class.push(']');
    class
}

/// A width the Markdown checked (`valid_width`) as a Typst length: CSS pixels are 0.75 pt.
fn typst_length(width: &str) -> String {
    match width.strip_suffix("px").and_then(|n| n.parse::<f64>().ok()) {
        Some(px) => format!("{}pt", px * 0.75),
        None => width.to_string(),
    }
}

/// Render the style file (fonts, strings, theme options, the profile the colours are chosen for).
pub fn style_file(edition: &Edition, theme: &Theme, profile: Profile) -> TypstFile {
    let emoji: &[String] = edition.meta.fonts.scripts.get(crate::lang::EMOJI).map_or(&[], Vec::as_slice);
    let stack = |families: &[Family]| {
        let inner: Vec<String> = families
            .iter()
            .map(|f| {
                if emoji.contains(&f.name) {
                    // An emoji font covers digits and `#` too; it sets pictographs only.
                    format!("(name: {}, covers: regex(\"{}\"))", string(&f.name), emoji_class())
                } else if f.latin_only {
                    format!("(name: {}, covers: \"latin-in-cjk\")", string(&f.name))
                } else {
                    string(&f.name)
                }
            })
            .collect();
        if inner.is_empty() { "()".to_string() } else { format!("({},)", inner.join(", ")) }
    };
    let f = &edition.fonts;
    let mut text = format!(
        "// Generated by Spotlight: the edition's style values, imported by the template.\n#let dir = {}\n#let fonts = (serif: {}, sans: {}, mono: {})\n#let strings = (\n",
        edition.dir(),
        stack(&f.serif),
        stack(&f.sans),
        stack(&f.mono)
    );
    // `(:)` is the empty dictionary; `()` would be an array.
    text.push_str(if edition.strings.is_empty() { "  :\n" } else { "" });
    for (key, value) in &edition.strings {
        let _ = writeln!(text, "  {}: {},", string(key), string(value));
    }
    text.push_str(")\n");
    // The punctuation Spotlight itself writes, as the edition's language sets it.
    let lang = &edition.lang;
    let _ = writeln!(
        text,
        "#let punctuation = (label: {}, comma: {}, list: {})",
        string(&crate::lang::label_separator(lang)),
        string(crate::lang::comma(lang)),
        string(crate::lang::enumeration(lang))
    );
    // How each language emphasises, for emphasis in any language the edition holds (spans too).
    text.push_str("#let emphasis = (\n");
    for l in crate::lang::LANGUAGES.iter().filter(|l| l.emphasis != crate::lang::Emphasis::Italic) {
        let _ = writeln!(text, "  {}: {},", l.code, string(l.emphasis.as_str()));
    }
    text.push_str(")\n");
    // The theme options: colours only when report.yaml sets them (the template has its own).
    text.push_str("#let theme = (\n");
    for (name, colour) in &theme.colours {
        let _ = writeln!(text, "  {name}: rgb({}),", string(colour));
    }
    for (name, [c, m, y, k]) in &theme.cmyk {
        let _ = writeln!(text, "  {name}-cmyk: cmyk({c}%, {m}%, {y}%, {k}%),");
    }
    let (w, h) = theme.cover_mm;
    let _ = writeln!(text, "  cover: {},\n  cover-width: {w:.3}mm,\n  cover-height: {h:.3}mm,\n)", theme.cover);
    // The print profile sets colours for a press: CMYK, text in black ink only (see the template).
    let _ = writeln!(text, "#let profile = \"{}\"", if profile == Profile::Print { "print" } else { "screen" });
    TypstFile { path: STYLE_PATH.to_string(), text, chapter: None, spans: Vec::new(), places: Places::default() }
}

struct Writer<'e> {
    edition: &'e Edition,
    /// Whether the PDF is for print (links then carry their address in a note).
    for_print: bool,
    chapter: &'e Chapter,
    out: String,
    spans: Vec<(usize, Span)>,
    /// Footnote labels already set once in this chapter, with their numbers (later references
    /// point back to them).
    notes_set: HashMap<String, usize>,
    /// Footnotes being rendered, with their numbers, to cut reference cycles between notes.
    notes_open: Vec<(String, usize)>,
    /// How many footnotes the document has before the next one (typst's count of them).
    notes_before: usize,
    /// Whether a soft line break in the source becomes a space (not in Chinese or Japanese).
    soft_break_space: bool,
    /// Whether lines break only between words (Korean): typst breaks between any two syllables.
    keep_all: bool,
    /// Whether the text runs right to left: Latin runs the bidi algorithm sets wrongly are isolated.
    rtl: bool,
    /// Where runs and blocks were written (`document::pages::runs` order; footnotes not counted).
    places: Places,
}

/// Set Korean text by words: typst has no `keep-all` and breaks between any two Hangul syllables,
/// so each word holding Hangul goes into a box, which lines never break inside (a word joiner would
/// do the same but stays in the PDF's text, so copying and searching would find it).
fn boxed_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while !rest.is_empty() {
        let split = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, tail) = rest.split_at(split);
        if word.chars().filter(|&c| crate::lang::is_hangul(c)).count() > 1 {
            // `;` ends the embedded expression, so following text cannot continue it.
            let _ = write!(out, "#box[{}];", markup(word));
        } else {
            out.push_str(&markup(word));
        }
        let space = tail.find(|c: char| !c.is_whitespace()).unwrap_or(tail.len());
        out.push_str(&markup(&tail[..space]));
        rest = &tail[space..];
    }
    out
}

fn chapter_file(
    edition: &Edition,
    print: &PrintSettings,
    index: usize,
    chapter: &Chapter,
    notes_before: &mut usize,
) -> TypstFile {
    let mut w = Writer {
        edition,
        for_print: print.profile == Profile::Print,
        chapter,
        out: String::new(),
        spans: Vec::new(),
        notes_set: HashMap::new(),
        notes_open: Vec::new(),
        notes_before: *notes_before,
        soft_break_space: crate::lang::soft_break_is_space(&edition.lang),
        keep_all: crate::lang::keeps_words_whole(chapter.lang.as_deref().unwrap_or(&edition.lang)),
        rtl: crate::lang::dir(chapter.lang.as_deref().unwrap_or(&edition.lang)) == crate::lang::Dir::Rtl,
        places: Places::default(),
    };
    let _ = writeln!(
        w.out,
        "// Generated by Spotlight from {}; edit that file, not this one.",
        chapter.source.display().to_string().replace(['\n', '\r'], " ")
    );
    let _ = writeln!(w.out, "#import {}: *", string(TEMPLATE_PATH));
    if let Some(lang) = &chapter.lang {
        // An untranslated chapter standing in: set in its own language and direction.
        let (code, region) = crate::lang::typst_lang(lang);
        let region = region.map_or("none".to_string(), |r| string(&r));
        let _ =
            writeln!(w.out, "#set text(lang: {}, region: {region}, dir: {})", string(&code), crate::lang::dir(lang));
    }
    w.mark(Span { line: 1, column: 1 });
    w.out.push_str("#chapter(");
    w.out.push_str(&string(&chapter.slug));
    w.out.push_str(")[");
    w.inlines(&chapter.title);
    w.out.push_str("]\n\n");
    w.blocks(&chapter.blocks);
    w.out.push_str("#chapter-end()\n");
    *notes_before = w.notes_before;
    TypstFile {
        path: chapter_path(edition, chapter),
        text: w.out,
        chapter: Some(index),
        spans: w.spans,
        places: w.places,
    }
}

/// Return the files with each chapter set at its fitting level (the template's `fitted`; 0 leaves
/// a chapter as it is). Only the main file changes: it wraps the chapter's `include` in `fitted`,
/// so a chapter's own file (its parse, its evaluation, its span map) is the same at every level.
pub fn fitted(files: &[TypstFile], levels: &[i8]) -> Vec<TypstFile> {
    // The main file's line including each chapter set at a level other than 0, and its new line.
    let wrapped: HashMap<String, String> = files
        .iter()
        .filter_map(|f| Some((f, levels.get(f.chapter?).copied().filter(|&l| l != 0)?)))
        .map(|(f, level)| (include_line(&f.path), format!("#fitted({level}, include {})\n", string(&f.path))))
        .collect();
    let import = template_import(&["report"]);
    files
        .iter()
        .map(|file| {
            if file.path != MAIN_PATH || wrapped.is_empty() {
                return file.clone();
            }
            let mut text = String::with_capacity(file.text.len() + 32 * wrapped.len());
            for line in file.text.split_inclusive('\n') {
                match wrapped.get(line) {
                    Some(new) => text.push_str(new),
                    None if line == import => text.push_str(&template_import(&["report", "fitted"])),
                    None => text.push_str(line),
                }
            }
            TypstFile { text, ..file.clone() }
        })
        .collect()
}

/// The main file's line importing `names` from the template.
fn template_import(names: &[&str]) -> String {
    format!("#import {}: {}\n", string(TEMPLATE_PATH), names.join(", "))
}

/// The main file's line including the generated file at `path`.
fn include_line(path: &str) -> String {
    format!("#include {}\n", string(path))
}

/// The label of the participants list in the opening of the report.
pub const PARTICIPANTS_LABEL: &str = "participants";

/// The label a link target points to.
fn target_label(target: &LinkTarget) -> String {
    match target {
        LinkTarget::Internal { chapter, anchor } => anchor_label(chapter, anchor),
        LinkTarget::External(url) => url.clone(),
    }
}

/// The label of an anchor: chapter slug alone for the chapter start, `slug:anchor` for a heading.
fn anchor_label(chapter: &str, anchor: &str) -> String {
    if anchor.is_empty() { chapter.to_string() } else { format!("{chapter}:{anchor}") }
}

impl Writer<'_> {
    fn mark(&mut self, span: Span) {
        if span.line > 0 {
            self.spans.push((self.out.len(), span));
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
            self.out.push_str("\n\n");
        }
    }

    /// Render blocks as a content block argument: `[...]`.
    fn content_block(&mut self, blocks: &[Block]) {
        self.out.push('[');
        self.blocks(blocks);
        self.out.push(']');
    }

    fn block(&mut self, block: &Block) {
        self.mark(block.span());
        // Footnotes are no runs (`document::pages::runs`): their places are not recorded.
        let counted = self.notes_open.is_empty();
        let (start, first_run) = (self.out.len(), self.places.next_run());
        if let Some(run) = block_run(block).filter(|_| counted) {
            // A block that is a run (code, an image) is found by its block's place.
            self.places.push(start..start, run);
        }
        self.block_body(block);
        if counted {
            self.places.block(start..self.out.len(), first_run);
        }
    }

    fn block_body(&mut self, block: &Block) {
        match block {
            Block::Paragraph { content, .. } => {
                if let [Inline::Image { path, alt, .. }] = content.as_slice() {
                    let _ = write!(self.out, "#md-figure({}, alt: {})", string(&format!("/{path}")), string(alt));
                } else {
                    self.inlines(content);
                }
            }
            Block::Heading { level, id, content, .. } => {
                let _ = write!(self.out, "#section({}, {})[", level, string(&anchor_label(&self.chapter.slug, id)));
                self.inlines(content);
                self.out.push(']');
            }
            Block::Turn { speaker, person, content, .. } => {
                let (participant, question) = self.edition.turn_speaker(person.as_ref(), speaker);
                let target = match participant {
                    Some(p) if p.is_interviewer() => string(PARTICIPANTS_LABEL),
                    Some(p) => p.target.as_ref().map_or("none".into(), |t| string(&target_label(t))),
                    None => "none".into(),
                };
                let label = speaker_label(&self.edition.lang, speaker);
                let _ = write!(self.out, "#turn({}, question: {}, target: {target})[", string(&label), question);
                self.inlines(content);
                self.out.push(']');
            }
            Block::Quote { blocks, .. } => {
                self.out.push_str("#quote(block: true)");
                self.content_block(blocks);
            }
            Block::Callout { kind, title, blocks, .. } => {
                let title = title.as_deref().map_or("none".to_string(), string);
                let _ = write!(self.out, "#callout({}, title: {})", string(kind.name()), title);
                self.content_block(blocks);
            }
            Block::List { start, tight, items, .. } => {
                match start {
                    Some(n) => {
                        let _ = write!(self.out, "#enum(start: {n}, tight: {tight}");
                    }
                    None => {
                        let _ = write!(self.out, "#list(tight: {tight}");
                    }
                }
                for item in items {
                    self.out.push_str(",\n  [");
                    if let Some(done) = item.task {
                        let _ = write!(self.out, "#task({done}) ");
                    }
                    self.blocks(&item.blocks);
                    self.out.push(']');
                }
                self.out.push(')');
            }
            Block::Definitions { items, .. } => {
                self.out.push_str("#terms(");
                for (term, details) in items {
                    self.out.push_str("\n  ([");
                    self.inlines(term);
                    self.out.push_str("], ");
                    self.content_block(details);
                    self.out.push_str("),");
                }
                self.out.push(')');
            }
            Block::Code { lang, text, .. } => {
                let lang = lang.as_deref().map_or("none".to_string(), string);
                let _ = write!(self.out, "#raw(block: true, lang: {lang}, {})", string(text));
            }
            Block::Table { aligns, header, rows, caption, .. } => {
                let align: Vec<&str> = aligns
                    .iter()
                    .map(|a| match a {
                        Align::Auto | Align::Left => "start",
                        Align::Center => "center",
                        Align::Right => "end",
                    })
                    .collect();
                let _ = write!(self.out, "#md-table(columns: {}, align: ({},)", aligns.len().max(1), align.join(", "));
                if let Some(caption) = caption {
                    self.caption_args(caption);
                }
                self.out.push_str(",\n  table.header(");
                for (i, cell) in header.iter().enumerate() {
                    self.out.push_str(if i == 0 { "[" } else { ", [" });
                    self.inlines(cell);
                    self.out.push(']');
                }
                self.out.push(')');
                for row in rows {
                    self.out.push_str(",\n ");
                    for (i, cell) in row.iter().enumerate() {
                        self.out.push_str(if i == 0 { " [" } else { ", [" });
                        self.inlines(cell);
                        self.out.push(']');
                    }
                }
                self.out.push(')');
            }
            Block::Figure { path, alt, caption, width, .. } => {
                let _ = write!(self.out, "#md-figure({}, alt: {}", string(&format!("/{path}")), string(alt));
                if let Some(width) = width {
                    let _ = write!(self.out, ", width: {}", typst_length(width));
                }
                self.caption_args(caption);
                self.out.push(')');
            }
            Block::Rule { .. } => self.out.push_str("#rule()"),
            Block::Profile { id, name, detail, portrait, url, bio, .. } => {
                let (path, alt) = match portrait {
                    Some((p, a)) => (string(&format!("/{p}")), string(a)),
                    None => ("none".into(), "none".into()),
                };
                let url = url.as_deref().map_or("none".into(), string);
                let _ = write!(
                    self.out,
                    "#profile({}, {}, {}, portrait: {path}, alt: {alt}, url: {url})",
                    string(&anchor_label(&self.chapter.slug, id)),
                    string(name),
                    string(detail)
                );
                self.content_block(bio);
            }
            Block::References { hanging, entries, .. } => {
                let _ = write!(self.out, "#reference-list(hanging: {hanging}");
                for (id, content) in entries {
                    let dir =
                        first_strong_dir(&crate::document::walk::plain_text(content)).unwrap_or(self.edition.dir());
                    let label = string(&anchor_label(&self.chapter.slug, id));
                    let _ = write!(self.out, ",\n  ({label}, {dir}, [");
                    self.inlines(content);
                    self.out.push_str("])");
                }
                self.out.push(')');
            }
        }
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    /// Write a caption as the named arguments `number:`, `id:` and `caption:` of a template call.
    fn caption_args(&mut self, caption: &Caption) {
        let id = caption.id.as_ref().map_or("none".into(), |id| string(&anchor_label(&self.chapter.slug, id)));
        let _ = write!(self.out, ", number: {}, id: {id}, caption: ", string(&caption.label));
        if caption.content.is_empty() {
            self.out.push_str("none");
        } else {
            self.out.push('[');
            self.inlines(&caption.content);
            self.out.push(']');
        }
    }

    fn wrapped(&mut self, func: &str, content: &[Inline]) {
        let _ = write!(self.out, "#{func}[");
        self.inlines(content);
        self.out.push(']');
    }

    fn inline(&mut self, inline: &Inline) {
        let start = self.out.len();
        self.inline_body(inline);
        if let Some(run) = inline_run(inline).filter(|_| self.notes_open.is_empty()) {
            self.places.push(start..self.out.len(), run);
        }
    }

    fn inline_body(&mut self, inline: &Inline) {
        match inline {
            Inline::Text(text) if self.keep_all => self.out.push_str(&boxed_words(text)),
            Inline::Text(text) if self.rtl => {
                let mut at = 0;
                for run in crate::lang::ltr_runs(text) {
                    let _ =
                        write!(self.out, "{}#ltr-run[{}];", markup(&text[at..run.start]), markup(&text[run.clone()]));
                    at = run.end;
                }
                self.out.push_str(&markup(&text[at..]));
            }
            Inline::Text(text) => self.out.push_str(&markup(text)),
            Inline::Emph(c) => self.wrapped("emph", c),
            Inline::Strong(c) => self.wrapped("strong", c),
            Inline::Strike(c) => self.wrapped("strike", c),
            Inline::Sup(c) => self.wrapped("super", c),
            Inline::Sub(c) => self.wrapped("sub", c),
            Inline::Lang { lang, content } => {
                let (code, region) = crate::lang::typst_lang(lang);
                let region = region.map_or("none".to_string(), |r| string(&r));
                let _ = write!(self.out, "#lang-span({}, {region}, {})[", string(&code), crate::lang::dir(lang));
                self.inlines(content);
                self.out.push(']');
            }
            Inline::Code(code) => {
                let _ = write!(self.out, "#raw({})", string(code));
            }
            Inline::Link { span, target, content } => {
                self.mark(*span);
                let dest = match target {
                    LinkTarget::External(url) => string(url),
                    LinkTarget::Internal { chapter, anchor } => {
                        format!("label({})", string(&anchor_label(chapter, anchor)))
                    }
                };
                let _ = write!(self.out, "#link({dest})[");
                self.inlines(content);
                self.out.push(']');
                // On paper a link cannot be followed: its address goes in a note, unless the text is it.
                if let LinkTarget::External(url) = target {
                    let shown = crate::document::walk::plain_text(content);
                    let bare =
                        url.trim_start_matches("mailto:").trim_start_matches("https://").trim_start_matches("http://");
                    if self.for_print && shown.trim_end_matches('/') != bare.trim_end_matches('/') && shown != *url {
                        let n = self.next_note();
                        let _ = write!(self.out, "#note({n}, link({}))", string(url));
                    }
                }
            }
            Inline::Image { span, path, alt, width } => {
                self.mark(*span);
                let _ = write!(self.out, "#md-image({}, alt: {}", string(&format!("/{path}")), string(alt));
                if let Some(width) = width {
                    let _ = write!(self.out, ", width: {}", typst_length(width));
                }
                self.out.push(')');
            }
            Inline::FootnoteRef { span, label } => {
                self.mark(*span);
                self.footnote(label);
            }
            Inline::Cite { raw, .. } => self.out.push_str(&markup(raw)),
            Inline::CrossRef { span, text, target, .. } => {
                self.mark(*span);
                match target {
                    Some(LinkTarget::Internal { chapter, anchor }) => {
                        let _ = write!(self.out, "#link(label({}))[", string(&anchor_label(chapter, anchor)));
                        self.inlines(text);
                        self.out.push(']');
                    }
                    Some(LinkTarget::External(_)) | None => self.inlines(text),
                }
            }
            Inline::LineBreak => self.out.push_str("#linebreak()"),
            Inline::SoftBreak => {
                if self.soft_break_space {
                    self.out.push(' ');
                }
            }
        }
    }

    /// Number the next footnote of the document. Spotlight numbers the notes (the template's
    /// `note`) in the order typst counts them: a number typst shows from its counter is not known
    /// in its first layout pass, so every paragraph holding a note was laid out twice.
    fn next_note(&mut self) -> usize {
        self.notes_before += 1;
        self.notes_before
    }

    fn footnote(&mut self, label: &str) {
        let note_label = string(&format!("{}:fn:{label}", self.chapter.slug));
        if let Some(&n) = self.notes_set.get(label) {
            let _ = write!(self.out, "#note({n}, label({note_label}))");
            return;
        }
        let chapter = self.chapter;
        let Some(note) = chapter.footnotes.get(label) else { return };
        if let Some((_, n)) = self.notes_open.iter().find(|(l, _)| l == label) {
            // A note that (indirectly) references itself: show its number, not an endless note.
            let _ = write!(self.out, "#super[{n}]");
            return;
        }
        let n = self.next_note();
        self.notes_open.push((label.to_string(), n));
        let _ = write!(self.out, "#note({n})[");
        self.blocks(&note.blocks);
        let _ = write!(self.out, "]#label({note_label})");
        self.notes_open.pop();
        self.notes_set.insert(label.to_string(), n);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::document::model::Meta;

    fn edition_of(markdown: &str) -> Edition {
        let (chapter, diags) = crate::markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), markdown, "en");
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        let mut chapter = chapter.unwrap();
        crate::document::passes::turns::mark_chapter(&mut chapter);
        Edition {
            lang: "en".into(),
            meta: Meta { title: "T".into(), ..Meta::default() },
            chapters: vec![chapter],
            ..Edition::default()
        }
    }

    fn chapter_source(markdown: &str) -> String {
        render(&edition_of(markdown), &PrintSettings::default(), None, &Theme::default()).remove(2).text
    }

    #[test]
    fn the_contents_lines_are_the_outlines_two_levels_in_order_as_plain_text() {
        let md = "# The *first* one\n\n## Why[^n]\n\n### Too deep\n\n> ## Quoted\n\n[^n]: A note.\n";
        let lines = contents_lines(&edition_of(md));
        assert_eq!(lines, vec![(1, "The first one".into()), (2, "Why".into()), (2, "Quoted".into())]);
        let main = &render(&edition_of(md), &PrintSettings::default(), None, &Theme::default())[0].text;
        assert!(main.contains("  contents: (\n    (1, \"The first one\"),\n    (2, \"Why\"),"), "{main}");
    }

    #[test]
    fn generated_typst_parses_for_typst_like_text() {
        let md = "# T\n\n#read(\"/etc/passwd\") $x$ @key <label> // comment\n\n= heading\n\n`#code` *a* _b_ **c**\n";
        let src = chapter_source(md);
        let root = typst::syntax::parse(&src);
        assert!(root.errors_and_warnings().0.is_empty(), "{:?}\n{src}", root.errors_and_warnings().0);
        assert!(src.contains("\\#read\\(“\\/etc\\/passwd”\\)"), "{src}");
        assert!(src.contains("\\= heading"), "{src}");
    }

    #[test]
    fn tables_with_several_rows_give_parsable_typst() {
        let src = chapter_source("# T\n\n| a | b |\n|---|:-:|\n| c | d |\n| e | f |\n");
        assert!(typst::syntax::parse(&src).errors_and_warnings().0.is_empty(), "{src}");
        assert!(src.contains("[c], [d],\n  [e], [f])"), "{src}");
    }

    #[test]
    fn speaker_turns_render_as_turn_calls() {
        let src = chapter_source("# T\n\n**Neha Misra:** I agree.\n");
        assert!(src.contains("#turn(\"Neha Misra:\", question: false, target: none)[I agree\\.]"), "{src}");
    }

    #[test]
    fn span_map_points_back_to_markdown_lines() {
        let md = "# T\n\nfirst\n\nsecond paragraph\n";
        let file = render(&edition_of(md), &PrintSettings::default(), None, &Theme::default()).remove(2);
        let at = file.text.find("second").unwrap();
        assert_eq!(file.markdown_span(at).unwrap().line, 5);
    }

    #[test]
    fn repeated_footnote_refers_back_to_its_first_use() {
        let src = chapter_source("# T\n\nA[^n] and B[^n].\n\n[^n]: The note.\n");
        assert_eq!(src.matches("#note(1)[").count(), 1, "{src}");
        assert!(src.contains("#note(1, label(\"01-t:fn:n\"))"), "{src}");
    }

    #[test]
    fn footnotes_are_numbered_through_the_document() {
        let mut e = edition_of("# T\n\nA[^a] B[^b] A again[^a].\n\n[^a]: One.\n\n[^b]: Two.\n");
        let mut second = e.chapters[0].clone();
        second.slug = "02-u".into();
        e.chapters.push(second);
        let files = render(&e, &PrintSettings::default(), None, &Theme::default());
        let (first, second) = (&files[2].text, &files[3].text);
        assert!(
            first.contains("#note(1)[") && first.contains("#note(2)[") && first.contains("#note(1, label("),
            "{first}"
        );
        // The second chapter's notes follow the first chapter's two.
        assert!(
            second.contains("#note(3)[") && second.contains("#note(4)[") && second.contains("#note(3, label("),
            "{second}"
        );
        assert!(!second.contains("#note(1"), "{second}");
    }

    #[test]
    fn a_fitted_chapter_is_wrapped_in_the_main_file_and_keeps_its_own() {
        let md = "# T\n\nfirst\n\nsecond paragraph\n";
        let files = render(&edition_of(md), &PrintSettings::default(), None, &Theme::default());
        let texts = |files: &[TypstFile]| files.iter().map(|f| f.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&fitted(&files, &[0])), texts(&files));
        let tight = fitted(&files, &[1]);
        let chapter = files.iter().position(|f| f.chapter == Some(0)).unwrap();
        assert_eq!(tight[chapter].text, files[chapter].text, "the chapter's own file is unchanged");
        let main = tight.iter().find(|f| f.path == MAIN_PATH).unwrap();
        let include = format!("#fitted(1, include {})\n", string(&files[chapter].path));
        assert!(main.text.contains(&include), "{}", main.text);
        assert!(main.text.contains(": report, fitted\n"), "{}", main.text);
        assert!(!main.text.contains(&format!("#include {}", string(&files[chapter].path))));
        assert!(typst::syntax::parse(&main.text).errors_and_warnings().0.is_empty());
    }

    #[test]
    fn main_file_includes_every_chapter() {
        let mut e = edition_of("# T\n");
        let mut second = e.chapters[0].clone();
        second.slug = "02-u".into();
        second.source = PathBuf::from("chapters/en/02-u.md");
        second.footnotes = BTreeMap::new();
        e.chapters.push(second);
        let main = render(&e, &PrintSettings::default(), None, &Theme::default()).remove(0).text;
        assert!(main.contains("#include \"/chapters/en/01-t.typ\"\n#include \"/chapters/en/02-u.typ\""), "{main}");
    }
}
