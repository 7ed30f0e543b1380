//! Resolving an edition's citations with hayagriva: collecting them in reading order, one request
//! per citation, writing the rendered text (or notes, for note styles) back into the model, and
//! appending the reference list.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hayagriva::citationberg::{LocaleCode, StyleClass};
use hayagriva::{BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose};

use super::library::{Bibliography, DIR, REFERENCES_SLUG, entry_anchor, locale_code, locales};
use super::output::{append_period, inlines, insert_after_prefix, insert_before_suffix, linkify, locator, tidy};
use super::walk::{for_each_inline_vec, renumber_footnotes, replace_cites};
use crate::diag::{Code, Diagnostic, closest};
use crate::document::model::{
    Block, Chapter, ChapterKind, CiteItem, CiteMode, Edition, Footnote, Inline, LinkTarget, Span,
};

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
                    .in_file(crate::project::CONFIG_FILE)
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
    fn every_unknown_key_of_a_citation_is_reported_where_the_citation_starts() {
        let mut e = edition_of("# T\n\nFirst line\nas agreed [@gcm2018; @ilo2019].\n");
        let diags = resolve(&mut e, None);
        let found: Vec<(&str, Option<u32>, Option<u32>)> =
            diags.iter().map(|d| (d.message.as_str(), d.line, d.column)).collect();
        assert_eq!(
            found,
            [
                ("unknown citation key `gcm2018`", Some(4), Some(11)),
                ("unknown citation key `ilo2019`", Some(4), Some(11))
            ]
        );
        assert!(diags.iter().all(|d| d.severity == crate::diag::Severity::Error), "{diags:?}");
        assert!(
            diags.iter().all(|d| d.hint.as_deref() == Some("add the work to a .yaml or .bib file in bibliography/")),
            "{diags:?}"
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
