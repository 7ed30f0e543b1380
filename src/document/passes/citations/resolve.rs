//! Resolving an edition's citations with hayagriva: collecting them in reading order, one request
//! per citation, writing the rendered text (or notes, for note styles) back into the model, and
//! appending the reference list.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hayagriva::citationberg::{CitationFormat, LocaleCode, StyleCategory, StyleClass};
use hayagriva::{BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest};

use super::asked::Asked;
use super::bidi::isolate;
use super::cluster::{self, Form, Item, forms};
use super::kept;
use super::library::{Bibliography, DIR, REFERENCES_SLUG, entry_anchor, locale_code, locales_for};
use super::notes;
use super::output::{append_period, inlines, linkify, pull_into_quotes, tidy};
use super::quotes;
use super::walk::{for_each_inline_vec, for_each_inline_vec_where, renumber_footnotes, replace_cites};
use crate::diag::{Code, Diagnostic, closest};
use crate::document::model::{
    Block, Chapter, ChapterKind, CiteItem, CiteMode, Edition, Footnote, Inline, LinkTarget, Span,
};

/// Where a citation sits, to write its rendering back.
struct Site {
    chapter: usize,
    span: Span,
    mode: CiteMode,
    written: Vec<CiteItem>,
    items: Vec<Item>,
    in_note: bool,
}

/// One hayagriva request: the site it renders, its form, whether it is a note, and (when a
/// cluster is rendered item by item) the item it holds.
#[derive(Clone, Copy)]
struct Request {
    site: usize,
    form: Form,
    note: bool,
    item: Option<usize>,
}

/// Resolve every citation of the edition and append the reference list; return the diagnostics
/// (unknown keys, uncited entries, citations the style cannot print faithfully). Without a
/// bibliography, citations stay as written.
pub fn resolve(edition: &mut Edition, bib: Option<&Bibliography>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let locale = locale_code(&edition.lang);
    let mut sites: Vec<Site> = Vec::new();
    for (index, chapter) in edition.chapters.iter_mut().enumerate() {
        for_each_inline_vec_where(chapter, &mut |inlines: &mut Vec<Inline>, in_note| {
            for inline in inlines.iter() {
                if let Inline::Cite { span, mode, items: written, .. } = inline {
                    let items = cluster::items(written, &locale);
                    sites.push(Site {
                        chapter: index,
                        span: *span,
                        mode: *mode,
                        written: written.clone(),
                        items,
                        in_note,
                    });
                }
            }
        });
    }

    // No bibliography at all: one error for the whole edition, not one per citation.
    if bib.is_none() {
        let bracketed: Vec<&Site> = sites.iter().filter(|s| s.mode != CiteMode::Narrative).collect();
        if let Some(first) = bracketed.first() {
            let mut keys: Vec<&str> = bracketed.iter().flat_map(|s| s.written.iter().map(|i| i.key.as_str())).collect();
            keys.sort_unstable();
            keys.dedup();
            let shown: Vec<String> = keys.iter().take(5).map(|k| format!("`{k}`")).collect();
            let more = if keys.len() > 5 { format!(" and {} more", keys.len() - 5) } else { String::new() };
            diags.push(
                Diagnostic::error(format!(
                    "{} citation(s) of {} key(s) ({}{more}), but the project has no bibliography",
                    bracketed.len(),
                    keys.len(),
                    shown.join(", ")
                ))
                .code(Code::Citation)
                .in_file(&edition.chapters[first.chapter].source)
                .at(first.span.line, first.span.column)
                .with_hint("create the folder bibliography/ with a .yaml or .bib file holding these works"),
            );
        }
    }
    // Unknown keys: errors in brackets; a narrative `@name` no entry has is plain text (a handle).
    let known = |key: &str| bib.is_some_and(|b| b.library.get(key).is_some());
    for site in sites.iter().filter(|_| bib.is_some()) {
        for item in &site.written {
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
                (None, _) => "add the work to bibliography/ or check the key".to_string(),
            };
            let source = &edition.chapters[site.chapter].source;
            let d = Diagnostic::error(format!("unknown citation key `{}`", item.key))
                .code(Code::Citation)
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
    let resolvable = |site: &Site| site.written.iter().all(|i| known(&i.key));

    let Some(bib) = bib else {
        replace_cites(edition, &mut |_, raw| vec![Inline::Text(raw.to_string())]);
        return diags;
    };
    let style = &bib.style;
    let note_style = style.settings.class == StyleClass::Note;
    let numeric = style.info.category.iter().any(|c| {
        matches!(c, StyleCategory::CitationFormat { format: CitationFormat::Numeric | CitationFormat::Label })
    });

    // Pass 1: one request per form of each site. A cluster whose style hid an item with affixes
    // of its own (a collapsed numeric range) is asked for again item by item in pass 2.
    let plan = |split: &[bool]| {
        let mut requests: Vec<Request> = Vec::new();
        for (index, site) in sites.iter().enumerate() {
            if !resolvable(site) {
                continue;
            }
            let (text, note) = forms(site.mode, note_style, numeric);
            // A citation in a footnote of a note style is set in that note, not in a note of its own.
            let (text, note) = if note_style && site.in_note { (Some(Form::Full), None) } else { (text, note) };
            for (form, is_note) in [(text, false), (note, true)] {
                let Some(form) = form else { continue };
                if split[index] && form == Form::Full {
                    for item in 0..site.items.len() {
                        requests.push(Request { site: index, form, note: is_note, item: Some(item) });
                    }
                } else {
                    requests.push(Request { site: index, form, note: is_note, item: None });
                }
            }
        }
        requests
    };
    let run = |requests: &[Request]| {
        let keep = kept::keeping();
        // What hayagriva is asked, exactly: a kept answer is used only for the same question.
        let asked = if keep {
            let items: Vec<(Vec<&Item>, Form, bool, usize, bool)> = requests
                .iter()
                .map(|r| {
                    let site = &sites[r.site];
                    let items = match r.item {
                        Some(i) => vec![&site.items[i]],
                        None => site.items.iter().collect(),
                    };
                    (items, r.form, r.note, r.site, site.in_note)
                })
                .collect();
            format!("{locale:?} {note_style} {items:?}")
        } else {
            String::new()
        };
        if keep && let Some(rendered) = kept::find(bib.identity, &asked) {
            return rendered;
        }
        let mut driver: BibliographyDriver<hayagriva::Entry> = BibliographyDriver::new();
        let mut note_number = 0;
        let mut last_note_site = usize::MAX;
        let mut once = Asked::new(!bib.positional);
        for r in requests {
            let site = &sites[r.site];
            let items = match r.item {
                Some(i) => std::slice::from_ref(&site.items[i]),
                None => &site.items[..],
            };
            if r.note && last_note_site != r.site {
                note_number += 1;
                last_note_site = r.site;
            }
            let number = (r.note || (note_style && site.in_note)).then_some(note_number.max(1));
            // hayagriva is given the works, their locators, the form and the note number.
            let question = || {
                let works: Vec<_> = items.iter().map(|i| (&i.key, &i.parsed.locator)).collect();
                format!("{:?} {number:?} {works:?}", r.form)
            };
            if !once.is_new(question) {
                continue;
            }
            let items = cluster::request_items(&bib.library, items, r.form);
            driver.citation(CitationRequest::new(items, style, Some(locale.clone()), locales_for(&locale), number));
        }
        nocite(bib, &mut driver, &locale, &mut Vec::new());
        let mut rendered = driver.finish(BibliographyRequest::new(style, Some(locale.clone()), locales_for(&locale)));
        rendered.citations = once.answers(std::mem::take(&mut rendered.citations));
        if keep {
            kept::keep(bib.identity, asked, &rendered);
        }
        rendered
    };
    let mut split = vec![false; sites.len()];
    let mut requests = plan(&split);
    let mut rendered = run(&requests);
    for (r, out) in requests.iter().zip(&rendered.citations) {
        if r.form == Form::Full && !cluster::keeps_every_item(&out.citation, &sites[r.site].items) {
            split[r.site] = true;
        }
    }
    if split.iter().any(|s| *s) {
        requests = plan(&split);
        rendered = run(&requests);
    }
    nocite(bib, &mut BibliographyDriver::new(), &locale, &mut diags);

    // Gather each site's in-text and note renderings.
    let mut text_of: Vec<Option<Vec<Inline>>> = vec![None; sites.len()];
    let mut note_of: Vec<Option<Vec<Inline>>> = vec![None; sites.len()];
    let mut i = 0;
    while i < requests.len() {
        let r = requests[i];
        let site = &sites[r.site];
        let strip = r.note && site.mode == CiteMode::Narrative;
        let (content, used) = match r.item {
            Some(_) => {
                let n = site.items.len();
                let renders: Vec<_> = rendered.citations[i..i + n].iter().map(|c| c.citation.clone()).collect();
                (cluster::joined(&renders, &site.items, style, strip), n)
            }
            None if r.form == Form::AuthorOnly => (inlines(&rendered.citations[i].citation), 1),
            None => (cluster::affixed(&rendered.citations[i].citation, &site.items, strip, r.form == Form::Prose), 1),
        };
        // A citation inside a footnote of a note style is set in that note, in parentheses when
        // it was written in brackets (as citeproc does), without the note's closing period.
        let content = if note_style && site.in_note { in_note(content, style, site.mode) } else { content };
        if r.form != Form::AuthorOnly {
            for item in &site.items {
                if let Some(loc) = &item.parsed.locator
                    && !cluster::locator_shown(&content, loc)
                {
                    diags.push(unfaithful(
                        edition,
                        site,
                        &format!("the style does not print the locator `{}` of `{}`", loc.1, item.key),
                        "remove the locator, or choose a style that prints locators",
                    ));
                }
            }
        }
        if r.note {
            note_of[r.site] = Some(content)
        } else {
            text_of[r.site] = Some(content)
        }
        i += used;
    }

    // Write each rendered citation back in place of its `Inline::Cite`.
    let inside = notes::punctuation_in_quote(style, &locale);
    let edition_lang = edition.lang.clone();
    let source_lang = edition.translation.as_ref().map_or_else(|| edition.lang.clone(), |t| t.of.clone());
    let mut next_site = 0;
    let mut notes: Vec<(usize, String, Vec<Inline>)> = Vec::new();
    let link = |site: &Site, content: Vec<Inline>| {
        let content = if inside { pull_into_quotes(tidy(content)) } else { tidy(content) };
        let content = if content.iter().any(|i| matches!(i, Inline::Link { .. })) {
            content
        } else {
            let target =
                LinkTarget::Internal { chapter: REFERENCES_SLUG.into(), anchor: entry_anchor(&site.written[0].key) };
            vec![Inline::Link { span: site.span, target, content }]
        };
        isolate(content, &edition_lang, &source_lang, None)
    };
    replace_cites(edition, &mut |_, raw| {
        let index = next_site;
        next_site += 1;
        let site = &sites[index];
        let mut out = Vec::new();
        let (text, note) = (text_of[index].take(), note_of[index].take());
        if text.is_none() && note.is_none() {
            out.push(Inline::Text(raw.to_string()));
        }
        if let Some(content) = text {
            out.extend(link(site, content));
        }
        if let Some(mut content) = note {
            capitalize(&mut content);
            append_period(&mut content, inside);
            let label = format!("cite-{}", index + 1);
            notes.push((site.chapter, label.clone(), link(site, content)));
            out.push(Inline::FootnoteRef { span: site.span, label });
        }
        out
    });
    for (chapter, label, content) in notes {
        let note = Footnote {
            number: 0,
            span: Span::default(),
            blocks: vec![Block::Paragraph { span: Span::default(), content }],
        };
        edition.chapters[chapter].footnotes.insert(label, note);
    }
    if note_style {
        for chapter in &mut edition.chapters {
            // The sentence's own punctuation stays outside its quotation marks, as citeproc leaves it.
            for_each_inline_vec(chapter, &mut |inlines| notes::place_marks(inlines, false));
            renumber_footnotes(chapter);
        }
    }

    // The reference list, and warnings for entries nobody cites.
    if let Some(list) = rendered.bibliography {
        let entries: Vec<(String, Vec<Inline>)> = list
            .items
            .iter()
            .map(|item| {
                let mut content = Vec::new();
                if let Some(first) = &item.first_field {
                    content.extend(inlines(&hayagriva::ElemChildren(vec![first.clone()])));
                    content.push(Inline::Text(" ".into()));
                }
                let entry = bib.library.get(&item.key);
                let own = entry.and_then(|e| e.language()).map(|l| l.to_string());
                let body = quotes::for_entry(inlines(&item.content), &locale, own.as_deref());
                content.extend(body);
                (entry_anchor(&item.key), isolate(linkify(tidy(content)), &edition_lang, &source_lang, own.as_deref()))
            })
            .collect();
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
                    .code(Code::Bibliography)
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
                id: None,
                blocks: vec![Block::References { span: Span::default(), hanging: list.hanging_indent, entries }],
                footnotes: BTreeMap::new(),
            });
        }
    }
    diags
}

/// Ask for the works listed under `nocite` (hidden citations), reporting unknown keys.
fn nocite<'a>(
    bib: &'a Bibliography,
    driver: &mut BibliographyDriver<'a, hayagriva::Entry>,
    locale: &LocaleCode,
    diags: &mut Vec<Diagnostic>,
) {
    let style = &bib.style;
    for key in &bib.nocite {
        let entries: Vec<&hayagriva::Entry> = if key == "*" {
            bib.library.iter().collect()
        } else if let Some(entry) = bib.library.get(key) {
            vec![entry]
        } else {
            diags.push(
                Diagnostic::error(format!("unknown key `{key}` under nocite"))
                    .in_file(crate::project::CONFIG_FILE)
                    .with_hint("list keys defined in bibliography/, or `*` for all"),
            );
            continue;
        };
        for entry in entries {
            let mut item = CitationItem::with_entry(entry);
            item.hidden = true;
            driver.citation(CitationRequest::new(vec![item], style, Some(locale.clone()), locales_for(locale), None));
        }
    }
}

/// An error for a citation the style cannot print as written.
fn unfaithful(edition: &Edition, site: &Site, message: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(message.to_string())
        .code(Code::Citation)
        .in_file(&edition.chapters[site.chapter].source)
        .at(site.span.line, site.span.column)
        .with_hint(hint.to_string())
}

/// A note style's rendering set inside a footnote: the layout's closing period dropped, brackets
/// around a parenthetical citation.
fn in_note(mut content: Vec<Inline>, style: &hayagriva::citationberg::IndependentStyle, mode: CiteMode) -> Vec<Inline> {
    if let Some(suffix) = style.citation.layout.suffix.as_deref()
        && let Some(Inline::Text(last)) = content.last_mut()
        && let Some(kept) = last.strip_suffix(suffix)
    {
        *last = kept.to_string();
    }
    if mode == CiteMode::Parenthetical {
        content.insert(0, Inline::Text("(".into()));
        content.push(Inline::Text(")".into()));
    }
    content
}

/// Upper-case the first letter of a note (`see Doe` -> `See Doe`).
fn capitalize(content: &mut [Inline]) {
    for inline in content {
        match inline {
            Inline::Text(t) => {
                if let Some(c) = t.chars().find(|c| c.is_alphanumeric()) {
                    if c.is_lowercase() {
                        let at = t.find(c).expect("found above");
                        let upper: String = c.to_uppercase().collect();
                        t.replace_range(at..at + c.len_utf8(), &upper);
                    }
                    return;
                }
            }
            Inline::Emph(c) | Inline::Strong(c) | Inline::Link { content: c, .. } | Inline::Lang { content: c, .. } => {
                capitalize(c);
                return;
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::diag::Code;

    fn edition_of(markdown: &str) -> Edition {
        let (chapter, _) = crate::markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), markdown, "en");
        Edition { lang: "en".into(), chapters: vec![chapter.unwrap()], ..Edition::default() }
    }

    #[test]
    fn without_a_bibliography_a_bracketed_key_is_an_error_naming_file_and_line() {
        let mut e = edition_of("# T\n\nAs agreed [@gcm2018].\n");
        let diags = resolve(&mut e, None);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::Citation);
        assert_eq!((diags[0].file.as_deref(), diags[0].line), (Some(Path::new("chapters/en/01-t.md")), Some(3)));
    }

    #[test]
    fn without_a_bibliography_citations_stay_as_written_and_handles_are_text() {
        let mut e = edition_of("# T\n\nAsk @someone [see @x, p. 2].\n");
        let diags = resolve(&mut e, None);
        assert!(diags.iter().all(|d| d.message.contains("`x`")), "{diags:?}");
        let text = crate::document::walk::plain_text(match &e.chapters[0].blocks[0] {
            Block::Paragraph { content, .. } => content,
            other => panic!("{other:?}"),
        });
        assert_eq!(text, "Ask @someone [see @x, p. 2].");
    }

    #[test]
    fn without_a_bibliography_all_citations_give_one_error_where_the_first_starts() {
        let mut e = edition_of("# T\n\nFirst line\nas agreed [@gcm2018; @ilo2019].\n\nAgain [@gcm2018].\n");
        let diags = resolve(&mut e, None);
        let found: Vec<(&str, Option<u32>, Option<u32>)> =
            diags.iter().map(|d| (d.message.as_str(), d.line, d.column)).collect();
        assert_eq!(
            found,
            [(
                "2 citation(s) of 2 key(s) (`gcm2018`, `ilo2019`), but the project has no bibliography",
                Some(4),
                Some(11)
            )]
        );
        assert!(diags.iter().all(|d| d.severity == crate::diag::Severity::Error), "{diags:?}");
        assert_eq!(
            diags[0].hint.as_deref(),
            Some("create the folder bibliography/ with a .yaml or .bib file holding these works")
        );
    }

    #[test]
    fn without_a_bibliography_no_citation_or_reference_list_is_left() {
        let mut e = edition_of("# T\n\nAs agreed [@gcm2018].[^n]\n\n[^n]: Compare @someone and [-@gcm2018].\n");
        resolve(&mut e, None);
        assert_eq!(e.chapters.len(), 1, "no reference list without a bibliography");
        let mut cites = 0;
        for_each_inline_vec(&mut e.chapters[0], &mut |inlines: &mut Vec<Inline>| {
            cites += inlines.iter().filter(|i| matches!(i, Inline::Cite { .. })).count();
        });
        assert_eq!(cites, 0, "{:?}", e.chapters[0]);
        let note = crate::document::walk::plain_text(match &e.chapters[0].footnotes["n"].blocks[0] {
            Block::Paragraph { content, .. } => content,
            other => panic!("{other:?}"),
        });
        assert_eq!(note, "Compare @someone and [-@gcm2018].");
    }
}
