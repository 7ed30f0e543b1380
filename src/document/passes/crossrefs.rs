//! Numbers an edition's figures and tables (one sequence each, in reading order) and resolves its
//! cross-references (`@fig:map`, `@tbl:costs`, `@sec:method`) to their number or title and their
//! anchor, once, so the PDF and the EPUB print the same text. Unknown and duplicate ids are errors
//! naming file and line. Never touches the disk and knows no format.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diag::{Code, Diagnostic, closest};
use crate::document::model::{Block, Edition, Inline, LinkTarget, RefKind, Span};
use crate::document::walk::{plain_text, visit_blocks_mut, visit_inline_vec_mut, visit_inline_vecs_mut};

/// Something a cross-reference can point to.
struct Target {
    source: PathBuf,
    span: Span,
    link: LinkTarget,
    text: String,
}

/// Number the figures and tables of the edition and resolve every cross-reference; return the
/// errors (unknown or duplicate ids).
pub fn resolve(edition: &mut Edition) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let labels = |kind: RefKind| edition.string(kind.label_key().unwrap_or_default()).to_string();
    let (figure, table) = (labels(RefKind::Figure), labels(RefKind::Table));
    let mut targets: HashMap<String, Target> = HashMap::new();
    let mut add = |id: &str, target: Target, diags: &mut Vec<Diagnostic>| {
        if let Some(first) = targets.get(id) {
            diags.push(
                Diagnostic::error(format!("the id `{id}` is used twice"))
                    .in_file(&target.source)
                    .at(target.span.line, target.span.column)
                    .with_hint(format!(
                        "it is first used at {}:{}; cross-reference ids are unique in an edition",
                        first.source.display(),
                        first.span.line
                    ))
                    .code(Code::Link),
            );
        } else {
            targets.insert(id.to_string(), target);
        }
    };
    let (mut figures, mut tables) = (0, 0);
    for chapter in &mut edition.chapters {
        let source = chapter.source.clone();
        let slug = chapter.slug.clone();
        if let Some(id) = &chapter.id {
            let link = LinkTarget::Internal { chapter: slug.clone(), anchor: String::new() };
            let span = Span { line: 1, column: 1 };
            add(id, Target { source: source.clone(), span, link, text: plain_text(&chapter.title) }, &mut diags);
        }
        let mut notes: Vec<_> = chapter.footnotes.values_mut().collect();
        notes.sort_by_key(|n| n.number);
        let blocks = std::iter::once(&mut chapter.blocks).chain(notes.into_iter().map(|n| &mut n.blocks));
        for blocks in blocks {
            visit_blocks_mut(blocks, &mut |block| {
                let (caption, count, label) = match block {
                    Block::Figure { caption, .. } => (caption, &mut figures, &figure),
                    Block::Table { caption: Some(caption), .. } => (caption, &mut tables, &table),
                    Block::Heading { span, id, content, .. } if RefKind::of(id) == Some(RefKind::Section) => {
                        let link = LinkTarget::Internal { chapter: slug.clone(), anchor: id.clone() };
                        let text = plain_text(content);
                        add(id, Target { source: source.clone(), span: *span, link, text }, &mut diags);
                        return;
                    }
                    _ => return,
                };
                *count += 1;
                caption.number = *count;
                caption.label = label.replace("{n}", &count.to_string());
                if let Some(id) = &caption.id {
                    let link = LinkTarget::Internal { chapter: slug.clone(), anchor: id.clone() };
                    let target =
                        Target { source: source.clone(), span: caption.span, link, text: caption.label.clone() };
                    add(id, target, &mut diags);
                }
            });
        }
    }
    for chapter in &mut edition.chapters {
        let source = chapter.source.clone();
        let mut fill = |inlines: &mut Vec<Inline>| {
            for inline in inlines.iter_mut() {
                let Inline::CrossRef { span, kind, id, text, target } = inline else { continue };
                match targets.get(id.as_str()) {
                    Some(t) => {
                        *text = vec![Inline::Text(t.text.clone())];
                        *target = Some(t.link.clone());
                    }
                    None => diags.push(unknown(id, *kind, &targets, &source, *span)),
                }
            }
        };
        visit_inline_vec_mut(&mut chapter.title, &mut fill);
        visit_inline_vecs_mut(&mut chapter.blocks, &mut fill);
        for note in chapter.footnotes.values_mut() {
            visit_inline_vecs_mut(&mut note.blocks, &mut fill);
        }
    }
    diags
}

fn unknown(id: &str, kind: RefKind, targets: &HashMap<String, Target>, source: &PathBuf, span: Span) -> Diagnostic {
    let mut same_kind: Vec<&str> =
        targets.keys().map(String::as_str).filter(|k| RefKind::of(k) == Some(kind)).collect();
    same_kind.sort();
    let hint = match closest(id, same_kind.iter().copied()) {
        Some(near) => format!("did you mean `@{near}`?"),
        None => match kind {
            RefKind::Figure => "label a figure with `![Caption](path){#id}`".to_string(),
            RefKind::Table => "label a table with a caption paragraph `Table: Caption {#id}`".to_string(),
            RefKind::Section => "label a heading with `## Title {#id}`".to_string(),
        },
    };
    Diagnostic::error(format!("cross-reference to `{id}`, which no figure, table or section of this edition has"))
        .in_file(source)
        .at(span.line, span.column)
        .with_hint(hint)
        .code(Code::Link)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::document::model::Caption;

    fn edition_of(chapters: &[(&str, &str)]) -> Edition {
        let mut edition = Edition { lang: "en".into(), ..Edition::default() };
        for (name, markdown) in chapters {
            let rel = format!("chapters/en/{name}.md");
            let (chapter, diags) =
                crate::markdown::parse(Path::new(env!("CARGO_MANIFEST_DIR")), Path::new(&rel), markdown, "en");
            assert!(!crate::diag::has_errors(&diags), "{diags:?}");
            edition.chapters.push(chapter.unwrap());
        }
        edition.strings.insert("figure".into(), "Fig. {n}".into());
        edition.strings.insert("table".into(), "Table {n}".into());
        edition
    }

    fn refs(edition: &Edition, chapter: usize) -> Vec<(String, Option<LinkTarget>)> {
        let mut out = Vec::new();
        crate::document::walk::visit_inlines_of_blocks(&edition.chapters[chapter].blocks, &mut |i| {
            if let Inline::CrossRef { text, target, .. } = i {
                out.push((plain_text(text), target.clone()));
            }
        });
        out
    }

    fn internal(chapter: &str, anchor: &str) -> Option<LinkTarget> {
        Some(LinkTarget::Internal { chapter: chapter.into(), anchor: anchor.into() })
    }

    #[test]
    fn figures_and_tables_are_numbered_across_chapters_and_references_resolved() {
        let mut e = edition_of(&[
            (
                "01-a",
                "# A {#sec:a}\n\n![One](../../tests/data/square.jpg \"First\")\n\n## Method {#sec:method}\n\n| h |\n|---|\n| c |\n\nTable: Costs {#tbl:costs}\n",
            ),
            (
                "02-b",
                "# B\n\n![Second](../../tests/data/square.jpg){#fig:two}\n\nSee @fig:two, [@tbl:costs; @sec:method] and @sec:a.\n",
            ),
        ]);
        assert!(resolve(&mut e).is_empty());
        let Block::Figure { caption, .. } = &e.chapters[1].blocks[0] else { panic!("{:?}", e.chapters[1].blocks) };
        assert_eq!((caption.number, caption.label.as_str()), (2, "Fig. 2"));
        assert_eq!(
            refs(&e, 1),
            [
                ("Fig. 2".to_string(), internal("02-b", "fig:two")),
                ("Table 1".to_string(), internal("01-a", "tbl:costs")),
                ("Method".to_string(), internal("01-a", "sec:method")),
                ("A".to_string(), internal("01-a", "")),
            ]
        );
    }

    #[test]
    fn unknown_reference_names_file_line_and_the_nearest_id() {
        let mut e =
            edition_of(&[("01-a", "# A\n\n![M](../../tests/data/square.jpg){#fig:map}\n\nText\nas @fig:mao shows.\n")]);
        let diags = resolve(&mut e);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let text = diags[0].to_string();
        assert!(text.contains("cross-reference to `fig:mao`"), "{text}");
        assert!(text.contains("chapters/en/01-a.md:6:4"), "{text}");
        assert!(text.contains("did you mean `@fig:map`?"), "{text}");
    }

    #[test]
    fn duplicate_id_in_another_chapter_names_both_places() {
        let mut e = edition_of(&[
            ("01-a", "# A\n\n![M](../../tests/data/square.jpg){#fig:map}\n"),
            ("02-b", "# B\n\ntext\n\n![N](../../tests/data/square.jpg){#fig:map}\n"),
        ]);
        let diags = resolve(&mut e);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let text = diags[0].to_string();
        assert!(text.contains("the id `fig:map` is used twice"), "{text}");
        assert!(text.contains("chapters/en/02-b.md:5:1"), "{text}");
        assert!(text.contains("first used at chapters/en/01-a.md:3"), "{text}");
    }

    #[test]
    fn unlabelled_captioned_figures_are_numbered_too() {
        let mut e = edition_of(&[(
            "01-a",
            "# A\n\n![a](../../tests/data/square.jpg \"One\")\n\n![b](../../tests/data/square.jpg)\n\n![c](../../tests/data/square.jpg \"Two\")\n",
        )]);
        assert!(resolve(&mut e).is_empty());
        let numbers: Vec<usize> = e.chapters[0]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Figure { caption: Caption { number, .. }, .. } => Some(*number),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, [1, 2]);
    }
}
