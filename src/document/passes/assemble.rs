//! Assembling an edition from its planned parts: the report's metadata with the edition's own
//! title, subtitle and office, its labels and translation record, and a visible marker at the top
//! of every untranslated chapter standing in for a translation. Never touches the disk.

use crate::document::model::{Block, CalloutKind, Chapter, Edition, Inline, Meta, Span};
use crate::project::EditionPlan;

/// Make the edition's model from the report's metadata, its plan and its parsed chapters.
pub fn edition(meta: &Meta, ed: &EditionPlan, mut chapters: Vec<Chapter>) -> Edition {
    for chapter in chapters.iter_mut().filter(|c| c.lang.is_some()) {
        mark_untranslated(chapter, ed.strings.get("untranslated").cloned().unwrap_or_default());
    }
    let mut meta = meta.clone();
    if let Some(title) = &ed.title {
        meta.title = title.clone();
    }
    if ed.subtitle.is_some() {
        meta.subtitle = ed.subtitle.clone();
    }
    if let Some(office) = ed.strings.get("office").filter(|o| !o.is_empty()) {
        meta.publisher.office = Some(office.clone());
    }
    Edition {
        lang: ed.lang.clone(),
        meta,
        chapters,
        strings: ed.strings.clone(),
        translation: ed.translation.clone(),
        participants: Vec::new(),
        fonts: Default::default(),
    }
}

/// Open an untranslated chapter standing in with a warning box saying so, in the edition's language.
fn mark_untranslated(chapter: &mut Chapter, note: String) {
    let span = Span { line: 1, column: 1 };
    let marker = Block::Paragraph { span, content: vec![Inline::Text(note)] };
    chapter.blocks.insert(0, Block::Callout { span, kind: CalloutKind::Warning, title: None, blocks: vec![marker] });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    fn chapter(lang: Option<&str>) -> Chapter {
        Chapter {
            source: PathBuf::from("chapters/en/01-a.md"),
            slug: "01-a".into(),
            kind: crate::document::model::ChapterKind::Body,
            lang: lang.map(str::to_string),
            title: vec![Inline::Text("A".into())],
            id: None,
            blocks: Vec::new(),
            footnotes: BTreeMap::new(),
        }
    }

    #[test]
    fn edition_title_overrides_and_untranslated_chapters_are_marked() {
        let ed = EditionPlan {
            own_labels: Vec::new(),
            lang: "fr".into(),
            chapters: Vec::new(),
            status: Vec::new(),
            problems: Vec::new(),
            title: Some("Titre".into()),
            subtitle: None,
            strings: [("untranslated".to_string(), "Pas encore traduit.".to_string())].into(),
            translation: None,
        };
        let meta = Meta { title: "Title".into(), subtitle: Some("Sub".into()), ..Meta::default() };
        let e = edition(&meta, &ed, vec![chapter(None), chapter(Some("en"))]);
        assert_eq!(e.meta.title, "Titre");
        assert_eq!(e.meta.subtitle.as_deref(), Some("Sub"));
        assert!(e.chapters[0].blocks.is_empty());
        assert!(matches!(&e.chapters[1].blocks[0], Block::Callout { kind: CalloutKind::Warning, .. }));
    }
}
