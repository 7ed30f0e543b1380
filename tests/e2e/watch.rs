//! End to end: `spotlight watch` builds, rebuilds the edition a change touches, survives an error,
//! and stops cleanly on Ctrl-C (SIGINT).

use crate::common;

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use crate::common::{Project, fixture};

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

#[test]
fn watch_rebuilds_on_change_survives_errors_and_stops_on_ctrl_c() {
    let p = Project::copy_of(&fixture("minimal"));
    let stderr_path = p.path().join("watch.log");
    let log = fs::File::create(&stderr_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spotlight"))
        .args(["watch", "--format", "pdf", "--project"])
        .arg(p.path())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let pdf = p.dist("minimal-en.pdf");
    let log_text = || {
        let mut s = String::new();
        fs::File::open(&stderr_path).unwrap().read_to_string(&mut s).unwrap();
        s
    };
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
