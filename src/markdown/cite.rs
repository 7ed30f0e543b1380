//! Finds Pandoc-style citations in text: `[@key]`, `[@key, p. 12]`, `[@a; @b]`,
//! `[see @key, chap. 3]`, `[-@key]` and narrative `@key` (optionally `@key [p. 3]`). An `@` inside a
//! word (an e-mail address) is never a citation. Keys with a cross-reference prefix (`@fig:map`)
//! are found the same way; the lowering tells them apart. Pure string work: knows nothing of
//! bibliographies.

use crate::document::model::{CiteItem, CiteMode, RefKind};

/// A run of text or a citation found in it.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Plain text.
    Text(String),
    /// A citation, with the text it was written as.
    Cite { mode: CiteMode, items: Vec<CiteItem>, raw: String },
}

/// Split text into plain runs and citations.
pub fn split(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().expect("i is a char boundary below text.len()");
        if c == '['
            && let Some((items, len)) = bracketed(rest)
        {
            flush(&mut pieces, &mut plain);
            pieces.push(Piece::Cite { mode: CiteMode::Parenthetical, items, raw: rest[..len].to_string() });
            i += len;
            continue;
        }
        if c == '@'
            && !text[..i].chars().next_back().is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '@')
            && let Some((key, key_len)) = key_at(&rest[1..])
        {
            let mut len = 1 + key_len;
            let mut item = CiteItem { key, prefix: String::new(), suffix: String::new(), suppress_author: false };
            // `@key [p. 33]`: a bracket right after a narrative citation holds its locator (a
            // cross-reference such as `@fig:map` takes none).
            if RefKind::of(&item.key).is_none()
                && let Some(after) = rest[len..].strip_prefix(" [")
                && let Some(end) = after.find(']')
                && !after[..end].contains(['@', '['])
            {
                item.suffix = after[..end].trim().to_string();
                len += 2 + end + 1;
            }
            flush(&mut pieces, &mut plain);
            pieces.push(Piece::Cite { mode: CiteMode::Narrative, items: vec![item], raw: rest[..len].to_string() });
            i += len;
            continue;
        }
        plain.push(c);
        i += c.len_utf8();
    }
    flush(&mut pieces, &mut plain);
    pieces
}

fn flush(pieces: &mut Vec<Piece>, plain: &mut String) {
    if !plain.is_empty() {
        pieces.push(Piece::Text(std::mem::take(plain)));
    }
}

/// Parse `[...]` at the start of `text` as a bracketed citation; return its items and byte length.
fn bracketed(text: &str) -> Option<(Vec<CiteItem>, usize)> {
    let end = text.find(']')?;
    let inner = &text[1..end];
    if inner.contains('[') || !inner.contains('@') {
        return None;
    }
    let items = inner.split(';').map(item).collect::<Option<Vec<_>>>()?;
    Some((items, end + 1))
}

/// Parse one item of a bracketed citation: `prefix -@key, suffix`.
fn item(text: &str) -> Option<CiteItem> {
    let at = text.find('@')?;
    let (mut prefix, suppress_author) = match text[..at].strip_suffix('-') {
        Some(p) => (p, true),
        None => (&text[..at], false),
    };
    // The prefix must end at a word boundary: `see @key`, not `mail@key`.
    if !prefix.is_empty() && !prefix.ends_with(char::is_whitespace) {
        return None;
    }
    prefix = prefix.trim();
    let (key, len) = key_at(&text[at + 1..])?;
    let rest = &text[at + 1 + len..];
    let suffix = rest.trim_start().strip_prefix(',').unwrap_or(rest).trim();
    if rest.contains('@') {
        return None;
    }
    Some(CiteItem { key, prefix: prefix.to_string(), suffix: suffix.to_string(), suppress_author })
}

/// Read a citation key at the start of `text` (after the `@`): `{any text}`, or a letter, digit or
/// `_` followed by those and internal punctuation `:.#$%&-+?<>~/`.
fn key_at(text: &str) -> Option<(String, usize)> {
    if let Some(braced) = text.strip_prefix('{') {
        let end = braced.find('}')?;
        let key = braced[..end].trim();
        return (!key.is_empty()).then(|| (key.to_string(), end + 2));
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut chars = text.char_indices().peekable();
    let (_, first) = chars.next()?;
    if !word(first) {
        return None;
    }
    let mut end = first.len_utf8();
    while let Some((i, c)) = chars.next() {
        if word(c) {
            end = i + c.len_utf8();
        } else if ":.#$%&-+?<>~/".contains(c) && chars.peek().is_some_and(|(_, n)| word(*n)) {
            continue;
        } else {
            break;
        }
    }
    Some((text[..end].to_string(), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(key: &str, prefix: &str, suffix: &str, suppress: bool) -> CiteItem {
        CiteItem { key: key.into(), prefix: prefix.into(), suffix: suffix.into(), suppress_author: suppress }
    }

    fn only_cite(text: &str) -> (CiteMode, Vec<CiteItem>) {
        let pieces = split(text);
        let cites: Vec<_> = pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Cite { mode, items, .. } => Some((mode, items)),
                Piece::Text(_) => None,
            })
            .collect();
        assert_eq!(cites.len(), 1, "{text}");
        cites.into_iter().next().unwrap()
    }

    #[test]
    fn parenthetical_citation() {
        assert_eq!(only_cite("as agreed [@gcm]."), (CiteMode::Parenthetical, vec![cite("gcm", "", "", false)]));
    }

    #[test]
    fn citation_with_locator() {
        assert_eq!(only_cite("[@gcm, p. 12]").1, vec![cite("gcm", "", "p. 12", false)]);
    }

    #[test]
    fn several_keys() {
        assert_eq!(only_cite("[@a; @b-2]").1, vec![cite("a", "", "", false), cite("b-2", "", "", false)]);
    }

    #[test]
    fn prefix_and_suffix() {
        assert_eq!(only_cite("[see @key, chap. 3]").1, vec![cite("key", "see", "chap. 3", false)]);
    }

    #[test]
    fn suppressed_author() {
        assert_eq!(only_cite("Smith says [-@smith04]").1, vec![cite("smith04", "", "", true)]);
    }

    #[test]
    fn narrative_citation_with_and_without_locator() {
        assert_eq!(only_cite("@key says so."), (CiteMode::Narrative, vec![cite("key", "", "", false)]));
        assert_eq!(only_cite("@key [p. 33] says so.").1, vec![cite("key", "", "p. 33", false)]);
    }

    #[test]
    fn key_ends_before_trailing_punctuation() {
        assert_eq!(only_cite("see @ilo-c087.").1[0].key, "ilo-c087");
        assert_eq!(only_cite("see @doe:2020, too").1[0].key, "doe:2020");
    }

    #[test]
    fn email_addresses_and_lone_at_signs_stay_text() {
        assert_eq!(
            split("write to someone@example.org @ noon"),
            vec![Piece::Text("write to someone@example.org @ noon".into())]
        );
        assert_eq!(split("[a link] and [mail@x.org]"), vec![Piece::Text("[a link] and [mail@x.org]".into())]);
    }

    #[test]
    fn raw_text_is_kept_for_fallback() {
        let pieces = split("x [@a, p. 1] y");
        assert_eq!(
            pieces[1],
            Piece::Cite {
                mode: CiteMode::Parenthetical,
                items: vec![cite("a", "", "p. 1", false)],
                raw: "[@a, p. 1]".into()
            }
        );
        assert_eq!(pieces[2], Piece::Text(" y".into()));
    }

    #[test]
    fn narrative_cross_reference_takes_no_locator() {
        let pieces = split("@fig:map [left] shows it");
        assert_eq!(
            pieces[0],
            Piece::Cite {
                mode: CiteMode::Narrative,
                items: vec![cite("fig:map", "", "", false)],
                raw: "@fig:map".into()
            }
        );
        assert_eq!(pieces[1], Piece::Text(" [left] shows it".into()));
    }

    #[test]
    fn braced_keys_may_hold_any_text() {
        assert_eq!(only_cite("[@{un 2018}]").1[0].key, "un 2018");
    }
}
