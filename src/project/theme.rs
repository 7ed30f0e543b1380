//! The report's look, checked: the `theme:` options of `report.yaml` (colours, the generated cover
//! and its size) and the files of the project's `theme/` folder (a Typst template replacing the
//! built-in one, a stylesheet replacing the built-in EPUB one), read once through `files`. Knows
//! nothing of how a format uses them, and holds no look of its own: defaults live in the templates.

use std::path::Path;

use crate::diag::{Code, Diagnostic, line_col};
use crate::project::config::{ThemeConfig, line_of};
use crate::project::files::{self, Refused};
use crate::project::print;

/// The project's theme file replacing the built-in Typst template.
pub const TEMPLATE_FILE: &str = "theme/report.typ";
/// The project's theme file replacing the built-in EPUB stylesheet.
pub const STYLESHEET_FILE: &str = "theme/epub.css";
/// The project's theme file replacing the built-in web additions (read after the EPUB stylesheet).
pub const WEB_STYLESHEET_FILE: &str = "theme/web.css";
/// The generated cover's size when the theme does not set one, in millimetres (2:3).
pub const DEFAULT_COVER_MM: (f64, f64) = (160.0, 240.0);

/// The checked theme of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Colour options that are set, as `(name, "#rrggbb")`, in the order accent, text, muted, tint.
    pub colours: Vec<(&'static str, String)>,
    /// The CMYK form of colour options given as `cmyk(..)`, as `(name, [c, m, y, k])` in percent:
    /// the print profile uses them as they are (the RGB form above is their screen conversion).
    pub cmyk: Vec<(&'static str, [f64; 4])>,
    /// Whether to generate a cover (the EPUB cover image, the PDF's cover design).
    pub cover: bool,
    /// The generated cover's width and height in millimetres.
    pub cover_mm: (f64, f64),
    /// The text of `theme/report.typ`, when the project has one.
    pub template: Option<String>,
    /// The text of `theme/epub.css`, when the project has one.
    pub stylesheet: Option<String>,
    /// The text of `theme/web.css`, when the project has one.
    pub web_stylesheet: Option<String>,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            colours: Vec::new(),
            cmyk: Vec::new(),
            cover: true,
            cover_mm: DEFAULT_COVER_MM,
            template: None,
            stylesheet: None,
            web_stylesheet: None,
        }
    }
}

/// Check the theme options (`yaml` is report.yaml's text, for lines) and read the `theme/` files;
/// every problem is pushed to `errors`.
pub fn load(root: &Path, config: &ThemeConfig, yaml: &str, errors: &mut Vec<Diagnostic>) -> Theme {
    let at = |key: &str| line_of(yaml, &["theme", key]).or_else(|| line_of(yaml, &["theme"])).unwrap_or(1);
    let mut theme = Theme { cover: config.cover.unwrap_or(true), ..Theme::default() };
    let given = [("accent", &config.accent), ("text", &config.text), ("muted", &config.muted), ("tint", &config.tint)];
    for (name, value) in given {
        let Some(value) = value else {
            // `accent: #b0182c` unquoted is a YAML comment: the key is there, its value is empty.
            if let Some(line) = line_of(yaml, &["theme", name]) {
                errors.push(
                    Diagnostic::error(format!("theme.{name} has no value"))
                        .in_file(crate::project::CONFIG_FILE)
                        .at(line, 3)
                        .with_hint("put the colour in quotes: an unquoted `#` starts a YAML comment, e.g. \"#2f4b68\"")
                        .code(Code::Config),
                );
            }
            continue;
        };
        match colour_pair(value) {
            Some((rgb, cmyk)) => {
                theme.colours.push((name, rgb));
                if let Some(cmyk) = cmyk {
                    theme.cmyk.push((name, cmyk));
                }
            }
            None => errors.push(
                Diagnostic::error(format!("invalid colour `{value}` for theme.{name}"))
                    .in_file(crate::project::CONFIG_FILE)
                    .at(at(name), 3)
                    .with_hint(
                        "write a colour as \"#rrggbb\", \"cmyk(0%, 90%, 75%, 25%)\" or both (\"#b0182c cmyk(0%, 90%, 75%, 25%)\"), in quotes",
                    )
                    .code(Code::Config),
            ),
        }
    }
    if let Some(size) = &config.cover_size {
        match print::parse_page(size) {
            Some(mm) => theme.cover_mm = mm,
            None => errors.push(
                Diagnostic::error(format!("unknown cover size `{size}`"))
                    .in_file(crate::project::CONFIG_FILE)
                    .at(at("cover-size"), 3)
                    .with_hint("use a4, a5, a6, letter, or a size like 160x240mm")
                    .code(Code::Config),
            ),
        }
    }
    theme.template = read_theme_file(root, TEMPLATE_FILE, errors);
    theme.stylesheet = read_theme_file(root, STYLESHEET_FILE, errors);
    theme.web_stylesheet = read_theme_file(root, WEB_STYLESHEET_FILE, errors);
    let files = [
        (STYLESHEET_FILE, &theme.stylesheet, "EPUB readers"),
        (WEB_STYLESHEET_FILE, &theme.web_stylesheet, "browsers"),
    ];
    for (file, css, readers) in files {
        if let Some(css) = css
            && let Err((offset, message)) = check_css(css)
        {
            let (line, column) = line_col(css, offset);
            errors.push(
                Diagnostic::error(message)
                    .in_file(file)
                    .at(line, column)
                    .with_hint(format!(
                        "{readers} drop a stylesheet they cannot parse; balance braces, comments and quotes"
                    ))
                    .code(Code::Config),
            );
        }
    }
    theme
}

/// Read a colour option: `#rrggbb`, `cmyk(c%, m%, y%, k%)`, or both (the screen and the print
/// form, in either order). A CMYK-only colour gets its naive RGB conversion for screens.
fn colour_pair(value: &str) -> Option<(String, Option<[f64; 4]>)> {
    let value = value.trim();
    let (rgb_part, cmyk_part) = match value.find("cmyk(") {
        Some(at) => {
            let end = at + value[at..].find(')')? + 1;
            let rest = format!("{}{}", &value[..at], &value[end..]);
            (rest.trim().trim_matches('/').trim().to_string(), Some(cmyk(&value[at..end])?))
        }
        None => (value.to_string(), None),
    };
    let rgb = match (rgb_part.is_empty(), cmyk_part) {
        (true, Some([c, m, y, k])) => {
            let channel = |v: f64| ((1.0 - v / 100.0) * (1.0 - k / 100.0) * 255.0).round() as u8;
            format!("#{:02x}{:02x}{:02x}", channel(c), channel(m), channel(y))
        }
        (true, None) => return None,
        (false, _) => colour(&rgb_part)?,
    };
    Some((rgb, cmyk_part))
}

/// Parse `cmyk(c%, m%, y%, k%)` (percentages 0 to 100) into its four components.
fn cmyk(text: &str) -> Option<[f64; 4]> {
    let inner = text.strip_prefix("cmyk(")?.strip_suffix(')')?;
    let parts: Vec<f64> = inner
        .split(',')
        .map(|p| p.trim().strip_suffix('%').and_then(|n| n.trim().parse::<f64>().ok()))
        .collect::<Option<_>>()?;
    let [c, m, y, k] = parts[..] else { return None };
    [c, m, y, k].iter().all(|v| (0.0..=100.0).contains(v)).then_some([c, m, y, k])
}

/// Normalize `#rrggbb` (or `#rgb`) to lower-case `#rrggbb`; `None` for anything else.
fn colour(value: &str) -> Option<String> {
    let hex = value.trim().strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(hex.chars().fold("#".to_string(), |mut s, c| {
            s.push(c.to_ascii_lowercase());
            s.push(c.to_ascii_lowercase());
            s
        })),
        _ => None,
    }
}

/// Read a theme file if the project has it: it must lie inside the project and be UTF-8.
fn read_theme_file(root: &Path, rel: &str, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let path = root.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return None;
    }
    let fail = |message: String, hint: &str| Diagnostic::error(message).in_file(rel).with_hint(hint).code(Code::Config);
    let bytes = match files::read_inside(root, &path) {
        Ok(bytes) => bytes,
        Err(Refused::Io(e)) => {
            errors.push(fail(format!("cannot read the theme file: {e}"), "check the file's permissions"));
            return None;
        }
        Err(Refused::Outside) => {
            errors.push(fail("the theme file leads outside the project".into(), "copy the file into theme/"));
            return None;
        }
        Err(Refused::Folder) => {
            errors.push(fail("the theme file is a folder".into(), "put the file itself at this path"));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let (line, column) = line_col(&valid, offset);
            errors.push(fail("the theme file is not valid UTF-8".into(), "save the file as UTF-8").at(line, column));
            None
        }
    }
}

/// A cheap syntax check of a stylesheet: braces balance, every comment and string is closed.
/// Returns the byte offset of the first problem and what it is.
pub fn check_css(css: &str) -> Result<(), (usize, String)> {
    let mut open: Vec<usize> = Vec::new();
    let mut chars = css.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '/' if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                chars.next();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    if c == '*' && chars.peek().is_some_and(|(_, n)| *n == '/') {
                        chars.next();
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err((i, "unclosed comment: `/*` without `*/`".into()));
                }
            }
            '"' | '\'' => loop {
                match chars.next() {
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, q)) if q == c => break,
                    Some((_, '\n')) | None => return Err((i, format!("unclosed string: {c} without its closing {c}"))),
                    Some(_) => {}
                }
            },
            '{' => open.push(i),
            '}' if open.pop().is_none() => return Err((i, "`}` without a matching `{`".into())),
            _ => {}
        }
    }
    match open.last() {
        Some(&i) => Err((i, "`{` is never closed".into())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmyk_colours_are_read_alone_or_beside_their_screen_form() {
        assert_eq!(colour_pair("cmyk(0%, 100%, 100%, 0%)"), Some(("#ff0000".into(), Some([0.0, 100.0, 100.0, 0.0]))));
        assert_eq!(
            colour_pair("#b0182c / cmyk(0%, 90%, 75%, 25%)"),
            Some(("#b0182c".into(), Some([0.0, 90.0, 75.0, 25.0])))
        );
        assert_eq!(colour_pair("cmyk(0%,90%,75%,25%) #B0182C").map(|p| p.0), Some("#b0182c".into()));
        assert_eq!(colour_pair("#b0182c"), Some(("#b0182c".into(), None)));
        assert_eq!(colour_pair("cmyk(0%, 90%, 75%)"), None);
        assert_eq!(colour_pair("cmyk(0%, 190%, 75%, 0%)"), None);
        assert_eq!(colour_pair("cmyk(0, 90, 75, 25)"), None);
    }

    #[test]
    fn colours_are_normalized_and_checked() {
        assert_eq!(colour("#B0182C").as_deref(), Some("#b0182c"));
        assert_eq!(colour("#abc").as_deref(), Some("#aabbcc"));
        assert_eq!(colour("red"), None);
        assert_eq!(colour("#12345g"), None);
        assert_eq!(colour("#1234"), None);
    }

    #[test]
    fn css_check_finds_the_first_problem() {
        assert!(check_css("a { color: red; }\n/* c { */ b::after { content: \"}\"; }\n").is_ok());
        let line = |css: &str| line_col(css, check_css(css).unwrap_err().0).0;
        assert_eq!(line("a { color: red; }\nb {\n  color: blue;\n"), 2);
        assert_eq!(line("a { }\n}\n"), 2);
        assert_eq!(line("a { }\n\n/* open\n"), 3);
        assert_eq!(line("a { content: \"x; }\n"), 1);
    }
}
