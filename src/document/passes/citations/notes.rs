//! Where a note style's note mark goes in the sentence, as Chicago (and Pandoc's citeproc) sets
//! it: after the punctuation that followed the citation, with no space before it, and, where the
//! locale puts punctuation inside quotation marks, the period or comma inside a closing quote
//! (`“as said.”¹`). Works on one inline vector; knows nothing of hayagriva's rendering.

use hayagriva::citationberg::{IndependentStyle, LocaleCode};

use super::library::locale_file;
use crate::document::model::Inline;

/// The punctuation a note mark moves in front of.
const MOVES: &[char] = &['.', ',', ';', ':', '!', '?'];
/// Closing quotation marks a period or comma may move inside.
// German and Czech close with the high-reversed marks (`„so“`), so those close quotes too.
const CLOSING: &[char] = &['”', '’', '"', '\'', '»', '›', '」', '』', '“', '‘'];

/// Whether the style's locale sets periods and commas inside closing quotation marks.
pub(super) fn punctuation_in_quote(style: &IndependentStyle, locale: &LocaleCode) -> bool {
    let matches = |l: &hayagriva::citationberg::Locale| {
        l.lang.as_ref().is_none_or(|c| locale.0.starts_with(c.0.as_str()) || c.0.starts_with(locale.0.as_str()))
    };
    let from = |l: &hayagriva::citationberg::Locale| l.style_options.as_ref().and_then(|o| o.punctuation_in_quote);
    let primary = crate::lang::locale(locale.0.split('-').next().unwrap_or(""));
    style
        .locale
        .iter()
        .filter(|l| matches(l))
        .find_map(from)
        .or_else(|| locale_file(&locale.0).and_then(from).or_else(|| locale_file(&primary).and_then(from)))
        .unwrap_or(false)
}

/// Move every citation note mark (`cite-*` footnote references) of `inlines` after the punctuation
/// that follows it and against the word before it.
pub(super) fn place_marks(inlines: &mut Vec<Inline>, inside_quotes: bool) {
    let mut j = 0;
    while j < inlines.len() {
        let is_mark = matches!(&inlines[j], Inline::FootnoteRef { label, .. } if label.starts_with("cite-"));
        if !is_mark {
            j += 1;
            continue;
        }
        if j > 0
            && let Inline::Text(before) = &mut inlines[j - 1]
        {
            let kept = before.trim_end_matches([' ', '\u{a0}', '\u{202f}', '\u{2009}']).len();
            before.truncate(kept);
        }
        // `heat [@a].”` -> `heat.”¹`: the punctuation and the quotation marks closing after it.
        let punct = match inlines.get_mut(j + 1) {
            Some(Inline::Text(after)) if after.starts_with(MOVES) => {
                let p = after.chars().next().expect("starts with punctuation");
                let quotes = after[p.len_utf8()..].len() - after[p.len_utf8()..].trim_start_matches(CLOSING).len();
                let taken: String = after.drain(..p.len_utf8() + quotes).collect();
                Some(taken)
            }
            _ => None,
        };
        if matches!(inlines.get(j + 1), Some(Inline::Text(t)) if t.is_empty()) {
            inlines.remove(j + 1);
        }
        if let Some(p) = punct {
            let first = p.chars().next().expect("not empty");
            let placed = match j.checked_sub(1).map(|k| &mut inlines[k]) {
                Some(Inline::Text(before)) => {
                    if p.len() == first.len_utf8() && before.ends_with(first) {
                        // `etc. [@a].`: the period is there already.
                    } else {
                        let quotes = before.len() - before.trim_end_matches(CLOSING).len();
                        let at = if inside_quotes && quotes > 0 && matches!(first, '.' | ',') {
                            before.len() - quotes
                        } else {
                            before.len()
                        };
                        before.insert_str(at, &p);
                    }
                    true
                }
                _ => false,
            };
            if !placed {
                inlines.insert(j, Inline::Text(p));
                j += 1;
            }
        }
        j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark() -> Inline {
        Inline::FootnoteRef { span: Default::default(), label: "cite-1".into() }
    }

    fn placed(before: &str, after: &str, inside: bool) -> Vec<Inline> {
        let mut v = vec![Inline::Text(before.into()), mark(), Inline::Text(after.into())];
        place_marks(&mut v, inside);
        v
    }

    #[test]
    fn the_mark_follows_the_punctuation_without_a_space() {
        assert_eq!(
            placed("As agreed ", ". Then", true),
            vec![Inline::Text("As agreed.".into()), mark(), Inline::Text(" Then".into())]
        );
        assert_eq!(
            placed("First ", ", then", false),
            vec![Inline::Text("First,".into()), mark(), Inline::Text(" then".into())]
        );
    }

    #[test]
    fn periods_go_inside_closing_quotes_where_the_locale_says_so() {
        assert_eq!(placed("it was “fair” ", ".", true), vec![Inline::Text("it was “fair.”".into()), mark()]);
        assert_eq!(placed("c’était « juste » ", ".", false), vec![Inline::Text("c’était « juste ».".into()), mark()]);
    }

    #[test]
    fn closing_quotes_after_the_punctuation_move_with_it() {
        assert_eq!(
            placed("“work follows heat ", ".” Next", false),
            vec![Inline::Text("“work follows heat.”".into()), mark(), Inline::Text(" Next".into())]
        );
    }

    #[test]
    fn a_period_already_there_is_not_doubled() {
        assert_eq!(placed("and so on, etc. ", ".", true), vec![Inline::Text("and so on, etc.".into()), mark()]);
    }

    #[test]
    fn other_footnotes_stay_where_they_are() {
        let mut v = vec![
            Inline::Text("x ".into()),
            Inline::FootnoteRef { span: Default::default(), label: "n".into() },
            Inline::Text(".".into()),
        ];
        let before = v.clone();
        place_marks(&mut v, true);
        assert_eq!(v, before);
    }
}
