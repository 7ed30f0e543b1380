//! End to end: what CI relies on. Byte-identical artifacts across directories and job counts, a
//! manifest whose hashes match, machine-readable diagnostics, deliberate exit codes, no partial or
//! stale artifact after a failure.

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;

use crate::common::{Project, fixture};

fn hashes(p: &Project) -> BTreeMap<String, String> {
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(p.dist("manifest.json")).unwrap()).unwrap();
    manifest["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["path"].as_str().unwrap().to_string(), a["sha256"].as_str().unwrap().to_string()))
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn builds_in_different_directories_with_different_jobs_are_byte_identical() {
    let a = Project::report();
    let b = Project::report();
    a.run(&["build", "--jobs", "1"]).expect_code(0);
    b.run(&["build"]).expect_code(0);
    let (ha, hb) = (hashes(&a), hashes(&b));
    assert_eq!(ha.len(), 12, "6 editions x 2 formats");
    assert_eq!(ha, hb);
    for (path, hash) in &ha {
        assert_eq!(&sha256(&fs::read(a.dist(path)).unwrap()), hash, "{path}: manifest hash matches the file");
        let bytes = fs::read(a.dist(path)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(a.path().to_str().unwrap()), "{path} contains the build directory");
    }
}

#[test]
fn the_manifest_lists_every_artifact_with_edition_status_and_tool() {
    let p = Project::report();
    p.run(&["build"]).expect_code(0);
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(p.dist("manifest.json")).unwrap()).unwrap();
    let files: Vec<String> = fs::read_dir(p.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf") || n.ends_with(".epub"))
        .collect();
    let listed = hashes(&p);
    for file in &files {
        assert!(listed.contains_key(file), "{file} not in the manifest");
    }
    for artifact in manifest["artifacts"].as_array().unwrap() {
        assert!(artifact["bytes"].as_u64().unwrap() > 0);
        assert!(artifact["words"].as_u64().unwrap() > 1000, "{artifact}");
        if artifact["format"] == "pdf" {
            assert!(artifact["pages"].as_u64().unwrap() > 5);
        }
        assert!(!artifact["validators"].as_array().unwrap().is_empty());
    }
    assert_eq!(manifest["tool"]["name"], "spotlight");
    assert_eq!(manifest["tool"]["typst"], "0.15.1");
    let fr = manifest["editions"].as_array().unwrap().iter().find(|e| e["lang"] == "fr").unwrap();
    assert_eq!(fr["translation"]["of"], "en");
    assert_eq!(fr["translation"]["chapters"]["translated"], 7);
}

#[test]
fn yaml_syntax_error_exits_2_in_every_message_format() {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("report.yaml", "title: Minimal\nslug: minimal: x\nyear: 2024\n");
    let human = p.run(&["build"]);
    human.expect_code(2);
    let first = human.stderr().lines().take(2).collect::<Vec<_>>().join("\n");
    assert_eq!(first, "error: mapping values are not allowed in this context\n  --> report.yaml:2:14");

    let json = p.run(&["build", "--message-format", "json"]);
    json.expect_code(2);
    let line = json.stderr().lines().next().unwrap().to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["severity"], "error");
    assert_eq!(v["code"], "config");
    assert_eq!(v["file"], "report.yaml");
    assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(2), Some(14)));

    let github = p.run(&["build", "--message-format", "github"]);
    github.expect_code(2);
    assert_eq!(
        github.stderr().lines().next().unwrap(),
        "::error file=report.yaml,line=2,col=14,title=spotlight config::mapping values are not allowed in this context"
    );
}

#[test]
fn content_error_exits_1_in_every_message_format() {
    let p = Project::with_chapter("# T\n\n![chart](chart.png)\n");
    let json = p.run(&["build", "--message-format", "json"]);
    json.expect_code(1);
    assert_eq!(
        json.stderr().lines().next().unwrap(),
        r#"{"code":"image","column":1,"file":"chapters/en/01-chapter.md","hint":"expected the file at chapters/en/chart.png","line":3,"message":"image not found: `chart.png`","severity":"error"}"#
    );
    let github = p.run(&["build", "--message-format", "github"]);
    github.expect_code(1);
    assert_eq!(
        github.stderr().lines().next().unwrap(),
        "::error file=chapters/en/01-chapter.md,line=3,col=1,title=spotlight image::image not found: `chart.png`%0Ahint: expected the file at chapters/en/chart.png"
    );
}

#[test]
fn deny_warnings_turns_warnings_into_a_failing_exit() {
    let p = Project::with_chapter("# T\n\nText with <span>inline HTML</span>.\n");
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let run = p.run(&["build", "--format", "pdf", "--deny-warnings"]);
    run.expect_code(1);
    assert!(run.stderr().contains("warning: raw HTML is not rendered"));
}

#[test]
fn a_failed_edition_leaves_no_partial_or_stale_artifact() {
    let p = Project::report();
    p.run(&["build", "--format", "pdf"]).expect_code(0);
    let es = p.dist("imrf-spotlight-es.pdf");
    assert!(es.is_file());
    // A file Spotlight did not write must survive.
    fs::write(p.dist("notes.txt"), "mine").unwrap();
    // Break the Spanish edition: its old PDF must not stay under the final name.
    let path = p.path().join("chapters/es/02-expectations.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n[@no-such-key]\n")).unwrap();
    let run = p.run(&["build", "--format", "pdf"]);
    run.expect_code(1);
    assert!(!es.exists(), "the failed edition's old PDF was left in place");
    assert!(run.stderr().contains("removed `imrf-spotlight-es.pdf` from an earlier build"), "{}", run.stderr());
    assert_eq!(fs::read_to_string(p.dist("notes.txt")).unwrap(), "mine");
    for lang in ["en", "fr", "ar", "he", "zh"] {
        assert!(p.dist(&format!("imrf-spotlight-{lang}.pdf")).is_file());
    }
    let leftovers: Vec<String> = fs::read_dir(p.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(p.dist("manifest.json")).unwrap()).unwrap();
    let es_entry = manifest["editions"].as_array().unwrap().iter().find(|e| e["lang"] == "es").unwrap().clone();
    assert_eq!(es_entry["result"], "failed");
}

#[test]
fn version_and_completions() {
    let out = Command::new(env!("CARGO_BIN_EXE_spotlight")).arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("spotlight ") && text.contains("(typst 0.15.1)"), "{text}");
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_spotlight")).args(["completions", shell]).output().unwrap();
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("spotlight"), "{shell}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_spotlight")).args(["build", "--format", "docx"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn timings_are_reported_per_stage() {
    let p = Project::copy_of(&fixture("minimal"));
    let json = p.path().join("timings.json");
    let run = p.run(&["build", "--timings", "--timings-json", json.to_str().unwrap()]);
    run.expect_code(0);
    for stage in ["parse", "render", "typst compile", "pdf export", "epub packaging", "write"] {
        assert!(run.stderr().contains(stage), "{stage} missing:\n{}", run.stderr());
    }
    let v: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    assert!(v["seconds"]["typst compile"].as_f64().unwrap() > 0.0);
}
