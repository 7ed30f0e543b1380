//! Interview turns: a paragraph that opens with a bold speaker name and a colon
//! (`**Name:** text` or `**Name**: text`) becomes a speaker turn, at any depth of a chapter, its
//! footnotes or a bio. The Markdown lowering knows nothing of interviews; this pass decides.

use crate::document::model::{Block, Chapter, Inline, Span};
use crate::document::walk::plain_text;

/// Turn every paragraph of a chapter (and its footnotes) that opens with a speaker into a turn.
pub fn mark_chapter(chapter: &mut Chapter) {
    mark(&mut chapter.blocks);
    for note in chapter.footnotes.values_mut() {
        mark(&mut note.blocks);
    }
}

/// Turn every paragraph among `blocks`, nested ones included, that opens with a speaker into a turn.
pub fn mark(blocks: &mut [Block]) {
    for block in blocks {
        match block {
            Block::Paragraph { span, content } => {
                let content = std::mem::take(content);
                *block = paragraph_or_turn(*span, content);
            }
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } | Block::Profile { bio: blocks, .. } => {
                mark(blocks)
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| mark(&mut i.blocks)),
            Block::Definitions { items, .. } => items.iter_mut().for_each(|(_, d)| mark(d)),
            Block::Heading { .. }
            | Block::Turn { .. }
            | Block::Code { .. }
            | Block::Table { .. }
            | Block::Figure { .. }
            | Block::Rule { .. }
            | Block::References { .. } => {}
        }
    }
}

fn paragraph_or_turn(span: Span, mut content: Vec<Inline>) -> Block {
    let speaker = match content.first() {
        Some(Inline::Strong(inner)) => {
            let name = plain_text(inner);
            let name = name.trim();
            if let Some(stripped) = name.strip_suffix(':') {
                Some((stripped.trim().to_string(), false))
            } else if matches!(content.get(1), Some(Inline::Text(t)) if t.starts_with(':')) {
                Some((name.to_string(), true))
            } else {
                None
            }
        }
        _ => None,
    };
    match speaker {
        Some((speaker, colon_outside)) if !speaker.is_empty() && speaker.chars().count() <= 80 => {
            content.remove(0);
            if let Some(Inline::Text(t)) = content.first_mut() {
                let rest = if colon_outside { &t[1..] } else { t.as_str() };
                *t = rest.trim_start().to_string();
                if t.is_empty() {
                    content.remove(0);
                }
            }
            Block::Turn { span, speaker, person: None, content }
        }
        _ => Block::Paragraph { span, content },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(content: Vec<Inline>) -> Block {
        Block::Paragraph { span: Span::default(), content }
    }

    #[test]
    fn bold_name_and_colon_open_a_turn_inside_or_after_the_bold() {
        let mut blocks = vec![
            para(vec![Inline::Strong(vec![Inline::Text("Neha Misra:".into())]), Inline::Text(" I agree.".into())]),
            para(vec![Inline::Strong(vec![Inline::Text("FES".into())]), Inline::Text(": Why?".into())]),
            para(vec![Inline::Strong(vec![Inline::Text("Bold".into())]), Inline::Text(" text.".into())]),
        ];
        mark(&mut blocks);
        assert!(matches!(&blocks[0], Block::Turn { speaker, content, .. }
            if speaker == "Neha Misra" && content == &vec![Inline::Text("I agree.".into())]));
        assert!(matches!(&blocks[1], Block::Turn { speaker, .. } if speaker == "FES"));
        assert!(matches!(&blocks[2], Block::Paragraph { .. }));
    }
}
