//! Resolves and checks internal links of one edition: a chapter is linked by its file name with or
//! without its number prefix (`recent-documents.md` is `11-recent-documents.md`) or by its title's
//! anchor; a link that names no chapter of the edition leaves it and is a warning, its text kept;
//! a link to a chapter with an anchor it lacks is an error. Runs over the model after all chapters
//! are parsed; hints name the closest chapter and at most three closest anchors.

use std::collections::{HashMap, HashSet};

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Block, Chapter, Inline, LinkTarget};
use crate::document::walk::{plain_text, visit_blocks, visit_inline_vecs_mut, visit_inlines_of_blocks};

/// How many anchors a hint suggests at most.
const MAX_SUGGESTIONS: usize = 3;

/// A chapter's file stem without its number prefix (`recent-documents` of `11-recent-documents`).
fn unnumbered(slug: &str) -> &str {
    let rest = slug.trim_start_matches(|c: char| c.is_ascii_digit());
    match rest.strip_prefix(['-', '_', '.']) {
        Some(name) if rest.len() < slug.len() && !name.is_empty() => name,
        _ => slug,
    }
}

/// Rewrite links to a chapter written by its unnumbered file name or its title's anchor to the
/// chapter's file stem, and links naming no chapter of the edition to their text (a warning each).
pub fn resolve_links(chapters: &mut [Chapter]) -> Vec<Diagnostic> {
    let slugs: HashSet<String> = chapters.iter().map(|c| c.slug.clone()).collect();
    let mut aliases: HashMap<String, Option<String>> = HashMap::new();
    let mut alias = |name: String, slug: &str| {
        if !slugs.contains(&name) {
            // Two chapters sharing an alias: neither gets it.
            aliases
                .entry(name)
                .and_modify(|e| {
                    if e.as_deref() != Some(slug) {
                        *e = None
                    }
                })
                .or_insert(Some(slug.to_string()));
        }
    };
    for c in chapters.iter() {
        alias(unnumbered(&c.slug).to_string(), &c.slug);
        alias(crate::markdown::anchor::anchor_id(&plain_text(&c.title)), &c.slug);
        if let Some(id) = &c.id {
            alias(id.clone(), &c.slug);
        }
    }
    let title_anchors: HashMap<String, String> =
        chapters.iter().map(|c| (crate::markdown::anchor::anchor_id(&plain_text(&c.title)), c.slug.clone())).collect();
    let mut names: Vec<String> = slugs.iter().cloned().collect();
    names.sort();
    let mut diags = Vec::new();
    for chapter in chapters.iter_mut() {
        let own_anchors = anchors_of(chapter);
        let source = chapter.source.clone();
        let mut fix = |inlines: &mut Vec<Inline>| {
            let mut i = 0;
            while i < inlines.len() {
                let Inline::Link { span, target: LinkTarget::Internal { chapter: target, anchor }, .. } =
                    &mut inlines[i]
                else {
                    i += 1;
                    continue;
                };
                if !slugs.contains(target.as_str()) {
                    if let Some(Some(slug)) = aliases.get(target.as_str()) {
                        *target = slug.clone();
                    }
                } else if !anchor.is_empty()
                    && !own_anchors.contains(anchor.as_str())
                    && let Some(slug) = title_anchors.get(anchor.as_str())
                {
                    // `#recent-documents` written in another chapter: that chapter's title.
                    *target = slug.clone();
                    anchor.clear();
                }
                if slugs.contains(target.as_str()) {
                    i += 1;
                    continue;
                }
                let (line, column) = (span.line, span.column);
                let hint = match crate::diag::closest(
                    target,
                    names.iter().map(String::as_str).chain(aliases.keys().map(String::as_str)),
                ) {
                    Some(near) => {
                        let slug = aliases.get(near).cloned().flatten().unwrap_or_else(|| near.to_string());
                        format!("the closest chapter is `{slug}.md`; a link leaving the edition keeps only its text")
                    }
                    None => format!(
                        "chapters of this edition: {}; a link leaving the edition keeps only its text",
                        names.iter().take(MAX_SUGGESTIONS).map(|n| format!("`{n}.md`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                diags.push(
                    Diagnostic::warning(format!(
                        "link to `{target}.md`, which is not a chapter of this edition; the link text is kept"
                    ))
                    .in_file(&source)
                    .at(line, column)
                    .with_hint(hint)
                    .code(Code::Link),
                );
                let Inline::Link { content, .. } = inlines.remove(i) else { unreachable!("matched a link above") };
                let n = content.len();
                inlines.splice(i..i, content);
                i += n;
            }
        };
        visit_inline_vecs_mut(&mut chapter.blocks, &mut fix);
        for note in chapter.footnotes.values_mut() {
            visit_inline_vecs_mut(&mut note.blocks, &mut fix);
        }
    }
    diags
}

/// The anchors of one chapter: headings, reference entries, profiles, labelled figures and tables.
fn anchors_of(c: &Chapter) -> HashSet<String> {
    let mut ids = HashSet::new();
    visit_blocks(&c.blocks, &mut |b| match b {
        Block::Heading { id, .. } | Block::Profile { id, .. } => {
            ids.insert(id.clone());
        }
        Block::References { entries, .. } => ids.extend(entries.iter().map(|(id, _)| id.clone())),
        Block::Figure { caption, .. } | Block::Table { caption: Some(caption), .. } => {
            ids.extend(caption.id.clone());
        }
        _ => {}
    });
    ids
}

/// The anchors closest to `wanted`, at most three, nearest first.
fn closest_anchors<'a>(wanted: &str, known: &[&'a str]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut near: Vec<(usize, &str)> =
        known.iter().map(|k| (crate::diag::edit_distance(&wanted, &k.to_lowercase()), *k)).collect();
    near.sort();
    near.into_iter().take(MAX_SUGGESTIONS).map(|(_, k)| k).collect()
}

/// Report every internal link whose chapter or anchor does not exist, naming file and line.
pub fn check_links(chapters: &[Chapter]) -> Vec<Diagnostic> {
    let anchors: HashMap<&str, HashSet<String>> = chapters.iter().map(|c| (c.slug.as_str(), anchors_of(c))).collect();
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
                Some(ids) if !anchor.is_empty() && !ids.contains(anchor) => {
                    let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
                    known.sort();
                    let hint = match crate::diag::closest(anchor, known.iter().copied()) {
                        Some(near) => format!("did you mean `#{near}`?"),
                        None if known.is_empty() => format!("`{target}.md` has no section headings to link to"),
                        None => format!(
                            "the closest anchors in `{target}.md`: {}",
                            closest_anchors(anchor, &known)
                                .iter()
                                .map(|a| format!("`#{a}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
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
