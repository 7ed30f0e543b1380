//! Gettext PO for CAT tools and Weblate-style platforms: writes a translation's units (one entry
//! per source unit, `msgctxt` = `chapter#unit-id`, inline markup as `{1}`-style markers explained
//! in `#.` comments, `#, fuzzy` when the source changed since) and reads the targets back.
//! A small hand-written format; never touches the disk.

use std::path::Path;

use super::xliff::Imported;
use super::{Entry, Part, decode, encode};
use crate::diag::Diagnostic;

/// Write the entries of a translation into `lang` as one PO file.
pub fn write(entries: &[Entry], lang: &str) -> String {
    let mut out = String::from("# Spotlight exchange file: one entry per translatable unit.\n");
    out.push_str("# Keep every {N} marker: it stands for the markup named in the comments.\n");
    out.push_str("msgid \"\"\nmsgstr \"\"\n\"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n");
    out.push_str("\"Content-Transfer-Encoding: 8bit\\n\"\n");
    out.push_str(&format!("\"Language: {}\\n\"\n", quote_inner(lang)));
    for e in entries {
        let (data, source, target) = encode(&e.unit.text, e.target.as_deref());
        out.push('\n');
        let speaker = e.unit.speaker.as_ref().map(|s| format!("; speaker: {s}")).unwrap_or_default();
        out.push_str(&format!("#. {} line {}, {}{speaker}\n", e.chapter, e.unit.line, e.unit.kind.word()));
        for (k, d) in data.iter().enumerate() {
            out.push_str(&format!("#. {{{}}} = {}\n", k + 1, d.replace('\n', " ")));
        }
        out.push_str(&format!("#: {}:{}\n", e.source.to_string_lossy().replace('\\', "/"), e.unit.line));
        if e.outdated {
            out.push_str("#, fuzzy\n");
        }
        out.push_str(&format!("msgctxt \"{}#{}\"\n", quote_inner(&e.chapter), e.unit.id));
        out.push_str(&format!("msgid \"{}\"\n", quote_inner(&marked(&source))));
        let t = target.map(|t| marked(&t)).unwrap_or_default();
        out.push_str(&format!("msgstr \"{}\"\n", quote_inner(&t)));
    }
    out
}

fn marked(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.replace('{', "{{"),
            Part::Code(k) => format!("{{{}}}", k + 1),
        })
        .collect()
}

fn quote_inner(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\t', "\\t")
}

#[derive(Default)]
struct Pending {
    line: usize,
    data: Vec<String>,
    fuzzy: bool,
    ctxt: Option<String>,
    id: Option<String>,
    msgstr: Option<String>,
    field: u8,
}

/// Read the targets of a PO file; `file` names it in errors. Fuzzy and empty entries have none.
pub fn read(text: &str, file: &Path) -> Result<Vec<Imported>, Diagnostic> {
    let fail = |line: usize, message: String| super::import_error(file, line, message);
    let mut out = Vec::new();
    let mut p = Pending::default();
    let lines: Vec<&str> = text.lines().chain(std::iter::once("")).collect();
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            if p.id.is_some() {
                finish(std::mem::take(&mut p), &mut out).map_err(|(l, m)| fail(l, m))?;
            }
            continue;
        }
        if p.line == 0 {
            p.line = n;
        }
        if let Some(rest) = line.strip_prefix("#.") {
            if let Some((marker, markup)) = rest.trim_start().split_once(" = ")
                && let Some(k) =
                    marker.strip_prefix('{').and_then(|m| m.strip_suffix('}')).and_then(|m| m.parse::<usize>().ok())
            {
                if k != p.data.len() + 1 {
                    return Err(fail(n, format!("marker comment {{{k}}} is out of order")));
                }
                p.data.push(markup.to_string());
            }
        } else if let Some(flags) = line.strip_prefix("#,") {
            p.fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
        } else if line.starts_with('#') {
        } else if let Some(rest) = line.strip_prefix("msgctxt ") {
            p.ctxt = Some(unquote(rest).ok_or_else(|| fail(n, "a badly quoted msgctxt".into()))?);
            p.field = 1;
        } else if let Some(rest) = line.strip_prefix("msgid ") {
            p.id = Some(unquote(rest).ok_or_else(|| fail(n, "a badly quoted msgid".into()))?);
            p.field = 2;
        } else if let Some(rest) = line.strip_prefix("msgstr ") {
            p.msgstr = Some(unquote(rest).ok_or_else(|| fail(n, "a badly quoted msgstr".into()))?);
            p.field = 3;
        } else if line.starts_with('"') {
            let more = unquote(line).ok_or_else(|| fail(n, "a badly quoted string".into()))?;
            let slot = match p.field {
                1 => p.ctxt.as_mut(),
                2 => p.id.as_mut(),
                3 => p.msgstr.as_mut(),
                _ => None,
            };
            slot.ok_or_else(|| fail(n, "a string that continues nothing".into()))?.push_str(&more);
        } else {
            return Err(fail(n, format!("not PO syntax: `{line}`")));
        }
    }
    Ok(out)
}

fn finish(p: Pending, out: &mut Vec<Imported>) -> Result<(), (usize, String)> {
    let id = p.id.unwrap_or_default();
    if id.is_empty() && p.ctxt.is_none() {
        return Ok(());
    }
    let ctxt = p.ctxt.ok_or((p.line, "an entry without msgctxt: not a Spotlight unit".to_string()))?;
    let (chapter, unit) = ctxt.split_once('#').ok_or((p.line, format!("msgctxt `{ctxt}` is not `chapter#unit`")))?;
    let msgstr = p.msgstr.ok_or((p.line, format!("unit `{ctxt}` has no msgstr")))?;
    let target = if msgstr.is_empty() || p.fuzzy {
        None
    } else {
        let parts = unmarked(&msgstr).map_err(|m| (p.line, format!("unit `{ctxt}`: {m}")))?;
        Some(
            decode(&p.data, &parts)
                .map_err(|k| (p.line, format!("unit `{ctxt}`: marker {{{}}} is not in its comments", k + 1)))?,
        )
    };
    out.push(Imported { chapter: chapter.to_string(), id: unit.to_string(), target });
    Ok(())
}

fn unmarked(s: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            text.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            text.push('{');
            continue;
        }
        let digits: String = std::iter::from_fn(|| chars.next_if(char::is_ascii_digit)).collect();
        let k: usize = digits.parse().map_err(|_| format!("a `{{` that opens no marker near `{{{digits}`"))?;
        if chars.next() != Some('}') || k == 0 {
            return Err(format!("marker {{{digits} is not closed"));
        }
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        parts.push(Part::Code(k - 1));
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

fn unquote(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                other => other,
            }),
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::units::units;

    #[test]
    fn markers_braces_and_quotes_read_back_and_fuzzy_entries_are_skipped() {
        let unit = units("A *b* {not a marker} \"q\" [^1].\n\n[^1]: N.\n", "en").remove(0);
        let target = "Un *b* {pas un marqueur} \"q\" [^1].";
        let e = |outdated| Entry {
            chapter: "01-a.md".into(),
            unit: unit.clone(),
            source: "chapters/en/01-a.md".into(),
            target: Some(target.into()),
            outdated,
        };
        let back = read(&write(&[e(false)], "fr"), Path::new("x.po")).unwrap();
        assert_eq!(back[0].target.as_deref(), Some(target));
        assert_eq!(back[0].id, unit.id);
        assert_eq!(read(&write(&[e(true)], "fr"), Path::new("x.po")).unwrap()[0].target, None);
        let bad = write(&[e(false)], "fr").replace("msgstr \"Un", "msgstr \"{7} Un");
        assert!(read(&bad, Path::new("x.po")).unwrap_err().message.contains("marker {7}"));
    }
}
