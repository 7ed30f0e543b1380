//! The bibliography, through hayagriva (the version typst uses): loads Hayagriva YAML and BibLaTeX
//! files from `bibliography/`, resolves every citation of an edition once with the configured CSL
//! style and the edition's locale, and writes the results into the model (citation text, links to
//! entries, notes for note styles, the reference list), so the PDF and the EPUB print the same
//! strings. The only module that knows hayagriva.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hayagriva::citationberg::{
    FontStyle, FontWeight, IndependentStyle, Locale, LocaleCode, Style, StyleClass, VerticalAlign,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild, ElemChildren,
    Library, LocatorPayload, SpecificLocator,
};

use crate::diag::{Diagnostic, closest, line_col};
use crate::model::{Block, Chapter, ChapterKind, CiteItem, CiteMode, Edition, Footnote, Inline, LinkTarget, Span};

/// The folder bibliography files live in.
pub const DIR: &str = "bibliography";
/// The slug of the generated reference list.
pub const REFERENCES_SLUG: &str = "references";
/// The style used when `report.yaml` names none.
pub const DEFAULT_STYLE: &str = "chicago-author-date";

/// The loaded bibliography of a project: entries, where each was defined, the style.
pub struct Bibliography {
    library: Library,
    origin: HashMap<String, (PathBuf, usize)>,
    style: IndependentStyle,
    nocite: Vec<String>,
}

/// Load every `.yaml`, `.yml` and `.bib` file of `bibliography/` and the style; `Ok(None)` if there
/// are no bibliography files.
pub fn load(root: &Path, style: Option<&str>, nocite: &[String]) -> Result<Option<Bibliography>, Vec<Diagnostic>> {
    let dir = root.join(DIR);
    let mut files: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "bib")))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    if files.is_empty() {
        return Ok(None);
    }
    let mut library = Library::new();
    let mut origin: HashMap<String, (PathBuf, usize)> = HashMap::new();
    let mut errors = Vec::new();
    for path in &files {
        let rel = Path::new(DIR).join(path.file_name().expect("read_dir entries have names"));
        let text = match fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                errors.push(
                    Diagnostic::error(format!("not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to()))
                        .in_file(&rel),
                );
                continue;
            }
            Err(e) => {
                errors.push(Diagnostic::error(format!("cannot read: {e}")).in_file(&rel));
                continue;
            }
        };
        let parsed =
            if rel.extension().is_some_and(|e| e == "bib") { parse_bib(&text, &rel) } else { parse_yaml(&text, &rel) };
        let file_library = match parsed {
            Ok(l) => l,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        for entry in file_library.iter() {
            let key = entry.key().to_string();
            let line = key_line(&text, &key);
            if let Some((other, other_line)) = origin.get(&key) {
                errors.push(
                    Diagnostic::error(format!(
                        "duplicate bibliography key `{key}`: also defined in {}:{other_line}",
                        other.display()
                    ))
                    .in_file(&rel)
                    .at(line, 1)
                    .with_hint("give one of the entries another key"),
                );
                continue;
            }
            origin.insert(key, (rel.clone(), line));
            library.push(entry);
        }
    }
    let style = match load_style(root, style.unwrap_or(DEFAULT_STYLE)) {
        Ok(s) => Some(s),
        Err(d) => {
            errors.push(d);
            None
        }
    };
    match (errors.is_empty(), style) {
        (true, Some(style)) => Ok(Some(Bibliography { library, origin, style, nocite: nocite.to_vec() })),
        _ => Err(errors),
    }
}

fn parse_yaml(text: &str, rel: &Path) -> Result<Library, Diagnostic> {
    hayagriva::io::from_yaml_str(text).map_err(|e| {
        let mut d =
            Diagnostic::error(format!("malformed bibliography entry: {}", strip_location(&e.to_string()))).in_file(rel);
        if let Some(loc) = e.location() {
            d = d.at(loc.line(), loc.column());
        }
        d.with_hint("see the Hayagriva YAML format: https://github.com/typst/hayagriva/blob/main/docs/file-format.md")
    })
}

fn parse_bib(text: &str, rel: &Path) -> Result<Library, Diagnostic> {
    hayagriva::io::from_biblatex_str(text).map_err(|errors| {
        let first = &errors[0];
        let offset = match first {
            hayagriva::io::BibLaTeXError::Parse(e) => e.span.start,
            hayagriva::io::BibLaTeXError::Type(e) => e.span.start,
        };
        let (line, col) = line_col(text, offset);
        Diagnostic::error(format!("malformed BibLaTeX: {first}")).in_file(rel).at(line, col)
    })
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The line a key is defined on (YAML `key:` or BibLaTeX `@type{key,`), 1 if not found.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.starts_with(&format!("{key}:")) || (t.starts_with('@') && t.contains(&format!("{{{key},")))
        })
        .map_or(1, |i| i + 1)
}

/// Load a style by the name of a CSL style bundled with hayagriva, or a `.csl` file in `bibliography/`.
fn load_style(root: &Path, name: &str) -> Result<IndependentStyle, Diagnostic> {
    let locate = |d: Diagnostic| d.in_file(crate::plan::CONFIG_FILE);
    if name.ends_with(".csl") {
        let path = root.join(DIR).join(name);
        let xml = fs::read_to_string(&path).map_err(|e| {
            locate(Diagnostic::error(format!("cannot read the style {DIR}/{name}: {e}")))
                .with_hint("put the .csl file in bibliography/")
        })?;
        return match IndependentStyle::from_xml(&xml) {
            Ok(style) => Ok(style),
            Err(e) => {
                Err(Diagnostic::error(format!("the CSL style cannot be used: {e}")).in_file(Path::new(DIR).join(name)))
            }
        };
    }
    match hayagriva::archive::ArchivedStyle::by_name(name).map(|s| s.get()) {
        Some(Style::Independent(style)) => Ok(style),
        _ => {
            let names: Vec<&str> =
                hayagriva::archive::ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied()).collect();
            let hint = match closest(name, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "use a style bundled with hayagriva (e.g. chicago-author-date, ieee, apa) or a .csl file in bibliography/".to_string(),
            };
            Err(locate(Diagnostic::error(format!("unknown citation style `{name}`"))).with_hint(hint))
        }
    }
}

fn locales() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(hayagriva::archive::locales)
}

/// The CSL locale of an edition language.
fn locale_code(lang: &str) -> LocaleCode {
    let code = match lang {
        "en" => "en-US",
        "fr" => "fr-FR",
        "es" => "es-ES",
        "de" => "de-DE",
        "zh" => "zh-CN",
        "ar" => "ar",
        other => other,
    };
    LocaleCode(code.to_string())
}

/// The anchor id of a reference list entry.
pub fn entry_anchor(key: &str) -> String {
    let clean: String =
        key.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("ref-{clean}")
}

/// Where a citation sits, to write its rendering back.
struct Site {
    chapter: usize,
    span: Span,
    mode: CiteMode,
    items: Vec<CiteItem>,
}

/// Resolve every citation of the edition and append the reference list; return the diagnostics
/// (unknown keys, uncited entries). Without a bibliography, citations stay as written.
pub fn resolve(edition: &mut Edition, bib: Option<&Bibliography>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut sites: Vec<Site> = Vec::new();
    for (index, chapter) in edition.chapters.iter_mut().enumerate() {
        for_each_inline_vec(chapter, &mut |inlines: &mut Vec<Inline>| {
            for inline in inlines.iter() {
                if let Inline::Cite { span, mode, items, .. } = inline {
                    sites.push(Site { chapter: index, span: *span, mode: *mode, items: items.clone() });
                }
            }
        });
    }

    // Unknown keys: errors in brackets; a narrative `@name` no entry has is plain text (a handle).
    let known = |key: &str| bib.is_some_and(|b| b.library.get(key).is_some());
    for site in &sites {
        for item in &site.items {
            if known(&item.key) {
                continue;
            }
            let keys: Vec<&str> = bib.map(|b| b.library.keys().collect()).unwrap_or_default();
            let near = closest(&item.key, keys.iter().copied());
            if site.mode == CiteMode::Narrative && near.is_none() {
                continue;
            }
            let hint = match (near, bib) {
                (Some(near), _) => format!("did you mean `@{near}`?"),
                (None, None) => "add the work to a .yaml or .bib file in bibliography/".to_string(),
                (None, Some(_)) => "add the work to bibliography/ or check the key".to_string(),
            };
            let source = &edition.chapters[site.chapter].source;
            let d = Diagnostic::error(format!("unknown citation key `{}`", item.key))
                .code("citation")
                .in_file(source)
                .at(site.span.line, site.span.column)
                .with_hint(hint);
            if site.mode == CiteMode::Narrative {
                diags.push(Diagnostic { severity: crate::diag::Severity::Warning, ..d });
            } else {
                diags.push(d);
            }
        }
    }
    let resolvable = |site: &Site| site.items.iter().all(|i| known(&i.key));

    let Some(bib) = bib else {
        replace_cites(edition, &mut |_, raw| vec![Inline::Text(raw.to_string())]);
        return diags;
    };
    let style = &bib.style;
    let note_style = style.settings.class == StyleClass::Note;
    let locale = locale_code(&edition.lang);
    let mut driver: BibliographyDriver<hayagriva::Entry> = BibliographyDriver::new();
    // Per site: the index of its in-text rendering and of its note rendering, if any.
    let mut rendered_for: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut count = 0;
    let mut note_number = 0;
    for site in &sites {
        let mut request = |author_only: bool, note: bool| {
            let number = note.then(|| {
                note_number += 1;
                note_number
            });
            driver.citation(citation_request(bib, site, author_only, note, number, &locale));
            count += 1;
            count - 1
        };
        let entry = match (resolvable(site), note_style, site.mode) {
            (false, _, _) => (None, None),
            (true, false, _) => (Some(request(false, false)), None),
            (true, true, CiteMode::Parenthetical) => (None, Some(request(false, true))),
            (true, true, CiteMode::Narrative) => {
                let inline = request(true, false);
                (Some(inline), Some(request(false, true)))
            }
        };
        rendered_for.push(entry);
    }
    for key in &bib.nocite {
        if key == "*" {
            for entry in bib.library.iter() {
                let mut item = CitationItem::with_entry(entry);
                item.hidden = true;
                driver.citation(CitationRequest::new(vec![item], style, Some(locale.clone()), locales(), None));
            }
        } else if let Some(entry) = bib.library.get(key) {
            let mut item = CitationItem::with_entry(entry);
            item.hidden = true;
            driver.citation(CitationRequest::new(vec![item], style, Some(locale.clone()), locales(), None));
        } else {
            diags.push(
                Diagnostic::error(format!("unknown key `{key}` under nocite"))
                    .in_file(crate::plan::CONFIG_FILE)
                    .with_hint("list keys defined in bibliography/, or `*` for all"),
            );
        }
    }
    let rendered = driver.finish(BibliographyRequest::new(style, Some(locale.clone()), locales()));

    // Write each rendered citation back in place of its `Inline::Cite`.
    let layout_prefix = style.citation.layout.prefix.clone().unwrap_or_default();
    let layout_suffix = style.citation.layout.suffix.clone().unwrap_or_default();
    let mut next_site = 0;
    let mut notes: Vec<(usize, String, Vec<Inline>)> = Vec::new();
    let render = |k: usize, site: &Site| {
        let mut content = inlines(&rendered.citations[k].citation);
        // hayagriva drops the style's parentheses when an item has a purpose; `[-@key]` keeps them.
        if site.mode == CiteMode::Parenthetical && !note_style && site.items.iter().any(|i| i.suppress_author) {
            content.insert(0, Inline::Text(layout_prefix.clone()));
            content.push(Inline::Text(layout_suffix.clone()));
        }
        let first = &site.items[0];
        if !first.prefix.is_empty() {
            insert_after_prefix(&mut content, &layout_prefix, &format!("{} ", first.prefix));
        }
        let last = &site.items[site.items.len() - 1];
        let (_, rest) = locator(&last.suffix);
        if !rest.is_empty() {
            insert_before_suffix(&mut content, &layout_suffix, &format!(", {rest}"));
        }
        if content.iter().any(|i| matches!(i, Inline::Link { .. })) {
            content
        } else {
            let target = LinkTarget::Internal { chapter: REFERENCES_SLUG.into(), anchor: entry_anchor(&first.key) };
            vec![Inline::Link { span: site.span, target, content }]
        }
    };
    replace_cites(edition, &mut |_, raw| {
        let index = next_site;
        next_site += 1;
        let site = &sites[index];
        let mut out = Vec::new();
        match rendered_for[index] {
            (None, None) => out.push(Inline::Text(raw.to_string())),
            (inline, note) => {
                if let Some(k) = inline {
                    out.extend(render(k, site));
                }
                if let Some(k) = note {
                    let label = format!("cite-{}", index + 1);
                    notes.push((site.chapter, label.clone(), render(k, site)));
                    out.push(Inline::FootnoteRef { span: site.span, label });
                }
            }
        }
        out
    });
    for (chapter, label, mut content) in notes {
        if let Some(Inline::Link { content: inner, .. }) = content.first_mut() {
            append_period(inner);
        }
        let note = Footnote {
            number: 0,
            span: Span::default(),
            blocks: vec![Block::Paragraph { span: Span::default(), content }],
        };
        edition.chapters[chapter].footnotes.insert(label, note);
    }
    if note_style {
        edition.chapters.iter_mut().for_each(renumber_footnotes);
    }

    // The reference list, and warnings for entries nobody cites.
    if let Some(list) = rendered.bibliography {
        let entries: Vec<(String, Vec<Inline>)> =
            list.items.iter().map(|item| (entry_anchor(&item.key), linkify(tidy(inlines(&item.content))))).collect();
        let listed: Vec<&str> = list.items.iter().map(|i| i.key.as_str()).collect();
        let mut uncited: Vec<(&PathBuf, usize, &str)> = bib
            .library
            .keys()
            .filter(|k| !listed.contains(k))
            .map(|k| {
                let (file, line) = &bib.origin[k];
                (file, *line, k)
            })
            .collect();
        uncited.sort();
        for (file, line, key) in uncited {
            diags.push(
                Diagnostic::warning(format!("bibliography entry `{key}` is never cited"))
                    .code("bibliography")
                    .in_file(file)
                    .at(line, 1)
                    .with_hint("cite it, list it under bibliography.nocite in report.yaml, or remove it"),
            );
        }
        if !entries.is_empty() {
            edition.chapters.push(Chapter {
                source: PathBuf::from(DIR),
                slug: REFERENCES_SLUG.into(),
                kind: ChapterKind::References,
                lang: None,
                title: vec![Inline::Text(edition.string("bibliography").to_string())],
                blocks: vec![Block::References { span: Span::default(), hanging: list.hanging_indent, entries }],
                footnotes: BTreeMap::new(),
            });
        }
    }
    diags
}

/// Build the hayagriva request for one citation site.
fn citation_request<'a>(
    bib: &'a Bibliography,
    site: &'a Site,
    author_only: bool,
    note: bool,
    number: Option<usize>,
    locale: &LocaleCode,
) -> CitationRequest<'a, hayagriva::Entry> {
    let items = site
        .items
        .iter()
        .map(|i| {
            let entry = bib.library.get(&i.key).expect("only resolvable sites are requested");
            let (locator, _) = locator(&i.suffix);
            let mut item = CitationItem::with_locator(entry, locator);
            item.purpose = match (site.mode, i.suppress_author, author_only) {
                (_, _, true) => Some(CitePurpose::Author),
                (_, true, false) => Some(CitePurpose::Year),
                (CiteMode::Narrative, false, false) if !note => Some(CitePurpose::Prose),
                _ => None,
            };
            item
        })
        .collect();
    CitationRequest::new(items, &bib.style, Some(locale.clone()), locales(), number)
}

/// Split a Pandoc suffix into a CSL locator (`p. 12`, `chap. 3`, a bare number) and leftover text.
fn locator(suffix: &str) -> (Option<SpecificLocator<'_>>, &str) {
    use hayagriva::citationberg::taxonomy::Locator as L;
    let suffix = suffix.trim();
    if suffix.is_empty() {
        return (None, "");
    }
    if suffix.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (Some(SpecificLocator(L::Page, LocatorPayload::Str(suffix))), "");
    }
    let (label, value) = suffix.split_once(char::is_whitespace).unwrap_or((suffix, ""));
    let kind = match label.to_lowercase().as_str() {
        "p." | "pp." | "page" | "pages" => L::Page,
        "chap." | "chapter" | "chapters" | "ch." => L::Chapter,
        "sec." | "section" | "sections" | "§" | "§§" => L::Section,
        "para." | "paragraph" | "paragraphs" | "¶" => L::Paragraph,
        "vol." | "volume" | "volumes" => L::Volume,
        "fig." | "figure" | "figures" => L::Figure,
        "l." | "line" | "lines" => L::Line,
        "n." | "note" | "notes" => L::Note,
        "col." | "column" | "columns" => L::Column,
        "bk." | "book" | "books" => L::Book,
        "pt." | "part" | "parts" => L::Part,
        _ => return (None, suffix),
    };
    if value.trim().is_empty() {
        return (None, suffix);
    }
    (Some(SpecificLocator(kind, LocatorPayload::Str(value.trim()))), "")
}

/// Convert hayagriva's formatted output into model inlines (emphasis, strong, super/subscript, links).
fn inlines(children: &ElemChildren) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Text(f) => out.push(formatted(&f.text, &f.formatting)),
            ElemChild::Elem(e) => out.extend(inlines(&e.children)),
            ElemChild::Markup(m) => out.push(Inline::Text(m.clone())),
            ElemChild::Link { text, url } => out.push(Inline::Link {
                span: Span::default(),
                target: LinkTarget::External(url.clone()),
                content: vec![formatted(&text.text, &text.formatting)],
            }),
            ElemChild::Transparent { .. } => {}
        }
    }
    out
}

fn formatted(text: &str, f: &hayagriva::Formatting) -> Inline {
    let mut inline = Inline::Text(text.to_string());
    if f.font_style == FontStyle::Italic {
        inline = Inline::Emph(vec![inline]);
    }
    if f.font_weight == FontWeight::Bold {
        inline = Inline::Strong(vec![inline]);
    }
    match f.vertical_align {
        VerticalAlign::Sup => Inline::Sup(vec![inline]),
        VerticalAlign::Sub => Inline::Sub(vec![inline]),
        _ => inline,
    }
}

/// Collapse doubled final punctuation some styles produce after a quoted title (`.”.` -> `.”`).
fn tidy(mut inlines: Vec<Inline>) -> Vec<Inline> {
    for inline in &mut inlines {
        if let Inline::Text(t) = inline {
            *t = t.replace(".”.", ".”").replace(".\".", ".\"");
        }
    }
    inlines
}

/// Turn bare `http(s)://` addresses in reference text into links.
fn linkify(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::new();
    for inline in inlines {
        let Inline::Text(text) = inline else {
            out.push(inline);
            continue;
        };
        let mut rest = text.as_str();
        let next = |r: &str| {
            [r.find("https://"), r.find("http://"), r.find("doi: 10.").map(|i| i + 5)].into_iter().flatten().min()
        };
        while let Some(start) = next(rest) {
            if start > 0 {
                out.push(Inline::Text(rest[..start].to_string()));
            }
            let url_part = &rest[start..];
            let mut end = url_part.find(char::is_whitespace).unwrap_or(url_part.len());
            // A sentence's final period is not part of the address.
            while end > 0 && url_part[..end].ends_with(['.', ',', ';', ')']) {
                end -= 1;
            }
            let shown = &url_part[..end];
            let url = if shown.starts_with("10.") { format!("https://doi.org/{shown}") } else { shown.to_string() };
            out.push(Inline::Link {
                span: Span::default(),
                target: LinkTarget::External(url),
                content: vec![Inline::Text(shown.to_string())],
            });
            rest = &url_part[end..];
        }
        if !rest.is_empty() {
            out.push(Inline::Text(rest.to_string()));
        }
    }
    out
}

fn insert_after_prefix(content: &mut Vec<Inline>, layout_prefix: &str, text: &str) {
    if let Some(Inline::Text(first)) = content.first_mut()
        && !layout_prefix.is_empty()
        && first.starts_with(layout_prefix)
    {
        first.insert_str(layout_prefix.len(), text);
        return;
    }
    content.insert(0, Inline::Text(text.to_string()));
}

fn insert_before_suffix(content: &mut Vec<Inline>, layout_suffix: &str, text: &str) {
    if let Some(Inline::Text(last)) = content.last_mut()
        && !layout_suffix.is_empty()
        && last.ends_with(layout_suffix)
    {
        let at = last.len() - layout_suffix.len();
        last.insert_str(at, text);
        return;
    }
    content.push(Inline::Text(text.to_string()));
}

fn append_period(content: &mut Vec<Inline>) {
    let ends_with_period = matches!(content.last(), Some(Inline::Text(t)) if t.trim_end().ends_with('.'));
    if !ends_with_period {
        content.push(Inline::Text(".".into()));
    }
}

/// Call `f` on every inline vector of a chapter (title, blocks, footnotes), in reading order.
fn for_each_inline_vec(chapter: &mut Chapter, f: &mut impl FnMut(&mut Vec<Inline>)) {
    inline_vec(&mut chapter.title, f);
    blocks_mut(&mut chapter.blocks, f);
    let mut notes: Vec<&mut Footnote> = chapter.footnotes.values_mut().collect();
    notes.sort_by_key(|n| n.number);
    for note in notes {
        blocks_mut(&mut note.blocks, f);
    }
}

fn blocks_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Paragraph { content, .. } | Block::Heading { content, .. } | Block::Turn { content, .. } => {
                inline_vec(content, f)
            }
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                blocks_mut(blocks, f)
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| blocks_mut(&mut i.blocks, f)),
            Block::Definitions { items, .. } => items.iter_mut().for_each(|(t, d)| {
                inline_vec(t, f);
                blocks_mut(d, f);
            }),
            Block::Table { header, rows, .. } => {
                header.iter_mut().chain(rows.iter_mut().flatten()).for_each(|c| inline_vec(c, f))
            }
            Block::References { entries, .. } => entries.iter_mut().for_each(|(_, e)| inline_vec(e, f)),
            Block::Code { .. } | Block::Rule { .. } => {}
        }
    }
}

fn inline_vec(inlines: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
    f(inlines);
    for inline in inlines.iter_mut() {
        match inline {
            Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => {
                inline_vec(c, f)
            }
            Inline::Link { content, .. } => inline_vec(content, f),
            Inline::Text(_)
            | Inline::Code(_)
            | Inline::Image { .. }
            | Inline::FootnoteRef { .. }
            | Inline::Cite { .. }
            | Inline::LineBreak
            | Inline::SoftBreak => {}
        }
    }
}

/// Replace every `Inline::Cite` (in reading order) by what `f` returns for it.
fn replace_cites(edition: &mut Edition, f: &mut impl FnMut(usize, &str) -> Vec<Inline>) {
    let mut n = 0;
    for chapter in &mut edition.chapters {
        for_each_inline_vec(chapter, &mut |inlines: &mut Vec<Inline>| {
            if !inlines.iter().any(|i| matches!(i, Inline::Cite { .. })) {
                return;
            }
            let old = std::mem::take(inlines);
            for inline in old {
                match inline {
                    Inline::Cite { raw, .. } => {
                        inlines.extend(f(n, &raw));
                        n += 1;
                    }
                    other => inlines.push(other),
                }
            }
        });
    }
}

/// Number a chapter's footnotes in order of first reference.
fn renumber_footnotes(chapter: &mut Chapter) {
    let mut order: Vec<String> = Vec::new();
    let mut collect = |inlines: &mut Vec<Inline>| {
        for inline in inlines.iter() {
            if let Inline::FootnoteRef { label, .. } = inline
                && !order.contains(label)
            {
                order.push(label.clone());
            }
        }
    };
    inline_vec(&mut chapter.title, &mut collect);
    blocks_mut(&mut chapter.blocks, &mut collect);
    for (i, label) in order.iter().enumerate() {
        if let Some(note) = chapter.footnotes.get_mut(label) {
            note.number = i + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_follow_pandoc_labels() {
        assert!(matches!(locator("p. 12"), (Some(SpecificLocator(_, LocatorPayload::Str("12"))), "")));
        assert!(matches!(locator("12-14"), (Some(_), "")));
        assert!(matches!(locator("chap. 3"), (Some(_), "")));
        assert!(matches!(locator("and elsewhere"), (None, "and elsewhere")));
    }

    #[test]
    fn bare_addresses_and_dois_become_links() {
        let out = linkify(vec![Inline::Text("See https://x.org/a. And doi: 10.1/2.".into())]);
        let targets: Vec<String> = out
            .iter()
            .filter_map(|i| match i {
                Inline::Link { target: LinkTarget::External(u), .. } => Some(u.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(targets, vec!["https://x.org/a".to_string(), "https://doi.org/10.1/2".to_string()]);
    }

    #[test]
    fn anchors_are_valid_ids() {
        assert_eq!(entry_anchor("doe:2020 a"), "ref-doe-2020-a");
    }
}
