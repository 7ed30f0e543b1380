//! Quotation marks of a reference entry in the entry's own language: hayagriva quotes every title
//! with the edition locale's marks, so an English title in the Chinese edition would get 《》;
//! when the entry declares its language (`language:`, `langid`) in another script than the
//! edition's, the edition's marks in its
//! rendering become those of the entry's locale. Pure text work over rendered inlines.

use hayagriva::citationberg::taxonomy::{OtherTerm, Term};
use hayagriva::citationberg::{LocaleCode, TermForm};

use super::library::{locale_code, locale_file};
use crate::document::model::Inline;

const MARKS: [OtherTerm; 4] =
    [OtherTerm::OpenQuote, OtherTerm::CloseQuote, OtherTerm::OpenInnerQuote, OtherTerm::CloseInnerQuote];

/// The four quotation marks (open, close, inner open, inner close) of a locale, with the bare
/// language's default locale as a fallback.
fn marks(locale: &LocaleCode) -> Option<[String; 4]> {
    let primary = crate::lang::locale(locale.0.split('-').next().unwrap_or(""));
    let find = |code: &str, term: OtherTerm| {
        locale_file(code)
            .and_then(|l| l.term(Term::Other(term), TermForm::Long))
            .and_then(|t| t.single())
            .map(str::to_string)
    };
    let mut out: [String; 4] = Default::default();
    for (slot, term) in out.iter_mut().zip(MARKS) {
        *slot = find(&locale.0, term).or_else(|| find(&primary, term))?;
    }
    Some(out)
}

/// Give a rendered entry the quotation marks of its own language `own` (a BCP 47 tag), when that
/// language is written in another script than the edition's.
pub(super) fn for_entry(mut content: Vec<Inline>, edition: &LocaleCode, own: Option<&str>) -> Vec<Inline> {
    let Some(own) = own else { return content };
    let own = locale_code(own);
    // Within one script the edition's marks read naturally (and citeproc keeps them); across
    // scripts (an English title in a Chinese edition) the edition's marks do not fit the title.
    if super::bidi::same_script(&own.0, &edition.0) {
        return content;
    }
    let (Some(from), Some(to)) = (marks(edition), marks(&own)) else { return content };
    if from == to {
        return content;
    }
    replace(&mut content, &from, &to);
    content
}

fn replace(content: &mut [Inline], from: &[String; 4], to: &[String; 4]) {
    for inline in content {
        match inline {
            Inline::Text(t) => {
                // Through a placeholder, so marks shared by both sets are not swapped twice.
                let mut s = t.clone();
                for (i, f) in from.iter().enumerate() {
                    s = s.replace(f.as_str(), &format!("\u{0}{i}\u{0}"));
                }
                for (i, m) in to.iter().enumerate() {
                    s = s.replace(&format!("\u{0}{i}\u{0}"), m);
                }
                *t = s;
            }
            Inline::Emph(c)
            | Inline::Strong(c)
            | Inline::Sup(c)
            | Inline::Sub(c)
            | Inline::Strike(c)
            | Inline::Lang { content: c, .. }
            | Inline::Link { content: c, .. } => replace(c, from, to),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_title_in_the_chinese_edition_gets_english_quotes() {
        let zh = LocaleCode("zh-CN".into());
        let marks_zh = marks(&zh).expect("zh-CN quotes");
        let text = format!("ILO. 1998. {}Declaration{}.", marks_zh[0], marks_zh[1]);
        let out = for_entry(vec![Inline::Text(text)], &zh, Some("en"));
        assert_eq!(out, vec![Inline::Text("ILO. 1998. “Declaration”.".into())]);
    }

    #[test]
    fn entries_without_a_language_or_in_the_edition_language_keep_the_edition_quotes() {
        let fr = LocaleCode("fr-FR".into());
        let v = vec![Inline::Text("« Titre »".into())];
        assert_eq!(for_entry(v.clone(), &fr, None), v);
        assert_eq!(for_entry(v.clone(), &fr, Some("fr-CA")), v);
        assert_eq!(for_entry(v.clone(), &fr, Some("de")), v, "a German title in a French edition keeps « »");
    }
}
