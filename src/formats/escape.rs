//! The only code that knows special characters: Typst markup, Typst string literals, and XML.
//! Every other module hands text here and never writes a user's text raw.

/// Escape text for Typst markup so that it always reads as literal text.
///
/// Every ASCII punctuation character is escaped: that covers markup (`* _ = - + / # $ @ < > [ ]`
/// `` ` `` `~ \`), shorthands (`-- ... ~ -?`), smart quotes, comments, labels and URLs, and the
/// characters that could continue a preceding function call (`( [ .`). Letters and digits are never
/// escaped (`\u{..}` would be a Unicode escape). Control characters cannot be printed and are dropped.
pub fn typst_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c == '\n' || c == '\r' || c == '\t' {
            out.push(' ');
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// Quote text as a Typst string literal, e.g. `"a \"b\""`.
pub fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escape text for XML character data and attribute values (both quote kinds).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 forbids most control characters even as references.
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Percent-encode the characters a URL (IRI) may not contain: spaces, controls, `"<>\\^`{|}`.
pub fn url(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_control() || c == ' ' || "\"<>\\^`{|}[]".contains(c) {
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{:02X}", c as u32));
        } else if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses_clean(markup: &str) -> bool {
        let root = typst::syntax::parse(markup);
        root.errors_and_warnings().0.is_empty()
    }

    #[test]
    fn every_ascii_punctuation_is_escaped_and_parses() {
        for c in (0u8..128).map(char::from).filter(char::is_ascii_punctuation) {
            let escaped = typst_markup(&c.to_string());
            assert_eq!(escaped, format!("\\{c}"), "{c}");
            assert!(parses_clean(&escaped), "{c} gives {escaped}");
        }
    }

    #[test]
    fn hash_cannot_start_code() {
        assert_eq!(typst_markup("#read(\"/etc/passwd\")"), "\\#read\\(\\\"\\/etc\\/passwd\\\"\\)");
    }

    #[test]
    fn dollar_cannot_start_math() {
        assert_eq!(typst_markup("$x$"), "\\$x\\$");
    }

    #[test]
    fn at_cannot_reference() {
        assert_eq!(typst_markup("@key"), "\\@key");
    }

    #[test]
    fn angle_brackets_cannot_label() {
        assert_eq!(typst_markup("<label>"), "\\<label\\>");
    }

    #[test]
    fn slashes_cannot_comment() {
        assert_eq!(typst_markup("// c /* d */"), "\\/\\/ c \\/\\* d \\*\\/");
    }

    #[test]
    fn equals_cannot_make_a_heading() {
        assert_eq!(typst_markup("= heading"), "\\= heading");
    }

    #[test]
    fn list_markers_and_shorthands_are_literal() {
        assert_eq!(typst_markup("- a + b 1. c -- d ~ e ..."), "\\- a \\+ b 1\\. c \\-\\- d \\~ e \\.\\.\\.");
    }

    #[test]
    fn brackets_backslash_backtick_star_underscore_are_literal() {
        assert_eq!(typst_markup("[a] \\ `b` *c* _d_"), "\\[a\\] \\\\ \\`b\\` \\*c\\* \\_d\\_");
    }

    #[test]
    fn unicode_escape_lookalike_stays_text() {
        let escaped = typst_markup("\\u{41}");
        assert_eq!(escaped, "\\\\u\\{41\\}");
        assert!(parses_clean(&escaped));
    }

    #[test]
    fn urls_are_not_autolinked() {
        assert_eq!(typst_markup("https://x.org"), "https\\:\\/\\/x\\.org");
    }

    #[test]
    fn control_characters_are_dropped_and_newlines_become_spaces() {
        assert_eq!(typst_markup("a\u{0}b\nc\u{7}"), "ab c");
    }

    #[test]
    fn non_ascii_text_is_untouched() {
        assert_eq!(typst_markup("Stéphane « ici » 移民 مهاجر"), "Stéphane « ici » 移民 مهاجر");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(typst_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u{1}\"");
        assert!(parses_clean(&format!("#let x = {}", typst_string("\"\\\n\u{0}"))));
    }

    #[test]
    fn urls_percent_encode_spaces_quotes_and_brackets() {
        assert_eq!(url("https://x.org/a b\"<c>"), "https://x.org/a%20b%22%3Cc%3E");
        assert_eq!(url("https://de.wikipedia.org/wiki/Müller"), "https://de.wikipedia.org/wiki/Müller");
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(xml("<a href=\"x\">&'</a>\u{0}"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }
}
