//! Diagnostics as data: what went wrong, where in the Markdown, and how to fix it.
//! Printing lives here too, so every message in the tool looks the same. Never touches the disk.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The build still produces its artifacts.
    Warning,
    /// The build of this edition fails.
    Error,
}

/// The kind of a diagnostic: stable, machine-readable, and what decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// Anything not yet given a kind of its own.
    General,
    /// The command line (exit 2).
    Usage,
    /// `report.yaml`, `edition.yaml`, the citation style, YAML syntax of project files (exit 2).
    Config,
    /// A content data file (people, front matter) that cannot be read as YAML.
    Data,
    /// Markdown that cannot be rendered as written.
    Markdown,
    /// Raw HTML in Markdown.
    Html,
    /// A missing or unusable image.
    Image,
    /// A broken internal link.
    Link,
    /// A citation that cannot be resolved.
    Citation,
    /// The bibliography files.
    Bibliography,
    /// A speaker turn.
    Speaker,
    /// A character no font can print.
    Glyph,
    /// What a PDF standard needs of the content.
    Standard,
    /// A translation's chapters.
    Translation,
    /// Text encoding problems.
    Encoding,
    /// A size or depth limit.
    Limit,
    /// Writing artifacts.
    Output,
    /// A problem typst found in generated code.
    Typst,
    /// What an accessibility claim needs of an edition.
    Accessibility,
    /// A bug in Spotlight caught at an edition boundary (exit 70).
    Internal,
}

impl Code {
    /// Every kind, for reading a kind back from its name.
    pub const ALL: [Code; 20] = [
        Code::General,
        Code::Usage,
        Code::Config,
        Code::Data,
        Code::Markdown,
        Code::Html,
        Code::Image,
        Code::Link,
        Code::Citation,
        Code::Bibliography,
        Code::Speaker,
        Code::Glyph,
        Code::Standard,
        Code::Translation,
        Code::Encoding,
        Code::Limit,
        Code::Output,
        Code::Typst,
        Code::Accessibility,
        Code::Internal,
    ];

    /// Name the kind as `--message-format json` and GitHub annotations show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::General => "general",
            Code::Usage => "usage",
            Code::Config => "config",
            Code::Data => "data",
            Code::Markdown => "markdown",
            Code::Html => "html",
            Code::Image => "image",
            Code::Link => "link",
            Code::Citation => "citation",
            Code::Bibliography => "bibliography",
            Code::Speaker => "speaker",
            Code::Glyph => "glyph",
            Code::Standard => "standard",
            Code::Translation => "translation",
            Code::Encoding => "encoding",
            Code::Limit => "limit",
            Code::Output => "output",
            Code::Typst => "typst",
            Code::Accessibility => "accessibility",
            Code::Internal => "internal",
        }
    }
}

/// One problem found in the project, located in a project file where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence without a trailing period.
    pub message: String,
    /// The file, relative to the project root when it lies inside it.
    pub file: Option<PathBuf>,
    /// One-based line number.
    pub line: Option<u32>,
    /// One-based column number (in characters).
    pub column: Option<u32>,
    /// How to fix it.
    pub hint: Option<String>,
    /// A stable machine-readable kind (`image`, `citation`, `speaker`, `glyph`, ...).
    pub code: Code,
}

impl Diagnostic {
    /// Create an error with no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            hint: None,
            code: Code::General,
        }
    }

    /// Create a warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message) }
    }

    /// Attach the file the problem is in.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Attach a one-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(u32::try_from(line).unwrap_or(u32::MAX));
        self.column = Some(u32::try_from(column).unwrap_or(u32::MAX));
        self
    }

    /// Attach a hint saying how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Set the machine-readable kind of the problem.
    pub fn code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    /// Render as one JSON object (for `--message-format json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": match self.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "code": self.code.as_str(),
            "message": self.message,
            "file": self.file.as_ref().map(|f| f.to_string_lossy().replace('\\', "/")),
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
        })
    }

    /// Read a diagnostic back from [`Diagnostic::to_json`]'s form (the build cache keeps warnings so).
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
        let number = |key: &str| value.get(key).and_then(|v| v.as_u64()).and_then(|n| u32::try_from(n).ok());
        let severity = match value.get("severity")?.as_str()? {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => return None,
        };
        let code_name = text("code")?;
        Some(Self {
            severity,
            message: text("message")?,
            file: text("file").map(PathBuf::from),
            line: number("line"),
            column: number("column"),
            hint: text("hint"),
            code: Code::ALL.into_iter().find(|c| c.as_str() == code_name)?,
        })
    }

    /// Render as a GitHub Actions workflow command (`::error file=...,line=...::message`).
    pub fn to_github(&self) -> String {
        fn data(s: &str) -> String {
            s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
        }
        fn property(s: &str) -> String {
            data(s).replace(':', "%3A").replace(',', "%2C")
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(file) = &self.file {
            props.push(format!("file={}", property(&file.to_string_lossy().replace('\\', "/"))));
        }
        if let Some(line) = self.line {
            props.push(format!("line={line}"));
        }
        if let Some(col) = self.column {
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", property(&format!("spotlight {}", self.code.as_str()))));
        let message = match &self.hint {
            Some(hint) => format!("{}\nhint: {hint}", self.message),
            None => self.message.clone(),
        };
        format!("::{kind} {}::{}", props.join(","), data(&message))
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.message)?;
        if let Some(file) = &self.file {
            // Forward slashes on every platform, so messages and snapshots agree.
            let shown = file.to_string_lossy().replace('\\', "/");
            write!(f, "\n  --> {shown}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// How many times one problem is shown in full before the rest are folded into it.
pub const REPEATS_SHOWN: usize = 3;

/// Fold a problem repeated more than [`REPEATS_SHOWN`] times (same severity, kind and message) into
/// its first diagnostic, saying how often it occurred and where the next few are; order is kept.
pub fn collapse_repeats(diags: &[Diagnostic]) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.severity, d.code, d.message.clone());
    let mut groups: std::collections::HashMap<(Severity, Code, String), Vec<usize>> = std::collections::HashMap::new();
    for (i, d) in diags.iter().enumerate() {
        groups.entry(key(d)).or_default().push(i);
    }
    let mut out = Vec::new();
    for (i, d) in diags.iter().enumerate() {
        let members = &groups[&key(d)];
        if members.len() <= REPEATS_SHOWN {
            out.push(d.clone());
            continue;
        }
        if members[0] != i {
            continue;
        }
        let place = |d: &Diagnostic| {
            let file = d.file.as_ref().map_or("?".to_string(), |f| f.to_string_lossy().replace('\\', "/"));
            match (d.line, d.column) {
                (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
                (Some(l), None) => format!("{file}:{l}"),
                _ => file,
            }
        };
        let next: Vec<String> = members[1..].iter().take(REPEATS_SHOWN).map(|&j| place(&diags[j])).collect();
        let rest = members.len() - 1 - next.len();
        let also = if rest > 0 { format!("{} and {rest} more", next.join(", ")) } else { next.join(", ") };
        let mut folded = d.clone();
        folded.message = format!("{} ({} times)", d.message, members.len());
        folded.hint = Some(match &d.hint {
            Some(h) => format!("{h}\n  = also at: {also}"),
            None => format!("also at: {also}"),
        });
        out.push(folded);
    }
    out
}

/// Whether any diagnostic in the list is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Compute one-based line and column (in characters) of a byte offset in a text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Find the candidate closest to `wanted` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wanted.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Count the single-character edits (insert, delete, substitute) that turn `a` into `b`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_repeated_many_times_is_shown_once_with_a_count_and_the_next_places() {
        let at = |l: usize| Diagnostic::error("same").in_file("a.md").at(l, 1);
        let mut diags: Vec<Diagnostic> = (1..=100).map(at).collect();
        diags.push(Diagnostic::error("other").in_file("b.md"));
        let folded = collapse_repeats(&diags);
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[0].message, "same (100 times)");
        assert_eq!(folded[0].line, Some(1));
        assert_eq!(folded[0].hint.as_deref(), Some("also at: a.md:2:1, a.md:3:1, a.md:4:1 and 96 more"));
        let few: Vec<Diagnostic> = (1..=3).map(at).collect();
        assert_eq!(collapse_repeats(&few), few);
    }

    #[test]
    fn display_names_file_line_column_and_hint() {
        let d = Diagnostic::error("image not found: `a.png`")
            .in_file("chapters/en/03-pandemic.md")
            .at(12, 5)
            .with_hint("put the image beside the chapter");
        assert_eq!(
            d.to_string(),
            "error: image not found: `a.png`\n  --> chapters/en/03-pandemic.md:12:5\n  = hint: put the image beside the chapter"
        );
    }

    #[test]
    fn json_and_github_forms_carry_every_field() {
        let d = Diagnostic::error("unknown speaker \"X, Y\"")
            .in_file("chapters/en/02-a.md")
            .at(3, 1)
            .with_hint("did you mean \"Z\"?")
            .code(Code::Speaker);
        assert_eq!(
            d.to_json().to_string(),
            r#"{"code":"speaker","column":1,"file":"chapters/en/02-a.md","hint":"did you mean \"Z\"?","line":3,"message":"unknown speaker \"X, Y\"","severity":"error"}"#
        );
        assert_eq!(
            d.to_github(),
            "::error file=chapters/en/02-a.md,line=3,col=1,title=spotlight speaker::unknown speaker \"X, Y\"%0Ahint: did you mean \"Z\"?"
        );
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçé x";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find('x').unwrap()), (2, 4));
    }

    #[test]
    fn closest_suggests_near_misses_only() {
        let names = ["Stéphane Jaquemet", "Neha Misra", "Carol Barton"];
        assert_eq!(closest("Stephane Jaquemet", names), Some("Stéphane Jaquemet"));
        assert_eq!(closest("Nobody Atall", names), None);
    }
}
