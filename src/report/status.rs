//! The translation status of a project as `spotlight status` prints it: a table for people or one
//! JSON document for machines. Never touches the disk.

use crate::project::Plan;
use crate::project::status::ChapterState;

/// Render the translation status of a plan's editions as text for people.
pub fn text(plan: &Plan) -> String {
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
                    let _ = std::fmt::Write::write_fmt(
                        &mut out,
                        format_args!("  {:<11} {}{detail}\n", c.state.word(), c.name),
                    );
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

/// Render the translation status of a plan's editions as one JSON document.
pub fn json(plan: &Plan) -> serde_json::Value {
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
