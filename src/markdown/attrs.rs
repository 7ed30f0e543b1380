//! Pandoc-crossref-style syntax in Markdown: a trailing `{#id}` on a heading, a figure or a table
//! caption; the `Table: …` (or `: …`) caption paragraph beside a table; and cross-references
//! written like citations (`@fig:map`, `[see @fig:a; @tbl:b]`). Edits comrak nodes before they are
//! lowered, so the attribute text never reaches the model; and `{width=50%}` (with or without an
//! id) after an image. Knows nothing of numbering.

use std::borrow::Cow;

use comrak::nodes::{AstNode, NodeValue};

use crate::document::model::{CiteItem, Inline, RefKind, Span};

/// Split a trailing `{#id}` off text: the text before it (trimmed at the end) and the id.
pub fn split_trailing_id(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_end();
    let inner = text.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    if id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '{') {
        return None;
    }
    Some((text[..open].trim_end(), id))
}

/// Whether an id written as `{#id}` can be an anchor in every format: an ASCII letter, then ASCII
/// letters, digits, `-`, `_` or `:`.
pub fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
}

fn text_of<'a>(node: &'a AstNode<'a>) -> Option<String> {
    match &node.data().value {
        NodeValue::Text(t) => Some(t.to_string()),
        _ => None,
    }
}

fn set_text<'a>(node: &'a AstNode<'a>, text: String) {
    node.data_mut().value = NodeValue::Text(Cow::Owned(text));
}

/// Remove a trailing `{#id}` from the last text of `node` (a heading or a caption); return the id.
pub fn take_trailing_id<'a>(node: &'a AstNode<'a>) -> Option<String> {
    // comrak may split a text run into several nodes: look at the whole trailing run.
    let mut run = Vec::new();
    let mut child = node.last_child();
    while let Some(c) = child {
        if text_of(c).is_none() {
            break;
        }
        run.push(c);
        child = c.previous_sibling();
    }
    run.reverse();
    let joined: String = run.iter().filter_map(|c| text_of(c)).collect();
    let (rest, id) = split_trailing_id(&joined)?;
    let (rest, id) = (rest.to_string(), id.to_string());
    let (first, others) = run.split_first()?;
    others.iter().for_each(|c| c.detach());
    if rest.is_empty() {
        first.detach()
    } else {
        set_text(first, rest)
    }
    Some(id)
}

/// Attributes written in braces after an image: `{#fig:map width=50%}`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImageAttrs {
    /// The figure's id, without `#`.
    pub id: Option<String>,
    /// The displayed width as written (`50%`, `8cm`, `300px`), checked by [`valid_width`].
    pub width: Option<String>,
}

/// Whether a width can be given to an image in every format: a number and one of `%`, `cm`, `mm`,
/// `in`, `pt`, `px`, `em`.
pub fn valid_width(width: &str) -> bool {
    let unit_at = width.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(width.len());
    let (number, unit) = width.split_at(unit_at);
    number.parse::<f64>().is_ok_and(|n| n > 0.0) && ["%", "cm", "mm", "in", "pt", "px", "em"].contains(&unit)
}

/// Read a `{...}` at the start of `text` as image attributes; the text after it. `None` when the
/// braces do not hold attribute syntax (every word `#id` or `key=value`), so `{see}` stays text; an
/// error names an unknown key or a width no format can use.
pub fn leading_attrs(text: &str) -> Option<(Result<ImageAttrs, String>, &str)> {
    let inner = text.strip_prefix('{')?;
    let close = inner.find('}')?;
    let (body, rest) = (&inner[..close], &inner[close + 1..]);
    let words: Vec<&str> = body.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| w.starts_with('#') || w.contains('=')) {
        return None;
    }
    let mut attrs = ImageAttrs::default();
    for word in words {
        if let Some(id) = word.strip_prefix('#') {
            attrs.id = Some(id.to_string());
        } else if let Some(width) = word.strip_prefix("width=") {
            let width = width.trim_matches('"');
            if !valid_width(width) {
                return Some((Err(format!("invalid image width `{width}`")), rest));
            }
            attrs.width = Some(width.to_string());
        } else {
            let key = word.split('=').next().unwrap_or(word);
            return Some((Err(format!("unknown image attribute `{key}`")), rest));
        }
    }
    Some((Ok(attrs), rest))
}

/// If `paragraph` holds one image and at most `{#id width=...}` after it, and would be a figure
/// (it has an id or a title), return the image node and its attributes (removed from the tree).
pub fn figure_parts<'a>(paragraph: &'a AstNode<'a>) -> Option<(&'a AstNode<'a>, Result<ImageAttrs, String>)> {
    let image = paragraph.first_child()?;
    let NodeValue::Image(link) = &image.data().value else { return None };
    let titled = !link.title.trim().is_empty();
    let rest: Vec<_> = image.following_siblings().skip(1).collect();
    let mut joined = String::new();
    for node in &rest {
        joined.push_str(&text_of(node)?);
    }
    let attrs = if joined.trim().is_empty() {
        Ok(ImageAttrs::default())
    } else {
        match leading_attrs(joined.trim()) {
            Some((attrs, "")) => attrs,
            _ => return None,
        }
    };
    // Without an id or a title the image stays an image in its paragraph, with its width.
    if !titled && attrs.as_ref().is_ok_and(|a| a.id.is_none()) {
        return None;
    }
    rest.iter().for_each(|c| c.detach());
    Some((image, attrs))
}

/// Remove `{width=...}` from the text right after an inline image; its attributes.
pub fn take_image_attrs<'a>(image: &'a AstNode<'a>) -> Option<Result<ImageAttrs, String>> {
    let next = image.next_sibling()?;
    let text = text_of(next)?;
    let (attrs, rest) = leading_attrs(&text)?;
    let rest = rest.to_string();
    if rest.is_empty() {
        next.detach()
    } else {
        set_text(next, rest)
    }
    Some(attrs)
}

/// Whether `paragraph` opens with `Table:` or `: ` (a table caption, when it stands beside a table).
pub fn is_caption<'a>(paragraph: &'a AstNode<'a>) -> bool {
    let Some(text) = paragraph.first_child().and_then(|c| text_of(c)) else { return false };
    caption_rest(&text).is_some()
}

fn caption_rest(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("Table:").or_else(|| text.strip_prefix(':'))?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// Remove the `Table:` or `:` that opens a caption paragraph.
pub fn strip_caption_prefix<'a>(paragraph: &'a AstNode<'a>) {
    if let Some(first) = paragraph.first_child()
        && let Some(text) = text_of(first)
        && let Some(rest) = caption_rest(&text)
    {
        let rest = rest.to_string();
        if rest.is_empty() { first.detach() } else { set_text(first, rest) }
    }
}

/// Whether the node is a table.
pub fn is_table<'a>(node: Option<&'a AstNode<'a>>) -> bool {
    node.is_some_and(|n| matches!(n.data().value, NodeValue::Table(_)))
}

/// Whether every item of a citation is a cross-reference (`Some(true)`), none is (`Some(false)`),
/// or they are mixed (`None`).
pub fn all_crossrefs(items: &[CiteItem]) -> Option<bool> {
    let refs = items.iter().filter(|i| RefKind::of(&i.key).is_some()).count();
    match refs {
        0 => Some(false),
        n if n == items.len() => Some(true),
        _ => None,
    }
}

/// Write a citation whose items are all cross-references as cross-references: each with its
/// prefix and suffix as text, several separated as the language lists (`[see @fig:a; @fig:b]`).
pub fn crossrefs(items: Vec<CiteItem>, span: Span, lang: &str) -> Vec<Inline> {
    let (list, comma) = (crate::lang::enumeration(lang), crate::lang::comma(lang));
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Some(kind) = RefKind::of(&item.key) else { continue };
        let mut text = String::new();
        if i > 0 {
            text.push_str(list);
        }
        if !item.prefix.is_empty() {
            text.push_str(&item.prefix);
            text.push(' ');
        }
        if !text.is_empty() {
            out.push(Inline::Text(text));
        }
        let raw = format!("@{}", item.key);
        out.push(Inline::CrossRef { span, kind, id: item.key, text: vec![Inline::Text(raw)], target: None });
        if !item.suffix.is_empty() {
            out.push(Inline::Text(format!("{comma}{}", item.suffix)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_ids_are_split_off() {
        assert_eq!(split_trailing_id("Method {#sec:method}"), Some(("Method", "sec:method")));
        assert_eq!(split_trailing_id("{#fig:map}  "), Some(("", "fig:map")));
        assert_eq!(split_trailing_id("a {#b c}"), None);
        assert_eq!(split_trailing_id("a {b}"), None);
        assert_eq!(split_trailing_id("{#}"), None);
    }

    #[test]
    fn image_attributes_are_read_and_checked() {
        let (attrs, rest) = leading_attrs("{#fig:a width=50%} and more").unwrap();
        assert_eq!(attrs, Ok(ImageAttrs { id: Some("fig:a".into()), width: Some("50%".into()) }));
        assert_eq!(rest, " and more");
        assert_eq!(leading_attrs("{see below}"), None);
        assert_eq!(leading_attrs("{width=abc}").unwrap().0, Err("invalid image width `abc`".into()));
        assert_eq!(leading_attrs("{height=3cm}").unwrap().0, Err("unknown image attribute `height`".into()));
        assert!(valid_width("8.5cm") && valid_width("300px") && !valid_width("0%") && !valid_width("3"));
    }

    #[test]
    fn ids_must_be_anchors_in_every_format() {
        assert!(valid_id("sec:method"));
        assert!(valid_id("fig:map_2-b"));
        assert!(!valid_id("2020"));
        assert!(!valid_id("fig:a.b"));
        assert!(!valid_id("fig:é"));
    }

    #[test]
    fn captions_open_with_table_or_a_colon() {
        assert_eq!(caption_rest("Table: Costs"), Some("Costs"));
        assert_eq!(caption_rest(": Costs"), Some("Costs"));
        assert_eq!(caption_rest("Tables: Costs"), None);
        assert_eq!(caption_rest(":Costs"), None);
    }

    #[test]
    fn bracketed_cross_references_keep_prefix_and_suffix() {
        let item = |key: &str, prefix: &str, suffix: &str| CiteItem {
            key: key.into(),
            prefix: prefix.into(),
            suffix: suffix.into(),
            suppress_author: false,
        };
        let out = crossrefs(vec![item("fig:a", "see", ""), item("tbl:b", "", "left")], Span::default(), "en");
        let texts: Vec<String> = out
            .iter()
            .map(|i| match i {
                Inline::Text(t) => t.clone(),
                Inline::CrossRef { id, .. } => format!("<{id}>"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["see ", "<fig:a>", ", ", "<tbl:b>", ", left"]);
        assert_eq!(all_crossrefs(&[item("fig:a", "", ""), item("smith", "", "")]), None);
        assert_eq!(all_crossrefs(&[item("smith", "", "")]), Some(false));
        let out = crossrefs(vec![item("fig:a", "", ""), item("fig:b", "", "")], Span::default(), "zh");
        assert!(matches!(&out[1], Inline::Text(t) if t == "\u{3001}"), "{out:?}");
    }
}
