//! Turning hayagriva's output into model inlines: formatting, links for URLs and DOIs, locators
//! from Pandoc suffixes, prefixes and suffixes placed inside the style's parentheses.

use hayagriva::citationberg::{FontStyle, FontWeight, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren, LocatorPayload, SpecificLocator};

use crate::document::model::{Inline, LinkTarget, Span};

/// Split a Pandoc suffix into a CSL locator (`p. 12`, `chap. 3`, a bare number) and leftover text.
pub(super) fn locator(suffix: &str) -> (Option<SpecificLocator<'_>>, &str) {
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
pub(super) fn inlines(children: &ElemChildren) -> Vec<Inline> {
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

pub(super) fn formatted(text: &str, f: &hayagriva::Formatting) -> Inline {
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
pub(super) fn tidy(mut inlines: Vec<Inline>) -> Vec<Inline> {
    for inline in &mut inlines {
        if let Inline::Text(t) = inline {
            *t = t.replace(".”.", ".”").replace(".\".", ".\"");
        }
    }
    inlines
}

/// Turn bare `http(s)://` addresses in reference text into links.
pub(super) fn linkify(inlines: Vec<Inline>) -> Vec<Inline> {
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

pub(super) fn insert_after_prefix(content: &mut Vec<Inline>, layout_prefix: &str, text: &str) {
    if let Some(Inline::Text(first)) = content.first_mut()
        && !layout_prefix.is_empty()
        && first.starts_with(layout_prefix)
    {
        first.insert_str(layout_prefix.len(), text);
        return;
    }
    content.insert(0, Inline::Text(text.to_string()));
}

pub(super) fn insert_before_suffix(content: &mut Vec<Inline>, layout_suffix: &str, text: &str) {
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

pub(super) fn append_period(content: &mut Vec<Inline>) {
    let ends_with_period = matches!(content.last(), Some(Inline::Text(t)) if t.trim_end().ends_with('.'));
    if !ends_with_period {
        content.push(Inline::Text(".".into()));
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
        assert_eq!(super::super::library::entry_anchor("doe:2020 a"), "ref-doe-2020-a");
    }
}
