//! Translatable units of one chapter: every heading, paragraph, list item, table cell, caption and
//! footnote, found with comrak's parse (the same options as a build), each with its byte range in
//! the file, its whitespace-normalised text and a stable id. Also splits a unit's text into words
//! and protected inline markup (placeholders for CAT tools). Never touches the disk.

use std::ops::Range;

use comrak::Arena;
use comrak::nodes::{AstNode, NodeValue};

use crate::project::status::source_hash;

/// What kind of text a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A heading.
    Heading,
    /// A paragraph (also one inside a block quote).
    Paragraph,
    /// A paragraph inside a list item.
    ListItem,
    /// A table cell.
    TableCell,
    /// A paragraph that opens with an image: the figure's caption.
    Caption,
    /// A paragraph inside a footnote definition.
    Footnote,
}

impl UnitKind {
    /// Name the kind in one word, as the sync file and the exchange files write it.
    pub fn word(self) -> &'static str {
        match self {
            UnitKind::Heading => "heading",
            UnitKind::Paragraph => "paragraph",
            UnitKind::ListItem => "list-item",
            UnitKind::TableCell => "table-cell",
            UnitKind::Caption => "caption",
            UnitKind::Footnote => "footnote",
        }
    }
}

/// One translatable unit of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its kind.
    pub kind: UnitKind,
    /// Stable id: `u` + a hash of the normalised text (`-2`, `-3` for repeats in one chapter).
    pub id: String,
    /// 1-based line of its first character.
    pub line: usize,
    /// Byte range of its text in the file (a heading's `#` marks are outside).
    pub range: Range<usize>,
    /// Its text with every run of whitespace made one space (line wrapping does not count).
    pub text: String,
    /// The speaker an interview turn opens with (`**Name:**`), if any.
    pub speaker: Option<String>,
}

/// Find every translatable unit of a chapter's text, in reading order.
pub fn units(text: &str, lang: &str) -> Vec<Unit> {
    let arena = Arena::new();
    let doc = comrak::parse_document(&arena, text, &super::options(lang));
    let starts = line_starts(text);
    let mut out: Vec<Unit> = Vec::new();
    for node in doc.descendants() {
        let kind = match &node.data().value {
            NodeValue::Heading(_) => UnitKind::Heading,
            NodeValue::TableCell => UnitKind::TableCell,
            NodeValue::Paragraph => paragraph_kind(node),
            _ => continue,
        };
        let Some(range) = byte_range(node, text, &starts, kind) else { continue };
        let normal = normalise(&text[range.clone()]);
        if normal.is_empty() {
            continue;
        }
        let line = node.data().sourcepos.start.line;
        let base = format!("u{}", &source_hash(normal.as_bytes())[..10]);
        let repeats = out.iter().filter(|u| u.id == base || u.id.starts_with(&format!("{base}-"))).count();
        let id = if repeats == 0 { base } else { format!("{base}-{}", repeats + 1) };
        let speaker = speaker_of(&normal).map(str::to_string);
        out.push(Unit { kind, id, line, range, text: normal, speaker });
    }
    out
}

fn paragraph_kind<'a>(node: &'a AstNode<'a>) -> UnitKind {
    for ancestor in node.ancestors().skip(1) {
        match ancestor.data().value {
            NodeValue::Item(_) | NodeValue::TaskItem(_) => return UnitKind::ListItem,
            NodeValue::FootnoteDefinition(_) => return UnitKind::Footnote,
            _ => {}
        }
    }
    let first_is_image = node.first_child().is_some_and(|c| matches!(c.data().value, NodeValue::Image(_)));
    if first_is_image { UnitKind::Caption } else { UnitKind::Paragraph }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The byte range of a node's own text: its source position, without a heading's marks, a setext
/// underline or a table cell's padding.
fn byte_range<'a>(node: &'a AstNode<'a>, text: &str, starts: &[usize], kind: UnitKind) -> Option<Range<usize>> {
    let pos = node.data().sourcepos;
    let at = |line: usize, column: usize| starts.get(line.checked_sub(1)?).map(|s| s + column.saturating_sub(1));
    let start = at(pos.start.line, pos.start.column)?;
    let mut end = at(pos.end.line, pos.end.column)?.saturating_add(1).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut start = start.min(end);
    if kind == UnitKind::Heading {
        let raw = &text[start..end];
        if raw.starts_with('#') {
            let marks = raw.len() - raw.trim_start_matches('#').len();
            start += marks;
            let body = text[start..end].trim_end();
            let closing = body.trim_end_matches('#');
            if closing.len() < body.len() && (closing.is_empty() || closing.ends_with(' ')) {
                end = start + closing.len();
            }
        } else if let Some(nl) = raw.trim_end().rfind('\n') {
            end = start + nl;
        }
    }
    let raw = &text[start..end];
    let lead = raw.len()
        - raw.trim_start_matches(|c: char| c.is_whitespace() || (kind == UnitKind::TableCell && c == '|')).len();
    let trail = raw.len()
        - raw.trim_end_matches(|c: char| c.is_whitespace() || (kind == UnitKind::TableCell && c == '|')).len();
    if lead + trail >= raw.len() {
        return None;
    }
    Some(start + lead..end - trail)
}

/// Make every run of whitespace one space and drop block-quote marks at line starts, so a change of
/// line wrapping alone leaves the text unchanged.
pub fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, line) in raw.lines().enumerate() {
        let line = if i == 0 { line } else { line.trim_start().trim_start_matches('>') };
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// The speaker name of an interview turn: the text of a leading `**Name:**`.
fn speaker_of(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("**")?;
    let end = rest.find(":**")?;
    let name = &rest[..end];
    (!name.is_empty() && !name.contains('*')).then_some(name)
}

/// One piece of a unit's text: words to translate, or inline markup to keep as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Words.
    Text(String),
    /// Markup a translator must keep: emphasis marks, a link's target, a citation, a footnote
    /// reference, code, an attribute block, a speaker label.
    Markup(String),
}

/// Split a unit's text into words and protected markup; joining the pieces gives the text back.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut words = String::new();
    let push = |out: &mut Vec<Piece>, words: &mut String, markup: &str| {
        if !words.is_empty() {
            out.push(Piece::Text(std::mem::take(words)));
        }
        out.push(Piece::Markup(markup.to_string()));
    };
    let mut i = 0;
    if let Some(name) = speaker_of(text) {
        let label = name.len() + 5;
        push(&mut out, &mut words, &text[..label]);
        i = label;
    }
    while i < text.len() {
        let rest = &text[i..];
        let len = markup_len(rest, text[..i].chars().next_back());
        if len > 0 {
            push(&mut out, &mut words, &rest[..len]);
            i += len;
        } else {
            let c = rest.chars().next().expect("i is inside the text");
            let n = if c == '\\' { rest.chars().nth(1).map_or(1, |d| 1 + d.len_utf8()) } else { c.len_utf8() };
            words.push_str(&rest[..n]);
            i += n;
        }
    }
    if !words.is_empty() {
        out.push(Piece::Text(words));
    }
    out
}

/// How many bytes of markup `rest` opens with (0 for none); `before` is the character before it.
fn markup_len(rest: &str, before: Option<char>) -> usize {
    let closing = |open: &str, close: char| rest[open.len()..].find(close).map(|e| open.len() + e + close.len_utf8());
    if rest.starts_with('`') {
        let ticks = rest.len() - rest.trim_start_matches('`').len();
        let fence = &rest[..ticks];
        return rest[ticks..].find(fence).map_or(ticks, |e| ticks + e + ticks);
    }
    if rest.starts_with("[@") || rest.starts_with("[^") || rest.starts_with("[-@") {
        return closing("[", ']').unwrap_or(0);
    }
    if rest.starts_with("](") {
        let Some(mut end) = closing("](", ')') else { return 0 };
        if rest[end..].starts_with('{') {
            end += closing_at(&rest[end..], '}').unwrap_or(0);
        }
        return end;
    }
    if rest.starts_with('{') && (rest.starts_with("{#") || rest.starts_with("{.")) {
        return closing("{", '}').unwrap_or(0);
    }
    if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
        return closing("<", '>').unwrap_or(0);
    }
    if rest.starts_with("![") {
        return 2;
    }
    if rest.starts_with('[') || rest.starts_with(']') {
        return 1;
    }
    for mark in ["***", "**", "~~", "*"] {
        if rest.starts_with(mark) {
            return mark.len();
        }
    }
    // `_` marks emphasis only at a word's edge: snake_case stays text.
    if rest.starts_with('_') {
        let len = rest.len() - rest.trim_start_matches('_').len();
        let after = rest[len..].chars().next();
        let inner = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        if !(inner(before) && inner(after)) {
            return len;
        }
    }
    0
}

fn closing_at(rest: &str, close: char) -> Option<usize> {
    rest.find(close).map(|e| e + close.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_cover_headings_paragraphs_items_cells_and_footnotes_with_their_ranges() {
        let text = "---\ntitle: T\n---\n\n# The *Title* #\n\nOne line\nwrapped here.[^n]\n\n- an item\n- another\n\n| A | B |\n|---|---|\n| c1 | c2 |\n\n[^n]: A note.\n";
        let us = units(text, "en");
        let kinds: Vec<&str> = us.iter().map(|u| u.kind.word()).collect();
        assert_eq!(
            kinds,
            [
                "heading",
                "paragraph",
                "list-item",
                "list-item",
                "table-cell",
                "table-cell",
                "table-cell",
                "table-cell",
                "footnote"
            ]
        );
        let raw: Vec<&str> = us.iter().map(|u| &text[u.range.clone()]).collect();
        assert_eq!(
            raw,
            ["The *Title*", "One line\nwrapped here.[^n]", "an item", "another", "A", "B", "c1", "c2", "A note."]
        );
        assert_eq!(us[1].text, "One line wrapped here.[^n]");
        assert_eq!(us[1].line, 7);
    }

    #[test]
    fn rewrapping_keeps_text_and_id_while_an_edit_changes_the_id() {
        let a = units("Some words\nin a paragraph.\n", "en");
        let b = units("Some words in\na   paragraph.\n", "en");
        let c = units("Some words in a paragraph!\n", "en");
        assert_eq!(a[0].id, b[0].id);
        assert_eq!(a[0].text, b[0].text);
        assert_ne!(a[0].id, c[0].id);
    }

    #[test]
    fn repeated_units_get_distinct_ids() {
        let us = units("Same.\n\nSame.\n", "en");
        assert_eq!(us[1].id, format!("{}-2", us[0].id));
    }

    #[test]
    fn pieces_protect_markup_and_join_back_to_the_text() {
        let text = "**Neha Misra:** See *this* [the `GCM` site](https://x.org/a_b){#l} and [@un-2018, p. 3].[^1] snake_case __bold__";
        let ps = pieces(text);
        let joined: String = ps
            .iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Markup(t) => t.as_str(),
            })
            .collect();
        assert_eq!(joined, text);
        let markup: Vec<&str> =
            ps.iter().filter_map(|p| if let Piece::Markup(m) = p { Some(m.as_str()) } else { None }).collect();
        assert_eq!(
            markup,
            [
                "**Neha Misra:**",
                "*",
                "*",
                "[",
                "`GCM`",
                "](https://x.org/a_b){#l}",
                "[@un-2018, p. 3]",
                "[^1]",
                "__",
                "__"
            ]
        );
        assert_eq!(units(text, "en")[0].speaker.as_deref(), Some("Neha Misra"));
    }
}
