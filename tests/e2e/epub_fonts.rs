//! The EPUB's fonts are subsets: only the characters the edition uses (with their joining forms and
//! ligatures), small enough that the English report stays under 300 KB, and each one still loads
//! and shapes in a real browser (Chromium's font sanitizer rejects a malformed font).

use std::fs;
use std::process::Command;

use crate::common::{Project, repo, tool_available, unzip};

fn epub_of(lang: &str) -> (Project, Vec<(String, Vec<u8>, zip::CompressionMethod)>) {
    let p = Project::report();
    p.run(&["build", "--lang", lang, "--format", "epub", "--no-cache"]).expect_code(0);
    let entries = unzip(&p.dist(&format!("imrf-spotlight-{lang}.epub")));
    (p, entries)
}

#[test]
fn the_english_epub_carries_subset_fonts_and_stays_small() {
    let (p, entries) = epub_of("en");
    let size = fs::metadata(p.dist("imrf-spotlight-en.epub")).unwrap().len();
    assert!(size <= 300_000, "the English EPUB is {size} bytes");
    let fonts: Vec<_> = entries.iter().filter(|(path, ..)| path.starts_with("OEBPS/fonts/")).collect();
    assert!(!fonts.is_empty());
    for (path, bytes, _) in fonts {
        let name = path.trim_start_matches("OEBPS/fonts/");
        let whole = fs::metadata(repo().join("fonts").join(name)).unwrap().len() as usize;
        assert!(bytes.len() * 4 < whole, "{name}: {} of {whole} bytes", bytes.len());
    }
}

/// Load every embedded font of an edition's EPUB in Chromium with a sample of the edition's text;
/// return each font's load result.
fn loads_in_chromium(lang: &str, sample: &str) -> Vec<(String, String)> {
    let (_p, entries) = epub_of(lang);
    let dir = tempfile::tempdir().unwrap();
    let mut faces = String::new();
    let mut paras = String::new();
    let mut names = Vec::new();
    for (i, (path, bytes, _)) in entries.iter().filter(|(path, ..)| path.starts_with("OEBPS/fonts/")).enumerate() {
        let name = path.trim_start_matches("OEBPS/fonts/").to_string();
        fs::write(dir.path().join(&name), bytes).unwrap();
        faces.push_str(&format!("@font-face {{ font-family: F{i}; src: url({name}); }}\n"));
        paras.push_str(&format!("<p style=\"font-family: F{i}\">{sample}</p>\n"));
        names.push(name);
    }
    let loads: Vec<String> =
        (0..names.len()).map(|i| format!("document.fonts.load('16px F{i}', {sample:?})")).collect();
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>{faces}</style></head><body>{paras}<script>\
         Promise.allSettled([{}]).then(r => document.body.setAttribute('data-result', \
         r.map(x => x.status === 'fulfilled' ? 'loaded:' + x.value.length : 'failed').join(' ')));</script></body></html>",
        loads.join(",")
    );
    fs::write(dir.path().join("page.html"), page).unwrap();
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"])
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!("file://{}", dir.path().join("page.html").display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    let result = dom.split("data-result=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
    let results: Vec<String> = result.split(' ').map(str::to_string).collect();
    assert_eq!(results.len(), names.len(), "chromium gave no result for every font: {dom}");
    names.into_iter().zip(results).collect()
}

#[test]
fn subset_fonts_load_in_chromium_for_latin_arabic_and_hebrew() {
    if !tool_available("chromium") {
        return;
    }
    for (lang, sample) in [("en", "Migration"), ("ar", "الهجرة"), ("he", "הגירה")] {
        for (font, result) in loads_in_chromium(lang, sample) {
            assert_eq!(result, "loaded:1", "{lang}: {font} did not load in Chromium");
        }
    }
}

#[test]
fn the_chinese_epub_and_site_subset_their_cff_song_faces_and_chromium_loads_them() {
    let (p, entries) = epub_of("zh");
    let size = fs::metadata(p.dist("imrf-spotlight-zh.epub")).unwrap().len();
    assert!(size < 1_000_000, "the Chinese EPUB is {size} bytes");
    let cjk: Vec<_> = entries.iter().filter(|(path, ..)| path.contains("CJK")).collect();
    assert_eq!(cjk.len(), 2, "regular and bold");
    for (path, bytes, _) in cjk {
        assert!(bytes.starts_with(b"OTTO"), "{path} keeps its CFF outlines");
        assert!(bytes.len() < 400_000, "{path}: {} bytes", bytes.len());
    }
    p.run(&["build", "--lang", "zh", "--format", "html", "--no-cache"]).expect_code(0);
    let mut site_fonts = 0;
    for entry in walkdir(&p.path().join("dist")) {
        if entry.to_string_lossy().contains("CJK") {
            site_fonts += 1;
            assert!(fs::metadata(&entry).unwrap().len() < 400_000, "{}", entry.display());
        }
    }
    assert!(site_fonts >= 2, "the site ships the subset faces too");
    if tool_available("chromium") {
        for (font, result) in loads_in_chromium("zh", "移民报告") {
            if font.contains("CJK") {
                assert_eq!(result, "loaded:1", "{font} did not load in Chromium");
            }
        }
    }
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walkdir(&path)) } else { out.push(path) }
    }
    out
}
