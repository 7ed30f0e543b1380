//! Lowers the inline content of one comrak node into model inlines: text, emphasis, links, notes,
//! citations written in text, and Pandoc-style language spans (`[text]{lang=en}`). Part of the
//! lowering of `lower.rs`; it reads no files and knows nothing of rendering.

use comrak::nodes::{AstNode, NodeValue};

use super::super::attrs;
use super::super::cite::{self, Piece};
use super::super::typography;
use super::{Lowerer, MAX_DEPTH};
use crate::diag::Code;
use crate::document::model::{Inline, Span};
use crate::document::walk::plain_text;

impl Lowerer<'_> {
    pub(super) fn inlines_of<'a>(&mut self, node: &'a AstNode<'a>) -> Vec<Inline> {
        let mut out = Vec::new();
        if self.depth >= MAX_DEPTH {
            let span = self.span(node);
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.error(
                    span,
                    format!("content is nested more than {MAX_DEPTH} levels deep"),
                    "flatten the nested quotes, lists, emphasis or links",
                );
            }
            return out;
        }
        self.depth += 1;
        self.inline_depth += 1;
        for child in node.children() {
            self.inline(child, &mut out);
        }
        self.inline_depth -= 1;
        self.depth -= 1;
        let span = self.span(node);
        let out = self.spans(out, span);
        if self.inline_depth > 0 {
            let lang = self.lang;
            return self.citations(out, span, lang);
        }
        self.punctuated(out, span)
    }

    /// Find the citations of an outermost run of inlines, then set its punctuation in reading
    /// order across emphasis, links and code.
    pub(super) fn punctuated(&mut self, inlines: Vec<Inline>, span: Span) -> Vec<Inline> {
        let lang = self.lang;
        let mut out = self.citations(inlines, span, lang);
        typography::apply_inlines(lang, &mut out);
        out
    }

    /// Replace citations written in text runs by `Inline::Cite` (cross-references by
    /// `Inline::CrossRef`), located at their own line.
    pub(super) fn citations(&mut self, inlines: Vec<Inline>, node_span: Span, lang: &str) -> Vec<Inline> {
        let mut out = Vec::with_capacity(inlines.len());
        for inline in inlines {
            match inline {
                Inline::Text(text) => {
                    for piece in cite::split(&text) {
                        match piece {
                            Piece::Text(t) => push_text(&mut out, &t),
                            Piece::Cite { mode, items, raw } => {
                                let span = self.locate(&raw, node_span);
                                match attrs::all_crossrefs(&items) {
                                    Some(false) => out.push(Inline::Cite { span, mode, items, raw }),
                                    Some(true) => out.extend(attrs::crossrefs(items, span, lang)),
                                    None => {
                                        self.error(
                                            span,
                                            format!("`{raw}` mixes cross-references and citations"),
                                            "write them in brackets of their own: [@fig:map] [@key]",
                                        );
                                        push_text(&mut out, &raw);
                                    }
                                }
                            }
                        }
                    }
                }
                Inline::Lang { lang, content } => {
                    let content = self.citations(content, node_span, &lang);
                    out.push(Inline::Lang { lang, content });
                }
                other => out.push(other),
            }
        }
        out
    }

    /// Find the line and column of `needle` in the source, searching from `from` on.
    pub(super) fn locate(&self, needle: &str, from: Span) -> Span {
        let start = from.line.saturating_sub(1 + self.line_offset);
        for (i, line) in self.text.lines().enumerate().skip(start) {
            if let Some(pos) = line.find(needle) {
                return Span { line: i + 1 + self.line_offset, column: line[..pos].chars().count() + 1 };
            }
        }
        from
    }

    pub(super) fn inline<'a>(&mut self, node: &'a AstNode<'a>, out: &mut Vec<Inline>) {
        let span = self.span(node);
        let value = node.data().value.clone();
        match value {
            NodeValue::Text(text) => push_text(out, &text),
            NodeValue::Raw(text) => push_text(out, &text),
            NodeValue::EscapedTag(tag) => push_text(out, tag),
            NodeValue::SoftBreak => out.push(Inline::SoftBreak),
            NodeValue::LineBreak => out.push(Inline::LineBreak),
            NodeValue::Code(code) => out.push(Inline::Code(code.literal.clone())),
            NodeValue::Math(math) => out.push(Inline::Code(math.literal.clone())),
            NodeValue::HtmlInline(raw) => {
                if is_html_markup(&raw) {
                    self.warn(
                        span,
                        "raw HTML is not rendered",
                        "write the content in Markdown; HTML tags are dropped, their text is kept",
                    );
                } else {
                    // Not an element a writer would mean as HTML (`<label>`, `<T>`): it is text.
                    push_text(out, &raw);
                }
            }
            NodeValue::CommentInline(_) => {}
            NodeValue::Emph | NodeValue::Underline | NodeValue::Insert => out.push(Inline::Emph(self.inlines_of(node))),
            NodeValue::Strong | NodeValue::Highlight => out.push(Inline::Strong(self.inlines_of(node))),
            NodeValue::Strikethrough => out.push(Inline::Strike(self.inlines_of(node))),
            NodeValue::Superscript => out.push(Inline::Sup(self.inlines_of(node))),
            NodeValue::Subscript => out.push(Inline::Sub(self.inlines_of(node))),
            NodeValue::Link(link) => {
                let content = self.inlines_of(node);
                match self.link_target(&link.url, span) {
                    Some(target) => out.push(Inline::Link { span, target, content }),
                    None => out.extend(content),
                }
            }
            NodeValue::Image(link) => {
                let alt = plain_text(&self.inlines_of(node));
                let attrs = attrs::take_image_attrs(node).map(|a| self.image_attrs(a, span)).unwrap_or_default();
                if attrs.id.is_some() {
                    self.error(
                        span,
                        "an id on an image inside text",
                        "give the image a paragraph of its own to make it a figure with an id",
                    );
                }
                if let Some(path) = self.image_path(&link.url, span) {
                    out.push(Inline::Image { span, path, alt, width: attrs.width });
                }
            }
            NodeValue::FootnoteReference(r) => {
                let next = self.footnote_numbers.len() + 1;
                self.footnote_numbers.entry(r.name.clone()).or_insert(next);
                out.push(Inline::FootnoteRef { span, label: r.name.clone() });
            }
            // Blocks inside inline context do not occur in comrak trees; keep their text if they do.
            NodeValue::Document
            | NodeValue::FrontMatter(_)
            | NodeValue::BlockQuote
            | NodeValue::List(_)
            | NodeValue::Item(_)
            | NodeValue::DescriptionList
            | NodeValue::DescriptionItem(_)
            | NodeValue::DescriptionTerm
            | NodeValue::DescriptionDetails
            | NodeValue::CodeBlock(_)
            | NodeValue::HtmlBlock(_)
            | NodeValue::Paragraph
            | NodeValue::Heading(_)
            | NodeValue::ThematicBreak
            | NodeValue::FootnoteDefinition(_)
            | NodeValue::Table(_)
            | NodeValue::TableRow(_)
            | NodeValue::TableCell
            | NodeValue::TaskItem(_)
            | NodeValue::MultilineBlockQuote(_)
            | NodeValue::Escaped
            | NodeValue::WikiLink(_)
            | NodeValue::SpoileredText
            | NodeValue::Alert(_)
            | NodeValue::Callout(_)
            | NodeValue::CalloutTitle
            | NodeValue::Subtext
            | NodeValue::BlockDirective(_)
            | NodeValue::MultilineComment(_) => out.extend(self.inlines_of(node)),
        }
    }

    /// Turn `[text]{lang=tag}` written in this run of inlines into language spans: the brackets
    /// must open and close at the same level (as in Pandoc); other brackets stay text.
    fn spans(&mut self, inlines: Vec<Inline>, node_span: Span) -> Vec<Inline> {
        if !inlines.iter().any(|i| matches!(i, Inline::Text(t) if t.contains("]{"))) {
            return inlines;
        }
        let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
        // Indexes in `out` of the `[` still open, each pushed as a text of its own.
        let mut open: Vec<usize> = Vec::new();
        for inline in inlines {
            let Inline::Text(text) = inline else {
                out.push(inline);
                continue;
            };
            let mut rest = text.as_str();
            while let Some(at) = rest.find(['[', ']']) {
                push_after(&mut out, &open, &rest[..at]);
                let bracket = &rest[at..at + 1];
                rest = &rest[at + 1..];
                if bracket == "[" {
                    open.push(out.len());
                    out.push(Inline::Text("[".into()));
                    continue;
                }
                let start = open.pop();
                let (Some((attr, after)), Some(start)) = (span_attr(rest), start) else {
                    push_after(&mut out, &open, "]");
                    continue;
                };
                let raw = format!("]{{{attr}}}");
                rest = after;
                let content: Vec<Inline> = out.drain(start..).skip(1).collect();
                match self.span_lang(attr, &raw, node_span) {
                    Some(lang) => out.push(Inline::Lang { lang, content: merge_texts(content) }),
                    None => out.extend(content),
                }
                // Earlier `[` stay open; their indexes are below `start`, still valid.
            }
            push_after(&mut out, &open, rest);
        }
        merge_texts(out)
    }

    /// The language tag of a span's `lang=tag` attribute, checked; reports a bad one and returns `None`.
    fn span_lang(&mut self, attr: &str, raw: &str, node_span: Span) -> Option<String> {
        let span = self.locate(raw, node_span);
        let Some(tag) = attr.trim().strip_prefix("lang=") else {
            self.error_code(
                span,
                format!("`{{{attr}}}` is not an attribute Spotlight knows for a span"),
                "mark a passage in another language as `[text]{lang=en}`",
                Code::Markdown,
            );
            return None;
        };
        let tag = tag.trim().trim_matches('"');
        match crate::lang::check_tag(tag) {
            Ok(()) => Some(tag.to_string()),
            Err(problem) => {
                self.error_code(span, problem.message, problem.hint, Code::Markdown);
                None
            }
        }
    }
}

/// Split `{attributes}` off the start of `text` (what follows a span's `]`): the attributes and the
/// text after them; `None` when `text` does not open with one.
fn span_attr(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('{')?;
    let close = inner.find('}')?;
    let attr = &inner[..close];
    (!attr.trim().is_empty() && !attr.contains(['{', '\n']) && !attr.trim_start().starts_with('#'))
        .then(|| (attr, &inner[close + 1..]))
}

/// Push text, keeping an open `[` a text of its own.
fn push_after(out: &mut Vec<Inline>, open: &[usize], text: &str) {
    if text.is_empty() {
        return;
    }
    if open.last().is_some_and(|&i| i + 1 == out.len()) {
        out.push(Inline::Text(text.to_string()));
    } else {
        push_text(out, text);
    }
}

/// Join neighbouring texts into one.
fn merge_texts(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match inline {
            Inline::Text(t) => push_text(&mut out, &t),
            other => out.push(other),
        }
    }
    out
}

/// Elements and constructs that mean HTML markup; other `<name>` forms are kept as text.
const HTML_ELEMENTS: &[&str] = &[
    "a", "abbr", "audio", "b", "base", "bdi", "bdo", "big", "blink", "br", "button", "canvas", "center", "cite",
    "code", "data", "del", "dfn", "div", "em", "embed", "font", "form", "frame", "i", "iframe", "img", "input", "ins",
    "kbd", "link", "map", "mark", "marquee", "math", "meta", "meter", "noscript", "object", "output", "p", "picture",
    "q", "s", "samp", "script", "select", "small", "source", "span", "strike", "strong", "style", "sub", "sup", "svg",
    "template", "textarea", "time", "tt", "u", "var", "video", "wbr",
];

fn is_html_markup(raw: &str) -> bool {
    let inner = raw.trim_start_matches('<').trim_start_matches('/');
    if raw.starts_with("<!") || raw.starts_with("<?") || inner.contains('=') {
        return true;
    }
    let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    HTML_ELEMENTS.contains(&name.to_ascii_lowercase().as_str())
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_elements_are_markup_other_tags_are_text() {
        assert!(is_html_markup("<span onclick=\"x()\">"));
        assert!(is_html_markup("</SCRIPT>"));
        assert!(is_html_markup("<!-- comment -->"));
        assert!(is_html_markup("<foo bar=1>"));
        assert!(!is_html_markup("<label>"));
        assert!(!is_html_markup("<T>"));
    }

    #[test]
    fn span_attributes_follow_the_closing_bracket() {
        assert_eq!(span_attr("{lang=en} rest"), Some(("lang=en", " rest")));
        assert_eq!(span_attr("{#fig:a}"), None);
        assert_eq!(span_attr(" {lang=en}"), None);
        assert_eq!(span_attr("{}"), None);
    }

    fn paragraph(markdown: &str, lang: &str) -> (Vec<Inline>, Vec<crate::diag::Diagnostic>) {
        let text = format!("# T\n\n{markdown}\n");
        let (chapter, diags) =
            crate::markdown::parse(std::path::Path::new("."), std::path::Path::new("chapters/ar/01-t.md"), &text, lang);
        let blocks = chapter.map(|c| c.blocks).unwrap_or_default();
        match blocks.into_iter().next() {
            Some(crate::document::model::Block::Paragraph { content, .. }) => (content, diags),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bracketed_spans_become_language_spans() {
        let (content, diags) = paragraph("قال [the *Global* Compact]{lang=en-GB} (IMRF).", "ar");
        assert!(diags.is_empty(), "{diags:?}");
        let [Inline::Text(before), Inline::Lang { lang, content: inner }, Inline::Text(after)] = content.as_slice()
        else {
            panic!("{content:?}")
        };
        assert_eq!((before.as_str(), lang.as_str(), after.as_str()), ("قال ", "en-GB", " (IMRF)."));
        assert_eq!(plain_text(inner), "the Global Compact");
        assert!(matches!(inner[1], Inline::Emph(_)), "{inner:?}");
    }

    #[test]
    fn plain_brackets_and_citations_stay_as_they_were() {
        let (content, diags) = paragraph("A [sic] b [x [y] z]{lang=fr} c [@smith].", "en");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(plain_text(&content), "A [sic] b x [y] z c [@smith].");
        assert!(matches!(content.last(), Some(Inline::Text(t)) if t == "."), "{content:?}");
        assert!(content.iter().any(|i| matches!(i, Inline::Cite { .. })), "{content:?}");
        assert!(content.iter().any(|i| matches!(i, Inline::Lang { lang, .. } if lang == "fr")), "{content:?}");
    }

    #[test]
    fn citations_inside_a_span_are_citations() {
        let (content, _) = paragraph("[see @smith, p. 3]{lang=en}", "fr");
        let [Inline::Lang { content: inner, .. }] = content.as_slice() else { panic!("{content:?}") };
        assert!(inner.iter().any(|i| matches!(i, Inline::Cite { .. })), "{inner:?}");
    }

    #[test]
    fn a_bad_span_tag_is_an_error_at_its_line() {
        let (content, diags) = paragraph("One\ntwo [words]{lang=english} three", "fr");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "`english` is not a registered language");
        assert_eq!(diags[0].hint.as_deref(), Some("write `en`"));
        assert_eq!((diags[0].line, diags[0].column), (Some(4), Some(11)), "at the closing bracket");
        assert_eq!(plain_text(&content), "One two words three");
        let (_, diags) = paragraph("[words]{.smallcaps}", "fr");
        assert_eq!(diags[0].message, "`{.smallcaps}` is not an attribute Spotlight knows for a span");
    }
}
