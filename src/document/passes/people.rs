//! The people pass: applies the records of `people.yaml` and of `chapters/<lang>/people.yaml`
//! (loaded by `project::people`) to an edition. Checks every speaker
//! turn against the records, links turns to bios, and generates the participants list and the
//! "About the interviewees" chapter.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::diag::{Code, Diagnostic, closest};
use crate::document::model::{Block, Chapter, ChapterKind, Edition, Inline, Kind, LinkTarget, Participant, Role, Span};
use crate::markdown;
use crate::project::files;
use crate::project::people::{self, EditionPerson, FILE, People};

/// The slug of the generated "About the interviewees" chapter.
pub const PEOPLE_SLUG: &str = "people";
/// The anchor of the participants list (in the opening of the report).
pub const PARTICIPANTS_ANCHOR: &str = "participants";

/// Normalize a name for comparison (Unicode NFC, single spaces).
fn norm(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

/// Apply the people of an edition: check speakers, link turns, generate the participants list and
/// the "About the interviewees" chapter. `lang` selects `chapters/<lang>/people.yaml`.
pub fn apply(root: &Path, people: &People, edition: &mut Edition) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if people.records.is_empty() {
        return diags;
    }
    let rel = Path::new("chapters").join(&edition.lang).join(FILE);
    let (local, local_text) = match people::load_edition_file(root, &rel) {
        Ok(v) => v,
        Err(d) => return vec![d],
    };
    for id in local.keys() {
        if !people.records.iter().any(|p| &p.record.id == id) {
            let line = local_text.lines().position(|l| l == format!("{id}:")).map_or(1, |i| i + 1);
            let ids: Vec<&str> = people.records.iter().map(|p| p.record.id.as_str()).collect();
            let hint = match closest(id, ids.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("people in {FILE}: {}", ids.join(", ")),
            };
            diags
                .push(Diagnostic::error(format!("unknown person id `{id}`")).in_file(&rel).at(line, 1).with_hint(hint));
        }
    }

    // Build the edition's people: shared record plus translated fields.
    let mut persons = Vec::new();
    let interview = edition.meta.kind == Kind::Interview;
    for person in &people.records {
        let record = &person.record;
        let l = local.get(&record.id).cloned().unwrap_or_default();
        let name = l.name.clone().unwrap_or_else(|| record.name.clone());
        let mut bio = Vec::new();
        if let Some(text) = &l.bio {
            let line = bio_line(&local_text, &record.id);
            let (mut blocks, d) = markdown::parse_fragment(root, &rel, text, &edition.lang, line);
            if interview {
                super::turns::mark(&mut blocks);
            }
            diags.extend(d);
            bio = blocks;
        } else if person.role != Role::Interviewer {
            let line = local_text.lines().position(|l| l == format!("{}:", record.id)).map_or(1, |i| i + 1);
            diags.push(
                Diagnostic::error(format!("{} has no bio in this edition", record.name))
                    .in_file(&rel)
                    .at(line, 1)
                    .with_hint(format!("add `bio: |` under `{}:`", record.id)),
            );
        }
        let mut names: Vec<String> = vec![norm(&name), norm(&record.name)];
        names.extend(record.short.iter().chain(&l.short).map(|s| norm(s)));
        persons.push((person, l, name, names, bio));
    }

    // Check every turn's speaker and link it to the person.
    let mut spoke: HashSet<String> = HashSet::new();
    let all_names: Vec<String> = persons.iter().flat_map(|p| p.3.clone()).collect();
    for chapter in &mut edition.chapters {
        for block in chapter_blocks_mut(&mut chapter.blocks) {
            let Block::Turn { span, speaker, person, .. } = block else { continue };
            let wanted = norm(speaker);
            match persons.iter().find(|p| p.3.contains(&wanted)) {
                Some(p) => {
                    *person = Some(p.0.record.id.clone());
                    spoke.insert(p.0.record.id.clone());
                }
                None => {
                    let hint = match closest(&wanted, all_names.iter().map(String::as_str)) {
                        Some(near) => format!("did you mean \"{near}\"?"),
                        None => format!("add `{speaker}` to {FILE}, or use a name or short form listed there"),
                    };
                    diags.push(
                        Diagnostic::error(format!("unknown speaker \"{speaker}\""))
                            .code(Code::Speaker)
                            .in_file(&chapter.source)
                            .at(span.line, span.column)
                            .with_hint(hint),
                    );
                }
            }
        }
    }
    // Only the people of an interview are expected to speak; authors and editors write.
    for person in people.records.iter().filter(|p| interview && p.role.speaks()) {
        if !spoke.contains(&person.record.id) {
            diags.push(
                Diagnostic::warning(format!("{} never speaks in the `{}` edition", person.record.name, edition.lang))
                    .in_file(FILE)
                    .at(person.line, 1)
                    .with_hint("remove the record, or check the speaker names of the turns"),
            );
        }
    }

    // Participants (the opening) and the generated chapter of bios.
    let mut blocks = Vec::new();
    let mut profiled = Vec::new();
    for (person, l, name, _, bio) in &persons {
        let record = &person.record;
        let interviewer = person.role == Role::Interviewer;
        let detail = detail(l, &edition.lang);
        let target = if interviewer {
            None
        } else {
            Some(LinkTarget::Internal { chapter: PEOPLE_SLUG.into(), anchor: person_anchor(&record.id) })
        };
        // The interviewer is named with its short form; its role is the list's own label.
        let (shown, shown_detail) = match (interviewer, l.organization_short.as_ref().or(record.short.first())) {
            (true, Some(short)) if short != name => (format!("{name} ({short})"), String::new()),
            (true, _) => (name.clone(), String::new()),
            (false, _) => (name.clone(), detail.clone()),
        };
        edition.participants.push(Participant {
            id: record.id.clone(),
            name: shown,
            detail: shown_detail,
            role: person.role,
            target,
        });
        if interviewer {
            continue;
        }
        profiled.push(person.role);
        let portrait = record.portrait.as_ref().map(|p| {
            let alt = l.portrait_alt.clone().unwrap_or_else(|| name.clone());
            (p.trim_start_matches('/').to_string(), alt)
        });
        if let Some((path, _)) = &portrait
            && !files::is_file(root, path)
        {
            diags.push(
                Diagnostic::error(format!("portrait not found: `{path}`"))
                    .in_file(FILE)
                    .with_hint("give the path of an image inside the project, relative to the project folder"),
            );
        }
        blocks.push(Block::Profile {
            span: Span::default(),
            id: person_anchor(&record.id),
            name: name.clone(),
            detail,
            portrait,
            url: record.url.clone(),
            bio: bio.clone(),
        });
    }
    if !blocks.is_empty() {
        let index = edition.chapters.iter().rposition(|c| c.kind == ChapterKind::Body).map_or(0, |i| i + 1);
        edition.chapters.insert(
            index,
            Chapter {
                source: rel.clone(),
                slug: PEOPLE_SLUG.into(),
                kind: ChapterKind::People,
                lang: None,
                title: vec![Inline::Text(edition.string(&bios_title(&profiled)).to_string())],
                id: None,
                blocks,
                footnotes: BTreeMap::new(),
            },
        );
    }
    for (person, _, name, _, _) in &persons {
        if !edition.meta.keywords.contains(name) && person.role != Role::Interviewer {
            edition.meta.keywords.push(name.clone());
        }
    }
    diags
}

/// The label key of the generated bios chapter's title: the role's own (`about-authors`) when every
/// profiled person shares it, else `about-people`.
fn bios_title(roles: &[Role]) -> String {
    match roles.first() {
        Some(first) if roles.iter().all(|r| r == first) => format!("about-{}s", first.key()),
        _ => "about-people".to_string(),
    }
}

/// The anchor id of a person's bio.
pub fn person_anchor(id: &str) -> String {
    format!("person-{id}")
}

/// "Role, Organization (SHORT)" for the participants list and bios, with the language's comma and
/// brackets.
fn detail(p: &EditionPerson, lang: &str) -> String {
    let (open, close) = crate::lang::brackets(lang);
    let org = match (&p.organization, &p.organization_short) {
        (Some(o), Some(s)) if o != s => Some(format!("{o}{open}{s}{close}")),
        (Some(o), _) => Some(o.clone()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    [p.position.clone(), org].into_iter().flatten().collect::<Vec<_>>().join(crate::lang::comma(lang))
}

/// The line where a person's bio text starts in the edition file (the line after `bio: |`).
fn bio_line(text: &str, id: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == format!("{id}:")).unwrap_or(0);
    lines[start..]
        .iter()
        .position(|l| l.trim_start().starts_with("bio:"))
        .map_or(1, |i| start + i + if lines[start + i].trim_end().ends_with(['|', '>']) { 2 } else { 1 })
}

/// Every block of a chapter, nested ones included, mutably.
fn chapter_blocks_mut(blocks: &mut [Block]) -> Vec<&mut Block> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Quote { blocks, .. } | Block::Callout { blocks, .. } => out.extend(chapter_blocks_mut(blocks)),
            Block::List { items, .. } => {
                for item in items {
                    out.extend(chapter_blocks_mut(&mut item.blocks));
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_in_nfc() {
        assert_eq!(norm("Ste\u{301}phane  Jaquemet"), norm("Stéphane Jaquemet"));
    }

    #[test]
    fn detail_joins_role_and_organization() {
        let p = EditionPerson {
            position: Some("Co-convener".into()),
            organization: Some("Women in Migration Network".into()),
            organization_short: Some("WIMN".into()),
            ..EditionPerson::default()
        };
        assert_eq!(detail(&p, "en"), "Co-convener, Women in Migration Network (WIMN)");
        assert_eq!(detail(&p, "ar"), "Co-convener\u{60C} Women in Migration Network (WIMN)");
        assert_eq!(detail(&p, "zh"), "Co-convener\u{FF0C}Women in Migration Network\u{FF08}WIMN\u{FF09}");
    }

    #[test]
    fn bio_line_points_after_the_block_scalar_marker() {
        let text = "a:\n  role: x\n  bio: |\n    Text.\nb:\n  bio: |\n    More.\n";
        assert_eq!(bio_line(text, "a"), 4);
        assert_eq!(bio_line(text, "b"), 7);
    }

    fn edition_of(markdown: &str) -> Edition {
        let (chapter, diags) = markdown::parse(Path::new("."), Path::new("chapters/en/01-t.md"), markdown, "en");
        assert!(!crate::diag::has_errors(&diags), "{diags:?}");
        let mut chapter = chapter.unwrap();
        crate::document::passes::turns::mark_chapter(&mut chapter);
        let meta = crate::document::model::Meta { kind: Kind::Interview, ..Default::default() };
        Edition { lang: "en".into(), meta, chapters: vec![chapter], ..Edition::default() }
    }

    fn record(id: &str, name: &str, short: &[&str], interviewer: bool) -> people::PersonRecord {
        people::PersonRecord {
            id: id.into(),
            name: name.into(),
            short: short.iter().map(|s| s.to_string()).collect(),
            role: None,
            interviewer,
            portrait: None,
            url: None,
        }
    }

    /// A project folder with `chapters/en/people.yaml`, and the records of `people.yaml`.
    fn project(edition_file: &str) -> (tempfile::TempDir, People) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("chapters/en")).unwrap();
        std::fs::write(dir.path().join("chapters/en").join(FILE), edition_file).unwrap();
        let records = vec![
            people::Person {
                record: record("fes", "Friedrich-Ebert-Stiftung", &["FES"], true),
                line: 1,
                role: Role::Interviewer,
            },
            people::Person { record: record("neha", "Neha Misra", &[], false), line: 4, role: Role::Interviewee },
        ];
        (dir, People { records })
    }

    const NEHA: &str =
        "neha:\n  position: Director\n  organization-short: WIMN\n  bio: |\n    Neha leads the network.\n";

    fn turn_people(edition: &Edition) -> Vec<Option<&str>> {
        edition.chapters[0]
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Turn { person, .. } => Some(person.as_deref()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn without_records_speakers_are_not_checked_and_nothing_is_generated() {
        let mut e = edition_of("# T\n\n**Anybody:** Hello.\n");
        let diags = apply(Path::new("/nonexistent"), &People::default(), &mut e);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(turn_people(&e), [None]);
        assert!(e.participants.is_empty());
        assert_eq!(e.chapters.len(), 1);
    }

    #[test]
    fn unknown_speaker_suggests_the_closest_name() {
        let (dir, people) = project(NEHA);
        let mut e = edition_of("# T\n\n**FES:** Why?\n\n**Neha Misr:** Because.\n");
        let diags = apply(dir.path(), &people, &mut e);
        let speakers: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == Code::Speaker).collect();
        assert_eq!(speakers.len(), 1, "{diags:?}");
        let d = speakers[0];
        assert_eq!(d.message, "unknown speaker \"Neha Misr\"");
        assert_eq!(d.hint.as_deref(), Some("did you mean \"Neha Misra\"?"));
        assert_eq!((d.file.as_deref(), d.line, d.column), (Some(Path::new("chapters/en/01-t.md")), Some(5), Some(1)));
        assert!(crate::diag::has_errors(&diags));
        assert_eq!(turn_people(&e), [Some("fes"), None]);
    }

    #[test]
    fn matched_turns_link_to_participants_and_bios_follow_the_body() {
        let (dir, people) = project(NEHA);
        let mut e = edition_of("# T\n\n**FES:** Why?\n\n**Neha  Misra:** Because.\n");
        let diags = apply(dir.path(), &people, &mut e);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(turn_people(&e), [Some("fes"), Some("neha")]);

        let shown: Vec<(&str, &str, bool)> =
            e.participants.iter().map(|p| (p.name.as_str(), p.detail.as_str(), p.is_interviewer())).collect();
        assert_eq!(shown, [("Friedrich-Ebert-Stiftung (FES)", "", true), ("Neha Misra", "Director, WIMN", false)]);
        assert_eq!(e.participants[0].target, None);
        assert_eq!(
            e.participants[1].target,
            Some(LinkTarget::Internal { chapter: PEOPLE_SLUG.into(), anchor: "person-neha".into() })
        );

        assert_eq!(e.chapters.len(), 2);
        let bios = &e.chapters[1];
        assert_eq!((bios.kind, bios.slug.as_str()), (ChapterKind::People, PEOPLE_SLUG));
        let [Block::Profile { id, name, bio, .. }] = bios.blocks.as_slice() else { panic!("{:?}", bios.blocks) };
        assert_eq!((id.as_str(), name.as_str()), ("person-neha", "Neha Misra"));
        let Some(Block::Paragraph { content, .. }) = bio.first() else { panic!("{bio:?}") };
        assert_eq!(crate::document::walk::plain_text(content), "Neha leads the network.");
        assert_eq!(e.meta.keywords, ["Neha Misra"]);
    }
}
