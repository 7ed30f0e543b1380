//! Writing translated units back into Markdown: checks every imported target against today's
//! source (its unit must still exist, its citations and footnote references must survive) before
//! any file changes, then replaces only the units whose text differs, so a round trip with no
//! edit changes no byte. Returns the new file texts; never touches the disk.

use std::path::PathBuf;

use super::Pair;
use super::xliff::Imported;
use crate::diag::{Code, Diagnostic};
use crate::markdown::units::{self, Piece};

/// Work out the chapter files an import changes: (path relative to the root, new text).
pub fn apply(
    pairs: &[Pair],
    imported: &[Imported],
    file: &std::path::Path,
) -> Result<Vec<(PathBuf, String)>, Diagnostic> {
    let fail = |message: String, hint: &str| {
        Diagnostic::error(message).in_file(file).with_hint(hint.to_string()).code(Code::Translation)
    };
    let mut out = Vec::new();
    for pair in pairs {
        let mine: Vec<&Imported> = imported.iter().filter(|u| u.chapter == pair.name).collect();
        if mine.is_empty() {
            continue;
        }
        let exists = pair.translation_text.is_some();
        let base = pair.translation_text.as_deref().unwrap_or(&pair.source_text);
        let base_units = if exists { &pair.translation_units } else { &pair.source_units };
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        for u in mine {
            let Some(target) = &u.target else { continue };
            let name = format!("{}#{}", u.chapter, u.id);
            let Some(j) = pair.source_units.iter().position(|s| s.id == u.id) else {
                return Err(fail(
                    format!("unit `{name}` is not in today's source: it changed or was removed after the export"),
                    "export again and carry the translation over",
                ));
            };
            let index = if exists { pair.target_of[j] } else { Some(j) };
            let Some(current) = index.and_then(|i| base_units.get(i)) else {
                return Err(fail(
                    format!(
                        "unit `{name}` has no place in {}: it was added to the source after the last sync",
                        pair.translation.display()
                    ),
                    "add a paragraph for it in the translation by hand, then run `spotlight translate sync`",
                ));
            };
            let new = units::normalise(target);
            if new.is_empty() {
                return Err(fail(format!("unit `{name}` has an empty target"), "translate it, or remove the target"));
            }
            if exists && new == current.text {
                continue;
            }
            for piece in units::pieces(&pair.source_units[j].text) {
                if let Piece::Markup(m) = piece
                    && (m.starts_with("[@") || m.starts_with("[^") || m.starts_with("[-@"))
                    && !new.contains(&m)
                {
                    return Err(fail(
                        format!("unit `{name}`: the target lost `{m}`"),
                        "keep every citation and footnote marker of the source in the translation",
                    ));
                }
            }
            edits.push((current.range.clone(), new));
        }
        if edits.is_empty() {
            continue;
        }
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut text = base.to_string();
        for (range, new) in edits {
            text.replace_range(range, &new);
        }
        out.push((pair.translation.clone(), text));
    }
    for u in imported {
        if !pairs.iter().any(|p| p.name == u.chapter) {
            return Err(fail(
                format!("unit `{}#{}` names a chapter the source does not have", u.chapter, u.id),
                "export again",
            ));
        }
    }
    Ok(out)
}
