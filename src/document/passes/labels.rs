//! Unused labels: a label `edition.yaml` sets that nothing in this edition shows (an interview's
//! labels in a report, a role nobody has, references without a bibliography, a translation's
//! credit in an original) is a warning naming the file and line, so a translator's work is never
//! dropped silently. Reads the finished model; changes nothing.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Block, ChapterKind, Edition, Kind, Role};
use crate::document::walk::visit_blocks;

/// Warn about every label of `own` (key, line in `config_file`) the edition never shows.
pub fn unused(edition: &Edition, own: &[(String, usize)], config_file: &Path) -> Vec<Diagnostic> {
    let shown = Shown::of(edition);
    own.iter()
        .filter(|(key, _)| !shown.uses(key))
        .map(|(key, line)| {
            Diagnostic::warning(format!("label `{key}` is not used by the `{}` edition", edition.lang))
                .in_file(config_file)
                .at(*line, 3)
                .with_hint(format!("remove `{key}` from `strings:`; {}", why(key, edition)))
                .code(Code::Translation)
        })
        .collect()
}

/// What the edition holds that labels can name.
struct Shown {
    kind: Kind,
    roles: Vec<Role>,
    bios_title: Option<String>,
    references: bool,
    figures: bool,
    tables: bool,
    footnotes: bool,
    translation: Option<String>,
}

impl Shown {
    fn of(edition: &Edition) -> Self {
        let (mut figures, mut tables) = (false, false);
        for chapter in &edition.chapters {
            let mut look = |b: &Block| match b {
                Block::Figure { .. } => figures = true,
                Block::Table { caption: Some(_), .. } => tables = true,
                _ => {}
            };
            visit_blocks(&chapter.blocks, &mut look);
            for note in chapter.footnotes.values() {
                visit_blocks(&note.blocks, &mut look);
            }
        }
        let bios_title = edition
            .chapters
            .iter()
            .find(|c| c.kind == ChapterKind::People)
            .map(|c| crate::document::walk::plain_text(&c.title));
        Shown {
            kind: edition.meta.kind,
            roles: edition.participants.iter().map(|p| p.role).collect(),
            bios_title,
            references: edition.chapters.iter().any(|c| c.kind == ChapterKind::References),
            figures,
            tables,
            footnotes: edition.chapters.iter().any(|c| !c.footnotes.is_empty()),
            translation: edition.translation.as_ref().map(|t| t.of.clone()),
        }
    }

    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn uses(&self, key: &str) -> bool {
        let interview = self.kind == Kind::Interview;
        if let Some(role) = key.strip_prefix("role-").and_then(Role::parse) {
            // An interview labels only its interviewer; any other report labels everyone's role.
            return self.has(role) && (!interview || role == Role::Interviewer);
        }
        if let Some(lang) = key.strip_prefix("language-") {
            return self.translation.as_deref().is_some_and(|of| crate::lang::primary(of) == lang);
        }
        if key.starts_with("about-") {
            // The bios chapter's title is one of these; which one the roles decide.
            return self.bios_title.is_some();
        }
        match key {
            "participants" => interview && !self.roles.is_empty(),
            "contributors" => !interview && !self.roles.is_empty(),
            "bibliography" => self.references,
            "figure" => self.figures,
            "table" => self.tables,
            "footnotes" | "back-to-reference" => self.footnotes,
            "translation-credit" | "translation-credit-anonymous" | "untranslated" => self.translation.is_some(),
            _ => true,
        }
    }
}

/// Say why a label is unused, for the hint.
fn why(key: &str, edition: &Edition) -> String {
    let interview = edition.meta.kind == Kind::Interview;
    match key {
        "participants" if !interview => "the report is not an interview (`kind: interview`)".into(),
        "contributors" if interview => "an interview lists its participants instead".into(),
        "participants" | "contributors" => "the report has no people in people.yaml".into(),
        "bibliography" => "no work is cited or listed".into(),
        "figure" => "no image is a numbered figure".into(),
        "table" => "no table has a caption".into(),
        "footnotes" | "back-to-reference" => "no chapter has footnotes".into(),
        k if k.starts_with("translation-credit") || k == "untranslated" || k.starts_with("language-") => {
            "the edition is not a translation of that language".into()
        }
        k if k.starts_with("role-") && interview => "an interview labels only its interviewer".into(),
        k if k.starts_with("role-") || k.starts_with("about-") => "nobody in people.yaml has that role".into(),
        _ => "nothing shows it".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::model::{Meta, Participant, Translation};

    fn edition(kind: Kind, roles: &[Role]) -> Edition {
        let participants = roles
            .iter()
            .map(|&role| Participant {
                id: role.key().into(),
                name: role.key().into(),
                detail: String::new(),
                role,
                target: None,
            })
            .collect();
        Edition { lang: "de".into(), meta: Meta { kind, ..Meta::default() }, participants, ..Edition::default() }
    }

    fn flagged(edition: &Edition, keys: &[&str]) -> Vec<String> {
        let own: Vec<(String, usize)> = keys.iter().enumerate().map(|(i, k)| (k.to_string(), i + 2)).collect();
        let diags = unused(edition, &own, Path::new("chapters/de/edition.yaml"));
        diags.iter().map(|d| d.message.split('`').nth(1).unwrap_or("").to_string()).collect()
    }

    #[test]
    fn interview_labels_are_unused_in_a_report_and_role_labels_follow_the_people() {
        let report = edition(Kind::Report, &[Role::Author]);
        let keys = ["participants", "contributors", "role-author", "role-editor", "contents", "bibliography"];
        assert_eq!(flagged(&report, &keys), ["participants", "role-editor", "bibliography"]);
        let interview = edition(Kind::Interview, &[Role::Interviewer, Role::Interviewee]);
        assert_eq!(flagged(&interview, &keys), ["contributors", "role-author", "role-editor", "bibliography"]);
        assert_eq!(flagged(&interview, &["role-interviewer", "role-interviewee"]), ["role-interviewee"]);
    }

    #[test]
    fn translation_labels_are_used_only_by_a_translation() {
        let mut e = edition(Kind::Report, &[]);
        assert_eq!(flagged(&e, &["translation-credit", "untranslated", "language-en"]).len(), 3);
        e.translation = Some(Translation { of: "en".into(), status: "complete".into(), translator: None });
        assert_eq!(flagged(&e, &["translation-credit", "untranslated", "language-en", "language-fr"]), ["language-fr"]);
    }

    #[test]
    fn the_warning_names_the_file_the_line_and_why() {
        let e = edition(Kind::Report, &[]);
        let d = &unused(&e, &[("participants".into(), 7)], Path::new("chapters/de/edition.yaml"))[0];
        assert_eq!(d.message, "label `participants` is not used by the `de` edition");
        assert_eq!((d.file.as_deref(), d.line), (Some(Path::new("chapters/de/edition.yaml")), Some(7)));
        assert_eq!(
            d.hint.as_deref(),
            Some("remove `participants` from `strings:`; the report is not an interview (`kind: interview`)")
        );
    }
}
