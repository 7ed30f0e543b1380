//! Turning hayagriva's output into model inlines: formatting, links for URLs and DOIs, doubled
//! punctuation collapsed. Never decides where a citation's parts go (see `cluster`).

use hayagriva::citationberg::{FontStyle, FontWeight, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren};

use crate::document::model::{Inline, LinkTarget, Span};

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

/// Collapse the doubled final punctuation styles produce after a quoted title or an
/// abbreviation (`(No. 87).”.` -> `(No. 87).”`, `Inc..` -> `Inc.`), across formatting boundaries;
/// an ellipsis stays.
pub(super) fn tidy(mut inlines: Vec<Inline>) -> Vec<Inline> {
    let mut texts: Vec<&mut String> = Vec::new();
    collect_texts(&mut inlines, &mut texts);
    // (text index, byte offset, char) of every character, in reading order.
    let chars: Vec<(usize, usize, char)> =
        texts.iter().enumerate().flat_map(|(t, s)| s.char_indices().map(move |(b, c)| (t, b, c))).collect();
    let mut drop: Vec<(usize, usize)> = Vec::new();
    for (k, &(t, b, c)) in chars.iter().enumerate() {
        if c != '.' || chars.get(k + 1).is_some_and(|n| n.2 == '.') {
            continue;
        }
        let mut j = k;
        while j > 0 && CLOSING_QUOTES.contains(&chars[j - 1].2) {
            j -= 1;
        }
        let Some(prev) = j.checked_sub(1).map(|p| chars[p].2) else { continue };
        let prev_prev = j.checked_sub(2).map(|p| chars[p].2);
        if matches!(prev, '.' | '?' | '!') && prev_prev != Some('.') {
            drop.push((t, b));
        }
    }
    for (t, b) in drop.into_iter().rev() {
        texts[t].remove(b);
    }
    inlines
}

/// Set a period or comma that follows a closing quotation mark inside it (`“Sahel”.` ->
/// `“Sahel.”`), for locales that put punctuation inside quotes, across formatting boundaries.
pub(super) fn pull_into_quotes(mut inlines: Vec<Inline>) -> Vec<Inline> {
    let mut texts: Vec<&mut String> = Vec::new();
    collect_texts(&mut inlines, &mut texts);
    let chars: Vec<(usize, usize, char)> =
        texts.iter().enumerate().flat_map(|(t, s)| s.char_indices().map(move |(b, c)| (t, b, c))).collect();
    let mut ops: Vec<(usize, usize, usize, char)> = Vec::new();
    for k in 1..chars.len() {
        let (t, b, c) = chars[k];
        let (pt, pb, pc) = chars[k - 1];
        if matches!(c, '.' | ',') && matches!(pc, '”' | '’') && !ops.iter().any(|o| (o.0, o.1) == (pt, pb)) {
            ops.push((pt, pb, pc.len_utf8(), c));
            ops.push((t, b, c.len_utf8(), pc));
        }
    }
    ops.sort_by_key(|o| std::cmp::Reverse((o.0, o.1)));
    for (t, b, len, c) in ops {
        texts[t].replace_range(b..b + len, c.encode_utf8(&mut [0; 4]));
    }
    inlines
}

const CLOSING_QUOTES: &[char] = &['”', '’', '"', '»', '》', '」', '』', '\u{a0}'];

fn collect_texts<'a>(inlines: &'a mut [Inline], out: &mut Vec<&'a mut String>) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(t),
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Sup(c)
            | Inline::Sub(c)
            | Inline::Strike(c)
            | Inline::Lang { content: c, .. }
            | Inline::Link { content: c, .. } => collect_texts(c, out),
            _ => {}
        }
    }
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

/// End a note with a period, inside its closing quotation marks when the locale sets it there.
pub(super) fn append_period(content: &mut [Inline], inside_quotes: bool) {
    let mut texts: Vec<&mut String> = Vec::new();
    collect_texts(content, &mut texts);
    let Some(last) = texts.into_iter().rev().find(|t| !t.trim().is_empty()) else { return };
    let body = last.trim_end_matches(['”', '’', '"', '»']);
    if body.ends_with(['.', '?', '!']) {
        return;
    }
    if inside_quotes && body.len() < last.trim_end().len() {
        let at = body.len();
        last.insert(at, '.');
    } else {
        let at = last.trim_end().len();
        last.insert(at, '.');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn doubled_periods_collapse_across_formatting_but_ellipses_stay() {
        let quoted = vec![
            Inline::Text("ILO. 1948. “Convention, 1948 (No. 87).".into()),
            Inline::Text("”".into()),
            Inline::Text(".".into()),
        ];
        assert_eq!(crate::document::walk::plain_text(&tidy(quoted)), "ILO. 1948. “Convention, 1948 (No. 87).”");
        let emph = vec![Inline::Emph(vec![Inline::Text("Acme Inc.".into())]), Inline::Text(".".into())];
        assert_eq!(crate::document::walk::plain_text(&tidy(emph)), "Acme Inc.");
        let ellipsis = vec![Inline::Text("Wait... Then.".into())];
        assert_eq!(crate::document::walk::plain_text(&tidy(ellipsis)), "Wait... Then.");
        let asked = vec![Inline::Text("“Why?”.".into())];
        assert_eq!(crate::document::walk::plain_text(&tidy(asked)), "“Why?”");
    }

    #[test]
    fn periods_and_commas_move_inside_closing_quotes() {
        let v = vec![Inline::Text("Okafor, “Sahel”".into()), Inline::Text(", for a review; “B”.".into())];
        assert_eq!(crate::document::walk::plain_text(&pull_into_quotes(v)), "Okafor, “Sahel,” for a review; “B.”");
    }

    #[test]
    fn anchors_are_valid_ids() {
        assert_eq!(super::super::library::entry_anchor("doe:2020 a"), "ref-doe-2020-a");
    }
}
