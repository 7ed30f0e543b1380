//! Language-aware punctuation for text runs. comrak's smart punctuation is English-only, so other
//! editions get their conventions here: French guillemets and spaces before `; : ! ?`, Spanish
//! guillemets, and dashes and ellipses for every language; Chinese, Japanese and Arabic text keeps
//! the punctuation its translator typed (no English quotes forced on it).

use crate::document::model::Inline;
use crate::lang::{self, Punctuation};

/// Apply the language's punctuation conventions to the text of a run of inlines in reading order,
/// across emphasis, links, code and language spans (a span gets its own language's conventions):
/// a straight quote opens or closes by what precedes it in the paragraph, not in its own text node.
pub fn apply_inlines(lang: &str, inlines: &mut [Inline]) {
    let mut prev = None;
    apply_run(lang, inlines, &mut prev);
}

fn apply_run(lang: &str, inlines: &mut [Inline], prev: &mut Option<char>) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => {
                *text = apply_after(lang, *prev, text);
                if let Some(c) = text.chars().next_back() {
                    *prev = Some(c);
                }
            }
            Inline::Lang { lang, content } => {
                let lang = lang.clone();
                apply_run(&lang, content, prev);
            }
            Inline::Emph(content)
            | Inline::Strong(content)
            | Inline::Strike(content)
            | Inline::Sup(content)
            | Inline::Sub(content)
            | Inline::Link { content, .. } => apply_run(lang, content, prev),
            Inline::SoftBreak | Inline::LineBreak => *prev = Some(' '),
            // A word-like thing: a quote after it closes.
            Inline::Code(_)
            | Inline::Image { .. }
            | Inline::FootnoteRef { .. }
            | Inline::CrossRef { .. }
            | Inline::Cite { .. } => *prev = Some('x'),
        }
    }
}

/// Whether comrak's (English) smart punctuation suits the language.
pub fn english_smart(lang: &str) -> bool {
    lang::of(lang).punctuation == Punctuation::Smart
}

/// Apply the language's punctuation conventions to a run of plain text.
pub fn apply(lang: &str, text: &str) -> String {
    apply_after(lang, None, text)
}

/// Apply the conventions to text that follows `prev` (the last character before it in the paragraph).
fn apply_after(lang: &str, prev: Option<char>, text: &str) -> String {
    match lang::of(lang).punctuation {
        Punctuation::Smart | Punctuation::Keep => text.to_string(),
        Punctuation::French => french(prev, &dashes_and_ellipses(text)),
        Punctuation::Guillemets => guillemets(prev, &dashes_and_ellipses(text)),
        Punctuation::Dashes => dashes_and_ellipses(text),
    }
}

fn dashes_and_ellipses(text: &str) -> String {
    text.replace("---", "\u{2014}").replace("--", "\u{2013}").replace("...", "\u{2026}")
}

/// Whether a straight double quote after `prev` opens a quotation.
fn opens(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '\u{2014}' | '\u{2013}'))
}

fn guillemets(prev: Option<char>, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push(if opens(out.chars().next_back().or(prev)) { '\u{AB}' } else { '\u{BB}' }),
            '\'' => out.push('\u{2019}'),
            c => out.push(c),
        }
    }
    out
}

/// French: guillemets with narrow no-break spaces inside, a narrow no-break space before `; ! ?`
/// and a no-break space before `:` where the text has a space there, typographic apostrophes.
fn french(prev: Option<char>, text: &str) -> String {
    const NNBSP: char = '\u{202F}';
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => out.push('\u{2019}'),
            '"' | '\u{AB}' | '\u{BB}' => {
                let open = c == '\u{AB}' || (c == '"' && opens(out.chars().next_back().or(prev)));
                if open {
                    out.push('\u{AB}');
                    out.push(NNBSP);
                    while chars.peek().is_some_and(|n| *n == ' ' || *n == '\u{A0}' || *n == NNBSP) {
                        chars.next();
                    }
                } else {
                    let trimmed = out.trim_end_matches([' ', '\u{A0}', NNBSP]).len();
                    out.truncate(trimmed);
                    out.push(NNBSP);
                    out.push('\u{BB}');
                }
            }
            ';' | '!' | '?' | ':' if out.ends_with([' ', '\u{A0}', NNBSP]) => {
                let trimmed = out.trim_end_matches([' ', '\u{A0}', NNBSP]).len();
                out.truncate(trimmed);
                out.push(if c == ':' { '\u{A0}' } else { NNBSP });
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_spaces_and_guillemets() {
        assert_eq!(
            apply("fr", "Il dit : \"oui\" ; vraiment ? l'été !"),
            "Il dit\u{A0}: «\u{202F}oui\u{202F}» ;".replace(" ;", "\u{202F};") + " vraiment\u{202F}? l’été\u{202F}!"
        );
        assert_eq!(apply("fr", "« déjà »"), "«\u{202F}déjà\u{202F}»");
    }

    #[test]
    fn urls_and_times_keep_their_colons() {
        assert_eq!(apply("fr", "https://x.org à 10:30"), "https://x.org à 10:30");
    }

    #[test]
    fn spanish_guillemets_and_dashes() {
        assert_eq!(apply("es", "dijo \"sí\" -- y..."), "dijo «sí» \u{2013} y\u{2026}");
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    #[test]
    fn quotes_around_a_link_open_and_close_by_the_text_before_them() {
        let target = crate::document::model::LinkTarget::Internal { chapter: "a".into(), anchor: "b".into() };
        let span = crate::document::model::Span { line: 1, column: 1 };
        let mut run = vec![
            text("voir \""),
            Inline::Link { span, target, content: vec![text("les termes")] },
            text("\". Le mot \""),
            Inline::Emph(vec![text("récent")]),
            text("\" et \""),
            Inline::Code("f()".into()),
            text("\"."),
        ];
        apply_inlines("fr", &mut run);
        let Inline::Link { content, .. } = &run[1] else { panic!("{run:?}") };
        assert_eq!(run[0], text("voir «\u{202F}"));
        assert_eq!(content[0], text("les termes"));
        assert_eq!(run[2], text("\u{202F}». Le mot «\u{202F}"));
        assert_eq!(run[4], text("\u{202F}» et «\u{202F}"));
        assert_eq!(run[6], text("\u{202F}»."));
    }

    #[test]
    fn chinese_and_arabic_keep_their_quotes() {
        assert_eq!(apply("zh", "“移民”"), "“移民”");
        assert_eq!(apply("ar", "«الهجرة» \"x\""), "«الهجرة» \"x\"");
    }
}
