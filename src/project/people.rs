//! The people records: `people.yaml` at the project root (id, name, role, short forms, portrait,
//! kept once) and, per edition, `chapters/<lang>/people.yaml` (what a translator
//! translates: role, organization, bio in Markdown, localized name). Reads and checks the files;
//! applying them to an edition is `document::passes::people`.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::diag::{Code, Diagnostic};
use crate::document::model::{Kind, Role};
use crate::project::{config, files};

/// The file of shared person records at the project root.
pub const FILE: &str = "people.yaml";

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
    /// What the person did: author, editor, interviewer, interviewee, translator or contributor
    /// (default: interviewee in an interview, author otherwise).
    #[serde(default)]
    pub role: Option<String>,
    /// Whether the person asks the questions (the same as `role: interviewer`).
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
    /// The person's position (`Director of Policy`); `role` is its older name, kept for old files.
    #[serde(default, alias = "role")]
    pub position: Option<String>,
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

/// One checked record: the record, the line it starts on, and its role.
#[derive(Debug, Clone)]
pub struct Person {
    /// The record as written.
    pub record: PersonRecord,
    /// The line of `people.yaml` it starts on.
    pub line: usize,
    /// What the person did (the record's `role`, or the default of the report's kind).
    pub role: Role,
}

/// The shared records, in their configured order (the order of `people.yaml`).
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Each checked record.
    pub records: Vec<Person>,
}

/// Load `people.yaml`; an absent file means a report without people records. A record without a
/// role is an interviewee in an interview and an author otherwise.
pub fn load(root: &Path, kind: Kind) -> Result<People, Diagnostic> {
    let Some(bytes) = files::read_optional(root, Path::new(FILE)).map_err(|d| d.code(Code::Config))? else {
        return Ok(People::default());
    };
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
        let role = match (&record.role, record.interviewer) {
            (None, true) => Role::Interviewer,
            (None, false) if kind == Kind::Interview => Role::Interviewee,
            (None, false) => Role::Author,
            (Some(name), interviewer) => match Role::parse(name) {
                Some(role) if !interviewer || role == Role::Interviewer => role,
                Some(_) => {
                    return Err(fail(
                        format!("person `{}` has `interviewer: true` and `role: {name}`", record.id),
                        "keep one of them: `role: interviewer` says the same as `interviewer: true`",
                    ));
                }
                None => {
                    let names: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                    let hint = match crate::diag::closest(name, names.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("use one of: {}", names.join(", ")),
                    };
                    return Err(fail(format!("unknown role `{name}` of person `{}`", record.id), &hint));
                }
            },
        };
        if kind != Kind::Interview && role.speaks() {
            return Err(fail(
                format!("person `{}` is an {} but the report is not an interview", record.id, role.key()),
                "add `kind: interview` to report.yaml, or give the person another role (author, editor, contributor)",
            ));
        }
        out.push(Person { record: record.clone(), line, role });
    }
    Ok(People { records: out })
}

/// Read `chapters/<lang>/people.yaml` (`rel`): the edition's fields per person id, and the text.
pub fn load_edition_file(root: &Path, rel: &Path) -> Result<(BTreeMap<String, EditionPerson>, String), Diagnostic> {
    let Some(bytes) = files::read_optional(root, rel)? else { return Ok((BTreeMap::new(), String::new())) };
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!("not valid UTF-8 (byte offset {})", e.utf8_error().valid_up_to())).in_file(rel)
    })?;
    let map: Option<BTreeMap<String, EditionPerson>> = config::from_yaml(&text, rel, 1)?;
    Ok((map.unwrap_or_default(), text))
}
