//! Builds spread over CI jobs: each job builds some editions into its own folder, the artifacts are
//! gathered, and `spotlight manifest merge` gives the manifest one machine's build would have.

use std::fs;
use std::path::Path;

use crate::common::{Project, fixture};

fn build_into(p: &Project, out: &Path, langs: &[&str]) {
    let mut args = vec!["build", "--out", out.to_str().unwrap(), "--no-cache"];
    for lang in langs {
        args.extend(["--lang", lang]);
    }
    p.run(&args).expect_code(0);
}

fn merge(p: &Project, output: &Path, parts: &[&Path]) -> crate::common::Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spotlight"));
    cmd.args(["manifest", "merge", "--project"]).arg(p.path()).arg("-o").arg(output).args(parts);
    crate::common::Run::checked(cmd.output().unwrap())
}

#[test]
fn sharded_builds_merge_into_the_manifest_of_a_single_build() {
    let p = Project::copy_of(&fixture("languages"));
    let root = tempfile::tempdir().unwrap();
    let (single, a, b, merged) =
        (root.path().join("single"), root.path().join("a"), root.path().join("b"), root.path().join("merged"));
    build_into(&p, &single, &[]);
    build_into(&p, &a, &["pt-BR", "en"]);
    build_into(&p, &b, &["de-AT", "de"]);
    // The release job: gather every job's artifacts in one folder, then merge their manifests.
    fs::create_dir_all(&merged).unwrap();
    for part in [&a, &b] {
        for entry in fs::read_dir(part).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e != "json") {
                fs::copy(&path, merged.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let run = merge(&p, &merged.join("manifest.json"), &[&a.join("manifest.json"), &b.join("manifest.json")]);
    run.expect_code(0);
    assert_eq!(
        fs::read_to_string(merged.join("manifest.json")).unwrap(),
        fs::read_to_string(single.join("manifest.json")).unwrap(),
        "the merged manifest is the single build's"
    );
    // A missing edition, a missing artifact and a tampered one are each refused, naming the problem.
    let run = merge(&p, &root.path().join("x.json"), &[&a.join("manifest.json")]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("de, de-AT") || run.stderr().contains("de-AT"), "{}", run.stderr());
    fs::write(merged.join("languages-de.pdf"), b"%PDF-1.7 not ours").unwrap();
    let run = merge(&p, &merged.join("manifest.json"), &[&a.join("manifest.json"), &b.join("manifest.json")]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("languages-de.pdf"), "{}", run.stderr());
}

#[test]
fn parts_from_different_builds_are_refused() {
    let p = Project::copy_of(&fixture("languages"));
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    build_into(&p, &a, &["en", "de", "de-AT"]);
    p.write(
        "report.yaml",
        fs::read_to_string(p.path().join("report.yaml")).unwrap().replace("Languages Fixture", "Other"),
    );
    build_into(&p, &b, &["pt-BR"]);
    let run = merge(&p, &root.path().join("m.json"), &[&a.join("manifest.json"), &b.join("manifest.json")]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("`report` differs"), "{}", run.stderr());
}

#[test]
fn the_release_workflow_builds_every_edition_of_the_report() {
    let workflow = fs::read_to_string(crate::common::repo().join(".github/workflows/release.yml")).unwrap();
    let config = fs::read_to_string(crate::common::repo().join("report.yaml")).unwrap();
    let list = |text: &str, key: &str| -> Vec<String> {
        let line = text.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("no `{key}` line"));
        let inner = line.split('[').nth(1).and_then(|r| r.split(']').next()).unwrap_or("");
        inner.split(',').map(|s| s.trim().to_string()).collect()
    };
    assert_eq!(list(&workflow, "lang:"), list(&config, "editions:"), "the matrix must list report.yaml's editions");
    assert!(workflow.contains("manifest merge"), "the release job merges the parts' manifests");
}
