//! The people of the interview: one record per person in `people.yaml` (id, name, short forms,
//! portrait, interviewer flag, kept once) and, per edition, `chapters/<lang>/people.yaml` (what a
//! translator translates: role, organization, bio in Markdown, localized name). Checks every speaker
//! turn against the records, links turns to bios, and generates the participants list and the
//! "About the interviewees" chapter.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::config;
use crate::diag::{Diagnostic, closest};
use crate::markdown;
use crate::model::{Block, Chapter, ChapterKind, Edition, Inline, LinkTarget, Participant, Span};

/// The file of shared person records at the project root.
pub const FILE: &str = "people.yaml";
/// The slug of the generated "About the interviewees" chapter.
pub const PEOPLE_SLUG: &str = "people";
/// The anchor of the participants list (in the opening of the report).
pub const PARTICIPANTS_ANCHOR: &str = "participants";

/// One record of `people.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PersonRecord {
    /// Stable id, used by the editions' files and in anchors.
    pub id: String,
    /// The name as published.
    pub name: String,
    /// Short forms a turn may use instead of the name (`FES`).
    #[serde(default)]
    pub short: Vec<String>,
    /// Whether the person asks the questions.
    #[serde(default)]
    pub interviewer: bool,
    /// A portrait image, relative to the project root.
    #[serde(default)]
    pub portrait: Option<String>,
    /// A web address.
    #[serde(default)]
    pub url: Option<String>,
}

/// One person's entry in `chapters/<lang>/people.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EditionPerson {
    /// The name in this edition's script, if it differs.
    #[serde(default)]
    pub name: Option<String>,
    /// Short forms in this edition.
    #[serde(default)]
    pub short: Vec<String>,
    /// Role or position.
    #[serde(default)]
    pub role: Option<String>,
    /// Organization name.
    #[serde(default)]
    pub organization: Option<String>,
    /// Organization short form.
    #[serde(default)]
    pub organization_short: Option<String>,
    /// Biography, in Markdown.
    #[serde(default)]
    pub bio: Option<String>,
    /// Alternative text of the portrait.
    #[serde(default)]
    pub portrait_alt: Option<String>,
}

/// The shared records, in their configured order (the order of `people.yaml`).
#[derive(Debug, Clone, Default)]
pub struct People {
    records: Vec<(PersonRecord, usize)>,
}

/// Load `people.yaml`; an absent file means an interview without people records.
pub fn load(root: &Path) -> Result<People, Diagnostic> {
    let Ok(bytes) = fs::read(root.join(FILE)) else { return Ok(People::default()) };
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!("not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to())).in_file(FILE)
    })?;
    let records: Vec<PersonRecord> = config::from_yaml(&text, Path::new(FILE), 1)?;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    let mut search_from = 0;
    for record in &records {
        let line = text
            .lines()
            .enumerate()
            .skip(search_from)
            .find(|(_, l)| l.trim_start().trim_start_matches("- ").trim() == format!("id: {}", record.id))
            .map_or(1, |(i, _)| i + 1);
        search_from = line;
        let fail = |message: String, hint: &str| Diagnostic::error(message).in_file(FILE).at(line, 1).with_hint(hint);
        if record.id.is_empty() || !record.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(fail(format!("invalid person id `{}`", record.id), "use letters, digits, `-` and `_`"));
        }
        if record.name.trim().is_empty() {
            return Err(fail(format!("person `{}` has no name", record.id), "give every person a `name`"));
        }
        if !seen.insert(&record.id) {
            return Err(fail(format!("duplicate person id `{}`", record.id), "give every person their own id"));
        }
        out.push((record.clone(), line));
    }
    Ok(People { records: out })
}

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
    let (local, local_text) = match load_edition_file(root, &rel) {
        Ok(v) => v,
        Err(d) => return vec![d],
    };
    for id in local.keys() {
        if !people.records.iter().any(|(r, _)| &r.id == id) {
            let line = local_text.lines().position(|l| l == format!("{id}:")).map_or(1, |i| i + 1);
            let ids: Vec<&str> = people.records.iter().map(|(r, _)| r.id.as_str()).collect();
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
    for (record, _) in &people.records {
        let l = local.get(&record.id).cloned().unwrap_or_default();
        let name = l.name.clone().unwrap_or_else(|| record.name.clone());
        let mut bio = Vec::new();
        if let Some(text) = &l.bio {
            let line = bio_line(&local_text, &record.id);
            let (blocks, d) = markdown::parse_fragment(root, &rel, text, &edition.lang, line);
            diags.extend(d);
            bio = blocks;
        } else if !record.interviewer {
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
        persons.push((record, l, name, names, bio));
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
                    *person = Some(p.0.id.clone());
                    spoke.insert(p.0.id.clone());
                }
                None => {
                    let hint = match closest(&wanted, all_names.iter().map(String::as_str)) {
                        Some(near) => format!("did you mean \"{near}\"?"),
                        None => format!("add `{speaker}` to {FILE}, or use a name or short form listed there"),
                    };
                    diags.push(
                        Diagnostic::error(format!("unknown speaker \"{speaker}\""))
                            .code("speaker")
                            .in_file(&chapter.source)
                            .at(span.line, span.column)
                            .with_hint(hint),
                    );
                }
            }
        }
    }
    for (record, line) in &people.records {
        if !spoke.contains(&record.id) {
            diags.push(
                Diagnostic::warning(format!("{} never speaks in the `{}` edition", record.name, edition.lang))
                    .in_file(FILE)
                    .at(*line, 1)
                    .with_hint("remove the record, or check the speaker names of the turns"),
            );
        }
    }

    // Participants (the opening) and the generated chapter of bios.
    let mut blocks = Vec::new();
    for (record, l, name, _, bio) in &persons {
        let detail = detail(l);
        let target = if record.interviewer {
            None
        } else {
            Some(LinkTarget::Internal { chapter: PEOPLE_SLUG.into(), anchor: person_anchor(&record.id) })
        };
        // The interviewer is named with its short form; its role is the list's own label.
        let (shown, shown_detail) = match (record.interviewer, l.organization_short.as_ref().or(record.short.first())) {
            (true, Some(short)) if short != name => (format!("{name} ({short})"), String::new()),
            (true, _) => (name.clone(), String::new()),
            (false, _) => (name.clone(), detail.clone()),
        };
        edition.participants.push(Participant {
            id: record.id.clone(),
            name: shown,
            detail: shown_detail,
            interviewer: record.interviewer,
            target,
        });
        if record.interviewer {
            continue;
        }
        let portrait = record.portrait.as_ref().map(|p| {
            let alt = l.portrait_alt.clone().unwrap_or_else(|| name.clone());
            (p.trim_start_matches('/').to_string(), alt)
        });
        if let Some((path, _)) = &portrait
            && !root.join(path).is_file()
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
                title: vec![Inline::Text(edition.string("about-interviewees").to_string())],
                blocks,
                footnotes: BTreeMap::new(),
            },
        );
    }
    for (record, _, name, _, _) in &persons {
        if !edition.meta.keywords.contains(name) && !record.interviewer {
            edition.meta.keywords.push(name.clone());
        }
    }
    diags
}

/// The anchor id of a person's bio.
pub fn person_anchor(id: &str) -> String {
    format!("person-{id}")
}

/// "Role, Organization (SHORT)" for the participants list and bios.
fn detail(p: &EditionPerson) -> String {
    let org = match (&p.organization, &p.organization_short) {
        (Some(o), Some(s)) if o != s => Some(format!("{o} ({s})")),
        (Some(o), _) => Some(o.clone()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) => None,
    };
    [p.role.clone(), org].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

fn load_edition_file(root: &Path, rel: &PathBuf) -> Result<(BTreeMap<String, EditionPerson>, String), Diagnostic> {
    let Ok(bytes) = fs::read(root.join(rel)) else { return Ok((BTreeMap::new(), String::new())) };
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!("not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to())).in_file(rel)
    })?;
    let map: Option<BTreeMap<String, EditionPerson>> = config::from_yaml(&text, rel, 1)?;
    Ok((map.unwrap_or_default(), text))
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
            role: Some("Co-convener".into()),
            organization: Some("Women in Migration Network".into()),
            organization_short: Some("WIMN".into()),
            ..EditionPerson::default()
        };
        assert_eq!(detail(&p), "Co-convener, Women in Migration Network (WIMN)");
    }

    #[test]
    fn bio_line_points_after_the_block_scalar_marker() {
        let text = "a:\n  role: x\n  bio: |\n    Text.\nb:\n  bio: |\n    More.\n";
        assert_eq!(bio_line(text, "a"), 4);
        assert_eq!(bio_line(text, "b"), 7);
    }
}
