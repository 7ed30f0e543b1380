//! Lowers one comrak tree into the owned model: exhaustive over `NodeValue`, raw HTML never passed
//! through, images confined to the project, every problem a diagnostic with file and line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use comrak::nodes::{AlertType, AstNode, ListType, NodeValue, TableAlignment};

mod inline;

use super::attrs;
use crate::diag::{Code, Diagnostic};
use crate::document::model::{
    Align, Block, CalloutKind, Caption, Chapter, ChapterKind, Footnote, Inline, LinkTarget, ListItem, RefKind, Span,
};
use crate::document::walk::plain_text;
use crate::project::config::{self, FrontMatter};
use crate::project::files::{self, Refused};

/// Containers nested deeper than this are refused: no reader needs them, and it bounds recursion.
pub const MAX_DEPTH: usize = 48;

struct Lowerer<'t> {
    root: &'t Path,
    lang: &'t str,
    rel: &'t Path,
    text: &'t str,
    slug: String,
    diags: Vec<Diagnostic>,
    front: FrontMatter,
    title: Option<Vec<Inline>>,
    /// The chapter title's `{#sec:id}`, if any.
    title_id: Option<String>,
    /// A `Table: …` caption written before its table, waiting for it.
    pending_caption: Option<Caption>,
    ids: HashSet<String>,
    footnote_numbers: HashMap<String, usize>,
    footnotes: BTreeMap<String, Footnote>,
    depth: usize,
    /// How many inline containers (emphasis, links, ...) are open: punctuation is set once, over
    /// the outermost run of inlines, so a quote next to a link sees the text before the link.
    inline_depth: usize,
    too_deep_reported: bool,
    /// Lines before the text in its file (for fragments embedded in YAML).
    line_offset: usize,
    /// Byte offset of the start of every line, so positions are found without rescanning.
    line_starts: Vec<usize>,
}

/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// Lower a parsed chapter document into a `Chapter`.
pub fn chapter<'a>(
    root: &Path,
    rel: &Path,
    text: &str,
    lang: &str,
    doc: &'a AstNode<'a>,
) -> (Option<Chapter>, Vec<Diagnostic>) {
    let slug = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut l = Lowerer {
        root,
        lang,
        rel,
        text,
        slug: slug.clone(),
        diags: Vec::new(),
        front: FrontMatter::default(),
        title: None,
        title_id: None,
        pending_caption: None,
        ids: HashSet::new(),
        footnote_numbers: HashMap::new(),
        footnotes: BTreeMap::new(),
        depth: 0,
        inline_depth: 0,
        too_deep_reported: false,
        line_offset: 0,
        line_starts: line_starts(text),
    };
    let mut blocks = Vec::new();
    l.blocks_of(doc, &mut blocks);
    let title = match (l.front.title.take(), l.title.take()) {
        (Some(t), _) => Some(vec![Inline::Text(t)]),
        (None, Some(t)) => Some(t),
        (None, None) => None,
    };
    let Some(title) = title else {
        l.diags.push(
            Diagnostic::error("the chapter has no title")
                .in_file(rel)
                .at(1, 1)
                .with_hint("start the chapter with a level-1 heading (`# Title`) or set `title:` in its front matter"),
        );
        return (None, l.diags);
    };
    let chapter = Chapter {
        source: rel.to_path_buf(),
        slug,
        kind: ChapterKind::Body,
        lang: None,
        title,
        id: l.title_id,
        blocks,
        footnotes: l.footnotes,
    };
    (Some(chapter), l.diags)
}

/// Lower a Markdown fragment (a bio) that starts on line `first_line` of `rel` into blocks.
pub fn fragment<'a>(
    root: &Path,
    rel: &Path,
    text: &str,
    lang: &str,
    doc: &'a AstNode<'a>,
    first_line: usize,
) -> (Vec<Block>, Vec<Diagnostic>) {
    let mut l = Lowerer {
        root,
        lang,
        rel,
        text,
        slug: String::new(),
        diags: Vec::new(),
        front: FrontMatter::default(),
        // A fragment has no title: any level-1 heading is set as a section.
        title: Some(Vec::new()),
        title_id: None,
        pending_caption: None,
        ids: HashSet::new(),
        footnote_numbers: HashMap::new(),
        footnotes: BTreeMap::new(),
        depth: 0,
        inline_depth: 0,
        too_deep_reported: false,
        line_offset: first_line.saturating_sub(1),
        line_starts: line_starts(text),
    };
    let mut blocks = Vec::new();
    l.blocks_of(doc, &mut blocks);
    (blocks, l.diags)
}

impl<'t> Lowerer<'t> {
    fn span<'a>(&self, node: &'a AstNode<'a>) -> Span {
        let pos = node.data().sourcepos.start;
        let line = pos.line.max(1);
        // comrak counts columns in bytes; editors count characters.
        let column = self
            .line_starts
            .get(line - 1)
            .and_then(|&start| self.text.get(start..start + pos.column.saturating_sub(1)))
            .map_or(pos.column.max(1), |prefix| prefix.chars().count() + 1);
        Span { line: line + self.line_offset, column }
    }

    fn error(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        let message = message.into();
        let code = if message.starts_with("image") { Code::Image } else { Code::Markdown };
        self.error_code(span, message, hint, code);
    }

    fn error_code(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>, code: Code) {
        let d = Diagnostic::error(message).in_file(self.rel).at(span.line, span.column).with_hint(hint).code(code);
        self.diags.push(d);
    }

    fn warn(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        let message = message.into();
        let code = if message.starts_with("raw HTML") { Code::Html } else { Code::Markdown };
        let d = Diagnostic::warning(message).in_file(self.rel).at(span.line, span.column).with_hint(hint).code(code);
        self.diags.push(d);
    }

    /// Lower the block children of `node` into `out`, guarding the nesting depth.
    fn blocks_of<'a>(&mut self, node: &'a AstNode<'a>, out: &mut Vec<Block>) {
        if self.depth >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                let span = self.span(node);
                self.error(
                    span,
                    format!("content is nested more than {MAX_DEPTH} levels deep"),
                    "flatten the nested quotes, lists, emphasis or links",
                );
            }
            return;
        }
        self.depth += 1;
        for child in node.children() {
            self.block(child, out);
        }
        self.depth -= 1;
    }

    fn child_blocks<'a>(&mut self, node: &'a AstNode<'a>) -> Vec<Block> {
        let mut out = Vec::new();
        self.blocks_of(node, &mut out);
        out
    }

    fn block<'a>(&mut self, node: &'a AstNode<'a>, out: &mut Vec<Block>) {
        let span = self.span(node);
        let value = node.data().value.clone();
        match value {
            NodeValue::Document
            | NodeValue::Item(_)
            | NodeValue::TaskItem(_)
            | NodeValue::DescriptionItem(_)
            | NodeValue::DescriptionTerm
            | NodeValue::DescriptionDetails
            | NodeValue::TableRow(_)
            | NodeValue::TableCell
            | NodeValue::Callout(_)
            | NodeValue::CalloutTitle
            | NodeValue::Subtext
            | NodeValue::BlockDirective(_) => self.blocks_of(node, out),
            NodeValue::FrontMatter(raw) => self.front_matter(&raw),
            NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => {
                let blocks = self.child_blocks(node);
                out.push(Block::Quote { span, blocks });
            }
            NodeValue::Alert(alert) => {
                let kind = match alert.alert_type {
                    AlertType::Note => CalloutKind::Note,
                    AlertType::Tip => CalloutKind::Tip,
                    AlertType::Important => CalloutKind::Important,
                    AlertType::Warning => CalloutKind::Warning,
                    AlertType::Caution => CalloutKind::Caution,
                };
                let title = alert.title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
                let blocks = self.child_blocks(node);
                out.push(Block::Callout { span, kind, title, blocks });
            }
            NodeValue::List(list) => {
                let start = (list.list_type == ListType::Ordered).then_some(list.start);
                let mut items = Vec::new();
                for item in node.children() {
                    let task = match &item.data().value {
                        NodeValue::TaskItem(t) => Some(t.symbol.is_some()),
                        _ => None,
                    };
                    let blocks = self.child_blocks(item);
                    items.push(ListItem { task, blocks });
                }
                out.push(Block::List { span, start, tight: list.tight, items });
            }
            NodeValue::DescriptionList => {
                let mut items = Vec::new();
                for item in node.children() {
                    let mut term = Vec::new();
                    let mut details = Vec::new();
                    for part in item.children() {
                        if matches!(part.data().value, NodeValue::DescriptionTerm) {
                            for b in self.child_blocks(part) {
                                if let Block::Paragraph { content, .. } = b {
                                    term.extend(content);
                                }
                            }
                        } else {
                            self.blocks_of(part, &mut details);
                        }
                    }
                    items.push((term, details));
                }
                out.push(Block::Definitions { span, items });
            }
            NodeValue::CodeBlock(code) => {
                let lang = code.info.split_whitespace().next().map(str::to_string);
                out.push(Block::Code { span, lang, text: code.literal.clone() });
            }
            NodeValue::HtmlBlock(_) => {
                self.warn(span, "raw HTML is not rendered", "write the content in Markdown; HTML blocks are dropped");
            }
            NodeValue::MultilineComment(_) => {}
            NodeValue::Paragraph => {
                let beside_table = attrs::is_table(node.previous_sibling()) || attrs::is_table(node.next_sibling());
                if beside_table && attrs::is_caption(node) {
                    self.table_caption(node, span, out);
                } else if let Some((image, attrs)) = attrs::figure_parts(node)
                    && let Some(figure) = self.figure(image, attrs, span)
                {
                    out.extend(figure);
                } else {
                    let content = self.inlines_of(node);
                    out.push(Block::Paragraph { span, content });
                }
            }
            NodeValue::Heading(heading) => {
                let explicit = attrs::take_trailing_id(node);
                let content = self.inlines_of(node);
                // The title is the first level-1 heading at the top level, unless front matter gives one.
                if heading.level == 1 && self.title.is_none() && self.depth == 1 && self.front.title.is_none() {
                    self.title = Some(content);
                    self.title_id = explicit.filter(|id| self.check_ref_id(id, RefKind::Section, span));
                    return;
                }
                let level = if heading.level == 1 {
                    self.warn(
                        span,
                        "a chapter has one level-1 heading; this one is set as a section",
                        "use `##` for sections",
                    );
                    2
                } else {
                    heading.level
                };
                let id = match explicit {
                    Some(id) if self.check_heading_id(&id, span) => id,
                    _ => self.unique_id(&plain_text(&content)),
                };
                out.push(Block::Heading { span, level, id, content });
            }
            NodeValue::ThematicBreak => out.push(Block::Rule { span }),
            NodeValue::FootnoteDefinition(def) => {
                let blocks = self.child_blocks(node);
                let number = self.footnote_numbers.get(&def.name).copied().unwrap_or(self.footnote_numbers.len() + 1);
                self.footnotes.insert(def.name.clone(), Footnote { number, span, blocks });
            }
            NodeValue::Table(table) => {
                let aligns: Vec<Align> = table
                    .alignments
                    .iter()
                    .map(|a| match a {
                        TableAlignment::None => Align::Auto,
                        TableAlignment::Left => Align::Left,
                        TableAlignment::Center => Align::Center,
                        TableAlignment::Right => Align::Right,
                    })
                    .collect();
                let mut header = Vec::new();
                let mut rows = Vec::new();
                for row in node.children() {
                    let is_header = matches!(row.data().value, NodeValue::TableRow(true));
                    let mut cells: Vec<Vec<Inline>> = row.children().map(|cell| self.inlines_of(cell)).collect();
                    cells.resize(aligns.len(), Vec::new());
                    if is_header { header = cells } else { rows.push(cells) }
                }
                let caption = self.pending_caption.take();
                out.push(Block::Table { span, aligns, header, rows, caption });
            }
            // Inline nodes directly under a block container: keep their text as a paragraph.
            NodeValue::Text(_)
            | NodeValue::SoftBreak
            | NodeValue::LineBreak
            | NodeValue::Code(_)
            | NodeValue::HtmlInline(_)
            | NodeValue::Raw(_)
            | NodeValue::Emph
            | NodeValue::Strong
            | NodeValue::Strikethrough
            | NodeValue::Highlight
            | NodeValue::Insert
            | NodeValue::Superscript
            | NodeValue::Link(_)
            | NodeValue::Image(_)
            | NodeValue::FootnoteReference(_)
            | NodeValue::Math(_)
            | NodeValue::Escaped
            | NodeValue::WikiLink(_)
            | NodeValue::Underline
            | NodeValue::Subscript
            | NodeValue::SpoileredText
            | NodeValue::EscapedTag(_)
            | NodeValue::CommentInline(_) => {
                let mut content = Vec::new();
                self.inline(node, &mut content);
                if !content.is_empty() {
                    out.push(Block::Paragraph { span, content });
                }
            }
        }
    }

    /// Lower an image alone in its paragraph into a numbered figure, when it has a title (the
    /// caption) or an id (then the alt text is also the caption); `None` leaves it a plain image.
    fn figure<'a>(
        &mut self,
        image: &'a AstNode<'a>,
        attrs: Result<attrs::ImageAttrs, String>,
        span: Span,
    ) -> Option<Option<Block>> {
        let (url, title) = match &image.data().value {
            NodeValue::Image(link) => (link.url.clone(), link.title.trim().to_string()),
            _ => return None,
        };
        let attrs::ImageAttrs { id, width } = self.image_attrs(attrs, span);
        if title.is_empty() && id.is_none() {
            return None;
        }
        let id = id.filter(|id| self.check_ref_id(id, RefKind::Figure, span));
        let described = self.inlines_of(image);
        let alt = plain_text(&described);
        let content = if title.is_empty() { described } else { self.punctuated(vec![Inline::Text(title)], span) };
        let caption = Caption { span, id, number: 0, label: String::new(), content };
        Some(self.image_path(&url, span).map(|path| Block::Figure { span, path, alt, caption, width }))
    }

    /// Lower a `Table: …` paragraph into the caption of the table before it, or the one after it.
    fn table_caption<'a>(&mut self, node: &'a AstNode<'a>, span: Span, out: &mut [Block]) {
        attrs::strip_caption_prefix(node);
        let id = attrs::take_trailing_id(node).filter(|id| self.check_ref_id(id, RefKind::Table, span));
        let content = self.inlines_of(node);
        let caption = Caption { span, id, number: 0, label: String::new(), content };
        if attrs::is_table(node.previous_sibling())
            && let Some(Block::Table { caption: slot @ None, .. }) = out.last_mut()
        {
            *slot = Some(caption);
        } else if attrs::is_table(node.next_sibling()) && self.pending_caption.is_none() {
            self.pending_caption = Some(caption);
        } else {
            self.error(span, "this table already has a caption", "keep one `Table: …` paragraph beside each table");
        }
    }

    /// Whether `id` (from `{#id}`) is a usable cross-reference id of `kind`; reports it when not.
    fn check_ref_id(&mut self, id: &str, kind: RefKind, span: Span) -> bool {
        if attrs::valid_id(id) && RefKind::of(id) == Some(kind) {
            return true;
        }
        let what = match kind {
            RefKind::Figure => "a figure",
            RefKind::Table => "a table",
            RefKind::Section => "a chapter title",
        };
        let p = kind.prefix();
        self.error_code(
            span,
            format!("`{{#{id}}}` is not an id for {what}"),
            format!("write `{{#{p}name}}`: `{p}` then ASCII letters, digits, `-` or `_`"),
            Code::Link,
        );
        false
    }

    /// Whether `id` (from `{#id}`) can be a heading's anchor in this chapter; reports it when not.
    fn check_heading_id(&mut self, id: &str, span: Span) -> bool {
        let kind = RefKind::of(id);
        if !attrs::valid_id(id) || matches!(kind, Some(RefKind::Figure | RefKind::Table)) {
            self.error_code(
                span,
                format!("`{{#{id}}}` is not an id for a heading"),
                "write `{#sec:name}` (or another id of ASCII letters, digits, `-`, `_`, not starting with `fig:` or `tbl:`)",
                Code::Link,
            );
            return false;
        }
        // Section ids are checked edition-wide by the cross-reference pass, which names both places.
        if !self.ids.insert(id.to_string()) && kind.is_none() {
            self.error_code(
                span,
                format!("the id `{id}` is used twice in this chapter"),
                "choose another id; headings without one get an id from their text",
                Code::Link,
            );
            return false;
        }
        true
    }

    fn front_matter(&mut self, raw: &str) {
        // The delimiters are part of `raw`; the YAML starts on the line after the opening `---`.
        let body: Vec<&str> = raw.lines().filter(|l| l.trim_end() != "---").collect();
        let yaml = body.join("\n");
        match config::from_yaml::<Option<FrontMatter>>(&yaml, self.rel, 2) {
            Ok(front) => self.front = front.unwrap_or_default(),
            Err(d) => self.diags.push(d),
        }
    }

    fn unique_id(&mut self, text: &str) -> String {
        let base = super::anchor::anchor_id(text);
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn link_target(&mut self, url: &str, span: Span) -> Option<LinkTarget> {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if ["http://", "https://"].iter().any(|s| lower.starts_with(s)) {
            if !valid_host(url) {
                self.warn(
                    span,
                    format!("link target `{url}` has no valid host name; the link text is kept"),
                    "check the address",
                );
                return None;
            }
            return Some(LinkTarget::External(url.to_string()));
        }
        if lower.starts_with("mailto:") {
            return Some(LinkTarget::External(url.to_string()));
        }
        if let Some(anchor) = url.strip_prefix('#') {
            return Some(LinkTarget::Internal { chapter: self.slug.clone(), anchor: percent_decode(anchor) });
        }
        if has_scheme(url) {
            self.warn(
                span,
                format!("link target `{url}` is not allowed; the link text is kept"),
                "link to http, https or mailto addresses, or to another chapter's .md file",
            );
            return None;
        }
        let (path, anchor) = url.split_once('#').unwrap_or((url, ""));
        let path = path.strip_prefix("./").unwrap_or(path);
        match path.strip_suffix(".md") {
            // A chapter path in another folder leaves the edition; the links pass says so, as it
            // does for any `.md` file that is not a chapter (one rule: a warning, the text kept).
            Some(stem) if !stem.is_empty() => {
                Some(LinkTarget::Internal { chapter: percent_decode(stem), anchor: percent_decode(anchor) })
            }
            _ => {
                self.warn(
                    span,
                    format!("link target `{url}` is not a chapter of this edition; the link text is kept"),
                    "link to a chapter file in the same folder, e.g. `03-pandemic.md#section`",
                );
                None
            }
        }
    }

    /// The attributes of an image, or none after reporting why they cannot be used.
    fn image_attrs(&mut self, attrs: Result<attrs::ImageAttrs, String>, span: Span) -> attrs::ImageAttrs {
        attrs.unwrap_or_else(|message| {
            self.error(span, message, "write e.g. `{width=50%}` or `{#fig:id width=8cm}` (units: % cm mm in pt px em)");
            attrs::ImageAttrs::default()
        })
    }

    fn image_path(&mut self, url: &str, span: Span) -> Option<String> {
        let url = percent_decode(url.trim());
        let fail = |l: &mut Self, message: String, hint: &str| {
            l.error(span, message, hint);
            None
        };
        if has_scheme(&url) {
            return fail(
                self,
                format!("image `{url}` is not a file in the project"),
                "copy the image into the project and refer to it by a relative path",
            );
        }
        if url.starts_with('/') || url.starts_with('\\') {
            return fail(
                self,
                format!("image path `{url}` is absolute"),
                "write the path relative to the chapter file",
            );
        }
        let dir = self.rel.parent().unwrap_or(Path::new(""));
        let Some(joined) = normalize(&dir.join(&url)) else {
            return fail(
                self,
                format!("image `{url}` lies outside the project"),
                "keep images inside the project folder",
            );
        };
        match files::check_inside(self.root, &self.root.join(&joined)) {
            Err(Refused::Io(_)) => {
                fail(self, format!("image not found: `{url}`"), &format!("expected the file at {}", joined.display()))
            }
            Err(Refused::Outside) => fail(
                self,
                format!("image `{url}` points outside the project"),
                "replace the symbolic link by the file itself",
            ),
            Err(Refused::Folder) => fail(self, format!("image `{url}` is not a file"), "point to an image file"),
            Ok(_) => Some(joined.to_string_lossy().replace('\\', "/")),
        }
    }
}

/// Whether an http(s) address has a host name readers can resolve: labels of letters, digits and
/// hyphens (any script), no empty label, an optional port.
fn valid_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = host.split_once(':').unwrap_or((host, ""));
    !host.is_empty()
        && port.chars().all(|c| c.is_ascii_digit())
        && host.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolve `.` and `..` lexically; `None` if the path climbs above its start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(part) => out.push(part),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(normalize(Path::new("chapters/en/../img/a.png")), Some(PathBuf::from("chapters/img/a.png")));
        assert_eq!(normalize(Path::new("chapters/../../etc/passwd")), None);
    }

    #[test]
    fn hosts_are_checked() {
        assert!(valid_host("https://www.example.org/a?b#c"));
        assert!(valid_host("http://localhost:8080/"));
        assert!(valid_host("https://münchen.de"));
        assert!(!valid_host("https://../"));
        assert!(!valid_host("https://foo.bar.`baz"));
        assert!(!valid_host("https://"));
    }

    #[test]
    fn schemes_are_recognised() {
        assert!(has_scheme("javascript:alert(1)"));
        assert!(has_scheme("file:///etc/passwd"));
        assert!(!has_scheme("img/a.png"));
    }

    fn lowered(markdown: &str, lang: &str) -> (Option<Chapter>, Vec<Diagnostic>) {
        crate::markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), markdown, lang)
    }

    #[test]
    fn heading_and_title_ids_are_taken_from_the_text() {
        let (chapter, diags) = lowered(
            "# Title {#sec:intro}

## Our *method* {#sec:method}
",
            "fr",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let chapter = chapter.unwrap();
        assert_eq!(chapter.id.as_deref(), Some("sec:intro"));
        assert_eq!(chapter.title, [Inline::Text("Title".into())]);
        let Block::Heading { id, content, .. } = &chapter.blocks[0] else { panic!("{:?}", chapter.blocks) };
        assert_eq!(id, "sec:method");
        assert_eq!(plain_text(content), "Our method");
    }

    #[test]
    fn caption_paragraph_before_a_table_captions_it() {
        let md = "# T\n\nTable: Costs, in *euros* {#tbl:costs}\n\n| a |\n|---|\n| 1 |\n\nAfter.\n";
        let (chapter, diags) = lowered(md, "fr");
        assert!(diags.is_empty(), "{diags:?}");
        let blocks = chapter.unwrap().blocks;
        assert_eq!(blocks.len(), 2, "the caption is no paragraph: {blocks:?}");
        let Block::Table { caption: Some(caption), .. } = &blocks[0] else { panic!("{blocks:?}") };
        assert_eq!(caption.id.as_deref(), Some("tbl:costs"));
        assert_eq!(plain_text(&caption.content), "Costs, in euros");
    }

    #[test]
    fn a_second_caption_for_one_table_is_an_error() {
        let md = "# T\n\nTable: One\n\n| a |\n|---|\n| 1 |\n\n: Two\n";
        let (_, diags) = lowered(md, "en");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "this table already has a caption");
        assert_eq!(diags[0].line, Some(9));
    }

    #[test]
    fn brackets_mixing_cross_references_and_citations_are_errors() {
        let (_, diags) = lowered("# T\n\nSee [@fig:a; @smith].\n", "en");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "`[@fig:a; @smith]` mixes cross-references and citations");
        assert_eq!((diags[0].line, diags[0].column), (Some(3), Some(5)));
    }

    #[test]
    fn text_after_an_image_keeps_it_a_plain_paragraph() {
        let (chapter, _) = lowered("# T\n\n![a](x.png \"Title\") and {#fig:x}\n", "en");
        let blocks = chapter.unwrap().blocks;
        assert!(matches!(blocks.as_slice(), [Block::Paragraph { .. }]), "{blocks:?}");
    }

    #[test]
    fn percent_decoding_handles_escapes_and_stray_percent() {
        assert_eq!(percent_decode("my%20image.png"), "my image.png");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%e2%82%ac"), "€");
    }
}
