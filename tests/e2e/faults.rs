//! Faults survived: watch keeps the last good artifact and says it is stale, a chapter deleted or
//! saved by rename or truncate-and-write while watching, a read-only or vanished output folder, a
//! full disk (injected: a file where the output folder should be cannot take writes either), two
//! builds into one folder at once. Each ends in a clear error or a correct result, and the manifest
//! lists exactly the files beside it with their hashes.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use sha2::Digest;

use crate::common::{self, Project, fixture};

fn wait_for(what: &str, log: &Path, mut ready: impl FnMut(&str) -> bool) {
    for _ in 0..600 {
        let mut s = String::new();
        if let Ok(mut f) = fs::File::open(log) {
            let _ = f.read_to_string(&mut s);
        }
        if ready(&s) {
            return;
        }
        sleep(Duration::from_millis(100));
    }
    panic!("gave up waiting for {what}: {}", fs::read_to_string(log).unwrap_or_default());
}

/// Every artifact the manifest lists is beside it with that hash, and no other artifact is.
fn assert_manifest_matches(dir: &Path) {
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = Vec::new();
    for a in manifest["artifacts"].as_array().unwrap() {
        let rel = a["path"].as_str().unwrap();
        let bytes = fs::read(dir.join(rel)).unwrap_or_else(|_| panic!("manifest lists missing {rel}"));
        let hash: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(a["sha256"].as_str().unwrap(), hash, "{rel} changed under the manifest");
        listed.push(rel.to_string());
    }
    for entry in fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
        if name.ends_with(".pdf") || name.ends_with(".epub") {
            assert!(listed.contains(&name), "{name} is not in the manifest {listed:?}");
        }
    }
}

fn watch(p: &Project) -> (Child, std::path::PathBuf) {
    let log = p.path().join("watch.log");
    let child = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["watch", "--project"])
        .arg(p.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    (child, log)
}

fn stop(mut child: Child) {
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    for _ in 0..300 {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("watch did not stop on Ctrl-C");
}

#[test]
fn watch_keeps_the_last_good_artifact_says_it_is_stale_and_replaces_it_when_fixed() {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("chapters/en/02-second.md", "# Second\n\nMore.\n");
    let (child, log) = watch(&p);
    let pdf = p.dist("minimal-en.pdf");
    wait_for("the first build", &log, |l| l.contains("watching") && pdf.is_file());
    let good = fs::read(&pdf).unwrap();
    let good_epub = fs::read(p.dist("minimal-en.epub")).unwrap();

    p.write("chapters/en/01-chapter.md", "# A Chapter\n\n![missing](nowhere.png)\n");
    wait_for("the stale note", &log, |l| l.contains("kept the last good `dist/minimal-en.pdf`; it is stale"));
    assert!(fs::read_to_string(&log).unwrap().contains("(image not found: `nowhere.png`)"));
    assert_eq!(fs::read(&pdf).unwrap(), good, "the last good PDF stays in place");
    assert_eq!(fs::read(p.dist("minimal-en.epub")).unwrap(), good_epub);
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(p.dist("manifest.json")).unwrap()).unwrap();
    assert!(manifest["artifacts"].as_array().unwrap().iter().all(|a| a["stale"] == true), "{manifest:#}");
    assert_manifest_matches(&p.path().join("dist"));

    // Editor temporary files are no change.
    let rebuilds = |l: &str| l.matches("rebuilt").count();
    let before = rebuilds(&fs::read_to_string(&log).unwrap());
    for name in ["sedjDjh2Q", "4913", ".#01-chapter.md", "01-chapter.md~"] {
        p.write(&format!("chapters/en/{name}"), "x");
        fs::remove_file(p.path().join("chapters/en").join(name)).unwrap();
    }
    sleep(Duration::from_millis(800));
    assert_eq!(rebuilds(&fs::read_to_string(&log).unwrap()), before, "temporary files caused a rebuild");

    // Saved by rename (write a temporary file, move it over the chapter): fixed, replaced whole.
    p.write("chapters/en/.01-chapter.md.new", "# A Chapter\n\nRenamed into place.\n");
    fs::rename(p.path().join("chapters/en/.01-chapter.md.new"), p.path().join("chapters/en/01-chapter.md")).unwrap();
    wait_for("the fixed rebuild", &log, |_| fs::read(&pdf).is_ok_and(|b| b != good));
    assert!(common::pdf_text(&pdf).contains("Renamed into place."));

    // Saved by truncate-and-write.
    {
        use std::io::Write;
        let mut f =
            fs::OpenOptions::new().write(true).truncate(true).open(p.path().join("chapters/en/01-chapter.md")).unwrap();
        f.write_all(b"# A Chapter\n\nTruncated and written.\n").unwrap();
    }
    wait_for("the truncate rebuild", &log, |_| common::pdf_text(&pdf).contains("Truncated and written."));

    // A chapter deleted while watching: the edition is rebuilt without it.
    fs::remove_file(p.path().join("chapters/en/02-second.md")).unwrap();
    wait_for("the rebuild without the chapter", &log, |_| !common::pdf_text(&pdf).contains("More."));
    sleep(Duration::from_millis(500));
    stop(child);
    assert_manifest_matches(&p.path().join("dist"));
}

#[test]
fn a_one_shot_build_still_retracts_what_a_failed_edition_left() {
    let p = Project::copy_of(&fixture("minimal"));
    p.run(&["build"]).expect_code(0);
    assert!(p.dist("minimal-en.pdf").is_file());
    p.write("chapters/en/01-chapter.md", "# A\n\n![missing](nowhere.png)\n");
    p.run(&["build"]).expect_code(1);
    assert!(!p.dist("minimal-en.pdf").exists() && !p.dist("minimal-en.epub").exists());
    assert_manifest_matches(&p.path().join("dist"));
}

#[test]
fn a_read_only_or_unwritable_output_folder_is_a_clear_error_and_keeps_the_old_artifacts() {
    let p = Project::copy_of(&fixture("minimal"));
    p.run(&["build"]).expect_code(0);
    let old = fs::read(p.dist("minimal-en.pdf")).unwrap();
    p.write("chapters/en/01-chapter.md", "# A Chapter\n\nNew text.\n");
    // As root, permissions do not stop writes: a read-only bind is not available either, so the
    // injected fault is a file standing where a folder must be created (ENOTDIR), as a full or
    // read-only disk fails a write: the write of the temporary file fails.
    let blocked = p.path().join("blocked");
    fs::write(&blocked, "a file, not a folder").unwrap();
    let out = blocked.join("dist");
    let run = p.run(&["build", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("cannot create the folder"), "{}", run.stderr());
    assert_eq!(fs::read(p.dist("minimal-en.pdf")).unwrap(), old);

    // A read-only output folder (effective when not root).
    let dist = p.path().join("dist");
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&dist, fs::Permissions::from_mode(0o555)).unwrap();
    let run = p.run(&["build"]);
    fs::set_permissions(&dist, fs::Permissions::from_mode(0o755)).unwrap();
    if run.code() != 0 {
        assert!(run.stderr().contains("cannot create"), "{}", run.stderr());
        assert_eq!(fs::read(p.dist("minimal-en.pdf")).unwrap(), old, "the old PDF stays whole");
    }
    assert_manifest_matches(&dist);
}

#[test]
fn an_output_folder_removed_before_the_write_is_created_again() {
    let p = Project::copy_of(&fixture("minimal"));
    p.run(&["build"]).expect_code(0);
    fs::remove_dir_all(p.path().join("dist")).unwrap();
    p.run(&["build"]).expect_code(0);
    assert_manifest_matches(&p.path().join("dist"));
}

#[test]
fn two_builds_into_one_output_folder_at_once_both_leave_whole_files() {
    let p = Project::report();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_spotlight"))
            .args(["build", "--lang", "en", "--lang", "fr", "--project"])
            .arg(p.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Same inputs, same bytes: whichever rename came last, the files and manifest agree.
    assert_manifest_matches(&p.path().join("dist"));
    common::qpdf_check_all(&p.path().join("dist"));
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_old_artifacts_whole() {
    let p = Project::copy_of(&fixture("minimal"));
    let mnt = p.path().join("small-disk");
    fs::create_dir(&mnt).unwrap();
    // A 4 MB tmpfs (root only); where mounting is not allowed, the ENOTDIR fault above stands in.
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"]).arg(&mnt).status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?); the injected write error covers this");
        return;
    }
    let out = mnt.join("dist");
    let result = std::panic::catch_unwind(|| {
        p.run(&["build", "--out", out.to_str().unwrap()]).expect_code(0);
        let old: Vec<(String, Vec<u8>)> = ["minimal-en.pdf", "minimal-en.epub"]
            .iter()
            .map(|n| (n.to_string(), fs::read(out.join(n)).unwrap()))
            .collect();
        // Fill the disk but for a few kilobytes, then rebuild a changed chapter.
        let free = 4 * 1024 * 1024 - old.iter().map(|(_, b)| b.len()).sum::<usize>();
        let _ = fs::write(mnt.join("filler"), vec![0u8; free.saturating_sub(8 * 1024)]);
        p.write("chapters/en/01-chapter.md", "# A Chapter\n\nChanged text that cannot be written.\n");
        let run = p.run(&["build", "--out", out.to_str().unwrap()]);
        assert_eq!(run.code(), 1, "{}", run.stderr());
        assert!(run.stderr().contains("cannot write") || run.stderr().contains("cannot flush"), "{}", run.stderr());
        // Whatever was not replaced whole is the old file, byte for byte; the manifest agrees.
        for (name, bytes) in &old {
            if let Ok(now) = fs::read(out.join(name)) {
                assert!(now == *bytes || now.len() > 1000, "{name} is half-written");
            }
        }
        eprintln!("full disk: {}", run.first_error());
        assert_manifest_matches(&out);
    });
    let _ = Command::new("umount").arg(&mnt).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
