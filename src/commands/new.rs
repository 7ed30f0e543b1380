//! `spotlight new DIR`: start a project that builds with zero warnings. Checks the arguments,
//! fills the embedded templates of `scaffold` (titles, slug, editions, fonts per script, the hash
//! of each source chapter in its translations) and hands every file to `output::tree`, which
//! writes all of them or none. Never touches the disk itself.

use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

use crate::cli::{KindArg, MessageFormat, NewArgs};
use crate::diag::{Code, Diagnostic};
use crate::project::{date, status::source_hash};
use crate::scaffold::{self, Sample};
use crate::{lang, output, report};

/// A file of the new project: its path inside the project and its bytes.
pub type File = (PathBuf, Vec<u8>);

/// Write the new project; return the exit code.
pub fn run(args: &NewArgs) -> u8 {
    let today = today();
    let result = compose(args.kind, &args.langs, args.title.as_deref(), today)
        .and_then(|files| output::tree::create(&args.dir, &files));
    match result {
        Ok(()) => {
            let langs = editions(&args.langs).unwrap_or_default().join(", ");
            let kind = match args.kind {
                KindArg::Report => "a report",
                KindArg::Interview => "an interview",
            };
            println!("created {} ({kind}; editions {langs})", args.dir.display());
            println!("next: spotlight build --project {}", args.dir.display());
            0
        }
        Err(diag) => {
            let code = if matches!(diag.code, Code::Usage | Code::Config) { 2 } else { 1 };
            report::diagnostics(&[diag], MessageFormat::Human);
            code
        }
    }
}

/// Today's date as `(year, month, day)`: from `SOURCE_DATE_EPOCH` when set, else the clock.
fn today() -> (i32, u8, u8) {
    let seconds =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|v| date::from_epoch(&v).ok()).map(|(y, m, d, ..)| (y, m, d));
    seconds.unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let (y, m, d, ..) = date::from_unix(i64::try_from(now).unwrap_or(0));
        (y, m, d)
    })
}

/// The editions asked for, source first (`en` when none): empty, malformed and repeated codes are
/// usage errors.
pub fn editions(langs: &[String]) -> Result<Vec<String>, Diagnostic> {
    let usage = |message: String, hint: &str| Err(Diagnostic::error(message).with_hint(hint).code(Code::Usage));
    if langs.is_empty() {
        return Ok(vec!["en".to_string()]);
    }
    let mut out: Vec<String> = Vec::new();
    for code in langs {
        let code = code.trim();
        if code.is_empty() {
            return usage("`--lang` needs a language code".into(), "give a code such as `--lang de`");
        }
        if !code.split('-').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())) {
            return usage(
                format!("`{code}` is not a language code"),
                "use a BCP 47 tag such as `de`, `pt-BR` or `zh-Hans`: letters and digits joined by `-`",
            );
        }
        if out.iter().any(|seen| seen.eq_ignore_ascii_case(code)) {
            return usage(format!("`--lang {code}` is given twice"), "name each edition once; the first is the source");
        }
        out.push(code.to_string());
    }
    Ok(out)
}

/// The slug of a title: ASCII letters and digits, accents dropped, other runs joined by `-`.
pub fn slug_of(title: &str) -> String {
    let mut slug = String::new();
    for c in title.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() { "report".to_string() } else { slug }
}

/// A YAML double-quoted string holding `text` exactly.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Fill `{{name}}` holes.
fn fill(template: &str, holes: &[(&str, &str)]) -> String {
    holes.iter().fold(template.to_string(), |text, (name, value)| text.replace(&format!("{{{{{name}}}}}"), value))
}

/// The sample text of a language, or of English when it has none of its own.
fn sample_or_english(code: &str) -> (&'static Sample, bool) {
    match scaffold::sample(lang::primary(code)) {
        Some(s) => (s, true),
        None => (scaffold::sample("en").expect("the English sample is embedded"), false),
    }
}

/// Title and subtitle of a sample.
fn titles(sample: &Sample) -> (&'static str, &'static str) {
    let mut lines = sample.title.lines();
    (lines.next().unwrap_or_default().trim(), lines.next().unwrap_or_default().trim())
}

/// Every file of the new project, without touching the disk.
pub fn compose(
    kind: KindArg,
    langs: &[String],
    title: Option<&str>,
    today: (i32, u8, u8),
) -> Result<Vec<File>, Diagnostic> {
    let langs = editions(langs)?;
    if title.is_some_and(|t| t.trim().is_empty()) {
        return Err(Diagnostic::error("`--title` is empty")
            .with_hint("give the report's title, or leave `--title` out")
            .code(Code::Usage));
    }
    let source = langs[0].as_str();
    let (source_sample, _) = sample_or_english(source);
    let (sample_title, sample_subtitle) = titles(source_sample);
    let title_text = title.map(str::trim).unwrap_or(sample_title);
    let subtitle = match title {
        Some(_) => "# subtitle: A subtitle".to_string(),
        None => format!("subtitle: {}", quoted(sample_subtitle)),
    };
    let (interview, second) = match kind {
        KindArg::Report => (false, "02-recommendations.md"),
        KindArg::Interview => (true, "02-conversation.md"),
    };
    let second_of = |s: &'static Sample| if interview { s.conversation } else { s.recommendations };
    let mut files: Vec<File> = Vec::new();
    let mut add = |path: String, bytes: Vec<u8>| files.push((PathBuf::from(path), bytes));

    // Fonts: the Latin faces always, then each script's files once.
    let mut scripts = String::new();
    let mut fonts: Vec<&scaffold::FontFile> = scaffold::LATIN_FONTS.iter().collect();
    let mut seen_scripts: Vec<&str> = Vec::new();
    for code in &langs {
        let Some(script) = lang::script_of(code) else { continue };
        let Some(shipped) = scaffold::script_fonts(script.name) else { continue };
        if seen_scripts.contains(&script.name) {
            continue;
        }
        seen_scripts.push(script.name);
        scripts.push_str(&format!("    {}: [{}]\n", script.name, shipped.families.join(", ")));
        for file in shipped.files {
            if !fonts.iter().any(|f| f.name == file.name) {
                fonts.push(file);
            }
        }
    }
    let scripts = if scripts.is_empty() {
        "  # scripts:                # families per script, e.g. arabic: [Noto Naskh Arabic]\n".to_string()
    } else {
        format!("  scripts:\n{scripts}")
    };
    let (year, month, day) = today;
    let report_yaml = fill(
        scaffold::REPORT_YAML,
        &[
            ("title", &quoted(title_text)),
            ("subtitle", &subtitle),
            ("slug", &slug_of(title_text)),
            ("year", &year.to_string()),
            ("date", &format!("{year:04}-{month:02}-{day:02}")),
            ("language", source),
            ("editions", &langs.join(", ")),
            ("kind", if interview { "interview" } else { "report" }),
            ("scripts", scripts.trim_end_matches('\n')),
        ],
    );
    add("report.yaml".into(), report_yaml.into_bytes());
    add("people.yaml".into(), if interview { scaffold::PEOPLE_INTERVIEW } else { scaffold::PEOPLE_REPORT }.into());
    add("bibliography/references.yaml".into(), scaffold::REFERENCES.into());
    add("images/water-use.svg".into(), scaffold::FIGURE.into());
    add("theme/README.txt".into(), scaffold::THEME_README.into());
    add(".gitignore".into(), scaffold::GITIGNORE.into());
    for font in fonts {
        add(format!("fonts/{}", font.name), font.bytes.to_vec());
    }

    let chapters = [("01-findings.md", source_sample.findings), (second, second_of(source_sample))];
    for code in &langs {
        let dir = format!("chapters/{code}");
        let people = |s: &Sample| if interview { s.people_interview } else { s.people_report };
        if code == source {
            for (name, text) in chapters {
                add(format!("{dir}/{name}"), text.into());
            }
            add(format!("{dir}/people.yaml"), people(source_sample).into());
            continue;
        }
        match scaffold::sample(lang::primary(code)) {
            Some(sample) => {
                let (own_title, own_subtitle) = titles(sample);
                // A title given on the command line is in the source language: say so where a
                // translator will see it, and drop the sample subtitle that belongs to the sample title.
                let (t, s) = match title {
                    Some(t) => (format!("{}  # translate it", quoted(t.trim())), "# subtitle: ".to_string()),
                    None => (quoted(own_title), format!("subtitle: {}", quoted(own_subtitle))),
                };
                let edition = fill(sample.edition, &[("title", &t), ("subtitle", &s), ("of", source)]);
                add(format!("{dir}/edition.yaml"), edition.into_bytes());
                let own = [sample.findings, second_of(sample)];
                for ((name, source_text), text) in chapters.iter().zip(own) {
                    let hash = source_hash(source_text.as_bytes());
                    add(format!("{dir}/{name}"), format!("---\nsource-hash: {hash}\n---\n{text}").into_bytes());
                }
                add(format!("{dir}/people.yaml"), people(sample).into());
            }
            None => {
                let edition =
                    fill(scaffold::COPIED_EDITION, &[("lang", code), ("of", source), ("title", &quoted(title_text))]);
                add(format!("{dir}/edition.yaml"), edition.into_bytes());
                for (name, text) in chapters {
                    add(format!("{dir}/{name}"), text.into());
                }
                add(format!("{dir}/people.yaml"), people(source_sample).into());
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_ascii_letters_and_digits_and_drop_accents() {
        assert_eq!(slug_of("Every Drop Counts"), "every-drop-counts");
        assert_eq!(slug_of("  Wasser: \"für\" alle 2030! "), "wasser-fur-alle-2030");
        assert_eq!(slug_of("كل قطرة مهمة"), "report");
    }

    #[test]
    fn the_first_language_is_the_source_and_en_is_the_default() {
        assert_eq!(editions(&[]).unwrap(), ["en"]);
        let langs: Vec<String> = ["de", "pt-BR"].iter().map(|s| s.to_string()).collect();
        assert_eq!(editions(&langs).unwrap(), ["de", "pt-BR"]);
        assert!(editions(&["de".into(), "de".into()]).is_err());
        assert!(editions(&["a/b".into()]).is_err());
    }

    #[test]
    fn quoted_titles_survive_yaml_specials() {
        assert_eq!(quoted("a: \"b\" \\ c\n"), "\"a: \\\"b\\\" \\\\ c\\n\"");
    }

    #[test]
    fn every_sample_fills_every_hole_in_both_kinds() {
        let langs: Vec<String> = scaffold::SAMPLES.iter().map(|s| s.lang.to_string()).chain(["it".into()]).collect();
        for kind in [KindArg::Report, KindArg::Interview] {
            for title in [None, Some("T")] {
                let files = compose(kind, &langs, title, (2024, 1, 2)).unwrap();
                for (path, bytes) in &files {
                    let is_text = path.extension().is_some_and(|e| e == "md" || e == "yaml");
                    if is_text {
                        let text = String::from_utf8(bytes.clone()).unwrap();
                        assert!(!text.contains("{{"), "{}: {text}", path.display());
                    }
                }
                let fonts = files.iter().filter(|(p, _)| p.ends_with("wqy-microhei.ttc")).count();
                assert_eq!(fonts, 1, "one copy of a font shared by two scripts");
            }
        }
    }
}
