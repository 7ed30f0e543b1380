//! What kind of content a report is and what its people did: plain data the model, the people
//! records and the renderers share. Knows nothing of files or formats.

/// What kind of content a report is: only an interview has speaker turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Any report: bold text followed by a colon stays bold text.
    #[default]
    Report,
    /// An interview: paragraphs opening with `**Name:**` are speaker turns.
    Interview,
}

impl Kind {
    /// Name the kind as report.yaml and the templates spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Interview => "interview",
        }
    }
}

/// What a person did for the report, with its MARC relator code for the EPUB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Wrote the report.
    Author,
    /// Edited it.
    Editor,
    /// Asked the questions of an interview.
    Interviewer,
    /// Answered them.
    Interviewee,
    /// Translated it.
    Translator,
    /// Contributed otherwise.
    Contributor,
}

impl Role {
    /// Every role, in the order generated sections list them.
    pub const ALL: [Role; 6] =
        [Role::Author, Role::Editor, Role::Interviewer, Role::Interviewee, Role::Translator, Role::Contributor];

    /// Name the role as people.yaml spells it (`author`).
    pub fn key(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Interviewer => "interviewer",
            Role::Interviewee => "interviewee",
            Role::Translator => "translator",
            Role::Contributor => "contributor",
        }
    }

    /// Return the MARC relator code of the role (`aut`, `edt`, `ivr`, `ive`, `trl`, `ctb`).
    pub fn marc(self) -> &'static str {
        match self {
            Role::Author => "aut",
            Role::Editor => "edt",
            Role::Interviewer => "ivr",
            Role::Interviewee => "ive",
            Role::Translator => "trl",
            Role::Contributor => "ctb",
        }
    }

    /// Return the key of the role's label (`role-author`).
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Author => "role-author",
            Role::Editor => "role-editor",
            Role::Interviewer => "role-interviewer",
            Role::Interviewee => "role-interviewee",
            Role::Translator => "role-translator",
            Role::Contributor => "role-contributor",
        }
    }

    /// Find a role by its people.yaml name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == name)
    }

    /// Whether people of this role are expected to speak in an interview.
    pub fn speaks(self) -> bool {
        matches!(self, Role::Interviewer | Role::Interviewee)
    }
}
