//! The files `spotlight new` writes, embedded in the binary: templates with `{{name}}` holes for
//! report.yaml and the shared records, the sample chapters, people and edition files per language
//! (real translations, one folder per language here), the bibliography, a figure, the theme notes,
//! and which font files each script needs. Pure data: it fills no hole and touches no disk.

/// `report.yaml`; holes: title, subtitle (the whole line), slug, year, date, language, editions, kind, scripts.
pub const REPORT_YAML: &str = include_str!("report.yaml");
/// The root `people.yaml` of a report (an author and an editor).
pub const PEOPLE_REPORT: &str = include_str!("people-report.yaml");
/// The root `people.yaml` of an interview (an interviewer and two interviewees).
pub const PEOPLE_INTERVIEW: &str = include_str!("people-interview.yaml");
/// `bibliography/references.yaml` (Hayagriva YAML, three works).
pub const REFERENCES: &str = include_str!("references.yaml");
/// `images/water-use.svg`, the figure of the first chapter (no words in it, so no language).
pub const FIGURE: &str = include_str!("water-use.svg");
/// `theme/README.txt`: which files in theme/ override what.
pub const THEME_README: &str = include_str!("theme-README.txt");
/// `.gitignore`.
pub const GITIGNORE: &str = include_str!("gitignore");
/// `edition.yaml` of an edition whose language has no sample text; holes: lang, of, title.
pub const COPIED_EDITION: &str = include_str!("copied-edition.yaml");

/// The sample text of one language: chapters, edition file and people files.
#[derive(Debug)]
pub struct Sample {
    /// The language code of the folder it comes from.
    pub lang: &'static str,
    /// The sample title and subtitle, one a line.
    pub title: &'static str,
    /// `01-findings.md`: every feature of a chapter.
    pub findings: &'static str,
    /// `02-recommendations.md` (reports): a numbered list of bold terms with colons.
    pub recommendations: &'static str,
    /// `02-conversation.md` (interviews): speaker turns.
    pub conversation: &'static str,
    /// `edition.yaml` of a translation; holes: title, subtitle (the whole line), of.
    pub edition: &'static str,
    /// `chapters/<lang>/people.yaml` of a report.
    pub people_report: &'static str,
    /// `chapters/<lang>/people.yaml` of an interview.
    pub people_interview: &'static str,
}

macro_rules! sample {
    ($lang:literal) => {
        Sample {
            lang: $lang,
            title: include_str!(concat!($lang, "/title.txt")),
            findings: include_str!(concat!($lang, "/01-findings.md")),
            recommendations: include_str!(concat!($lang, "/02-recommendations.md")),
            conversation: include_str!(concat!($lang, "/02-conversation.md")),
            edition: include_str!(concat!($lang, "/edition.yaml")),
            people_report: include_str!(concat!($lang, "/people-report.yaml")),
            people_interview: include_str!(concat!($lang, "/people-interview.yaml")),
        }
    };
}

/// Every language with a sample text of its own; the folders under `src/scaffold/`.
pub const SAMPLES: &[Sample] = &[
    sample!("en"),
    sample!("de"),
    sample!("fr"),
    sample!("es"),
    sample!("pt"),
    sample!("ru"),
    sample!("ar"),
    sample!("he"),
    sample!("zh"),
    sample!("ja"),
];

/// The sample text of a language (by its primary subtag), if it has one.
pub fn sample(primary: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.lang == primary)
}

/// One font file to copy into the new project's `fonts/`.
#[derive(Debug)]
pub struct FontFile {
    /// The file name under `fonts/`.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

macro_rules! font {
    ($name:literal) => {
        FontFile { name: $name, bytes: include_bytes!(concat!("../../fonts/", $name)) }
    };
}

/// The fonts of a script: its name under `fonts.scripts`, the families, and the files.
#[derive(Debug)]
pub struct ScriptFonts {
    /// The script, as `lang::SCRIPTS` names it.
    pub script: &'static str,
    /// The families to list under `fonts.scripts.<script>`.
    pub families: &'static [&'static str],
    /// The files that hold them, with their licence.
    pub files: &'static [FontFile],
}

/// The Latin, Greek and Cyrillic fonts every project gets, with their licence.
pub const LATIN_FONTS: &[FontFile] = &[
    font!("NotoSerif-Regular.ttf"),
    font!("NotoSerif-Bold.ttf"),
    font!("NotoSerif-Italic.ttf"),
    font!("NotoSerif-BoldItalic.ttf"),
    font!("NotoSans-Regular.ttf"),
    font!("NotoSans-Bold.ttf"),
    font!("NotoSans-Italic.ttf"),
    font!("OFL-Noto.txt"),
];

const WENQUANYI: &[FontFile] = &[font!("wqy-microhei.ttc"), font!("LICENSE-Apache-2.0-WenQuanYi.txt")];

/// The fonts of the scripts Spotlight ships fonts for.
pub const SCRIPT_FONTS: &[ScriptFonts] = &[
    ScriptFonts {
        script: "arabic",
        families: &["Noto Naskh Arabic"],
        files: &[font!("NotoNaskhArabic-Regular.ttf"), font!("NotoNaskhArabic-Bold.ttf")],
    },
    ScriptFonts {
        script: "hebrew",
        families: &["Noto Serif Hebrew", "Noto Sans Hebrew"],
        files: &[
            font!("NotoSerifHebrew-Regular.ttf"),
            font!("NotoSerifHebrew-Bold.ttf"),
            font!("NotoSansHebrew-Regular.ttf"),
            font!("NotoSansHebrew-Bold.ttf"),
        ],
    },
    // A Song face with a real bold for the body; WenQuanYi for characters outside its subset.
    ScriptFonts {
        script: "chinese",
        families: &["Noto Serif CJK SC", "WenQuanYi Micro Hei"],
        files: &[
            font!("NotoSerifCJKsc-Regular-subset.otf"),
            font!("NotoSerifCJKsc-Bold-subset.otf"),
            font!("OFL-Noto.txt"),
            font!("wqy-microhei.ttc"),
            font!("LICENSE-Apache-2.0-WenQuanYi.txt"),
        ],
    },
    ScriptFonts { script: "japanese", families: &["WenQuanYi Micro Hei"], files: WENQUANYI },
    ScriptFonts { script: "korean", families: &["WenQuanYi Micro Hei"], files: WENQUANYI },
];

/// The fonts shipped for a script, if any.
pub fn script_fonts(script: &str) -> Option<&'static ScriptFonts> {
    SCRIPT_FONTS.iter().find(|s| s.script == script)
}
