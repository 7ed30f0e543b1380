//! The owned document model every renderer reads: Edition > Chapter > Block > Inline.
//! It knows no external crate types, is `Send + Sync`, and carries Markdown positions (`Span`)
//! so that any later stage can name the file and line a problem came from.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::lang::Dir;

pub use super::roles::{Kind, Role};

mod crossref;
pub use crossref::RefKind;

/// A position in a Markdown file (one-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
}

/// One language edition of the report, ready to render.
#[derive(Debug, Clone, Default)]
pub struct Edition {
    /// BCP 47 language code, e.g. `en`.
    pub lang: String,
    /// The report's metadata as this edition shows it.
    pub meta: Meta,
    /// The chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// Labels of generated parts in the edition's language (every key of the shipped English labels).
    pub strings: BTreeMap<String, String>,
    /// Set when the edition is a translation.
    pub translation: Option<Translation>,
    /// The people of the interview, for the opening of the report (empty without people records).
    pub participants: Vec<Participant>,
    /// The fonts the edition is set in.
    pub fonts: EditionFonts,
}

/// A participant of the interview as the opening of the report lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// The person's id.
    pub id: String,
    /// The name in the edition's script.
    pub name: String,
    /// Role and organization.
    pub detail: String,
    /// What the person did for the report.
    pub role: Role,
    /// Where the name links to (the bio), if anywhere.
    pub target: Option<LinkTarget>,
}

impl Participant {
    /// Whether the person asks the questions.
    pub fn is_interviewer(&self) -> bool {
        self.role == Role::Interviewer
    }
}

impl Edition {
    /// Return the label for a generated part, e.g. `contents`.
    pub fn string<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    /// Return the credit of a translation (`Translated from English by ...`), naming the source
    /// language in the edition's language (its `language-<code>` label, else its tag).
    pub fn translation_credit(&self) -> Option<String> {
        let t = self.translation.as_ref()?;
        let key = format!("language-{}", crate::lang::primary(&t.of).to_ascii_lowercase());
        let source = self.strings.get(&key).map_or(t.of.as_str(), String::as_str);
        Some(match &t.translator {
            Some(who) => self.string("translation-credit").replace("{source}", source).replace("{translator}", who),
            None => self.string("translation-credit-anonymous").replace("{source}", source),
        })
    }

    /// Return the text direction of the edition's language.
    pub fn dir(&self) -> Dir {
        crate::lang::dir(&self.lang)
    }

    /// Return the title of the list of people in the opening: participants of an interview,
    /// contributors of any other report.
    pub fn people_list_title(&self) -> &str {
        self.string(if self.meta.kind == Kind::Interview { "participants" } else { "contributors" })
    }

    /// Return the role a person is labelled with in the opening list, if any: the interviewer of an
    /// interview (the others are its participants), everyone's role in any other report.
    pub fn role_label(&self, participant: &Participant) -> Option<&str> {
        match self.meta.kind {
            Kind::Interview if participant.role == Role::Interviewer => Some(self.string("role-interviewer")),
            Kind::Interview => None,
            Kind::Report => Some(self.string(participant.role.label_key())),
        }
    }

    /// Find the participant a turn was matched to, and whether the turn is a question (the
    /// interviewer's, or a speaker listed under `interviewers` when there are no people records).
    pub fn turn_speaker(&self, person: Option<&String>, speaker: &str) -> (Option<&Participant>, bool) {
        let participant = person.and_then(|id| self.participants.iter().find(|p| &p.id == id));
        let question =
            participant.is_some_and(Participant::is_interviewer) || self.meta.interviewers.iter().any(|i| i == speaker);
        (participant, question)
    }
}

/// A translation's provenance, shown in the colophon and in status reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The source language.
    pub of: String,
    /// `complete` or `draft`.
    pub status: String,
    /// Who translated it.
    pub translator: Option<String>,
}

/// Report-level metadata shown on the title page, colophon and in PDF/EPUB metadata.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// Report title.
    pub title: String,
    /// Report subtitle.
    pub subtitle: Option<String>,
    /// Slug used in artifact names.
    pub slug: String,
    /// Publication year.
    pub year: i32,
    /// The report's date (year, month, day).
    pub date: (i32, u8, u8),
    /// Keywords for the document metadata.
    pub keywords: Vec<String>,
    /// The publisher, for the colophon.
    pub publisher: Publisher,
    /// What kind of content the report is.
    pub kind: Kind,
    /// Speaker names whose turns are questions.
    pub interviewers: Vec<String>,
    /// Font families per role, most preferred first.
    pub fonts: FontStacks,
}

/// Font families per typographic role, most preferred first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FontStacks {
    /// Body text.
    pub serif: Vec<String>,
    /// Headings, speaker names, labels.
    pub sans: Vec<String>,
    /// Code.
    pub mono: Vec<String>,
    /// Font families per script (`arabic`, `chinese`, ...), for editions and passages in that script.
    pub scripts: BTreeMap<String, Vec<String>>,
    /// Heading families per script, where they differ from `scripts`.
    pub headings: BTreeMap<String, Vec<String>>,
    /// Code families per script, where they differ from `scripts`.
    pub code: BTreeMap<String, Vec<String>>,
    /// Whether report.yaml named the fonts (then a missing family is worth a warning).
    pub configured: bool,
}

/// The fonts an edition is set in: available families only, most preferred first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditionFonts {
    /// Body text.
    pub serif: Vec<Family>,
    /// Headings, speaker names, labels.
    pub sans: Vec<Family>,
    /// Code.
    pub mono: Vec<Family>,
    /// The script of the edition's language, if it has its own fonts (`arabic`, `chinese`).
    pub script: Option<String>,
}

/// One family of a font stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family name as the font book knows it.
    pub name: String,
    /// Set Latin letters only (in Chinese and Japanese text, whose punctuation the CJK font sets).
    pub latin_only: bool,
}

/// The publisher's name and address.
#[derive(Debug, Clone, Default)]
pub struct Publisher {
    /// Publisher name.
    pub name: String,
    /// Office or department.
    pub office: Option<String>,
    /// Postal address, one line each.
    pub address: Vec<String>,
    /// Telephone numbers or other contact lines.
    pub contact: Vec<String>,
}

/// One chapter: a Markdown file lowered to blocks.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// The Markdown file, relative to the project root.
    pub source: PathBuf,
    /// File stem, unique within the edition; used for anchors and output file names.
    pub slug: String,
    /// Whether the chapter is written or generated, and what it holds.
    pub kind: ChapterKind,
    /// Set when the chapter is in another language than its edition (an untranslated chapter
    /// standing in): that language.
    pub lang: Option<String>,
    /// The chapter title (front matter override or first level-1 heading).
    pub title: Vec<Inline>,
    /// The cross-reference id of the chapter, from `# Title {#sec:id}`.
    pub id: Option<String>,
    /// Body blocks, the title heading excluded.
    pub blocks: Vec<Block>,
    /// Footnote bodies by label, referenced from `Inline::FootnoteRef`.
    pub footnotes: BTreeMap<String, Footnote>,
}

/// What a chapter is: written by the authors, or generated by Spotlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterKind {
    /// A chapter from a Markdown file.
    Body,
    /// The generated reference list.
    References,
    /// The generated "About the interviewees" section.
    People,
}

/// A footnote definition.
#[derive(Debug, Clone)]
pub struct Footnote {
    /// One-based number in order of first reference within the chapter.
    pub number: usize,
    /// Where the definition starts.
    pub span: Span,
    /// The note's content.
    pub blocks: Vec<Block>,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// No alignment given.
    Auto,
    /// Left aligned.
    Left,
    /// Centred.
    Center,
    /// Right aligned.
    Right,
}

/// The kind of a highlighted box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    /// A note (`[!NOTE]`).
    Note,
    /// A tip (`[!TIP]`).
    Tip,
    /// Important information (`[!IMPORTANT]`).
    Important,
    /// A warning (`[!WARNING]`).
    Warning,
    /// A caution (`[!CAUTION]`).
    Caution,
}

impl CalloutKind {
    /// Name the kind in lower case, as the template and CSS know it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Note => "note",
            Self::Tip => "tip",
            Self::Important => "important",
            Self::Warning => "warning",
            Self::Caution => "caution",
        }
    }
}

/// One item of a list.
#[derive(Debug, Clone)]
pub struct ListItem {
    /// `Some(checked)` for a task list item.
    pub task: Option<bool>,
    /// The item's content.
    pub blocks: Vec<Block>,
}

/// A block-level element.
#[derive(Debug, Clone)]
pub enum Block {
    /// A paragraph.
    Paragraph { span: Span, content: Vec<Inline> },
    /// A section heading (level 2 and deeper; level 1 is the chapter title).
    Heading { span: Span, level: u8, id: String, content: Vec<Inline> },
    /// An interview turn: a paragraph opening with a bold speaker name and a colon; `person` is the
    /// id of the matching person record, once checked.
    Turn { span: Span, speaker: String, person: Option<String>, content: Vec<Inline> },
    /// A block quotation.
    Quote { span: Span, blocks: Vec<Block> },
    /// A highlighted box.
    Callout { span: Span, kind: CalloutKind, title: Option<String>, blocks: Vec<Block> },
    /// A bulleted or numbered list; `start` is `Some(n)` for numbered lists.
    List { span: Span, start: Option<usize>, tight: bool, items: Vec<ListItem> },
    /// A definition list: terms with their details.
    Definitions { span: Span, items: Vec<(Vec<Inline>, Vec<Block>)> },
    /// Preformatted code.
    Code { span: Span, lang: Option<String>, text: String },
    /// A table; every row has `aligns.len()` cells; captioned tables are numbered.
    Table {
        span: Span,
        aligns: Vec<Align>,
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        caption: Option<Caption>,
    },
    /// A numbered figure: an image alone in its paragraph with a title or an id; `path` as for
    /// `Inline::Image`.
    Figure { span: Span, path: String, alt: String, caption: Caption, width: Option<String> },
    /// A thematic break.
    Rule { span: Span },
    /// A generated reference list: one entry per cited work, with its anchor id.
    References { span: Span, hanging: bool, entries: Vec<(String, Vec<Inline>)> },
    /// A generated profile of a person: anchor id, name, role and organization, portrait
    /// (project path, alt text), web address, bio.
    Profile {
        span: Span,
        id: String,
        name: String,
        detail: String,
        portrait: Option<(String, String)>,
        url: Option<String>,
        bio: Vec<Block>,
    },
}

impl Block {
    /// Return where the block starts in its Markdown file.
    pub fn span(&self) -> Span {
        match self {
            Block::Paragraph { span, .. }
            | Block::Heading { span, .. }
            | Block::Turn { span, .. }
            | Block::Quote { span, .. }
            | Block::Callout { span, .. }
            | Block::List { span, .. }
            | Block::Definitions { span, .. }
            | Block::Code { span, .. }
            | Block::Table { span, .. }
            | Block::Figure { span, .. }
            | Block::Rule { span }
            | Block::References { span, .. }
            | Block::Profile { span, .. } => *span,
        }
    }
}

/// The caption of a figure or a table, with its cross-reference id and number.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    /// Where the caption (or the figure it belongs to) is written.
    pub span: Span,
    /// The id written as `{#fig:map}` or `{#tbl:costs}`, if any.
    pub id: Option<String>,
    /// One-based number within the edition (0 until numbered).
    pub number: usize,
    /// The number as the edition's language writes it, e.g. `Figure 2` (empty until numbered).
    pub label: String,
    /// The caption text (may be empty: the label alone).
    pub content: Vec<Inline>,
}

/// An inline element.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text (never contains markup).
    Text(String),
    /// Emphasis.
    Emph(Vec<Inline>),
    /// Strong emphasis.
    Strong(Vec<Inline>),
    /// Struck-through text.
    Strike(Vec<Inline>),
    /// Superscript.
    Sup(Vec<Inline>),
    /// Subscript.
    Sub(Vec<Inline>),
    /// A run in another language than its surroundings (a citation, a name, a marked span): tagged
    /// with its BCP 47 tag and isolated for bidi in both formats.
    Lang { lang: String, content: Vec<Inline> },
    /// Inline code.
    Code(String),
    /// A hyperlink: external URL, or an internal target resolved by the renderers.
    Link { span: Span, target: LinkTarget, content: Vec<Inline> },
    /// An image; `path` is relative to the project root and known to exist inside it; `width` as
    /// the author gave it (`{width=50%}`), else its natural size up to the line's width.
    Image { span: Span, path: String, alt: String, width: Option<String> },
    /// A reference to a footnote of the same chapter, by label.
    FootnoteRef { span: Span, label: String },
    /// A cross-reference to a figure, table or section of the edition (`@fig:map`); `text` and
    /// `target` are set when cross-references are resolved.
    CrossRef { span: Span, kind: RefKind, id: String, text: Vec<Inline>, target: Option<LinkTarget> },
    /// A citation, replaced by its rendered text when the bibliography is resolved.
    Cite { span: Span, mode: CiteMode, items: Vec<CiteItem>, raw: String },
    /// A forced line break.
    LineBreak,
    /// A line break in the source, rendered as a space.
    SoftBreak,
}

/// How a citation reads in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteMode {
    /// `[@key]`: in parentheses (or a note, in note styles).
    Parenthetical,
    /// `@key`: the author is part of the sentence.
    Narrative,
}

/// One cited work within a citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteItem {
    /// The bibliography key.
    pub key: String,
    /// Text before the reference (`see`).
    pub prefix: String,
    /// Locator or text after the reference (`p. 12`).
    pub suffix: String,
    /// `[-@key]`: show the year without the author.
    pub suppress_author: bool,
}

/// Where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An external URL (http, https, mailto).
    External(String),
    /// An anchor in a chapter of the same edition: chapter slug and anchor id (empty for the start).
    Internal { chapter: String, anchor: String },
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn chapter_of(markdown: &str) -> Chapter {
        let (chapter, diags) = crate::markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), markdown, "en");
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        chapter.unwrap()
    }

    #[test]
    fn block_span_is_where_the_block_starts() {
        let chapter =
            chapter_of("# T\n\nFirst paragraph\nstill first.\n\n## Section\n\n> quoted\n> more\n\n- a\n- b\n\n---\n");
        let lines: Vec<usize> = chapter.blocks.iter().map(|b| b.span().line).collect();
        assert_eq!(lines, [3, 6, 8, 11, 14], "{:?}", chapter.blocks);
        assert!(chapter.blocks.iter().all(|b| b.span().column == 1), "{:?}", chapter.blocks);
    }

    #[test]
    fn missing_label_falls_back_to_its_key() {
        let mut edition = Edition::default();
        edition.strings.insert("contents".into(), "Sommaire".into());
        assert_eq!(edition.string("contents"), "Sommaire");
        assert_eq!(edition.string("imprint"), "imprint");
    }

    #[test]
    fn edition_direction_follows_the_primary_language() {
        let of = |lang: &str| Edition { lang: lang.into(), ..Edition::default() }.dir();
        assert_eq!(of("ar"), Dir::Rtl);
        assert_eq!(of("he-IL"), Dir::Rtl);
        assert_eq!(of("en"), Dir::Ltr);
        assert_eq!(of("xx"), Dir::Ltr);
    }

    #[test]
    fn turn_is_a_question_for_the_interviewer_record_or_a_listed_interviewer() {
        let person = |id: &str, interviewer: bool| Participant {
            id: id.into(),
            name: id.into(),
            detail: String::new(),
            role: if interviewer { Role::Interviewer } else { Role::Interviewee },
            target: None,
        };
        let edition = Edition {
            participants: vec![person("fes", true), person("neha", false)],
            meta: Meta { interviewers: vec!["Host".into()], ..Meta::default() },
            ..Edition::default()
        };
        let (p, question) = edition.turn_speaker(Some(&"fes".to_string()), "FES");
        assert_eq!(p.map(|p| p.id.as_str()), Some("fes"));
        assert!(question);
        let (p, question) = edition.turn_speaker(Some(&"neha".to_string()), "Neha");
        assert_eq!(p.map(|p| p.id.as_str()), Some("neha"));
        assert!(!question);
        assert_eq!(edition.turn_speaker(None, "Host"), (None, true));
        assert_eq!(edition.turn_speaker(Some(&"nobody".to_string()), "Guest"), (None, false));
    }
}
