//! `spotlight manifest merge`: one manifest from the manifests of builds spread over several
//! machines (one CI job per edition or group). The builds must agree on the tool, its version, the
//! source and the report; an artifact listed twice must have one hash; the merged manifest lists
//! the artifacts and editions in the project's order, as one machine's build of them all would.
//! Pure: takes and gives JSON values; reading and writing files is the caller's.

use serde_json::{Value, json};

/// One input manifest and the name to show in errors.
pub struct Part<'a> {
    /// The file it came from, as the user named it.
    pub name: &'a str,
    /// Its parsed contents.
    pub manifest: Value,
}

/// Merge manifests; `editions` is the project's edition order, `formats` the format order.
pub fn merge(parts: &[Part], editions: &[String], formats: &[&str]) -> Result<Value, String> {
    let first = parts.first().ok_or("no manifest to merge")?;
    for key in ["tool", "source", "report"] {
        for part in &parts[1..] {
            if part.manifest[key] != first.manifest[key] {
                return Err(format!(
                    "`{key}` differs: {} has {}, {} has {}; every part must come from the same commit and tool",
                    first.name, first.manifest[key], part.name, part.manifest[key]
                ));
            }
        }
    }
    let mut artifacts: Vec<(&str, Value)> = Vec::new();
    let mut built: Vec<(&str, Value)> = Vec::new();
    for part in parts {
        for a in part.manifest["artifacts"].as_array().ok_or(format!("{} lists no artifacts", part.name))? {
            let path = a["path"].as_str().ok_or(format!("{}: an artifact without a path", part.name))?;
            match artifacts.iter().find(|(_, b)| b["path"] == a["path"]) {
                Some((other, b)) if b["sha256"] != a["sha256"] => {
                    return Err(format!(
                        "`{path}` has two hashes: {} in {other}, {} in {}; the builds are not reproducible",
                        b["sha256"], a["sha256"], part.name
                    ));
                }
                Some(_) => {}
                None => artifacts.push((part.name, a.clone())),
            }
        }
        for e in part.manifest["editions"].as_array().ok_or(format!("{} lists no editions", part.name))? {
            match built.iter().find(|(_, f)| f["lang"] == e["lang"]) {
                Some((other, f)) if *f != *e => {
                    return Err(format!("edition {} differs between {other} and {}", e["lang"], part.name));
                }
                Some(_) => {}
                None => built.push((part.name, e.clone())),
            }
        }
    }
    let missing: Vec<&String> =
        editions.iter().filter(|lang| !built.iter().any(|(_, e)| e["lang"] == lang.as_str())).collect();
    if !missing.is_empty() {
        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(format!("no part built the edition(s) {}; add their jobs", list.join(", ")));
    }
    let rank = |lang: &Value, format: &Value| {
        let e = editions.iter().position(|l| lang == l.as_str()).unwrap_or(usize::MAX);
        let f = formats.iter().position(|f| format == *f).unwrap_or(usize::MAX);
        (e, f)
    };
    let mut artifacts: Vec<Value> = artifacts.into_iter().map(|(_, a)| a).collect();
    artifacts.sort_by_key(|a| rank(&a["edition"], &a["format"]));
    let mut built: Vec<Value> = built.into_iter().map(|(_, e)| e).collect();
    built.sort_by_key(|e| rank(&e["lang"], &Value::Null));
    let count = |key: &str| parts.iter().filter_map(|p| p.manifest["diagnostics"][key].as_u64()).sum::<u64>();
    let mut merged = first.manifest.clone();
    merged["artifacts"] = Value::Array(artifacts);
    merged["editions"] = Value::Array(built);
    merged["diagnostics"] = json!({ "errors": count("errors"), "warnings": count("warnings") });
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part<'a>(name: &'a str, lang: &str, sha: &str) -> Part<'a> {
        Part {
            name,
            manifest: json!({
                "tool": {"name": "spotlight", "version": "1"},
                "source": {"commit": "abc"},
                "report": {"slug": "r"},
                "artifacts": [
                    {"path": format!("r-{lang}.epub"), "edition": lang, "format": "epub", "sha256": sha},
                    {"path": format!("r-{lang}.pdf"), "edition": lang, "format": "pdf", "sha256": sha},
                ],
                "editions": [{"lang": lang, "result": "built"}],
                "diagnostics": {"errors": 0, "warnings": 1},
            }),
        }
    }

    #[test]
    fn parts_merge_in_project_order() {
        let langs = ["en".to_string(), "fr".to_string()];
        let merged = merge(&[part("b.json", "fr", "2"), part("a.json", "en", "1")], &langs, &["pdf", "epub"]).unwrap();
        let paths: Vec<&str> =
            merged["artifacts"].as_array().unwrap().iter().map(|a| a["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["r-en.pdf", "r-en.epub", "r-fr.pdf", "r-fr.epub"]);
        assert_eq!(merged["editions"][0]["lang"], "en");
        assert_eq!(merged["diagnostics"]["warnings"], 2);
    }

    #[test]
    fn disagreements_are_errors_naming_the_parts() {
        let langs = ["en".to_string(), "fr".to_string()];
        let mut other = part("b.json", "fr", "2");
        other.manifest["tool"]["version"] = json!("2");
        let err = merge(&[part("a.json", "en", "1"), other], &langs, &["pdf"]).unwrap_err();
        assert!(err.contains("`tool` differs") && err.contains("b.json"), "{err}");
        let err = merge(&[part("a.json", "en", "1"), part("b.json", "en", "9")], &langs, &["pdf"]).unwrap_err();
        assert!(err.contains("two hashes"), "{err}");
        let err = merge(&[part("a.json", "en", "1")], &langs, &["pdf"]).unwrap_err();
        assert!(err.contains("fr"), "{err}");
    }
}
