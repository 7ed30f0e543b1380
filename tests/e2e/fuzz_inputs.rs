//! Structured fuzzing of every input that is not Markdown prose: report.yaml, people.yaml,
//! edition.yaml, the edition's people.yaml, chapter front matter, Hayagriva YAML, BibTeX, the
//! theme's files, the command line and SOURCE_DATE_EPOCH. Valid files are mutated (types swapped,
//! values out of range, unicode, huge, empty, duplicated keys, nulls, truncation, invalid UTF-8)
//! and the real binary runs on each. The oracle: exit 0, 1 or 2 (never a panic or an internal
//! error), no hang, every error names a file (and a line, in a file that has lines) unless it is
//! about the command line or the environment, and a failed build leaves no artifact.
//!
//! `FUZZ_INPUT_CASES` sets the number of generated cases (default 160, about a minute on two
//! cores; nightly: `FUZZ_INPUT_CASES=5000 cargo test --test e2e fuzz_inputs`), `FUZZ_INPUT_SEED`
//! the seed. Every defect found is kept in `REGRESSIONS` and replayed first.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Project;

const REPORT: &str = "title: Fuzz Fixture\nsubtitle: A subtitle\nslug: fuzz\nyear: 2024\ndate: 2024-01-02\nlanguage: en\neditions: [en]\nkeywords: [a, b]\npublisher:\n  name: Spotlight Tests\n  office: Office\n  address:\n    - Street 1\n  contact:\n    - +1 555\nbibliography:\n  style: chicago-author-date\ntheme:\n  accent: \"#b0182c\"\n  cover: true\nprint:\n  profile: screen\n  page: a5\n";
const PEOPLE: &str = "- id: ann\n  name: Ann Author\n  short: [AA]\n  url: https://example.org\n- id: bob\n  name: Bob Editor\n  role: editor\n";
const EDITION: &str =
    "title: Fuzz Fixture\nsubtitle: A subtitle\nstrings:\n  contents: Contents\n  bibliography: References\n";
const EDITION_PEOPLE: &str = "ann:\n  position: Writer\n  organization: Org\n  organization-short: O\n  bio: |\n    Ann writes.\nbob:\n  position: Editor\n  bio: Bob edits.\n";
const CHAPTER: &str = "---\ntitle: The Chapter\n---\nAs shown [@gcm; @book, p. 4].\n";
const HAYAGRIVA: &str = "gcm:\n  type: report\n  language: en\n  title: Global Compact\n  author: { name: United Nations }\n  date: 2018-12-19\n  url: https://example.org/gcm\n";
const BIBTEX: &str =
    "@book{book,\n  author = {Doe, Jane},\n  title = {A Book},\n  year = {2020},\n  publisher = {Pub},\n}\n";
const CSS: &str = "body { color: #111; }\nh1 { font-size: 2em; }\n";

/// The input files the fuzzer mutates, with their valid contents.
const FILES: &[(&str, &str)] = &[
    ("report.yaml", REPORT),
    ("people.yaml", PEOPLE),
    ("chapters/en/edition.yaml", EDITION),
    ("chapters/en/people.yaml", EDITION_PEOPLE),
    ("chapters/en/01-chapter.md", CHAPTER),
    ("bibliography/refs.yaml", HAYAGRIVA),
    ("bibliography/refs.bib", BIBTEX),
    ("theme/epub.css", CSS),
];

/// Values that replace a YAML value: types swapped, out of range, unicode, huge, nulls.
const VALUES: &[&str] = &[
    "",
    "null",
    "~",
    "[]",
    "{}",
    "[a, [b, {c: d}]]",
    "-1",
    "0",
    "99999999999999999999999",
    "1e400",
    "-0.0",
    "true",
    "2022-02-30",
    "9999-12-31",
    "0000-00-00",
    "\"\u{202e}evil\u{202c}\"",
    "é漢字🙂\u{0301}",
    "\"\\u0000\"",
    "!!binary aGk=",
    "*nowhere",
    "&a [1]",
    "'unterminated",
    "\"#zzzzzz\"",
    "a4",
    "1x1mm",
    "-5mm",
    "1000000in",
    "interviewer",
    "../../etc/passwd",
    "\"@{}[]#\\\\\"",
];

/// A small deterministic generator (xorshift64*), so every case is replayable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

/// Mutate a text file one way: a value replaced, a line duplicated, deleted or re-indented, the
/// file truncated, emptied, made huge, or given bytes that are not UTF-8.
fn mutate(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = rng.below(lines.len());
    match rng.below(12) {
        0..=3 => {
            let value = rng.pick(VALUES).to_string();
            let line = &lines[i];
            lines[i] = match line.find(": ").or_else(|| line.find(" = ")) {
                Some(at) => format!("{}{value}", &line[..at + 2]),
                None => format!("{line} {value}"),
            };
        }
        4 => {
            let dup = lines[i].clone();
            lines.insert(i, dup);
        }
        5 => {
            lines.remove(i);
        }
        6 => lines[i] = format!("\t{}", lines[i]),
        7 => {
            let cut = rng.below(text.len());
            return text.as_bytes()[..cut].to_vec();
        }
        8 => return rng.pick(&["", "null", "[]", "42", "- - -", "{", "@", "---"]).as_bytes().to_vec(),
        9 => {
            let huge = "x".repeat(200_000);
            lines[i] = match lines[i].find(": ") {
                Some(at) => format!("{}{huge}", &lines[i][..at + 2]),
                None => huge,
            };
        }
        10 => {
            let mut bytes = text.as_bytes().to_vec();
            let at = rng.below(bytes.len());
            bytes.insert(at, 0xff);
            return bytes;
        }
        _ => {
            // Swap two lines: keys move out of their mappings.
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// A fresh valid project with every input kind present.
fn project() -> Project {
    let p = Project::copy_of(&crate::common::fixture("minimal"));
    for (rel, text) in FILES {
        p.write(rel, text);
    }
    p
}

/// One fuzz case: which file gets which bytes, extra arguments and SOURCE_DATE_EPOCH.
#[derive(Debug, Clone)]
struct Case {
    file: Option<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    epoch: Option<String>,
    build: bool,
}

fn generate(rng: &mut Rng) -> Case {
    let mut case = Case { file: None, args: Vec::new(), epoch: None, build: rng.below(6) == 0 };
    match rng.below(10) {
        0 => {
            let flags: &[&[&str]] = &[
                &["--lang", "en"],
                &["--lang", "xx-INVALID"],
                &["--lang", ""],
                &["--format", "pdf"],
                &["--format", "docx"],
                &["--jobs", "0"],
                &["--jobs", "99999999999"],
                &["--page", "0x0mm"],
                &["--page", "a6"],
                &["--page", "1e9x1e9in"],
                &["--bleed", "-3mm"],
                &["--bleed", "3mm"],
                &["--bleed", "NaN"],
                &["--profile", "print"],
                &["--pdf-standard", "a-2b"],
                &["--pdf-standard", "ua-1"],
                &["--pdf-standard", "a-9z"],
                &["--allow-incomplete"],
                &["--deny-warnings"],
                &["--message-format", "github"],
                &["--timings"],
                &["--emit", "typst"],
            ];
            for _ in 0..=rng.below(3) {
                case.args.extend(flags[rng.below(flags.len())].iter().map(|s| s.to_string()));
            }
            case.args.retain(|a| case.build || a != "--emit");
        }
        1 => {
            let epochs =
                ["0", "-1", "1648771200", "253402300799", "253402300800", "99999999999999", "1e9", "", " 5 ", "١٢٣"];
            case.epoch = Some(rng.pick(&epochs).to_string());
        }
        _ => {
            let (rel, text) = FILES[rng.below(FILES.len())];
            case.file = Some((rel, mutate(rng, text)));
        }
    }
    case
}

/// Cases that found defects (kept so they stay fixed).
fn regressions() -> Vec<Case> {
    let file = |rel: &'static str, text: &str| Case {
        file: Some((rel, text.as_bytes().to_vec())),
        args: vec![],
        epoch: None,
        build: true,
    };
    vec![
        file("report.yaml", &REPORT.replace("2024-01-02", "2022-02-30")),
        file("report.yaml", &REPORT.replace("editions: [en]", "editions: [en, en]")),
        Case { file: None, args: vec![], epoch: Some("99999999999999".into()), build: true },
        file("bibliography/refs.bib", "@book{book,\n  title = {T}\n  author = {B},\n}\n"),
        // Found by this fuzzer: an unknown citation style named report.yaml without its line.
        file("report.yaml", &REPORT.replace("style: chicago-author-date", "style: 2022-02-30")),
        // Found by this fuzzer: a NUL escape in a YAML value became a glyph error naming no file.
        file("chapters/en/edition.yaml", &EDITION.replace("subtitle: A subtitle", "subtitle: \"\\u0000\"")),
        // Found by this fuzzer (seed 42): PDF/A with the print profile met its CMYK colours, and
        // typst refused them with an error naming no file.
        Case {
            file: None,
            args: vec!["--pdf-standard".into(), "a-2b".into(), "--profile".into(), "print".into()],
            epoch: None,
            build: false,
        },
    ]
}

/// Run one case and check the oracle; the reason it failed otherwise.
fn run(case: &Case) -> Result<(), String> {
    let p = project();
    if let Some((rel, bytes)) = &case.file {
        p.write(rel, bytes);
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spotlight"));
    cmd.arg(if case.build { "build" } else { "check" }).args(&case.args);
    cmd.args(["--message-format", "json", "--project"]).arg(p.path());
    match &case.epoch {
        Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    let mut stderr = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            return Err("hang: no exit within 120 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let err = reader.join().unwrap_or_default();
    let code = status.code().ok_or("killed by a signal")?;
    if !matches!(code, 0..=2) || err.contains("panicked") {
        return Err(format!("exit {code}: {err}"));
    }
    for line in err.lines().filter(|l| l.starts_with('{')) {
        let Ok(d) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if d["severity"] != "error" {
            continue;
        }
        let from_outside = d["code"] == "usage" && d["file"].is_null();
        if from_outside {
            continue;
        }
        let Some(file) = d["file"].as_str() else { return Err(format!("error without a file: {line}")) };
        let has_lines = p.path().join(file).is_file()
            && fs::read(p.path().join(file)).is_ok_and(|b| b.iter().filter(|&&c| c == b'\n').count() > 1);
        let whole_file = ["not valid UTF-8", "cannot read", "is empty"]
            .iter()
            .any(|m| d["message"].as_str().unwrap_or("").contains(m));
        if has_lines && d["line"].is_null() && !whole_file && !file.ends_with(".typ") && !file.starts_with("dist") {
            return Err(format!("error without a line in {file}: {line}"));
        }
    }
    if case.build && code != 0 {
        let dist = p.path().join("dist");
        let left: Vec<String> = fs::read_dir(&dist)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        if left.iter().any(|n| n.ends_with(".pdf") || n.ends_with(".epub") || n.ends_with(".tmp")) {
            return Err(format!("a failed build left artifacts {left:?}: {err}"));
        }
    }
    Ok(())
}

/// A case as people read it: the mutated file as text, the arguments, the epoch.
fn describe(case: &Case) -> String {
    let file = case.file.as_ref().map(|(rel, b)| format!("{rel}: {:?}", String::from_utf8_lossy(b)));
    format!("{} args {:?} epoch {:?} build {}", file.unwrap_or_default(), case.args, case.epoch, case.build)
}

#[test]
fn every_input_kind_fuzzed_exits_cleanly_and_names_its_file() {
    let cases: usize = std::env::var("FUZZ_INPUT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160);
    let seed: u64 = std::env::var("FUZZ_INPUT_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_2026);
    let mut rng = Rng(seed | 1);
    let mut all = regressions();
    all.extend((0..cases).map(|_| generate(&mut rng)));
    let total = all.len();
    let failures: Vec<String> = all
        .iter()
        .enumerate()
        .filter_map(|(i, case)| run(case).err().map(|why| format!("case {i}: {why}\n  in {}", describe(case))))
        .map(|s| s.chars().take(1500).collect())
        .collect();
    eprintln!("fuzz_inputs: {total} cases (seed {seed}), {} failed", failures.len());
    assert!(failures.is_empty(), "{} of {total} cases failed:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn the_base_project_of_the_fuzzer_builds() {
    let p = project();
    let run = p.run(&["build", "--deny-warnings"]);
    run.expect_code(0);
    assert!(Path::new(&p.dist("fuzz-en.pdf")).is_file());
}
