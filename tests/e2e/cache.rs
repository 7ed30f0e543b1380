//! The build cache: an unchanged rebuild takes every artifact from the cache byte-identical; a
//! change to any kind of input rebuilds exactly the editions it touches; a damaged or unwritable
//! cache never breaks a build or serves a stale artifact.

use std::fs;

use crate::common::{Project, fixture};

/// A change made to a project.
type Change<'a> = Box<dyn Fn(&Project) + 'a>;

const LANGS: [&str; 4] = ["en", "de", "de-AT", "pt-BR"];

/// Build and return, per edition, whether its PDF came from the cache.
fn build(p: &Project, extra: &[&str]) -> (Vec<(String, bool)>, String) {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let run = p.run(&args);
    run.expect_code(0);
    let err = run.stderr();
    let cached = LANGS
        .iter()
        .map(|lang| {
            let line = err.lines().find(|l| l.contains(&format!("languages-{lang}.pdf"))).unwrap_or("");
            (lang.to_string(), line.contains("(from the cache)"))
        })
        .collect();
    (cached, err)
}

fn cached_langs(result: &[(String, bool)]) -> Vec<&str> {
    result.iter().filter(|(_, c)| *c).map(|(l, _)| l.as_str()).collect()
}

fn artifacts(p: &Project) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(p.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn an_unchanged_rebuild_is_served_from_the_cache_byte_identical() {
    let p = Project::copy_of(&fixture("languages"));
    let (first, _) = build(&p, &[]);
    assert!(cached_langs(&first).is_empty(), "a cold build made everything: {first:?}");
    let before = artifacts(&p);
    fs::remove_dir_all(p.path().join("dist")).unwrap();
    let (second, err) = build(&p, &[]);
    assert_eq!(cached_langs(&second), LANGS.to_vec(), "{err}");
    assert!(err.contains("8 of 8 artifact(s) unchanged, taken from the cache"), "{err}");
    assert_eq!(artifacts(&p), before, "artifacts and manifest are byte-identical to the cold build's");
}

#[test]
fn changing_one_chapter_of_one_edition_rebuilds_only_that_edition() {
    let p = Project::copy_of(&fixture("languages"));
    build(&p, &[]);
    let path = p.path().join("chapters/de-AT/01-chapter.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\nEin neuer Absatz.\n")).unwrap();
    let (result, err) = build(&p, &[]);
    assert_eq!(cached_langs(&result), vec!["en", "de", "pt-BR"], "{err}");
    let pdf = p.dist("languages-de-AT.pdf");
    assert!(crate::common::pdf_text(&pdf).contains("Ein neuer Absatz"), "the rebuilt PDF has the new text");
}

#[test]
fn a_change_to_the_source_language_rebuilds_every_edition() {
    // Translations are checked against their source chapters (stale warnings), so they depend on it.
    let p = Project::copy_of(&fixture("languages"));
    build(&p, &[]);
    let path = p.path().join("chapters/en/01-chapter.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\nA new paragraph.\n")).unwrap();
    let (result, err) = build(&p, &[]);
    assert!(cached_langs(&result).is_empty(), "{err}");
}

#[test]
fn every_kind_of_shared_input_invalidates_the_cache() {
    let p = Project::copy_of(&fixture("languages"));
    build(&p, &[]);
    let config = p.path().join("report.yaml");
    let original = fs::read_to_string(&config).unwrap();
    let changes: Vec<(&str, Change)> = vec![
        (
            "report.yaml",
            Box::new(|p: &Project| {
                p.write("report.yaml", original.replace("Languages Fixture", "Languages Fixture 2"))
            }),
        ),
        ("people.yaml", Box::new(|p: &Project| p.write("people.yaml", "[]\n"))),
        (
            "a font",
            Box::new(|p: &Project| {
                fs::create_dir_all(p.path().join("fonts")).unwrap();
                fs::copy(crate::common::repo().join("fonts/NotoSansHebrew-Regular.ttf"), p.path().join("fonts/a.ttf"))
                    .unwrap();
            }),
        ),
        ("the theme", Box::new(|p: &Project| p.write("theme/epub.css", "p { color: #111; }\n"))),
        (
            "the bibliography",
            Box::new(|p: &Project| p.write("bibliography/refs.yaml", "x:\n  type: book\n  title: X\n")),
        ),
    ];
    for (what, change) in changes {
        change(&p);
        let (result, err) = build(&p, &[]);
        assert!(cached_langs(&result).is_empty(), "after changing {what}, nothing may come from the cache:\n{err}");
        let (again, err) = build(&p, &[]);
        assert_eq!(cached_langs(&again), LANGS.to_vec(), "then an unchanged rebuild is cached again ({what}):\n{err}");
    }
    // A different option on the command line is a different artifact.
    let (result, _) = build(&p, &["--page", "a5"]);
    assert!(cached_langs(&result).is_empty());
}

#[test]
fn a_changed_image_rebuilds_the_editions_that_show_it() {
    let p = Project::copy_of(&fixture("languages"));
    let png = fs::read(crate::common::repo().join("tests/fixtures/figures/chapters/en/img/square.png")).ok();
    let Some(png) = png else { panic!("the figures fixture has img/square.png") };
    p.write("images/map.png", &png);
    let path = p.path().join("chapters/de/01-chapter.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n![Karte](../../images/map.png)\n")).unwrap();
    build(&p, &[]);
    let before = fs::read(p.dist("languages-de.epub")).unwrap();
    let mut other = png.clone();
    other.extend_from_slice(b"changed");
    p.write("images/map.png", &other);
    let (result, err) = build(&p, &[]);
    assert_eq!(cached_langs(&result), vec!["en", "de-AT", "pt-BR"], "{err}");
    assert_ne!(fs::read(p.dist("languages-de.epub")).unwrap(), before, "the EPUB carries the new image");
}

#[test]
fn a_damaged_entry_is_rebuilt_and_no_cache_writes_nothing() {
    let p = Project::copy_of(&fixture("minimal"));
    build(&p, &["--no-cache"]);
    assert!(!p.path().join(".spotlight-cache").exists(), "--no-cache writes no cache");
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    p.run(&["build", "--cache", dir]).expect_code(0);
    // Damage every stored artifact: the next build must make them again, not serve the damage.
    let mut damaged = 0;
    // Entries sit in shard folders; files.json beside them is the file-hash memo.
    for shard in fs::read_dir(cache.path()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        for entry in fs::read_dir(shard).unwrap() {
            let artifact = entry.unwrap().path().join("artifact");
            let mut bytes = fs::read(&artifact).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 1;
            fs::write(&artifact, bytes).unwrap();
            damaged += 1;
        }
    }
    assert_eq!(damaged, 2, "one entry per format");
    let run = p.run(&["build", "--cache", dir]);
    run.expect_code(0);
    assert!(!run.stderr().contains("(from the cache)"), "{}", run.stderr());
}

#[test]
fn a_cache_that_cannot_be_written_warns_and_the_build_succeeds() {
    let p = Project::copy_of(&fixture("minimal"));
    p.write("not-a-folder", "x");
    let blocked = p.path().join("not-a-folder");
    let run = p.run(&["build", "--cache", blocked.to_str().unwrap()]);
    run.expect_code(0);
    assert!(run.stderr().contains("cannot store a build in the cache"), "{}", run.stderr());
    assert!(p.dist("minimal-en.pdf").is_file() && p.dist("minimal-en.epub").is_file());
}

#[test]
fn two_builds_sharing_a_cache_at_once_both_succeed_with_the_same_bytes() {
    let p = Project::copy_of(&fixture("minimal"));
    let cache = tempfile::tempdir().unwrap();
    let outs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let children: Vec<_> = outs
        .iter()
        .map(|out| {
            std::process::Command::new(env!("CARGO_BIN_EXE_spotlight"))
                .args(["build", "--project"])
                .arg(p.path())
                .arg("--out")
                .arg(out.path())
                .arg("--cache")
                .arg(cache.path())
                .env_remove("SOURCE_DATE_EPOCH")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    for name in ["minimal-en.pdf", "minimal-en.epub"] {
        assert_eq!(fs::read(outs[0].path().join(name)).unwrap(), fs::read(outs[1].path().join(name)).unwrap());
    }
    let run = p.run(&["build", "--cache", cache.path().to_str().unwrap()]);
    assert!(run.stderr().contains("2 of 2 artifact(s) unchanged"), "{}", run.stderr());
}

/// Wait until files written now are older than the memo's settling time (3 s), so their hashes
/// are remembered; the memo never keeps the hash of a file written within it.
fn let_files_settle() {
    std::thread::sleep(std::time::Duration::from_millis(3300));
}

fn memo_text(cache: &std::path::Path) -> String {
    fs::read_to_string(cache.join("files.json")).unwrap_or_default()
}

#[test]
fn a_font_rewritten_with_the_same_size_and_time_is_hashed_again() {
    let p = Project::copy_of(&fixture("languages"));
    let font = p.path().join("fonts/extra.ttf");
    fs::create_dir_all(font.parent().unwrap()).unwrap();
    fs::copy(crate::common::repo().join("fonts/NotoSansHebrew-Regular.ttf"), &font).unwrap();
    let_files_settle();
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    build(&p, &["--cache", dir]);
    assert!(memo_text(cache.path()).contains("extra.ttf"), "the settled font's hash is remembered");
    let (again, err) = build(&p, &["--cache", dir]);
    assert_eq!(cached_langs(&again), LANGS.to_vec(), "{err}");

    // Same length, same modification time, other bytes: only the change time tells.
    let modified = fs::metadata(&font).unwrap().modified().unwrap();
    let mut bytes = fs::read(&font).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&font, &bytes).unwrap();
    fs::File::options().write(true).open(&font).unwrap().set_modified(modified).unwrap();
    assert_eq!(fs::metadata(&font).unwrap().modified().unwrap(), modified);
    let (result, err) = build(&p, &["--cache", dir]);
    assert!(cached_langs(&result).is_empty(), "a changed font rebuilds every edition:\n{err}");
}

#[test]
fn a_touched_or_replaced_file_is_hashed_again_and_served_when_its_content_is_the_same() {
    let p = Project::copy_of(&fixture("languages"));
    let_files_settle();
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap();
    build(&p, &["--cache", dir]);
    let chapter = p.path().join("chapters/de-AT/01-chapter.md");
    assert!(memo_text(cache.path()).contains("01-chapter.md"));
    // Touched (new times, same bytes): the same content, so the cache serves it.
    let text = fs::read(&chapter).unwrap();
    fs::write(&chapter, &text).unwrap();
    let (touched, err) = build(&p, &["--cache", dir]);
    assert_eq!(cached_langs(&touched), LANGS.to_vec(), "{err}");
    // Replaced by another file of the same size (a new inode) with other bytes: rebuilt.
    let mut other = text.clone();
    let i = other.iter().rposition(|b| b.is_ascii_lowercase()).unwrap();
    other[i] = if other[i] == b'x' { b'y' } else { b'x' };
    let tmp = p.path().join("chapters/de-AT/replacement.tmp");
    fs::write(&tmp, &other).unwrap();
    fs::rename(&tmp, &chapter).unwrap();
    let (replaced, err) = build(&p, &["--cache", dir]);
    assert_eq!(cached_langs(&replaced), vec!["en", "de", "pt-BR"], "{err}");
}
