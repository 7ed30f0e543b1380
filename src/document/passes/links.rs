//! Checks internal links of one edition: every `chapter.md#anchor` must name a chapter of the
//! edition and an anchor in it. Runs over the model after all chapters are parsed.

use std::collections::{HashMap, HashSet};

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Block, Chapter, Inline, LinkTarget};
use crate::document::walk::{visit_blocks, visit_inlines_of_blocks};

/// Report every internal link whose chapter or anchor does not exist, naming file and line.
pub fn check_links(chapters: &[Chapter]) -> Vec<Diagnostic> {
    let anchors: HashMap<&str, HashSet<&str>> = chapters
        .iter()
        .map(|c| {
            let mut ids = HashSet::new();
            visit_blocks(&c.blocks, &mut |b| match b {
                Block::Heading { id, .. } => {
                    ids.insert(id.as_str());
                }
                Block::References { entries, .. } => ids.extend(entries.iter().map(|(id, _)| id.as_str())),
                Block::Profile { id, .. } => {
                    ids.insert(id.as_str());
                }
                Block::Figure { caption, .. } | Block::Table { caption: Some(caption), .. } => {
                    ids.extend(caption.id.as_deref());
                }
                _ => {}
            });
            (c.slug.as_str(), ids)
        })
        .collect();
    let mut diags = Vec::new();
    for chapter in chapters {
        let mut check = |inline: &Inline| {
            let Inline::Link { span, target: LinkTarget::Internal { chapter: target, anchor }, .. } = inline else {
                return;
            };
            let problem = match anchors.get(target.as_str()) {
                None => Some((
                    format!("link to `{target}.md`, which is not a chapter of this edition"),
                    "check the file name of the chapter you link to".to_string(),
                )),
                Some(ids) if !anchor.is_empty() && !ids.contains(anchor.as_str()) => {
                    let mut known: Vec<&str> = ids.iter().copied().collect();
                    known.sort();
                    let hint = match crate::diag::closest(anchor, known.iter().copied()) {
                        Some(near) => format!("did you mean `#{near}`?"),
                        None if known.is_empty() => format!("`{target}.md` has no section headings to link to"),
                        None => format!("anchors in `{target}.md`: {}", known.join(", ")),
                    };
                    Some((format!("link to `#{anchor}`, which is no heading in `{target}.md`"), hint))
                }
                Some(_) => None,
            };
            if let Some((message, hint)) = problem {
                diags.push(
                    Diagnostic::error(message)
                        .in_file(&chapter.source)
                        .at(span.line, span.column)
                        .with_hint(hint)
                        .code(Code::Link),
                );
            }
        };
        visit_inlines_of_blocks(&chapter.blocks, &mut check);
        for note in chapter.footnotes.values() {
            visit_inlines_of_blocks(&note.blocks, &mut check);
        }
    }
    diags
}
