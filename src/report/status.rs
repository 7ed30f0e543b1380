//! The translation status of a project as `spotlight status` prints it: a table for people or one
//! JSON document for machines, with the source units that changed since a chapter was synced.
//! Never touches the disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::project::Plan;
use crate::project::status::ChapterState;
use crate::translate::Change;

/// The unit changes of one edition's synced chapters: file name -> (source, translation, changes).
pub type ChapterChanges = BTreeMap<String, (PathBuf, PathBuf, Vec<Change>)>;

/// The unit changes of every edition, by language.
pub type UnitChanges = BTreeMap<String, ChapterChanges>;

/// Render the translation status of a plan's editions as text for people.
pub fn text(plan: &Plan) -> String {
    text_with(plan, &UnitChanges::new())
}

/// Render the status as text, naming under each synced chapter the source units that changed.
pub fn text_with(plan: &Plan, changes: &UnitChanges) -> String {
    let mut out = String::new();
    for ed in &plan.editions {
        match &ed.translation {
            Some(t) if ed.lang != plan.source_lang => {
                let _ = std::fmt::Write::write_fmt(
                    &mut out,
                    format_args!("{} (translation of {}, {})\n", ed.lang, t.of, t.status),
                );
                for c in &ed.status {
                    let detail = match &c.state {
                        ChapterState::Stale { recorded, current } => {
                            format!("  recorded source-hash {recorded}, source now {current}")
                        }
                        ChapterState::Unverified { current } | ChapterState::Missing { current } => {
                            format!("  source-hash {current}")
                        }
                        ChapterState::Unreadable { file, reason } => {
                            format!("  cannot read {}: {reason}", file.display())
                        }
                        ChapterState::Translated | ChapterState::Extra => String::new(),
                    };
                    let units = changes.get(&ed.lang).and_then(|m| m.get(&c.name));
                    let detail = match units {
                        Some((_, _, list)) if list.is_empty() => "  synced, no source unit changed".to_string(),
                        Some((_, _, list)) => format!("  {} source unit(s) changed since sync", list.len()),
                        None => detail,
                    };
                    let _ = std::fmt::Write::write_fmt(
                        &mut out,
                        format_args!("  {:<11} {}{detail}\n", c.state.word(), c.name),
                    );
                    if let Some((src, tr, list)) = units {
                        for u in list {
                            out.push_str(&unit_line(src, tr, u));
                        }
                    }
                }
            }
            _ => {
                let _ = std::fmt::Write::write_fmt(
                    &mut out,
                    format_args!("{} (source, {} chapters)\n", ed.lang, ed.chapters.len()),
                );
            }
        }
    }
    out
}

fn place(path: &Path, line: Option<usize>) -> String {
    let p = path.to_string_lossy().replace('\\', "/");
    line.map_or(p.clone(), |l| format!("{p}:{l}"))
}

/// One changed unit as two lines: what and where on both sides, then its word diff (shortened).
fn unit_line(src: &Path, tr: &Path, u: &Change) -> String {
    let source = match (u.source_line, u.synced_line) {
        (Some(now), Some(then)) if now != then => format!("{} (was line {then})", place(src, Some(now))),
        (Some(now), _) => place(src, Some(now)),
        (None, then) => format!("{} (was line {})", place(src, None), then.unwrap_or(0)),
    };
    let translation = u.translation_line.map_or("no translated unit".to_string(), |l| place(tr, Some(l)));
    format!("    {} {} {source} -> {translation}\n      {}\n", u.what, u.kind, shorten(&u.diff))
}

/// Keep six words around each change of a word diff and elide the rest.
fn shorten(diff: &str) -> String {
    let words: Vec<&str> = diff.split(' ').collect();
    let marked: Vec<bool> = words
        .iter()
        .map(|w| w.starts_with("[-") || w.starts_with("{+") || w.ends_with("-]") || w.ends_with("+}"))
        .collect();
    let mut inside = false;
    let mut change = vec![false; words.len()];
    for (i, w) in words.iter().enumerate() {
        if w.starts_with("[-") || w.starts_with("{+") {
            inside = true;
        }
        change[i] = inside || marked[i];
        if w.ends_with("-]") || w.ends_with("+}") {
            inside = false;
        }
    }
    let near = |i: usize| (i.saturating_sub(6)..(i + 7).min(words.len())).any(|j| change[j]);
    let mut out: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if near(i) {
            out.push(w);
        } else if out.last() != Some(&"…") {
            out.push("…");
        }
    }
    out.join(" ")
}

/// Render the translation status of a plan's editions as one JSON document.
pub fn json(plan: &Plan) -> serde_json::Value {
    json_with(plan, &UnitChanges::new())
}

/// Render the status as JSON, with a `units` list under each synced chapter.
pub fn json_with(plan: &Plan, changes: &UnitChanges) -> serde_json::Value {
    let editions: Vec<serde_json::Value> = plan
        .editions
        .iter()
        .map(|ed| {
            let translation = ed.translation.as_ref().filter(|_| ed.lang != plan.source_lang);
            let chapters: Vec<serde_json::Value> = if translation.is_some() {
                ed.status
                    .iter()
                    .map(|c| {
                        let mut v = serde_json::json!({
                            "file": c.name,
                            "state": c.state.word(),
                            "source": c.source.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")),
                            "translation": c.translation.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")),
                        });
                        match &c.state {
                            ChapterState::Stale { recorded, current } => {
                                v["recorded_hash"] = recorded.clone().into();
                                v["source_hash"] = current.clone().into();
                            }
                            ChapterState::Unverified { current } | ChapterState::Missing { current } => {
                                v["source_hash"] = current.clone().into();
                            }
                            ChapterState::Unreadable { file, reason } => {
                                v["unreadable"] = file.to_string_lossy().replace('\\', "/").into();
                                v["reason"] = reason.clone().into();
                            }
                            ChapterState::Translated | ChapterState::Extra => {}
                        }
                        if let Some((src, tr, list)) = changes.get(&ed.lang).and_then(|m| m.get(&c.name)) {
                            v["synced"] = true.into();
                            v["units"] = list
                                .iter()
                                .map(|u| {
                                    serde_json::json!({
                                        "change": u.what,
                                        "kind": u.kind,
                                        "id": u.id,
                                        "source": u.source_line.map(|l| place(src, Some(l))),
                                        "synced_source_line": u.synced_line,
                                        "translation": u.translation_line.map(|l| place(tr, Some(l))),
                                        "diff": u.diff,
                                    })
                                })
                                .collect::<Vec<_>>()
                                .into();
                        }
                        v
                    })
                    .collect()
            } else {
                ed.chapters
                    .iter()
                    .map(|c| {
                        let name = c.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        serde_json::json!({ "file": name, "state": "source" })
                    })
                    .collect()
            };
            serde_json::json!({
                "lang": ed.lang,
                "translation_of": translation.map(|t| t.of.clone()),
                "status": translation.map(|t| t.status.clone()),
                "chapters": chapters,
            })
        })
        .collect();
    serde_json::json!({ "source_lang": plan.source_lang, "editions": editions })
}
