//! Keeps the layering of `src/` true: every `crate::` and `super::` path a file names must lead to
//! its own layer or a lower one, no two files may import each other in a circle, and only `project`
//! and `output` touch the disk. The layers, lowest first, are the README's layout table.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module path prefixes and their layer, lowest first; the longest matching prefix wins.
const LAYERS: &[(&str, u8)] = &[
    ("", 0),
    ("diag", 0),
    ("lang", 0),
    ("cli", 0),
    ("document::model", 0),
    ("document::walk", 0),
    ("document::roles", 0),
    ("project", 1),
    ("markdown", 2),
    ("document", 3),
    ("translate", 3),
    ("formats", 4),
    ("output", 5),
    ("pipeline", 6),
    ("report", 7),
    ("commands", 8),
];

/// Folders whose files may use `std::fs`.
const DISK: &[&str] = &["project", "output"];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module path of a source file (`src/formats/pdf/mod.rs` -> `formats::pdf`).
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

fn layer_of(module: &str) -> u8 {
    LAYERS
        .iter()
        .filter(|(prefix, _)| prefix.is_empty() || module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, layer)| *layer)
        .unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every module path a file names, resolved to a module that exists: `crate::a::b::{c, d}` and
/// `super::x` in `use` lines, and `crate::a::b` written inline.
fn targets(file: &Path, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let me = module_of(file);
    // `super` of a file `a/b.rs` is `a`; of `a/b/mod.rs` it is `a` too.
    let parent: Vec<&str> = {
        let mut p: Vec<&str> = me.split("::").filter(|s| !s.is_empty()).collect();
        p.pop();
        p
    };
    let mut out = BTreeSet::new();
    let mut paths: Vec<String> = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest: String =
            code[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        paths.push(rest);
    }
    for line in code.lines() {
        if let Some(rest) = line.trim_start().trim_start_matches("pub ").strip_prefix("use super::") {
            let rest: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            let mut full = parent.join("::");
            if !full.is_empty() && !rest.is_empty() {
                full.push_str("::");
            }
            full.push_str(&rest);
            paths.push(full);
        }
    }
    // `use child::...` in a module file names one of its own submodules.
    for line in code.lines() {
        let line = line.trim_start().trim_start_matches("pub ");
        if let Some(rest) = line.strip_prefix("use ")
            && !rest.starts_with("crate::")
            && !rest.starts_with("super::")
            && !rest.starts_with("std::")
        {
            let first: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let child = if me.is_empty() { first.clone() } else { format!("{me}::{first}") };
            if modules.contains(&child) {
                paths.push(child);
            }
        }
    }
    for path in paths {
        let mut parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        while !parts.is_empty() && !modules.contains(&parts.join("::")) {
            parts.pop();
        }
        let target = parts.join("::");
        if target != me {
            out.insert(target);
        }
    }
    out
}

#[test]
fn imports_go_only_downward_and_never_in_a_circle() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.retain(|f| !f.ends_with("main.rs"));
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    let mut disk = Vec::new();
    for file in &files {
        let code = code_of(&fs::read_to_string(file).unwrap());
        let me = module_of(file);
        let edges = targets(file, &code, &modules);
        for target in &edges {
            if layer_of(target) > layer_of(&me) {
                upward.push(format!("{me} (layer {}) -> {target} (layer {})", layer_of(&me), layer_of(target)));
            }
        }
        if code.contains("std::fs") && !DISK.iter().any(|d| me == *d || me.starts_with(&format!("{d}::"))) {
            disk.push(me.clone());
        }
        graph.insert(me, edges);
    }
    assert!(upward.is_empty(), "imports that go upward:\n{}", upward.join("\n"));
    assert!(disk.is_empty(), "modules outside project/ and output/ that touch the disk: {disk:?}");

    // Depth-first search for a circle between files (the crate root only declares modules).
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten().filter(|n| !n.is_empty()) {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|s| s == next).unwrap();
                    let mut circle = stack[start..].to_vec();
                    circle.push(next.clone());
                    return Some(circle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node)
            && let Some(circle) = visit(node, &graph, &mut state, &mut Vec::new())
        {
            panic!("import circle: {}", circle.join(" -> "));
        }
    }
}

#[test]
fn no_source_file_is_over_the_size_guideline() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut big = Vec::new();
    for file in files {
        let lines = fs::read_to_string(&file).unwrap().lines().count();
        // Renderers (the Typst and XHTML writers, the Markdown lowering) may reach ~900 lines.
        let renderer = ["typst.rs", "xhtml.rs", "lower.rs"].iter().any(|r| file.ends_with(r));
        if lines > if renderer { 900 } else { 560 } {
            big.push(format!("{} ({lines} lines)", file.display()));
        }
    }
    assert!(big.is_empty(), "files over the size guideline: {big:?}");
}

#[test]
fn the_layer_table_reads_the_tree() {
    assert_eq!(layer_of("document::model"), 0);
    assert_eq!(layer_of("document::passes::people"), 3);
    assert_eq!(layer_of("formats::pdf::world"), 4);
    assert_eq!(layer_of(""), 0);
}
