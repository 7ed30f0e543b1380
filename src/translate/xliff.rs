//! XLIFF 2.0 for CAT tools: writes a translation's units (one `<file>` per chapter, one `<unit>`
//! per source unit, inline markup as `<ph>` codes pointing into `<originalData>`, notes with the
//! chapter, kind, line and speaker) and reads the targets back. The one module using quick-xml.
//! Never touches the disk.

use std::collections::BTreeMap;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};

use super::{Entry, Part, decode, encode};
use crate::diag::Diagnostic;

/// The XLIFF 2.0 namespace.
const NS: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// Write the entries of a translation from `source_lang` into `lang` as one XLIFF 2.0 document.
pub fn write(entries: &[Entry], source_lang: &str, lang: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff xmlns=\"{NS}\" version=\"2.0\" srcLang=\"{}\" trgLang=\"{}\">\n",
        escape(source_lang),
        escape(lang)
    );
    let mut chapter: Option<&str> = None;
    for e in entries {
        if chapter != Some(e.chapter.as_str()) {
            if chapter.is_some() {
                out.push_str("  </file>\n");
            }
            let original = e.source.to_string_lossy().replace('\\', "/");
            out.push_str(&format!("  <file id=\"{}\" original=\"{}\">\n", escape(&e.chapter), escape(&original)));
            chapter = Some(&e.chapter);
        }
        let (data, source, target) = encode(&e.unit.text, e.target.as_deref());
        out.push_str(&format!("    <unit id=\"{}\" type=\"spot:{}\">\n      <notes>\n", e.unit.id, e.unit.kind.word()));
        out.push_str(&format!(
            "        <note category=\"location\">{} line {}, {}</note>\n",
            escape(&e.chapter),
            e.unit.line,
            e.unit.kind.word()
        ));
        if let Some(speaker) = &e.unit.speaker {
            out.push_str(&format!("        <note category=\"speaker\">{}</note>\n", escape(speaker)));
        }
        if e.outdated {
            out.push_str("        <note category=\"state\">the source changed since this was translated</note>\n");
        }
        out.push_str("      </notes>\n");
        if !data.is_empty() {
            out.push_str("      <originalData>\n");
            for (k, d) in data.iter().enumerate() {
                out.push_str(&format!("        <data id=\"d{}\">{}</data>\n", k + 1, escape(d)));
            }
            out.push_str("      </originalData>\n");
        }
        let state = if target.is_none() || e.outdated { "initial" } else { "translated" };
        out.push_str(&format!("      <segment state=\"{state}\">\n        <source>"));
        let mut ids: Vec<usize> = Vec::new();
        inline(&mut out, &source, |k| {
            ids.push(k);
            ids.len()
        });
        out.push_str("</source>\n");
        if let Some(target) = target {
            out.push_str("        <target>");
            let mut used = vec![false; ids.len()];
            let mut extra = ids.len();
            inline(&mut out, &target, |k| match (0..ids.len()).find(|&i| ids[i] == k && !used[i]) {
                Some(i) => {
                    used[i] = true;
                    i + 1
                }
                None => {
                    extra += 1;
                    extra
                }
            });
            out.push_str("</target>\n");
        }
        out.push_str("      </segment>\n    </unit>\n");
    }
    if chapter.is_some() {
        out.push_str("  </file>\n");
    }
    out.push_str("</xliff>\n");
    out
}

fn inline(out: &mut String, parts: &[Part], mut id_for: impl FnMut(usize) -> usize) {
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(&escape(t)),
            Part::Code(k) => out.push_str(&format!("<ph id=\"{}\" dataRef=\"d{}\"/>", id_for(*k), k + 1)),
        }
    }
}

/// One translated unit read from an exchange file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The chapter file name.
    pub chapter: String,
    /// The unit id.
    pub id: String,
    /// The translation as Markdown (absent when the file has no target for it).
    pub target: Option<String>,
}

#[derive(Default)]
struct UnitState {
    id: String,
    data: BTreeMap<String, String>,
    data_id: Option<String>,
    data_text: String,
    target: Option<Vec<(Option<String>, String)>>,
    in_target: bool,
    line: usize,
}

/// Read the targets of an XLIFF 2.0 document; `file` names it in errors.
pub fn read(text: &str, file: &Path) -> Result<Vec<Imported>, Diagnostic> {
    let mut reader = Reader::from_str(text);
    let line_at = |pos: u64| text[..(pos as usize).min(text.len())].matches('\n').count() + 1;
    let fail = |line: usize, message: String| super::import_error(file, line, message);
    let mut out = Vec::new();
    let mut chapter: Option<String> = None;
    let mut unit: Option<UnitState> = None;
    let mut saw_root = false;
    let mut open: Vec<String> = Vec::new();
    loop {
        let line = line_at(reader.buffer_position());
        let event = reader.read_event().map_err(|e| fail(line, format!("not well-formed XML: {e}")))?;
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) if !saw_root => {
                if is_start {
                    open.push(name(&e));
                }
                if e.local_name().as_ref() != b"xliff" || attr(&e, "version").as_deref() != Some("2.0") {
                    return Err(fail(line, "not an XLIFF 2.0 document (no <xliff version=\"2.0\">)".into()));
                }
                saw_root = true;
            }
            Event::Start(e) => match open_tag(&mut open, &e).as_str() {
                "file" => chapter = attr(&e, "id"),
                "unit" => {
                    let id = attr(&e, "id").ok_or_else(|| fail(line, "a <unit> without an id".into()))?;
                    unit = Some(UnitState { id, line, ..UnitState::default() });
                }
                "data" => {
                    if let Some(u) = unit.as_mut() {
                        u.data_id = attr(&e, "id");
                        u.data_text.clear();
                    }
                }
                "target" => {
                    if let Some(u) = unit.as_mut() {
                        u.in_target = true;
                        u.target.get_or_insert_with(Vec::new);
                    }
                }
                "pc" | "sc" | "ec" if unit.as_ref().is_some_and(|u| u.in_target) => {
                    let id = unit.as_ref().map(|u| u.id.clone()).unwrap_or_default();
                    return Err(fail(
                        line,
                        format!("unit `{id}`: <{}> is not supported here; keep the <ph> codes", name(&e)),
                    ));
                }
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"ph" => {
                if let Some(u) = unit.as_mut().filter(|u| u.in_target) {
                    let r = attr(&e, "dataRef")
                        .ok_or_else(|| fail(line, format!("unit `{}`: a <ph> without dataRef", u.id)))?;
                    u.target.get_or_insert_with(Vec::new).push((Some(r), String::new()));
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == b"target" => {
                if let Some(u) = unit.as_mut() {
                    u.target = Some(Vec::new());
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| fail(line, format!("bad text: {e}")))?;
                push_text(unit.as_mut(), &s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| fail(line, format!("bad text: {e}")))?;
                push_text(unit.as_mut(), &s);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| fail(line, format!("bad reference: {e}")))?;
                let c = resolve(&name).ok_or_else(|| fail(line, format!("unknown entity `&{name};`")))?;
                push_text(unit.as_mut(), &c.to_string());
            }
            Event::End(e) => match {
                open.pop();
                String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
            }
            .as_str()
            {
                "data" => {
                    if let Some(u) = unit.as_mut()
                        && let Some(id) = u.data_id.take()
                    {
                        u.data.insert(id, std::mem::take(&mut u.data_text));
                    }
                }
                "target" => {
                    if let Some(u) = unit.as_mut() {
                        u.in_target = false;
                    }
                }
                "unit" => {
                    let Some(u) = unit.take() else { continue };
                    let Some(chapter) = chapter.clone() else {
                        return Err(fail(u.line, format!("unit `{}` is outside a <file id=\"...\">", u.id)));
                    };
                    let target = match u.target {
                        None => None,
                        Some(parts) => Some(join(&u.data, &parts).map_err(|r| {
                            fail(u.line, format!("unit `{}` of {chapter}: the target refers to `{r}`, which its <originalData> lacks", u.id))
                        })?),
                    };
                    out.push(Imported { chapter, id: u.id, target });
                }
                _ => {}
            },
            Event::Eof => {
                if let Some(last) = open.last() {
                    let inside = unit.as_ref().map(|u| format!(" (in unit `{}`)", u.id)).unwrap_or_default();
                    return Err(fail(line, format!("the file ends inside <{last}>{inside}: it is incomplete")));
                }
                break;
            }
            _ => {}
        }
    }
    if !saw_root {
        return Err(fail(1, "not an XLIFF 2.0 document (empty)".into()));
    }
    Ok(out)
}

fn push_text(unit: Option<&mut UnitState>, s: &str) {
    let Some(u) = unit else { return };
    if u.data_id.is_some() {
        u.data_text.push_str(s);
    } else if u.in_target
        && let Some(t) = u.target.as_mut()
    {
        t.push((None, s.to_string()));
    }
}

fn join(data: &BTreeMap<String, String>, parts: &[(Option<String>, String)]) -> Result<String, String> {
    let table: Vec<String> = data.values().cloned().collect();
    let keys: Vec<&String> = data.keys().collect();
    let coded: Vec<Part> = parts
        .iter()
        .map(|(r, t)| match r {
            None => Ok(Part::Text(t.clone())),
            Some(r) => keys.iter().position(|k| *k == r).map(Part::Code).ok_or_else(|| r.clone()),
        })
        .collect::<Result<_, _>>()?;
    decode(&table, &coded).map_err(|k| format!("d{}", k + 1))
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn open_tag(open: &mut Vec<String>, e: &BytesStart) -> String {
    let n = name(e);
    open.push(n.clone());
    n
}

fn name(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn resolve(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::units::units;

    fn entry(source: &str, target: Option<&str>) -> Entry {
        Entry {
            chapter: "01-a.md".into(),
            unit: units(source, "en").remove(0),
            source: "chapters/en/01-a.md".into(),
            target: target.map(str::to_string),
            outdated: false,
        }
    }

    #[test]
    fn targets_with_markup_and_xml_specials_read_back_as_written() {
        let e = entry(
            "**FES:** A & B <i> [site](https://x.org/?a=1&b=2) [@k].\n",
            Some("**FES:** A & B « [site](https://x.org/?a=1&b=2) » [@k]."),
        );
        let xml = write(&[e.clone(), entry("Untranslated \"quote\".\n", None)], "en", "fr");
        let back = read(&xml, Path::new("x.xlf")).unwrap();
        assert_eq!(back[0].target.as_deref(), e.target.as_deref());
        assert_eq!(back[0].id, e.unit.id);
        assert_eq!(back[1].target, None);
    }

    #[test]
    fn a_file_cut_short_is_an_error_naming_the_open_unit() {
        let xml = write(&[entry("Some text.\n", Some("Du texte."))], "en", "fr");
        let cut = &xml[..xml.find("</target>").unwrap()];
        let err = read(cut, Path::new("x.xlf")).unwrap_err();
        assert!(err.message.contains("is incomplete") && err.message.contains("in unit `u"), "{}", err.message);
    }
}
