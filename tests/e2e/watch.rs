//! End to end: `spotlight watch` builds, rebuilds the edition a change touches, survives an error,
//! and stops cleanly on Ctrl-C (SIGINT).

use crate::common;

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use crate::common::{Project, fixture};

/// Start `spotlight watch --format pdf` on `p`, its stderr going to `watch.log` (whose path is returned).
fn spawn_watch(p: &Project) -> (std::process::Child, std::path::PathBuf) {
    let stderr_path = p.path().join("watch.log");
    let log = fs::File::create(&stderr_path).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["watch", "--format", "pdf", "--project"])
        .arg(p.path())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    (child, stderr_path)
}

/// Wait (bounded, so a broken watch cannot hang the suite) until `ready` holds.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..600 {
        if ready() {
            return;
        }
        sleep(Duration::from_millis(100));
    }
    panic!("gave up waiting for {what}");
}

/// What the watcher has printed so far.
fn read_log(path: &std::path::Path) -> String {
    let mut s = String::new();
    fs::File::open(path).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Stop the watcher with Ctrl-C (SIGINT) and check it stopped cleanly, having printed no error.
fn stop(mut child: std::process::Child, log: &std::path::Path) {
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let mut status = None;
    wait_for("the watcher to stop", || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success(), "{}", read_log(log));
    assert!(!read_log(log).contains("error:"), "{}", read_log(log));
}

/// The PDF `name` a fresh, uncached build of a copy of `p` makes.
fn cold_pdf(p: &Project, name: &str) -> Vec<u8> {
    let fresh = Project::copy_of(p.path());
    let _ = fs::remove_dir_all(fresh.path().join("dist"));
    fresh.run(&["build", "--format", "pdf", "--no-cache"]).expect_code(0);
    fs::read(fresh.dist(name)).unwrap()
}

#[test]
fn watch_rebuilds_on_change_survives_errors_and_stops_on_ctrl_c() {
    let p = Project::copy_of(&fixture("minimal"));
    let (mut child, stderr_path) = spawn_watch(&p);
    let pdf = p.dist("minimal-en.pdf");
    let log_text = || read_log(&stderr_path);
    wait_for("the first build", || pdf.is_file() && log_text().contains("watching"));
    let before = fs::read(&pdf).unwrap();

    // An error is reported and watching goes on.
    p.write("chapters/en/01-chapter.md", "# A Chapter\n\n![missing](nowhere.png)\n");
    wait_for("the error", || log_text().contains("image not found: `nowhere.png`"));

    // A fix rebuilds the edition.
    p.write("chapters/en/01-chapter.md", "# A Chapter\n\nSome changed text.\n");
    wait_for("the rebuild", || {
        fs::read(&pdf).map(|b| b != before).unwrap_or(false) && log_text().matches("rebuilt en/pdf").count() >= 1
    });
    assert!(common::pdf_text(&pdf).contains("Some changed text."));

    let pid = child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    let mut status = None;
    wait_for("the watcher to stop", || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success(), "{}", log_text());
    assert!(log_text().contains("stopped watching"), "{}", log_text());
    let leftovers: Vec<_> = fs::read_dir(p.path().join("dist"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn rebuilds_in_one_process_make_the_bytes_a_cold_build_makes() {
    // watch keeps parsed sources (reparsing only the edited range), typst's memoized layout and
    // the resolved citations between rebuilds: after edits that keep and that change the
    // citations, its PDF must be the one a fresh build of the same files makes.
    let p = Project::copy_of(&fixture("citations"));
    let (child, stderr_path) = spawn_watch(&p);
    let log_text = || read_log(&stderr_path);
    wait_for("the first build", || log_text().contains("watching"));
    let chapter = "chapters/en/01-cites.md";
    let original = fs::read_to_string(p.path().join(chapter)).unwrap();
    // The same citations, other words.
    p.write(chapter, original.replacen("Parenthetical", "Bracketed", 1));
    wait_for("the first rebuild", || log_text().matches("rebuilt en/pdf").count() >= 1);
    // One citation more: what was resolved before must not be served.
    let more = original.replacen("Parenthetical", "Bracketed", 1) + "\nOne more [@roe2019, p. 4].\n";
    p.write(chapter, &more);
    wait_for("the second rebuild", || log_text().matches("rebuilt en/pdf").count() >= 2);
    stop(child, &stderr_path);
    let watched = fs::read(p.dist("citations-en.pdf")).unwrap();
    let text = common::squash(&common::pdf_text(&p.dist("citations-en.pdf")));
    assert!(text.contains("Bracketed") && text.contains("Onemore"), "{text}");
    assert!(cold_pdf(&p, "citations-en.pdf") == watched, "watch's PDF differs from a cold build's");
}

#[test]
fn a_rebuild_fits_pages_as_a_cold_build_does_remembering_unchanged_chapters() {
    // watch remembers each chapter's page-economy search: an unchanged chapter starts at the
    // setting its search chose and is not searched again; an edited one is searched anew. The
    // fixture's second chapter is fitted (see economy.rs): after editing the first chapter, then
    // the second, each PDF must be the one a fresh build of the same files makes.
    let p = Project::copy_of(&fixture("economy"));
    let (child, stderr_path) = spawn_watch(&p);
    let log_text = || read_log(&stderr_path);
    wait_for("the first build", || log_text().contains("watching"));
    let edits =
        [("chapters/en/01-steady.md", "questioned", "examined"), ("chapters/en/02-spill.md", "endorsed", "approved")];
    for (n, (chapter, from, to)) in edits.into_iter().enumerate() {
        let text = fs::read_to_string(p.path().join(chapter)).unwrap();
        assert!(text.contains(from), "{chapter} has no `{from}`");
        p.write(chapter, text.replacen(from, to, 1));
        wait_for("a rebuild", || log_text().matches("rebuilt en/pdf").count() > n);
        let watched = fs::read(p.dist("economy-en.pdf")).unwrap();
        assert!(
            cold_pdf(&p, "economy-en.pdf") == watched,
            "after editing {chapter}, watch's PDF differs from a cold build's"
        );
    }
    stop(child, &stderr_path);
}
