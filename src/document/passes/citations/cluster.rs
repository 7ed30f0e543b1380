//! One citation cluster (`[see @a, p. 4; compare @b, chap. 2]`): the hayagriva items it asks for
//! and the inlines made of hayagriva's answer, with every item's own prefix, locator and suffix
//! beside that item wherever the style sorts it, and suppressed authors cut out of an item's
//! rendering (so `[-@a, p. 21]` keeps its locator and brackets). Knows nothing of the model's walk.

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{IndependentStyle, LocaleCode};
use hayagriva::{CitationItem, CitePurpose, ElemChild, ElemChildren, ElemMeta, LocatorPayload, SpecificLocator};

use super::locator::{Parsed, parse};
use super::output::inlines;
use crate::document::model::{CiteItem, CiteMode, Inline};

/// What one item of a cluster asks for, read from the Markdown.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// The bibliography key.
    pub key: String,
    /// Text before the work (`see`).
    pub prefix: String,
    /// The locator and what follows it.
    pub parsed: Parsed,
    /// `[-@key]`.
    pub suppress_author: bool,
}

/// Read a cluster's items with the locator terms of `locale`.
pub(super) fn items(written: &[CiteItem], locale: &LocaleCode) -> Vec<Item> {
    written
        .iter()
        .map(|i| Item {
            key: i.key.clone(),
            prefix: i.prefix.clone(),
            parsed: parse(&i.suffix, locale),
            suppress_author: i.suppress_author,
        })
        .collect()
}

/// How a request renders its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// The whole citation (in text, or in a note).
    Full,
    /// Only the author, for a narrative citation whose reference goes into a note.
    AuthorOnly,
    /// The narrative form of author-date styles: `Doe (2020, 4)`.
    Prose,
}

/// The form a site asks for in text and in a note.
pub(super) fn forms(mode: CiteMode, note_style: bool, numeric: bool) -> (Option<Form>, Option<Form>) {
    match (note_style, mode) {
        (false, CiteMode::Parenthetical) => (Some(Form::Full), None),
        // A numeric style has no author-in-text form: `@a` is its number, as in citeproc.
        (false, CiteMode::Narrative) if numeric => (Some(Form::Full), None),
        (false, CiteMode::Narrative) => (Some(Form::Prose), None),
        (true, CiteMode::Parenthetical) => (None, Some(Form::Full)),
        (true, CiteMode::Narrative) => (Some(Form::AuthorOnly), Some(Form::Full)),
    }
}

/// The hayagriva items for `items` (all known keys) in the given form.
pub(super) fn request_items<'a>(
    library: &'a hayagriva::Library,
    items: &'a [Item],
    form: Form,
) -> Vec<CitationItem<'a, hayagriva::Entry>> {
    items
        .iter()
        .map(|i| {
            let entry = library.get(&i.key).expect("only resolvable sites are requested");
            let locator =
                i.parsed.locator.as_ref().map(|(kind, value)| SpecificLocator(*kind, LocatorPayload::Str(value)));
            let mut item = CitationItem::with_locator(entry, locator);
            item.purpose = match form {
                Form::AuthorOnly => Some(CitePurpose::Author),
                Form::Prose => Some(CitePurpose::Prose),
                Form::Full => None,
            };
            item
        })
        .collect()
}

/// The rendered part of each item of a cluster, by its index in the cluster as written.
pub(super) fn item_renders(children: &ElemChildren, count: usize) -> Vec<Option<ElemChildren>> {
    let mut out = vec![None; count];
    for child in &children.0 {
        if let ElemChild::Elem(e) = child
            && let Some(ElemMeta::Entry(i)) = e.meta
            && i < count
        {
            out[i] = Some(e.children.clone());
        }
    }
    out
}

/// Whether every item with something of its own (a prefix, a locator, a suffix) is rendered
/// where hayagriva can be trusted to keep it: false when a collapsed range hid such an item, or
/// when the style reordered a cluster whose items carry words of their own (citeproc keeps the
/// written order then, so `see` and `compare` read as written).
pub(super) fn keeps_every_item(children: &ElemChildren, items: &[Item]) -> bool {
    let renders = item_renders(children, items.len());
    let order: Vec<usize> = children
        .0
        .iter()
        .filter_map(|c| match c {
            ElemChild::Elem(e) => match e.meta {
                Some(ElemMeta::Entry(i)) => Some(i),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let worded = items.iter().any(|i| !i.prefix.is_empty() || !i.parsed.rest.is_empty());
    let reordered = order.windows(2).any(|w| w[0] > w[1]);
    !(worded && reordered) && items.iter().zip(&renders).all(|(item, render)| render.is_some() || !has_affixes(item))
}

fn has_affixes(item: &Item) -> bool {
    !item.prefix.is_empty() || item.parsed.locator.is_some() || !item.parsed.rest.is_empty()
}

/// Rebuild a cluster's inlines from hayagriva's rendering: its own text (the style's brackets
/// and delimiters) as it is, each item with its prefix before and its suffix after, authors cut
/// out of suppress-author items (and out of every item when `strip_all_authors`).
pub(super) fn affixed(children: &ElemChildren, items: &[Item], strip_all_authors: bool, prose: bool) -> Vec<Inline> {
    let mut out = Vec::new();
    for child in &children.0 {
        match child {
            ElemChild::Elem(e) if matches!(e.meta, Some(ElemMeta::Entry(i)) if i < items.len()) => {
                let Some(ElemMeta::Entry(i)) = e.meta else { unreachable!("matched above") };
                let mut one = one_item(&e.children, &items[i], strip_all_authors);
                // `Marsh (2021, chap. 2, for the history)`: in prose the suffix stays inside.
                if prose && !items[i].parsed.rest.is_empty() && one.len() >= 2 {
                    let mut rest = vec![one.pop().expect("two or more")];
                    if matches!(one.last(), Some(Inline::Text(t)) if t == ", ") {
                        rest.insert(0, one.pop().expect("just matched"));
                    }
                    let joined: Option<String> =
                        rest.iter().map(|i| if let Inline::Text(t) = i { Some(t.as_str()) } else { None }).collect();
                    if let (Some(Inline::Text(close)), Some(joined)) = (one.last_mut(), joined)
                        && close.ends_with([')', ']'])
                    {
                        let at = close.len() - 1;
                        close.insert_str(at, &joined);
                    } else {
                        one.extend(rest);
                    }
                }
                out.extend(one);
            }
            other => out.extend(inlines(&ElemChildren(vec![other.clone()]))),
        }
    }
    out
}

/// Join items rendered one request each (because the style would have hidden an item with
/// affixes in a collapsed range) with the style's delimiter inside the style's brackets.
pub(super) fn joined(renders: &[ElemChildren], items: &[Item], style: &IndependentStyle, strip: bool) -> Vec<Inline> {
    let layout = &style.citation.layout;
    let mut out = Vec::new();
    if let Some(prefix) = &layout.prefix {
        out.push(Inline::Text(prefix.clone()));
    }
    for (n, (render, item)) in renders.iter().zip(items).enumerate() {
        if n > 0 {
            out.push(Inline::Text(layout.delimiter.clone().unwrap_or_else(|| "; ".into())));
        }
        match item_renders(render, 1).into_iter().next().flatten() {
            Some(children) => out.extend(one_item(&children, item, strip)),
            None => out.extend(inlines(render)),
        }
    }
    if let Some(suffix) = &layout.suffix {
        out.push(Inline::Text(suffix.clone()));
    }
    out
}

fn one_item(children: &ElemChildren, item: &Item, strip_authors: bool) -> Vec<Inline> {
    let mut children = children.clone();
    if item.suppress_author || strip_authors {
        strip_names(&mut children);
    }
    let mut out = Vec::new();
    if !item.prefix.is_empty() {
        out.push(Inline::Text(format!("{} ", item.prefix)));
    }
    out.extend(inlines(&children));
    let rest = &item.parsed.rest;
    if !rest.is_empty() {
        // Pandoc's rule: a suffix that opens with a word is set off by a comma.
        let opens_with_word = rest.chars().next().is_some_and(char::is_alphanumeric);
        // The comma is a text of its own, so the edition's language can set it (`bidi`).
        if opens_with_word {
            out.push(Inline::Text(", ".into()));
        }
        out.push(Inline::Text(rest.clone()));
    }
    out
}

/// Remove the first names element (the author, or what substitutes for it) and the separator
/// that followed it; true if one was removed.
fn strip_names(children: &mut ElemChildren) -> bool {
    fn remove(children: &mut ElemChildren) -> bool {
        for i in 0..children.0.len() {
            if let ElemChild::Elem(e) = &mut children.0[i] {
                if matches!(e.meta, Some(ElemMeta::Names(_))) {
                    children.0.remove(i);
                    return true;
                }
                if remove(&mut e.children) {
                    return true;
                }
            }
        }
        false
    }
    let removed = remove(children);
    if removed {
        trim_leading(children);
    }
    removed
}

/// Drop the separator (`, `, a space) a removed author leaves at the start.
fn trim_leading(children: &mut ElemChildren) {
    while let Some(first) = children.0.first_mut() {
        match first {
            ElemChild::Text(t) => {
                let trimmed = t.text.trim_start_matches([' ', ',', ';', ':', '.', '\u{a0}']);
                if trimmed.is_empty() {
                    children.0.remove(0);
                    continue;
                }
                t.text = trimmed.to_string();
                return;
            }
            ElemChild::Elem(e) => {
                trim_leading(&mut e.children);
                if e.children.0.is_empty() {
                    children.0.remove(0);
                    continue;
                }
                return;
            }
            _ => return,
        }
    }
}

/// The text a locator value must show in the rendering (letters and digits only, since styles
/// turn `-` into `–`).
pub(super) fn locator_shown(rendered: &[Inline], locator: &(Locator, String)) -> bool {
    let flat: String = crate::document::walk::plain_text(rendered).chars().filter(|c| c.is_alphanumeric()).collect();
    let want: String = locator.1.chars().filter(|c| c.is_alphanumeric()).collect();
    flat.contains(&want)
}
